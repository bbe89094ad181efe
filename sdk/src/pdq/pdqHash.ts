import { BaseError } from "viem";

import { imageSizeFromHeader } from "./imageHeader.js";
import { type PdqResult, type RawImage, lumaOf, pdqFromLuma, resizeForPdq } from "./pdq.js";

export type { PdqResult, RawImage } from "./pdq.js";

export type PdqHashPixelsParameters = RawImage;
export type PdqHashPixelsReturnType = PdqResult;

/**
 * PDQ hash (64 hex digits) and quality of decoded 8-bit pixels (grey, RGB or RGBA; alpha ignored),
 * with the reference hasher's policy (a side over 512 px is first resized to 512×512 by nearest
 * neighbour): bit-exact with the generator's PDQ and Meta's reference on the same pixels. Pure
 * TypeScript: browsers and Node alike.
 *
 * @example
 * import { pdqHashPixels } from "@motif/sdk";
 * const [width, height] = [64, 64];
 * const rgba = new Uint8Array(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 37) % 256)); // decoded RGBA pixels
 * const { hash, quality } = pdqHashPixels({ data: rgba, width, height, channels: 4 });
 */
export function pdqHashPixels(image: PdqHashPixelsParameters): PdqHashPixelsReturnType {
  const small = resizeForPdq(image);
  return pdqFromLuma(lumaOf(small), small.height, small.width);
}

export type PdqDecodeErrorType = PdqDecodeError & { name: "PdqDecodeError" };

/** An image could not be decoded for hashing. */
export class PdqDecodeError extends BaseError {
  override name = "PdqDecodeError" as const;
}

/** The few browser APIs the decoder needs (typed here: the SDK compiles without the DOM library too). */
type BrowserImageApis = {
  createImageBitmap?: (blob: Blob, options: { colorSpaceConversion: "none"; premultiplyAlpha: "none" }) => Promise<{ width: number; height: number; close(): void }>;
  OffscreenCanvas?: new (width: number, height: number) => {
    width: number;
    height: number;
    getContext(kind: "2d", options: { colorSpace: "srgb"; willReadFrequently: boolean }): {
      drawImage(image: unknown, x: number, y: number): void;
      getImageData(x: number, y: number, width: number, height: number): { data: Uint8ClampedArray };
    } | null;
  };
};

/** Most pixels `decodeImageInBrowser` decodes by default: 8192² (the largest render). */
export const DEFAULT_MAX_DECODE_PIXELS = 8192 * 8192;

/**
 * Decodes encoded image bytes (PNG, JPEG…) with the browser's own decoder (`createImageBitmap`, no
 * colour conversion, no premultiplied alpha) into RGBA pixels. Browsers and web workers only: in
 * Node use the generator's `decodeImage` (sharp) or pass pixels to `pdqHashPixels`. The size is read
 * from the header first: above `maxPixels` (default 8192²), or in another format than PNG, JPEG, GIF
 * or WebP, PdqDecodeError is thrown before anything is decoded.
 */
export async function decodeImageInBrowser(bytes: Uint8Array, maxPixels = DEFAULT_MAX_DECODE_PIXELS): Promise<RawImage> {
  const { createImageBitmap, OffscreenCanvas } = globalThis as unknown as BrowserImageApis;
  if (createImageBitmap === undefined || OffscreenCanvas === undefined) {
    throw new PdqDecodeError("decodeImageInBrowser needs createImageBitmap and OffscreenCanvas (a browser): in Node, hash decoded pixels with pdqHashPixels");
  }
  // The header first: a few hundred KiB can declare 16384² pixels (a decompression bomb).
  const size = imageSizeFromHeader(bytes);
  if (size === undefined) throw new PdqDecodeError("image: not a PNG, JPEG, GIF or WebP (only these are decoded)");
  if (size.width * size.height > maxPixels) {
    throw new PdqDecodeError(`image: ${size.width}x${size.height} is ${size.width * size.height} pixels, above the limit of ${maxPixels} pixels; refused before decoding`);
  }
  let bitmap: Awaited<ReturnType<NonNullable<BrowserImageApis["createImageBitmap"]>>>;
  try {
    bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>]), { colorSpaceConversion: "none", premultiplyAlpha: "none" });
  } catch (error) {
    throw new PdqDecodeError(`image: not a readable image (${(error as Error).message})`);
  }
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const context = canvas.getContext("2d", { colorSpace: "srgb", willReadFrequently: true });
  if (context === null) throw new PdqDecodeError("image: no 2D canvas context to decode into");
  context.drawImage(bitmap, 0, 0);
  bitmap.close();
  const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: canvas.width, height: canvas.height, channels: 4 };
}

/**
 * The `pdq` hasher for `verifyCertificate` in a browser: decodes with `decodeImageInBrowser` and
 * hashes with `pdqHashPixels`, so an auditor's page recomputes PDQ itself, trusting no server.
 *
 * @example
 * // in a web page: browserPdq decodes the image with the browser's own decoder
 * import { createPublicClient, http } from "viem";
 * import { browserPdq, defaultAddresses, verifyCertificate } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const report = await verifyCertificate(client, {
 *   addresses: defaultAddresses(31337)!,
 *   tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"),
 *   gateway: "http://127.0.0.1:8081",
 *   pdq: browserPdq,
 * });
 * console.log(report.items.find((item) => item.id === "pdq")?.status); // "passed"
 */
export async function browserPdq(image: Uint8Array): Promise<string> {
  return pdqHashPixels(await decodeImageInBrowser(image)).hash;
}
