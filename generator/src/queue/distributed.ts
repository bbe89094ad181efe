/**
 * Batch generation across many workers on Redis with BullMQ (when MOTIF_REDIS_URL is set; without
 * it the batch runs in-process, see ../batch/batch.ts).
 *
 *   submitter (`motif batch`)   splits the batch into render jobs, job id = jobKey (model, seed,
 *                               params, size): resubmitting the same batch adds nothing
 *   workers (`motif worker`)    any number, on any machine reaching Redis and the IPFS node:
 *                               render → fingerprint → screen → pin; the result is the lineage
 *   minter (the submitter)      the one owner of the generator key's nonce: screens every finished
 *                               job again against the chain and what it already minted, then mints
 *                               them in batches and journals each pattern's transaction
 *
 * Retries: 3 attempts with exponential backoff; a job that fails for good (or at once, for a bad
 * request such as an unknown model) goes to the dead-letter queue with its reason. A worker killed
 * mid-job stops renewing its lock; BullMQ marks the job stalled and another worker takes it.
 */
import { type ConnectionOptions, type Job, Queue, UnrecoverableError, Worker } from "bullmq";
import type { Address, Hex } from "viem";

import { motifCertificateAbi, type MintRequest } from "@motif/sdk";
import { Journal } from "../batch/journal.js";
import { jobKey } from "../batch/batch.js";
import { type PatternRequest, type PipelineConfig, runPipeline } from "../pipeline.js";
import { RenderInputError } from "../render/render.js";
import type { PdqDihedralResult } from "../pdq/pdq.js";
import type { PdqIndex } from "../screen/pdq-index.js";
import { BankSet } from "../screen/banks.js";
import type { QueryHash } from "../screen/signals.js";
import { screen } from "../screen/screen.js";
import { type Minter, mint } from "../stages/mint.js";

export const RENDER_QUEUE = "motif-render";
export const DEAD_QUEUE = "motif-dead";

/** What a render job carries: the request, and what the lineage needs from the chain. */
export type RenderJobData = {
  batchId: string;
  model: string;
  seed: string;
  /** The model's params, as its manifest entry declares them. */
  params: Record<string, number>;
  width: number;
  height: number;
  modelIds: Record<string, number>;
  creator: Address;
};

/** A worker's result: everything the minter needs for the lineage (no key involved). */
export type RenderJobResult =
  | { status: "refused"; contentDigest: Hex; reason: string }
  | {
      status: "pinned";
      contentDigest: Hex;
      imageCid: string;
      metadataCid: string;
      metadataDigest: Hex;
      metadataCodec: number;
      modelId: number;
      seed: string;
      paramsHash: Hex;
      pdqHash: Hex;
      /** The tile hash (zero when unreliable) and its four query hashes, for central screening. */
      tileHash: Hex;
      tile: QueryHash[];
      /** The eight dihedral PDQ hashes, for the minter's central screening. */
      pdq: PdqDihedralResult;
      creator: Address;
    };

export type DeadLetter = { jobId: string; data: RenderJobData; reason: string; attempts: number };

/** BullMQ connection options from a redis:// or rediss:// URL; an error names the variable on a bad URL. */
export function redisConnection(url: string): ConnectionOptions {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`MOTIF_REDIS_URL: not a URL (expected redis://[user:password@]host:port[/db])`);
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new RangeError(`MOTIF_REDIS_URL: scheme ${u.protocol} is not redis: or rediss:`);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.pathname.length > 1 ? { db: Number(u.pathname.slice(1)) } : {}),
    ...(u.protocol === "rediss:" ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

/** The render and dead-letter queues at MOTIF_REDIS_URL (for progress reports), or undefined without it. */
export function queuesFromEnv(env = process.env): { render: Queue<RenderJobData, RenderJobResult>; dead: Queue<DeadLetter>; close(): Promise<void> } | undefined {
  const url = env.MOTIF_REDIS_URL;
  if (url === undefined || url === "") return undefined;
  const render = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection: redisConnection(url) });
  const dead = new Queue<DeadLetter>(DEAD_QUEUE, { connection: redisConnection(url) });
  return { render, dead, close: async () => void (await Promise.all([render.close(), dead.close()])) };
}

export const toRequest = (d: RenderJobData): PatternRequest => ({ model: d.model, seed: BigInt(d.seed), params: d.params, width: d.width, height: d.height });

/** Adds the batch's jobs; a job already known (same id) is not added twice. Returns the job ids. */
export async function enqueueBatch(queue: Queue<RenderJobData>, jobs: RenderJobData[]): Promise<string[]> {
  const entries = jobs.map((data) => ({
    name: "render",
    data,
    opts: { jobId: jobKey(toRequest(data)), attempts: 3, backoff: { type: "exponential", delay: 500 }, removeOnComplete: false, removeOnFail: false },
  }));
  await queue.addBulk(entries);
  return entries.map((e) => e.opts.jobId);
}

export type WorkerOptions = {
  connection: ConnectionOptions;
  /** store, pin queue and screening index of this worker (attester and minter are not used). */
  pipeline: Omit<PipelineConfig, "attester" | "minter" | "modelIds" | "creator">;
  concurrency?: number;
  /** How long a job stays locked without its worker renewing it before it is deemed stalled. */
  lockDurationMs?: number;
  onJob?: (event: { jobId: string; status: string }) => void;
};

/** Starts a worker; `close()` lets its current job finish (graceful shutdown). */
export function startWorker(options: WorkerOptions): Worker<RenderJobData, RenderJobResult> {
  const lock = options.lockDurationMs ?? 30_000;
  const dead = new Queue<DeadLetter>(DEAD_QUEUE, { connection: options.connection });
  const worker = new Worker<RenderJobData, RenderJobResult>(
    RENDER_QUEUE,
    async (job) => {
      const d = job.data;
      let result;
      try {
        result = await runPipeline({ ...options.pipeline, modelIds: d.modelIds, creator: d.creator }, toRequest(d), { mint: false });
      } catch (error) {
        // a bad request fails the same way every time: no retries
        if (error instanceof RenderInputError) throw new UnrecoverableError(error.message);
        throw error;
      }
      if (result.status === "refused") {
        const top = result.screen.matches[0]!;
        return { status: "refused", contentDigest: result.rendered.contentDigest, reason: `near-duplicate of ${top.label} at distance ${top.distance}` };
      }
      if (result.status !== "pinned") throw new Error(`worker: unexpected pipeline status ${result.status}`);
      return {
        status: "pinned",
        contentDigest: result.rendered.contentDigest,
        imageCid: result.pinned.imageCid.toString(),
        metadataCid: result.pinned.metadataCid.toString(),
        metadataDigest: result.pinned.metadataDigest,
        metadataCodec: result.pinned.metadataCodec,
        modelId: d.modelIds[d.model]!,
        seed: d.seed,
        paramsHash: result.rendered.paramsHash,
        pdqHash: result.fingerprint.pdqHash,
        tileHash: result.fingerprint.tileResult.reliable ? result.fingerprint.tileHash : `0x${"0".repeat(64)}`,
        tile: result.fingerprint.tile,
        pdq: result.fingerprint.pdq,
        creator: d.creator,
      };
    },
    { connection: options.connection, concurrency: options.concurrency ?? 1, lockDuration: lock, stalledInterval: Math.max(1000, Math.floor(lock / 2)), maxStalledCount: 3 },
  );
  worker.on("active", (job) => options.onJob?.({ jobId: job.id!, status: "active" }));
  worker.on("completed", (job) => options.onJob?.({ jobId: job.id!, status: job.returnvalue.status }));
  worker.on("failed", (job, error) => {
    if (job === undefined) return;
    // a job with attempts left goes back to waiting (after its backoff); one left failed is final
    void job.getState().then(async (state) => {
      const final = state === "failed";
      if (final) await dead.add("dead", { jobId: job.id!, data: job.data, reason: error.message, attempts: job.attemptsMade }, { jobId: job.id! });
      options.onJob?.({ jobId: job.id!, status: final ? "dead" : "retrying" });
    });
  });
  const close = worker.close.bind(worker);
  worker.close = async (force?: boolean) => {
    await close(force);
    await dead.close();
  };
  return worker;
}

export type DrainOptions = {
  queue: Queue<RenderJobData, RenderJobResult>;
  jobIds: string[];
  journal: Journal;
  /** Minter of the generator key (the only sender from it) and the attester: mints unsigned as attester. */
  minter?: Minter;
  /** Index of certificates on chain: every result is screened again here before it is minted. */
  index: PdqIndex;
  /** The hash banks (whose certificates bank holds `index`) the central screening runs against; default `index` alone. */
  banks?: BankSet;
  royaltyBps: number;
  batchSize?: number;
  pollMs?: number;
  onProgress?: (p: { done: number; total: number; minted: number; refused: number; dead: number; waiting: number }) => void;
};

export type DrainSummary = { minted: number; pinned: number; refused: number; dead: number };

/**
 * Waits for every job of the batch to finish, minting finished ones in batches as they come (one
 * sender: no nonce races) and journaling each pattern. Idempotent: journaled patterns are skipped,
 * and a pattern already on chain (an earlier run's transaction landed) is journaled as such.
 */
export async function drainBatch(o: DrainOptions): Promise<DrainSummary> {
  const total = o.jobIds.length;
  const summary: DrainSummary = { minted: 0, pinned: 0, refused: 0, dead: 0 };
  const settled = new Set<string>();
  for (const id of o.jobIds) {
    const step = o.journal.get(id)?.step;
    if (step === "minted" || step === "refused" || step === "dead" || (step === "pinned" && o.minter === undefined)) settled.add(id);
  }
  for (;;) {
    const ready: Array<{ id: string; result: Extract<RenderJobResult, { status: "pinned" }> }> = [];
    let waiting = 0;
    for (const id of o.jobIds) {
      if (settled.has(id)) continue;
      // the state first, then the job: a job read before it completed would lack its result
      const state = await o.queue.getJobState(id);
      const job: Job<RenderJobData, RenderJobResult> | undefined = state === "completed" || state === "failed" ? await o.queue.getJob(id) : undefined;
      if (state === "completed") {
        const r = job!.returnvalue;
        if (r.status === "refused") {
          await o.journal.write({ key: id, step: "refused", contentDigest: r.contentDigest, reason: r.reason });
          settled.add(id);
          summary.refused++;
        } else if (o.minter !== undefined && (await alreadyMinted(o.minter, r.contentDigest))) {
          // minted by an earlier run that stopped before journaling it (checked before screening,
          // where the certificate would otherwise match itself)
          await o.journal.write({ key: id, step: "minted", contentDigest: r.contentDigest, metadataCid: r.metadataCid, transactionHash: "already-minted" });
          (o.banks ??= BankSet.ofIndex(o.index)).remember(`certificate ${r.contentDigest}`, r.pdq.original, tileOf(r));
          settled.add(id);
          summary.minted++;
        } else {
          // screened again centrally: two workers may have made near-duplicates of each other
          const banks = (o.banks ??= BankSet.ofIndex(o.index)); // kept: the tile hashes of cleared patterns live in it
          const report = screen(banks, { pdq: r.pdq, tile: r.tile ?? [] });
          if (!report.cleared) {
            const top = report.matches[0]!;
            await o.journal.write({ key: id, step: "refused", contentDigest: r.contentDigest, reason: `near-duplicate of ${top.label} at distance ${top.distance}${top.bank !== "certificates" ? ` (bank ${top.bank}, ${top.transform})` : ""}` });
            settled.add(id);
            summary.refused++;
          } else if (o.minter === undefined) {
            await o.journal.write({ key: id, step: "pinned", contentDigest: r.contentDigest, metadataCid: r.metadataCid });
            banks.remember(`pattern ${r.contentDigest}`, r.pdq.original, tileOf(r));
            settled.add(id);
            summary.pinned++;
          } else {
            banks.remember(`certificate ${r.contentDigest}`, r.pdq.original, tileOf(r));
            ready.push({ id, result: r });
          }
        }
      } else if (state === "failed") {
        // "failed" is final: a job with attempts left waits (delayed) instead
        await o.journal.write({ key: id, step: "dead", reason: job!.failedReason });
        settled.add(id);
        summary.dead++;
      } else {
        waiting++;
      }
    }
    const batchSize = o.batchSize ?? 50;
    for (let i = 0; i < ready.length; i += batchSize) {
      // each was checked against the chain just before screening: none is minted yet
      const fresh = ready.slice(i, i + batchSize);
      const requests: MintRequest[] = fresh.map((c) => ({
        lineage: {
          contentDigest: c.result.contentDigest,
          metadataDigest: c.result.metadataDigest,
          metadataCodec: c.result.metadataCodec,
          modelId: c.result.modelId,
          seed: BigInt(c.result.seed),
          paramsHash: c.result.paramsHash,
          pdqHash: c.result.pdqHash,
          tileHash: c.result.tileHash,
          creator: c.result.creator,
          recipeId: 0n,
        },
        to: c.result.creator,
        royaltyBps: o.royaltyBps,
        deadline: 2n ** 63n,
        signature: "0x", // sent by the attester itself
      }));
      const out = await mint(o.minter!, { requests });
      for (const c of fresh) {
        await o.journal.write({ key: c.id, step: "minted", contentDigest: c.result.contentDigest, metadataCid: c.result.metadataCid, transactionHash: out.transactionHash });
        settled.add(c.id);
        summary.minted++;
      }
    }
    o.onProgress?.({ done: settled.size, total, minted: summary.minted, refused: summary.refused, dead: summary.dead, waiting });
    if (settled.size === total) return summary;
    await new Promise((r) => setTimeout(r, o.pollMs ?? 250));
  }
}

/** Whether the certificate of `contentDigest` exists (an earlier run's transaction landed). */
async function alreadyMinted(minter: Minter, contentDigest: Hex): Promise<boolean> {
  try {
    await minter.publicClient.readContract({ address: minter.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [BigInt(contentDigest)] });
    return true;
  } catch {
    return false;
  }
}

/** A worker result's tile hash without 0x, or undefined when it has none (zero: unreliable). */
function tileOf(r: { tileHash?: Hex }): string | undefined {
  return r.tileHash === undefined || /^0x0{64}$/.test(r.tileHash) ? undefined : r.tileHash.slice(2);
}
