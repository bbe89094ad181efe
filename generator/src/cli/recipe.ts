import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { selectStore } from "../ipfs/select.js";
import { loadManifest } from "../render/render.js";
import { RecipeError, recipeBytes, validateRecipe } from "../recipe/recipe.js";
import { UsageError, parse, renderOptionsFrom } from "./args.js";

const HELP = `usage: motif recipe create --model NAME --name TEXT --author ADDR [--scale K] [--sharpness S] --out FILE.json [--pin] [--store DIR]
       motif recipe check FILE.json

A recipe is a model and its style params as canonical JSON (format motif-recipe/1); its sha-256 is the
recipe digest (and, pinned as one raw block, its CID digest). \`create\` writes one (and pins it with
--pin); \`check\` validates one against the shipped models; \`motif render --recipe FILE\` renders from it.`;

export const recipeCommand = {
  summary: "create or check a recipe (model + style params)",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      model: { type: "string" },
      name: { type: "string" },
      author: { type: "string" },
      scale: { type: "string" },
      sharpness: { type: "string" },
      out: { type: "string" },
      pin: { type: "boolean", default: false },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const manifest = await loadManifest();
    const [sub, file] = positionals;
    try {
      if (sub === "create") {
        if (values.out === undefined) throw new UsageError("--out: required, the recipe JSON to write");
        const entry = manifest.find((m) => m.name === values.model);
        const { params } = renderOptionsFrom(values);
        const recipe = validateRecipe(
          { format: "motif-recipe/1", name: values.name, author: values.author, model: { name: values.model, weightsDigest: entry?.sha256 ?? "0x" }, params },
          manifest,
        );
        const { bytes, digest } = recipeBytes(recipe);
        await writeFile(values.out, bytes);
        const cid = values.pin ? (await selectStore(values.store!).store.add(bytes)).toString() : undefined;
        process.stdout.write(JSON.stringify({ file: values.out, recipeDigest: digest, ...(cid ? { cid } : {}) }) + "\n");
        return 0;
      }
      if (sub === "check") {
        if (file === undefined) throw new UsageError("FILE: the recipe JSON to check");
        let parsed: unknown;
        try {
          parsed = JSON.parse(await readFile(file, "utf8"));
        } catch (error) {
          throw new UsageError(`${file}: not readable JSON (${(error as Error).message.split("\n")[0]})`);
        }
        const recipe = validateRecipe(parsed, manifest);
        process.stdout.write(JSON.stringify({ file, recipeDigest: recipeBytes(recipe).digest, recipe }) + "\n");
        return 0;
      }
    } catch (error) {
      if (error instanceof RecipeError) throw new UsageError(error.message);
      throw error;
    }
    throw new UsageError(`${sub === undefined ? "a subcommand is required" : `unknown subcommand "${sub}"`}: create or check`);
  },
};
