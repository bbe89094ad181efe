/** Pixel transforms written out by hand: the tests' oracle for copies, independent of the code under test. */
import type { RawImage } from "@motif/sdk";

export type Rgb = RawImage & { channels: 3 };
export const rgb = (img: RawImage): Rgb => {
  if (img.channels === 3) return img as Rgb;
  const out = new Uint8Array(img.width * img.height * 3);
  for (let p = 0; p < img.width * img.height; p++) for (let c = 0; c < 3; c++) out[p * 3 + c] = img.data[p * img.channels + c]!;
  return { data: out, width: img.width, height: img.height, channels: 3 };
};
/** out(x, y) = in(f(x, y)) for an output of w×h. */
export const remap = (img: Rgb, w: number, h: number, f: (x: number, y: number) => [number, number]): Rgb => {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const [sx, sy] = f(x, y);
      const s = (sy * img.width + sx) * 3;
      out.set(img.data.subarray(s, s + 3), (y * w + x) * 3);
    }
  }
  return { data: out, width: w, height: h, channels: 3 };
};
export const mod = (a: number, n: number) => ((a % n) + n) % n;
export const shift = (img: Rgb, dx: number, dy: number) => remap(img, img.width, img.height, (x, y) => [mod(x - dx, img.width), mod(y - dy, img.height)]);
export const tile = (img: Rgb, k: number) => remap(img, img.width * k, img.height * k, (x, y) => [x % img.width, y % img.height]);
export const crop = (img: Rgb, x0: number, y0: number, w: number, h: number) => remap(img, w, h, (x, y) => [x0 + x, y0 + y]);
