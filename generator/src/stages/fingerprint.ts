import { PDQ_MIN_QUALITY, type PdqDihedralResult, type RawImage, decodeImage, lumaOf, pdqDihedralFromLuma, resizeForPdq } from "../pdq/index.js";
import { releasePixels } from "../render/pixels.js";
import type { QueryHash } from "../screen/signals.js";
import { type TileHashResult, tileHashOrNone, tileQueries } from "../tile/index.js";
import { defineStage } from "./stage.js";

/** Stage input: the rendered PNG. */
export type FingerprintInput = { png: Uint8Array };

/**
 * Stage output: the eight dihedral PDQ hashes (the original is the lineage's PDQ) and quality; the
 * tile hash (the lineage's `tileHash`) with its four query hashes.
 */
export type FingerprintOutput = {
  pdq: PdqDihedralResult;
  pdqHash: `0x${string}`;
  reliable: boolean;
  tileHash: `0x${string}`;
  tileResult: TileHashResult;
  /**
   * Screening lookups of the tile signal (four dihedral variants, four more of what a margin frames,
   * four of each tile a half-drop, brick or mirror copy may have been cut from; transforms in words).
   */
  tile: QueryHash[];
};

/** Fingerprint stage: PDQ with the reference's resize policy, from one DCT for all variants; the tile hash from the same decode. */
export async function fingerprint(input: FingerprintInput): Promise<FingerprintOutput> {
  return fingerprintPixels(await decodeImage(input.png));
}

/**
 * The fingerprint of decoded pixels: what `fingerprint` gives for an image file of exactly these
 * pixels (a render's own, kept by `render(…, { pixels: true })`, need no decoding).
 */
export function fingerprintPixels(decoded: RawImage): FingerprintOutput {
  const small = resizeForPdq(decoded);
  const pdq = pdqDihedralFromLuma(lumaOf(small), small.height, small.width);
  // with the re-laid tiles: screening's queries (the lineage's hash is the same either way)
  const tileResult = tileHashOrNone(decoded, { relaid: true });
  return {
    pdq,
    pdqHash: `0x${pdq.original}`,
    reliable: pdq.quality >= PDQ_MIN_QUALITY,
    tileHash: `0x${tileResult.hash}`,
    tileResult,
    tile: tileQueries(tileResult),
  };
}

/**
 * The fingerprint stage of the pipeline definition: from the render's own pixels when it kept them
 * (the PNG's pixels: no decode), else from the PNG. The pixels are dropped from the context then, and
 * their buffer handed back for a later render (`releasePixels`): no later stage reads them, and a
 * long batch keeps every pattern's context.
 */
export const fingerprintStage = defineStage({
  name: "fingerprint",
  needs: ["png"],
  async run(ctx) {
    if (ctx.pixels === undefined) return { fingerprint: await fingerprint({ png: ctx.png }), pixels: undefined };
    const fp = fingerprintPixels(ctx.pixels);
    releasePixels(ctx.pixels);
    return { fingerprint: fp, pixels: undefined };
  },
});
