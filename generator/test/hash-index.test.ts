import { expect } from "chai";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { HashCsvParser, HashIndex, PdqIndex, parseHashCsv, readHashCsv, type IndexEntry } from "../src/screen/pdq-index.js";
import { MAX_THRESHOLD } from "../src/screen/signals.js";

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
  /** `h` with exactly `bits` distinct bits flipped. */
  const flip = (h: string, bits: number) => {
    const digits = h.split("").map((c) => parseInt(c, 16));
    const chosen = new Set<number>();
    while (chosen.size < bits) chosen.add(next() % 256);
    for (const b of chosen) digits[b >> 2]! ^= 8 >> (b & 3);
    return digits.map((d) => d.toString(16)).join("");
  };
  return { hash, flip, next };
}

/** The oracle: Hamming distance digit by digit, nothing shared with the index. */
const NIBBLE_BITS = [0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4];
/** A hash's 64 hex digits as numbers, parsed once per hash (parsing them at each comparison was most of the oracle's time). */
const digitsOf = new Map<string, Uint8Array>();
function digits(h: string): Uint8Array {
  let d = digitsOf.get(h);
  if (d === undefined) digitsOf.set(h, (d = Uint8Array.from(h.slice(0, 64), (c) => parseInt(c, 16))));
  return d;
}
function hamming(a: string, b: string): number {
  const [x, y] = [digits(a), digits(b)];
  let d = 0;
  for (let i = 0; i < 64; i++) d += NIBBLE_BITS[x[i]! ^ y[i]!]!;
  return d;
}
function bruteForce(entries: readonly IndexEntry[], q: string, r: number) {
  return entries
    .map((e) => ({ hash: e.hash, label: e.label, distance: hamming(e.hash, q) }))
    .filter((m) => m.distance <= r)
    .sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
}

/** Queries: a neighbour of some entry planted at every distance 0..64, random hashes, and points in a dense cluster. */
function workload(seed: number, n: number) {
  const g = generator(seed);
  const entries: IndexEntry[] = Array.from({ length: n }, (_, i) => ({ hash: g.hash(), label: `w${i}` }));
  // a cluster: 60 works within a few bits of one another (many hits per query, found by many substrings)
  const centre = g.hash();
  for (let i = 0; i < 60; i++) entries.push({ hash: g.flip(centre, i % 24), label: `cluster${i}` });
  const planted: Array<{ q: string; label: string; d: number }> = [];
  for (let d = 0; d <= MAX_THRESHOLD; d++) {
    const target = entries[(d * 131) % n]!;
    planted.push({ q: g.flip(target.hash, d), label: target.label, d });
  }
  const queries = [...planted.map((p) => p.q), ...Array.from({ length: 10 }, g.hash), g.flip(centre, 10), g.flip(centre, 40)];
  return { g, entries, planted, queries };
}

describe("Screening index: exact at every distance 0..64", function () {
  this.timeout(300_000);
  after(() => digitsOf.clear());

  for (const [n, method] of [
    [20_000, "mih"],
    [20_000, "auto"],
    [300, "mih"],
  ] as const) {
    it(`${n} hashes (${method}): every query at every distance 0..64 equals a brute-force popcount`, () => {
      const { entries, planted, queries } = workload(n, n);
      const index = HashIndex.build(entries, { method });
      for (const q of queries) {
        const all = bruteForce(entries, q, MAX_THRESHOLD);
        for (let r = 0; r <= MAX_THRESHOLD; r++) {
          expect(index.query(q, r), `query ${q} at ${r}`).to.deep.equal(all.filter((m) => m.distance <= r));
        }
      }
      for (const p of planted) {
        for (const r of [p.d - 1, p.d, MAX_THRESHOLD]) {
          if (r < 0) continue;
          const hit = index.query(p.q, r).find((m) => m.label === p.label);
          if (p.d <= r) expect(hit?.distance, `planted at ${p.d}, query at ${r}`).to.equal(p.d);
          else expect(hit, `planted at ${p.d} is beyond ${r}`).to.equal(undefined);
        }
      }
    });
  }

  it("is exact whatever the substring widths (substrings straddling 32-bit words at every offset)", () => {
    const { entries, queries } = workload(9, 1500);
    for (const chunkBits of [9, 13, 17, 20, 22]) {
      const index = HashIndex.build(entries, { method: "mih", chunkBits });
      for (const q of queries.filter((_, i) => i % 3 === 0)) {
        const all = bruteForce(entries, q, MAX_THRESHOLD);
        for (let r = 0; r <= MAX_THRESHOLD; r += 3) expect(index.query(q, r), `${chunkBits}-bit substrings, distance ${r}`).to.deep.equal(all.filter((m) => m.distance <= r));
      }
    }
  });

  it("stays exact while entries are added (linear tail, delta tables, full rebuilds) and removed", () => {
    const { g, entries, queries } = workload(5, 3000);
    const index = HashIndex.build(entries.slice(0, 1000), { method: "mih", rebuildAfter: 300 });
    const live = entries.slice(0, 1000);
    let step = 0;
    let tables = 0;
    for (const e of entries.slice(1000)) {
      index.add(e);
      live.push(e);
      tables = Math.max(tables, index.explain(31).length);
      if (++step % 397 === 0) {
        // an add is visible to the very next query
        const q = g.flip(e.hash, 37);
        expect(index.query(q, 40).map((m) => m.label)).to.include(e.label);
        for (const r of [31, 48, 64]) expect(index.query(queries[step % queries.length]!, r)).to.deep.equal(bruteForce(live, queries[step % queries.length]!, r));
      }
    }
    expect(index.size).to.equal(live.length);
    expect(tables, "main and delta tables at some point").to.equal(2);
    expect(index.remove("w17")).to.equal(1);
    expect(index.remove((e) => e.label.startsWith("cluster1"))).to.equal(11); // cluster1, cluster10..19
    const kept = live.filter((e) => e.label !== "w17" && !e.label.startsWith("cluster1"));
    expect(index.size).to.equal(kept.length);
    expect(index.entries()).to.deep.equal(kept);
    for (const q of queries) for (const r of [0, 31, 40, 64]) expect(index.query(q, r)).to.deep.equal(bruteForce(kept, q, r));
  });

  it("refuses a distance outside 0..64 and malformed hashes, naming the field", () => {
    const index = HashIndex.build([{ hash: "ab".repeat(32), label: "a" }]);
    expect(() => index.query("0".repeat(64), 65)).to.throw("maxDistance: 65 is outside 0..64");
    expect(() => index.query("0".repeat(64), -1)).to.throw("maxDistance: -1 is outside 0..64");
    expect(index.query("0".repeat(64), 64)).to.deep.equal([]);
    expect(() => index.add({ hash: "g".repeat(64), label: "x" })).to.throw('entry.hash: expected 64 hex digits, got "ggg');
    expect(PdqIndex).to.equal(HashIndex);
    const empty = new HashIndex({ rebuildAfter: 2 });
    for (const label of ["x", "y", "z"]) empty.add({ hash: "cd".repeat(32), label });
    expect(empty.query("cd".repeat(32), 0).map((m) => m.label)).to.deep.equal(["x", "y", "z"]);
  });
});

describe("Hash lists as streamed CSV", function () {
  this.timeout(120_000);
  const h = (c: string) => c.repeat(64);
  // a BOM, a header, CRLF and LF, blank lines, quoted labels with commas, quotes and a line break,
  // multi-byte UTF-8 (chunks may split a character), an empty label, a bare hash, spaces to trim
  const text =
    "\uFEFFhash,label\r\n" +
    `${h("a")},plain\r\n` +
    `${h("B")},"cert, ""quoted"" one"\r\n` +
    "\r\n" +
    `${h("c")},"two\r\nlines"\n` +
    `  ${h("d")} ,  spaced label  \n` +
    `${h("e")},motif — ✓ 模様\n` +
    `${h("f")},\n` +
    `${h("0")}`;
  const expected: IndexEntry[] = [
    { hash: h("a"), label: "plain" },
    { hash: h("b"), label: 'cert, "quoted" one' },
    { hash: h("c"), label: "two\r\nlines" },
    { hash: h("d"), label: "spaced label" },
    { hash: h("e"), label: "motif — ✓ 模様" },
    { hash: h("f"), label: "" },
    { hash: h("0"), label: "" },
  ];

  function parseInChunks(bytes: Uint8Array, cuts: number[], source = "list.csv"): IndexEntry[] {
    const out: IndexEntry[] = [];
    const parser = new HashCsvParser((words, label, start, end) => {
      out.push({
        hash: Array.from(words, (w) => w.toString(16).padStart(8, "0")).join(""),
        label: Buffer.from(label.subarray(start, end)).toString("utf8"),
      });
    }, source);
    let at = 0;
    for (const cut of [...cuts, bytes.length]) {
      parser.push(bytes.subarray(at, cut));
      at = cut;
    }
    parser.end();
    return out;
  }

  it("parses the same records whatever chunk boundaries the stream has (every split point, and byte by byte)", () => {
    const bytes = Buffer.from(text, "utf8");
    for (let cut = 0; cut <= bytes.length; cut++) expect(parseInChunks(bytes, [cut]), `split at byte ${cut}`).to.deep.equal(expected);
    for (let cut = 1; cut < bytes.length; cut += 7) expect(parseInChunks(bytes, [cut, cut + 1, cut + 3]), `splits at ${cut}`).to.deep.equal(expected);
    expect(parseInChunks(bytes, Array.from({ length: bytes.length }, (_, i) => i))).to.deep.equal(expected);
    expect(parseHashCsv(text)).to.deep.equal(expected);
  });

  it("names the line of a bad record, counting line breaks inside quoted labels, at any split", () => {
    const bad = `hash,label\n${h("a")},"x\ny"\n${h("b")},ok\n${"z".repeat(64)},bad\n`;
    const bytes = Buffer.from(bad, "utf8");
    for (let cut = 0; cut <= bytes.length; cut++) {
      expect(() => parseInChunks(bytes, [cut], "works.csv"), `split at ${cut}`).to.throw(`works.csv:5: hash: expected 64 hex digits, got "${"z".repeat(64)}"`);
    }
    expect(() => parseHashCsv(`${h("a")},"never closed\n${h("b")},x\n`, "w.csv")).to.throw("w.csv:1: label: quoted field not closed");
    expect(() => parseHashCsv(`${h("a")},"closed" then text\n`, "w.csv")).to.throw("w.csv:1: label: text after the closing quote");
    expect(() => parseHashCsv(`${h("a")},x\nabc,short\n`, "w.csv")).to.throw('w.csv:2: hash: expected 64 hex digits, got "abc"');
    expect(() => parseHashCsv(`hash,label\nhash,label\n`, "w.csv")).to.throw('w.csv:2: hash: expected 64 hex digits, got "hash"');
  });

  it("refuses a record over 1 MiB (an unclosed quote cannot swallow the file into memory)", () => {
    const parser = new HashCsvParser(() => undefined, "big.csv");
    parser.push(Buffer.from(`${h("a")},ok\n${h("b")},"`));
    const block = Buffer.alloc(256 * 1024, 0x61);
    expect(() => {
      for (let i = 0; i < 5; i++) parser.push(block);
    }).to.throw("big.csv:2: record longer than 1048576 bytes (an unclosed quote?)");
  });

  it("reads a file as a stream of entries, and load/save round-trip awkward labels", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-hashcsv-"));
    try {
      const file = path.join(dir, "list.csv");
      await writeFile(file, text);
      const streamed: IndexEntry[] = [];
      for await (const e of readHashCsv(file)) streamed.push(e);
      expect(streamed).to.deep.equal(expected);

      const g = generator(3);
      const labels = ["", " lead", "trail\t", 'q"uote', "a,b", "cr\rlf\n", "✓ 模様", "plain", "\"\"", ","];
      const entries = Array.from({ length: 3000 }, (_, i) => ({ hash: g.hash(), label: `${labels[i % labels.length]}${i % 3 === 0 ? "" : i}` }));
      const index = HashIndex.build(entries.slice(0, 2000));
      for (const e of entries.slice(2000)) index.add(e);
      const saved = path.join(dir, "index.csv");
      await index.save(saved);
      expect(parseHashCsv(await readFile(saved, "utf8"))).to.deep.equal(entries);
      const again = await HashIndex.load(saved);
      expect(again.entries()).to.deep.equal(entries);
      // several files and extra entries into one index
      const both = await HashIndex.load([saved, file], [{ hash: h("9"), label: "minted" }]);
      expect(both.size).to.equal(entries.length + expected.length + 1);
      expect(both.query(h("9"), 0)).to.deep.equal([{ hash: h("9"), label: "minted", distance: 0 }]);
      expect(both.query(entries[1234]!.hash, 0).map((m) => m.label)).to.deep.equal([entries[1234]!.label]);
      await writeFile(path.join(dir, "bad.csv"), `${h("a")},x\n\nnot-a-hash,y\n`);
      let message = "";
      await HashIndex.load(path.join(dir, "bad.csv")).catch((e: Error) => (message = e.message));
      expect(message).to.equal(`${path.join(dir, "bad.csv")}:3: hash: expected 64 hex digits, got "not-a-hash"`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
