import { PdqIndex } from "../screen/pdq-index.js";
import { BankSet } from "../screen/banks.js";
import { BankStore, defaultStateDir } from "../screen/bank-store.js";
import { screen } from "../screen/screen.js";
import { fingerprint } from "../stages/fingerprint.js";
import { readFile } from "node:fs/promises";
import { UsageError, parse } from "./args.js";

const HELP = `usage: motif screen [--index FILE.csv ...] [--banks [--state DIR]] [--json] IMAGE...

Checks each image, and its rotations and mirrors, against indexed works (--index: CSV lines
"hash,label": a saved index, minted certificates or an imported list of third-party works, PDQ
threshold 31) and, with --banks, the hash banks of the state folder (--state, default
MOTIF_STATE_DIR or .motif; \`motif bank\`), each with its own thresholds, allow-lists applied.
Prints "cleared" or each match: label, bank, Hamming distance and the transform (as is, rotated
90° clockwise, mirrored left-right, …). Exit 1 if any image matched or failed.`;

export const screenCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      index: { type: "string", multiple: true },
      banks: { type: "boolean", default: false },
      state: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    if ((values.index === undefined || values.index.length === 0) && !values.banks) throw new UsageError("--index or --banks: at least one hash,label CSV, or the state folder's banks, is required");
    if (values.state !== undefined && !values.banks) throw new UsageError("--state: names the folder of --banks");
    if (positionals.length === 0) throw new UsageError("IMAGE: at least one image file is required");
    const set = BankSet.ofIndex(await PdqIndex.load(values.index ?? [])); // streamed: lists of any size
    if (values.banks) {
      const stored = await new BankStore(values.state ?? defaultStateDir()).load();
      set.replace(stored.banks, stored.certificateThresholds);
    }
    let flagged = false;
    for (const file of positionals) {
      try {
        const fp = await fingerprint({ png: await readFile(file) });
        const report = screen(set, { pdq: fp.pdq, tile: fp.tile });
        if (!report.cleared) flagged = true;
        if (values.json) process.stdout.write(JSON.stringify({ file, pdq: fp.pdq.original, quality: fp.pdq.quality, ...report }) + "\n");
        else if (report.cleared) process.stdout.write(`${file}: cleared\n`);
        else for (const m of report.matches) process.stdout.write(`${file}: matches "${m.label}" at distance ${m.distance} (${m.signal} ≤ ${m.threshold} in bank ${m.bank}; ${m.transform})\n`);
        if (!values.json) for (const m of report.allowed) process.stdout.write(`${file}: cleared of "${m.label}" (bank ${m.bank}, distance ${m.distance}) by allow-list ${m.allowedBy.bank}: "${m.allowedBy.label}"\n`);
      } catch (error) {
        flagged = true;
        process.stderr.write(`motif screen: ${file}: ${(error as Error).message}\n`);
      }
    }
    return flagged ? 1 : 0;
  },
};
