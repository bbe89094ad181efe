/**
 * Tile hash on the two kinds of image its reading 3 (December 2026) reads differently (part of
 * `npm run bench`): elongated borders (1000×60 and 2000×100, scales 2–4), whose short side step 2
 * now searches at 64 samples, and renders whose period is no whole number of pixels (100² and
 * 300×200 at scale 3: 33⅓ px), whose period windows step 3 now folds. Each copy is screened as the
 * generator screens it (`tileQueries` of `{ relaid: true }`) against its original's indexed hash,
 * with reading 3 (now) and reading 2 (before) alike. MOTIF_BENCH_BORDER_SEEDS seeds per model
 * (default 12).
 */
import { TILE_MATCH_DISTANCE, type TileHashReading, tileDistance, tileHashPixels } from "@motif/sdk";
import { decodeImage } from "../generator/src/pdq/decode.js";
import { closeRenderPools, render } from "../generator/src/render/render.js";
import { tileQueries } from "../generator/src/tile/index.js";
import { type Rgb, rgb, shift, wash } from "../test/ts/helpers/pixels.js";
import { BenchReport } from "./lib/report.js";

const SEEDS = Number(process.env.MOTIF_BENCH_BORDER_SEEDS ?? 12);
const MODELS = ["indigo", "weld", "madder"] as const;
const report = new BenchReport(`Tile hash reading 3: borders and fractional periods (${SEEDS} seeds × ${MODELS.length} models)`);
let state = 0x5eed;
const rand = () => ((state = (state * 1103515245 + 12345) >>> 0) / 2 ** 32);

type Design = { name: string; key: string; img: Rgb };
const renderOf = async (model: string, seed: number, scale: number, width: number, height: number): Promise<Design> => ({
  name: `${model} ${seed} ${width}×${height} scale ${scale}`,
  key: `${model} ${seed}`,
  img: rgb(await decodeImage((await render({ model, seed: BigInt(seed), params: { scale, sharpness: 6 }, width, height })).png)),
});
const found = (copy: Rgb, hash: string, reading: TileHashReading) =>
  tileQueries(tileHashPixels(copy, { relaid: true, reading })).some((q) => tileDistance(q.hash, hash) <= TILE_MATCH_DISTANCE);

const borders: Design[] = [];
const fractional: Design[] = [];
for (const model of MODELS)
  for (let s = 0; s < SEEDS; s++) {
    const seed = 61_000 + s;
    const [w, h] = s % 2 === 0 ? [1000, 60] : [2000, 100];
    borders.push(await renderOf(model, seed, 2 + (s % 3), w, h));
    fractional.push(await renderOf(model, seed, 3, s % 2 === 0 ? 100 : 300, s % 2 === 0 ? 100 : 200));
  }

type Row = { copies: number; now: number; before: number };
const rows = new Map<string, Row>();
const t0 = performance.now();
let queryMs = 0;
let queries = 0;
const missed: string[] = [];
const tally = (row: string, copy: Rgb, original: Rgb, name: string) => {
  const r = rows.get(row) ?? { copies: 0, now: 0, before: 0 };
  const [now, before] = [tileHashPixels(original).hash, tileHashPixels(original, { reading: 2 }).hash];
  const t = performance.now();
  if (found(copy, now, 3)) r.now++;
  else missed.push(`${row}: ${name}`);
  queryMs += performance.now() - t;
  queries++;
  if (found(copy, before, 2)) r.before++;
  r.copies++;
  rows.set(row, r);
};
for (const { img, name } of borders) {
  for (const along of ["x", "y", "+", "-"] as const) {
    const [a, phase] = [12 + 8 * rand(), 2 * Math.PI * rand()];
    tally("border washed ±12–20 (along x, y or a diagonal)", wash(img, a, along, phase), img, `${name}, ±${a.toFixed(1)} along ${along} at ${phase.toFixed(2)}`);
  }
  const [dx, dy] = [Math.floor(rand() * img.width), Math.floor(rand() * img.height)];
  tally("border shifted", shift(img, dx, dy), img, `${name} by (${dx}, ${dy})`);
}
for (const { img, name } of fractional) {
  const [dx, dy] = [1 + Math.floor(rand() * (img.width - 1)), 1 + Math.floor(rand() * (img.height - 1))];
  tally("33⅓ px period shifted", shift(img, dx, dy), img, `${name} by (${dx}, ${dy})`);
}

// certificates made before (reading 2): a copy of one found by today's screening, and by reading 2's own
const old = { copies: 0, now: 0, before: 0 };
for (const { img } of [...borders, ...fractional]) {
  const attested = tileHashPixels(img, { reading: 2 }).hash;
  for (const copy of [shift(img, Math.floor(rand() * img.width), Math.floor(rand() * img.height)), wash(img, 12 + 8 * rand(), rand() < 0.5 ? "x" : "+", 2 * Math.PI * rand())]) {
    old.copies++;
    if (found(copy, attested, 3)) old.now++;
    if (found(copy, attested, 2)) old.before++;
  }
}

// false matches: every query read of each border against every other design's indexed hash
let pairs = 0;
let falseMatches = 0;
let least = Infinity;
// and against their certificates made before (reading 2), with today's queries and with reading 2's
let vsOld = 0;
let vsOldBefore = 0;
const indexed = borders.map((d) => tileHashPixels(d.img).hash);
const indexedBefore = borders.map((d) => tileHashPixels(d.img, { reading: 2 }).hash);
for (const a of borders) {
  const qs = tileQueries(tileHashPixels(a.img, { relaid: true }));
  const qsBefore = tileQueries(tileHashPixels(a.img, { relaid: true, reading: 2 }));
  for (const [j, b] of borders.entries()) {
    if (a.key === b.key) continue;
    pairs++;
    const d = Math.min(...qs.map((q) => tileDistance(q.hash, indexed[j]!)));
    least = Math.min(least, d);
    if (d <= TILE_MATCH_DISTANCE) falseMatches++;
    if (qs.some((q) => tileDistance(q.hash, indexedBefore[j]!) <= TILE_MATCH_DISTANCE)) vsOld++;
    if (qsBefore.some((q) => tileDistance(q.hash, indexedBefore[j]!) <= TILE_MATCH_DISTANCE)) vsOldBefore++;
  }
}

console.log(`\n${borders.length} borders, ${fractional.length} renders of a 33⅓ px period (${Math.round((performance.now() - t0) / 1000)} s)`);
console.log(`${"copies".padEnd(52)} ${"n".padStart(4)} ${"now".padStart(7)} ${"before".padStart(7)}`);
for (const [name, r] of rows) console.log(`${name.padEnd(52)} ${String(r.copies).padStart(4)} ${((100 * r.now) / r.copies).toFixed(1).padStart(6)}% ${((100 * r.before) / r.copies).toFixed(1).padStart(6)}%`);
if (missed.length > 0) console.log(`missed now: ${missed.join("; ")}`);
const rate = (name: string, k: "now" | "before") => rows.get(name)![k] / rows.get(name)!.copies;
report.record("tile.border.recall.washed", rate("border washed ±12–20 (along x, y or a diagonal)", "now"), "share of washed borders (1000×60, 2000×100 at scales 2–4; ±12–20 along x, y or a diagonal) screening finds", { atLeast: 0.99 });
report.record("tile.border.recall.washed.reading2", rate("border washed ±12–20 (along x, y or a diagonal)", "before"), "the same with reading 2 (before December 2026)");
report.record("tile.border.recall.shifted", rate("border shifted", "now"), "share of circularly shifted borders screening finds", { atLeast: 0.99 });
report.record("tile.border.recall.shifted.reading2", rate("border shifted", "before"), "the same with reading 2");
report.record("tile.fractional.recall.shifted", rate("33⅓ px period shifted", "now"), "share of circularly shifted renders of a 33⅓ px period (100² and 300×200 at scale 3) screening finds", { atLeast: 0.99 });
report.record("tile.fractional.recall.shifted.reading2", rate("33⅓ px period shifted", "before"), "the same with reading 2");
report.record("tile.border.falseMatches", falseMatches, `pairs of distinct border designs matched through any query read: ${falseMatches} of ${pairs} (nearest ${least} bits)`, 0);
report.record("tile.reading2.recall", old.now / old.copies, `copies (shifted, washed) of the borders' and 33⅓ px renders' certificates made before (reading 2) today's screening finds: ${old.now} of ${old.copies}`);
report.record("tile.reading2.recall.reading2", old.before / old.copies, `the same with reading 2's own screening: ${old.before}`);
report.record("tile.border.falseMatches.vsReading2", vsOld, `pairs of distinct border designs where today's queries of one match the other's certificate made before (reading 2): ${vsOld} of ${pairs}`);
report.record("tile.border.falseMatches.vsReading2.reading2", vsOldBefore, `the same with reading 2's queries: ${vsOldBefore}`);
report.record("tile.border.ms.query", Math.round((queryMs / queries) * 100) / 100, "screening's query hashes of one copy (reading 3, `relaid`), borders and 33⅓ px renders, mean");
await report.write();
await closeRenderPools();
