// The tile hash is pure TypeScript and lives in the SDK (auditors recompute it in a browser too);
// the generator adds the Node decoder (sharp) and the query hashes screening uses.
import type { QueryHash } from "../screen/signals.js";
import { decodeImage } from "../pdq/decode.js";
import type { RawImage } from "../pdq/pdq.js";
import { TILE_VARIANTS, type TileHashOptions, type TileHashResult, type TileVariant, tileHashPixels } from "@motif/sdk";

export { type RelaidHash, TILE_HASH_READING, TILE_MATCH_DISTANCE, TILE_MIN_ENERGY, TILE_MIN_SPREAD, TILE_SIZE, TILE_VARIANTS, TILE_VERIFY_TOLERANCE, type TileHashOptions, type TileHashReading, type TileHashResult, type TileVariant, tileDistance, tileHashPixels } from "@motif/sdk";

/** The tile hash of an image file or encoded buffer (decoded within the pixel budget). */
export async function tileHashImage(input: string | Uint8Array): Promise<TileHashResult> {
  return tileHashPixels(await decodeImage(input));
}

/**
 * The tile hash of decoded pixels, or an unreliable all-zero result for an image under 8×8 px (nothing
 * to repeat; PDQ still screens it). `{ relaid: true }`: with the re-laid tiles' hashes screening
 * queries too (the hash itself is the same).
 */
export function tileHashOrNone(image: RawImage, options: TileHashOptions = {}): TileHashResult {
  if (image.width >= 8 && image.height >= 8) return tileHashPixels(image, options);
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
    ...(options.relaid === true ? { relaid: [] } : {}),
  };
}

/**
 * The query hashes of a tile hash, each with the transform of the original it reveals, in words: the
 * four dihedral variants of the whole image when its hash is reliable, of what a uniform margin
 * frames when one was found (a swatch on a card), and of each tile a half-drop, brick or mirror copy
 * may have been cut from when the hash was computed `{ relaid: true }` (docs/design/screening-repeats.md),
 * with the reads taken without a one-cycle shading; each of those is a reliable read of its own, so
 * they are asked even when the whole image's is not (a wash can hide every period: audit 32).
 */
export function tileQueries(result: TileHashResult): QueryHash[] {
  const repeatOf = ({ period, repeats }: Pick<TileHashResult, "period" | "repeats">) =>
    Math.abs(repeats.x - 1) < 0.02 && Math.abs(repeats.y - 1) < 0.02
      ? "one tile"
      : `repeat of ${period.x.toFixed(1)}×${period.y.toFixed(1)} px (${repeats.x.toFixed(2)}×${repeats.y.toFixed(2)} repeats)`;
  const queriesOf = (variants: Record<TileVariant, string>, where: string): QueryHash[] =>
    (Object.keys(TILE_VARIANTS) as TileVariant[]).map((v) => ({ hash: variants[v], transform: v === "original" ? where : `${TILE_VARIANTS[v]}, ${where}` }));
  const queries = result.reliable ? queriesOf(result.variants, `any tile origin, ${repeatOf(result)}`) : [];
  const f = result.framed;
  if (f !== undefined && f.reliable) {
    const m = result.margin;
    queries.push(...queriesOf(f.variants, `inside a margin of ${m.top}/${m.right}/${m.bottom}/${m.left} px, any tile origin, ${repeatOf(f)}`));
  }
  for (const r of result.relaid ?? []) queries.push(...queriesOf(r.variants, r.shading !== undefined || r.before === true ? r.how : `re-laid: ${r.how}`));
  return queries;
}
