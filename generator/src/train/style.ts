import { imageToOklab } from "./oklab.js";
import { hann2, magnitudes } from "./spectrum.js";
import { patchesOf, unitDirections } from "./swd.js";

/**
 * A style distance between images (issue 19 §2: quality is measured, not asserted by eye; the
 * measured design is docs/design/studio-training.md). Three terms, on OKLab pixels:
 *
 *   colour  RMS difference of 256 quantiles of the pixels projected on 48 fixed unit directions
 *           (a sliced Wasserstein-2 estimate of the two colour distributions);
 *   patch   the same on 3×3 neighbourhoods at dilations 1, 2, 4 and 8 (24 directions each),
 *           averaged: local structure (edges, widths, weave) at four scales;
 *   H       Hellinger distance between the shares of windowed DFT energy (DC left out) in 6 octave
 *           bands × 8 orientations: how far apart the repeats are and which way they run. Colour and
 *           patch statistics alone rank a shapeless "camouflage" above real swatches; this term does not.
 *
 *   D = colour + patch + 0.25 · H
 *
 * Directions are fixed (seeded), so `styleFeatures` of an image is computed once and `styleDistance`
 * is cheap. Images are compared at the same side; the spectrum uses the centred power-of-two crop.
 */
export const STYLE = { quantiles: 256, colourDirections: 48, patchDirections: 24, dilations: [1, 2, 4, 8], bands: 6, orientations: 8, spectralWeight: 0.25 } as const;

const COLOUR_DIRS = unitDirections(STYLE.colourDirections, 3, 0xc010);
const PATCH_DIRS = STYLE.dilations.map((d) => unitDirections(STYLE.patchDirections, 27, 0x9a7c + d));

export type StyleFeatures = { side: number; colour: Float64Array; patch: Float64Array[]; bands: Float64Array };

/** Quantiles at (q + ½)/Q of `points` (dimension `dim`) projected on each direction, direction-major. */
function projectedQuantiles(points: Float64Array, dim: number, dirs: Float64Array): Float64Array {
  const n = points.length / dim;
  const L = dirs.length / dim;
  const Q = STYLE.quantiles;
  const out = new Float64Array(L * Q);
  const p = new Float64Array(n);
  for (let l = 0; l < L; l++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < dim; k++) s += dirs[l * dim + k]! * points[i * dim + k]!;
      p[i] = s;
    }
    p.sort();
    for (let q = 0; q < Q; q++) out[l * Q + q] = p[Math.min(n - 1, Math.floor(((q + 0.5) / Q) * n))]!;
  }
  return out;
}

/** Shares of the windowed spectrum's energy (3 channels, no DC) per octave band × orientation. */
function bandShares(ok: Float64Array, side: number): Float64Array {
  let s = 1;
  while (s * 2 <= side) s *= 2;
  const o = (side - s) >> 1;
  const crop = new Float64Array(s * s * 3);
  for (let y = 0; y < s; y++) crop.set(ok.subarray(((o + y) * side + o) * 3, ((o + y) * side + o + s) * 3), y * s * 3);
  const mags = magnitudes(crop, s, hann2(s));
  const bins = new Float64Array(STYLE.bands * STYLE.orientations);
  const N = s * s;
  for (let ky = 0; ky < s; ky++) {
    for (let kx = 0; kx < s; kx++) {
      const fx = kx <= s / 2 ? kx : kx - s;
      const fy = ky <= s / 2 ? ky : ky - s;
      const r = Math.hypot(fx, fy);
      if (r < 1) continue;
      const band = Math.min(STYLE.bands - 1, Math.floor(Math.log2(r)));
      const angle = ((Math.atan2(fy, fx) % Math.PI) + Math.PI) % Math.PI;
      const orient = Math.min(STYLE.orientations - 1, Math.floor((angle / Math.PI) * STYLE.orientations));
      let e = 0;
      for (let c = 0; c < 3; c++) e += mags[c * N + ky * s + kx]! ** 2;
      bins[band * STYLE.orientations + orient]! += e;
    }
  }
  const total = bins.reduce((a, b) => a + b, 0);
  if (total > 0) for (let i = 0; i < bins.length; i++) bins[i]! /= total;
  return bins;
}

/** The style features of an sRGB image (interleaved 0..1, `side × side`, side ≥ 18). */
export function styleFeatures(rgb: ArrayLike<number>, side: number): StyleFeatures {
  if (rgb.length !== side * side * 3) throw new RangeError(`style: ${rgb.length} samples is not a ${side}×${side} RGB image`);
  if (side < 2 * Math.max(...STYLE.dilations) + 2) throw new RangeError(`style: ${side} px is too small (at least ${2 * Math.max(...STYLE.dilations) + 2})`);
  const ok = imageToOklab(rgb);
  return {
    side,
    colour: projectedQuantiles(ok, 3, COLOUR_DIRS),
    patch: STYLE.dilations.map((d, i) => projectedQuantiles(patchesOf(ok, side, d), 27, PATCH_DIRS[i]!)),
    bands: bandShares(ok, side),
  };
}

const rms = (a: Float64Array, b: Float64Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
};

/** The terms of the distance between two images' features, and D. */
export function styleDistanceTerms(a: StyleFeatures, b: StyleFeatures): { colour: number; patch: number; spectral: number; distance: number } {
  if (a.side !== b.side) throw new RangeError(`style: images of ${a.side} and ${b.side} px are not compared (render both at one side)`);
  const colour = rms(a.colour, b.colour);
  const patch = a.patch.reduce((s, p, i) => s + rms(p, b.patch[i]!), 0) / a.patch.length;
  let bc = 0;
  for (let i = 0; i < a.bands.length; i++) bc += Math.sqrt(a.bands[i]! * b.bands[i]!);
  const spectral = Math.sqrt(Math.max(0, 1 - bc));
  return { colour, patch, spectral, distance: colour + patch + STYLE.spectralWeight * spectral };
}

/** D between two images' features. */
export const styleDistance = (a: StyleFeatures, b: StyleFeatures): number => styleDistanceTerms(a, b).distance;

/**
 * How close samples are to a set of references: the mean over samples of the distance to the
 * nearest reference ("nearest"), and the mean over all pairs ("pairwise").
 */
export function styleReport(samples: readonly StyleFeatures[], references: readonly StyleFeatures[]): { nearest: number; pairwise: number } {
  if (samples.length === 0 || references.length === 0) throw new RangeError("style: samples and references must not be empty");
  let nearest = 0;
  let pairwise = 0;
  for (const s of samples) {
    const d = references.map((r) => styleDistance(s, r));
    nearest += Math.min(...d);
    pairwise += d.reduce((x, y) => x + y, 0) / d.length;
  }
  return { nearest: nearest / samples.length, pairwise: pairwise / samples.length };
}

/** Mean pairwise distance within a set (its diversity). */
export function styleDiversity(set: readonly StyleFeatures[]): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < set.length; i++) for (let j = i + 1; j < set.length; j++) [sum, n] = [sum + styleDistance(set[i]!, set[j]!), n + 1];
  return n === 0 ? 0 : sum / n;
}
