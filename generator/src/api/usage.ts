import { createHash } from "node:crypto";
import { appendFileSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";

/** What one key has used, for metering and billing. */
export type Usage = { requests: number; patterns: number; pixelsRendered: number; refused: number };

const FIELDS = ["requests", "patterns", "pixelsRendered", "refused"] as const;
const zero = (): Usage => ({ requests: 0, patterns: 0, pixelsRendered: 0, refused: 0 });

/** A key as it is written to the journal: its sha-256, never the key itself. */
const idOf = (key: string) => createHash("sha256").update(key).digest("hex");

/**
 * Metered API usage per key, the basis of usage billing. With a file, every increment is appended
 * to it (one JSON line, written before the response goes out) so a restart or a crash (SIGKILL)
 * loses nothing billed; on open the journal is summed and compacted to one line per key (written to
 * a temporary file and renamed over it, so a crash while compacting loses nothing either). A torn
 * last line from a crash mid-write is ignored. Keys are stored as their sha-256.
 */
export class UsageMeter {
  private readonly usage = new Map<string, Usage>();

  private constructor(private readonly file: string | undefined) {}

  /** The meter journaled in `file` (created if missing), or kept in memory only without one. */
  static open(file?: string): UsageMeter {
    const meter = new UsageMeter(file);
    if (file === undefined) return meter;
    mkdirSync(path.dirname(file), { recursive: true });
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let entry: Partial<Usage> & { k?: unknown };
      try {
        entry = JSON.parse(line) as Partial<Usage> & { k?: unknown };
      } catch {
        continue; // a line torn by a crash mid-append
      }
      if (typeof entry.k !== "string") continue;
      const u = meter.byId(entry.k);
      for (const f of FIELDS) if (typeof entry[f] === "number") u[f] += entry[f];
    }
    const compact = [...meter.usage].map(([k, u]) => JSON.stringify({ k, ...u }) + "\n").join("");
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, compact);
    const fd = openSync(tmp, "r");
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
    return meter;
  }

  private byId(id: string): Usage {
    let u = this.usage.get(id);
    if (u === undefined) this.usage.set(id, (u = zero()));
    return u;
  }

  /** The usage of `key` so far (a copy). */
  get(key: string): Usage {
    return { ...(this.usage.get(idOf(key)) ?? zero()) };
  }

  /** Adds to `key`'s usage, written through to the journal before returning. */
  add(key: string, delta: Partial<Usage>): void {
    const id = idOf(key);
    if (this.file !== undefined) appendFileSync(this.file, JSON.stringify({ k: id, ...delta }) + "\n");
    const u = this.byId(id);
    for (const f of FIELDS) u[f] += delta[f] ?? 0;
  }
}
