import { PDQ_MIN_QUALITY, type PdqDihedralResult, pdqDihedralImage } from "../pdq/index.js";

/** Stage input: the rendered PNG. */
export type FingerprintInput = { png: Uint8Array };

/** Stage output: the eight dihedral PDQ hashes (the original is the lineage's PDQ) and quality. */
export type FingerprintOutput = { pdq: PdqDihedralResult; pdqHash: `0x${string}`; reliable: boolean };

/** Fingerprint stage: PDQ with the reference's resize policy, from one DCT for all variants. */
export async function fingerprint(input: FingerprintInput): Promise<FingerprintOutput> {
  const pdq = await pdqDihedralImage(input.png);
  return { pdq, pdqHash: `0x${pdq.original}`, reliable: pdq.quality >= PDQ_MIN_QUALITY };
}
