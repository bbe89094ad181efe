import { mulberry32 } from "../model/cppn.js";
import { PngWriter } from "../render/png.js";

/**
 * Example swatches the repo makes itself (issue 19 §2), so a studio's training can be tried — and
 * tested — without downloading a data set: five textile families drawn from a seed, each a set of
 * swatches in one colourway with the variation a studio's own swatches have (sett, spacing, scale,
 * offset, a little dye irregularity). Pure functions of (style, index, side): the committed PNGs in
 * generator/examples/swatches are what `exampleSwatch` makes (a test re-makes and compares them).
 * Licence: CC0-1.0 (generator/examples/swatches/LICENSE).
 */
export const EXAMPLE_STYLES = ["plaid", "stripe", "dot", "ikat", "floral"] as const;
export type ExampleStyle = (typeof EXAMPLE_STYLES)[number];

/** Swatches per style and their side in px, as committed. */
export const EXAMPLE_SET = { count: 8, side: 96 } as const;

type Rgb = readonly [number, number, number];
const hex = (h: string): Rgb => [parseInt(h.slice(1, 3), 16) / 255, parseInt(h.slice(3, 5), 16) / 255, parseInt(h.slice(5, 7), 16) / 255];

/** Each style's colourway (sRGB): what its trained model's palette should find. */
const COLOURWAYS: Record<ExampleStyle, Rgb[]> = {
  plaid: ["#8c1c24", "#1d2b4f", "#2e5a3a", "#e8dfc8", "#d9a441"].map(hex),
  stripe: ["#f2ece0", "#274c77", "#e07a5f", "#3d405b", "#81b29a"].map(hex),
  dot: ["#f4e9d8", "#c8553d", "#2d3047"].map(hex),
  ikat: ["#f1e4c8", "#7a2e3a", "#23395b", "#c98b2b"].map(hex),
  floral: ["#1f3b34", "#e9c46a", "#e76f51", "#f4a6b7", "#6a994e"].map(hex),
};

/** A swatch: interleaved sRGB 0..1, `side × side`. */
export type ExampleSwatch = { style: ExampleStyle; index: number; side: number; rgb: Float64Array };

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
const smooth = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};
/** Distance from `x` to the nearest multiple of `period` around `centre` (wrapping). */
const wrapDist = (x: number, centre: number, period: number) => {
  const d = (((x - centre) % period) + period) % period;
  return Math.min(d, period - d);
};

/** The colour of a pixel centre (x, y) in px of swatch `index` of `style`; `r` its seeded stream. */
function painter(style: ExampleStyle, index: number, side: number): (x: number, y: number) => Rgb {
  const r = mulberry32(0x5a7c + EXAMPLE_STYLES.indexOf(style) * 1000 + index);
  const cw = COLOURWAYS[style];
  const pick = () => cw[Math.floor(r() * cw.length)]!;
  switch (style) {
    case "plaid": {
      // a sett: bands of warp and weft threads, woven 2/2 twill (alternate diagonals show warp or weft)
      const bands: Array<{ w: number; c: Rgb }> = [];
      let total = 0;
      while (total < side) {
        const w = 3 + Math.floor(r() * 10);
        bands.push({ w, c: bands.length % 2 === 0 ? cw[Math.floor(r() * 2)]! : cw[2 + Math.floor(r() * 3)]! });
        total += w;
      }
      const offX = Math.floor(r() * side);
      const offY = Math.floor(r() * side);
      const bandAt = (t: number) => {
        let p = ((t % total) + total) % total;
        for (const b of bands) if ((p -= b.w) < 0) return b.c;
        return bands[0]!.c;
      };
      return (x, y) => (((Math.floor(x) + Math.floor(y)) & 3) < 2 ? bandAt(x + offX) : bandAt(y + offY));
    }
    case "stripe": {
      const widths = Array.from({ length: 5 + Math.floor(r() * 4) }, () => 2 + Math.floor(r() * 14));
      const colours = widths.map((_, i) => (i % 2 === 0 ? cw[0]! : cw[1 + Math.floor(r() * (cw.length - 1))]!));
      const period = widths.reduce((a, b) => a + b, 0);
      const tilt = r() < 0.5 ? 0 : 1;
      return (x, y) => {
        let p = (((tilt ? x + y : y) % period) + period) % period;
        for (const [i, w] of widths.entries()) if ((p -= w) < 0) return colours[i]!;
        return colours[0]!;
      };
    }
    case "dot": {
      const pitch = 12 + Math.floor(r() * 12);
      const radius = pitch * (0.18 + r() * 0.17);
      const [bg, fg] = r() < 0.7 ? [cw[0]!, cw[1 + Math.floor(r() * 2)]!] : [cw[2]!, cw[0]!];
      const [ox, oy] = [r() * pitch, r() * pitch];
      return (x, y) => {
        const row = Math.floor((y + oy) / pitch);
        const cx = wrapDist(x + ox + (row % 2) * (pitch / 2), pitch / 2, pitch);
        const cy = wrapDist(y + oy, pitch / 2, pitch);
        return mix(bg, fg, 1 - smooth(radius - 0.8, radius + 0.8, Math.hypot(cx, cy)));
      };
    }
    case "ikat": {
      // diamonds whose edges feather row by row, as resist-dyed threads shift on the loom
      const pitch = 24 + Math.floor(r() * 20);
      const height = pitch * (0.8 + r() * 0.6);
      const ground = cw[0]!;
      const [outer, inner] = [cw[1 + Math.floor(r() * 2)]!, cw[3]!];
      const jitter = Array.from({ length: side }, () => (r() - 0.5) * pitch * 0.22);
      const [ox, oy] = [r() * pitch, r() * height];
      return (x, y) => {
        const yy = y + oy;
        const row = Math.floor(yy / height);
        const dx = wrapDist(x + ox + jitter[Math.floor(y)]! + (row % 2) * (pitch / 2), pitch / 2, pitch) / (pitch / 2);
        const dy = wrapDist(yy, height / 2, height) / (height / 2);
        const d = dx + dy;
        return d < 0.45 ? inner : d < 0.85 ? outer : ground;
      };
    }
    case "floral": {
      // five- or six-petal flowers (rose curves) with a centre, scattered on a grid over a ground, with leaves
      const pitch = 28 + Math.floor(r() * 14);
      const petals = 5 + Math.floor(r() * 2);
      const size = pitch * (0.3 + r() * 0.12);
      const ground = cw[0]!;
      const flowers = [cw[2]!, cw[3]!];
      const cells = Math.ceil(side / pitch) + 2;
      const spots = Array.from({ length: cells * cells }, () => ({ dx: (r() - 0.5) * pitch * 0.3, dy: (r() - 0.5) * pitch * 0.3, turn: r() * Math.PI, c: flowers[Math.floor(r() * 2)]!, leaf: r() * Math.PI * 2 }));
      return (x, y) => {
        let colour = ground;
        const [gx, gy] = [Math.floor(x / pitch), Math.floor(y / pitch)];
        for (let j = gy - 1; j <= gy + 1; j++) {
          for (let i = gx - 1; i <= gx + 1; i++) {
            const s = spots[(((j + 1) % cells) + cells) % cells * cells + ((((i + 1) % cells) + cells) % cells)]!;
            const [cx, cy] = [(i + 0.5) * pitch + s.dx, (j + 0.5) * pitch + s.dy];
            const [px, py] = [x - cx, y - cy];
            const rr = Math.hypot(px, py);
            const th = Math.atan2(py, px);
            // a leaf: an ellipse off the flower's side
            const lx = px - Math.cos(s.leaf) * size * 1.25;
            const ly = py - Math.sin(s.leaf) * size * 1.25;
            const [u, v] = [lx * Math.cos(s.leaf) + ly * Math.sin(s.leaf), -lx * Math.sin(s.leaf) + ly * Math.cos(s.leaf)];
            if ((u / (size * 0.7)) ** 2 + (v / (size * 0.3)) ** 2 < 1) colour = cw[4]!;
            if (rr < size * (0.45 + 0.55 * Math.abs(Math.cos((petals * (th + s.turn)) / 2)))) colour = rr < size * 0.28 ? cw[1]! : s.c;
          }
        }
        return colour;
      };
    }
  }
}

/** Swatch `index` of `style` at `side` px: 3×3 supersampled, with a faint seeded dye irregularity. */
export function exampleSwatch(style: ExampleStyle, index: number, side: number = EXAMPLE_SET.side): ExampleSwatch {
  if (!EXAMPLE_STYLES.includes(style)) throw new RangeError(`style: "${style}" is not one of ${EXAMPLE_STYLES.join(", ")}`);
  if (!Number.isInteger(index) || index < 0 || index > 9999) throw new RangeError(`index: ${index} is not an integer in 0..9999`);
  if (!Number.isInteger(side) || side < 8 || side > 1024) throw new RangeError(`side: ${side} is not an integer in 8..1024`);
  const paint = painter(style, index, side);
  const noise = mulberry32(0xd7e + index);
  const rgb = new Float64Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const acc = [0, 0, 0];
      for (let sy = 0; sy < 3; sy++) for (let sx = 0; sx < 3; sx++) {
        const c = paint(x + (sx + 0.5) / 3, y + (sy + 0.5) / 3);
        for (let k = 0; k < 3; k++) acc[k]! += c[k]! / 9;
      }
      const dye = (noise() - 0.5) * 0.03;
      for (let k = 0; k < 3; k++) rgb[(y * side + x) * 3 + k] = Math.min(1, Math.max(0, acc[k]! + dye));
    }
  }
  return { style, index, side, rgb };
}

/** 8-bit RGB bytes of a swatch (rounded), what its PNG holds. */
export function swatchBytes(s: { rgb: Float64Array }): Uint8Array {
  return Uint8Array.from(s.rgb, (v) => Math.round(v * 255));
}

/** A swatch as PNG (the project's fixed-setting encoder). */
export async function swatchPng(s: ExampleSwatch): Promise<Uint8Array> {
  const png = new PngWriter(s.side, s.side);
  png.writeRows(swatchBytes(s), s.side);
  return png.finish();
}

/** The committed file name of a swatch. */
export const exampleFileName = (index: number) => `${String(index + 1).padStart(2, "0")}.png`;
