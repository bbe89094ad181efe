/**
 * Screening re-laid copies of a print tile (docs/design/screening-repeats.md): a copier takes a
 * certified tile, lays it out as a half-drop, brick or mirror repeat (docs/design/print-repeats.md)
 * and cuts a new tile out of that layout — a tile-sized window, or the layout's own block tile — which
 * is the same artwork but not a circular shift of the original: the tile hash alone caught such
 * copies only by chance, PDQ not at all. The originals are renders of the three shipped models,
 * rendered for each repeat; the copies are made by an independent oracle (`layout` in
 * test/ts/helpers/pixels.ts: the repeat's lattice and reflections written out pixel by pixel, not the
 * code under test), so "is a copy" is the construction itself. Screening is the pipeline's: each
 * original's fingerprint joins the certificates bank as a cleared pattern's does (`BankSet.remember`),
 * each copy is fingerprinted as a candidate is (`fingerprintPixels`) and screened (`screen`).
 *
 * Not repeated here (sdk/test/tile-hash.test.ts covers them): circular shifts, the eight rotations
 * and mirrors of a tile, k×k tilings (also resized back to one tile: "rescaled ×2"), 1.5-period crops
 * and colourways. They appear below only combined with a re-laying.
 */
import { expect } from "chai";

import { BRANDS } from "../src/model/brands.js";
import { mulberry32 } from "../src/model/cppn.js";
import { decodeImage } from "../src/pdq/decode.js";
import { closeRenderPools, render } from "../src/render/render.js";
import { BankSet } from "../src/screen/banks.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { screen } from "../src/screen/screen.js";
import { type FingerprintOutput, fingerprintPixels } from "../src/stages/fingerprint.js";
import { type Repeat, type Rgb, layout as layoutOf, remap, rgb } from "../../test/ts/helpers/pixels.js";

const REPEATS: Repeat[] = ["block", "half-drop", "brick", "mirror"];
const SIDE = 256;
/** Recall floor on the copies measured, not asserted one by one (measured: see the design note). */
const RECALL_FLOOR = 0.7;
const rand = mulberry32(0x5e7ea7);
const int = (n: number) => Math.floor(rand() * n);

/** The w × h window at (x0, y0) of `t` laid out as `repeat` (the oracle, test/ts/helpers/pixels.ts), remembered for a failure's message. */
let lastWindow = "";
const layout = (t: Rgb, repeat: Repeat, x0: number, y0: number, w: number, h: number): Rgb => {
  lastWindow = `${w}×${h} at (${x0}, ${y0}) of the ${repeat} layout`;
  return layoutOf(t, repeat, x0, y0, w, h);
};
const rotate90 = (i: Rgb) => remap(i, i.height, i.width, (x, y) => [y, i.height - 1 - x]);
const mirrorLeftRight = (i: Rgb) => remap(i, i.width, i.height, (x, y) => [i.width - 1 - x, y]);
/** A slight recolouring: every channel scaled by 0.92 and lifted by 12 levels (PDQ's luma moves; the structure stays). */
const recolour = (i: Rgb): Rgb => ({ ...i, data: Uint8Array.from(i.data, (v) => Math.min(255, Math.round(v * 0.92 + 12))) });

/** The block tile of `repeat`'s layout: two tiles wide for half-drop, two tall for brick, 2 × 2 for mirror. */
const cellOf = (repeat: Exclude<Repeat, "block">, t: Rgb) => [repeat === "brick" ? t.width : 2 * t.width, repeat === "half-drop" ? t.height : 2 * t.height] as const;

type Original = { label: string; repeat: Repeat; scale: number; img: Rgb };
type Copy = { original: Original; transform: string; img: Rgb; where: string };

/** The copies of `o` the suite screens (labels name the transform; `asserted` below says which must each be refused). */
function copiesOf(o: Original): Copy[] {
  const { width: W, height: H } = o.img;
  const out: Copy[] = [];
  const add = (transform: string, img: Rgb) => out.push({ original: o, transform, img, where: lastWindow });
  for (const r of ["half-drop", "brick", "mirror"] as const) {
    const [cw, ch] = cellOf(r, o.img);
    // a window off the tile grid (not for mirror, where only the block tile is a repeat tile: a window
    // off its axes holds part of the tile twice and part of it not at all — a partial copy, as a crop is)
    if (r !== "mirror") add(`re-laid as ${r}, a tile-sized window`, layout(o.img, r, 1 + int(W - 1), int(H), W, H));
    add(`re-laid as ${r}, its block tile (${cw / W}×${ch / H} tiles)`, layout(o.img, r, int(2 * W), int(2 * H), cw, ch));
  }
  // with a transform the tile hash forgave already
  add("re-laid as half-drop, a window, rotated 90°", rotate90(layout(o.img, "half-drop", 1 + int(W - 1), int(H), W, H)));
  add("re-laid as brick, a window, recoloured slightly", recolour(layout(o.img, "brick", int(W), 1 + int(H - 1), W, H)));
  add("re-laid as mirror, its block tile, mirrored", mirrorLeftRight(layout(o.img, "mirror", int(2 * W), int(2 * H), 2 * W, 2 * H)));
  return out;
}

/**
 * Which copies the suite asserts are refused, one by one: every copy of a block tile (every render
 * without a print spec is one) of scale 1 or 2, the mirror block tile of a block or mirror tile of any
 * scale, a half-drop tile's copies within its own layout. The rest is measured against a floor
 * (docs/design/screening-repeats.md says what is missed and why): a block tile of scale 3 re-laid as
 * half-drop or brick (a junction through the ground of a sparse or blurred pattern shows too little),
 * a brick tile's own layout (its edge may run through the ground: no sign at all), a half-drop or
 * brick tile re-laid in another repeat than its own (two layouts at once), a print tile of scale ≥ 2
 * in a mirror.
 */
const asserted = (c: Copy) =>
  (c.original.repeat === "block" && c.original.scale <= 2) ||
  (c.transform.startsWith("re-laid as mirror") && (c.original.repeat === "block" || c.original.repeat === "mirror")) ||
  (c.original.repeat === "half-drop" && c.transform.startsWith("re-laid as half-drop"));

describe("screening re-laid copies of a print tile: half-drop, brick and mirror layouts of a certified tile (docs/design/screening-repeats.md)", function () {
  this.timeout(900_000);
  const originals: Original[] = [];
  const unrelated: Original[] = [];
  let banks: BankSet;
  const fingerprints = new Map<Original, FingerprintOutput>();
  after(closeRenderPools);

  before(async () => {
    // 3 models × scales 1..3 × the four repeats, and as many unrelated renders (other seeds)
    for (const [set, base] of [[originals, 7000], [unrelated, 8000]] as const) {
      for (let i = 0; i < 9; i++) {
        for (const repeat of REPEATS) {
          const model = BRANDS[i % 3]!.name;
          const scale = 1 + Math.floor(i / 3);
          const seed = BigInt(base + 10 * i + REPEATS.indexOf(repeat));
          const params = { scale, sharpness: [2, 6, 16][(i + REPEATS.indexOf(repeat)) % 3]! };
          const r = await render({ model, seed, params, width: SIDE, height: SIDE, print: { repeat, sizeCm: SIDE / 100, dpi: 254 } });
          set.push({ label: `${model} seed ${seed} scale ${scale} sharpness ${params.sharpness}, ${repeat}`, repeat, scale, img: rgb(await decodeImage(r.png)) });
        }
      }
    }
    // the certificates bank as the pipeline keeps it: each original's PDQ hash and, when reliable, tile hash
    banks = BankSet.ofIndex(PdqIndex.build([]));
    for (const o of originals) {
      const fp = fingerprintPixels(o.img);
      fingerprints.set(o, fp);
      banks.remember(o.label, fp.pdq.original, fp.tileResult.reliable ? fp.tileResult.hash : undefined);
    }
  });

  /** Screened with every query (after), and without the re-laid tiles' (before: the tile hash's own four variants and PDQ's eight). */
  const screened = (img: Rgb) => {
    const fp = fingerprintPixels(img);
    const after = screen(banks, { pdq: fp.pdq, tile: fp.tile });
    const before = screen(banks, { pdq: fp.pdq, tile: fp.tile.filter((q) => !q.transform.includes("re-laid: ")) });
    return { fp, before, after };
  };

  it("the originals clear against each other's certificates, the half-drop and brick print tiles of scale ≥ 2 included (their centred lattice is hashed on its own frequencies: step 4b)", () => {
    for (const o of originals) {
      const others = BankSet.ofIndex(PdqIndex.build([]));
      for (const p of originals) if (p !== o) others.remember(p.label, fingerprints.get(p)!.pdq.original, fingerprints.get(p)!.tileResult.hash);
      const fp = fingerprints.get(o)!;
      const report = screen(others, { pdq: fp.pdq, tile: fp.tile });
      expect(report.cleared, `${o.label}: ${JSON.stringify(report.matches.slice(0, 2))}`).to.equal(true);
    }
  });

  it("refuses every re-laid copy as a copy of its original (table: refused before → after)", () => {
    const rows = new Map<string, { n: number; before: number; after: number; asserted: number; assertedAfter: number }>();
    const missed: string[] = [];
    const measuredMisses: string[] = [];
    for (const o of originals) {
      for (const c of copiesOf(o)) {
        const { before, after } = screened(c.img);
        const isCopy = (r: typeof after) => r.matches.some((m) => m.label === o.label);
        const key = `${o.repeat} tile, ${c.transform}`;
        const row = rows.get(key) ?? { n: 0, before: 0, after: 0, asserted: 0, assertedAfter: 0 };
        row.n++;
        if (isCopy(before)) row.before++;
        if (isCopy(after)) row.after++;
        rows.set(key, row);
        if (asserted(c)) {
          row.asserted++;
          if (isCopy(after)) row.assertedAfter++;
          else missed.push(`${o.label}: ${c.transform}, ${c.where} (closest: ${after.matches[0] === undefined ? "none" : `${after.matches[0].label} at ${after.matches[0].distance}`})`);
        } else if (!isCopy(after)) measuredMisses.push(`${o.label}: ${c.transform}`);
      }
    }
    console.log(`      | copy | refused before | after |\n      | --- | --- | --- |\n${[...rows.entries()].map(([k, r]) => `      | ${k}${r.asserted === r.n ? "" : r.asserted === 0 ? " (measured)" : ` (${r.asserted} asserted)`} | ${r.before}/${r.n} | ${r.after}/${r.n} |`).join("\n")}`);
    expect(missed, missed.join("\n")).to.deep.equal([]);
    type Row = { n: number; before: number; after: number; asserted: number; assertedAfter: number };
    const total = (f: (r: Row) => number) => [...rows.values()].reduce((s, r) => s + f(r), 0);
    // the measured rest: a floor under what it refuses now, so that a change that loses them is seen
    const rest = { n: total((r) => r.n - r.asserted), after: total((r) => r.after - r.assertedAfter) };
    console.log(`      refused before: ${total((r) => r.before)}/${total((r) => r.n)}, after: ${total((r) => r.after)}/${total((r) => r.n)}; the measured rest: ${rest.after}/${rest.n}, missed:\n        ${measuredMisses.join("\n        ")}`);
    expect(rest.after / rest.n, "recall on the measured rest").to.be.at.least(RECALL_FLOOR);
  });

  it("names the re-laying in the match: the transform words say which layout and which tile", () => {
    const o = originals.find((p) => p.repeat === "block" && p.scale === 1)!;
    const { after } = screened(layout(o.img, "half-drop", 97, 40, SIDE, SIDE));
    const hit = after.matches.find((m) => m.label === o.label && m.signal === "tile");
    expect(hit?.transform, JSON.stringify(after.matches)).to.match(/^(.*, )?re-laid: a tile cut out of its half-drop layout/);
    const cell = screened(layout(o.img, "mirror", 300, 77, 2 * SIDE, 2 * SIDE)).after.matches.find((m) => m.label === o.label && m.signal === "tile");
    expect(cell?.transform).to.match(/re-laid: one tile of its mirror repeat \(the tile and its reflections\)/);
  });

  it("unrelated renders (other seeds, every repeat) clear as often as before: the re-laid queries add no false refusal", () => {
    let before = 0;
    let after = 0;
    const added: string[] = [];
    for (const u of unrelated) {
      const s = screened(u.img);
      if (!s.before.cleared) before++;
      if (!s.after.cleared) after++;
      if (s.before.cleared && !s.after.cleared) added.push(`${u.label} ~ ${s.after.matches[0]!.label} (${s.after.matches[0]!.transform}, ${s.after.matches[0]!.distance})`);
    }
    const blockOnes = unrelated.filter((u) => u.repeat === "block" || u.repeat === "mirror" || u.scale === 1);
    const blockRefused = blockOnes.filter((u) => !screened(u.img).after.cleared).map((u) => u.label);
    console.log(`      unrelated refused: before ${before}/${unrelated.length}, after ${after}/${unrelated.length} (block, mirror and scale-1 renders: ${blockRefused.length}/${blockOnes.length})`);
    expect(added, added.join("\n")).to.deep.equal([]);
    // the half-drop and brick print tiles of scale ≥ 2 collided with each other (12/36 before step 4b)
    expect(after, "unrelated renders refused").to.equal(0);
    expect(blockRefused).to.deep.equal([]);
  });

  it("a render with no sign of a re-laying adds no re-laid tile's query: the gate keeps a block tile's screening as it was", () => {
    const plain = originals.filter((o) => o.repeat === "block");
    // (a read with a one-cycle shading taken off, which a one-tile render may add, is no re-laying:
    // its queries are not said "re-laid", and meet no unrelated render in the test above)
    const extra = plain.map((o) => fingerprints.get(o)!.tile.filter((q) => q.transform.includes("re-laid: ")).length);
    // most block renders show no sign (a few trip the loose gate, then find nothing at full resolution)
    expect(extra.filter((n) => n === 0).length, `re-laid queries per block render: ${extra.join(" ")}`).to.be.at.least(plain.length - 1);
  });

  it("is deterministic: the same image, the same query hashes", () => {
    const o = originals.find((p) => p.repeat === "half-drop" && p.scale === 1)!;
    const copy = layout(o.img, "half-drop", 55, 13, SIDE, SIDE);
    expect(fingerprintPixels(copy).tile).to.deep.equal(fingerprintPixels(copy).tile);
  });
});
