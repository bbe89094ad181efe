import { buildCppnOnnx } from "../model/cppn.js";
import { decodeImage } from "../pdq/decode.js";
import { render } from "../render/render.js";
import { toCppnWeights } from "./cppn-grad.js";
import { type StyleFeatures, styleFeatures } from "./style.js";
import { type StudioTrainConfig, type SwatchFile, swatchOf } from "./studio.js";
import { cppnTrainer, swatchColourways } from "./trainer.js";

/**
 * What the quality of a studio model is measured with (the test and `npm run bench`): samples of a
 * model rendered by the real renderer, and the untrained baseline of the same family.
 */

/** Style features of `count` renders (seeds 1…count, default params) of an ONNX model at `side` px. */
export async function sampleFeatures(bytes: Uint8Array, count = 8, side = 96): Promise<StyleFeatures[]> {
  const out: StyleFeatures[] = [];
  for (let seed = 1n; seed <= BigInt(count); seed++) {
    const r = await render({ model: "sample", seed, params: { scale: 2, sharpness: 4 }, width: side, height: side }, { modelBytes: bytes });
    const img = await decodeImage(r.png);
    out.push(styleFeatures(Float64Array.from(img.data, (v) => v / 255), side));
  }
  return out;
}

/** Style features of swatch files as the trainer sees them, at `side` px. */
export const swatchFeatures = (files: readonly SwatchFile[], crop: number, side = 96): Promise<StyleFeatures[]> =>
  Promise.all(files.map(async (f) => { const s = await swatchOf(f, side, crop); return styleFeatures(s.rgb, s.side); }));

/** The family untrained: the trainer's starting point on `files` (their palette and frequencies, drawn weights), as ONNX. */
export async function untrainedModel(files: readonly SwatchFile[], config: StudioTrainConfig, name: string): Promise<Uint8Array> {
  const swatches = await Promise.all([...files].sort((a, b) => (a.digest < b.digest ? -1 : 1)).map((f) => swatchOf(f, config.swatchPx, config.crop)));
  const start = cppnTrainer(swatches, config).result();
  return buildCppnOnnx({ name, version: "0.0.0" }, toCppnWeights(start.params, Float64Array.from(start.palette.srgb.flat(), (v) => v / 255)));
}

/**
 * A held-out split stratified by colourway: of each colourway the trainer finds in `files`, its
 * share of `held` swatches (largest remainder; ties to the larger colourway, then the earlier),
 * the last in file order; the rest to train on. One colourway: the last `held` files, as a plain
 * split. A held-out set in one colourway while training sees mostly another measures the split, not
 * the model (a model that reproduced its training swatches exactly would score worse than chance).
 */
export async function stratifiedSplit(
  files: readonly SwatchFile[],
  config: StudioTrainConfig,
  held: number,
): Promise<{ train: SwatchFile[]; held: SwatchFile[]; colourways: number[][] }> {
  if (!Number.isInteger(held) || held < 1 || held >= files.length) throw new RangeError(`held: ${held} is not 1 to ${files.length - 1}`);
  const swatches = await Promise.all(files.map((f) => swatchOf(f, config.swatchPx, config.crop)));
  const colourways = swatchColourways(swatches, config);
  // shares in integers: colourway k's is (size·held) / n, its remainder (size·held) mod n (no float ties)
  const take = colourways.map((way) => Math.floor((way.length * held) / files.length));
  const rest = colourways.map((way) => (way.length * held) % files.length);
  const order = colourways.map((_, k) => k).sort((a, b) => rest[b]! - rest[a]! || colourways[b]!.length - colourways[a]!.length || a - b);
  for (let left = held - take.reduce((s, n) => s + n, 0), i = 0; left > 0; left--, i++) take[order[i]!]!++;
  const out = new Set(colourways.flatMap((way, k) => way.slice(way.length - take[k]!)));
  return { train: files.filter((_, i) => !out.has(i)), held: files.filter((_, i) => out.has(i)), colourways };
}

