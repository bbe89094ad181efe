import { expect } from "chai";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

import { BRANDS } from "../src/model/brands.js";
import { brandManifestEntry, buildCppnModel } from "../src/model/cppn.js";
import { MODELS_DIR, type RenderInput, RenderInputError, loadManifest, render } from "../src/render/render.js";
import { bytesOfColours } from "../src/render/bands.js";

const base: RenderInput = { model: "indigo", seed: 42n, params: { scale: 2, sharpness: 4 }, width: 128, height: 128 };

async function pixels(png: Uint8Array) {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe("render stage (CPPN on onnxruntime-node)", function () {
  this.timeout(120_000);

  it("ships models whose bytes a rebuild reproduces exactly, with their sha-256 in the manifest", async () => {
    const manifest = await loadManifest();
    expect(manifest.map((m) => m.name)).to.deep.equal(BRANDS.map((b) => b.name));
    for (const brand of BRANDS) {
      const committed = await readFile(path.join(MODELS_DIR, `${brand.name}.onnx`));
      const rebuilt = buildCppnModel(brand);
      expect(Buffer.compare(committed, Buffer.from(rebuilt)), brand.name).to.equal(0);
      const digest = `0x${createHash("sha256").update(committed).digest("hex")}`;
      expect(manifest.find((m) => m.name === brand.name)!.sha256).to.equal(digest);
      // the committed entry is what `npm run models` writes, params declaration included
      expect(manifest.find((m) => m.name === brand.name)).to.deep.equal(brandManifestEntry(brand, committed));
    }
  });

  it("renders a decodable RGB PNG, the same bytes every time", async () => {
    const a = await render(base);
    const b = await render(base);
    expect(a.contentDigest).to.equal(b.contentDigest);
    expect(Buffer.compare(Buffer.from(a.png), Buffer.from(b.png))).to.equal(0);
    expect(a.contentDigest).to.equal(`0x${createHash("sha256").update(a.png).digest("hex")}`);
    const px = await pixels(a.png);
    expect([px.width, px.height, px.channels]).to.deep.equal([128, 128, 3]);
    expect(a.canonicalParams).to.equal('{"scale":2,"sharpness":4}');
  });

  it("differs with the seed, the model and the params", async () => {
    const digests = new Set<string>();
    for (const input of [
      base,
      { ...base, seed: 43n },
      { ...base, model: "madder" },
      { ...base, params: { scale: 3, sharpness: 4 } },
      { ...base, params: { scale: 2, sharpness: 9 } },
    ]) {
      digests.add((await render(input)).contentDigest);
    }
    expect(digests.size).to.equal(5);
  });

  it("is a seamless tile: the right edge continues into the left, the bottom into the top", async () => {
    const px = await pixels((await render({ ...base, width: 200, height: 160 })).png);
    const at = (x: number, y: number, c: number) => px.data[(y * px.width + x) * 3 + c]!;
    const colStep = (x1: number, x2: number) => {
      let s = 0;
      for (let y = 0; y < px.height; y++) for (let c = 0; c < 3; c++) s += Math.abs(at(x1, y, c) - at(x2, y, c));
      return s / px.height;
    };
    const rowStep = (y1: number, y2: number) => {
      let s = 0;
      for (let x = 0; x < px.width; x++) for (let c = 0; c < 3; c++) s += Math.abs(at(x, y1, c) - at(x, y2, c));
      return s / px.width;
    };
    const interiorCols = Array.from({ length: px.width - 1 }, (_, x) => colStep(x, x + 1)).sort((a, b) => a - b);
    const interiorRows = Array.from({ length: px.height - 1 }, (_, y) => rowStep(y, y + 1)).sort((a, b) => a - b);
    // Across the seam the pattern changes like between any two neighbouring columns / rows…
    expect(colStep(px.width - 1, 0)).to.be.at.most(interiorCols.at(-1)!);
    expect(rowStep(px.height - 1, 0)).to.be.at.most(interiorRows.at(-1)!);
    // …while a seam that is not one (two far-apart columns side by side) changes far more.
    const median = interiorCols[Math.floor(interiorCols.length / 2)]!;
    expect(colStep(37, 104)).to.be.greaterThan(median * 2);
  });

  it("is resolution independent: at 3x the size, every third pixel is the same sample of the same pattern", async () => {
    const small = await pixels((await render({ ...base, width: 96, height: 64 })).png);
    const large = await pixels((await render({ ...base, width: 288, height: 192 })).png);
    // Pixel (3x+1, 3y+1) of the large render sits at the same point (x+0.5)/96, (y+0.5)/64 of the tile.
    let equal = 0;
    let maxDiff = 0;
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 96; x++) {
        for (let c = 0; c < 3; c++) {
          const d = Math.abs(small.data[(y * 96 + x) * 3 + c]! - large.data[((3 * y + 1) * 288 + 3 * x + 1) * 3 + c]!);
          maxDiff = Math.max(maxDiff, d);
          if (d === 0) equal++;
        }
      }
    }
    expect(maxDiff).to.be.at.most(1);
    expect(equal / (96 * 64 * 3)).to.be.greaterThan(0.99);
  });

  it("colours to bytes: Math.round of the clamped colour × 255 for every float32 near a rounding boundary, at the edges and at random", () => {
    const values: number[] = [0, -0, 1, -1, 2, Number.MIN_VALUE, 1e-45, 1e-30, 0.25 / 255, NaN, Infinity, -Infinity, Math.fround(1 - 2 ** -24)];
    // every float32 within 4096 steps of each boundary (k + 0.5) / 255 between two bytes
    const f = new Float32Array(1);
    const bits = new Uint32Array(f.buffer);
    for (let k = 0; k < 255; k++) {
      f[0] = (k + 0.5) / 255;
      const mid = bits[0]!;
      for (let d = -4096; d <= 4096; d++) {
        bits[0] = mid + d;
        values.push(f[0]!);
      }
    }
    let seed = 7;
    for (let i = 0; i < 200_000; i++) values.push(((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 1.2 - 0.1);
    const colours = Float32Array.from(values);
    const bytes = new Uint8Array(colours.length);
    bytesOfColours(colours, bytes, colours.length);
    const expected = Array.from(colours, (c) => (c <= 0 ? 0 : c >= 1 ? 255 : Number.isNaN(c) ? 0 : Math.round(c * 255)));
    const wrong = expected.flatMap((e, i) => (bytes[i] === e ? [] : [`${colours[i]} → ${bytes[i]}, expected ${e}`]));
    expect(wrong.slice(0, 5)).to.deep.equal([]);
  });

  it("refuses bad input naming the field and the allowed range, rendering nothing", async () => {
    const cases: Array<[Partial<RenderInput>, string]> = [
      [{ model: "cobalt" }, 'model: unknown model "cobalt"; known: indigo, madder, weld'],
      [{ seed: -1n }, "seed: -1 is outside 0..2^64-1"],
      [{ seed: 1n << 64n }, "seed: 18446744073709551616 is outside 0..2^64-1"],
      [{ width: 0 }, "width: 0 is outside 1..8192"],
      [{ height: 9000 }, "height: 9000 is outside 1..8192"],
      [{ width: 12.5 }, "width: 12.5 is outside 1..8192"],
      [{ params: { scale: 0, sharpness: 4 } }, "params.scale: 0 is not an integer in 1..8 (model indigo)"],
      [{ params: { scale: 2, sharpness: Number.NaN } }, "params.sharpness: NaN is not a number in 0.25..32 (model indigo)"],
      [{ params: { scale: 2 } }, "params.sharpness: missing, expected a number in 0.25..32 (model indigo)"],
      [{ params: { scale: 2, sharpness: 4, hue: 1 } }, 'params.hue: model indigo has no param "hue" (its params: scale, sharpness)'],
    ];
    for (const [patch, message] of cases) {
      try {
        await render({ ...base, ...patch });
        expect.fail(`should refuse ${message}`);
      } catch (error) {
        expect(error).to.be.instanceOf(RenderInputError);
        expect((error as Error).message).to.equal(message);
      }
    }
  });
});
