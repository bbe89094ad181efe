import { expect } from "chai";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { pdqDihedralImage } from "../src/pdq/index.js";
import { PdqIndex, parseHashCsv } from "../src/screen/pdq-index.js";
import { screen } from "../src/screen/screen.js";

/** Deterministic pseudo-random hashes (xorshift), so a failure reproduces. */
function generator(seed: number) {
  let s = seed >>> 0 || 1;
  const next = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
  const hash = () => Array.from({ length: 8 }, () => next().toString(16).padStart(8, "0")).join("");
  const flip = (h: string, bits: number) => {
    const words = Array.from({ length: 8 }, (_, w) => parseInt(h.slice(w * 8, w * 8 + 8), 16) >>> 0);
    const chosen = new Set<number>();
    while (chosen.size < bits) chosen.add(next() % 256);
    for (const b of chosen) words[b >> 5] = (words[b >> 5]! ^ (1 << (b & 31))) >>> 0;
    return words.map((w) => w.toString(16).padStart(8, "0")).join("");
  };
  return { hash, flip };
}

describe("PDQ near-duplicate index", function () {
  this.timeout(120_000);

  it("finds exactly what a linear scan finds, at every distance around the threshold", () => {
    const g = generator(7);
    const entries = Array.from({ length: 20_000 }, (_, i) => ({ hash: g.hash(), label: `w${i}` }));
    const queries: string[] = [];
    // Plant neighbours of some entries at distances 0..40 (31 is the PDQ threshold).
    for (let d = 0; d <= 40; d++) {
      const target = entries[d * 17]!;
      queries.push(g.flip(target.hash, d));
    }
    for (let i = 0; i < 50; i++) queries.push(g.hash());
    const index = PdqIndex.build(entries);
    for (const q of queries) {
      for (const r of [0, 8, 15, 16, 31]) expect(index.query(q, r), `query ${q} at ${r}`).to.deep.equal(index.scan(q, r));
    }
    queries.slice(0, 41).forEach((q, d) => {
      const hit = index.query(q).find((m) => m.label === `w${d * 17}`);
      if (d <= 31) expect(hit?.distance, `planted at ${d}`).to.equal(d);
      else expect(hit, `planted at ${d} is beyond the threshold`).to.equal(undefined);
    });
  });

  it("finds entries added after the build, before and after the tables are rebuilt", () => {
    const g = generator(13);
    const index = PdqIndex.build(Array.from({ length: 1000 }, (_, i) => ({ hash: g.hash(), label: `w${i}` })));
    const added = Array.from({ length: PdqIndex.REBUILD_AFTER + 10 }, (_, i) => ({ hash: g.hash(), label: `new${i}` }));
    index.add(added[0]!);
    expect(index.query(g.flip(added[0]!.hash, 20)).map((m) => m.label)).to.deep.equal(["new0"]);
    for (const e of added.slice(1)) index.add(e);
    expect(index.size).to.equal(1000 + added.length);
    for (const e of [added[1]!, added.at(-1)!]) {
      const q = g.flip(e.hash, 30);
      expect(index.query(q)).to.deep.equal(index.scan(q));
      expect(index.query(q).map((m) => m.label)).to.include(e.label);
    }
  });

  it("reports every duplicate hash once", () => {
    const h = "ab".repeat(32);
    const index = PdqIndex.build([
      { hash: h, label: "a" },
      { hash: h, label: "b" },
    ]);
    expect(index.query(h).map((m) => m.label)).to.deep.equal(["a", "b"]);
  });

  it("persists as hash,label CSV and reloads the same answers", async () => {
    const g = generator(11);
    const index = PdqIndex.build(Array.from({ length: 500 }, (_, i) => ({ hash: g.hash(), label: `cert, "${i}"` })));
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "motif-index-")), "index.csv");
    await index.save(file);
    const again = await PdqIndex.load(file);
    expect(again.entries()).to.deep.equal(index.entries());
  });

  it("rejects malformed input naming the field, file and line", async () => {
    expect(() => PdqIndex.build([{ hash: "xyz", label: "x" }])).to.throw('entries[0].hash: expected 64 hex digits, got "xyz"');
    expect(() => PdqIndex.build([]).query("00")).to.throw(/hash: expected 64 hex digits/);
    expect(() => PdqIndex.build([]).query("0".repeat(64), 65)).to.throw("maxDistance: 65 is outside 0..64");
    expect(() => parseHashCsv("hash,label\nnothex,x\n", "works.csv")).to.throw(/^works.csv:2: hash: expected 64 hex digits/);
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), "motif-index-")), "bad.csv");
    await writeFile(file, "zz,label\n");
    try {
      await PdqIndex.load(file);
      expect.fail("should reject");
    } catch (error) {
      expect((error as Error).message).to.contain("bad.csv:1: hash");
    }
  });

  it("screening refuses a rotated or mirrored copy of an indexed work and clears a new one", async () => {
    const fixtures = path.join(process.cwd(), "test", "fixtures", "pdq");
    const original = await pdqDihedralImage(path.join(fixtures, "bridge-1-original.jpg"));
    const index = PdqIndex.build([{ hash: original.original, label: "certificate bridge-1" }]);
    for (const copy of ["bridge-2-rotate-90.jpg", "bridge-5-flipx.jpg", "bridge-1-original.jpg"]) {
      const report = screen(index, { pdq: await pdqDihedralImage(path.join(fixtures, copy)) });
      expect(report.cleared, copy).to.equal(false);
      expect(report.matches[0]!.label).to.equal("certificate bridge-1");
      expect(report.matches[0]!.distance).to.be.at.most(31);
    }
    const other = screen(index, { pdq: await pdqDihedralImage(path.join(fixtures, "swirl-512.png")) });
    expect(other).to.deep.equal({ cleared: true, maxDistance: 31, matches: [], allowed: [] });
  });
});
