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

/** A repeat a mill lays a tile out in (docs/design/print-repeats.md). */
export type Repeat = "block" | "half-drop" | "brick" | "mirror";

/**
 * The w × h window at (x0, y0) (any integers) of `t` laid out as `repeat`: block repeats the tile;
 * half-drop drops each column of tiles ⌊H/2⌋ px more than the one left of it; brick shifts each row of
 * tiles ⌊W/2⌋ px more than the one above; mirror reflects every other tile in x and in y.
 */
export const layout = (t: Rgb, repeat: Repeat, x0: number, y0: number, w: number, h: number): Rgb =>
  remap(t, w, h, (x, y) => {
    const [X, Y, W, H] = [x0 + x, y0 + y, t.width, t.height];
    const [kx, ky] = [Math.floor(X / W), Math.floor(Y / H)];
    let [sx, sy] = [mod(X, W), mod(Y, H)];
    if (repeat === "half-drop") sy = mod(Y - kx * Math.floor(H / 2), H);
    if (repeat === "brick") sx = mod(X - ky * Math.floor(W / 2), W);
    if (repeat === "mirror") {
      if (mod(kx, 2) === 1) sx = W - 1 - sx;
      if (mod(ky, 2) === 1) sy = H - 1 - sy;
    }
    return [sx, sy];
  });

/** Each channel v → v + f(x, y), rounded and clamped (a wash of light, a gradient, a shading). */
export const shade = (img: Rgb, f: (x: number, y: number) => number): Rgb => ({
  ...img,
  data: Uint8Array.from(img.data, (v, k) => {
    const p = Math.floor(k / 3);
    return Math.max(0, Math.min(255, Math.round(v + f(p % img.width, Math.floor(p / img.width)))));
  }),
});

/** A wash of light: ±`a` grey levels, one cosine cycle across the image along x, y, or a diagonal ("+": x/W + y/H, "-": x/W − y/H), started at `phase`. */
export const wash = (img: Rgb, a: number, along: "x" | "y" | "+" | "-", phase = 0): Rgb =>
  shade(img, (x, y) => a * Math.cos(2 * Math.PI * (along === "x" ? x / img.width : along === "y" ? y / img.height : x / img.width + ((along === "+" ? 1 : -1) * y) / img.height) + phase));
