/**
 * `motif-bicubic/1`: how a fixed-size model's image (`motif.image/1`) becomes a render of any size,
 * as docs/model-io.md defines it, so that a certificate's bytes are reproducible from the weights.
 * Keys' cubic convolution (a = −0.5), separable: every source row is resampled to the output width
 * first, then every output row is resampled from those, all in float64 in this order; the source
 * position of an output pixel centre is `(x + 0.5) · w / W − 0.5`. A seamless model's neighbours
 * wrap around the edges (the tile repeats); another's are clamped to the border.
 */

/** Keys' cubic kernel with a = −0.5 at distance `d`. */
function keys(d: number): number {
  const x = Math.abs(d);
  if (x <= 1) return (1.5 * x - 2.5) * x * x + 1;
  if (x < 2) return ((-0.5 * x + 2.5) * x - 4) * x + 2;
  return 0;
}

/** The 4 source indices and weights of each of `outSize` output positions over `inSize` source pixels. */
function taps(inSize: number, outSize: number, wrap: boolean): { index: Int32Array; weight: Float64Array } {
  const index = new Int32Array(outSize * 4);
  const weight = new Float64Array(outSize * 4);
  for (let o = 0; o < outSize; o++) {
    const s = ((o + 0.5) * inSize) / outSize - 0.5;
    const s0 = Math.floor(s);
    const t = s - s0;
    for (let k = 0; k < 4; k++) {
      let i = s0 - 1 + k;
      i = wrap ? ((i % inSize) + inSize) % inSize : i < 0 ? 0 : i >= inSize ? inSize - 1 : i;
      index[o * 4 + k] = i;
      weight[o * 4 + k] = keys(t - (k - 1));
    }
  }
  return { index, weight };
}

/**
 * An output value to 8 bits: `c · 255` snapped to the nearest multiple of 2^-20 (so the order of the
 * float64 sums, and their last-bit noise, cannot move a value across a rounding tie: a flat 0.5 is
 * 128 whichever way it is summed), then rounded half up and clamped to 0..255.
 */
export function toByte(c: number): number {
  const v = Math.round(c * 255 * 1048576) / 1048576;
  return v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
}

/**
 * An upscaler of a planar float32 [3, h, w] image to `width × height` 8-bit RGB, row band by row
 * band (`rows(y0, count, out)` fills interleaved RGB bytes). The horizontal pass is computed for the
 * source rows a band needs only, and kept while the next band still needs them, so a print-size
 * output never holds more than a few source rows at the output width.
 */
export function bicubicUpscaler(src: Float32Array, w: number, h: number, width: number, height: number, seamless: boolean) {
  if (src.length !== 3 * w * h) throw new RangeError(`upscale: the image has ${src.length} values, expected 3 × ${h} × ${w}`);
  const tx = taps(w, width, seamless);
  const ty = taps(h, height, seamless);
  const plane = w * h;
  const cache = new Map<number, Float64Array>();
  /** Source row `y` at the output width (float64, interleaved RGB). */
  const wideRow = (y: number): Float64Array => {
    let row = cache.get(y);
    if (row !== undefined) return row;
    row = new Float64Array(width * 3);
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const base = c * plane + y * w;
        let v = 0;
        for (let k = 0; k < 4; k++) v += tx.weight[x * 4 + k]! * src[base + tx.index[x * 4 + k]!]!;
        row[x * 3 + c] = v;
      }
    }
    cache.set(y, row);
    return row;
  };
  return {
    /** Output rows `y0 .. y0 + count − 1` as interleaved RGB bytes into `out` (at least `count · width · 3`). */
    rows(y0: number, count: number, out: Uint8Array): void {
      const needed = new Set<number>();
      for (let r = 0; r < count; r++) for (let k = 0; k < 4; k++) needed.add(ty.index[(y0 + r) * 4 + k]!);
      for (const y of cache.keys()) if (!needed.has(y)) cache.delete(y);
      for (let r = 0; r < count; r++) {
        const y = y0 + r;
        const [s0, s1, s2, s3] = [0, 1, 2, 3].map((k) => wideRow(ty.index[y * 4 + k]!)) as [Float64Array, Float64Array, Float64Array, Float64Array];
        const [w0, w1, w2, w3] = [ty.weight[y * 4]!, ty.weight[y * 4 + 1]!, ty.weight[y * 4 + 2]!, ty.weight[y * 4 + 3]!];
        const o = r * width * 3;
        for (let i = 0; i < width * 3; i++) out[o + i] = toByte(w0 * s0[i]! + w1 * s1[i]! + w2 * s2[i]! + w3 * s3[i]!);
      }
    },
  };
}
