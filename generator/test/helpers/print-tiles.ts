/** Print tiles, renders of any size, and their nearest tile-hash distance: shared by the screening tests (audits 31–35, reading 3). */
import { decodeImage } from "../../src/pdq/decode.js";
import { render } from "../../src/render/render.js";
import { TILE_VARIANTS, type TileHashReading, type TileHashResult, type TileVariant, tileDistance, tileHashPixels, tileQueries } from "../../src/tile/index.js";
import { type Rgb, rgb } from "../../../test/ts/helpers/pixels.js";

export type PrintRepeat = "block" | "half-drop" | "brick";

/** A 256 × 256 print tile (2.56 cm at 254 dpi) of `model` / `seed` at `scale`, made for `repeat`. */
export const printTile = async (model: string, seed: number, repeat: PrintRepeat, scale: number): Promise<Rgb> => {
  const r = await render({ model, seed: BigInt(seed), params: { scale, sharpness: 6 }, width: 256, height: 256, print: { repeat, sizeCm: 2.56, dpi: 254 } });
  return rgb(await decodeImage(r.png));
};

/** The least distance from `hash` to any of a query's four variants, or of its re-laid reads'. */
export const nearestTile = (r: TileHashResult, hash: string): number =>
  Math.min(...[r.variants, ...(r.relaid ?? []).map((x) => x.variants)].flatMap((v) => (Object.keys(TILE_VARIANTS) as TileVariant[]).map((k) => tileDistance(v[k], hash))));

const renders = new Map<string, Rgb>();
/** A `width` × `height` render of `model` / `seed` at `scale` (sharpness 6), decoded; cached for the process (tests render the same design many times). */
export const renderRgb = async (model: string, seed: bigint, scale: number, width: number, height: number): Promise<Rgb> => {
  const key = `${model} ${seed} ${scale} ${width}×${height}`;
  let img = renders.get(key);
  if (img === undefined) {
    img = rgb(await decodeImage((await render({ model, seed, params: { scale, sharpness: 6 }, width, height })).png));
    renders.set(key, img);
  }
  return img;
};

/** The nearest of screening's query hashes of `copy` (`tileQueries` of its `relaid` read, as `reading`: today's by default) to `hash`, and the read that gave it. */
export const nearestQuery = (copy: Rgb, hash: string, reading?: TileHashReading): { d: number; how: string } => {
  let best = { d: Infinity, how: "" };
  for (const q of tileQueries(tileHashPixels(copy, { relaid: true, ...(reading !== undefined ? { reading } : {}) }))) {
    const d = tileDistance(q.hash, hash);
    if (d < best.d) best = { d, how: q.transform };
  }
  return best;
};
