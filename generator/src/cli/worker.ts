import path from "node:path";

import { selectStore } from "../ipfs/select.js";
import { designOnChain, pipelineConfig } from "../config.js";
import { redisConnection, startWorker } from "../queue/distributed.js";
import { UsageError, intOption, parse } from "./args.js";
import { connect } from "./chain.js";
import { stopSignal } from "./stop.js";
import { closeRenderPools } from "../render/render.js";

const HELP = `usage: motif worker [--concurrency N] [--store DIR]

A batch worker (BullMQ on Redis at MOTIF_REDIS_URL): takes render jobs that \`motif batch\` queued,
renders → fingerprints → screens → pins them, and hands the lineage back for minting. Run any number,
on any machine that reaches Redis and the IPFS node (MOTIF_IPFS_API; the embedded store --store is
only shared by workers on one machine). Ctrl-C or SIGTERM finishes the current job, then stops (exit 0).
MOTIF_QUEUE_LOCK_MS: how long a killed worker's job waits before another worker takes it (30000).
MOTIF_RPC_URL (optional; no key): the chain whose certificates a colourway job's design is read
from (the addresses from deployments/<chainId>.json or MOTIF_CERTIFICATE); without it a colourway
job is refused, naming the variable.`;

export const workerCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parse(args, {
      concurrency: { type: "string" },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const url = process.env.MOTIF_REDIS_URL;
    if (url === undefined || url === "") throw new UsageError("MOTIF_REDIS_URL: required (redis://host:port), the Redis the batch queue lives in");
    const concurrency = intOption("concurrency", values.concurrency, 1, 1, 64);
    const rawLock = process.env.MOTIF_QUEUE_LOCK_MS ?? "30000";
    const lockDurationMs = Number(rawLock);
    if (!/^\d+$/.test(rawLock) || lockDurationMs < 1000 || lockDurationMs > 3_600_000) throw new UsageError(`MOTIF_QUEUE_LOCK_MS: "${rawLock}" is not an integer in 1000..3600000 (milliseconds)`);
    const stop = stopSignal(); // from here on a signal stops the worker cleanly, even before it is ready
    try {
      const { store, pinQueue } = selectStore(values.store!);
      // read-only chain access (no key) for colourway jobs: their design is checked before rendering
      const rpc = process.env.MOTIF_RPC_URL;
      const chain = rpc !== undefined && rpc !== "" ? await connect(rpc, ["certificate"]) : undefined;
      const worker = startWorker({
        connection: redisConnection(url),
        pipeline: { ...pipelineConfig({ store, pinQueue, royaltyBps: 0 }), ...(chain !== undefined ? { designFamily: designOnChain(chain.publicClient, chain.addresses.certificate) } : {}) },
        concurrency,
        lockDurationMs,
        onJob: (e) => process.stdout.write(JSON.stringify({ worker: process.pid, ...e }) + "\n"),
      });
      const ready = await Promise.race([worker.waitUntilReady().then(() => true), stop.stopped.then(() => false)]);
      if (ready) {
        process.stdout.write(`motif worker ${process.pid} ready (concurrency ${concurrency})\n`);
        await stop.stopped;
      }
      await worker.close();
      await closeRenderPools();
    } finally {
      stop.dispose();
    }
    process.stdout.write(`motif worker ${process.pid} stopped\n`);
    return 0;
  },
};
