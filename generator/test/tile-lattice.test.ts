/**
 * The tile hash of print tiles rendered for a half-drop or brick repeat at scale ≥ 2 (step 4b of
 * sdk/src/tile/tileHash.ts, docs/design/screening-repeats.md "False refusals"): such a tile has a
 * centred lattice that zeroed every frequency of odd u + v, and unrelated ones hashed 4–26 bits apart
 * (threshold 48): a studio's second half-drop print tile was refused as a copy of its first. The
 * copies are built by the independent oracle of test/ts/helpers/pixels.ts (pixel maps written out in
 * the test), and the renders without such a lattice keep hashes pinned to the values of the code
 * before the change (computed by the previous build: certificates already minted still verify).
 */
import { expect } from "chai";

import { mulberry32 } from "../src/model/cppn.js";
import { BRANDS } from "../src/model/brands.js";
import { decodeImage } from "../src/pdq/decode.js";
import { closeRenderPools, render } from "../src/render/render.js";
import { TILE_MATCH_DISTANCE, TILE_VARIANTS, type TileHashResult, type TileVariant, tileDistance, tileHashPixels } from "../src/tile/index.js";
import { type Rgb, layout, remap, rgb, shift } from "../../test/ts/helpers/pixels.js";

const SIDE = 256;
const tileOf = async (model: string, seed: number, repeat: "block" | "half-drop" | "brick" | "mirror", scale: number): Promise<Rgb> => {
  const r = await render({ model, seed: BigInt(seed), params: { scale, sharpness: 6 }, width: SIDE, height: SIDE, print: { repeat, sizeCm: SIDE / 100, dpi: 254 } });
  return rgb(await decodeImage(r.png));
};
/** The least distance from any of a result's query hashes (its four variants and, screening's, the re-laid tiles') to `hash`. */
const nearest = (r: TileHashResult, hash: string) =>
  Math.min(...[r.variants, ...(r.relaid ?? []).map((x) => x.variants)].flatMap((v) => (Object.keys(TILE_VARIANTS) as TileVariant[]).map((k) => tileDistance(v[k], hash))));

describe("tile hash of half-drop and brick print tiles (a centred lattice, step 4b)", function () {
  this.timeout(600_000);
  type Tile = { label: string; img: Rgb; hash: TileHashResult; scale: number; repeat: "half-drop" | "brick" };
  const tiles: Tile[] = [];
  after(closeRenderPools);
  before(async () => {
    // 3 models × 2 seeds × half-drop and brick × scales 1–4: 48 unrelated designs
    for (let i = 0; i < 6; i++) {
      for (const repeat of ["half-drop", "brick"] as const) {
        for (let scale = 1; scale <= 4; scale++) {
          const model = BRANDS[i % 3]!.name;
          const seed = 31_000 + 100 * i + 10 * scale + (repeat === "brick" ? 1 : 0);
          const img = await tileOf(model, seed, repeat, scale);
          tiles.push({ label: `${model} seed ${seed} ${repeat} scale ${scale}`, img, hash: tileHashPixels(img), scale, repeat });
        }
      }
    }
  });

  it("unrelated half-drop and brick print tiles of scales 1–4 are all further apart than the match threshold, through every query variant", () => {
    const close: string[] = [];
    let least = 256;
    for (let i = 0; i < tiles.length; i++) {
      for (let j = 0; j < i; j++) {
        const d = nearest(tiles[i]!.hash, tiles[j]!.hash.hash);
        least = Math.min(least, d);
        if (d <= TILE_MATCH_DISTANCE) close.push(`${tiles[i]!.label} ~ ${tiles[j]!.label}: ${d}`);
      }
    }
    console.log(`      ${tiles.length} tiles, ${(tiles.length * (tiles.length - 1)) / 2} pairs: nearest unrelated pair ${least} bits apart`);
    expect(close, close.join("\n")).to.deep.equal([]);
  });

  it("their copies still match their own hash: rotations, mirrors, a recolouring, a circular shift, a window of their own layout", () => {
    const rand = mulberry32(0x1a77);
    const int = (n: number) => Math.floor(rand() * n);
    const missed: string[] = [];
    for (const t of tiles) {
      const { width: W, height: H } = t.img;
      const copies: Array<[string, Rgb]> = [
        ["rotated 90°", remap(t.img, H, W, (x, y) => [y, H - 1 - x])],
        ["mirrored", remap(t.img, W, H, (x, y) => [W - 1 - x, y])],
        ["mirrored on a diagonal", remap(t.img, H, W, (x, y) => [y, x])],
        ["recoloured", { ...t.img, data: Uint8Array.from(t.img.data, (v, k) => (k % 3 === 0 ? 255 - v : Math.min(255, Math.round(v * 0.85 + 20)))) }],
        [`a window of its own ${t.repeat} layout`, layout(t.img, t.repeat, 1 + int(W - 1), 1 + int(H - 1), W, H)],
      ];
      // a circular shift is a copy of a tile whose torus is its lattice's (even scales; an odd one is seamless only in its own layout: the window above)
      if (t.scale % 2 === 0) copies.push(["circularly shifted", shift(t.img, 1 + int(W - 1), 1 + int(H - 1))]);
      for (const [how, img] of copies) {
        const d = nearest(tileHashPixels(img, { relaid: true }), t.hash.hash);
        if (d > TILE_MATCH_DISTANCE) missed.push(`${t.label}, ${how}: ${d} bits`);
      }
    }
    expect(missed, missed.join("\n")).to.deep.equal([]);
  });

  it("a render without a centred lattice keeps its hash bit for bit (the values of the code before step 4b)", async () => {
    const pinned = {
      block: "4e3152f9f32835c3c255c67523bda54aee2d0d54f136dd2068c9cb9a667c604f",
      mirror: "cd3ccd0a1d023dbb1fcc7125c047796dfad68426a94c17e57b30d076d650ef18",
      "half-drop": "572b4aa631ab1d6c7d4b8f028de8b07376b80b66b33e03654f3348d9a64fce22",
    } as const;
    for (const [repeat, scale] of [["block", 2], ["mirror", 2], ["half-drop", 1]] as const) {
      const r = await render({ model: "indigo", seed: 4242n, params: { scale, sharpness: 6 }, width: SIDE, height: SIDE, print: { repeat, sizeCm: SIDE / 100, dpi: 254 } });
      expect(tileHashPixels(await decodeImage(r.png)).hash, `${repeat} scale ${scale}`).to.equal(pinned[repeat]);
    }
  });
});
