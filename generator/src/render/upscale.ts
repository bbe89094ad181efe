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

const byte = (c: number) => (c <= 0 ? 0 : c >= 1 ? 255 : Math.round(c * 255));

/**
 * An upscaler of a planar float32 [3, h, w] image to `width × height` 8-bit RGB, row band by row
 * band (`rows(y0, count)` fills interleaved RGB bytes), so a print-size output never exists at once.
 */
export function bicubicUpscaler(src: Float32Array, w: number, h: number, width: number, height: number, seamless: boolean) {
  if (src.length !== 3 * w * h) throw new RangeError(`upscale: the image has ${src.length} values, expected 3 × ${h} × ${w}`);
  const tx = taps(w, width, seamless);
  const ty = taps(h, height, seamless);
  // horizontal pass: every source row at the output width (float64, interleaved RGB)
  const wide = new Float64Array(h * width * 3);
  const plane = w * h;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const base = c * plane + row;
        let v = 0;
        for (let k = 0; k < 4; k++) v += tx.weight[x * 4 + k]! * src[base + tx.index[x * 4 + k]!]!;
        wide[o + c] = v;
      }
    }
  }
  return {
    /** Output rows `y0 .. y0 + count − 1` as interleaved RGB bytes into `out` (at least `count · width · 3`). */
    rows(y0: number, count: number, out: Uint8Array): void {
      for (let r = 0; r < count; r++) {
        const y = y0 + r;
        const i0 = ty.index[y * 4]! * width * 3;
        const i1 = ty.index[y * 4 + 1]! * width * 3;
        const i2 = ty.index[y * 4 + 2]! * width * 3;
        const i3 = ty.index[y * 4 + 3]! * width * 3;
        const [w0, w1, w2, w3] = [ty.weight[y * 4]!, ty.weight[y * 4 + 1]!, ty.weight[y * 4 + 2]!, ty.weight[y * 4 + 3]!];
        const o = r * width * 3;
        for (let i = 0; i < width * 3; i++) out[o + i] = byte(w0 * wide[i0 + i]! + w1 * wide[i1 + i]! + w2 * wide[i2 + i]! + w3 * wide[i3 + i]!);
      }
    },
  };
}
