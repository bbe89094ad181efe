/**
 * One family's measurement for studio-train.test.ts's quality tests, in a process of its own so that
 * the three families train side by side on the machine's cores (training is single-threaded: one
 * family is 20–30 s of one core).
 *
 *   node --import tsx generator/test/train-quality-family.ts FAMILY     prints one line of JSON
 *
 * Per family: its 8 example swatches, 3 held out by a split stratified by colourway; the trained
 * model (300 steps of the quick configuration), the same family untrained (the trainer's starting
 * point) and the shipped brand model madder each render 8 seeds at 96 px; each is scored by the mean
 * distance from a sample to its nearest swatch, on the training swatches and on the held-out ones.
 * `covered`: for every swatch, the distance to its nearest trained sample and to its nearest
 * untrained one. The test judges these figures; nothing is judged here.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { MODELS_DIR, closeRenderPools } from "../src/render/render.js";
import { exampleFileName } from "../src/train/examples.js";
import { sampleFeatures, stratifiedSplit, swatchFeatures, untrainedModel } from "../src/train/quality.js";
import { type StyleFeatures, styleDistance, styleReport } from "../src/train/style.js";
import { STUDIO_QUICK, swatchFile, trainStudioModel } from "../src/train/studio.js";

export type FamilyQuality = {
  family: string;
  scores: Record<"trained" | "untrained" | "madder", { train: number; held: number }>;
  colourways: number;
  covered: Array<{ trained: number; untrained: number }>;
};

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "examples", "swatches");

export async function measureFamily(family: string): Promise<FamilyQuality> {
  const files = await Promise.all(Array.from({ length: 8 }, async (_, i) => swatchFile(exampleFileName(i), await readFile(path.join(EXAMPLES, family, exampleFileName(i))))));
  const config = { ...STUDIO_QUICK, steps: 300 };
  const split = await stratifiedSplit(files, config, 3);
  const [train, held] = [await swatchFeatures(split.train, config.crop), await swatchFeatures(split.held, config.crop)];
  const trained = await trainStudioModel({ files: split.train, name: family, version: "1.0.0", config });
  const models = { trained: trained.onnx, untrained: await untrainedModel(split.train, config, family), madder: await readFile(path.join(MODELS_DIR, "madder.onnx")) };
  const features: Record<string, StyleFeatures[]> = {};
  const scores = {} as FamilyQuality["scores"];
  for (const [name, bytes] of Object.entries(models) as Array<[keyof typeof models, Uint8Array]>) {
    features[name] = await sampleFeatures(bytes);
    scores[name] = { train: styleReport(features[name]!, train).nearest, held: styleReport(features[name]!, held).nearest };
  }
  const nearest = (samples: StyleFeatures[], s: StyleFeatures) => Math.min(...samples.map((f) => styleDistance(f, s)));
  const covered = [...train, ...held].map((s) => ({ trained: nearest(features.trained!, s), untrained: nearest(features.untrained!, s) }));
  return { family, scores, colourways: split.colourways.length, covered };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const family = process.argv[2];
  if (family === undefined) throw new Error("usage: train-quality-family.ts FAMILY");
  try {
    process.stdout.write(`${JSON.stringify(await measureFamily(family))}\n`);
  } finally {
    await closeRenderPools();
  }
}
