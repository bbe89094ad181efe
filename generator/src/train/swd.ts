import { mulberry32 } from "../model/cppn.js";

/**
 * Sliced Wasserstein distances with their gradient, the style loss of studio training
 * (docs/design/studio-training.md): two equal-size point sets X and Y in d dimensions, projected on
 * L unit directions θ, each projection sorted, matched rank to rank:
 *
 *   SW²(X, Y) = 1/L Σₗ 1/N Σᵢ (sort(X·θₗ)ᵢ − sort(Y·θₗ)ᵢ)²,   ∂SW²/∂xₙ = Σₗ 2(pₙ − qₙ)/(L·N) · θₗ
 *
 * where qₙ is the target value matched to xₙ's rank. Ties are broken by index (a stable sort), so the
 * result is the same on every run.
 */

/** `count` unit vectors of dimension `dim` (row-major), from Box–Muller normals of mulberry32(`seed`). */
export function unitDirections(count: number, dim: number, seed: number): Float64Array {
  const rand = mulberry32(seed);
  const out = new Float64Array(count * dim);
  for (let l = 0; l < count; l++) {
    let norm = 0;
    for (let i = 0; i < dim; i++) {
      const u = Math.max(rand(), 1e-12);
      const g = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
      out[l * dim + i] = g;
      norm += g * g;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dim; i++) out[l * dim + i]! *= inv;
  }
  return out;
}

/**
 * Indices of `keys` in ascending order of key, ties by index (a total order, so any correct sort
 * gives the same result). A stable LSD radix sort over the keys' IEEE-754 bits mapped to unsigned
 * order (sign flipped, negatives inverted; −0 read as +0), six passes of 11 bits, a pass skipped when
 * every key shares its digit: stable, so equal keys keep their index order. Several times faster than
 * a comparator sort of an index array, and this runs hundreds of times a step. Keys must not be NaN.
 */
export function argsort(keys: Float64Array): Int32Array {
  const n = keys.length;
  let idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  if (n < 2) return idx;
  const lo = new Uint32Array(n);
  const hi = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    F64[0] = keys[i]! + 0; // −0 + 0 is +0: the comparator's order, where −0 and +0 tie
    let h = U32[HI]!;
    let l = U32[LO]!;
    if (h & 0x80000000) [h, l] = [~h >>> 0, ~l >>> 0];
    else h = (h | 0x80000000) >>> 0;
    hi[i] = h;
    lo[i] = l;
  }
  let tmp = new Int32Array(n);
  const count = new Int32Array(2048);
  for (let shift = 0; shift < 64; shift += 11) {
    const digit = (i: number) => (shift >= 32 ? (hi[i]! >>> (shift - 32)) & 2047 : shift + 11 <= 32 ? (lo[i]! >>> shift) & 2047 : ((lo[i]! >>> shift) | (hi[i]! << (32 - shift))) & 2047);
    count.fill(0);
    for (let i = 0; i < n; i++) count[digit(i)]!++;
    if (count[digit(0)] === n) continue; // every key shares this digit: the order stands
    let sum = 0;
    for (let d = 0; d < 2048; d++) [count[d], sum] = [sum, sum + count[d]!];
    for (let r = 0; r < n; r++) {
      const i = idx[r]!;
      tmp[count[digit(i)]!++] = i;
    }
    [idx, tmp] = [tmp, idx];
  }
  return idx;
}

const F64 = new Float64Array(1);
const U32 = new Uint32Array(F64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const [LO, HI] = LITTLE_ENDIAN ? [0, 1] : [1, 0];

/**
 * SW² between X and Y (`n` points of `dim` each, row-major) over `directions`; adds ∂SW²/∂X (times
 * `weight`) into `gradX` when given. Returns SW² (unweighted).
 */
export function slicedWasserstein(x: Float64Array, y: Float64Array, dim: number, directions: Float64Array, gradX?: Float64Array, weight = 1): number {
  const n = x.length / dim;
  if (y.length !== x.length) throw new RangeError(`slicedWasserstein: ${n} points against ${y.length / dim}; the sets must be the same size`);
  const L = directions.length / dim;
  const px = new Float64Array(n);
  const py = new Float64Array(n);
  let total = 0;
  for (let l = 0; l < L; l++) {
    const o = l * dim;
    for (let i = 0; i < n; i++) {
      let a = 0;
      let b = 0;
      for (let c = 0; c < dim; c++) {
        a += x[i * dim + c]! * directions[o + c]!;
        b += y[i * dim + c]! * directions[o + c]!;
      }
      px[i] = a;
      py[i] = b;
    }
    const ix = argsort(px);
    // the target's values in order (which of equal values is which does not matter): a numeric sort
    const sy = py.sort();
    for (let r = 0; r < n; r++) {
      const i = ix[r]!;
      const diff = px[i]! - sy[r]!;
      total += diff * diff;
      if (gradX !== undefined) {
        const g = (weight * 2 * diff) / (L * n);
        for (let c = 0; c < dim; c++) gradX[i * dim + c]! += g * directions[o + c]!;
      }
    }
  }
  return total / (L * n);
}

/**
 * The 3×3 neighbourhoods at dilation `d` of an S×S image of 3 channels (interleaved), as points of 27
 * dimensions: every position whose neighbourhood lies inside the image, row by row.
 */
export function patchesOf(img: Float64Array, side: number, d: number): Float64Array {
  const span = side - 2 * d;
  if (span < 1) throw new RangeError(`patches: dilation ${d} leaves no 3×3 neighbourhood in ${side} px`);
  const out = new Float64Array(span * span * 27);
  let o = 0;
  for (let y = 0; y < span; y++) {
    for (let x = 0; x < span; x++) {
      for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) for (let c = 0; c < 3; c++) out[o++] = img[((y + dy * d) * side + x + dx * d) * 3 + c]!;
    }
  }
  return out;
}

/** Adds the gradient of patch points (`patchesOf`'s layout) back onto the image's pixels. */
export function patchGradToImage(gPatches: Float64Array, side: number, d: number, gImg: Float64Array): void {
  const span = side - 2 * d;
  let o = 0;
  for (let y = 0; y < span; y++) {
    for (let x = 0; x < span; x++) {
      for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) for (let c = 0; c < 3; c++) gImg[((y + dy * d) * side + x + dx * d) * 3 + c]! += gPatches[o++]!;
    }
  }
}
