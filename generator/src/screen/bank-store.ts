import { randomBytes } from "node:crypto";
import { type FSWatcher, createReadStream, watch } from "node:fs";
import { mkdir, open, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";

import { Bank, type BankEntry, BankError, type BankKind, type BankSet, CERTIFICATES_BANK, type Thresholds, checkBankName, checkHash, checkSignal, checkThreshold, UnknownBankError } from "./banks.js";
import { DEFAULT_THRESHOLDS, SIGNAL_TYPES, type SignalType } from "./signals.js";

/**
 * Banks persisted in the state folder (`MOTIF_STATE_DIR`, default `.motif`, the one `npm start` and
 * `motif serve` use):
 *
 *   <state>/banks/banks.json       settings: each bank's kind, thresholds, entry count and
 *                                  generation; the certificates bank's thresholds
 *   <state>/banks/<name>.<gen>.csv its entries at that generation, `signal,hash,label` lines
 *
 * A change writes the bank's next generation to a new file (a temporary file, fsync'd, renamed),
 * then banks.json the same way, naming it: the rename of banks.json is the one commit point, so a
 * crash at any moment leaves the old bank or the new one, never half of one, and banks.json always
 * agrees with the file it names. The old generation's file is removed after the commit (or, after a
 * crash, by the next writer, with any temporary file). A lock file (`.lock`, its holder's pid)
 * serializes writers across processes (the CLI, the API). Readers (`watch`) reload a bank when its
 * generation changes.
 */
export type BankInfo = { name: string; kind: BankKind; thresholds: Thresholds; entries: number; removable: boolean };

type BankRecord = { kind: BankKind; thresholds: Thresholds; entries: number; generation: number };
type BanksFile = { version: 1; generation: number; certificates: { thresholds: Thresholds }; banks: Record<string, BankRecord> };

/** The state folder of `npm start`, `motif serve` and `motif bank`: MOTIF_STATE_DIR, else ./.motif. */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  const dir = env.MOTIF_STATE_DIR;
  return dir !== undefined && dir !== "" ? dir : path.join(cwd, ".motif");
}

const emptyFile = (): BanksFile => ({ version: 1, generation: 0, certificates: { thresholds: { ...DEFAULT_THRESHOLDS } }, banks: {} });

/** What an add or import did. */
export type AddResult = { bank: string; created: boolean; added: number; duplicates: number; skipped: Array<{ line: number; reason: string }>; entries: number };

export class BankStore {
  readonly dir: string;

  constructor(stateDir: string) {
    this.dir = path.join(stateDir, "banks");
  }

  private get settingsFile(): string {
    return path.join(this.dir, "banks.json");
  }

  private bankFile(name: string, generation: number): string {
    return path.join(this.dir, `${name}.${generation}.csv`);
  }

  /** Under the lock: removes what a crashed writer left (temporary files, generations banks.json does not name). */
  private async sweep(s: BanksFile): Promise<void> {
    const keep = new Set(Object.entries(s.banks).map(([name, r]) => `${name}.${r.generation}.csv`));
    for (const f of await readdir(this.dir)) {
      if (f.endsWith(".tmp") || (f.endsWith(".csv") && !keep.has(f))) await rm(path.join(this.dir, f), { force: true });
    }
  }

  /** The settings file (an empty one when there is none yet). */
  async settings(): Promise<BanksFile> {
    let text: string;
    try {
      text = await readFile(this.settingsFile, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return emptyFile();
      throw error;
    }
    const parsed = JSON.parse(text) as BanksFile;
    if (parsed?.version !== 1 || typeof parsed.banks !== "object") throw new Error(`${this.settingsFile}: not a Motif banks file (version 1)`);
    parsed.certificates ??= { thresholds: { ...DEFAULT_THRESHOLDS } };
    return parsed;
  }

  /** Every bank: the certificates first (its entries counted by the chain, so `entries` is -1 here), then by name. */
  async list(): Promise<BankInfo[]> {
    const s = await this.settings();
    return [
      { name: CERTIFICATES_BANK, kind: "block" as const, thresholds: { ...DEFAULT_THRESHOLDS, ...s.certificates.thresholds }, entries: -1, removable: false },
      ...Object.entries(s.banks)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, r]) => ({ name, kind: r.kind, thresholds: { ...DEFAULT_THRESHOLDS, ...r.thresholds }, entries: r.entries, removable: true })),
    ];
  }

  /** A bank's settings, or a BankError listing the known banks. */
  async info(name: string): Promise<BankInfo> {
    const all = await this.list();
    const found = all.find((b) => b.name === name);
    if (found === undefined) throw unknownBank(name, all.map((b) => b.name));
    return found;
  }

  /** A bank's entries, streamed from its file. */
  async *entries(name: string): AsyncGenerator<BankEntry> {
    if (name === CERTIFICATES_BANK) throw new BankError("name", `name: the "${CERTIFICATES_BANK}" bank is rebuilt from the chain's CertificateMinted events; it has no file`);
    const s = await this.settings();
    const r = s.banks[name];
    if (r === undefined) throw unknownBank(name, [CERTIFICATES_BANK, ...Object.keys(s.banks)]);
    for await (const { entry } of readBankFile(this.bankFile(name, r.generation))) yield entry;
  }

  /**
   * Creates the bank if needed (kind default "block", thresholds default DEFAULT_THRESHOLDS) and adds
   * `entries` to it, leaving out those already in it (same signal and hash). `kind` may not change an
   * existing bank's kind (an allow-list turned into a block list, or back, must be deliberate: remove
   * it first). `thresholds` replaces the bank's. For the certificates bank only thresholds may be set.
   */
  async add(
    name: string,
    entries: AsyncIterable<BankEntry & { line?: number }> | Iterable<BankEntry & { line?: number }>,
    options: { kind?: BankKind; thresholds?: Partial<Thresholds> } = {},
  ): Promise<AddResult> {
    checkBankName(name);
    if (options.kind !== undefined && options.kind !== "block" && options.kind !== "allow") throw new BankError("kind", `kind: "${String(options.kind)}" is not a bank kind; expected block or allow`);
    for (const [s, v] of Object.entries(options.thresholds ?? {})) checkThreshold(v, `thresholds.${checkSignal(s, "thresholds")}`);
    return this.locked(async () => {
      const s = await this.settings();
      await this.sweep(s);
      if (name === CERTIFICATES_BANK) {
        if (options.kind !== undefined && options.kind !== "block") throw new BankError("kind", `kind: the "${CERTIFICATES_BANK}" bank is a block bank`);
        for await (const _ of entries) throw new BankError("entries", `entries: the "${CERTIFICATES_BANK}" bank is rebuilt from the chain's CertificateMinted events; add works to another bank`);
        s.certificates.thresholds = { ...DEFAULT_THRESHOLDS, ...s.certificates.thresholds, ...options.thresholds };
        s.generation++;
        await atomicWrite(this.settingsFile, JSON.stringify(s, null, 2) + "\n");
        return { bank: name, created: false, added: 0, duplicates: 0, skipped: [], entries: -1 };
      }
      const existing = s.banks[name];
      if (existing !== undefined && options.kind !== undefined && options.kind !== existing.kind) {
        throw new BankError("kind", `kind: bank "${name}" is a ${existing.kind} bank; remove it first to make it ${options.kind === "allow" ? "an allow" : "a block"} bank`);
      }
      const record: BankRecord = existing ?? { kind: options.kind ?? "block", thresholds: { ...DEFAULT_THRESHOLDS }, entries: 0, generation: 0 };
      record.thresholds = { ...DEFAULT_THRESHOLDS, ...record.thresholds, ...options.thresholds };
      const oldFile = this.bankFile(name, record.generation);
      const file = this.bankFile(name, record.generation + 1);
      const seen = new Set<string>();
      let count = 0;
      let added = 0;
      let duplicates = 0;
      await atomicWriteLines(file, async (write) => {
        await write("signal,hash,label\n");
        if (existing !== undefined) {
          for await (const { entry } of readBankFile(oldFile)) {
            seen.add(`${entry.signal}:${entry.hash}`);
            count++;
            await write(bankLine(entry));
          }
        }
        for await (const raw of entries) {
          const entry = checkEntry(raw, raw.line);
          const key = `${entry.signal}:${entry.hash}`;
          if (seen.has(key)) {
            duplicates++;
            continue;
          }
          seen.add(key);
          count++;
          added++;
          await write(bankLine(entry));
        }
      });
      record.entries = count;
      record.generation++;
      s.banks[name] = record;
      s.generation++;
      await atomicWrite(this.settingsFile, JSON.stringify(s, null, 2) + "\n");
      await rm(oldFile, { force: true });
      return { bank: name, created: existing === undefined, added, duplicates, skipped: [], entries: count };
    });
  }

  /**
   * Imports a file into a bank, streamed line by line (format detected from its first line, see
   * `readImport`). A malformed line refuses the whole import, naming the file, the line and the
   * field, and the bank is left as it was; with `skipInvalid` the good lines are imported and the bad
   * ones listed.
   */
  async import(name: string, file: string, options: { kind?: BankKind; thresholds?: Partial<Thresholds>; skipInvalid?: boolean } = {}): Promise<AddResult> {
    checkBankName(name);
    const s = await this.settings();
    const kind = options.kind ?? s.banks[name]?.kind ?? "block";
    const skipped: AddResult["skipped"] = [];
    const result = await this.add(name, readImport(file, { kind, skipInvalid: options.skipInvalid === true, skipped }), options);
    return { ...result, skipped };
  }

  /** Removes a bank, or with `label` only its entries with that label. The certificates bank is not removable. */
  async remove(name: string, options: { label?: string } = {}): Promise<{ bank: string; removed: number; entries: number }> {
    if (name === CERTIFICATES_BANK) throw new BankError("name", `name: the "${CERTIFICATES_BANK}" bank is the chain's and cannot be removed (its entries are rebuilt from CertificateMinted events)`);
    return this.locked(async () => {
      const s = await this.settings();
      await this.sweep(s);
      const record = s.banks[name];
      if (record === undefined) throw unknownBank(name, [CERTIFICATES_BANK, ...Object.keys(s.banks)]);
      const oldFile = this.bankFile(name, record.generation);
      const file = this.bankFile(name, record.generation + 1);
      if (options.label === undefined) {
        delete s.banks[name];
        s.generation++;
        await atomicWrite(this.settingsFile, JSON.stringify(s, null, 2) + "\n");
        await rm(oldFile, { force: true });
        return { bank: name, removed: record.entries, entries: 0 };
      }
      let kept = 0;
      let removed = 0;
      await atomicWriteLines(file, async (write) => {
        await write("signal,hash,label\n");
        for await (const { entry } of readBankFile(oldFile)) {
          if (entry.label === options.label) removed++;
          else {
            kept++;
            await write(bankLine(entry));
          }
        }
      });
      if (removed === 0) {
        await rm(file, { force: true });
        throw new BankError("label", `label: bank "${name}" has no entry labelled "${options.label}"`);
      }
      record.entries = kept;
      record.generation++;
      s.generation++;
      await atomicWrite(this.settingsFile, JSON.stringify(s, null, 2) + "\n");
      await rm(oldFile, { force: true });
      return { bank: name, removed, entries: kept };
    });
  }

  /** Loads every bank but the certificates, and the certificates' thresholds. */
  async load(): Promise<{ banks: Bank[]; certificateThresholds: Thresholds; generation: number }> {
    for (let attempt = 0; ; attempt++) {
      const s = await this.settings();
      try {
        const banks: Bank[] = [];
        for (const [name, r] of Object.entries(s.banks)) banks.push(await this.loadBank(name, r));
        return { banks, certificateThresholds: { ...DEFAULT_THRESHOLDS, ...s.certificates.thresholds }, generation: s.generation };
      } catch (error) {
        // a writer replaced a bank while it was read: read the settings again
        if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 5) throw error;
      }
    }
  }

  /** One bank at the generation `r` names; ENOENT when a writer committed a newer one meanwhile (read banks.json again). */
  private async loadBank(name: string, r: BankRecord): Promise<Bank> {
    const entries: BankEntry[] = [];
    for await (const { entry } of readBankFile(this.bankFile(name, r.generation))) entries.push(entry);
    return Bank.fromEntries({ name, kind: r.kind, thresholds: { ...DEFAULT_THRESHOLDS, ...r.thresholds } }, entries);
  }

  /**
   * Keeps `set` equal to the stored banks: loads them now, then reloads a bank whose generation
   * changed. Changes are noticed by fs.watch on the banks folder (debounced 50 ms) and, where a file
   * system reports no events (network mounts, some containers), by a stat of banks.json every
   * `pollMs` (default 250): another process's `motif bank` command is seen within a second.
   */
  async watch(set: BankSet, options: { pollMs?: number; debounceMs?: number; onError?: (error: unknown) => void } = {}): Promise<{ close(): void; reload(): Promise<void> }> {
    const loaded = new Map<string, { generation: number; bank: Bank }>();
    let lastStamp = "";
    let running: Promise<void> | undefined;
    let again = false;
    const reloadNow = async () => {
      const st = await stat(this.settingsFile).catch(() => undefined);
      const stamp = st === undefined ? "none" : `${st.ino}:${st.size}:${st.mtimeMs}`;
      if (stamp === lastStamp) return;
      const s = await this.settings();
      const banks: Bank[] = [];
      for (const [name, r] of Object.entries(s.banks)) {
        const had = loaded.get(name);
        if (had !== undefined && had.generation === r.generation && had.bank.kind === r.kind) {
          Object.assign(had.bank.thresholds, DEFAULT_THRESHOLDS, r.thresholds);
          banks.push(had.bank);
          continue;
        }
        let bank: Bank;
        try {
          bank = await this.loadBank(name, r);
        } catch (error) {
          // replaced by a writer while read: the next poll reads the new banks.json (keeping these banks until then)
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
          throw error;
        }
        loaded.set(name, { generation: r.generation, bank });
        banks.push(bank);
      }
      for (const name of [...loaded.keys()]) if (s.banks[name] === undefined) loaded.delete(name);
      set.replace(banks, { ...DEFAULT_THRESHOLDS, ...s.certificates.thresholds });
      lastStamp = stamp;
    };
    const reload = (): Promise<void> => {
      if (running !== undefined) {
        again = true;
        return running;
      }
      running = (async () => {
        try {
          do {
            again = false;
            await reloadNow();
          } while (again);
        } finally {
          running = undefined;
        }
      })();
      return running;
    };
    const onError = options.onError ?? ((error: unknown) => process.stderr.write(`motif banks: reload failed, keeping the banks loaded before: ${(error as Error).message}\n`));
    await reload();
    let timer: NodeJS.Timeout | undefined;
    let watcher: FSWatcher | undefined;
    // events once the folder exists (the first `motif bank` command makes it); the poll meanwhile
    const attach = () => {
      if (watcher !== undefined) return;
      try {
        watcher = watch(this.dir, { persistent: false }, () => {
          clearTimeout(timer);
          timer = setTimeout(() => void reload().catch(onError), options.debounceMs ?? 50);
          timer.unref();
        });
        watcher.on("error", () => watcher?.close());
      } catch {
        // no folder yet, or no events on this file system: the poll notices changes
      }
    };
    attach();
    const poll = setInterval(() => {
      attach();
      void reload().catch(onError);
    }, options.pollMs ?? 250);
    poll.unref();
    return {
      close: () => {
        clearInterval(poll);
        clearTimeout(timer);
        watcher?.close();
      },
      reload,
    };
  }

  /** Runs `fn` holding the store's lock file (its holder's pid; a dead holder's lock is taken over). */
  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await mkdir(this.dir, { recursive: true });
    const lock = path.join(this.dir, ".lock");
    const deadline = Date.now() + 30_000;
    for (;;) {
      try {
        await writeFile(lock, `${process.pid}\n`, { flag: "wx" });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
      const holder = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(holder) && holder > 0 && !alive(holder)) {
        await rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`${lock}: held by process ${holder} for 30 s; another motif bank command is still writing (remove the file if no such process runs)`);
      await new Promise((r) => setTimeout(r, 25));
    }
    try {
      return await fn();
    } finally {
      await rm(lock, { force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function unknownBank(name: string, known: string[]): BankError {
  return new UnknownBankError(name, known);
}

function checkEntry(raw: BankEntry, line?: number): BankEntry {
  const at = line !== undefined ? `line ${line}: ` : "";
  try {
    const label = typeof raw.label === "string" ? raw.label : "";
    if (/[\u0000-\u001f\u007f]/.test(label)) throw new BankError("label", `label: "${label.slice(0, 80)}" holds a control character (a line break, a tab, …)`);
    if (label.length > 1000) throw new BankError("label", `label: ${label.length} characters; at most 1000`);
    return { signal: checkSignal(raw.signal), hash: checkHash(raw.hash), label };
  } catch (error) {
    if (error instanceof BankError && at !== "") throw new BankError(error.field, `${at}${error.message}`);
    throw error;
  }
}

/** Writes `text` to `file` atomically: a temporary file in the same folder, fsync'd, renamed over it. */
export async function atomicWrite(file: string, text: string): Promise<void> {
  await atomicWriteLines(file, async (write) => write(text));
}

async function atomicWriteLines(file: string, fill: (write: (s: string) => Promise<void>) => Promise<void>): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const handle = await open(temp, "w", 0o600);
  try {
    let buffer = "";
    const write = async (s: string) => {
      buffer += s;
      if (buffer.length >= 1 << 16) {
        await handle.write(buffer);
        buffer = "";
      }
    };
    await fill(write);
    if (buffer !== "") await handle.write(buffer);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temp, { force: true });
    throw error;
  }
}

function csvField(s: string): string {
  return /[",]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function bankLine(e: BankEntry): string {
  return `${e.signal},${e.hash},${csvField(e.label)}\n`;
}

/**
 * One CSV record of one line (RFC 4180 quoting: `"a, b"`, `""` for a quote); throws on an
 * unterminated quote. A few lines of code rather than a CSV package: bank files and the formats
 * imported here are one record per line, and the import must stream and name the line of an error.
 */
export function csvRecord(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line[i] === '"') {
      let value = "";
      i++;
      for (;;) {
        const q = line.indexOf('"', i);
        if (q < 0) throw new Error("unterminated quoted field");
        value += line.slice(i, q);
        if (line[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(value);
      if (i < line.length && line[i] !== ",") throw new Error(`unexpected text after a quoted field at character ${i + 1}`);
    } else {
      const c = line.indexOf(",", i);
      out.push((c < 0 ? line.slice(i) : line.slice(i, c)).trim());
      i = c < 0 ? line.length : c;
    }
    if (i >= line.length) return out;
    i++; // the comma
  }
}

async function* lines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const rl = createInterface({ input: createReadStream(file, { encoding: "utf8" }), crlfDelay: Infinity });
  let n = 0;
  for await (const text of rl) {
    n++;
    yield { text: n === 1 ? text.replace(/^\uFEFF/, "") : text, line: n };
  }
}

async function* readBankFile(file: string): AsyncGenerator<{ entry: BankEntry; line: number }> {
  for await (const { text, line } of lines(file)) {
    if (text.trim() === "" || (line === 1 && /^signal\s*,/i.test(text))) continue;
    const [signal, hash, label] = csvRecord(text);
    yield { entry: checkEntry({ signal: signal as SignalType, hash: hash!, label: label ?? "" }, line), line };
  }
}

/** ThreatExchange opinion categories (python-threatexchange `AggregateSignalOpinionCategory`). */
const TE_CATEGORIES = ["NEGATIVE_CLASS", "INVESTIGATION_SEED", "POSITIVE_CLASS", "DISPUTED"];

/**
 * The entries of a file to import, streamed, in one of these formats (told apart by the first line):
 *
 * - **`hash,label`** CSV (a header line is optional): PDQ hashes, as `motif screen --index` reads
 *   and `PdqIndex.save` writes; a line with only a hash gets an empty label.
 * - **`signal,hash,label`** CSV (that header first): a Motif bank file, any signal.
 * - **ThreatExchange dataset CSV**, as `threatexchange dataset -P --csv` prints it (python-threatexchange,
 *   the library HMA builds on): header `collab,signal_type,signal_str,category,tags`. Rows of signal
 *   types Motif does not compute (video_md5, …) are skipped and counted; the label is the collaboration
 *   and its tags. `category` NEGATIVE_CLASS ("signal generates false positives") rows go to allow
 *   banks only, every other category to block banks only: importing one file into a block bank and
 *   into an allow bank splits it.
 * - **HMA bank content**, one JSON object per line, as HMA's curation API answers
 *   `GET /c/bank/<bank>/content/<id>?include_signals=true` (`{"id", "bank": {"name"}, "signals":
 *   {"pdq": …}, …}`), or the `{"pdq": …}` body of its `POST /c/bank/<bank>/signal`. Label:
 *   `hma <bank>/<id>`.
 */
export async function* readImport(
  file: string,
  options: { kind: BankKind; skipInvalid: boolean; skipped: Array<{ line: number; reason: string }> },
): AsyncGenerator<BankEntry & { line: number }> {
  let format: "hash" | "bank" | "te" | "hma" | undefined;
  let teColumns: Record<string, number> = {};
  const name = path.basename(file);
  for await (const { text, line } of lines(file)) {
    if (text.trim() === "") continue;
    try {
      if (format === undefined) {
        const head = text.trim().toLowerCase();
        if (head.startsWith("{")) format = "hma";
        else if (/^collab\s*,/.test(head) || /(^|,)\s*signal_type\s*,/.test(head)) {
          format = "te";
          const cols = csvRecord(head).map((c) => c.trim());
          teColumns = Object.fromEntries(cols.map((c, i) => [c, i]));
          for (const need of ["signal_type", "signal_str"]) if (teColumns[need] === undefined) throw new BankError(need, `${need}: the ThreatExchange header has no "${need}" column`);
          continue;
        } else if (/^signal\s*,/.test(head)) {
          format = "bank";
          continue;
        } else {
          format = "hash";
          if (/^hash\s*(,|$)/.test(head)) continue;
        }
      }
      if (format === "hash") {
        const [hash, label] = csvRecord(text);
        yield { ...checkEntry({ signal: "pdq", hash: hash!, label: label ?? "" }), line };
      } else if (format === "bank") {
        const [signal, hash, label] = csvRecord(text);
        yield { ...checkEntry({ signal: signal as SignalType, hash: hash!, label: label ?? "" }), line };
      } else if (format === "te") {
        const cells = csvRecord(text);
        const cell = (c: string) => (teColumns[c] !== undefined ? (cells[teColumns[c]!] ?? "").trim() : "");
        const type = cell("signal_type");
        if (!(SIGNAL_TYPES as readonly string[]).includes(type)) {
          options.skipped.push({ line, reason: `signal_type "${type}": not a signal Motif screens (${SIGNAL_TYPES.join(", ")})` });
          continue;
        }
        const category = cell("category").toUpperCase();
        if (category !== "" && !TE_CATEGORIES.includes(category)) throw new BankError("category", `category: "${category}" is not a ThreatExchange opinion category (${TE_CATEGORIES.join(", ")})`);
        const negative = category === "NEGATIVE_CLASS";
        if (negative !== (options.kind === "allow")) {
          options.skipped.push({ line, reason: negative ? "category NEGATIVE_CLASS (a known false positive): import it into an allow bank" : `category ${category || "(none)"}: an allow bank takes NEGATIVE_CLASS rows only` });
          continue;
        }
        const collab = cell("collab");
        const tags = cell("tags");
        yield { ...checkEntry({ signal: type as SignalType, hash: cell("signal_str"), label: tags !== "" ? `${collab} (${tags})` : collab }), line };
      } else {
        let obj: unknown;
        try {
          obj = JSON.parse(text);
        } catch {
          throw new BankError("json", "not a JSON object (HMA bank content, one object per line)");
        }
        if (obj === null || typeof obj !== "object" || Array.isArray(obj)) throw new BankError("json", "not a JSON object (HMA bank content, one object per line)");
        const o = obj as { id?: unknown; bank?: { name?: unknown }; signals?: unknown };
        const signals = (o.signals !== undefined ? o.signals : o) as Record<string, unknown>;
        if (signals === null || typeof signals !== "object") throw new BankError("signals", "signals: expected an object of signal type → hash");
        const label = o.id !== undefined ? `hma ${typeof o.bank?.name === "string" ? `${o.bank.name}/` : ""}${String(o.id)}` : "hma";
        let any = false;
        for (const [type, value] of Object.entries(signals)) {
          if (!(SIGNAL_TYPES as readonly string[]).includes(type)) continue;
          any = true;
          yield { ...checkEntry({ signal: type as SignalType, hash: value as string, label }), line };
        }
        if (!any) options.skipped.push({ line, reason: `no ${SIGNAL_TYPES.join(" or ")} signal (has ${Object.keys(signals).join(", ") || "none"})` });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = message.replace(/^line \d+: /, "");
      if (!options.skipInvalid) throw new BankError(error instanceof BankError ? error.field : "line", `${name}:${line}: ${reason}; nothing imported (fix the line, or --skip-invalid to import the others)`);
      options.skipped.push({ line, reason });
    }
  }
}
