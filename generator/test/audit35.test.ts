/**
 * Audit 35: the tile hash's reading 3 (commit 0b41826). Each `finding_*` test states what the change
 * promises and failed on that commit; `FIXED` where the fix holds. Left out of the `before` queries
 * by design (`beforeReads`): reading 2's reads of an elongated image at a multiple of its period (a
 * 1000×60 scale-3 border read at 333 × 40), where unrelated designs hash alike (the last test): a
 * copy of such a certificate made before is screened by PDQ, and by the tile hash where reading 2
 * read its period right (scale 2).
 *
 * Oracle for "certificates made before": `tileHashPixels(img, { reading: 2 })` is the parent commit's
 * hash bit for bit, and `tileHashPixels(copy, { relaid: true, reading: 2 })` is the parent commit's
 * screening read of a copy bit for bit (checked against a build of 377ea0c's SDK over 60+ images,
 * relaid/framed/wash reads included). So "reading 2 screening found it" = "screening found it before
 * this change".
 */
import { expect } from "chai";

import { closeRenderPools } from "../src/render/render.js";
import { nearestQuery, renderRgb } from "./helpers/print-tiles.js";
import { TILE_MATCH_DISTANCE, tileDistance, tileHashPixels, tileQueries } from "../src/tile/index.js";
import { type Rgb, crop, remap, shift, wash } from "../../test/ts/helpers/pixels.js";

const design = renderRgb;
const nearest = nearestQuery;
/** `img` on a uniform card of grey 250, `m` px each side (a swatch on a card, a border on a page). */
const onCard = (img: Rgb, m: number): Rgb => {
  const [W, H] = [img.width + 2 * m, img.height + 2 * m];
  const data = new Uint8Array(W * H * 3).fill(250);
  for (let y = 0; y < img.height; y++) data.set(img.data.subarray(y * img.width * 3, (y + 1) * img.width * 3), ((y + m) * W + m) * 3);
  return { data, width: W, height: H, channels: 3 };
};

describe("audit 35: tile hash reading 3", function () {
  this.timeout(300_000);
  after(closeRenderPools);

  // Promise 5: "screening also queries the reading-2 hash where it differs, so copies of certificates
  // made before still match". The `before` query is only the whole image's plain reading-2 read; the
  // framed read (inside a uniform margin) is today's reading only. A certificate made before attests
  // the reading-2 hash of the artwork, which the parent's framed query met at 0 bits; today's framed
  // query reads the artwork at reading 3 (54–122 bits away for a border or a 33⅓ px render), and the
  // whole card (margin included) is read at another period altogether.
  it("FIXED finding_before_query_misses_margin: a pre-reading-3 certificate's artwork on a card is still found (where reading 2 read its period)", async () => {
    const missed: string[] = [];
    for (const [model, seed, scale, w, h] of [
      ["madder", 7004n, 3, 100, 100],
      ["indigo", 7005n, 3, 300, 200],
      ["weld", 7006n, 2, 2000, 100],
    ] as const) {
      const art = await design(model, seed, scale, w, h);
      const certified = tileHashPixels(art, { reading: 2 }).hash; // what a certificate made before attests
      for (const m of [12, 40]) {
        const copy = onCard(art, m);
        const before = nearest(copy, certified, 2); // the parent commit's screening
        const now = nearest(copy, certified);
        if (before.d <= TILE_MATCH_DISTANCE && now.d > TILE_MATCH_DISTANCE)
          missed.push(`${model} ${seed} ${w}×${h} scale ${scale} on a ${m} px card: found before at ${before.d} bits ("${before.how}"), now nearest ${now.d} bits ("${now.how}")`);
      }
    }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  // Same promise: the parent's screening also read a copy without a one-cycle shading (`washHashes`)
  // at reading 2; today's wash reads are reading 3 (folded), and the `before` entry carries no wash
  // read. Washed copies (and a 7-across repeat whose match came from a wash read at the period it hid)
  // of certificates made before are no longer found.
  it("FIXED finding_before_query_misses_wash: a washed copy of a pre-reading-3 certificate is still found (where reading 2 read its period)", async () => {
    const missed: string[] = [];
    const cases: Array<[string, Rgb]> = [];
    const i4 = await design("indigo", 7004n, 3, 100, 100);
    const w4 = await design("weld", 7004n, 3, 100, 100);
    const r3 = await design("madder", 3n, 3, 100, 100);
    cases.push(
      ["indigo 7004 100² s3 ±12 wash along x", wash(i4, 12, "x", 0.4)],
      ["weld 7004 100² s3 ±16 wash along x+y", wash(w4, 16, "+", 1)],
      ["madder 3 100² s3 laid 7 across (700×100)", remap(r3, 700, 100, (x, y) => [x % 100, y % 100])],
    );
    const originals = [i4, w4, r3];
    for (const [k, [what, copy]] of cases.entries()) {
      const certified = tileHashPixels(originals[k]!, { reading: 2 }).hash;
      const before = nearest(copy, certified, 2);
      const now = nearest(copy, certified);
      if (before.d <= TILE_MATCH_DISTANCE && now.d > TILE_MATCH_DISTANCE) missed.push(`${what}: found before at ${before.d} bits ("${before.how}"), now nearest ${now.d} bits ("${now.how}")`);
    }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  // Promise 1(b): "step 3 folds the period windows when the image holds a whole number of periods
  // along an axis whose period is not a whole number of plane samples, making circular shifts of
  // 33⅓-px-period renders match". The fold needs `wrap`, i.e. whole periods along BOTH axes: an
  // image 100 px wide (three 33⅓ px periods) but 95 or 110 px tall is not folded along x, and the
  // same crop of the repeat taken at another x origin (= a circular x shift) moves the hash 54–110
  // bits, past screening's 48, exactly as reading 2 did (a full 100² moves 0–4 bits).
  it("FIXED finding_fold_needs_both_axes: a whole number of 33⅓ px periods along x is folded whatever the height", async () => {
    const moved: string[] = [];
    for (const [model, seed] of [["indigo", 1n], ["weld", 2n]] as const) {
      const t = await design(model, seed, 3, 100, 100);
      const repeat = remap(t, 200, 200, (x, y) => [x % 100, y % 100]);
      for (const h of [95, 110]) {
        const at0 = crop(repeat, 0, 0, 100, h);
        const hash0 = tileHashPixels(at0).hash;
        for (const dx of [13, 21, 50]) {
          const copy = crop(repeat, dx, 0, 100, h); // = at0 circularly shifted by dx along x
          const { d, how } = nearest(copy, hash0);
          if (d > TILE_MATCH_DISTANCE) moved.push(`${model} ${seed} 100×${h} (period ${tileHashPixels(at0).period.x.toFixed(3)} px along x) at x origin ${dx}: nearest ${d} bits ("${how}")`);
        }
      }
      // control: the full 100² (whole periods along both axes) holds under the same shifts
      const full = tileHashPixels(t).hash;
      for (const dx of [13, 21, 50]) expect(tileDistance(tileHashPixels(shift(t, dx, 0)).hash, full)).to.be.at.most(TILE_MATCH_DISTANCE);
    }
    expect(moved, moved.join("\n")).to.deep.equal([]);
  });

  // Promise 5: "no new false matches between distinct designs". The `before` query re-reads every new
  // elongated image at reading 2, which reads 1000×60 scale-3 borders at 333 × 40 px (their true
  // period is 333 × 20): at that multiple all such borders hash alike (every pair of 9 designs of 3
  // models within 48 bits of each other). A new border of a distinct design is then refused as a copy of
  // any 1000×60 scale-3 certificate made before. (The parent's screening did the same; reading 3 fixed
  // it for today's reads, which match nothing here, and the `before` query brings it back. The design
  // doc's "0 false matches, every query read" counts reading-3 hashes only.)
  it("FIXED finding_before_query_blanket_match: a new 1000×60 border does not match other designs' certificates made before", async () => {
    const designs: Array<{ name: string; img: Rgb }> = [];
    for (const model of ["indigo", "weld", "madder"] as const) for (const seed of [31n, 32n, 33n]) designs.push({ name: `${model} ${seed}`, img: await design(model, seed, 3, 1000, 60) });
    const certifiedBefore = designs.map((d) => tileHashPixels(d.img, { reading: 2 }).hash);
    const today = designs.map((d) => tileHashPixels(d.img).hash);
    const close: string[] = [];
    for (const [i, a] of designs.entries()) {
      const queries = tileQueries(tileHashPixels(a.img, { relaid: true }));
      for (const [j, b] of designs.entries()) {
        if (i === j) continue;
        // today's certificates: nothing matches (held)
        expect(queries.every((q) => tileDistance(q.hash, today[j]!) > TILE_MATCH_DISTANCE), `${a.name} vs ${b.name} today`).to.equal(true);
        const hit = queries.map((q) => ({ d: tileDistance(q.hash, certifiedBefore[j]!), how: q.transform })).sort((x, y) => x.d - y.d)[0]!;
        if (hit.d <= TILE_MATCH_DISTANCE) close.push(`${a.name} → ${b.name}'s certificate made before: ${hit.d} bits via "${hit.how}"`);
      }
    }
    expect(close, `${close.length} of 72 ordered pairs\n${close.slice(0, 8).join("\n")}`).to.deep.equal([]);
  });
});
