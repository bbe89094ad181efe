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
 * gives the same result). A hand-written quicksort (median of three, insertion sort below 16): V8's
 * comparator sort of an index array is several times slower, and this runs 100+ times per step.
 */
export function argsort(keys: Float64Array): Int32Array {
  const n = keys.length;
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const less = (a: number, b: number) => keys[a]! < keys[b]! || (keys[a] === keys[b] && a < b);
  const stack: number[] = [0, n - 1];
  while (stack.length > 0) {
    const hi = stack.pop()!;
    const lo = stack.pop()!;
    if (hi - lo < 16) {
      for (let i = lo + 1; i <= hi; i++) {
        const v = idx[i]!;
        let k = i - 1;
        while (k >= lo && less(v, idx[k]!)) {
          idx[k + 1] = idx[k]!;
          k--;
        }
        idx[k + 1] = v;
      }
      continue;
    }
    const mid = (lo + hi) >> 1;
    if (less(idx[mid]!, idx[lo]!)) [idx[mid], idx[lo]] = [idx[lo]!, idx[mid]!];
    if (less(idx[hi]!, idx[lo]!)) [idx[hi], idx[lo]] = [idx[lo]!, idx[hi]!];
    if (less(idx[hi]!, idx[mid]!)) [idx[hi], idx[mid]] = [idx[mid]!, idx[hi]!];
    const pivot = idx[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (less(idx[i]!, pivot)) i++;
      while (less(pivot, idx[j]!)) j--;
      if (i <= j) {
        [idx[i], idx[j]] = [idx[j]!, idx[i]!];
        i++;
        j--;
      }
    }
    // the larger side pushed first, the smaller sorted next: the stack stays logarithmic
    if (j - lo > hi - i) stack.push(lo, j, i, hi);
    else stack.push(i, hi, lo, j);
  }
  return idx;
}

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
    const sy = Float64Array.from(argsort(py), (j) => py[j]!);
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
