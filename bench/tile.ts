/**
 * Tile hash evaluation (part of `npm run bench`): how screening by the repeat-aware fingerprint holds
 * against a copier's transforms, and how often distinct patterns collide.
 *
 * Corpus: renders of every shipped model across MOTIF_BENCH_TILE_SEEDS seeds (default 1,000 each),
 * params cycling through scale 1..3 × sharpness 2, 6, 16, at MOTIF_BENCH_TILE_SIZE px (default 512),
 * plus the PDQ photo fixtures. False matches: pairs of distinct (model, seed, params) whose hashes
 * match through any of the four query variants, over all pairs (exact index, threshold
 * TILE_MATCH_DISTANCE). Transforms: applied with sharp to MOTIF_BENCH_TILE_TRANSFORMS originals
 * (default 300) — caught when the copy's query finds its original. Miss rates are recorded with a
 * 1% goal (recall ≥ 99%), the false-match rate with a 0.1% goal; the recall table is printed. One
 * row beyond the issue's suite, a free recolouring (random distinguishable colours), is recorded
 * without a goal. MOTIF_BENCH_TILE_ONLY (a regular expression) runs only the transforms it matches.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";

import { BRANDS } from "../generator/src/model/brands.js";
import { buildCppnModel, mulberry32 } from "../generator/src/model/cppn.js";
import { decodeImage } from "../generator/src/pdq/decode.js";
import { render } from "../generator/src/render/render.js";
import { HashIndex } from "../generator/src/screen/hash-index.js";
import { TILE_MATCH_DISTANCE, type TileHashResult, tileDistance, tileHashPixels, type RawImage } from "@motif/sdk";
import { BenchReport } from "./lib/report.js";

const SEEDS = Number(process.env.MOTIF_BENCH_TILE_SEEDS ?? 1000);
const SIZE = Number(process.env.MOTIF_BENCH_TILE_SIZE ?? 512);
const SAMPLE = Number(process.env.MOTIF_BENCH_TILE_TRANSFORMS ?? 300);
const report = new BenchReport(`Tile hash: ${SEEDS} seeds × ${BRANDS.length} models at ${SIZE}², ${SAMPLE} originals through every transform`);
const rand = mulberry32(0x7113);

type Rgb = RawImage & { channels: 3 };
const raw = async (s: ReturnType<typeof sharp>): Promise<Rgb> => {
  const { data, info } = await s.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
};
const fromRaw = (img: Rgb) => sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
const png = async (s: ReturnType<typeof sharp>) => sharp(await s.png().toBuffer());
const paramsOf = (seed: number) => ({ scale: 1 + (seed % 3), sharpness: [2, 6, 16][Math.floor(seed / 3) % 3]! });

// 1. corpus
type Original = { label: string; model?: string; seed?: number; png?: Uint8Array; hash: TileHashResult };
const originals: Original[] = [];
let t0 = performance.now();
let renderMs = 0;
let hashMs = 0;
for (const brand of BRANDS) {
  for (let seed = 0; seed < SEEDS; seed++) {
    const t = performance.now();
    const r = await render({ model: brand.name, seed: BigInt(seed), params: paramsOf(seed), width: SIZE, height: SIZE });
    const img = await decodeImage(r.png);
    const h = performance.now();
    renderMs += h - t;
    const hash = tileHashPixels(img);
    hashMs += performance.now() - h;
    originals.push({ label: `${brand.name}#${seed}`, model: brand.name, seed, png: r.png, hash });
  }
}
const fixtures = path.join(import.meta.dirname, "..", "test", "fixtures", "pdq");
for (const f of readdirSync(fixtures).filter((f) => /\.(jpe?g|png)$/i.test(f) && !/rotate|flip/.test(f))) {
  const img = await decodeImage(path.join(fixtures, f));
  if (img.width >= 8 && img.height >= 8) originals.push({ label: `photo ${f}`, hash: tileHashPixels(img) });
}
console.log(`corpus: ${originals.length} images (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
report.record(`tile.ms.${SIZE}`, Math.round((hashMs / (BRANDS.length * SEEDS)) * 100) / 100, `tile hash of a ${SIZE}² render (decoded pixels → hash), mean over the corpus`);

// 2. false matches among distinct patterns: each original's four query variants against all
const index = HashIndex.build(originals.map((o, i) => ({ hash: o.hash.hash, label: String(i) })));
const matched = new Set<string>();
let unreliable = 0;
originals.forEach((o, i) => {
  if (!o.hash.reliable) unreliable++;
  for (const q of Object.values(o.hash.variants)) {
    for (const m of index.query(q, TILE_MATCH_DISTANCE)) {
      const j = Number(m.label);
      if (j !== i) matched.add(i < j ? `${i},${j}` : `${j},${i}`);
    }
  }
});
const pairs = (originals.length * (originals.length - 1)) / 2;
// the distance distribution of distinct pairs (closest of the four variants): the margin above the threshold
{
  const histogram = new Float64Array(257);
  const words = originals.map((o) => Object.values(o.hash.variants).map((v) => Uint32Array.from({ length: 8 }, (_, w) => parseInt(v.slice(w * 8, w * 8 + 8), 16) >>> 0)));
  const pop = (x: number) => {
    x -= (x >>> 1) & 0x55555555;
    x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
    return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
  };
  for (let i = 0; i < originals.length; i++) {
    for (let j = i + 1; j < originals.length; j++) {
      let best = 256;
      const b = words[j]![0]!;
      for (const a of words[i]!) {
        let d = 0;
        for (let w = 0; w < 8; w++) d += pop(a[w]! ^ b[w]!);
        if (d < best) best = d;
      }
      histogram[best]!++;
    }
  }
  let seen = 0;
  let min = -1;
  let p001 = -1;
  for (let d = 0; d <= 256; d++) {
    if (histogram[d]! > 0 && min < 0) min = d;
    seen += histogram[d]!;
    if (p001 < 0 && seen >= pairs * 0.001) p001 = d;
  }
  report.record("tile.distinct.minDistance", min, `closest distinct pair (any variant): the margin above the threshold ${TILE_MATCH_DISTANCE}`);
  report.record("tile.distinct.p0.1", p001, "0.1th percentile of distinct pairs' distance");
}
report.record("tile.falseMatchRate", matched.size / pairs, `distinct (model, seed, params) pairs matched at ≤ ${TILE_MATCH_DISTANCE}: ${matched.size} of ${pairs.toLocaleString("en-US")}`, 0.001);
if (unreliable > 0) console.log(`${unreliable} corpus images are near-flat (unreliable)`);
console.log(`false matches: ${matched.size} pairs${matched.size > 0 ? `, e.g. ${[...matched].slice(0, 5).map((p) => p.split(",").map((i) => originals[Number(i)]!.label).join(" ~ ")).join("; ")}` : ""}`);

// 3. transforms
const mod = (a: number, n: number) => ((a % n) + n) % n;
const remap = (img: Rgb, w: number, h: number, f: (x: number, y: number) => [number, number]): Rgb => {
  const out = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const [sx, sy] = f(x, y);
    const s = (sy * img.width + sx) * 3;
    out.set(img.data.subarray(s, s + 3), (y * w + x) * 3);
  }
  return { data: out, width: w, height: h, channels: 3 };
};
const tiled = (img: Rgb, k: number) => remap(img, img.width * k, img.height * k, (x, y) => [x % img.width, y % img.height]);
const colourways = new Map(BRANDS.map((b, i) => [b.name, buildCppnModel({ ...b, palette: BRANDS[(i + 1) % BRANDS.length]!.palette })]));

type Transform = (o: Original, img: Rgb) => Promise<Rgb>;
const RANDOM_RECOLOUR = "recoloured at random (beyond the suite)";
const TRANSFORMS: Record<string, Transform> = {
  "circular shift": async (_o, img) => {
    const [dx, dy] = [1 + Math.floor(rand() * (img.width - 1)), 1 + Math.floor(rand() * (img.height - 1))];
    return remap(img, img.width, img.height, (x, y) => [mod(x - dx, img.width), mod(y - dy, img.height)]);
  },
  "tiled 2×2": async (_o, img) => tiled(img, 2),
  "tiled 3×3": async (_o, img) => tiled(img, 3),
  "tiled 2×2, resized back": async (_o, img) => raw(fromRaw(tiled(img, 2)).resize(img.width, img.height)),
  "tiled 3×3, resized back": async (_o, img) => raw(fromRaw(tiled(img, 3)).resize(img.width, img.height)),
  "rotated 90°": async (_o, img) => raw(fromRaw(img).rotate(90)),
  "rotated 180°": async (_o, img) => raw(fromRaw(img).rotate(180)),
  "rotated 270°": async (_o, img) => raw(fromRaw(img).rotate(270)),
  "mirrored left-right": async (_o, img) => raw(fromRaw(img).flop()),
  "mirrored top-bottom": async (_o, img) => raw(fromRaw(img).flip()),
  transposed: async (_o, img) => remap(img, img.height, img.width, (x, y) => [y, x]),
  "anti-transposed": async (_o, img) => remap(img, img.height, img.width, (x, y) => [img.width - 1 - y, img.height - 1 - x]),
  "downscaled to 60%": async (_o, img) => raw(fromRaw(img).resize(Math.round(img.width * 0.6))),
  "downscaled to 35%": async (_o, img) => raw(fromRaw(img).resize(Math.round(img.width * 0.35))),
  "JPEG quality 70": async (_o, img) => raw(sharp(await fromRaw(img).jpeg({ quality: 70 }).toBuffer())),
  "Gaussian blur σ=1": async (_o, img) => raw(fromRaw(img).blur(1)),
  "noise σ=8": async (_o, img) => {
    const out = new Uint8Array(img.data.length);
    for (let i = 0; i < out.length; i++) {
      const n = Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand()) * 8;
      out[i] = Math.max(0, Math.min(255, Math.round(img.data[i]! + n)));
    }
    return { ...img, data: out };
  },
  "colourway (another brand's palette)": async (o) => {
    const r = await render({ model: o.model!, seed: BigInt(o.seed!), params: paramsOf(o.seed!), width: SIZE, height: SIZE }, { modelBytes: colourways.get(o.model!)! });
    return raw(sharp(r.png));
  },
  "crop of 1.5 periods from a 3×3 tiling": async (_o, img) => {
    const big = tiled(img, 3);
    const n = Math.round(img.width * 1.5);
    const [x0, y0] = [Math.floor(rand() * (big.width - n)), Math.floor(rand() * (big.height - n))];
    return remap(big, n, n, (x, y) => [x0 + x, y0 + y]);
  },
  "rotated 90° + shifted + JPEG 70": async (_o, img) => {
    const [dx, dy] = [Math.floor(rand() * img.width), Math.floor(rand() * img.height)];
    const shifted = remap(img, img.width, img.height, (x, y) => [mod(x - dx, img.width), mod(y - dy, img.height)]);
    return raw(sharp(await fromRaw(shifted).rotate(90).jpeg({ quality: 70 }).toBuffer()));
  },
  // beyond the suite (recorded, no goal): five random colours at least 80 apart, so every colour
  // stays distinguishable but light and dark roles are shuffled, as a colourist's free recolouring may
  [RANDOM_RECOLOUR]: async (o) => {
    const brand = BRANDS.find((b) => b.name === o.model)!;
    const palette: Array<[number, number, number]> = [];
    while (palette.length < brand.palette.length) {
      const c: [number, number, number] = [Math.floor(rand() * 256), Math.floor(rand() * 256), Math.floor(rand() * 256)];
      if (palette.every((q) => Math.hypot(q[0] - c[0], q[1] - c[1], q[2] - c[2]) >= 80)) palette.push(c);
    }
    const r = await render({ model: o.model!, seed: BigInt(o.seed!), params: paramsOf(o.seed!), width: SIZE, height: SIZE }, { modelBytes: buildCppnModel({ ...brand, palette }) });
    return raw(sharp(r.png));
  },
};
const ONLY = process.env.MOTIF_BENCH_TILE_ONLY === undefined ? undefined : new RegExp(process.env.MOTIF_BENCH_TILE_ONLY, "i");

const renders = originals.filter((o) => o.png !== undefined);
const step = Math.max(1, Math.floor(renders.length / SAMPLE));
const sample = renders.filter((_, i) => i % step === 0).slice(0, SAMPLE);
const rows: Array<[string, number, number, number, number]> = [];
t0 = performance.now();
for (const [name, transform] of Object.entries(TRANSFORMS)) {
  if (ONLY !== undefined && !ONLY.test(name)) continue;
  const distances: number[] = [];
  let caught = 0;
  for (const o of sample) {
    const copy = tileHashPixels(await transform(o, (await decodeImage(o.png!)) as Rgb));
    const d = Math.min(...Object.values(copy.variants).map((v) => tileDistance(v, o.hash.hash)));
    distances.push(d);
    if (d <= TILE_MATCH_DISTANCE) caught++;
  }
  distances.sort((a, b) => a - b);
  const recall = caught / sample.length;
  rows.push([name, recall, distances[Math.floor(distances.length / 2)]!, distances[Math.floor(distances.length * 0.95)]!, distances.at(-1)!]);
  const key = name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  report.record(`tile.missRate.${key}`, Math.round((1 - recall) * 10000) / 10000, `${name}: ${sample.length - caught} of ${sample.length} copies missed at ≤ ${TILE_MATCH_DISTANCE}`, name === RANDOM_RECOLOUR ? undefined : 0.01);
}
console.log(`transforms: ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
console.log(`| transform | recall | median | 95th pct | max |\n| --- | --- | --- | --- | --- |`);
for (const [name, recall, median, p95, max] of rows) console.log(`| ${name} | ${(recall * 100).toFixed(1)}% | ${median} | ${p95} | ${max} |`);
console.log(`| distinct patterns | ${matched.size} false matches in ${pairs.toLocaleString("en-US")} pairs | | | |`);
console.log(`(render ${(renderMs / 1000).toFixed(0)} s in all)`);
await report.write();
