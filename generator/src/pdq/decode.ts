import sharp from "sharp";

import type { RawImage } from "./pdq.js";

/**
 * Decodes an image file or buffer (PNG, JPEG, and whatever else libvips reads) to 8-bit samples
 * exactly as stored: no colour management, no orientation fix-up, no resampling. JPEGs decode with
 * libjpeg-turbo's defaults (accurate integer IDCT, fancy upsampling), as the PDQ reference's did.
 * Throws an Error naming the input for unreadable or non-image data.
 */
export async function decodeImage(input: string | Uint8Array, name = typeof input === "string" ? input : "buffer"): Promise<RawImage> {
  try {
    const { data, info } = await sharp(input, { failOn: "error", limitInputPixels: 1 << 28, ignoreIcc: true })
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels;
    if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
      throw new Error(`unsupported channel count ${channels}`);
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels };
  } catch (error) {
    throw new Error(`${name}: not a readable image (${(error as Error).message})`);
  }
}
