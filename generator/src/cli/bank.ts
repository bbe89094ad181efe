import path from "node:path";
import { readFile } from "node:fs/promises";

import { type BankEntry, BankError, type BankKind, type Thresholds, parseThresholds } from "../screen/banks.js";
import { type AddResult, BankStore, defaultStateDir } from "../screen/bank-store.js";
import { DEFAULT_THRESHOLDS, MAX_THRESHOLD, SIGNAL_TYPES, type SignalType } from "../screen/signals.js";
import { fingerprint } from "../stages/fingerprint.js";
import { UsageError, parse } from "./args.js";

const HELP = `usage: motif bank add NAME [--kind block|allow] [--threshold pdq=N,tile=N] [--label L] [IMAGE | SIGNAL:HASH[=LABEL]]...
       motif bank import NAME FILE [--kind block|allow] [--threshold pdq=N,tile=N] [--skip-invalid]
       motif bank list [NAME] [--json]
       motif bank remove NAME [--label L]
       (every command: [--state DIR], default MOTIF_STATE_DIR or .motif)

Hash banks screening runs against, besides the chain's certificates (the bank "certificates", rebuilt
from its events, not removable): a studio's archive, a registry of third-party works, an imported
ThreatExchange/HMA list (block banks: a match refuses a pattern), and allow-lists of known false
positives (allow banks: a block match of a pattern's hash q with entry E is cleared when q also
matches an allow entry A of the same signal, within the allow bank's threshold, and A matches E
within the block bank's threshold).

  add       creates the bank if needed and adds works: an IMAGE (its PDQ hash; label --label or the
            file name) or SIGNAL:HASH[=LABEL] (pdq:<64 hex> or tile:<64 hex>); entries already in the
            bank (same signal and hash) are left out. --threshold sets the bank's thresholds (Hamming
            distance, inclusive, each 0..${MAX_THRESHOLD}; new banks: pdq ${DEFAULT_THRESHOLDS.pdq}, tile ${DEFAULT_THRESHOLDS.tile});
            "certificates" takes --threshold only. A bank's kind never changes (remove it first).
  import    adds a file's entries, streamed line by line: "hash,label" CSV (PDQ), "signal,hash,label"
            CSV, ThreatExchange's "collab,signal_type,signal_str,category,tags" CSV (threatexchange
            dataset -P --csv; NEGATIVE_CLASS rows go to allow banks, the others to block banks), or HMA
            bank content JSON lines ({"id", "bank", "signals": {"pdq": …}}). A bad line refuses the whole
            file with its line number, the bank unchanged; --skip-invalid imports the other lines.
  list      every bank (kind, thresholds, entries), or one bank's entries
  remove    removes a bank, or with --label its entries with that label

A running \`npm start\` or \`motif serve\` on the same state folder screens with the change within a second.`;

const SIGNAL_ARG = /^([a-z]+):([^=]*)(?:=(.*))?$/s;

export const bankCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      kind: { type: "string" },
      threshold: { type: "string" },
      label: { type: "string" },
      state: { type: "string" },
      "skip-invalid": { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const [action, name, ...rest] = positionals;
    const store = new BankStore(values.state ?? defaultStateDir());
    const kind = kindOption(values.kind);
    {
      switch (action) {
        case "add": {
          if (name === undefined) throw new UsageError("NAME: the bank to add to is required");
          const thresholds = values.threshold !== undefined ? thresholdOption(values.threshold) : undefined;
          const entries: BankEntry[] = [];
          for (const item of rest) entries.push(...(await entriesOf(item, values.label)));
          const r = await store.add(name, entries, { ...(kind !== undefined ? { kind } : {}), ...(thresholds !== undefined ? { thresholds } : {}) });
          print(values.json, r, summary(r));
          return 0;
        }
        case "import": {
          if (name === undefined) throw new UsageError("NAME: the bank to import into is required");
          const [file, ...extra] = rest;
          if (file === undefined) throw new UsageError("FILE: the file to import is required (CSV or HMA JSON lines)");
          if (extra.length > 0) throw new UsageError(`FILE: one file per import, got ${rest.length}`);
          if (values.label !== undefined) throw new UsageError("--label: labels come from the file");
          const thresholds = values.threshold !== undefined ? thresholdOption(values.threshold) : undefined;
          const r = await store.import(name, file, { ...(kind !== undefined ? { kind } : {}), ...(thresholds !== undefined ? { thresholds } : {}), skipInvalid: values["skip-invalid"] === true });
          print(values.json, r, summary(r, file));
          for (const s of r.skipped.slice(0, 20)) process.stderr.write(`motif bank: ${path.basename(file)}:${s.line}: skipped: ${s.reason}\n`);
          if (r.skipped.length > 20) process.stderr.write(`motif bank: … and ${r.skipped.length - 20} more lines skipped\n`);
          return 0;
        }
        case "list": {
          if (values.kind !== undefined || values.threshold !== undefined || values.label !== undefined) throw new UsageError("list: takes only [NAME] [--json]");
          if (name === undefined) {
            const banks = await store.list();
            if (values.json) process.stdout.write(JSON.stringify({ banks }) + "\n");
            else {
              for (const b of banks) {
                const t = SIGNAL_TYPES.map((s) => `${s}≤${b.thresholds[s]}`).join(" ");
                process.stdout.write(`${b.name.padEnd(24)} ${b.kind.padEnd(5)} ${t.padEnd(16)} ${b.entries < 0 ? "the chain's certificates (rebuilt from its events)" : `${b.entries} entr${b.entries === 1 ? "y" : "ies"}`}\n`);
              }
            }
            return 0;
          }
          const info = await store.info(name);
          if (info.entries < 0) throw new BankError("name", `name: the "${name}" bank is rebuilt from the chain's CertificateMinted events; GET /v1/banks/${name} on a running API lists them`);
          for await (const e of store.entries(name)) process.stdout.write(values.json ? JSON.stringify(e) + "\n" : `${e.signal},${e.hash},${e.label}\n`);
          return 0;
        }
        case "remove": {
          if (name === undefined) throw new UsageError("NAME: the bank to remove is required");
          if (rest.length > 0) throw new UsageError(`remove: unexpected "${rest[0]}" (entries are removed by --label)`);
          const r = await store.remove(name, values.label !== undefined ? { label: values.label } : {});
          print(values.json, r, values.label !== undefined ? `${name}: removed ${r.removed} entr${r.removed === 1 ? "y" : "ies"} labelled "${values.label}", ${r.entries} left` : `${name}: removed (${r.removed} entries)`);
          return 0;
        }
        case undefined:
          throw new UsageError("add, import, list or remove: an action is required");
        default:
          throw new UsageError(`"${action}" is not an action; expected add, import, list or remove`);
      }
    }
  },
};

function kindOption(raw: string | undefined): BankKind | undefined {
  if (raw === undefined) return undefined;
  if (raw !== "block" && raw !== "allow") throw new UsageError(`--kind: "${raw}" is not a bank kind; expected block or allow`);
  return raw;
}

function thresholdOption(raw: string): Partial<Thresholds> {
  const given = parseThresholds(raw, { ...DEFAULT_THRESHOLDS });
  const named = new Set(raw.split(",").map((p) => p.split("=")[0]!.trim()));
  return Object.fromEntries(SIGNAL_TYPES.filter((s) => named.has(s)).map((s) => [s, given[s]])) as Partial<Thresholds>;
}

/** An IMAGE file (its PDQ hash, and its tile hash when reliable) or SIGNAL:HASH[=LABEL]. */
async function entriesOf(item: string, label: string | undefined): Promise<BankEntry[]> {
  const m = SIGNAL_ARG.exec(item);
  if (m !== null && (SIGNAL_TYPES as readonly string[]).includes(m[1]!)) {
    if (!/^[0-9a-fA-F]{64}$/.test(m[2]!)) throw new UsageError(`${item.slice(0, 90)}: ${m[1]}: expected 64 hex digits after "${m[1]}:", got "${m[2]!.slice(0, 70)}"`);
    return [{ signal: m[1] as SignalType, hash: m[2]!.toLowerCase(), label: m[3] ?? label ?? "" }];
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(item);
  } catch {
    throw new UsageError(`${item}: neither an image file nor SIGNAL:HASH[=LABEL] (${SIGNAL_TYPES.map((s) => `${s}:<64 hex>`).join(" or ")})`);
  }
  const fp = await fingerprint({ png: bytes });
  const name = label ?? path.basename(item);
  return [{ signal: "pdq", hash: fp.pdq.original, label: name }, ...(fp.tileResult.reliable ? [{ signal: "tile" as const, hash: fp.tileResult.hash, label: name }] : [])];
}

function summary(r: AddResult, file?: string): string {
  const parts = [`${r.added} added`];
  if (r.duplicates > 0) parts.push(`${r.duplicates} already there`);
  if (r.skipped.length > 0) parts.push(`${r.skipped.length} line${r.skipped.length === 1 ? "" : "s"} skipped`);
  return `${r.bank}: ${r.created ? "created, " : ""}${parts.join(", ")}${file !== undefined ? ` from ${path.basename(file)}` : ""}${r.entries >= 0 ? `; ${r.entries} entr${r.entries === 1 ? "y" : "ies"}` : ""}`;
}

function print(json: boolean | undefined, value: unknown, line: string): void {
  process.stdout.write(json ? JSON.stringify(value) + "\n" : line + "\n");
}
