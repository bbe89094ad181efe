import type { ColourwayPair } from "@motif/sdk";

import { oklabToSrgb, srgbToOklab } from "../train/oklab.js";
import { PngWriter } from "./png.js";

/**
 * motif-recolour/1: a colourway's pixels from its design's (docs/design/colourways.md). In OKLab,
 * each pair moves the colours near its `from` by `to − from`, with weight exp(−d²/σ²) (d the
 * OKLab distance to `from`, σ = `RECOLOUR_SIGMA`); a pixel's move is the weighted sum of the moves,
 * divided by the sum of weights when that exceeds 1 (so a pixel at a `from` colour lands on its
 * `to` colour, one between two blends, one far from every `from` stays). Then back to sRGB,
 * clamped, rounded half up to 8 bits. Deterministic: the same pixels and map give the same bytes.
 */
export const RECOLOUR_SIGMA = 0.12;

/** A colourway must move at least this share of its design's pixels by more than `RECOLOUR_MIN_LEVELS` in some channel. */
export const RECOLOUR_MIN_SHARE = 0.01;
/** Levels (of 255) a pixel must move in some channel to count as recoloured. */
export const RECOLOUR_MIN_LEVELS = 4;

/**
 * Recolours 8-bit RGB pixels (interleaved) in place by `map`; returns them and how many moved by
 * more than `RECOLOUR_MIN_LEVELS` in some channel.
 */
export function recolourPixels(rgb: Uint8Array, map: readonly ColourwayPair[]): { pixels: Uint8Array; moved: number } {
  const k = map.length;
  const from = new Float64Array(3 * k);
  const move = new Float64Array(3 * k);
  const lab = new Float64Array(3);
  map.forEach((p, i) => {
    srgbToOklab(...channels(p.from), from, 3 * i);
    srgbToOklab(...channels(p.to), lab, 0);
    for (let c = 0; c < 3; c++) move[3 * i + c] = lab[c]! - from[3 * i + c]!;
  });
  const inv = 1 / (RECOLOUR_SIGMA * RECOLOUR_SIGMA);
  // renders repeat colours: each distinct 24-bit colour is mapped once
  const cache = new Map<number, number>();
  let moved = 0;
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!;
    let out = cache.get(key);
    if (out === undefined) {
      srgbToOklab(rgb[i]! / 255, rgb[i + 1]! / 255, rgb[i + 2]! / 255, lab, 0);
      let [dL, da, db, sum] = [0, 0, 0, 0];
      for (let j = 0; j < k; j++) {
        const d2 = (lab[0]! - from[3 * j]!) ** 2 + (lab[1]! - from[3 * j + 1]!) ** 2 + (lab[2]! - from[3 * j + 2]!) ** 2;
        const w = Math.exp(-d2 * inv);
        sum += w;
        dL += w * move[3 * j]!;
        da += w * move[3 * j + 1]!;
        db += w * move[3 * j + 2]!;
      }
      const scale = sum > 1 ? 1 / sum : 1;
      oklabToSrgb(lab[0]! + dL * scale, lab[1]! + da * scale, lab[2]! + db * scale, lab, 0);
      out = (byte(lab[0]!) << 16) | (byte(lab[1]!) << 8) | byte(lab[2]!);
      if (cache.size < 1 << 20) cache.set(key, out);
    }
    const [r, g, b] = [out >>> 16, (out >>> 8) & 0xff, out & 0xff];
    if (Math.max(Math.abs(r - rgb[i]!), Math.abs(g - rgb[i + 1]!), Math.abs(b - rgb[i + 2]!)) > RECOLOUR_MIN_LEVELS) moved++;
    rgb[i] = r;
    rgb[i + 1] = g;
    rgb[i + 2] = b;
  }
  return { pixels: rgb, moved };
}

const byte = (v: number) => Math.floor(v * 255 + 0.5);
const channels = (hex: string): [number, number, number] => [1, 3, 5].map((o) => Number.parseInt(hex.slice(o, o + 2), 16) / 255) as [number, number, number];

/** The PNG of whole RGB pixels (the renderer's encoder: the same bytes as a render of those pixels). */
export async function encodePng(rgb: Uint8Array, width: number, height: number, pixelsPerMetre?: number): Promise<Uint8Array> {
  const png = new PngWriter(width, height, pixelsPerMetre);
  try {
    const rowsAtOnce = Math.max(1, Math.floor((1 << 20) / (width * 3)));
    for (let y = 0; y < height; y += rowsAtOnce) {
      const rows = Math.min(rowsAtOnce, height - y);
      if (!png.writeRows(rgb.subarray(y * width * 3, (y + rows) * width * 3), rows)) await png.drained();
    }
    return await png.finish();
  } catch (error) {
    png.destroy();
    throw error;
  }
}

/** The `count` commonest colours of 8-bit RGB pixels, `#rrggbb`, commonest first (ties: lower value first): what a colour map names. */
export function commonColours(rgb: Uint8Array, count: number): string[] {
  const tally = new Map<number, number>();
  for (let i = 0; i < rgb.length; i += 3) {
    const key = (rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  return [...tally.entries()]
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, count)
    .map(([key]) => `#${key.toString(16).padStart(6, "0")}`);
}

