/**
 * PDQ perceptual hashing (Meta's PDQ, as specified by the ThreatExchange reference), in TypeScript,
 * bit-exact with the reference C++ on the same decoded pixels.
 *
 * The reference computes in IEEE single precision, rounding after every operation (x86-64 SSE, no
 * fused multiply-add). Every step below therefore rounds each intermediate result to float32 with
 * `Math.fround`: for one +, -, * or / of two float32 values, the double result rounded to float32
 * equals the float32 result, so this reproduces the reference exactly.
 *
 * Pipeline: RGB → float32 luma (0.299/0.587/0.114) → two passes of a Jarosz tent filter (box filter
 * along rows then columns, window ⌈dim/128⌉) → 64×64 decimation at cell centres → image-domain
 * quality metric → 16×16 DCT of the 64×64 (rows 1..16 of the DCT-II basis, DC excluded) → Torben
 * median → one bit per coefficient above the median. The eight dihedral variants come from sign and
 * transpose patterns of the same 16×16 DCT.
 */

import { hammingDistance256 } from "../hamming.js";

const f32 = Math.fround;

/** Images with a side under this hash to all zeros with quality 0 (the reference's rule). */
export const PDQ_MIN_DIMENSION = 5;
/** Quality below this is unreliable; the reference's own gate. */
export const PDQ_MIN_QUALITY = 50;
/** Hamming distance at or below which two PDQ hashes match (the reference threshold). */
export const PDQ_MATCH_DISTANCE = 31;

const LUMA_R = f32(0.299);
const LUMA_G = f32(0.587);
const LUMA_B = f32(0.114);

/** The 16×64 DCT-II basis rows 1..16 (row-major), as float32, built once. */
const DCT_MATRIX: Float32Array = (() => {
  const scale = f32(Math.sqrt(2.0 / 64.0));
  const m = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) m[i * 64 + j] = f32(scale * Math.cos((Math.PI / 2.0 / 64.0) * (i + 1) * (2 * j + 1)));
  }
  return m;
})();

/** A 256-bit PDQ hash as sixteen 16-bit words, word 0 holding bits 0..15. */
export type PdqWords = Uint16Array;

export type PdqResult = {
  /** 64 hex digits, most significant word first (the reference's text form). */
  hash: string;
  /** 0..100; below `PDQ_MIN_QUALITY` the hash is unreliable. */
  quality: number;
};

export type PdqDihedralResult = {
  quality: number;
  original: string;
  rotate90: string;
  rotate180: string;
  rotate270: string;
  flipX: string;
  flipY: string;
  flipPlus1: string;
  flipMinus1: string;
};

/** An image as 8-bit interleaved samples: 1 (grey), 3 (RGB) or 4 (RGBA; alpha is ignored) channels. */
export type RawImage = { data: Uint8Array; width: number; height: number; channels: 1 | 2 | 3 | 4 };

/** Float32 luma of an image, row-major. Grey images keep their values, as the reference does. */
export function lumaOf(image: RawImage): Float32Array {
  const { data, width, height, channels } = image;
  const n = width * height;
  if (data.length < n * channels) {
    throw new RangeError(`image data: ${data.length} bytes, need ${n * channels} for ${width}x${height}x${channels}`);
  }
  const luma = new Float32Array(n);
  if (channels < 3) {
    for (let p = 0; p < n; p++) luma[p] = data[p * channels]!;
    return luma;
  }
  const r = LUMA_R;
  const g = LUMA_G;
  const b = LUMA_B;
  if (channels === 3) {
    for (let p = 0, o = 0; p < n; p++, o += 3) luma[p] = f32(f32(f32(r * data[o]!) + f32(g * data[o + 1]!)) + f32(b * data[o + 2]!));
  } else {
    for (let p = 0, o = 0; p < n; p++, o += channels) luma[p] = f32(f32(f32(r * data[o]!) + f32(g * data[o + 1]!)) + f32(b * data[o + 2]!));
  }
  return luma;
}

/** The reference's intermediate downsample: any side over 512 px → exactly 512×512, nearest
 * neighbour as CImg's default resize (source index ⌊x·W/512⌋, aspect ratio not kept). */
export function resizeForPdq(image: RawImage, target = 512): RawImage {
  const { data, width, height, channels } = image;
  if (width <= target && height <= target) return image;
  const out = new Uint8Array(target * target * channels);
  const xs = new Int32Array(target);
  for (let x = 0; x < target; x++) xs[x] = Math.floor((x * width) / target);
  for (let y = 0; y < target; y++) {
    const sy = Math.floor((y * height) / target);
    const rowIn = sy * width;
    for (let x = 0; x < target; x++) {
      const si = (rowIn + xs[x]!) * channels;
      const di = (y * target + x) * channels;
      for (let c = 0; c < channels; c++) out[di + c] = data[si + c]!;
    }
  }
  return { data: out, width: target, height: target, channels };
}

/** PDQ hash and quality of a luma matrix (`rows`×`cols`, row-major). */
export function pdqFromLuma(luma: Float32Array, rows: number, cols: number): PdqResult {
  const dct = dct16FromLuma(luma, rows, cols);
  if (dct === undefined) return { hash: "0".repeat(64), quality: 0 };
  return { hash: wordsToHex(bitsAboveMedian(dct.coefficients)), quality: dct.quality };
}

/** The eight dihedral PDQ hashes of a luma matrix, from one DCT. */
export function pdqDihedralFromLuma(luma: Float32Array, rows: number, cols: number): PdqDihedralResult {
  const dct = dct16FromLuma(luma, rows, cols);
  const zero = "0".repeat(64);
  if (dct === undefined) {
    return { quality: 0, original: zero, rotate90: zero, rotate180: zero, rotate270: zero, flipX: zero, flipY: zero, flipPlus1: zero, flipMinus1: zero };
  }
  const a = dct.coefficients;
  const variant = (transpose: boolean, negate: (i: number, j: number) => boolean): string => {
    const b = new Float32Array(256);
    for (let i = 0; i < 16; i++) {
      for (let j = 0; j < 16; j++) {
        const v = negate(i, j) ? -a[i * 16 + j]! : a[i * 16 + j]!;
        if (transpose) b[j * 16 + i] = v;
        else b[i * 16 + j] = v;
      }
    }
    return wordsToHex(bitsAboveMedian(b));
  };
  return {
    quality: dct.quality,
    original: wordsToHex(bitsAboveMedian(a)),
    rotate90: variant(true, (_i, j) => (j & 1) === 0),
    rotate180: variant(false, (i, j) => ((i + j) & 1) === 1),
    rotate270: variant(true, (i) => (i & 1) === 0),
    flipX: variant(false, (i) => (i & 1) === 0),
    flipY: variant(false, (_i, j) => (j & 1) === 0),
    flipPlus1: variant(true, () => false),
    flipMinus1: variant(true, (i, j) => ((i + j) & 1) === 1),
  };
}

/** Hamming distance between two 64-hex-digit PDQ hashes. */
export function pdqDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{64}$/i.test(a)) throw new RangeError(`hash a: expected 64 hex digits, got "${a}"`);
  if (!/^[0-9a-f]{64}$/i.test(b)) throw new RangeError(`hash b: expected 64 hex digits, got "${b}"`);
  return hammingDistance256(a, b);
}

// ------------------------------------------------------------------------------------------------

type Dct16 = { coefficients: Float32Array; quality: number };

function dct16FromLuma(luma: Float32Array, rows: number, cols: number): Dct16 | undefined {
  if (luma.length !== rows * cols) throw new RangeError(`luma: ${luma.length} values for ${rows}x${cols}`);
  if (rows < PDQ_MIN_DIMENSION || cols < PDQ_MIN_DIMENSION) return undefined;
  const buf64 = rows === 64 && cols === 64 ? luma.slice() : jaroszDecimate(luma, rows, cols);
  return { coefficients: dct64To16(buf64), quality: qualityOf(buf64) };
}

/** Scratch planes reused across calls up to 512×512 (the reference policy's size); larger ones are allocated. */
let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);
const SCRATCH_LIMIT = 512 * 512;

/**
 * Two Jarosz passes (box filter along rows, then columns) and the 64×64 decimation, computing only
 * what the decimation reads: the second pass filters every row (its running sums must be carried
 * along the whole row to stay bit-exact) but keeps the 64 sampled columns, and filters only those
 * 64 columns. Columns are filtered all at once, row by row (sequential memory), each column's sum
 * following exactly the reference's order of float32 operations.
 */
function jaroszDecimate(luma: Float32Array, rows: number, cols: number): Float32Array {
  const n = rows * cols;
  let a: Float32Array;
  let b: Float32Array;
  if (n <= SCRATCH_LIMIT) {
    if (scratchA.length < n) {
      scratchA = new Float32Array(Math.max(n, 1024));
      scratchB = new Float32Array(Math.max(n, 1024));
    }
    a = scratchA;
    b = scratchB;
  } else {
    a = new Float32Array(n);
    b = new Float32Array(n);
  }
  const windowAlongRows = jaroszWindow(cols, 64);
  const windowAlongCols = jaroszWindow(rows, 64);
  const sampleRows = new Int32Array(64);
  const sampleCols = new Int32Array(64);
  for (let i = 0; i < 64; i++) {
    sampleRows[i] = Math.floor(((i + 0.5) * rows) / 64);
    sampleCols[i] = Math.floor(((i + 0.5) * cols) / 64);
  }
  // Pass 1: rows (luma → a), columns (a → b).
  boxRows(luma, a, rows, cols, windowAlongRows);
  boxColumns(a, b, rows, cols, windowAlongCols);
  // Pass 2: rows (b → a), keeping the sampled columns (rows × 64), then those 64 columns.
  boxRows(b, a, rows, cols, windowAlongRows);
  const sampled = new Float32Array(rows * 64);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < 64; j++) sampled[i * 64 + j] = a[o + sampleCols[j]!]!;
  }
  const filtered = new Float32Array(rows * 64);
  boxColumns(sampled, filtered, rows, 64, windowAlongCols);
  const out = new Float32Array(64 * 64);
  for (let i = 0; i < 64; i++) out.set(filtered.subarray(sampleRows[i]! * 64, sampleRows[i]! * 64 + 64), i * 64);
  return out;
}

function jaroszWindow(oldDimension: number, newDimension: number): number {
  return Math.floor((oldDimension + 2 * newDimension - 1) / (2 * newDimension));
}

const ROW_BLOCK = 8;
const rowSums = new Float32Array(ROW_BLOCK);

/**
 * One box-filter pass along every row, windows shrinking at both ends (the reference's four
 * phases). Eight rows advance together: their running sums are independent chains of float32
 * operations, so the processor overlaps them instead of waiting on one sum's latency.
 */
function boxRows(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = cols - window;
  const phase4 = half - 1;
  const sums = rowSums;
  for (let r0 = 0; r0 < rows; r0 += ROW_BLOCK) {
    const count = Math.min(ROW_BLOCK, rows - r0);
    const base = r0 * cols;
    sums.fill(0);
    let ri = base;
    let li = base;
    let oi = base;
    let size = 0;
    for (let i = 0; i < phase1; i++, ri++) {
      for (let k = 0, o = 0; k < count; k++, o += cols) sums[k] = sums[k]! + input[ri + o]!;
      size++;
    }
    for (let i = 0; i < phase2; i++, ri++, oi++) {
      size++;
      for (let k = 0, o = 0; k < count; k++, o += cols) {
        const sum = f32(sums[k]! + input[ri + o]!);
        sums[k] = sum;
        output[oi + o] = sum / size;
      }
    }
    for (let i = 0; i < phase3; i++, ri++, li++, oi++) {
      for (let k = 0, o = 0; k < count; k++, o += cols) {
        const sum = f32(f32(sums[k]! + input[ri + o]!) - input[li + o]!);
        sums[k] = sum;
        output[oi + o] = sum / size;
      }
    }
    for (let i = 0; i < phase4; i++, li++, oi++) {
      size--;
      for (let k = 0, o = 0; k < count; k++, o += cols) {
        const sum = f32(sums[k]! - input[li + o]!);
        sums[k] = sum;
        output[oi + o] = sum / size;
      }
    }
  }
}

const columnSums = new Float32Array(4096);

/** `box1D` down every column at once: per column the same float32 operations in the same order. */
function boxColumns(input: Float32Array, output: Float32Array, rows: number, cols: number, window: number): void {
  const half = Math.floor((window + 2) / 2);
  const phase1 = half - 1;
  const phase2 = window - half + 1;
  const phase3 = rows - window;
  const phase4 = half - 1;
  const sums = cols <= columnSums.length ? columnSums : new Float32Array(cols);
  sums.fill(0, 0, cols);
  let ri = 0;
  let li = 0;
  let oi = 0;
  let size = 0;
  for (let i = 0; i < phase1; i++, ri += cols) {
    for (let j = 0; j < cols; j++) sums[j] = sums[j]! + input[ri + j]!;
    size++;
  }
  for (let i = 0; i < phase2; i++, ri += cols, oi += cols) {
    size++;
    for (let j = 0; j < cols; j++) {
      const sum = f32(sums[j]! + input[ri + j]!);
      sums[j] = sum;
      output[oi + j] = sum / size;
    }
  }
  for (let i = 0; i < phase3; i++, ri += cols, li += cols, oi += cols) {
    for (let j = 0; j < cols; j++) {
      const sum = f32(f32(sums[j]! + input[ri + j]!) - input[li + j]!);
      sums[j] = sum;
      output[oi + j] = sum / size;
    }
  }
  for (let i = 0; i < phase4; i++, li += cols, oi += cols) {
    size--;
    for (let j = 0; j < cols; j++) {
      const sum = f32(sums[j]! - input[li + j]!);
      sums[j] = sum;
      output[oi + j] = sum / size;
    }
  }
}

/** Sum of quantised gradients of the 64×64 image, scaled to 0..100. */
function qualityOf(buf: Float32Array): number {
  let gradientSum = 0;
  const step = (u: number, v: number): number => Math.abs(Math.trunc(f32(f32(f32(u - v) * 100) / 255)));
  for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) gradientSum += step(buf[i * 64 + j]!, buf[(i + 1) * 64 + j]!);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 63; j++) gradientSum += step(buf[i * 64 + j]!, buf[i * 64 + j + 1]!);
  return Math.min(100, Math.floor(gradientSum / 90));
}

/** B = D·A·Dᵀ with D the 16×64 basis: T = D·A (16×64), then B = T·Dᵀ (16×16). */
function dct64To16(a: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 64; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f32(sum + f32(DCT_MATRIX[i * 64 + k]! * a[k * 64 + j]!));
      t[i * 64 + j] = sum;
    }
  }
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let sum = 0;
      for (let k = 0; k < 64; k++) sum = f32(sum + f32(t[i * 64 + k]! * DCT_MATRIX[j * 64 + k]!));
      b[i * 16 + j] = sum;
    }
  }
  return b;
}

/** Torben's median (no sorting, no copy), in float32 as the reference computes it. */
function torbenMedian(m: Float32Array): number {
  const n = m.length;
  let min = m[0]!;
  let max = m[0]!;
  for (let i = 1; i < n; i++) {
    if (m[i]! < min) min = m[i]!;
    if (m[i]! > max) max = m[i]!;
  }
  const half = Math.floor((n + 1) / 2);
  for (;;) {
    const guess = f32(f32(min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxLtGuess = min;
    let minGtGuess = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxLtGuess) maxLtGuess = v;
      } else if (v > guess) {
        greater++;
        if (v < minGtGuess) minGtGuess = v;
      } else {
        equal++;
      }
    }
    if (less <= half && greater <= half) {
      if (less >= half) return maxLtGuess;
      if (less + equal >= half) return guess;
      return minGtGuess;
    }
    if (less > greater) max = maxLtGuess;
    else min = minGtGuess;
  }
}

function bitsAboveMedian(coefficients: Float32Array): PdqWords {
  const median = torbenMedian(coefficients);
  const words = new Uint16Array(16);
  for (let k = 0; k < 256; k++) if (coefficients[k]! > median) words[k >> 4]! |= 1 << (k & 15);
  return words;
}

function wordsToHex(words: PdqWords): string {
  let s = "";
  for (let w = 15; w >= 0; w--) s += words[w]!.toString(16).padStart(4, "0");
  return s;
}
