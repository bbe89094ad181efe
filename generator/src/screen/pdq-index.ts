import { readFile, writeFile } from "node:fs/promises";

import { PDQ_MATCH_DISTANCE } from "../pdq/pdq.js";

/** One indexed work: its PDQ hash and a label (certificate id, third-party reference, …). */
export type IndexEntry = { hash: string; label: string };

/** A hit: the entry, and how many of the 256 bits differ. */
export type IndexMatch = { hash: string; label: string; distance: number };

const CHUNKS = 16; // 16-bit substrings of the 256-bit hash
const BUCKETS = 1 << 16;
const HEX = /^[0-9a-f]{64}$/i;

/**
 * Exact near-duplicate search over PDQ hashes by multi-index hashing (Norouzi et al.): the hash is
 * cut into 16 substrings of 16 bits; two hashes within distance r agree within ⌊r/16⌋ bits on at
 * least one substring (pigeonhole), so probing, for each substring, its value and every value
 * ⌊r/16⌋ flips away finds every candidate — no approximate misses. At the PDQ threshold (31) that is
 * 16 × 17 = 272 probes. Candidates are verified by full Hamming distance.
 *
 * Layout: the hashes are one flat Uint32Array (8 words each) and each substring table is a
 * bucket-offset array plus one array of entry numbers sorted by bucket (counting sort at build):
 * no hash maps, no per-bucket objects, sequential memory for a probe.
 */
export class PdqIndex {
  /** Entries in the bucket tables. */
  private indexed: number;
  private words: Uint32Array;
  private labels: string[];
  private offsets: Uint32Array; // CHUNKS × (BUCKETS + 1)
  private ids: Uint32Array; // CHUNKS × indexed
  private seen: Uint32Array;
  private stamp = 0;
  /** Entries added since the last build, scanned linearly until `REBUILD_AFTER` accumulate. */
  private pendingWords: number[] = [];
  private pendingLabels: string[] = [];
  static readonly REBUILD_AFTER = 4096;

  private constructor(words: Uint32Array, labels: string[]) {
    this.indexed = labels.length;
    this.words = words;
    this.labels = labels;
    this.offsets = new Uint32Array(CHUNKS * (BUCKETS + 1));
    this.ids = new Uint32Array(CHUNKS * this.indexed);
    this.seen = new Uint32Array(this.indexed);
    this.buildTables();
  }

  /** Number of entries. */
  get size(): number {
    return this.indexed + this.pendingLabels.length;
  }

  /** Adds one work (e.g. a certificate just minted); tables are rebuilt every `REBUILD_AFTER` adds. */
  add(entry: IndexEntry): void {
    const w = new Uint32Array(8);
    parseHashInto(entry.hash, w, 0, "entry.hash");
    this.pendingWords.push(...w);
    this.pendingLabels.push(entry.label);
    if (this.pendingLabels.length >= PdqIndex.REBUILD_AFTER) this.rebuild();
  }

  private rebuild(): void {
    const words = new Uint32Array(this.size * 8);
    words.set(this.words.subarray(0, this.indexed * 8));
    words.set(this.pendingWords, this.indexed * 8);
    this.words = words;
    this.labels = [...this.labels, ...this.pendingLabels];
    this.indexed = this.labels.length;
    this.pendingWords = [];
    this.pendingLabels = [];
    this.offsets = new Uint32Array(CHUNKS * (BUCKETS + 1));
    this.ids = new Uint32Array(CHUNKS * this.indexed);
    this.seen = new Uint32Array(this.indexed);
    this.buildTables();
  }

  /** Builds an index; throws naming the first malformed entry. */
  static build(entries: readonly IndexEntry[]): PdqIndex {
    const words = new Uint32Array(entries.length * 8);
    const labels: string[] = new Array(entries.length);
    entries.forEach((e, i) => {
      parseHashInto(e.hash, words, i * 8, `entries[${i}].hash`);
      labels[i] = e.label;
    });
    return new PdqIndex(words, labels);
  }

  /** Every entry within `maxDistance` (0..31) of `hash`, closest first. */
  query(hash: string, maxDistance = PDQ_MATCH_DISTANCE): IndexMatch[] {
    if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > PDQ_MATCH_DISTANCE) {
      throw new RangeError(`maxDistance: ${maxDistance} is outside 0..${PDQ_MATCH_DISTANCE}`);
    }
    const q = new Uint32Array(8);
    parseHashInto(hash, q, 0, "hash");
    const flips = Math.floor(maxDistance / CHUNKS); // 0 or 1 within the PDQ threshold
    const hits: number[] = [];
    const distances: number[] = [];
    const { offsets, ids, words } = this;
    const size = this.indexed;
    const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
    for (let c = 0; c < CHUNKS; c++) {
      const value = chunkOf(q, 0, c);
      const base = c * (BUCKETS + 1);
      const idBase = c * size;
      for (let f = -1; f < (flips === 0 ? 0 : 16); f++) {
        const bucket = f < 0 ? value : value ^ (1 << f);
        const end = offsets[base + bucket + 1]!;
        for (let k = offsets[base + bucket]!; k < end; k++) {
          const o = ids[idBase + k]! * 8;
          // Verify word by word, leaving as soon as the distance passes the bound (random
          // candidates leave after two or three words).
          let d = popcount(words[o]! ^ q0) + popcount(words[o + 1]! ^ q1);
          if (d > maxDistance) continue;
          d += popcount(words[o + 2]! ^ q2) + popcount(words[o + 3]! ^ q3);
          if (d > maxDistance) continue;
          d += popcount(words[o + 4]! ^ q4) + popcount(words[o + 5]! ^ q5);
          if (d > maxDistance) continue;
          d += popcount(words[o + 6]! ^ q6) + popcount(words[o + 7]! ^ q7);
          if (d > maxDistance) continue;
          hits.push(o >>> 3);
          distances.push(d);
        }
      }
    }
    // A near match agrees on several substrings and is found once per agreeing probe: keep one.
    const out: IndexMatch[] = [];
    const stamp = this.nextStamp();
    for (let i = 0; i < hits.length; i++) {
      const id = hits[i]!;
      if (this.seen[id] === stamp) continue;
      this.seen[id] = stamp;
      out.push({ hash: hexOf(words, id * 8), label: this.labels[id]!, distance: distances[i]! });
    }
    const pending = Uint32Array.from(this.pendingWords);
    for (let p = 0; p < this.pendingLabels.length; p++) {
      let d = 0;
      for (let w = 0; w < 8; w++) d += popcount(pending[p * 8 + w]! ^ q[w]!);
      if (d <= maxDistance) out.push({ hash: hexOf(pending, p * 8), label: this.pendingLabels[p]!, distance: d });
    }
    return out.sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  }

  /** The same by brute force over every entry: the reference the index is tested against. */
  scan(hash: string, maxDistance = PDQ_MATCH_DISTANCE): IndexMatch[] {
    const q = new Uint32Array(8);
    parseHashInto(hash, q, 0, "hash");
    const out: IndexMatch[] = [];
    const pending = Uint32Array.from(this.pendingWords);
    const lists: Array<[Uint32Array, string[]]> = [
      [this.words, this.labels],
      [pending, this.pendingLabels],
    ];
    for (const [words, labels] of lists) {
      for (let id = 0; id < labels.length; id++) {
        let d = 0;
        for (let w = 0; w < 8; w++) d += popcount(words[id * 8 + w]! ^ q[w]!);
        if (d <= maxDistance) out.push({ hash: hexOf(words, id * 8), label: labels[id]!, distance: d });
      }
    }
    return out.sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  }

  /** Entries in insertion order. */
  entries(): IndexEntry[] {
    const pending = Uint32Array.from(this.pendingWords);
    return [
      ...this.labels.map((label, i) => ({ hash: hexOf(this.words, i * 8), label })),
      ...this.pendingLabels.map((label, i) => ({ hash: hexOf(pending, i * 8), label })),
    ];
  }

  /** Writes the entries (`hash,label` lines); `load` rebuilds the tables from them. */
  async save(path: string): Promise<void> {
    await writeFile(path, "hash,label\n" + this.entries().map((e) => `${e.hash},${csvField(e.label)}`).join("\n") + "\n");
  }

  /** Reads `hash,label` CSV (a header line is optional), e.g. a saved index or a third-party list. */
  static async load(path: string): Promise<PdqIndex> {
    return PdqIndex.build(parseHashCsv(await readFile(path, "utf8"), path));
  }

  private buildTables(): void {
    const { offsets, ids, words } = this;
    const size = this.indexed;
    for (let c = 0; c < CHUNKS; c++) {
      const base = c * (BUCKETS + 1);
      for (let i = 0; i < size; i++) offsets[base + chunkOf(words, i * 8, c) + 1]!++;
      for (let b = 0; b < BUCKETS; b++) offsets[base + b + 1]! += offsets[base + b]!;
      const fill = offsets.slice(base, base + BUCKETS);
      const idBase = c * size;
      for (let i = 0; i < size; i++) ids[idBase + fill[chunkOf(words, i * 8, c)]!++] = i;
    }
  }

  private nextStamp(): number {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    return this.stamp;
  }
}

/** Parses `hash,label` lines; throws naming the file, line and field. */
export function parseHashCsv(text: string, source = "csv"): IndexEntry[] {
  const entries: IndexEntry[] = [];
  text.split(/\r?\n/).forEach((line, n) => {
    if (line.trim() === "" || (n === 0 && /^hash\s*,/i.test(line))) return;
    const comma = line.indexOf(",");
    const hash = (comma < 0 ? line : line.slice(0, comma)).trim();
    if (!HEX.test(hash)) throw new Error(`${source}:${n + 1}: hash: expected 64 hex digits, got "${hash}"`);
    const label = comma < 0 ? "" : unquote(line.slice(comma + 1).trim());
    entries.push({ hash: hash.toLowerCase(), label });
  });
  return entries;
}

function parseHashInto(hash: string, into: Uint32Array, offset: number, field: string): void {
  if (typeof hash !== "string" || !HEX.test(hash)) throw new RangeError(`${field}: expected 64 hex digits, got "${hash}"`);
  for (let w = 0; w < 8; w++) into[offset + w] = parseInt(hash.slice(w * 8, w * 8 + 8), 16) >>> 0;
}

function chunkOf(words: Uint32Array, offset: number, c: number): number {
  const w = words[offset + (c >> 1)]!;
  return (c & 1 ? w : w >>> 16) & 0xffff;
}

function hexOf(words: Uint32Array, offset: number): string {
  let s = "";
  for (let w = 0; w < 8; w++) s += words[offset + w]!.toString(16).padStart(8, "0");
  return s;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).replace(/""/g, '"') : s;
}
