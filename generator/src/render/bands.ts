import type * as ort from "onnxruntime-node";

import { runCppn } from "../model/io.js";

/** Pixels per ONNX run: bounds the float buffers to one band whatever the image size. */
export const BAND_PIXELS = 1 << 16;

/** Rows per band of a `width`-wide render: as many as fit `BAND_PIXELS` (at least one, at most `height`). */
export function bandRowsOf(width: number, height: number): number {
  return Math.max(1, Math.min(height, Math.floor(BAND_PIXELS / width)));
}

/** The bands of a render, top to bottom: first row and row count of each. */
export function bandsOf(width: number, height: number): Array<{ y0: number; rows: number }> {
  const bandRows = bandRowsOf(width, height);
  const bands: Array<{ y0: number; rows: number }> = [];
  for (let y0 = 0; y0 < height; y0 += bandRows) bands.push({ y0, rows: Math.min(bandRows, height - y0) });
  return bands;
}

/**
 * One band of a `motif.cppn/1` render as 8-bit RGB: the pixel centres of rows `y0 .. y0 + rows − 1`
 * in [0,1)², one ONNX run, each colour clamped and rounded to 0..255. The one definition the main
 * thread and the render workers both run, so a band's bytes do not depend on where it was rendered.
 * `scratch` buffers are reused band to band (`cppnScratch`); the result is `scratch.rgb8`'s first
 * `rows · width · 3` bytes.
 */
export async function cppnBand(
  session: ort.InferenceSession,
  z: Float32Array,
  params: Readonly<Record<string, number>>,
  width: number,
  height: number,
  y0: number,
  rows: number,
  scratch: { uv: Float32Array; rgb8: Uint8Array },
): Promise<Uint8Array> {
  const { uv, rgb8 } = scratch;
  const n = rows * width;
  for (let r = 0; r < rows; r++) {
    const v = (y0 + r + 0.5) / height;
    for (let x = 0; x < width; x++) {
      const o = (r * width + x) * 2;
      uv[o] = (x + 0.5) / width;
      uv[o + 1] = v;
    }
  }
  bytesOfColours(await runCppn(session, z, params, uv, n), rgb8, n * 3);
  return rgb8.subarray(0, n * 3);
}

/**
 * The first `count` colours (float32, 0..1) as bytes: each clamped, then Math.round(c · 255). Done as
 * truncation of c · 255 + 0.5, several times faster: for a float32 c in (0, 1), c · 255 and
 * c · 255 + 0.5 are exact in float64 wherever the sum reaches 0.75 (below it both give 0), and a byte
 * array truncates what it stores, so the byte is floor(c · 255 + 0.5) = Math.round(c · 255); NaN
 * gives 0 either way.
 */
export function bytesOfColours(colours: Float32Array, bytes: Uint8Array, count: number): void {
  for (let i = 0; i < count; i++) {
    const c = colours[i]!;
    bytes[i] = c <= 0 ? 0 : c >= 1 ? 255 : c * 255 + 0.5;
  }
}

/** Scratch buffers for bands of up to `bandRows` rows of `width` pixels. */
export function cppnScratch(width: number, bandRows: number): { uv: Float32Array; rgb8: Uint8Array } {
  return { uv: new Float32Array(bandRows * width * 2), rgb8: new Uint8Array(bandRows * width * 3) };
}
