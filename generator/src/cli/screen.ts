import { PdqIndex } from "../screen/pdq-index.js";
import { screen } from "../screen/screen.js";
import { fingerprint } from "../stages/fingerprint.js";
import { readFile } from "node:fs/promises";
import { UsageError, parse } from "./args.js";

const HELP = `usage: motif screen --index FILE.csv [--index MORE.csv ...] [--json] IMAGE...

Checks each image, and its rotations and mirrors, against indexed works (CSV lines "hash,label":
a saved index, minted certificates or an imported list of third-party works). Prints "cleared" or
the matches with their Hamming distance (PDQ threshold 31). Exit 1 if any image matched or failed.`;

export const screenCommand = {
  summary: "near-duplicate check of images against indexed works",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      index: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    if (values.index === undefined || values.index.length === 0) throw new UsageError("--index: at least one hash,label CSV is required");
    if (positionals.length === 0) throw new UsageError("IMAGE: at least one image file is required");
    const index = await PdqIndex.load(values.index); // streamed: lists of any size
    let flagged = false;
    for (const file of positionals) {
      try {
        const fp = await fingerprint({ png: await readFile(file) });
        const report = screen(index, { pdq: fp.pdq });
        if (!report.cleared) flagged = true;
        if (values.json) process.stdout.write(JSON.stringify({ file, pdq: fp.pdq.original, quality: fp.pdq.quality, ...report }) + "\n");
        else if (report.cleared) process.stdout.write(`${file}: cleared\n`);
        else for (const m of report.matches) process.stdout.write(`${file}: matches "${m.label}" at distance ${m.distance} (${m.variant})\n`);
      } catch (error) {
        flagged = true;
        process.stderr.write(`motif screen: ${file}: ${(error as Error).message}\n`);
      }
    }
    return flagged ? 1 : 0;
  },
};
