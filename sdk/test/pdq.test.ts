import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";

import {
  PDQ_MATCH_DISTANCE,
  lumaOf,
  pdqDihedralImage,
  pdqDistance,
  pdqFromLuma,
  pdqHashImage,
} from "../../generator/src/pdq/index.js";

const dir = path.join(process.cwd(), "test", "fixtures", "pdq");
const csv = (name: string) =>
  readFileSync(path.join(dir, name), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((line) => line.split(","));

describe("PDQ (bit-exact with Meta's reference)", function () {
  this.timeout(120_000);

  for (const [hash, quality, file] of csv("expected.csv")) {
    it(`${file}: reference policy (512 px resize)`, async () => {
      const r = await pdqHashImage(path.join(dir, file!));
      expect(pdqDistance(r.hash, hash!), `${r.hash} vs ${hash}`).to.equal(0);
      expect(r.quality).to.equal(Number(quality));
    });
  }

  for (const [hash, quality, file] of csv("expected-fullres.csv")) {
    it(`${file}: full resolution`, async () => {
      const r = await pdqHashImage(path.join(dir, file!), "fullres");
      expect(pdqDistance(r.hash, hash!), `${r.hash} vs ${hash}`).to.equal(0);
      expect(r.quality).to.equal(Number(quality));
    });
  }

  for (const row of csv("expected-dihedral.csv")) {
    const file = row[9]!;
    it(`${file}: all eight dihedral hashes from one DCT`, async () => {
      const r = await pdqDihedralImage(path.join(dir, file));
      const got = [r.original, r.rotate90, r.rotate180, r.rotate270, r.flipX, r.flipY, r.flipPlus1, r.flipMinus1];
      got.forEach((h, i) => expect(pdqDistance(h, row[i]!), `variant ${i}`).to.equal(0));
      expect(r.quality).to.equal(Number(row[8]));
    });
  }

  it("a rotated copy matches the original's rotate90 variant, not its plain hash", async () => {
    const original = await pdqDihedralImage(path.join(dir, "bridge-1-original.jpg"));
    const rotated = await pdqHashImage(path.join(dir, "bridge-2-rotate-90.jpg"));
    expect(pdqDistance(rotated.hash, original.rotate90)).to.be.at.most(PDQ_MATCH_DISTANCE);
    expect(pdqDistance(rotated.hash, original.original)).to.be.greaterThan(PDQ_MATCH_DISTANCE);
  });

  it("hashes images under 5 px to zeros with quality 0, and flat images with low quality", () => {
    expect(pdqFromLuma(new Float32Array(16), 4, 4)).to.deep.equal({ hash: "0".repeat(64), quality: 0 });
    const flat = lumaOf({ data: new Uint8Array(100 * 100 * 3).fill(128), width: 100, height: 100, channels: 3 });
    expect(pdqFromLuma(flat, 100, 100).quality).to.equal(0);
  });

  it("rejects unreadable input naming it", async () => {
    try {
      await pdqHashImage(Buffer.from("not an image"));
      expect.fail("should reject");
    } catch (error) {
      expect((error as Error).message).to.match(/^buffer: not a readable image/);
    }
  });

  it("pdqDistance validates its inputs", () => {
    expect(() => pdqDistance("xyz", "0".repeat(64))).to.throw(/hash a: expected 64 hex digits/);
    expect(pdqDistance("f".repeat(64), "0".repeat(64))).to.equal(256);
  });
});
