import type * as ort from "onnxruntime-node";

import { type RepeatType, repeatOffset } from "@motif/sdk";
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
 * `rows · width · 3` bytes. `repeat` (default block) maps the pixel centres onto that repeat's
 * quotient of the plane first (`repeatUv`), so the tile is seamless under it.
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
  repeat: RepeatType = "block",
): Promise<Uint8Array> {
  const { uv, rgb8 } = scratch;
  const n = rows * width;
  if (repeat === "block") {
    // the coordinates of every render before print specs, unchanged: the same bytes
    for (let r = 0; r < rows; r++) {
      const v = (y0 + r + 0.5) / height;
      for (let x = 0; x < width; x++) {
        const o = (r * width + x) * 2;
        uv[o] = (x + 0.5) / width;
        uv[o + 1] = v;
      }
    }
  } else {
    repeatUv(repeat, width, height, y0, rows, uv);
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

/**
 * The network's inputs for rows `y0 .. y0 + rows − 1` of a tile seamless under `repeat`
 * (docs/design/print-repeats.md). A seamless model is periodic with period 1 in u and v: a function
 * on the torus, whose tiles repeat as a block. Another repeat's tiles are a function on another
 * quotient of the plane, reached by a map of the pixel centre (x, y) onto that torus:
 * - half-drop, drop D = ⌊height / 2⌋ px: (u, v − D·u / height), v wrapped into [0,1): one tile to the
 *   right and D pixels down is the same point of the torus, so the tile's right neighbour, dropped by
 *   D, continues it pixel for pixel (a shear: the lattice (width, D), (0, height) onto the unit square's);
 * - brick, shift B = ⌊width / 2⌋ px: (u − B·v / width, v), u wrapped: the row below shifted by B;
 * - mirror: (φ(u), φ(v)) with φ(t) = (1 − cos πt) / 2, whose slope is zero at both edges: the tile
 *   meets its mirror image with no crease (any tile meets its mirror image without a jump; this one
 *   meets it smoothly), and covers one period of the torus from edge to edge.
 * Computed in float64, stored as the float32 the graph takes.
 */
export function repeatUv(repeat: Exclude<RepeatType, "block">, width: number, height: number, y0: number, rows: number, uv: Float32Array): void {
  const { right, down } = repeatOffset(repeat, width, height);
  if (repeat === "mirror") {
    const phi = (t: number) => (1 - Math.cos(Math.PI * t)) / 2;
    const us = Float64Array.from({ length: width }, (_, x) => phi((x + 0.5) / width));
    for (let r = 0; r < rows; r++) {
      const v = phi((y0 + r + 0.5) / height);
      for (let x = 0; x < width; x++) {
        const o = (r * width + x) * 2;
        uv[o] = us[x]!;
        uv[o + 1] = v;
      }
    }
    return;
  }
  // per column and per row terms computed once: the inner loop is a subtraction and a wrap
  const us = Float64Array.from({ length: width }, (_, x) => (x + 0.5) / width);
  if (repeat === "half-drop") {
    // v − D·u / height, with the drop's share of each column precomputed
    const drop = Float64Array.from({ length: width }, (_, x) => (right.y * us[x]!) / height);
    for (let r = 0; r < rows; r++) {
      const v0 = (y0 + r + 0.5) / height;
      for (let x = 0; x < width; x++) {
        const o = (r * width + x) * 2;
        const v = v0 - drop[x]!;
        uv[o] = us[x]!;
        uv[o + 1] = v - Math.floor(v);
      }
    }
    return;
  }
  // brick: u − B·v / width, the row's shift computed once a row
  for (let r = 0; r < rows; r++) {
    const v = (y0 + r + 0.5) / height;
    const shift = (down.x * v) / width;
    for (let x = 0; x < width; x++) {
      const o = (r * width + x) * 2;
      const u = us[x]! - shift;
      uv[o] = u - Math.floor(u);
      uv[o + 1] = v;
    }
  }
}
