import { readFile } from "node:fs/promises";
import path from "node:path";

import { type ApiKey, buildApi, fixedKeyRefusal } from "../api/server.js";
import { selectStore } from "../ipfs/select.js";
import { mintedSignals } from "../screen/from-chain.js";
import { PdqIndex } from "../screen/pdq-index.js";
import { BankSet } from "../screen/banks.js";
import { BankStore, defaultStateDir } from "../screen/bank-store.js";
import { chainFromEnv } from "./chain.js";
import { queuesFromEnv } from "../queue/distributed.js";
import { UsageError, intOption, parse } from "./args.js";
import { stopSignal } from "./stop.js";
import { closeRenderPools } from "../render/render.js";

const HELP = `usage: motif serve [--port 8787] [--host 127.0.0.1] [--keys keys.json] [--store DIR] [--usage FILE]
                   [--index FILE.csv ...] [--cors-origin URL ...] [--state DIR]

Starts the generator HTTP API (OpenAPI at /v1/openapi.json). API keys come from --keys (a JSON array
of {key, name, tier, requestsPerMinute, maxPixelsPerRequest, maxConcurrentRenders?}) or the
MOTIF_API_KEYS environment variable (the same JSON). Patterns are pinned in the embedded IPFS store
(default .motif/ipfs). Metered usage per key is journaled in --usage (default .motif/usage.jsonl):
a restart or a crash loses none of it. Browsers may call the API only from --cors-origin origins.
/v1/render runs registered models only (on MOTIF_RPC_URL's registry, else the shipped ones) unless
MOTIF_ALLOW_WEIGHT_UPLOADS=1. Screening runs against the certificates (with MOTIF_RPC_URL) and --index
lists, and the hash banks of the state folder (--state, default MOTIF_STATE_DIR or .motif: its banks/),
reloaded within a second of a change by \`motif bank\`; keys with "admin": true manage them at /v1/banks.
Stops cleanly on Ctrl-C and SIGTERM.`;

export const serveCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parse(args, {
      port: { type: "string" },
      host: { type: "string", default: "127.0.0.1" },
      keys: { type: "string" },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      index: { type: "string", multiple: true },
      usage: { type: "string", default: path.join(".motif", "usage.jsonl") },
      "cors-origin": { type: "string", multiple: true },
      state: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const raw = values.keys !== undefined ? await readFile(values.keys, "utf8") : process.env.MOTIF_API_KEYS;
    if (raw === undefined) throw new UsageError("--keys: an API key file (or MOTIF_API_KEYS) is required");
    let keys: ApiKey[];
    try {
      keys = JSON.parse(raw) as ApiKey[];
    } catch (error) {
      // never echo the parser's message: it quotes the text, and the text holds the keys
      const at = /position (\d+)/.exec((error as Error).message)?.[1];
      throw new UsageError(`--keys: not JSON${at !== undefined ? ` (syntax error at character ${at})` : ""}; expected [{"key", "name", "tier", "requestsPerMinute", "maxPixelsPerRequest"}]`);
    }
    if (!Array.isArray(keys) || keys.some((k) => typeof k?.key !== "string" || k.key.length === 0)) {
      throw new UsageError(`--keys: expected a JSON array of {"key", "name", "tier", "requestsPerMinute", "maxPixelsPerRequest"} with a non-empty "key" each`);
    }
    const rpc = process.env.MOTIF_RPC_URL;
    const refusal = fixedKeyRefusal(keys.map((k) => k.key), rpc !== undefined && rpc !== "" ? "remote" : "local", "--keys");
    if (refusal !== undefined) throw new UsageError(refusal);
    for (const origin of values["cors-origin"] ?? []) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin)) throw new UsageError(`--cors-origin: "${origin}" is not an origin (scheme://host[:port], no path)`);
    }
    const stop = stopSignal(); // a signal while starting stops it as soon as it listens
    try {
      // With MOTIF_RPC_URL + MOTIF_ATTESTER_KEY, "mint": true requests are minted and the index
      // starts from every certificate on chain; --index lists are streamed, whatever their size.
      const chain = await chainFromEnv();
      const minted = chain === undefined ? { pdq: [], tile: [] } : await mintedSignals({ ...chain.minter, fromBlock: chain.startBlock, indexer: chain.indexer });
      const index = await PdqIndex.load(values.index ?? [], minted.pdq);
      const queues = queuesFromEnv();
      const banks = BankSet.ofIndex(index, undefined, PdqIndex.build(minted.tile));
      const bankStore = new BankStore(values.state ?? defaultStateDir());
      const watching = await bankStore.watch(banks);
      const app = await buildApi({
        banks: { store: bankStore, reload: watching.reload },
        keys,
        usageFile: values.usage!,
        corsOrigins: values["cors-origin"] ?? [],
        allowWeightUploads: process.env.MOTIF_ALLOW_WEIGHT_UPLOADS === "1",
        ...(chain !== undefined ? { isRegisteredWeights: chain.isRegisteredWeights, registeredCardDigest: chain.registeredCardDigest } : {}),
        ...(queues !== undefined ? { queues } : {}),
        pipeline: {
          ...(({ store, pinQueue }) => ({ store, pinQueue }))(selectStore(values.store!)),
          index,
          banks,
          modelIds: chain?.modelIds ?? { indigo: 1, madder: 2, weld: 3 },
          creator: chain?.creator ?? "0x0000000000000000000000000000000000000001",
          ...(chain !== undefined ? { attester: chain.attester, minter: chain.minter } : {}),
          royaltyBps: 0,
          attestationTtl: 3600,
          generator: { name: "motif-generator", version: "0.1.0" },
        },
      });
      const port = intOption("port", values.port, 8787, 0, 65535); // 0: any free port (printed)
      try {
        const address = await app.listen({ port, host: values.host! });
        process.stdout.write(`motif API listening on ${address} (OpenAPI: ${address}/v1/openapi.json)\n`);
        await stop.stopped;
      } finally {
        watching.close();
        await app.close();
        await queues?.close();
        await closeRenderPools();
      }
    } finally {
      stop.dispose();
    }
    return 0;
  },
};
