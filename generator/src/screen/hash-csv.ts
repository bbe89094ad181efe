import { createReadStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";

/** One indexed work: its 256-bit hash (64 hex digits) and a label (certificate id, third-party reference, …). */
export type IndexEntry = { hash: string; label: string };

/**
 * Receives one parsed record: the hash as eight 32-bit words (most significant first, the text
 * order; `words` is scratch, copy it), the label's UTF-8 bytes `label[start, end)` (scratch too) and
 * the line the record starts on.
 */
export type HashCsvSink = (words: Uint32Array, label: Uint8Array, start: number, end: number, line: number) => void;

/** A record longer than this is refused (an unclosed quote would otherwise swallow the whole file). */
export const MAX_RECORD_BYTES = 1 << 20;

const HEX_VALUE = (() => {
  const t = new Int8Array(256).fill(-1);
  for (let i = 0; i < 10; i++) t[48 + i] = i;
  for (let i = 0; i < 6; i++) t[65 + i] = t[97 + i] = 10 + i;
  return t;
})();

const NL = 10;
const CR = 13;
const COMMA = 44;
const QUOTE = 34;
const SPACE = 32;
const TAB = 9;

/**
 * Streaming `hash,label` CSV parser working on bytes: chunks may end anywhere (inside a hash, a
 * quoted label, between CR and LF). No string is made per line: hashes are decoded from their hex
 * bytes and labels handed over as bytes, so a 10-million-line list parses in seconds in bounded
 * memory. Format: an optional `hash,...` header; one record per line; the label is the rest of the
 * line, trimmed, or one double-quoted field (`""` for a quote, commas and newlines allowed); blank
 * lines are skipped; a UTF-8 BOM is ignored. Errors name the source, line and field.
 */
export class HashCsvParser {
  private carry: Uint8Array = new Uint8Array(0);
  private line = 1;
  private records = 0;
  private started = false;
  private readonly words = new Uint32Array(8);
  private scratch = new Uint8Array(256);

  constructor(
    private readonly sink: HashCsvSink,
    private readonly source = "csv",
  ) {}

  /** Parses every complete record of `chunk` (with what the previous chunk left over). */
  push(chunk: Uint8Array): void {
    let buf = chunk;
    if (this.carry.length > 0) {
      buf = new Uint8Array(this.carry.length + chunk.length);
      buf.set(this.carry);
      buf.set(chunk, this.carry.length);
    }
    let p = 0;
    if (!this.started) {
      if (buf.length < 3 && buf.length > 0 && buf[0] === 0xef) {
        this.carry = buf.slice();
        return;
      }
      this.started = buf.length > 0;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
    }
    p = this.parse(buf, p, false);
    this.carry = buf.slice(p); // the incomplete last record
    if (this.carry.length > MAX_RECORD_BYTES) {
      throw new Error(`${this.source}:${this.line}: record longer than ${MAX_RECORD_BYTES} bytes (an unclosed quote?)`);
    }
  }

  /** Parses the last record (a file need not end with a newline). */
  end(): void {
    const buf = this.carry;
    this.carry = new Uint8Array(0);
    let p = 0;
    if (!this.started && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) p = 3;
    this.started = true;
    this.parse(buf, p, true);
  }

  /** Parses records from `p`; returns where the first incomplete one starts. */
  private parse(buf: Uint8Array, p: number, final: boolean): number {
    const n = buf.length;
    while (p < n) {
      // Find the end of the record: the first line end (LF, CRLF, or a lone CR as classic Mac files
      // have) outside quotes. Only a label that starts with a quote is quoted: a quote inside an
      // unquoted label (12" repeat) is a character.
      const start = p;
      let q = p;
      let inQuotes = false;
      let sawComma = false;
      let labelFirst = false;
      let quoted = false;
      let newlines = 0;
      let end = -1;
      let next = -1;
      for (; q < n; q++) {
        const c = buf[q]!;
        if (!sawComma && c === COMMA) {
          sawComma = true;
          labelFirst = true;
          continue;
        }
        if (labelFirst && c !== SPACE && c !== TAB) {
          labelFirst = false;
          if (c === QUOTE) {
            quoted = true;
            inQuotes = true;
            continue;
          }
        }
        if (c === QUOTE && quoted) inQuotes = !inQuotes;
        else if (c === NL || c === CR) {
          if (inQuotes) {
            if (c === NL) newlines++;
            continue;
          }
          if (c === NL) {
            end = q > start && buf[q - 1] === CR ? q - 1 : q;
            next = q + 1;
            break;
          }
          // CR: a CRLF's first half, or a line end of its own
          if (q + 1 >= n) {
            if (!final) return start;
            end = q;
            next = q + 1;
            break;
          }
          if (buf[q + 1] === NL) continue;
          end = q;
          next = q + 1;
          break;
        }
      }
      if (end < 0) {
        if (!final) return start;
        if (inQuotes) throw new Error(`${this.source}:${this.line}: label: quoted field not closed before the end of the file`);
        end = n;
        next = n;
      }
      this.record(buf, start, end);
      this.line += 1 + newlines;
      p = next;
    }
    return n;
  }

  private record(buf: Uint8Array, start: number, end: number): void {
    let a = start;
    while (a < end && (buf[a] === SPACE || buf[a] === TAB)) a++;
    if (a === end) return; // blank line
    let comma = a;
    while (comma < end && buf[comma] !== COMMA) comma++;
    let hashEnd = comma;
    while (hashEnd > a && (buf[hashEnd - 1] === SPACE || buf[hashEnd - 1] === TAB || buf[hashEnd - 1] === CR)) hashEnd--;
    const first = this.records++ === 0;
    if (hashEnd - a !== 64 || !this.decodeHex(buf, a)) {
      if (first && hashEnd - a === 4 && (buf[a]! | 0x20) === 104 && (buf[a + 1]! | 0x20) === 97 && (buf[a + 2]! | 0x20) === 115 && (buf[a + 3]! | 0x20) === 104) {
        return; // header "hash,label"
      }
      const text = Buffer.from(buf.subarray(a, Math.min(hashEnd, a + 80))).toString("utf8");
      throw new Error(`${this.source}:${this.line}: hash: expected 64 hex digits, got "${text}${hashEnd - a > 80 ? "…" : ""}"`);
    }
    // The label: the rest of the line, trimmed, or one quoted field.
    let l = comma + 1;
    let e = end;
    if (l > e) l = e;
    while (l < e && (buf[l] === SPACE || buf[l] === TAB)) l++;
    while (e > l && (buf[e - 1] === SPACE || buf[e - 1] === TAB || buf[e - 1] === CR)) e--;
    if (l < e && buf[l] === QUOTE) {
      if (e - l > this.scratch.length) this.scratch = new Uint8Array(Math.max(e - l, this.scratch.length * 2));
      const out = this.scratch;
      let o = 0;
      let i = l + 1;
      for (;;) {
        if (i >= e) throw new Error(`${this.source}:${this.line}: label: quoted field not closed`);
        const c = buf[i]!;
        if (c === QUOTE) {
          if (i + 1 < e && buf[i + 1] === QUOTE) {
            out[o++] = QUOTE;
            i += 2;
            continue;
          }
          break;
        }
        out[o++] = c;
        i++;
      }
      if (i + 1 !== e) throw new Error(`${this.source}:${this.line}: label: text after the closing quote (quote the whole label, "" for a quote)`);
      this.sink(this.words, out, 0, o, this.line);
    } else {
      this.sink(this.words, buf, l, e, this.line);
    }
  }

  private decodeHex(buf: Uint8Array, a: number): boolean {
    for (let w = 0; w < 8; w++) {
      let v = 0;
      for (let k = 0; k < 8; k++) {
        const d = HEX_VALUE[buf[a + w * 8 + k]!]!;
        if (d < 0) return false;
        v = (v << 4) | d;
      }
      this.words[w] = v >>> 0;
    }
    return true;
  }
}

/** Feeds a file to `sink` in 1 MiB chunks. */
export async function parseHashCsvFile(path: string, sink: HashCsvSink): Promise<void> {
  const parser = new HashCsvParser(sink, path);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) parser.push(chunk as Buffer);
  parser.end();
}

/**
 * The entries of a `hash,label` CSV file, streamed (any size: the file is never one string); hashes
 * in lower case. Throws naming the file, line and field of the first bad record.
 */
export async function* readHashCsv(path: string): AsyncGenerator<IndexEntry> {
  let batch: IndexEntry[] = [];
  const parser = new HashCsvParser((words, label, start, end) => {
    batch.push({ hash: hexOfWords(words, 0), label: Buffer.from(label.buffer, label.byteOffset + start, end - start).toString("utf8") });
  }, path);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    parser.push(chunk as Buffer);
    const ready = batch;
    batch = [];
    yield* ready;
  }
  parser.end();
  yield* batch;
}

/** Parses `hash,label` CSV text; throws naming the source, line and field. */
export function parseHashCsv(text: string, source = "csv"): IndexEntry[] {
  const entries: IndexEntry[] = [];
  const parser = new HashCsvParser((words, label, start, end) => {
    entries.push({ hash: hexOfWords(words, 0), label: Buffer.from(label.buffer, label.byteOffset + start, end - start).toString("utf8") });
  }, source);
  parser.push(Buffer.from(text, "utf8"));
  parser.end();
  return entries;
}

const HEX_DIGITS = "0123456789abcdef";

/** 64 lower-case hex digits of eight words from `offset`. */
export function hexOfWords(words: Uint32Array, offset: number): string {
  let s = "";
  for (let w = 0; w < 8; w++) s += words[offset + w]!.toString(16).padStart(8, "0");
  return s;
}

/**
 * Writes `hash,label` CSV in 1 MiB blocks to `path + ".partial"`, renamed over `path` on `close`: a
 * crash never leaves a truncated list where a complete one was. Call `record` per entry and `await
 * flush()` whenever it returns true (a block is full), so memory stays one block.
 */
export class HashCsvWriter {
  private block = Buffer.allocUnsafe(1 << 20);
  private used = 0;
  private full: Buffer[] = [];

  private constructor(
    private readonly path: string,
    private readonly file: import("node:fs/promises").FileHandle,
  ) {
    for (const c of "hash,label\n") this.block[this.used++] = c.charCodeAt(0);
  }

  static async open(path: string): Promise<HashCsvWriter> {
    return new HashCsvWriter(path, await open(`${path}.partial`, "w"));
  }

  /** Appends one record; true when blocks are waiting for `flush`. */
  record(words: Uint32Array, offset: number, label: Uint8Array, start: number, end: number): boolean {
    const need = 80 + 2 * (end - start);
    if (this.block.length - this.used < need) {
      this.full.push(this.block.subarray(0, this.used));
      this.block = Buffer.allocUnsafe(Math.max(1 << 20, need));
      this.used = 0;
    }
    const block = this.block;
    let used = this.used;
    for (let w = 0; w < 8; w++) {
      const v = words[offset + w]!;
      for (let k = 28; k >= 0; k -= 4) block[used++] = HEX_DIGITS.charCodeAt((v >>> k) & 15);
    }
    block[used++] = COMMA;
    // Quoted when the label holds a quote, comma or line break, or would lose spaces to the trim.
    let quote = start < end && (label[start] === SPACE || label[start] === TAB || label[end - 1] === SPACE || label[end - 1] === TAB);
    for (let i = start; i < end && !quote; i++) {
      const c = label[i]!;
      if (c === QUOTE || c === COMMA || c === NL || c === CR) quote = true;
    }
    if (quote) {
      block[used++] = QUOTE;
      for (let i = start; i < end; i++) {
        const c = label[i]!;
        if (c === QUOTE) block[used++] = QUOTE;
        block[used++] = c;
      }
      block[used++] = QUOTE;
    } else {
      block.set(label.subarray(start, end), used);
      used += end - start;
    }
    block[used++] = NL;
    this.used = used;
    return this.full.length > 0;
  }

  /** Writes the full blocks. */
  async flush(): Promise<void> {
    const out = this.full;
    this.full = [];
    for (const b of out) await this.file.write(b);
  }

  /** Writes the rest and puts the file in place. */
  async close(): Promise<void> {
    this.full.push(this.block.subarray(0, this.used));
    this.used = 0;
    await this.flush();
    await this.file.close();
    await rename(`${this.path}.partial`, this.path);
  }

  /** Drops the partial file (after an error). */
  async abort(): Promise<void> {
    await this.file.close().catch(() => undefined);
    await rm(`${this.path}.partial`, { force: true });
  }
}
