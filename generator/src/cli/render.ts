import { createWriteStream } from "node:fs";
import { rename, rm, writeFile } from "node:fs/promises";
import { pipeline } from "node:stream/promises";

import { recipeBytes } from "../recipe/recipe.js";
import { noParamsWithRecipe, readRecipeFile } from "./recipe.js";
import { describePrintSpec } from "@motif/sdk";
import { RENDER_LIMITS, RenderInputError, closeRenderPools, loadManifest, render } from "../render/render.js";
import { tiffOfPng } from "../render/tiff.js";
import { COLOURWAY_FLAGS_HELP, COLOURWAY_OPTION_SPECS, PRINT_FLAGS_HELP, PRINT_OPTION_SPECS, colourwayFlag, colourwayFrom, RENDER_OPTION_SPECS, UsageError, intOption, modelEntry, paramFlagsHelp, parse, printSpecFrom, renderOptionsFrom, seedOption } from "./args.js";
import { stopSignal } from "./stop.js";

const HELP = `usage: motif render --model NAME --seed N [--PARAM VALUE ...] [--size PX | --width PX --height PX] --out FILE [--json]
       motif render --recipe RECIPE.json --seed N [--size PX | --width PX --height PX] --out FILE [--json]
       motif render --model NAME --seed N [--PARAM VALUE ...] [--repeat TYPE] --size-cm CM --dpi N --out FILE [--tiff FILE]

Renders a seamless pattern with a shipped model and writes it as PNG.
  --model      a model of generator/models/models.json (MOTIF_MODELS_DIR: another folder)
  --seed       0..2^64-1
${paramFlagsHelp()}
  --size       square side 1..${RENDER_LIMITS.maxSide} (default 512); or --width and --height
${PRINT_FLAGS_HELP}
${COLOURWAY_FLAGS_HELP}
  --recipe     render with a recipe's model and params (\`motif recipe create\`); not with --model or param flags
  --out        PNG file to write (nothing is written if the input is refused or the render stopped)
  --tiff       also write a baseline TIFF of the same pixels (8-bit RGB, uncompressed, its DPI as
               X/YResolution per inch) for a mill's RIP; needs --size-cm and --dpi
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
      ...PRINT_OPTION_SPECS,
      ...COLOURWAY_OPTION_SPECS,
      tiff: { type: "string" },
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
    const print = printSpecFrom(values);
    const colourway = colourwayFrom(values);
    if (values.tiff !== undefined && print === undefined) throw new UsageError("--tiff: needs --size-cm and --dpi (the TIFF's resolution is the print spec's DPI)");
    if (values.tiff !== undefined && values.tiff === values.out) throw new UsageError("--tiff: the same file as --out");
    const options = renderOptionsFrom(values, paramFlags, entry);
    const params = fromRecipe ?? options.params;
    const size = options.size;
    const input = {
      model: entry.name,
      seed: seedOption(values.seed),
      params,
      width: print?.side ?? intOption("width", values.width, size, 1, RENDER_LIMITS.maxSide),
      height: print?.side ?? intOption("height", values.height, size, 1, RENDER_LIMITS.maxSide),
      ...(print !== undefined ? { print: print.print } : {}),
      ...(colourway !== undefined ? { colourway } : {}),
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
      if (error instanceof RenderInputError) {
        const detail = error.message.slice(error.field.length + 2);
        if (error.field.startsWith("print.")) throw new UsageError(`${{ "print.repeat": "--repeat", "print.sizeCm": "--size-cm", "print.dpi": "--dpi" }[error.field] ?? error.field}: ${detail}`);
        if (error.field.startsWith("colourway.")) throw new UsageError(`${colourwayFlag(error.field)}: ${detail}`);
        throw new UsageError(error.message);
      }
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
    if (values.tiff !== undefined) {
      // written under a temporary name and renamed: a stopped or failed export leaves no partial TIFF
      const tmp = `${values.tiff}.${process.pid}.partial`;
      const exportStop = stopSignal();
      const stopExport = new AbortController();
      void exportStop.stopped.then((why) => stopExport.abort(new RenderStopped(why)));
      try {
        await pipeline(tiffOfPng(out.png, out.print!.dpi), createWriteStream(tmp), { signal: stopExport.signal });
        await rename(tmp, values.tiff);
      } catch (error) {
        await rm(tmp, { force: true });
        if (stopExport.signal.aborted) {
          process.stderr.write(`motif render: stopped during the TIFF export; ${values.out} written, no TIFF\n`);
          return 0;
        }
        throw error;
      } finally {
        exportStop.dispose();
      }
    }
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
      ...(out.print !== undefined ? { print: out.print, ...(values.tiff !== undefined ? { tiff: values.tiff } : {}) } : {}),
      ...(out.colourway !== undefined ? { colourway: out.colourway } : {}),
      ...(recipeDigest !== undefined ? { recipeDigest } : {}),
    };
    process.stdout.write(values.json ? JSON.stringify(result) + "\n" : `${result.contentDigest} ${result.file} ${out.width}x${out.height}${out.print !== undefined ? ` ${describePrintSpec(out.print)}${values.tiff !== undefined ? `; TIFF ${values.tiff}` : ""}` : ""}\n`);
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
