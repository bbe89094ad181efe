/**
 * In-place iterative radix-2 FFT of complex data (split real/imaginary arrays), forward and
 * unnormalised: X[k] = Σ x[n]·e^(−2πi·kn/N).
 *
 * Home-made rather than a package (fft.js, ndarray-fft): the tile fingerprint is attested on-chain and
 * recomputed by auditors, so the order of its arithmetic must never change under a dependency
 * update; forty lines pinned here are cheaper than that risk.
 */
const twiddles = new Map<number, { cos: Float64Array; sin: Float64Array; rev: Uint32Array }>();

function tables(n: number): { cos: Float64Array; sin: Float64Array; rev: Uint32Array } {
  let t = twiddles.get(n);
  if (t === undefined) {
    if (n < 1 || (n & (n - 1)) !== 0) throw new RangeError(`fft length: ${n} is not a power of two`);
    const cos = new Float64Array(n / 2);
    const sin = new Float64Array(n / 2);
    for (let k = 0; k < n / 2; k++) {
      cos[k] = Math.cos((2 * Math.PI * k) / n);
      sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    const bits = Math.log2(n);
    const rev = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
      rev[i] = r;
    }
    t = { cos, sin, rev };
    twiddles.set(n, t);
  }
  return t;
}

/** Forward FFT of `re + i·im` in place; the length is a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  const { cos, sin, rev } = tables(n);
  for (let i = 0; i < n; i++) {
    const j = rev[i]!;
    if (j > i) {
      let t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
      t = im[i]!;
      im[i] = im[j]!;
      im[j] = t;
    }
  }
  stages(re, im, cos, sin, 2);
}

/**
 * `fft` of a real line of `n` values zero-padded to `re.length` (a power of two, at least 2n):
 * written into `re` and `im`, bit for bit what `fft` gives for `line` followed by zeros in `re` and
 * zeros in `im`, for less work. In bit-reversed order the padding fills every odd position, so each
 * first-stage butterfly pairs a value v with a zero and a twiddle of (1, −0): w·0 is +0 and the pair
 * becomes (v + 0, v − 0) = (v + 0, v), with imaginary parts +0; the other stages run as `fft`'s.
 */
export function fftOfRealLine(line: Float64Array, n: number, re: Float64Array, im: Float64Array): void {
  const size = re.length;
  if (size < 2 * n || im.length !== size) throw new RangeError(`fftOfRealLine: ${n} values need arrays of a power of two at least ${2 * n} long, got ${size} and ${im.length}`);
  const { cos, sin, rev } = tables(size);
  for (let k = 0; k < size; k += 2) {
    const j = rev[k]!;
    const v = j < n ? line[j]! : 0;
    re[k] = v + 0;
    re[k + 1] = v;
  }
  im.fill(0);
  stages(re, im, cos, sin, 4);
}

/** The butterfly stages of an FFT of bit-reversed `re + i·im`, from those of span `from` on. */
function stages(re: Float64Array, im: Float64Array, cos: Float64Array, sin: Float64Array, from: number): void {
  const n = re.length;
  // the butterflies of a stage are independent (each its own pair), so they run twiddle by twiddle,
  // each twiddle loaded once, the pair's four values read once into locals: the same arithmetic,
  // x[a] ± w·x[b] operation for operation
  for (let size = from; size <= n; size <<= 1) {
    const half = size >>> 1;
    const step = n / size;
    for (let k = 0; k < half; k++) {
      const wr = cos[k * step]!;
      const wi = sin[k * step]!;
      for (let a = k, b = k + half; b < n; a += size, b += size) {
        const br = re[b]!;
        const bi = im[b]!;
        const ar = re[a]!;
        const ai = im[a]!;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        re[b] = ar - xr;
        im[b] = ai - xi;
        re[a] = ar + xr;
        im[a] = ai + xi;
      }
    }
  }
}

/** The smallest power of two ≥ n. */
export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}
