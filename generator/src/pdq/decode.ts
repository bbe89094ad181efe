import sharp from "sharp";

import type { RawImage } from "./pdq.js";

/**
 * The pixel budget of any image the generator decodes (uploads to `/v1/screen`, `motif pdq` and
 * `motif screen` files, images fetched for verification): `MOTIF_MAX_IMAGE_PIXELS`, default 8192²
 * (the largest render). A PNG of a few hundred KiB can declare 16384² pixels and take over a GiB to
 * decode, so the size is read from the header first and anything larger is refused undecoded.
 */
export const DEFAULT_MAX_IMAGE_PIXELS = 8192 * 8192;

/** The configured pixel budget (`MOTIF_MAX_IMAGE_PIXELS`, read on each call; default 8192²). */
export function maxImagePixels(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MOTIF_MAX_IMAGE_PIXELS;
  if (raw === undefined || raw === "") return DEFAULT_MAX_IMAGE_PIXELS;
  const v = Number(raw);
  if (!/^\d+$/.test(raw) || v < 1 || v > 2 ** 31) throw new RangeError(`MOTIF_MAX_IMAGE_PIXELS: "${raw}" is not an integer in 1..2147483648 (pixels)`);
  return v;
}

/** The formats decoded: each declares its true pixel size in its header. */
const ACCEPTED_FORMATS: readonly string[] = ["png", "jpeg", "webp", "gif"];

/** An image whose header declares more pixels than the budget; nothing was decoded. */
export class ImageTooLargeError extends Error {
  constructor(
    readonly width: number,
    readonly height: number,
    readonly limit: number,
    name: string,
  ) {
    super(`${name}: ${width}x${height} is ${width * height} pixels, above the limit of ${limit} pixels (MOTIF_MAX_IMAGE_PIXELS); refused before decoding`);
    this.name = "ImageTooLargeError";
  }
}

/**
 * Reads an image's dimensions from its header (sharp's metadata(): no pixel is decoded) and throws
 * ImageTooLargeError above `limit`. Every decode in the generator goes through this check.
 */
export async function checkImageSize(input: string | Uint8Array, name = typeof input === "string" ? input : "buffer", limit = maxImagePixels()): Promise<{ width: number; height: number }> {
  let meta;
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new Error(`${name}: not a readable image (${(error as Error).message})`);
  }
  // Formats that can embed other images (SVG data: URIs, PDF…) escape a header check: only these decode.
  if (!ACCEPTED_FORMATS.includes(meta.format as string)) {
    throw new Error(`${name}: format ${meta.format ?? "unknown"} is not accepted (PNG, JPEG, WebP or GIF only)`);
  }
  const width = meta.width ?? 0;
  const height = meta.height ?? 0;
  // all pages of a multi-page image count (sharp decodes one by default; pages stay a bound anyway)
  if (width * height > limit) throw new ImageTooLargeError(width, height, limit, name);
  return { width, height };
}

/**
 * Decodes an image file or buffer (PNG, JPEG, and whatever else libvips reads) to 8-bit samples
 * exactly as stored: no colour management, no orientation fix-up, no resampling. JPEGs decode with
 * libjpeg-turbo's defaults (accurate integer IDCT, fancy upsampling), as the PDQ reference's did.
 * Throws ImageTooLargeError above the pixel budget (checked from the header, before decoding) and an
 * Error naming the input for unreadable or non-image data.
 */
export async function decodeImage(input: string | Uint8Array, name = typeof input === "string" ? input : "buffer"): Promise<RawImage> {
  const limit = maxImagePixels();
  await checkImageSize(input, name, limit);
  try {
    const { data, info } = await sharp(input, { failOn: "error", limitInputPixels: limit, ignoreIcc: true })
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
