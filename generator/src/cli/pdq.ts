import { parseArgs } from "node:util";

import { PDQ_MIN_QUALITY, type PdqMode, pdqDihedralImage, pdqHashImage } from "../pdq/index.js";

const HELP = `usage: motif pdq [--fullres] [--dihedral] [--json] FILE...

Prints one line per file: <64 hex digits>,<quality>,<FILE>
  --fullres    hash every pixel (default: the reference's policy, sides over 512 px resized to 512x512)
  --dihedral   print the eight dihedral hashes (original, rot90, rot180, rot270, flipx, flipy,
               flipplus1, flipminus1) before the quality
  --json       one JSON object per line instead
Quality below ${PDQ_MIN_QUALITY} is flagged on stderr: such a hash is unreliable.
An unreadable or non-image file is reported on stderr, the others are still hashed, and the exit code is 1.`;

export const pdqCommand = {
  async run(args: string[]): Promise<number> {
    let parsed;
    try {
      parsed = parseArgs({
        args,
        allowPositionals: true,
        options: {
          fullres: { type: "boolean", default: false },
          dihedral: { type: "boolean", default: false },
          json: { type: "boolean", default: false },
          help: { type: "boolean", short: "h", default: false },
        },
      });
    } catch (error) {
      process.stderr.write(`motif pdq: ${(error as Error).message}\n\n${HELP}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    if (positionals.length === 0) {
      process.stderr.write(`motif pdq: FILE: at least one image file is required\n\n${HELP}\n`);
      return 2;
    }
    const mode: PdqMode = values.fullres ? "fullres" : "reference";
    let failed = false;
    for (const file of positionals) {
      try {
        if (values.dihedral) {
          const r = await pdqDihedralImage(file, mode);
          const hashes = [r.original, r.rotate90, r.rotate180, r.rotate270, r.flipX, r.flipY, r.flipPlus1, r.flipMinus1];
          process.stdout.write(
            values.json ? JSON.stringify({ file, ...r }) + "\n" : `${hashes.join(",")},${r.quality},${file}\n`,
          );
          flagQuality(file, r.quality);
        } else {
          const r = await pdqHashImage(file, mode);
          process.stdout.write(values.json ? JSON.stringify({ file, ...r }) + "\n" : `${r.hash},${r.quality},${file}\n`);
          flagQuality(file, r.quality);
        }
      } catch (error) {
        failed = true;
        process.stderr.write(`motif pdq: ${(error as Error).message}\n`);
      }
    }
    return failed ? 1 : 0;
  },
};

function flagQuality(file: string, quality: number): void {
  if (quality < PDQ_MIN_QUALITY) {
    process.stderr.write(`motif pdq: ${file}: quality ${quality} is below ${PDQ_MIN_QUALITY}; the hash is unreliable\n`);
  }
}
