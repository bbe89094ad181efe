/**
 * The tile hash's reading 3 (December 2026), on two kinds of image reading 2 hashed by chance:
 * - Elongated images (a border, a ribbon, a trim: the long side over 256 px and more than four
 *   times the short one). Step 2 searched the period on a copy of the whole image reduced to 256 px
 *   along its long side, so a 60 px side of a 1000 px border kept 15 rows, too few for a period of
 *   15–20 px. The hash was then read at a multiple of the period (333 × 40 for 333 × 20, 250 × 60 for
 *   250 × 15), where a few of its frequencies hold all the energy, and a ±12 wash cleared screening
 *   (41 of 128 copies; PDQ missed 28 of them too). Step 2 now keeps 64 samples of the short side.
 * - A period that is no whole number of pixels (33⅓ px: a 100 px side at scale 3; a 2000 × 100
 *   border at scale 3 once its period is found). Each period window samples the pattern at another
 *   sub-pixel phase, so the one window read depended on where the image began: a circular shift moved
 *   the hash 74–120 bits. Step 3 now reads the mean of the windows (a fold).
 * Oracles: the renderer's own period (side / scale, by construction), pixel transforms written out
 * in test/ts/helpers/pixels.ts against the original's indexed hash, and reading 2
 * (`{ reading: 2 }`), which certificates made before attest.
 */
import { expect } from "chai";

import { closeRenderPools } from "../src/render/render.js";
import { nearestQuery, renderRgb } from "./helpers/print-tiles.js";
import { TILE_MATCH_DISTANCE, tileDistance, tileHashPixels, tileQueries } from "../src/tile/index.js";
import { type Rgb, crop, layout, remap, shift, wash } from "../../test/ts/helpers/pixels.js";

const SIZES = [
  [1000, 60],
  [2000, 100],
  [3000, 150],
] as const;
const MODELS = ["indigo", "weld", "madder"] as const;

const border = renderRgb;
const nearest = nearestQuery;
/** Turned a quarter (90° clockwise). */
const rotate90 = (img: Rgb) => remap(img, img.height, img.width, (x, y) => [y, img.height - 1 - x]);

describe("tile hash reading 3: elongated images and fractional periods", function () {
  this.timeout(300_000);
  after(closeRenderPools);

  it("finds a border's own period, side / scale along both sides (1000×60, 2000×100, 3000×150 at scales 2–4, three models)", async () => {
    const wrong: string[] = [];
    for (const [w, h] of SIZES)
      for (const model of MODELS)
        for (const scale of [2, 3, 4]) {
          const { period, reliable } = tileHashPixels(await border(model, 7n, scale, w, h));
          const want = { x: w / scale, y: h / scale };
          if (!reliable || Math.abs(period.x - want.x) > 0.005 * want.x || Math.abs(period.y - want.y) > 0.005 * want.y)
            wrong.push(`${model} ${w}×${h} scale ${scale}: ${period.x}×${period.y}, not ${want.x.toFixed(3)}×${want.y.toFixed(3)}${reliable ? "" : " (unreliable)"}`);
        }
    expect(wrong, wrong.join("\n")).to.deep.equal([]);
  });

  it("finds a border under a ±12–20 wash along either side or a diagonal (three sizes, scales 3–4, a near-white ground the wash clips)", async () => {
    const missed: string[] = [];
    let copies = 0;
    for (const [w, h] of SIZES)
      for (const [model, seed] of [["indigo", 52001n], ["weld", 52002n]] as const)
        for (const scale of [3, 4]) {
          const t = await border(model, seed, scale, w, h);
          const original = tileHashPixels(t).hash;
          for (const along of ["x", "y", "+", "-"] as const)
            for (const [a, phase] of [[12, 0.4], [20, 2.3]] as const) {
              copies++;
              const { d, how } = nearest(wash(t, a, along, phase), original);
              if (d > TILE_MATCH_DISTANCE) missed.push(`${model} ${seed} ${w}×${h} scale ${scale} + ±${a} wash along ${along}: nearest ${d} bits via "${how}"`);
            }
        }
    expect(copies).to.equal(96);
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  it("finds a border shifted, cropped to 3⅓ repeats, or turned a quarter", async () => {
    const missed: string[] = [];
    for (const [w, h] of SIZES)
      for (const scale of [3, 4]) {
        const t = await border("madder", 11n, scale, w, h);
        const original = tileHashPixels(t).hash;
        const copies: Array<[string, Rgb]> = [
          ["shifted", shift(t, Math.round(w * 0.37), Math.round(h * 0.41))],
          ["cropped", crop(t, Math.round(w * 0.05), 0, Math.round(((w / scale) * 10) / 3), h)],
          ["turned 90°", rotate90(t)],
        ];
        for (const [what, copy] of copies) {
          const { d, how } = nearest(copy, original);
          if (d > TILE_MATCH_DISTANCE) missed.push(`${w}×${h} scale ${scale} ${what}: nearest ${d} bits via "${how}"`);
        }
      }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  it("matches no other design: 18 borders of 9 designs, every query read of each over 48 bits from every other design's hash", async () => {
    const designs: Array<{ name: string; seed: bigint; img: Rgb }> = [];
    for (const model of MODELS)
      for (const seed of [101n, 202n, 303n])
        for (const scale of [2, 4]) designs.push({ name: `${model} ${seed} scale ${scale}`, seed: seed + BigInt(MODELS.indexOf(model)) * 1000n, img: await border(model, seed, scale, 1000, 60) });
    const hashes = designs.map((d) => tileHashPixels(d.img).hash);
    const close: string[] = [];
    let least = Infinity;
    for (const a of designs) {
      const queries = tileQueries(tileHashPixels(a.img, { relaid: true }));
      expect(queries.length, a.name).to.be.greaterThan(0);
      for (const [j, b] of designs.entries()) {
        if (a.seed === b.seed) continue; // the same design at another scale is the same design
        for (const q of queries) {
          const d = tileDistance(q.hash, hashes[j]!);
          least = Math.min(least, d);
          if (d <= TILE_MATCH_DISTANCE) close.push(`${a.name} ("${q.transform}") is ${d} bits from ${b.name}`);
        }
      }
    }
    console.log(`      nearest two designs: ${least} bits`);
    expect(close, close.join("\n")).to.deep.equal([]);
  });

  it("keeps screening what certificates made before attest: shifted and washed copies of scale-2 borders and of 33⅓–85⅓ px renders meet their reading-2 hashes at least as near as reading 2's own screening did", async () => {
    const worse: string[] = [];
    let found = 0;
    for (const [w, h, scale] of [
      [3000, 150, 2],
      [2000, 100, 2],
      [300, 200, 3],
      [256, 256, 3],
    ] as const)
      for (const model of ["indigo", "weld"] as const) {
        const t = await border(model, 5n, scale, w, h);
        const attested = tileHashPixels(t, { reading: 2 }).hash; // what a certificate made before attests
        for (const [what, copy] of [
          ["shifted", shift(t, 37, 11)],
          ["washed ±14 along x", wash(t, 14, "x", 1)],
          ["washed ±16 along a diagonal", wash(t, 16, "+", 2)],
        ] as const) {
          const [before, now] = [nearestQuery(copy, attested, 2).d, nearestQuery(copy, attested).d];
          if (now <= TILE_MATCH_DISTANCE) found++;
          if (now > Math.max(before, TILE_MATCH_DISTANCE)) worse.push(`${model} ${w}×${h} scale ${scale} ${what}: ${before} bits with reading 2's screening, ${now} now`);
        }
      }
    expect(worse, worse.join("\n")).to.deep.equal([]);
    expect(found, "copies found").to.equal(24);
  });

  it("reads an image neither elongated nor of a fractional period as reading 2 did (512×256, 1024×256, 300×100, 256×40, 100×40 at scale 2), and queries nothing more", async () => {
    for (const [w, h] of [
      [512, 256],
      [1024, 256],
      [300, 100],
      [256, 40],
      [100, 40],
    ] as const) {
      const t = await border("weld", 5n, 2, w, h);
      const [today, before] = [tileHashPixels(t, { relaid: true }), tileHashPixels(t, { relaid: true, reading: 2 })];
      expect(today, `${w}×${h}`).to.deep.equal(before);
      expect(today.relaid!.some((r) => r.before === true), `${w}×${h}: no old reading queried`).to.equal(false);
    }
  });

  it("queries every one of reading 2's own query reads of an image it reads otherwise (33⅓ and 170⅔ px periods; plain, on a card, washed, laid as a half-drop)", async () => {
    // the oracle: reading 2's screening read, computed on its own (`{ relaid: true, reading: 2 }`);
    // today's screening read computes its reading-2 pass beside its own reads and shares what the two
    // compute alike (the search, the planes, the re-laid analysis), so a share that is not alike shows here
    const card = (img: Rgb, m: number): Rgb => {
      const out = remap(img, img.width + 2 * m, img.height + 2 * m, (x, y) => [x - m, y - m]);
      for (let y = 0; y < out.height; y++)
        for (let x = 0; x < out.width; x++) if (x < m || y < m || x >= m + img.width || y >= m + img.height) out.data.fill(250, 3 * (y * out.width + x), 3 * (y * out.width + x) + 3);
      return out;
    };
    const missing: string[] = [];
    let [images, beforeReads, beyondMain] = [0, 0, 0];
    for (const [w, h] of [
      [300, 200],
      [512, 512],
    ] as const)
      for (const model of MODELS) {
        const t = await border(model, 9001n, 3, w, h);
        const tile = crop(t, 0, 0, Math.floor(w / 3), Math.floor(h / 3));
        for (const [what, img] of [
          ["plain", t],
          ["on a card", card(t, 20)],
          ["washed ±15", wash(t, 15, "+", 1)],
          ["laid as a half-drop", layout(tile, "half-drop", 5, 9, w, h)],
        ] as const) {
          const [today, before] = [tileHashPixels(img, { relaid: true }), tileHashPixels(img, { relaid: true, reading: 2 })];
          const queried = new Set([today, ...(today.framed !== undefined ? [today.framed] : []), ...today.relaid!].map((r) => r.variants.original));
          const asked = [
            ...(before.reliable ? [{ original: before.variants.original, how: "the whole image" }] : []),
            ...(before.framed?.reliable === true ? [{ original: before.framed.variants.original, how: "inside the margin" }] : []),
            ...before.relaid!.map((r) => ({ original: r.variants.original, how: r.how })),
          ];
          for (const q of asked) if (!queried.has(q.original)) missing.push(`${model} ${w}×${h} ${what}: reading 2's "${q.how}"`);
          images++;
          beforeReads += today.relaid!.filter((r) => r.before === true).length;
          beyondMain += today.relaid!.filter((r) => r.before === true && (r.shading !== undefined || / the whole image|half-drop|brick|mirror/.test(r.how))).length;
        }
      }
    expect(missing, missing.join("\n")).to.deep.equal([]);
    // not vacuous: those images are read otherwise (a fold), and reading 2's wash and re-laid reads are queried too
    console.log(`      ${images} images, ${beforeReads} of reading 2's reads queried (${beyondMain} wash or re-laid)`);
    expect(beforeReads).to.be.at.least(images);
    expect(beyondMain).to.be.at.least(6);
  });

  const SHIFTS = [
    [0, 1],
    [0, 17],
    [1, 0],
    [17, 0],
    [41, 41],
    [-33, 50],
  ] as const;

  it("finds a render of a fractional period shifted by any amount: 33⅓ px (100² at scale 3, 200² at scale 6, 300×200 at scale 3), 85⅓ px (256² at scale 3), 36.6 px (256² at scale 7)", async () => {
    const far: string[] = [];
    let most = 0;
    for (const [w, h, scale] of [
      [100, 100, 3],
      [200, 200, 6],
      [300, 200, 3],
      [256, 256, 3],
      [256, 256, 7],
    ] as const)
      for (const model of MODELS) {
        const t = await border(model, 11n, scale, w, h);
        const original = tileHashPixels(t);
        expect(original.period, `${model} ${w}×${h} scale ${scale}`).to.deep.equal({ x: Math.round((w / scale) * 1000) / 1000, y: Math.round((h / scale) * 1000) / 1000 });
        for (const [dx, dy] of SHIFTS) {
          const copy = shift(t, dx, dy);
          most = Math.max(most, tileDistance(tileHashPixels(copy).hash, original.hash));
          const { d, how } = nearest(copy, original.hash);
          if (d > TILE_MATCH_DISTANCE) far.push(`${model} ${w}×${h} scale ${scale} shifted (${dx}, ${dy}): nearest ${d} bits via "${how}"`);
        }
      }
    console.log(`      the most a shift moved a hash: ${most} bits`);
    expect(far, far.join("\n")).to.deep.equal([]);
    // not only within screening's threshold: as close as the verifier's tolerance on recomputation
    expect(most).to.be.at.most(16);
  });

  it("folds only a fractional period: a 99 px render at scale 3 (33 px) reads as reading 2 did, a 100 px one (33⅓ px) shifted by about a period moves at most 8 bits", async () => {
    // 99 px at scale 3: a 33 px period, whole pixels: reading 2 and 3 agree, shifts of 33 px are exact
    const whole = await border("madder", 11n, 3, 99, 99);
    expect(tileHashPixels(whole)).to.deep.equal(tileHashPixels(whole, { reading: 2 }));
    // 100 px at scale 3: every circular shift is the same mean of windows, up to interpolation (reading 2: up to 86 bits)
    const t = await border("madder", 11n, 3, 100, 100);
    const hash = tileHashPixels(t).hash;
    for (const dy of [0, 33, 34, 67]) expect(tileDistance(tileHashPixels(shift(t, 0, dy)).hash, hash), `shifted ${dy}`).to.be.at.most(8);
  });
});
