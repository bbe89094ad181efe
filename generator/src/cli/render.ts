import { writeFile } from "node:fs/promises";

import { recipeBytes } from "../recipe/recipe.js";
import { noParamsWithRecipe, readRecipeFile } from "./recipe.js";
import { RENDER_LIMITS, RenderInputError, closeRenderPools, loadManifest, render } from "../render/render.js";
import { RENDER_OPTION_SPECS, UsageError, intOption, modelEntry, paramFlagsHelp, parse, renderOptionsFrom, seedOption } from "./args.js";
import { stopSignal } from "./stop.js";

const HELP = `usage: motif render --model NAME --seed N [--PARAM VALUE ...] [--size PX | --width PX --height PX] --out FILE [--json]
       motif render --recipe RECIPE.json --seed N [--size PX | --width PX --height PX] --out FILE [--json]

Renders a seamless pattern with a shipped model and writes it as PNG.
  --model      a model of generator/models/models.json (MOTIF_MODELS_DIR: another folder)
  --seed       0..2^64-1
${paramFlagsHelp()}
  --size       square side 1..${RENDER_LIMITS.maxSide} (default 512); or --width and --height
  --recipe     render with a recipe's model and params (\`motif recipe create\`); not with --model or param flags
  --out        PNG file to write (nothing is written if the input is refused or the render stopped)
  --json       print the result as JSON
  --progress   print "band N/M" lines to stderr as the render goes

Renders in MOTIF_RENDER_THREADS threads (default: one a core, up to 8; 1: this thread only), the
same bytes whatever the number. Ctrl-C or SIGTERM stops the render: nothing is written, exit 0.`;

export const renderCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const manifest = await loadManifest();
    const { values, paramFlags } = parse(args, {
      ...RENDER_OPTION_SPECS,
      seed: { type: "string" },
      recipe: { type: "string" },
      width: { type: "string" },
      height: { type: "string" },
      out: { type: "string" },
      json: { type: "boolean", default: false },
      progress: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    }, manifest);
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    let recipeDigest: string | undefined;
    let fromRecipe: Record<string, number> | undefined;
    if (values.recipe !== undefined) {
      noParamsWithRecipe(values, paramFlags);
      const recipe = await readRecipeFile("--recipe", values.recipe, manifest);
      values.model = recipe.model.name;
      fromRecipe = recipe.params;
      recipeDigest = recipeBytes(recipe).digest;
    }
    const entry = modelEntry(manifest, values.model, ", or --recipe");
    if (values.out === undefined) throw new UsageError("--out: required, the PNG file to write");
    const options = renderOptionsFrom(values, paramFlags, entry);
    const params = fromRecipe ?? options.params;
    const size = options.size;
    const input = {
      model: entry.name,
      seed: seedOption(values.seed),
      params,
      width: intOption("width", values.width, size, 1, RENDER_LIMITS.maxSide),
      height: intOption("height", values.height, size, 1, RENDER_LIMITS.maxSide),
    };
    let out;
    // a signal stops the render between bands: the workers are terminated, nothing is written
    const stop = stopSignal();
    const abort = new AbortController();
    let bandsDone = 0;
    let bandsTotal = 0;
    void stop.stopped.then((why) => abort.abort(new RenderStopped(why)));
    try {
      out = await render(input, {
        signal: abort.signal,
        onBand: (done, total) => {
          [bandsDone, bandsTotal] = [done, total];
          if (values.progress) process.stderr.write(`band ${done}/${total}\n`);
        },
      });
    } catch (error) {
      if (error instanceof RenderInputError) throw new UsageError(error.message);
      if (error instanceof RenderStopped) {
        await closeRenderPools();
        process.stderr.write(`motif render: stopped by ${error.why} after ${bandsDone} of ${bandsTotal || "its"} bands; nothing written\n`);
        return 0;
      }
      throw error;
    } finally {
      stop.dispose();
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

/** The render was stopped by a signal (`why`: which). */
class RenderStopped extends Error {
  constructor(readonly why: string) {
    super(`render stopped by ${why}`);
    this.name = "RenderStopped";
  }
}
