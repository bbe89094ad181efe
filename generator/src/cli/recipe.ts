import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { motifModelRegistryAbi, tokenIdHex } from "@motif/sdk";
import { certifyRecipe } from "../certify.js";
import { selectStore } from "../ipfs/select.js";
import { type ModelManifestEntry, loadManifest } from "../render/render.js";
import { type Recipe, RecipeError, recipeBytes, validateRecipe } from "../recipe/recipe.js";
import { UsageError, intOption, modelEntry, paramFlagsHelp, paramsFromFlags, parse } from "./args.js";
import { walletFromEnv } from "./chain.js";

const HELP = `usage: motif recipe create --model NAME --name TEXT --author ADDR [--PARAM VALUE ...] --out FILE.json [--pin] [--store DIR]
       motif recipe check FILE.json
       motif recipe mint FILE.json [--share-bps N] [--royalty-bps N] [--store DIR] [--json]

A recipe is a model and its style params as canonical JSON (format motif-recipe/1); its sha-256 is the
recipe digest (and, pinned as one raw block, its CID digest). \`create\` writes one (and pins it with
--pin); \`check\` validates one against the shipped models; \`motif render --recipe FILE\` renders from it.
\`mint\` certifies it on chain as a recipe certificate (the author's own: needs MOTIF_RPC_URL and
MOTIF_WALLET_KEY of the recipe's author), licensable like a pattern; patterns minted from it with
\`motif mint --recipe FILE --region CODE\` (by its owner or a licensee for that region) name it in their
lineage and pay its owner --share-bps (0..2500, default 1000) of their licensing revenue.
  --royalty-bps  ERC-2981 royalty on sales of the recipe certificate, 0..1000 (default 250)
The model's params (any it does not declare is refused):
${paramFlagsHelp()}`;

/** With --recipe the recipe gives the model and params: a UsageError when --model or a param flag is given too. */
export function noParamsWithRecipe(values: { model?: string | undefined }, paramFlags: Record<string, string>): void {
  const given = [...(values.model !== undefined ? ["--model"] : []), ...Object.keys(paramFlags).map((f) => `--${f}`)];
  if (given.length > 0) throw new UsageError(`--recipe: the recipe sets the model and params; drop ${given.join(", ")}`);
}

/**
 * Reads and validates a recipe file for the option or argument `label` (--recipe, FILE): a
 * UsageError names it and what is wrong (unreadable JSON, or the bad field and its range).
 */
export async function readRecipeFile(label: string, file: string, manifest?: readonly ModelManifestEntry[]): Promise<Recipe> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${label}: ${file} is not readable recipe JSON (${(error as Error).message.split("\n")[0]})`);
  }
  try {
    return validateRecipe(parsed, manifest ?? (await loadManifest()));
  } catch (error) {
    if (error instanceof RecipeError) throw new UsageError(`${label}: ${error.message}`);
    throw error;
  }
}

export const recipeCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const manifest = await loadManifest();
    const { values, positionals, paramFlags } = parse(args, {
      model: { type: "string" },
      name: { type: "string" },
      author: { type: "string" },
      out: { type: "string" },
      pin: { type: "boolean", default: false },
      "share-bps": { type: "string" },
      "royalty-bps": { type: "string" },
      json: { type: "boolean", default: false },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      help: { type: "boolean", short: "h", default: false },
    }, manifest);
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const [sub, file] = positionals;
    try {
      if (sub === "create") {
        if (values.out === undefined) throw new UsageError("--out: required, the recipe JSON to write");
        const entry = modelEntry(manifest, values.model);
        const params = paramsFromFlags(paramFlags, entry);
        const recipe = validateRecipe(
          { format: "motif-recipe/1", name: values.name, author: values.author, model: { name: entry.name, weightsDigest: entry.sha256 }, params },
          manifest,
        );
        const { bytes, digest } = recipeBytes(recipe);
        await writeFile(values.out, bytes);
        const cid = values.pin ? (await selectStore(values.store!).store.add(bytes)).toString() : undefined;
        process.stdout.write(JSON.stringify({ file: values.out, recipeDigest: digest, ...(cid ? { cid } : {}) }) + "\n");
        return 0;
      }
      if (sub === "mint") {
        if (file === undefined) throw new UsageError("FILE: the recipe JSON to certify");
        const shareBps = intOption("share-bps", values["share-bps"], 1000, 0, 2500);
        const royaltyBps = intOption("royalty-bps", values["royalty-bps"], 250, 0, 1000);
        const recipe = await readRecipeFile("FILE", file, manifest);
        const { publicClient, wallet, chainId, addresses } = await walletFromEnv(["certificate", "registry"]);
        const modelId = await publicClient.readContract({ address: addresses.registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [recipe.model.weightsDigest] });
        if (modelId === 0) throw new UsageError(`model.weightsDigest: ${recipe.model.name} (${recipe.model.weightsDigest}) is not registered on chain ${chainId}`);
        let out;
        try {
          out = await certifyRecipe({ wallet, publicClient, certificate: addresses.certificate, store: selectStore(values.store!).store }, { recipe, modelId, shareBps, royaltyBps });
        } catch (error) {
          if (error instanceof RangeError) throw new UsageError(error.message);
          throw error;
        }
        const result = { recipeId: tokenIdHex(out.tokenId), recipeDigest: out.recipeDigest, recipeCid: out.recipeCid.toString(), metadataCid: out.metadataCid.toString(), modelId, shareBps, transactionHash: out.transactionHash };
        process.stdout.write(values.json ? JSON.stringify(result) + "\n" : `recipe ${result.recipeId} certified (model ${modelId}, share ${shareBps} bps) in ${result.transactionHash}\n`);
        return 0;
      }
      if (sub === "check") {
        if (file === undefined) throw new UsageError("FILE: the recipe JSON to check");
        const recipe = await readRecipeFile("FILE", file, manifest);
        process.stdout.write(JSON.stringify({ file, recipeDigest: recipeBytes(recipe).digest, recipe }) + "\n");
        return 0;
      }
    } catch (error) {
      if (error instanceof RecipeError) throw new UsageError(error.message);
      throw error;
    }
    throw new UsageError(`${sub === undefined ? "a subcommand is required" : `unknown subcommand "${sub}"`}: create, check or mint`);
  },
};
