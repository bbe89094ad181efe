import { writeFile } from "node:fs/promises";

import { recipeBytes } from "../recipe/recipe.js";
import { readRecipeFile } from "./recipe.js";
import { RENDER_LIMITS, RenderInputError, render } from "../render/render.js";
import { RENDER_OPTION_SPECS, UsageError, intOption, parse, renderOptionsFrom, seedOption } from "./args.js";

const HELP = `usage: motif render --model NAME --seed N [--scale K] [--sharpness S] [--size PX | --width PX --height PX] --out FILE [--json]
       motif render --recipe RECIPE.json --seed N [--size PX | --width PX --height PX] --out FILE [--json]

Renders a seamless pattern with a shipped model and writes it as PNG.
  --model      indigo, madder or weld (generator/models/models.json)
  --seed       0..2^64-1
  --scale      integer frequency multiplier ${RENDER_LIMITS.scale.min}..${RENDER_LIMITS.scale.max} (default 2)
  --sharpness  palette sharpness ${RENDER_LIMITS.sharpness.min}..${RENDER_LIMITS.sharpness.max} (default 4)
  --size       square side 1..${RENDER_LIMITS.maxSide} (default 512); or --width and --height
  --recipe     render with a recipe's model and params (\`motif recipe create\`); not with --model/--scale/--sharpness
  --out        PNG file to write (nothing is written if the input is refused)
  --json       print the result as JSON`;

export const renderCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parse(args, {
      ...RENDER_OPTION_SPECS,
      seed: { type: "string" },
      recipe: { type: "string" },
      width: { type: "string" },
      height: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    let recipeDigest: string | undefined;
    if (values.recipe !== undefined) {
      if (values.model !== undefined || values.scale !== undefined || values.sharpness !== undefined) throw new UsageError("--recipe: the recipe sets the model and params; drop --model, --scale and --sharpness");
      const recipe = await readRecipeFile("--recipe", values.recipe);
      values.model = recipe.model.name;
      values.scale = String(recipe.params.scale);
      values.sharpness = String(recipe.params.sharpness);
      recipeDigest = recipeBytes(recipe).digest;
    }
    if (values.model === undefined) throw new UsageError("--model: required (indigo, madder or weld), or --recipe");
    if (values.out === undefined) throw new UsageError("--out: required, the PNG file to write");
    const { params, size } = renderOptionsFrom(values);
    const input = {
      model: values.model,
      seed: seedOption(values.seed),
      params,
      width: intOption("width", values.width, size, 1, RENDER_LIMITS.maxSide),
      height: intOption("height", values.height, size, 1, RENDER_LIMITS.maxSide),
    };
    let out;
    try {
      out = await render(input);
    } catch (error) {
      if (error instanceof RenderInputError) throw new UsageError(error.message);
      throw error;
    }
    await writeFile(values.out, out.png);
    const result = {
      file: values.out,
      contentDigest: out.contentDigest,
      model: out.model.name,
      weightsDigest: out.model.sha256,
      seed: out.seed.toString(),
      params: JSON.parse(out.canonicalParams),
      paramsHash: out.paramsHash,
      width: out.width,
      height: out.height,
      bytes: out.png.length,
      ...(recipeDigest !== undefined ? { recipeDigest } : {}),
    };
    process.stdout.write(values.json ? JSON.stringify(result) + "\n" : `${result.contentDigest} ${result.file} ${out.width}x${out.height}\n`);
    return 0;
  },
};
