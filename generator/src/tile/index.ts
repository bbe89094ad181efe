// The tile hash is pure TypeScript and lives in the SDK (auditors recompute it in a browser too);
// the generator adds the Node decoder (sharp) and the query hashes screening uses.
import type { QueryHash } from "../screen/signals.js";
import { decodeImage } from "../pdq/decode.js";
import type { RawImage } from "../pdq/pdq.js";
import { TILE_VARIANTS, type TileHashResult, type TileVariant, tileHashPixels } from "@motif/sdk";

export { TILE_MATCH_DISTANCE, TILE_MIN_ENERGY, TILE_MIN_SPREAD, TILE_SIZE, TILE_VARIANTS, TILE_VERIFY_TOLERANCE, type TileHashResult, type TileVariant, tileDistance, tileHashPixels } from "@motif/sdk";

/** The tile hash of an image file or encoded buffer (decoded within the pixel budget). */
export async function tileHashImage(input: string | Uint8Array): Promise<TileHashResult> {
  return tileHashPixels(await decodeImage(input));
}

/** The tile hash of decoded pixels, or an unreliable all-zero result for an image under 8×8 px (nothing to repeat; PDQ still screens it). */
export function tileHashOrNone(image: RawImage): TileHashResult {
  if (image.width >= 8 && image.height >= 8) return tileHashPixels(image);
  const zero = "0".repeat(64);
  return {
    hash: zero,
    variants: { original: zero, rotate90: zero, mirror: zero, diagonal: zero },
    period: { x: image.width, y: image.height },
    repeats: { x: 1, y: 1 },
    energy: 0,
    spread: 0,
    margin: { top: 0, right: 0, bottom: 0, left: 0 },
    reliable: false,
  };
}

/**
 * The query hashes of a tile hash, each with the transform of the original it reveals, in words: the
 * four dihedral variants of the whole image when its hash is reliable, and of what a uniform margin
 * frames when one was found (a swatch on a card).
 */
export function tileQueries(result: TileHashResult): QueryHash[] {
  const repeatOf = (period: { x: number; y: number }, width: number, height: number) => {
    const [rx, ry] = [width / period.x, height / period.y];
    return Math.abs(rx - 1) < 0.02 && Math.abs(ry - 1) < 0.02 ? "one tile" : `repeat of ${period.x.toFixed(1)}×${period.y.toFixed(1)} px (${rx.toFixed(2)}×${ry.toFixed(2)} repeats)`;
  };
  const width = result.period.x * result.repeats.x;
  const height = result.period.y * result.repeats.y;
  const words = (v: TileVariant, where: string) => (v === "original" ? where : `${TILE_VARIANTS[v]}, ${where}`);
  const queries: QueryHash[] = [];
  if (result.reliable) {
    const where = `any tile origin, ${repeatOf(result.period, width, height)}`;
    for (const v of Object.keys(TILE_VARIANTS) as TileVariant[]) queries.push({ hash: result.variants[v], transform: words(v, where) });
  }
  const f = result.framed;
  if (f !== undefined && f.reliable) {
    const m = result.margin;
    const where = `inside a margin of ${m.top}/${m.right}/${m.bottom}/${m.left} px, any tile origin, ${repeatOf(f.period, width - m.left - m.right, height - m.top - m.bottom)}`;
    for (const v of Object.keys(TILE_VARIANTS) as TileVariant[]) queries.push({ hash: f.variants[v], transform: words(v, where) });
  }
  return queries;
}
