import { appendFile, open, readFile } from "node:fs/promises";
import { stringify } from "viem";

/** The last durable step of one pattern of a batch ("dead": failed for good, see the dead-letter queue). */
export type JournalStep = "pinned" | "attested" | "minted" | "refused" | "dead";

export type JournalRecord = {
  key: string;
  step: JournalStep;
  contentDigest?: string;
  metadataCid?: string;
  /** Attested mint request (bigints as decimal strings), kept so a crash after signing re-mints it. */
  request?: unknown;
  transactionHash?: string;
  /** Why it was refused: a code (RefusalCode) and the words every path gives. */
  code?: string;
  reason?: string;
};

/**
 * Append-only JSON-lines journal of a batch, flushed to disk (fsync) after every record, so a
 * process killed at any point resumes from the last durable step of each pattern.
 */
export class Journal {
  private constructor(
    readonly file: string,
    private readonly latest: Map<string, JournalRecord>,
  ) {}

  static async open(file: string): Promise<Journal> {
    const latest = new Map<string, JournalRecord>();
    let text = "";
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
    const lines = text.split("\n");
    lines.forEach((line, i) => {
      if (line.trim() === "") return;
      try {
        const r = JSON.parse(line) as JournalRecord;
        latest.set(r.key, r);
      } catch {
        // A torn last line (killed mid-write) is dropped; anything earlier is corruption.
        if (i < lines.length - 2) throw new Error(`${file}:${i + 1}: journal line is not JSON`);
      }
    });
    return new Journal(file, latest);
  }

  get(key: string): JournalRecord | undefined {
    return this.latest.get(key);
  }

  records(): JournalRecord[] {
    return [...this.latest.values()];
  }

  async write(record: JournalRecord): Promise<void> {
    const line = stringify(record) + "\n";
    await appendFile(this.file, line);
    const handle = await open(this.file, "r");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    this.latest.set(record.key, record);
  }
}
