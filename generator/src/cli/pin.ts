import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { selectStore } from "../ipfs/select.js";
import { UsageError, parse } from "./args.js";

const HELP = `usage: motif pin [--store DIR] [--car OUT.car] FILE...

Adds files to the embedded IPFS block store (default .motif/ipfs), or to the Kubo node at
MOTIF_IPFS_API, with Kubo's
"ipfs add --cid-version=1" settings and prints "<CID> <FILE>" per file. --car also writes a CAR of
everything added, for a pinning service.`;

export const pinCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      store: { type: "string", default: path.join(".motif", "ipfs") },
      car: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    if (positionals.length === 0) throw new UsageError("FILE: at least one file is required");
    const { store } = selectStore(values.store!);
    const cids = [];
    for (const file of positionals) {
      const cid = await store.add(await readFile(file));
      cids.push(cid);
      process.stdout.write(`${cid.toString()} ${file}\n`);
    }
    if (values.car !== undefined) await writeFile(values.car, await store.exportCar(cids));
    return 0;
  },
};
