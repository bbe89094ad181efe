import { mulberry32 } from "../model/cppn.js";
import { oklabToSrgb, srgbToOklab } from "./oklab.js";

/** How a palette is drawn from a studio's swatches. */
export type PaletteOptions = {
  /** Number of colours, 2..16. */
  colours: number;
  /** Seed of the k-means++ start (mulberry32). */
  seed: number;
  /** Every `stride`-th pixel of every swatch, in order: bounded work, a fixed order. */
  stride?: number;
  /** Lloyd iterations. */
  iterations?: number;
};

/** A palette: 8-bit sRGB colours sorted by OKLab lightness, and the mean squared OKLab distance of the pixels to it. */
export type Palette = { srgb: Array<[number, number, number]>; oklab: Float64Array; inertia: number };

/**
 * A studio's palette from its swatches (interleaved OKLab images): k-means in OKLab, started by
 * k-means++ from mulberry32(`seed`) — never Math.random —, sums taken in pixel order, an emptied
 * cluster re-seeded at the worst-fitted pixel; sorted by lightness and rounded to 8-bit sRGB (what a
 * model stores), its OKLab recomputed from those bytes. Deterministic: the same swatches and options
 * give the same palette.
 */
export function extractPalette(oklabImages: readonly Float64Array[], options: PaletteOptions): Palette {
  const K = options.colours;
  if (!Number.isInteger(K) || K < 2 || K > 16) throw new RangeError(`palette colours: ${K} is not an integer in 2..16`);
  const stride = options.stride ?? 7;
  const pts: number[] = [];
  for (const im of oklabImages) for (let i = 0; i < im.length / 3; i += stride) pts.push(im[i * 3]!, im[i * 3 + 1]!, im[i * 3 + 2]!);
  const X = Float64Array.from(pts);
  const N = X.length / 3;
  if (N < K) throw new RangeError(`palette: ${N} sampled pixels for ${K} colours; give more or larger swatches`);
  const d2 = (i: number, C: Float64Array, k: number) => {
    const a = X[i * 3]! - C[k * 3]!;
    const b = X[i * 3 + 1]! - C[k * 3 + 1]!;
    const c = X[i * 3 + 2]! - C[k * 3 + 2]!;
    return a * a + b * b + c * c;
  };
  const rand = mulberry32(options.seed);
  const C = new Float64Array(K * 3);
  const first = Math.floor(rand() * N);
  C.set(X.subarray(first * 3, first * 3 + 3), 0);
  const nearest = new Float64Array(N).fill(Infinity);
  for (let k = 1; k < K; k++) {
    let total = 0;
    for (let i = 0; i < N; i++) {
      nearest[i] = Math.min(nearest[i]!, d2(i, C, k - 1));
      total += nearest[i]!;
    }
    let t = rand() * total;
    let pick = N - 1;
    for (let i = 0; i < N; i++) {
      t -= nearest[i]!;
      if (t <= 0) {
        pick = i;
        break;
      }
    }
    C.set(X.subarray(pick * 3, pick * 3 + 3), k * 3);
  }
  const assign = new Int32Array(N);
  let inertia = 0;
  for (let it = 0; it < (options.iterations ?? 40); it++) {
    inertia = 0;
    for (let i = 0; i < N; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let k = 0; k < K; k++) {
        const d = d2(i, C, k);
        if (d < bestD) [bestD, best] = [d, k];
      }
      assign[i] = best;
      inertia += bestD;
    }
    const sum = new Float64Array(K * 3);
    const count = new Float64Array(K);
    for (let i = 0; i < N; i++) {
      const k = assign[i]!;
      count[k]!++;
      for (let c = 0; c < 3; c++) sum[k * 3 + c]! += X[i * 3 + c]!;
    }
    for (let k = 0; k < K; k++) {
      if (count[k] === 0) {
        let far = 0;
        let farD = -1;
        for (let i = 0; i < N; i++) {
          const d = d2(i, C, assign[i]!);
          if (d > farD) [farD, far] = [d, i];
        }
        C.set(X.subarray(far * 3, far * 3 + 3), k * 3);
      } else for (let c = 0; c < 3; c++) C[k * 3 + c] = sum[k * 3 + c]! / count[k]!;
    }
  }
  const order = [...Array(K).keys()].sort((a, b) => C[a * 3]! - C[b * 3]! || a - b);
  const srgb = order.map((k) => Array.from(oklabToSrgb(C[k * 3]!, C[k * 3 + 1]!, C[k * 3 + 2]!), (v) => Math.round(v * 255)) as [number, number, number]);
  const oklab = new Float64Array(K * 3);
  srgb.forEach(([r, g, b], j) => srgbToOklab(r / 255, g / 255, b / 255, oklab, j * 3));
  return { srgb, oklab, inertia: inertia / N };
}
