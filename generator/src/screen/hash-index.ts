import { stat } from "node:fs/promises";

import { HashCsvWriter, hexOfWords, parseHashCsvFile, type IndexEntry } from "./hash-csv.js";
import { DEFAULT_THRESHOLDS, MAX_THRESHOLD } from "./signals.js";

export type { IndexEntry } from "./hash-csv.js";

export type HashIndexOptions = {
  /** Entries to allocate for. */
  capacity?: number;
  /** Adds kept in the linear tail before they get tables. */
  rebuildAfter?: number;
  /** "mih" never falls back to a linear scan of a table (tests, tuning). */
  method?: "auto" | "mih";
  /** Substring width in bits (8..24) instead of ~log₂(n) + 2 (tests, tuning). */
  chunkBits?: number;
};

/** A hit: the entry, and how many of the 256 bits differ. */
export type IndexMatch = { hash: string; label: string; distance: number };

/** How the index answers a query at a given distance (for tuning and the bench). */
export type QueryPlan = { segment: number; entries: number; method: "mih" | "scan"; probes: number; expectedCandidates: number }[];

const HEX = /^[0-9a-f]{64}$/i;
/**
 * Widest substring: its bucket table is 2^24 + 1 offsets (64 MiB; at 10 M entries 11 substrings of
 * 23–24 bits, 448 MiB of offsets, halve the candidates of 22-bit ones); two radix digits of 12 bits sort it.
 */
const MAX_CHUNK_BITS = 24;
const RADIX_BITS = 12;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;
/**
 * Relative costs of the query model, measured at 1 M entries: a bucket probe (one offset read), a
 * candidate check (a random read of its hash), one entry of a linear scan (sequential).
 */
const PROBE_COST = 0.3;
const CANDIDATE_COST = 1;
const SCAN_COST = 0.25;

/**
 * Exact near-duplicate search over 256-bit hashes (PDQ, the tile fingerprint) by multi-index
 * hashing (Norouzi et al.) with the generalised pigeonhole principle (Qin et al.): the hash is cut
 * into m substrings; if two hashes differ in at most r bits, then for any budgets τ₁..τₘ with
 * Σ(τᵢ + 1) ≥ r + 1, some substring i differs in at most τᵢ bits. A query probes, for each
 * substring, every bucket within its budget (τ = -1: the substring is skipped), and checks each
 * candidate's full distance — no approximate misses at any distance 0..64. The budgets are chosen per
 * query by a small dynamic programme minimising probes + expected candidates; when even the best plan
 * costs more than reading every hash, the segment is scanned linearly (still exact).
 *
 * Layout (10 M hashes ≈ 1.5 GB): hashes in one flat Uint32Array (8 words each); labels as one UTF-8
 * buffer with offsets (no string per entry); per substring, a bucket-offset array and the entry
 * numbers sorted by bucket (radix sort). Substrings are ~log₂(n) + 2 bits wide (at most 24), so a
 * bucket holds few entries whatever the size.
 *
 * Updates: `add` appends and is visible to the next query. Entries are in three ranges — the main
 * tables, a delta table over the recent entries, and a tail scanned linearly; when the tail reaches
 * `rebuildAfter`, the delta is rebuilt over delta + tail (cost proportional to the delta), and when the
 * delta passes 1/8 of the main, everything is rebuilt into the main. `remove` marks entries deleted.
 */
export class HashIndex {
  /** Adds before the recent entries get their own tables. */
  static readonly REBUILD_AFTER = 4096;

  private count = 0;
  private capacity: number;
  private words: Uint32Array;
  private labelBytes: Buffer;
  private labelUsed = 0;
  private labelEnds: Uint32Array; // label i is labelBytes[labelEnds[i-1] ?? 0, labelEnds[i])
  private seen: Uint32Array;
  private stamp = 0;
  private deleted: Uint8Array | undefined;
  private removed = 0;
  private main: Segment | undefined;
  private delta: Segment | undefined;
  private readonly rebuildAfter: number;
  private readonly method: "auto" | "mih";
  private readonly chunkBits: number | undefined;
  /** Milliseconds the last table build took (main or delta). */
  lastBuildMs = 0;

  constructor(options: HashIndexOptions = {}) {
    this.capacity = Math.max(16, options.capacity ?? 16);
    this.rebuildAfter = Math.max(1, options.rebuildAfter ?? HashIndex.REBUILD_AFTER);
    this.method = options.method ?? "auto";
    if (options.chunkBits !== undefined && !(Number.isInteger(options.chunkBits) && options.chunkBits >= 8 && options.chunkBits <= MAX_CHUNK_BITS)) {
      throw new RangeError(`chunkBits: ${options.chunkBits} is outside 8..${MAX_CHUNK_BITS}`);
    }
    this.chunkBits = options.chunkBits;
    this.words = new Uint32Array(this.capacity * 8);
    this.labelEnds = new Uint32Array(this.capacity);
    this.seen = new Uint32Array(this.capacity);
    this.labelBytes = Buffer.allocUnsafe(1 << 16);
  }

  /** Number of entries (removed ones excluded). */
  get size(): number {
    return this.count - this.removed;
  }

  /** Builds an index; throws naming the first malformed entry. */
  static build(entries: readonly IndexEntry[], options: HashIndexOptions = {}): HashIndex {
    const index = new HashIndex({ ...options, capacity: Math.max(entries.length, options.capacity ?? 0) });
    entries.forEach((e, i) => index.append(e, () => `entries[${i}]`));
    index.reindex(true);
    return index;
  }

  /**
   * Reads `hash,label` CSV files (a saved index, minted certificates, third-party lists; a header
   * line is optional), streamed — any size — then `more` entries, and builds the tables once.
   * Throws naming the file, line and field of the first bad record.
   */
  static async load(paths: string | readonly string[], more: readonly IndexEntry[] = []): Promise<HashIndex> {
    const files = typeof paths === "string" ? [paths] : paths;
    // Each record takes at least 65 bytes (64 hex digits and a newline): an upper bound on the count.
    let bound = more.length;
    for (const f of files) bound += Math.floor(((await stat(f)).size + 1) / 65);
    const index = new HashIndex({ capacity: bound });
    for (const f of files) {
      await parseHashCsvFile(f, (words, label, start, end) => index.appendRaw(words, label, start, end));
    }
    more.forEach((e, i) => index.append(e, () => `more[${i}]`));
    index.reindex(true);
    return index;
  }

  /** Adds one work (e.g. a certificate just minted); the next query sees it. */
  add(entry: IndexEntry): void {
    this.append(entry, () => "entry");
    if (this.count - this.tailStart() >= this.rebuildAfter) this.reindex(false);
  }

  /** Removes every entry with this label (or matching the predicate); returns how many. */
  remove(which: string | ((entry: IndexEntry) => boolean)): number {
    const deleted = (this.deleted ??= new Uint8Array(this.capacity));
    const target = typeof which === "string" ? Buffer.from(which, "utf8") : undefined;
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      if (deleted[i] === 1) continue;
      const start = i === 0 ? 0 : this.labelEnds[i - 1]!;
      const end = this.labelEnds[i]!;
      const hit =
        target !== undefined
          ? end - start === target.length && this.labelBytes.compare(target, 0, target.length, start, end) === 0
          : (which as (e: IndexEntry) => boolean)({ hash: hexOfWords(this.words, i * 8), label: this.labelAt(i) });
      if (hit) {
        deleted[i] = 1;
        n++;
      }
    }
    this.removed += n;
    return n;
  }

  /** Every entry within `maxDistance` (0..64) of `hash`, closest first (then by label). */
  query(hash: string, maxDistance: number = DEFAULT_THRESHOLDS.pdq): IndexMatch[] {
    checkDistance(maxDistance);
    const q = parseHash(hash, "hash");
    const hits: number[] = [];
    for (const segment of this.segments()) {
      const plan = segment.plan(maxDistance, this.method);
      if (plan === undefined) scanRange(this.words, segment.start, segment.end, q, maxDistance, hits);
      else segment.search(this.words, q, maxDistance, plan, hits);
    }
    scanRange(this.words, this.tailStart(), this.count, q, maxDistance, hits);
    return this.matches(hits);
  }

  /** The same by brute force over every entry. */
  scan(hash: string, maxDistance: number = DEFAULT_THRESHOLDS.pdq): IndexMatch[] {
    checkDistance(maxDistance);
    const hits: number[] = [];
    scanRange(this.words, 0, this.count, parseHash(hash, "hash"), maxDistance, hits);
    return this.matches(hits);
  }

  /** How a query at `maxDistance` would run: per table, MIH probes or a linear scan. */
  explain(maxDistance: number = DEFAULT_THRESHOLDS.pdq): QueryPlan {
    checkDistance(maxDistance);
    return this.segments().map((s, i) => {
      const plan = s.plan(maxDistance, this.method);
      return plan === undefined
        ? { segment: i, entries: s.end - s.start, method: "scan" as const, probes: 0, expectedCandidates: s.end - s.start }
        : { segment: i, entries: s.end - s.start, method: "mih" as const, probes: plan.probes, expectedCandidates: Math.round(plan.candidates) };
    });
  }

  /** Entries in insertion order (removed ones excluded). */
  entries(): IndexEntry[] {
    const out: IndexEntry[] = [];
    for (let i = 0; i < this.count; i++) if (this.deleted?.[i] !== 1) out.push({ hash: hexOfWords(this.words, i * 8), label: this.labelAt(i) });
    return out;
  }

  /** Writes the entries as `hash,label` CSV, streamed; `load` rebuilds the tables from it. */
  async save(path: string): Promise<void> {
    const writer = await HashCsvWriter.open(path);
    try {
      for (let i = 0; i < this.count; i++) {
        if (this.deleted?.[i] === 1) continue;
        const start = i === 0 ? 0 : this.labelEnds[i - 1]!;
        if (writer.record(this.words, i * 8, this.labelBytes, start, this.labelEnds[i]!)) await writer.flush();
      }
      await writer.close();
    } catch (error) {
      await writer.abort();
      throw error;
    }
  }

  // ----------------------------------------------------------------------------------------------

  private segments(): Segment[] {
    return this.main === undefined ? [] : this.delta === undefined ? [this.main] : [this.main, this.delta];
  }

  private tailStart(): number {
    return (this.delta ?? this.main)?.end ?? 0;
  }

  private readonly scratch = new Uint32Array(8);

  /** `field` names the entry in errors (made only when one is thrown). */
  private append(entry: IndexEntry, field: () => string): void {
    if (typeof entry?.label !== "string") throw new RangeError(`${field()}.label: expected a string`);
    const q = parseHash(entry.hash, () => `${field()}.hash`, this.scratch);
    const label = entry.label;
    if (label.length <= 64) {
      // ASCII (the usual label) straight into the label buffer; anything else through Buffer
      let ascii = true;
      for (let i = 0; i < label.length && ascii; i++) ascii = label.charCodeAt(i) < 0x80;
      if (ascii) {
        const bytes = this.labelScratch;
        for (let i = 0; i < label.length; i++) bytes[i] = label.charCodeAt(i);
        this.appendRaw(q, bytes, 0, label.length);
        return;
      }
    }
    const bytes = Buffer.from(label, "utf8");
    this.appendRaw(q, bytes, 0, bytes.length);
  }
  private readonly labelScratch = new Uint8Array(64);

  private appendRaw(words: Uint32Array, label: Uint8Array, start: number, end: number): void {
    if (this.count === this.capacity) this.grow(Math.max(this.capacity * 2, 16));
    const length = end - start;
    if (this.labelUsed + length > this.labelBytes.length) {
      const need = this.labelUsed + length;
      if (need > 0xffffffff) throw new RangeError("labels: more than 4 GiB of label text in one index");
      const bigger = Buffer.allocUnsafe(Math.min(0xffffffff, Math.max(need, this.labelBytes.length * 2)));
      this.labelBytes.copy(bigger, 0, 0, this.labelUsed);
      this.labelBytes = bigger;
    }
    const bytes = this.labelBytes;
    if (length <= 64) {
      for (let i = 0, o = this.labelUsed; i < length; i++) bytes[o + i] = label[start + i]!;
    } else {
      bytes.set(label.subarray(start, end), this.labelUsed);
    }
    this.labelUsed += length;
    const o = this.count * 8;
    const into = this.words;
    for (let w = 0; w < 8; w++) into[o + w] = words[w]!;
    this.labelEnds[this.count] = this.labelUsed;
    this.count++;
  }

  private grow(capacity: number): void {
    const words = new Uint32Array(capacity * 8);
    words.set(this.words.subarray(0, this.count * 8));
    this.words = words;
    const ends = new Uint32Array(capacity);
    ends.set(this.labelEnds.subarray(0, this.count));
    this.labelEnds = ends;
    const seen = new Uint32Array(capacity);
    seen.set(this.seen);
    this.seen = seen;
    if (this.deleted !== undefined) {
      const deleted = new Uint8Array(capacity);
      deleted.set(this.deleted);
      this.deleted = deleted;
    }
    this.capacity = capacity;
  }

  private reindex(full: boolean): void {
    const t = performance.now();
    const mainEnd = this.main?.end ?? 0;
    if (full || this.main === undefined || this.count - mainEnd > Math.max(this.rebuildAfter, mainEnd / 8)) {
      this.main = Segment.build(this.words, 0, this.count, this.chunkBits);
      this.delta = undefined;
    } else {
      this.delta = Segment.build(this.words, mainEnd, this.count, this.chunkBits);
    }
    this.lastBuildMs = performance.now() - t;
  }

  private labelAt(i: number): string {
    return this.labelBytes.toString("utf8", i === 0 ? 0 : this.labelEnds[i - 1]!, this.labelEnds[i]!);
  }

  /** hits: pairs (entry, distance); one match per entry, removed ones dropped. */
  private matches(hits: number[]): IndexMatch[] {
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const out: IndexMatch[] = [];
    for (let i = 0; i < hits.length; i += 2) {
      const id = hits[i]!;
      if (this.seen[id] === this.stamp || this.deleted?.[id] === 1) continue;
      this.seen[id] = this.stamp;
      out.push({ hash: hexOfWords(this.words, id * 8), label: this.labelAt(id), distance: hits[i + 1]! });
    }
    return out.sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  }
}

/** The same index, by its historical name: PDQ hashes are one kind of 256-bit hash it serves. */
export { HashIndex as PdqIndex };

type Plan = { budgets: Int8Array; probes: number; candidates: number };

/** Multi-index tables over the entries [start, end). */
class Segment {
  private readonly plans = new Map<number, Plan | undefined>();

  private constructor(
    readonly start: number,
    readonly end: number,
    /** Bit offset (0 = most significant bit of the hash) and width of each substring. */
    private readonly bitStart: Int32Array,
    private readonly bits: Int32Array,
    private readonly offsets: Uint32Array[],
    private readonly ids: Uint32Array[],
  ) {}

  static build(words: Uint32Array, start: number, end: number, chunkBits?: number): Segment {
    const n = end - start;
    const chunks = Math.ceil(256 / (chunkBits ?? chunkWidth(n)));
    const bitStart = new Int32Array(chunks);
    const bits = new Int32Array(chunks);
    for (let c = 0, at = 0; c < chunks; c++) {
      bits[c] = Math.floor(256 / chunks) + (c < 256 % chunks ? 1 : 0);
      bitStart[c] = at;
      at += bits[c]!;
    }
    // Per substring, entries sorted by value with a two-pass LSD radix sort (12-bit digits: the
    // histograms stay in L1, the scatters stream), then bucket offsets from one sweep of the sorted
    // values — no random access into the (up to 64 MiB) bucket table while building.
    const offsets: Uint32Array[] = [];
    const ids: Uint32Array[] = [];
    const keys = new Uint32Array(n);
    const keys2 = new Uint32Array(n);
    const ids1 = new Uint32Array(n);
    const low = new Uint32Array(RADIX);
    const high = new Uint32Array(RADIX);
    for (let c = 0; c < chunks; c++) {
      const b = bits[c]!;
      const w = bitStart[c]! >>> 5;
      const sh = bitStart[c]! & 31;
      low.fill(0);
      high.fill(0);
      for (let i = 0; i < n; i++) {
        const v = chunkValue(words, (start + i) * 8 + w, sh, b);
        keys[i] = v;
        low[v & RADIX_MASK]!++;
        high[v >>> RADIX_BITS]!++;
      }
      for (let k = 0, sum = 0; k < RADIX; k++) {
        const t = low[k]!;
        low[k] = sum;
        sum += t;
      }
      for (let k = 0, sum = 0; k < RADIX; k++) {
        const t = high[k]!;
        high[k] = sum;
        sum += t;
      }
      for (let i = 0; i < n; i++) {
        const v = keys[i]!;
        const at = low[v & RADIX_MASK]!++;
        keys2[at] = v;
        ids1[at] = start + i;
      }
      const list = new Uint32Array(n);
      for (let i = 0; i < n; i++) {
        const v = keys2[i]!;
        const at = high[v >>> RADIX_BITS]!++;
        keys[at] = v;
        list[at] = ids1[i]!;
      }
      const buckets = 1 << b;
      const off = new Uint32Array(buckets + 1);
      let bucket = 0;
      for (let i = 0; i < n; i++) {
        const v = keys[i]!;
        while (bucket <= v) off[bucket++] = i;
      }
      while (bucket <= buckets) off[bucket++] = n;
      offsets.push(off);
      ids.push(list);
    }
    return new Segment(start, end, bitStart, bits, offsets, ids);
  }

  /** The cheapest exact plan at distance r, or undefined when a linear scan is cheaper. */
  plan(r: number, method: "auto" | "mih"): Plan | undefined {
    const key = method === "mih" ? -1 - r : r;
    if (this.plans.has(key)) return this.plans.get(key);
    const n = this.end - this.start;
    const m = this.bits.length;
    const need = r + 1; // Σ(τᵢ + 1) ≥ r + 1
    // cost[u] after substring c: least cost covering u units (capped at need) with substrings 0..c.
    let cost = new Float64Array(need + 1).fill(Infinity);
    cost[0] = 0;
    const tauOf: Int8Array[] = [];
    const fromOf: Int16Array[] = [];
    for (let c = 0; c < m; c++) {
      const b = this.bits[c]!;
      const next = new Float64Array(need + 1).fill(Infinity);
      const tauAt = new Int8Array(need + 1);
      const fromAt = new Int16Array(need + 1);
      for (let u = 0; u <= need; u++) {
        if (cost[u] === Infinity) continue;
        for (let tau = -1; tau <= b; tau++) {
          const probes = tau < 0 ? 0 : ballSize(b, tau);
          if (probes > MAX_MASKS) break;
          const total = cost[u]! + probes * (PROBE_COST + (CANDIDATE_COST * n) / 2 ** b);
          const v = Math.min(need, u + tau + 1);
          if (total < next[v]!) {
            next[v] = total;
            tauAt[v] = tau;
            fromAt[v] = u;
          }
        }
      }
      tauOf.push(tauAt);
      fromOf.push(fromAt);
      cost = next;
    }
    let plan: Plan | undefined;
    if (method === "mih" || cost[need]! < SCAN_COST * n) {
      const budgets = new Int8Array(m);
      let probes = 0;
      let candidates = 0;
      for (let c = m - 1, u = need; c >= 0; c--) {
        const tau = tauOf[c]![u]!;
        budgets[c] = tau;
        if (tau >= 0) {
          probes += ballSize(this.bits[c]!, tau);
          candidates += (ballSize(this.bits[c]!, tau) * n) / 2 ** this.bits[c]!;
        }
        u = fromOf[c]![u]!;
      }
      plan = { budgets, probes, candidates };
    }
    this.plans.set(key, plan);
    return plan;
  }

  /** Probes every bucket within each substring's budget; pushes (entry, distance) of each hit. */
  search(words: Uint32Array, q: Uint32Array, r: number, plan: Plan, hits: number[]): void {
    const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
    for (let c = 0; c < this.bits.length; c++) {
      const tau = plan.budgets[c]!;
      if (tau < 0) continue;
      const b = this.bits[c]!;
      const value = chunkValue(q, this.bitStart[c]! >>> 5, this.bitStart[c]! & 31, b);
      const masks = ball(b, tau);
      const off = this.offsets[c]!;
      const ids = this.ids[c]!;
      for (let k = 0; k < masks.length; k++) {
        const bucket = value ^ masks[k]!;
        const end = off[bucket + 1]!;
        for (let a = off[bucket]!; a < end; a++) {
          const id = ids[a]!;
          const o = id * 8;
          // Word by word, leaving as soon as the bound is passed (random candidates leave after 2–3 words).
          let d = popcount(words[o]! ^ q0) + popcount(words[o + 1]! ^ q1);
          if (d > r) continue;
          d += popcount(words[o + 2]! ^ q2) + popcount(words[o + 3]! ^ q3);
          if (d > r) continue;
          d += popcount(words[o + 4]! ^ q4) + popcount(words[o + 5]! ^ q5);
          if (d > r) continue;
          d += popcount(words[o + 6]! ^ q6) + popcount(words[o + 7]! ^ q7);
          if (d > r) continue;
          hits.push(id, d);
        }
      }
    }
  }
}

/**
 * Substrings of about log₂(n) + 2 bits (8..24): a bucket holds ~1/4 entry, so candidates (a random
 * read each) are few and probes (cheaper) do the work.
 */
function chunkWidth(n: number): number {
  return Math.min(MAX_CHUNK_BITS, Math.max(8, Math.round(Math.log2(Math.max(2, n))) + 2));
}

/** Bits [bit, bit + b) of the hash whose word `w` holds them (bit = 32w + sh), as an integer. */
function chunkValue(words: Uint32Array, w: number, sh: number, b: number): number {
  if (sh + b <= 32) return (words[w]! << sh) >>> (32 - b);
  return ((words[w]! << sh) | (words[w + 1]! >>> (32 - sh))) >>> (32 - b);
}

/** Largest Hamming ball enumerated per substring (beyond it the plan takes fewer bits elsewhere, or scans). */
const MAX_MASKS = 1 << 18;

function ballSize(b: number, tau: number): number {
  let total = 0;
  let c = 1;
  for (let k = 0; k <= tau && k <= b; k++) {
    total += c;
    c = (c * (b - k)) / (k + 1);
  }
  return total;
}

const balls = new Map<number, Uint32Array>();

/** Every b-bit mask of at most tau set bits, fewest first. */
function ball(b: number, tau: number): Uint32Array {
  const key = b * 64 + tau;
  let masks = balls.get(key);
  if (masks === undefined) {
    masks = new Uint32Array(ballSize(b, tau));
    let n = 0;
    masks[n++] = 0;
    // masks of exactly k bits from those of k - 1 bits, adding a bit above the highest one
    let from = 0;
    for (let k = 1; k <= tau; k++) {
      const to = n;
      for (let i = from; i < to; i++) {
        const m = masks[i]!;
        const high = m === 0 ? -1 : 31 - Math.clz32(m);
        for (let bit = high + 1; bit < b; bit++) masks[n++] = (m | (1 << bit)) >>> 0;
      }
      from = to;
    }
    balls.set(key, masks);
  }
  return masks;
}

function scanRange(words: Uint32Array, start: number, end: number, q: Uint32Array, r: number, hits: number[]): void {
  const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
  for (let id = start; id < end; id++) {
    const o = id * 8;
    let d = popcount(words[o]! ^ q0) + popcount(words[o + 1]! ^ q1) + popcount(words[o + 2]! ^ q2) + popcount(words[o + 3]! ^ q3);
    if (d > r) continue;
    d += popcount(words[o + 4]! ^ q4) + popcount(words[o + 5]! ^ q5) + popcount(words[o + 6]! ^ q6) + popcount(words[o + 7]! ^ q7);
    if (d <= r) hits.push(id, d);
  }
}

function checkDistance(maxDistance: number): void {
  if (!Number.isInteger(maxDistance) || maxDistance < 0 || maxDistance > MAX_THRESHOLD) {
    throw new RangeError(`maxDistance: ${maxDistance} is outside 0..${MAX_THRESHOLD}`);
  }
}

function parseHash(hash: string, field: string | (() => string), into = new Uint32Array(8)): Uint32Array {
  if (typeof hash !== "string" || !HEX.test(hash)) {
    throw new RangeError(`${typeof field === "string" ? field : field()}: expected 64 hex digits, got "${String(hash).slice(0, 80)}"`);
  }
  for (let w = 0; w < 8; w++) into[w] = parseInt(hash.slice(w * 8, w * 8 + 8), 16) >>> 0;
  return into;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}
