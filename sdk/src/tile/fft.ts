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
  // the butterflies of a stage are independent (each its own pair), so they run twiddle by twiddle,
  // each twiddle loaded once, the pair's four values read once into locals: the same arithmetic,
  // x[a] ± w·x[b] operation for operation
  for (let size = 2; size <= n; size <<= 1) {
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
