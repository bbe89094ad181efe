import type { RawImage } from "../pdq/pdq.js";

/**
 * The shared buffers renders keep their pixels in (`RenderOptions.pixels`: the render workers write
 * their bands into them), reused once handed back. A new SharedArrayBuffer costs the main thread
 * ~0.3 ms the first time it is posted to a worker, and its pages fault in as the bands are written:
 * at pipeline rates, a pattern's. Up to `MAX_SPARE_BYTES` of them wait for the next render of the
 * same size; a larger one is never kept.
 */
const spare: SharedArrayBuffer[] = [];
const MAX_SPARE_BYTES = 32 << 20;

/** A shared buffer of `bytes` bytes for a render's pixels: a handed-back one of that size, else a new one (zeros). */
export function pixelBuffer(bytes: number): Uint8Array {
  const i = spare.findIndex((b) => b.byteLength === bytes);
  return new Uint8Array(i < 0 ? new SharedArrayBuffer(bytes) : spare.splice(i, 1)[0]!);
}

/**
 * Hands back the pixels of a finished render (`RenderOutput.pixels`) once nothing reads them any
 * more: a later render may write over them. Pixels not in a whole shared buffer of their own are
 * left to the collector, and so is the oldest buffer kept when the kept ones would exceed the bound.
 */
export function releasePixels(image: RawImage): void {
  const { buffer } = image.data;
  if (!(buffer instanceof SharedArrayBuffer) || image.data.byteOffset !== 0 || image.data.byteLength !== buffer.byteLength || spare.includes(buffer)) return;
  spare.push(buffer);
  let kept = spare.reduce((sum, b) => sum + b.byteLength, 0);
  while (kept > MAX_SPARE_BYTES) kept -= spare.shift()!.byteLength;
}
