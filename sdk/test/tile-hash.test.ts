/**
 * The tile hash's promises, tried as a copier would dodge PDQ: any tile origin, any repeat count,
 * any of the eight rotations/mirrors, a crop of 1.5 periods — checked as properties over random
 * renders, shifts and repeat counts (seeded, so a failure replays), with the pixel transforms written
 * here (the oracle), not taken from the code under test.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import sharp from "sharp";

import { BRANDS } from "../../generator/src/model/brands.js";
import { buildCppnModel, mulberry32 } from "../../generator/src/model/cppn.js";
import { decodeImage } from "../../generator/src/pdq/decode.js";
import { render } from "../../generator/src/render/render.js";
import { TILE_MATCH_DISTANCE, fft, fftOfRealLine, tileDistance, tileHashPixels } from "@motif/sdk";
import { type Rgb, crop, remap, rgb, shift, tile } from "../../test/ts/helpers/pixels.js";

const SIDE = 256;
const rand = mulberry32(0x711e);
const int = (n: number) => Math.floor(rand() * n);

const DIHEDRAL: Record<string, (img: Rgb) => Rgb> = {
  "rotated 90°": (i) => remap(i, i.height, i.width, (x, y) => [y, i.height - 1 - x]),
  "rotated 180°": (i) => remap(i, i.width, i.height, (x, y) => [i.width - 1 - x, i.height - 1 - y]),
  "rotated 270°": (i) => remap(i, i.height, i.width, (x, y) => [i.width - 1 - y, x]),
  "mirrored left-right": (i) => remap(i, i.width, i.height, (x, y) => [i.width - 1 - x, y]),
  "mirrored top-bottom": (i) => remap(i, i.width, i.height, (x, y) => [x, i.height - 1 - y]),
  transposed: (i) => remap(i, i.height, i.width, (x, y) => [y, x]),
  "anti-transposed": (i) => remap(i, i.height, i.width, (x, y) => [i.width - 1 - y, i.height - 1 - x]),
};
const resize = async (img: Rgb, w: number, h: number): Promise<Rgb> => {
  const { data, info } = await sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } }).resize(w, h, { fit: "fill" }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data), width: info.width, height: info.height, channels: 3 };
};
/** Closest of the query's four variants to the indexed hash: what screening compares. */
const screenDistance = (original: string, copy: Rgb) => Math.min(...Object.values(tileHashPixels(copy).variants).map((v) => tileDistance(v, original)));

describe("tile hash: a shifted, re-tiled, rotated or cropped copy of a seamless pattern keeps its hash", function () {
  this.timeout(240_000);
  const patterns: Array<{ label: string; img: Rgb; hash: string }> = [];

  before(async () => {
    for (let i = 0; i < 6; i++) {
      const model = BRANDS[i % 3]!.name;
      const params = { scale: 1 + int(2), sharpness: [2, 6, 16][int(3)]! };
      const seed = BigInt(9000 + int(100_000));
      const r = await render({ model, seed, params, width: SIDE, height: SIDE });
      const img = rgb(await decodeImage(r.png));
      patterns.push({ label: `${model} seed ${seed} ${JSON.stringify(params)}`, img, hash: tileHashPixels(img).hash });
    }
  });

  it("any circular shift (another tile origin): within 16 bits", () => {
    for (const p of patterns) {
      for (let t = 0; t < 4; t++) {
        const [dx, dy] = [1 + int(SIDE - 1), 1 + int(SIDE - 1)];
        const d = tileDistance(tileHashPixels(shift(p.img, dx, dy)).hash, p.hash);
        expect(d, `${p.label} shifted by (${dx}, ${dy})`).to.be.at.most(16);
      }
    }
  });

  it("any k×k tiling: within 24 bits as is, within 36 resized back to one tile's size, and the period found is one tile", async () => {
    for (const p of patterns) {
      const k = 2 + int(3);
      const big = tile(p.img, k);
      const r = tileHashPixels(big);
      const own = tileHashPixels(p.img).period; // a render with scale s repeats s times inside itself
      expect(SIDE % Math.round(own.x), `${p.label}: own period ${own.x} divides the side`).to.equal(0);
      expect(Math.abs(r.period.x - own.x), `${p.label} ${k}×${k}: period x`).to.be.below(1.5);
      expect(Math.abs(r.period.y - own.y), `${p.label} ${k}×${k}: period y`).to.be.below(1.5);
      expect(tileDistance(r.hash, p.hash), `${p.label} tiled ${k}×${k}`).to.be.at.most(24);
      // resized back to one tile's size: the period shrinks k times; kept above 40 px (k ≤ 3), below which
      // detail is lost. The hardest case of the suite (a 43 px period read as 64 samples, whose small
      // resampling differences the square root of step 3 enlarges): within 36 bits, ¾ of the threshold
      const kr = 2 + int(2);
      expect(screenDistance(p.hash, await resize(tile(p.img, kr), SIDE, SIDE)), `${p.label} tiled ${kr}×${kr} and resized to ${SIDE}`).to.be.at.most(36);
    }
  });

  it("each of the eight rotations and mirrors, also shifted: a query variant within 16 bits", () => {
    for (const p of patterns) {
      for (const [name, f] of Object.entries(DIHEDRAL)) {
        const copy = shift(f(p.img), int(SIDE), int(SIDE));
        expect(screenDistance(p.hash, copy), `${p.label} ${name}, shifted`).to.be.at.most(16);
      }
    }
  });

  it("a crop of 1.5 periods out of a 3×3 tiling, anywhere: within 24 bits", () => {
    for (const p of patterns) {
      const n = Math.round(SIDE * 1.5);
      const [x0, y0] = [int(3 * SIDE - n), int(3 * SIDE - n)];
      expect(tileDistance(tileHashPixels(crop(tile(p.img, 3), x0, y0, n, n)).hash, p.hash), `${p.label} crop at (${x0}, ${y0})`).to.be.at.most(24);
    }
  });

  it("a colourway (the same model, seed and params rendered with another brand's palette), shifted: matched within the threshold", async () => {
    for (const p of patterns) {
      const [model, , seed, params] = p.label.split(" ");
      const i = BRANDS.findIndex((b) => b.name === model);
      const recoloured = buildCppnModel({ ...BRANDS[i]!, palette: BRANDS[(i + 1) % BRANDS.length]!.palette });
      const r = await render({ model: model!, seed: BigInt(seed!), params: JSON.parse(params!), width: SIDE, height: SIDE }, { modelBytes: recoloured });
      const copy = shift(rgb(await decodeImage(r.png)), int(SIDE), int(SIDE));
      expect(screenDistance(p.hash, copy), `${p.label} in ${BRANDS[(i + 1) % BRANDS.length]!.name}'s colours, shifted`).to.be.at.most(TILE_MATCH_DISTANCE);
    }
  });

  it("distinct patterns stay apart: every pair further than the match threshold, over all four variants", () => {
    for (let i = 0; i < patterns.length; i++) {
      for (let j = i + 1; j < patterns.length; j++) {
        expect(screenDistance(patterns[i]!.hash, patterns[j]!.img), `${patterns[i]!.label} vs ${patterns[j]!.label}`).to.be.above(TILE_MATCH_DISTANCE);
      }
    }
  });

  it("a flat image is marked unreliable; an image under 8×8 is refused naming its size", () => {
    const flat = { data: new Uint8Array(64 * 64 * 3).fill(200), width: 64, height: 64, channels: 3 as const };
    expect(tileHashPixels(flat).reliable).to.equal(false);
    expect(() => tileHashPixels({ data: new Uint8Array(4 * 4 * 3), width: 4, height: 4, channels: 3 })).to.throw(RangeError, /4x4.*at least 8x8/);
  });
});

describe("screening refuses a shifted or rotated copy of a cleared pattern (PDQ alone cleared them)", function () {
  this.timeout(120_000);

  it("POST /v1/screen: a pattern cleared through the API, then its shifted, rotated and re-tiled copies are refused by the tile signal, naming the transform", async () => {
    const { buildApi } = await import("../../generator/src/api/server.js");
    const { testPipeline } = await import("../../test/ts/helpers/pipeline.js");
    const key = { key: "k-tile", name: "tile", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 4096 * 4096 };
    const app = await buildApi({ keys: [key], pipeline: testPipeline() });
    try {
      const body = { model: "madder", seed: "4242", params: { scale: 1, sharpness: 6 }, width: 256, height: 256 };
      const made = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": key.key }, payload: body });
      expect(made.statusCode, made.body).to.equal(201);
      const r = await render({ ...body, seed: 4242n });
      const img = rgb(await decodeImage(r.png));
      const png = async (i: Rgb) => (await sharp(i.data, { raw: { width: i.width, height: i.height, channels: 3 } }).png().toBuffer()).toString("base64");
      const copies: Record<string, Rgb> = {
        "shifted by (97, 33)": shift(img, 97, 33),
        "rotated 90°, shifted": shift(DIHEDRAL["rotated 90°"]!(img), 50, 120),
        "tiled 2×2": tile(img, 2),
      };
      for (const [name, copy] of Object.entries(copies)) {
        const res = await app.inject({ method: "POST", url: "/v1/screen", headers: { "x-api-key": key.key }, payload: { image: await png(copy) } });
        expect(res.statusCode, res.body).to.equal(200);
        const report = res.json() as { cleared: boolean; matches: Array<{ signal: string; bank: string; transform: string; distance: number }> };
        expect(report.cleared, `${name}: ${res.body}`).to.equal(false);
        const hit = report.matches.find((m) => m.signal === "tile");
        expect(hit, `${name}: a tile match`).to.not.equal(undefined);
        expect(hit!.bank).to.equal("certificates");
        expect(hit!.transform).to.match(/any tile origin/);
        if (name.startsWith("rotated")) expect(hit!.transform).to.match(/rotated 90°/);
      }
    } finally {
      await app.close();
    }
  });
});

describe("tile hash on images too small to repeat", () => {
  it("the fingerprint stage hashes a 4×4 PNG by PDQ and marks the tile hash unreliable (no throw, no tile lookups)", async () => {
    const { fingerprint } = await import("../../generator/src/stages/fingerprint.js");
    const png = await sharp(Buffer.alloc(4 * 4 * 3, 90), { raw: { width: 4, height: 4, channels: 3 } }).png().toBuffer();
    const fp = await fingerprint({ png });
    expect(fp.tileResult.reliable).to.equal(false);
    expect(fp.tile).to.deep.equal([]);
  });
});

describe("tile hash: the same bits, however it is computed", function () {
  this.timeout(120_000);

  /**
   * Golden values recorded with the tile hash as it was before issue 19 §4's speed-up (packed RGB
   * instead of a per-pixel accessor, padded blur lines, the blurred plane computed only where the
   * tile reads it): a tile hash is attested on-chain, so a faster computation must give every bit,
   * period, energy, spread and margin of the slower one. [original, rotate90, mirror, diagonal, framed].
   */
  /**
   * Golden values (test/fixtures/tile/golden-issue-19-4.json) recorded with the tile hash as it was
   * before issue 19 §4's speed-up (packed RGB instead of a per-pixel accessor, padded blur lines, the
   * blurred plane computed only where the tile reads it): a tile hash is attested on-chain, so a
   * faster computation must give every bit, period, energy, spread and margin of the slower one.
   * `hashes`: original, rotate90, mirror, diagonal, then the framed hash when a margin was found.
   */
  type Golden = { hashes: string[]; period: { x: number; y: number }; energy: number; spread: number; margin: number[] };
  const GOLDEN = JSON.parse(readFileSync("test/fixtures/tile/golden-issue-19-4.json", "utf8")) as Record<string, Golden>;

  it("the FFT: bit for bit the textbook radix-2 recursion on zero-padded, integer, real and complex lines of 1 to 2048", () => {
    /**
     * The oracle: the FFT as a recursion (even and odd halves, then one combining pass), which is the
     * radix-2 loop the tile hash was first attested with, operation for operation: each output the
     * even half's plus or minus the twiddle (from the whole length's table formula) times the odd's.
     */
    const textbook = (re: Float64Array, im: Float64Array, total = re.length): void => {
      const n = re.length;
      if (n === 1) return;
      const split = (x: Float64Array, parity: number) => x.filter((_, i) => i % 2 === parity);
      const [er, ei, or, oi] = [split(re, 0), split(im, 0), split(re, 1), split(im, 1)];
      textbook(er, ei, total);
      textbook(or, oi, total);
      for (let k = 0; k < n / 2; k++) {
        const angle = (2 * Math.PI * (k * (total / n))) / total;
        const [wr, wi] = [Math.cos(angle), -Math.sin(angle)];
        const [xr, xi] = [or[k]! * wr - oi[k]! * wi, or[k]! * wi + oi[k]! * wr];
        [re[k], im[k], re[k + n / 2], im[k + n / 2]] = [er[k]! + xr, ei[k]! + xi, er[k]! - xr, ei[k]! - xi];
      }
    };
    const random = mulberry32(0xff7);
    const bytes = (x: Float64Array) => Buffer.from(x.buffer);
    for (let n = 1; n <= 2048; n *= 2) {
      for (let t = 0; t < 24; t++) {
        const re = Float64Array.from({ length: n }, (_, i) => (t % 3 === 0 && i >= n / 2 ? 0 : t % 3 === 1 ? (i % 7) - 3 : (random() - 0.5) * 10 ** ((t % 7) - 3)));
        const im = Float64Array.from({ length: n }, () => (t % 2 === 0 ? 0 : random() - 0.5));
        const [r1, i1, r2, i2] = [re.slice(), im.slice(), re.slice(), im.slice()];
        textbook(r1, i1);
        fft(r2, i2);
        expect(bytes(r2).equals(bytes(r1)) && bytes(i2).equals(bytes(i1)), `length ${n}, line ${t}`).to.equal(true);
      }
    }
  });

  it("the FFT of a real line zero-padded (the autocorrelation's): bit for bit the FFT of the padded line, signed zeros included, for lines of 1 to 600", () => {
    const random = mulberry32(0x9ad);
    const bytes = (x: Float64Array) => Buffer.from(x.buffer);
    for (let n = 1; n <= 600; n += n < 40 ? 1 : 37) {
      const size = Math.max(2, 2 ** Math.ceil(Math.log2(2 * n)));
      for (let t = 0; t < 6; t++) {
        const line = Float64Array.from({ length: n }, (_, i) => (t === 0 ? (i % 2 === 0 ? -0 : 0) : t === 1 ? (i % 7) - 3 : (random() - 0.5) * 10 ** (t - 3)));
        const [re1, im1] = [new Float64Array(size), new Float64Array(size)];
        re1.set(line);
        fft(re1, im1);
        const [re2, im2] = [new Float64Array(size).fill(7), new Float64Array(size).fill(7)];
        fftOfRealLine(line, n, re2, im2);
        expect(bytes(re2).equals(bytes(re1)) && bytes(im2).equals(bytes(im1)), `length ${n}, line ${t}`).to.equal(true);
      }
    }
    expect(() => fftOfRealLine(new Float64Array(5), 5, new Float64Array(8), new Float64Array(8))).to.throw(RangeError, /at least 10/);
  });

  it("renders (with a margin and without, exactly periodic or not), RGBA, grey, grey + alpha, a swatch on a card and a photo: the golden bits", async () => {
    const rendered = async (model: string, seed: bigint, scale: number, width: number, height: number) =>
      (await decodeImage((await render({ model, seed, params: { scale, sharpness: 4 }, width, height })).png)) as Rgb;
    const base = await rendered("indigo", 1n, 1, 512, 512);
    const n = base.width * base.height;
    const rgba = new Uint8Array(n * 4);
    const grey = new Uint8Array(n);
    const greyAlpha = new Uint8Array(n * 2);
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < 3; c++) rgba[p * 4 + c] = base.data[p * 3 + c]!;
      rgba[p * 4 + 3] = (p * 7) % 256;
      grey[p] = base.data[p * 3]!;
      greyAlpha[p * 2] = base.data[p * 3 + 1]!;
      greyAlpha[p * 2 + 1] = (p * 13) % 256;
    }
    const card = await sharp(Buffer.from(base.data), { raw: { width: base.width, height: base.height, channels: 3 } })
      .extend({ top: 40, bottom: 33, left: 50, right: 21, background: { r: 240, g: 238, b: 230 } })
      .raw()
      .toBuffer({ resolveWithObject: true });
    const images: Record<string, Parameters<typeof tileHashPixels>[0]> = {
      "indigo 1 512² (a margin found: framed hashed too)": base,
      "madder 7 333×517 scale 2": await rendered("madder", 7n, 2, 333, 517),
      "weld 1234567 100×40 scale 3": await rendered("weld", 1234567n, 3, 100, 40),
      "indigo 1 512² as RGBA": { data: rgba, width: base.width, height: base.height, channels: 4 },
      "indigo 1 512² as grey": { data: grey, width: base.width, height: base.height, channels: 1 },
      "indigo 1 512² as grey + alpha": { data: greyAlpha, width: base.width, height: base.height, channels: 2 },
      "indigo 1 512² on a card": { data: card.data, width: card.info.width, height: card.info.height, channels: 3 },
      "a photo (bridge-1-original.jpg)": await decodeImage("test/fixtures/pdq/bridge-1-original.jpg"),
    };
    expect(Object.keys(images).sort()).to.deep.equal(Object.keys(GOLDEN).sort());
    // recorded with reading 2, which certificates made before December 2026 attest (the verifier's
    // fallback): it stays bit for bit. Reading 3 reads the others the same; it folds the period
    // windows of the two renders whose period is no whole number of pixels (166.5 × 258.5, 33⅓ × 13⅓).
    const folded = ["madder 7 333×517 scale 2", "weld 1234567 100×40 scale 3"];
    const fields = (r: ReturnType<typeof tileHashPixels>) => ({
      hashes: [r.variants.original, r.variants.rotate90, r.variants.mirror, r.variants.diagonal, ...(r.framed !== undefined ? [r.framed.hash] : [])],
      period: r.period,
      energy: r.energy,
      spread: r.spread,
      margin: [r.margin.top, r.margin.right, r.margin.bottom, r.margin.left],
    });
    for (const [name, golden] of Object.entries(GOLDEN)) {
      const r = tileHashPixels(images[name]!, { reading: 2 });
      expect(fields(r), name).to.deep.equal(golden);
      expect(r.hash, name).to.equal(r.variants.original);
      const today = tileHashPixels(images[name]!);
      // (folded, the bits may move: the same period and energy)
      if (folded.includes(name)) expect({ period: today.period, energy: today.energy }, name).to.deep.equal({ period: r.period, energy: r.energy });
      else expect(fields(today), `${name}: reading 3`).to.deep.equal(golden);
    }
  });
});
