/**
 * Audit 31: step 4b of the tile hash (a centred lattice read at its own frequencies) switches on a
 * hard threshold (odd-u+v energy share < 0.15). A copy whose odd share crosses it is hashed at the
 * other frequency set (~120–140 bits from the original): screening misses it. Findings FAIL on the
 * audited code (00a6855) and pass since screening also reads a tile just above the cut on its
 * lattice (the frequencies next to DC, where a shading lives, left out of that measure); `held_*`
 * tests pass. Also here: a ±10 wash of one cycle across a half-drop tile at scale 4 (indigo 31040,
 * weld 31540) doubled the period the hash finds (128 → 256 px across: the wash breaks the shorter
 * one), so the copy was read on another grid (120–124 bits; scale 3 and brick tiles, washes of ±10–20
 * along x or y: 106–132). That finding FAILS on the code before it (3d8cbfa) and passes since
 * screening also looks for the period with one cycle across each line left out, and reads the image
 * with the shading taken off at the period it hid (an extra query; the indexed hash is unchanged):
 * SECURITY.md, docs/design/screening-repeats.md.
 */
import { expect } from "chai";

import { closeRenderPools } from "../src/render/render.js";
import { TILE_MATCH_DISTANCE, tileHashPixels } from "../src/tile/index.js";
import { type Rgb, layout, shade } from "../../test/ts/helpers/pixels.js";
import { nearestTile as nearest, printTile as tileOf } from "./helpers/print-tiles.js";

type Repeat = "half-drop" | "brick";
/** A seamless brightness wash of ±a grey levels, one cosine across the tile (the copy still tiles). */
const wash = (img: Rgb, a: number) => shade(img, (x) => a * Math.cos((2 * Math.PI * x) / img.width));
/** The same along x or y, the cosine started at `phase`. */
const washAlong = (img: Rgb, a: number, axis: "x" | "y", phase = 0) =>
  shade(img, (x, y) => a * Math.cos(2 * Math.PI * (axis === "x" ? x / img.width : y / img.height) + phase));

const SPECS: Array<[string, number, Repeat, number]> = [
  ["indigo", 31040, "half-drop", 4],
  ["indigo", 31021, "brick", 2],
  ["weld", 31540, "half-drop", 4],
];

describe("audit31: the step-4b lattice threshold", function () {
  this.timeout(300_000);
  after(closeRenderPools);

  it("FIXED finding: a brick tile with a seamless ±10 grey-level brightness wash (its period unchanged) still matches its original", async () => {
    const missed: string[] = [];
    for (const [model, seed, repeat, scale] of SPECS.filter(([, , repeat]) => repeat === "brick")) {
      const t = await tileOf(model, seed, repeat, scale);
      const original = tileHashPixels(t).hash;
      const d = nearest(tileHashPixels(wash(t, 10), { relaid: true }), original);
      if (d > TILE_MATCH_DISTANCE) missed.push(`${keyOf(model, seed, repeat, scale)} + wash ±10: ${d} bits`);
    }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  it("FIXED finding: a photo-like copy (2×2 of its own half-drop layout under a ±20 grey-level lighting gradient) still matches its original", async () => {
    const t = await tileOf("indigo", 31020, "half-drop", 2);
    const original = tileHashPixels(t).hash;
    const photo = shade(layout(t, "half-drop", 37, 53, 512, 512), (x) => 20 * (x / 511 - 0.5) * 2);
    const d = nearest(tileHashPixels(photo, { relaid: true }), original);
    expect(d, `indigo 31020 half-drop scale 2, 2×2 window under a ±20 gradient: ${d} bits (threshold ${TILE_MATCH_DISTANCE})`).to.be.at.most(TILE_MATCH_DISTANCE);
  });

  /**
   * Tiles whose period a one-cycle wash hides (before the fix each copy was 106–132 bits from its
   * original: step 2 found two or three periods, or none): the two named by the audit first, then
   * half-drop and brick tiles of scales 3 and 4 under washes of ±10 to ±20 along x or y.
   */
  const HIDDEN: Array<[string, number, Repeat, number, number, "x" | "y", number]> = [
    ["indigo", 31040, "half-drop", 4, 10, "x", 0],
    ["weld", 31540, "half-drop", 4, 10, "x", 0],
    ["indigo", 31040, "half-drop", 4, 20, "y", 0],
    ["weld", 31540, "half-drop", 4, 15, "y", 1],
    ["indigo", 32011, "brick", 4, 10, "y", 0],
    ["indigo", 32011, "brick", 4, 20, "x", 2],
    ["weld", 32010, "half-drop", 3, 10, "y", 0],
    ["weld", 32010, "half-drop", 3, 20, "x", 0],
    ["weld", 32010, "brick", 3, 10, "x", 0],
    ["weld", 32010, "brick", 3, 20, "y", 0],
    ["indigo", 32017, "brick", 3, 15, "x", 0],
    ["indigo", 32017, "brick", 3, 20, "y", 0],
  ];
  const keyOf = (model: string, seed: number, repeat: Repeat, scale: number) => `${model} ${seed} ${repeat} scale ${scale}`;
  const tiles = new Map<string, Promise<Rgb>>();
  const cached = (model: string, seed: number, repeat: Repeat, scale: number) => {
    const key = keyOf(model, seed, repeat, scale);
    if (!tiles.has(key)) tiles.set(key, tileOf(model, seed, repeat, scale));
    return tiles.get(key)!;
  };

  it("FIXED finding: a one-cycle wash (±10–20 levels, along x or y) that hides a half-drop or brick tile's period (scale 3–4) still matches its original", async () => {
    const missed: string[] = [];
    for (const [model, seed, repeat, scale, a, axis, phase] of HIDDEN) {
      const t = await cached(model, seed, repeat, scale);
      const original = tileHashPixels(t).hash;
      const d = nearest(tileHashPixels(washAlong(t, a, axis, phase), { relaid: true }), original);
      if (d > TILE_MATCH_DISTANCE) missed.push(`${keyOf(model, seed, repeat, scale)} + wash ±${a} along ${axis} (phase ${phase}): ${d} bits (threshold ${TILE_MATCH_DISTANCE})`);
    }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  it("held_: the washed copies' queries meet no other tile of the set (the reading at the hidden period adds no false match)", async () => {
    const keys = [...new Set(HIDDEN.map(([m, s, r, k]) => keyOf(m, s, r, k)))];
    const originals = new Map<string, string>();
    for (const [model, seed, repeat, scale] of HIDDEN) originals.set(keyOf(model, seed, repeat, scale), tileHashPixels(await cached(model, seed, repeat, scale)).hash);
    const matched: string[] = [];
    for (const [model, seed, repeat, scale, a, axis, phase] of HIDDEN) {
      const own = keyOf(model, seed, repeat, scale);
      const q = tileHashPixels(washAlong(await cached(model, seed, repeat, scale), a, axis, phase), { relaid: true });
      for (const other of keys.filter((k) => k !== own)) {
        const d = nearest(q, originals.get(other)!);
        if (d <= TILE_MATCH_DISTANCE) matched.push(`${own} + wash ±${a} along ${axis} ~ ${other}: ${d} bits`);
      }
    }
    expect(keys.length).to.equal(6);
    expect(matched, matched.join("\n")).to.deep.equal([]);
  });

  it("held_: small washes (±4–6) and a ±10 gradient keep the lattice reading and match", async () => {
    const missed: string[] = [];
    for (const [model, seed, repeat, scale] of [...SPECS, ["indigo", 31020, "half-drop", 2] as [string, number, Repeat, number]]) {
      const t = await tileOf(model, seed, repeat, scale);
      const original = tileHashPixels(t).hash;
      for (const a of [4, 6]) {
        const d = nearest(tileHashPixels(wash(t, a), { relaid: true }), original);
        if (d > TILE_MATCH_DISTANCE) missed.push(`${model} ${seed} wash ±${a}: ${d}`);
      }
      const photo = shade(layout(t, repeat, 37, 53, 512, 512), (x) => 10 * (x / 511 - 0.5) * 2);
      const d = nearest(tileHashPixels(photo, { relaid: true }), original);
      if (d > TILE_MATCH_DISTANCE) missed.push(`${model} ${seed} gradient ±10: ${d}`);
    }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });
});
