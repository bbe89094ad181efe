/**
 * Studio training benchmarks (part of `npm run bench`; issue 19 §2): the time of the full
 * configuration on the shipped plaid swatches (goal ≤ 10 minutes on 2 cores), and the measured
 * quality of each example family — the style distance (generator/src/train/style.ts) from 8 samples
 * at 96 px to their nearest swatch, for the trained model (300 steps of the quick configuration, 5
 * swatches), the same family untrained (the trainer's starting point) and the brand model madder,
 * on the 5 training swatches and the 3 held out (a split stratified by colourway: `stratifiedSplit`;
 * one colourway, the last 3). Lower is nearer. Beside it, coverage (each swatch's
 * distance to its nearest sample) and the held-out score of the training swatches themselves (what
 * a model reproducing them exactly would get). `MOTIF_BENCH_ONLY=quality` or
 * `full` runs one part.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { MODELS_DIR } from "../generator/src/render/render.js";
import { EXAMPLE_STYLES, exampleFileName } from "../generator/src/train/examples.js";
import { sampleFeatures, stratifiedSplit, swatchFeatures, untrainedModel } from "../generator/src/train/quality.js";
import { styleDistance, styleDiversity, styleReport } from "../generator/src/train/style.js";
import { STUDIO_DEFAULTS, STUDIO_QUICK, type SwatchFile, swatchFile, trainStudioModel } from "../generator/src/train/studio.js";
import { BenchReport } from "./lib/report.js";

const report = new BenchReport("Motif studio training benchmarks (2 cores)");
const only = process.env.MOTIF_BENCH_ONLY?.split(",").map((s) => s.trim());
const want = (part: "quality" | "full") => only === undefined || only.includes(part);
const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "generator", "examples", "swatches");

const filesOf = (style: string): Promise<SwatchFile[]> => Promise.all(Array.from({ length: 8 }, async (_, i) => swatchFile(exampleFileName(i), await readFile(path.join(EXAMPLES, style, exampleFileName(i))))));

const round = (x: number) => Math.round(x * 1000) / 1000;

if (want("quality")) {
  const madder = await readFile(path.join(MODELS_DIR, "madder.onnx"));
  const madderSamples = await sampleFeatures(madder);
  const config = { ...STUDIO_QUICK, steps: 300 };
  let passed = 0;
  for (const style of EXAMPLE_STYLES) {
    const files = await filesOf(style);
    const split = await stratifiedSplit(files, config, 3);
    const [train, held] = [await swatchFeatures(split.train, config.crop), await swatchFeatures(split.held, config.crop)];
    const trained = await trainStudioModel({ files: split.train, name: style, version: "1.0.0", config });
    const rows = { trained: await sampleFeatures(trained.onnx), untrained: await sampleFeatures(await untrainedModel(split.train, config, style)), madder: madderSamples };
    report.record(`train.quality.${style}.colourways`, split.colourways.length, `${style}: colourways the trainer finds in the 8 swatches (held out: ${split.held.map((f) => f.name).join(", ")})`);
    const scores = Object.fromEntries(Object.entries(rows).map(([k, v]) => [k, { train: styleReport(v, train).nearest, held: styleReport(v, held).nearest }]));
    for (const [k, v] of Object.entries(scores)) {
      report.record(`train.quality.${style}.${k}.nearest.train`, round(v.train), `${style}: mean style distance of 8 samples of the ${k} model to the nearest of the 5 training swatches`);
      report.record(`train.quality.${style}.${k}.nearest.heldOut`, round(v.held), `${style}: the same to the nearest of the 3 held-out swatches`);
    }
    // coverage: the mean over swatches of the distance to the nearest sample (a colourway left out shows here)
    for (const [k, v] of Object.entries(rows)) {
      const covered = (refs: typeof train) => refs.reduce((s, r) => s + Math.min(...v.map((f) => styleDistance(f, r))), 0) / refs.length;
      report.record(`train.quality.${style}.${k}.covered.train`, round(covered(train)), `${style}: mean distance from each of the 5 training swatches to the nearest of the ${k} model's 8 samples`);
      report.record(`train.quality.${style}.${k}.covered.heldOut`, round(covered(held)), `${style}: the same for the 3 held-out swatches`);
    }
    // the score of a model that reproduced its training swatches exactly: the held-out split's floor for a faithful model
    report.record(`train.quality.${style}.trainingSwatches.nearest.heldOut`, round(styleReport(train, held).nearest), `${style}: the 5 training swatches as samples, mean distance to the nearest held-out swatch`);
    report.record(`train.quality.${style}.trained.diversity`, round(styleDiversity(rows.trained)), `${style}: mean distance between the trained model's samples (the swatches': ${round(styleDiversity([...train, ...held]))})`);
    const closest = scores.trained!.train < Math.min(scores.untrained!.train, scores.madder!.train) && scores.trained!.held < Math.min(scores.untrained!.held, scores.madder!.held);
    if (closest) passed++;
    report.record(`train.quality.${style}.trainedClosest`, closest ? 1 : 0, `${style}: 1 when the trained model is the nearest on the training and the held-out swatches`);
  }
  report.record("train.quality.familiesTrainedClosest", passed, `of the ${EXAMPLE_STYLES.length} example families, those where the trained model is nearest on train and held-out swatches`);
}

if (want("full")) {
  const files = await filesOf("plaid");
  const trained = await trainStudioModel({ files, name: "plaid", version: "1.0.0", config: STUDIO_DEFAULTS });
  const seconds = trained.result.seconds;
  report.record("train.s.full", Math.round(seconds), `motif model train at the full configuration (${STUDIO_DEFAULTS.steps} steps, ${STUDIO_DEFAULTS.crop}-px crops, batch ${STUDIO_DEFAULTS.batch}) on the 8 plaid swatches, one thread`, 600);
  report.record("train.stepsPerSecond.full", Math.round((STUDIO_DEFAULTS.steps / seconds) * 100) / 100, "training steps a second at the full configuration");
}

await report.write();
