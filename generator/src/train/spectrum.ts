/**
 * The spectral term of studio training (docs/design/studio-training.md): the magnitudes of the 2-D
 * DFT of each Hann-windowed colour channel, compared with a swatch's mean magnitudes. It keeps the
 * trained model's stripes and repeats at the swatches' frequencies, which colour and patch statistics
 * alone miss (without it a model learns a "camouflage" texture that scores better than real swatches).
 *
 *   Spec = Σ_c Σ_{k≠0} (|X_c,k| − T_c,k)² / (3·S⁴),   X_c = DFT₂(hann ⊙ img_c)
 *   ∂Spec/∂img_c = hann ⊙ Re(IDFT₂ᵘ(2(|X|−T)·X/|X|)) / (3·S⁴)       (IDFT₂ᵘ: the unnormalised inverse)
 */

/** In-place radix-2 complex FFT of `n` (a power of two) values at `re`/`im`, stride 1; `inverse` without the 1/n. */
function fft(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const angle = ((inverse ? 2 : -2) * Math.PI) / len;
    const [wr, wi] = [Math.cos(angle), Math.sin(angle)];
    for (let i = 0; i < n; i += len) {
      let [cr, ci] = [1, 0];
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a]! += tr;
        im[a]! += ti;
        [cr, ci] = [cr * wr - ci * wi, cr * wi + ci * wr];
      }
    }
  }
}

/** 2-D FFT of an S×S complex image (row-major), in place: rows, then columns. */
export function fft2(re: Float64Array, im: Float64Array, side: number, inverse = false): void {
  if (side < 1 || (side & (side - 1)) !== 0) throw new RangeError(`fft2: ${side} is not a power of two`);
  const rr = new Float64Array(side);
  const ri = new Float64Array(side);
  for (let pass = 0; pass < 2; pass++) {
    for (let line = 0; line < side; line++) {
      const at = (k: number) => (pass === 0 ? line * side + k : k * side + line);
      for (let k = 0; k < side; k++) [rr[k], ri[k]] = [re[at(k)]!, im[at(k)]!];
      fft(rr, ri, inverse);
      for (let k = 0; k < side; k++) [re[at(k)], im[at(k)]] = [rr[k]!, ri[k]!];
    }
  }
}

/** The separable Hann window of an S×S image (row-major). */
export function hann2(side: number): Float64Array {
  const h = Float64Array.from({ length: side }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * (i + 0.5)) / side));
  const out = new Float64Array(side * side);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) out[y * side + x] = h[y]! * h[x]!;
  return out;
}

/** |DFT₂(hann ⊙ channel)| of each of the 3 channels of an interleaved S×S image: [3, S·S]. */
export function magnitudes(img: Float64Array, side: number, window: Float64Array = hann2(side)): Float64Array {
  const out = new Float64Array(3 * side * side);
  const re = new Float64Array(side * side);
  const im = new Float64Array(side * side);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < side * side; i++) [re[i], im[i]] = [window[i]! * img[i * 3 + c]!, 0];
    fft2(re, im, side);
    for (let i = 0; i < side * side; i++) out[c * side * side + i] = Math.hypot(re[i]!, im[i]!);
  }
  return out;
}

/** Spec against target magnitudes (`magnitudes`' layout); adds ∂Spec/∂img (times `weight`) into `gradImg` when given. */
export function spectralLoss(img: Float64Array, side: number, target: Float64Array, gradImg?: Float64Array, weight = 1, window: Float64Array = hann2(side)): number {
  const n = side * side;
  const norm = 3 * n * n;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  let loss = 0;
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < n; i++) [re[i], im[i]] = [window[i]! * img[i * 3 + c]!, 0];
    fft2(re, im, side);
    for (let k = 0; k < n; k++) {
      const mag = Math.hypot(re[k]!, im[k]!);
      const diff = k === 0 ? 0 : mag - target[c * n + k]!;
      loss += diff * diff;
      // A_k · X_k/|X_k| for the gradient (the DC term and a zero magnitude give nothing)
      const a = mag > 0 ? (2 * diff) / mag : 0;
      re[k]! *= a;
      im[k]! *= a;
    }
    if (gradImg !== undefined) {
      fft2(re, im, side, true);
      for (let i = 0; i < n; i++) gradImg[i * 3 + c]! += (weight * window[i]! * re[i]!) / norm;
    }
  }
  return loss / norm;
}
