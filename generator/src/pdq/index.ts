import { decodeImage } from "./decode.js";
import { type PdqDihedralResult, type PdqResult, lumaOf, pdqDihedralFromLuma, pdqFromLuma, resizeForPdq } from "./pdq.js";

export * from "./pdq.js";
export { DEFAULT_MAX_IMAGE_PIXELS, ImageTooLargeError, checkImageSize, decodeImage, maxImagePixels } from "./decode.js";

/**
 * `reference` (default) follows the reference hasher's policy — a side over 512 px is first resized
 * to 512×512 by nearest neighbour — so hashes compare with other PDQ users; `fullres` hashes every
 * pixel (as the Java reference does).
 */
export type PdqMode = "reference" | "fullres";

/** PDQ hash and quality of an image file or encoded buffer. */
export async function pdqHashImage(input: string | Uint8Array, mode: PdqMode = "reference"): Promise<PdqResult> {
  const decoded = await decodeImage(input);
  const image = mode === "reference" ? resizeForPdq(decoded) : decoded;
  return pdqFromLuma(lumaOf(image), image.height, image.width);
}

/** The eight dihedral PDQ hashes of an image file or encoded buffer. */
export async function pdqDihedralImage(input: string | Uint8Array, mode: PdqMode = "reference"): Promise<PdqDihedralResult> {
  const decoded = await decodeImage(input);
  const image = mode === "reference" ? resizeForPdq(decoded) : decoded;
  return pdqDihedralFromLuma(lumaOf(image), image.height, image.width);
}
