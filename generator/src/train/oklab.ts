/**
 * sRGB (gamma-encoded, 0..1) ↔ OKLab, Björn Ottosson's perceptual colour space: the space a studio
 * model's palette is extracted in and its style distance is measured in (docs/design/studio-training.md).
 */

const toLinear = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
const toGamma = (c: number) => (c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055);
const clamp01 = (x: number) => (x < 0 ? 0 : x > 1 ? 1 : x);

/** OKLab (L, a, b) of an sRGB colour, written at `out[o..o+2]`. */
export function srgbToOklab(r: number, g: number, b: number, out: Float64Array = new Float64Array(3), o = 0): Float64Array {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const l = Math.cbrt(0.4122214708 * lr + 0.5363325363 * lg + 0.0514459929 * lb);
  const m = Math.cbrt(0.2119034982 * lr + 0.6806995451 * lg + 0.1073969566 * lb);
  const s = Math.cbrt(0.0883024619 * lr + 0.2817188376 * lg + 0.6299787005 * lb);
  out[o] = 0.2104542553 * l + 0.793617785 * m - 0.0040720468 * s;
  out[o + 1] = 1.9779984951 * l - 2.428592205 * m + 0.4505937099 * s;
  out[o + 2] = 0.0259040371 * l + 0.7827717662 * m - 0.808675766 * s;
  return out;
}

/** sRGB (clamped to 0..1) of an OKLab colour, written at `out[o..o+2]`. */
export function oklabToSrgb(L: number, a: number, b: number, out: Float64Array = new Float64Array(3), o = 0): Float64Array {
  const l = (L + 0.3963377774 * a + 0.2158037573 * b) ** 3;
  const m = (L - 0.1055613458 * a - 0.0638541728 * b) ** 3;
  const s = (L - 0.0894841775 * a - 1.291485548 * b) ** 3;
  out[o] = clamp01(toGamma(4.0767416621 * l - 3.3077115913 * m + 0.2309699292 * s));
  out[o + 1] = clamp01(toGamma(-1.2684380046 * l + 2.6097574011 * m - 0.3413193965 * s));
  out[o + 2] = clamp01(toGamma(-0.0041960863 * l - 0.7034186147 * m + 1.707614701 * s));
  return out;
}

/** An interleaved RGB image (0..1) as interleaved OKLab. */
export function imageToOklab(rgb: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rgb.length);
  for (let i = 0; i < rgb.length; i += 3) srgbToOklab(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!, out, i);
  return out;
}
