import { buildCppnOnnx } from "../model/cppn.js";
import { decodeImage } from "../pdq/decode.js";
import { render } from "../render/render.js";
import { toCppnWeights } from "./cppn-grad.js";
import { type StyleFeatures, styleFeatures } from "./style.js";
import { type StudioTrainConfig, type SwatchFile, swatchOf } from "./studio.js";
import { cppnTrainer } from "./trainer.js";

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
