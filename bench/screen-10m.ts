/**
 * Screening at scale (part of `npm run bench`, its own process so memory figures start clean):
 * a 10-million-line `hash,label` CSV (~730 MB, more than V8's longest string) is written to a temp
 * folder, streamed into the index (load = parse + table build), queried at the PDQ threshold with
 * random hashes and with planted near neighbours, saved again (streamed), and deleted.
 * `MOTIF_BENCH_INDEX_N` sets another size (the keys say which).
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { HashCsvWriter } from "../generator/src/screen/hash-csv.js";
import { HashIndex } from "../generator/src/screen/hash-index.js";
import { BenchReport } from "./lib/report.js";

const n = Number(process.env.MOTIF_BENCH_INDEX_N ?? 10_000_000);
const tag = n % 1_000_000 === 0 ? `${n / 1_000_000}M` : `${n / 1000}k`;
const goals = n === 10_000_000;
const report = new BenchReport(`Motif screening index at ${tag} hashes`);

let seed = 2463534242;
const nextWord = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>>= 0);
};
const hex = (w: Uint32Array) => Array.from(w, (x) => x.toString(16).padStart(8, "0")).join("");

const dir = await mkdtemp(path.join(os.tmpdir(), "motif-bench-index-"));
try {
  // 1. The list: random hashes, labels "w<i>"; every 10,000th hash kept to plant neighbours of.
  const file = path.join(dir, "works.csv");
  const sample: string[] = [];
  {
    const t = performance.now();
    const writer = await HashCsvWriter.open(file);
    const words = new Uint32Array(8);
    for (let i = 0; i < n; i++) {
      for (let w = 0; w < 8; w++) words[w] = nextWord();
      if (i % 10_000 === 0) sample.push(hex(words));
      const label = Buffer.from(`w${i}`);
      if (writer.record(words, 0, label, 0, label.length)) await writer.flush();
    }
    await writer.close();
    console.log(`wrote ${n.toLocaleString("en-US")} lines, ${Math.round((await stat(file)).size / 1e6)} MB, in ${Math.round(performance.now() - t) / 1000} s`);
  }

  // 2. Streamed load: parse + one table build. Peak memory: the process's high-water RSS above
  // what it held before the load (the table build is synchronous, so a sampling timer would miss it).
  globalThis.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const t = performance.now();
  const index = await HashIndex.load(file);
  const loadS = (performance.now() - t) / 1000;
  const peakMB = (process.resourceUsage().maxRSS * 1024 - rssBefore) / 1e6;
  const heldMB = (process.memoryUsage().rss - rssBefore) / 1e6;
  if (index.size !== n) throw new Error(`loaded ${index.size} entries, wrote ${n}`);
  report.record(`screen.s.load.${tag}`, Math.round(loadS * 10) / 10, `stream ${tag} lines of hash,label CSV into the index (parse + table build)`, goals ? 60 : undefined);
  report.record(`screen.ms.build.${tag}`, Math.round(index.lastBuildMs), `the table build alone, ${tag} hashes`, goals ? 60_000 : undefined);
  report.record(`screen.peakRssGrowthMB.load.${tag}`, Math.round(peakMB), `peak process memory growth loading ${tag} (held after: ${Math.round(heldMB)} MB)`, goals ? 2000 : undefined);

  // 3. Queries at the PDQ threshold: random hashes, and hashes 0..31 bits from an indexed one.
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const timeQueries = (queries: string[], r: number) => {
    for (const q of queries.slice(0, 50)) index.query(q, r); // warm up
    return queries.map((q) => {
      const s = performance.now();
      index.query(q, r);
      return performance.now() - s;
    });
  };
  const random = Array.from({ length: 1000 }, () => hex(Uint32Array.from({ length: 8 }, nextWord)));
  const planted = Array.from({ length: 1000 }, (_, i) => {
    const digits = sample[i % sample.length]!.split("").map((c) => parseInt(c, 16));
    const bits = new Set<number>();
    while (bits.size < i % 32) bits.add(nextWord() % 256);
    for (const b of bits) digits[b >> 2]! ^= 8 >> (b & 3);
    return digits.map((d) => d.toString(16)).join("");
  });
  for (let i = 0; i < 1000; i += 97) {
    const label = `w${(i % sample.length) * 10_000}`;
    if (!index.query(planted[i]!).some((m) => m.label === label)) throw new Error(`planted neighbour of ${label} (${i % 32} bits) not found`);
  }
  const round = (x: number) => Math.round(x * 1000) / 1000;
  report.record(`screen.ms.query.${tag}`, round(median(timeQueries(random, 31))), `exact query at distance 31 over ${tag} hashes, random queries (median)`, goals ? 2 : undefined);
  report.record(`screen.ms.query.${tag}.planted`, round(median(timeQueries(planted, 31))), `the same, each query 0..31 bits from an indexed hash`, goals ? 2 : undefined);
  report.record(`screen.ms.query.${tag}.r40`, round(median(timeQueries(random.slice(0, 300), 40))), `exact query at distance 40, random queries`);
  // the tile signal's threshold (TILE_MATCH_DISTANCE): a candidate makes 4 such queries, a print tile
  // screened for re-laid copies up to 60 more (docs/design/screening-repeats.md)
  report.record(`screen.ms.query.${tag}.r48`, round(median(timeQueries(random.slice(0, 300), 48))), `exact query at distance 48 (the tile hash's threshold), random queries`);
  console.log(`plans: r31 ${JSON.stringify(index.explain(31))} r40 ${JSON.stringify(index.explain(40))} r48 ${JSON.stringify(index.explain(48))} r64 ${JSON.stringify(index.explain(64))}`);

  // 4. Streamed save.
  const t2 = performance.now();
  await index.save(path.join(dir, "saved.csv"));
  report.record(`screen.s.save.${tag}`, Math.round((performance.now() - t2) / 100) / 10, `save ${tag} entries as hash,label CSV (streamed)`);
} finally {
  await rm(dir, { recursive: true, force: true });
}
await report.write();
