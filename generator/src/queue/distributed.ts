/**
 * Batch generation across many workers on Redis with BullMQ (when MOTIF_REDIS_URL is set; without
 * it the batch runs in-process, see ../batch/batch.ts).
 *
 *   submitter (`motif batch`)   splits the batch into render jobs, job id = jobKey (model, seed,
 *                               params, size): resubmitting the same batch adds nothing
 *   workers (`motif worker`)    any number, on any machine reaching Redis and the IPFS node:
 *                               the pipeline definition up to pin (render → fingerprint → screen
 *                               → pin); the result is the context the lineage is built from
 *   minter (the submitter)      the one owner of the generator key's nonce: runs the definition's
 *                               central stages again (its own certificates, screening against the
 *                               chain and what it already minted), then attest and mint in batches,
 *                               and journals each pattern as the in-process batch does
 *
 * A colourway's job names its design (`colourway`; its job id covers the spec, so it is not its
 * design's job): the worker's colourway stage checks the design on chain (its config's
 * `designFamily`) and its result carries that design to the minter, which screens the colourway as
 * family and mints it with `mintColourway`, linked to the design; a result carrying another design
 * than its request names is journaled dead, never minted.
 *
 * Retries: 3 attempts with exponential backoff; a job that fails for good goes to the dead-letter
 * queue with its reason; a refused one (a bad request such as an unknown model) at once, and the
 * minter journals it as refused, in the words the in-process pipeline and batch give. A worker killed
 * mid-job stops renewing its lock; BullMQ marks the job stalled and another worker takes it.
 */
import { type ConnectionOptions, type Job, Queue, QueueEvents, UnrecoverableError, Worker } from "bullmq";
import { CID } from "multiformats/cid";
import type { Address, Hex } from "viem";

import type { ColourwaySpec, PrintSpec } from "@motif/sdk";

import { Journal } from "../batch/journal.js";
import { jobKey, journalRecord, settleStages } from "../batch/batch.js";
import { PIPELINE, type PatternRequest, type PipelineConfig, type RunResult, queueStages, runStagesTogether } from "../pipeline.js";
import { BankSet } from "../screen/banks.js";
import { colourwayStage } from "../stages/colourway.js";
import type { FingerprintOutput } from "../stages/fingerprint.js";
import type { PinOutput } from "../stages/pin.js";
import type { Refusal } from "../stages/refusal.js";
import type { RenderSummary } from "../stages/render.js";
import type { PipelineContext, StageEnv } from "../stages/stage.js";

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
  /**
   * A colourway of a design (the same model, seed, params and size as the design, recoloured): the
   * worker's colourway stage checks the design on chain and the minter mints it with `mintColourway`.
   */
  colourway?: ColourwaySpec;
  /** A tile for print (its repeat, size and DPI; width and height are its side): rendered seamless under the repeat. */
  print?: PrintSpec;
};

/** A colourway's design as the worker's colourway stage checked it on chain, as JSON. */
export type CarriedDesign = Omit<NonNullable<PipelineContext["design"]>, "seed"> & { seed: string };

/**
 * What the worker's stages accumulated, as JSON: everything the minter's stages need (the lineage's
 * parts, the hashes to screen again), not the image bytes. No key involved.
 */
export type CarriedContext = {
  rendered: Omit<RenderSummary, "seed"> & { seed: string };
  fingerprint: FingerprintOutput;
  pinned: { imageCid: string; metadataCid: string; metadataDigest: Hex; metadataCodec: number };
  /** A colourway's design (the colourway stage's check): the minter screens it as family and mints it linked to it. */
  design?: CarriedDesign;
};

/** A worker's result: the refusal in the words every path gives, or the context for the minter. */
export type RenderJobResult = { status: "refused"; contentDigest?: Hex; code: Refusal["code"]; reason: string } | { status: "pinned"; contentDigest: Hex; carried: CarriedContext };

/** A failed job whose failure is a refusal (bad request, unregistered model) carries it as its progress. */
type RefusalProgress = { refusal: { code: Refusal["code"]; reason: string } };

export function carry(ctx: PipelineContext): CarriedContext {
  const { rendered, fingerprint, pinned } = ctx as Required<PipelineContext>;
  return {
    rendered: { ...rendered, seed: rendered.seed.toString() },
    fingerprint,
    pinned: { imageCid: pinned.imageCid.toString(), metadataCid: pinned.metadataCid.toString(), metadataDigest: pinned.metadataDigest, metadataCodec: pinned.metadataCodec },
    ...(ctx.design !== undefined ? { design: { ...ctx.design, seed: ctx.design.seed.toString() } } : {}),
  };
}

/**
 * The minter's context of a worker's result; the metadata bytes stay in the store (the minter needs
 * their digest). A colourway comes with the design the worker checked, which must be the one its
 * request names (a worker's result for another request is an error, not a pattern to mint).
 */
export function uncarry(request: PatternRequest, c: CarriedContext): PipelineContext {
  const pinned: PinOutput = { ...c.pinned, imageCid: CID.parse(c.pinned.imageCid), metadataCid: CID.parse(c.pinned.metadataCid), metadata: new Uint8Array(0) };
  const named = request.colourway?.design;
  const carried = c.design?.id;
  if (named !== undefined || carried !== undefined) {
    if (named === undefined || carried === undefined || BigInt(named) !== BigInt(carried)) {
      throw new Error(
        `queue: the worker's result for ${c.rendered.contentDigest} carries ${carried === undefined ? "no design" : `design ${carried}`}, but its request ${named === undefined ? "is no colourway" : `is a colourway of ${named}`}`,
      );
    }
  }
  return {
    request,
    rendered: { ...c.rendered, seed: BigInt(c.rendered.seed) },
    fingerprint: c.fingerprint,
    pinned,
    ...(c.design !== undefined ? { design: { ...c.design, seed: BigInt(c.design.seed) } } : {}),
  };
}

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

export const toRequest = (d: RenderJobData): PatternRequest => ({
  model: d.model,
  seed: BigInt(d.seed),
  params: d.params,
  width: d.width,
  height: d.height,
  ...(d.print !== undefined ? { print: d.print } : {}),
  ...(d.colourway !== undefined ? { colourway: d.colourway } : {}),
});

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
  /** store, pin queue, screening index and stages of this worker (attester and minter are not used). */
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
  const { worker: stages } = queueStages(options.pipeline.stages ?? PIPELINE);
  const worker = new Worker<RenderJobData, RenderJobResult>(
    RENDER_QUEUE,
    async (job) => {
      const d = job.data;
      const env: StageEnv = { config: { ...options.pipeline, modelIds: d.modelIds, creator: d.creator }, options: { mint: false, remember: false } };
      const r = await settleStages(stages, { request: toRequest(d) }, env);
      const contentDigest = r.ctx.rendered?.contentDigest;
      if (r.status === "refused" && r.refusal!.code === "near-duplicate") return { status: "refused", ...(contentDigest ? { contentDigest } : {}), code: r.refusal!.code, reason: r.refusal!.reason };
      if (r.status === "refused") {
        // a bad request fails the same way every time: no retries; the minter journals the refusal
        await job.updateProgress({ refusal: { code: r.refusal!.code, reason: r.refusal!.reason } } satisfies RefusalProgress);
        throw new UnrecoverableError(r.refusal!.reason);
      }
      if (r.status !== "pinned") throw new Error(`worker: the stages ended at "${r.status}", not at pin`);
      return { status: "pinned", contentDigest: contentDigest!, carried: carry(r.ctx) };
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
  /**
   * The minter's pipeline config: its minter (the only sender from the generator key, and the
   * attester: it mints unsigned), the screening index of the chain's certificates (every result is
   * screened again here before it is minted) and the banks holding it, royalty, stages.
   */
  pipeline: PipelineConfig;
  batchSize?: number;
  /** How often, at most, job states are read again in case a queue event was missed (default 5 s). */
  rescanMs?: number;
  onProgress?: (p: { done: number; total: number; minted: number; refused: number; dead: number; waiting: number }) => void;
};

export type DrainSummary = { minted: number; pinned: number; refused: number; dead: number };

/**
 * Waits for every job of the batch to finish, minting finished ones in batches as they come (one
 * sender: no nonce races) and journaling each pattern. Finished jobs are learnt from BullMQ's
 * QueueEvents (completed / failed), not by reading every job's state in a loop. The minter runs the
 * definition's central stages again (this generator's own certificate from an earlier run? screening
 * against the chain and the whole batch), then attest and mint, through the same runner and journal
 * records as the in-process batch. Idempotent: journaled patterns are skipped.
 */
export async function drainBatch(o: DrainOptions): Promise<DrainSummary> {
  // a job named twice (two identical colourway maps: one job id) is one job: waiting for it twice never ends (audit 34)
  const jobIds = [...new Set(o.jobIds)];
  const total = jobIds.length;
  const summary: DrainSummary = { minted: 0, pinned: 0, refused: 0, dead: 0 };
  const settled = new Set<string>();
  const wanted = new Set(jobIds);
  for (const id of jobIds) {
    const step = o.journal.get(id)?.step;
    if (step === "minted" || step === "refused" || step === "dead" || (step === "pinned" && o.pipeline.minter === undefined)) settled.add(id);
  }
  const { minter: minterStages } = queueStages(o.pipeline.stages ?? PIPELINE);
  const firstBatch = minterStages.findIndex((s) => s.batch !== undefined);
  const perPattern = firstBatch < 0 ? minterStages : minterStages.slice(0, firstBatch);
  const together = firstBatch < 0 ? [] : minterStages.slice(firstBatch);
  // one set of banks for the whole drain (made here when the config has none): each job's env is a
  // copy of the config, and a bank made on a copy would forget what the round kept (its tile hashes,
  // the designs of its colourways: audit 33)
  o.pipeline.banks ??= BankSet.ofIndex(o.pipeline.index);
  const config: PipelineConfig = { ...o.pipeline, ...(o.pipeline.minter !== undefined ? { attester: "minter" as const } : {}) };
  const envOf = (d: RenderJobData): StageEnv => ({ config: { ...config, modelIds: d.modelIds, creator: d.creator }, options: { resume: true } });
  const count = (r: RunResult) => (r.status === "refused" ? summary.refused++ : r.status === "pinned" ? summary.pinned++ : summary.minted++);

  // subscribe first, then read the states once: a job finishing in between is seen either way
  const events = new QueueEvents(RENDER_QUEUE, { connection: o.queue.opts.connection });
  const finished: string[] = [];
  let wake: () => void = () => {};
  const notify = (id: string) => {
    if (wanted.has(id) && !settled.has(id)) {
      finished.push(id);
      wake();
    }
  };
  events.on("completed", ({ jobId }) => notify(jobId));
  events.on("failed", ({ jobId }) => notify(jobId));
  try {
    await events.waitUntilReady();
    let lastScan = 0;
    for (;;) {
      if (Date.now() - lastScan >= (o.rescanMs ?? 5000)) {
        lastScan = Date.now();
        for (const id of jobIds) if (!settled.has(id)) finished.push(id);
      }
      const ready: RunResult[] = [];
      const readyIds: string[] = [];
      for (const id of new Set(finished.splice(0))) {
        if (settled.has(id)) continue;
        // the state first, then the job: a job read before it completed would lack its result
        const state = await o.queue.getJobState(id);
        if (state !== "completed" && state !== "failed") continue;
        const job: Job<RenderJobData, RenderJobResult> = (await o.queue.getJob(id))!;
        if (state === "failed") {
          // "failed" is final: a job with attempts left waits (delayed) instead
          const refusal = (job.progress as Partial<RefusalProgress> | undefined)?.refusal;
          await o.journal.write(refusal !== undefined ? { key: id, step: "refused", code: refusal.code, reason: refusal.reason } : { key: id, step: "dead", reason: job.failedReason });
          settled.add(id);
          if (refusal !== undefined) summary.refused++;
          else summary.dead++;
          continue;
        }
        const res = job.returnvalue;
        if (res.status === "refused") {
          await o.journal.write({ key: id, step: "refused", ...(res.contentDigest ? { contentDigest: res.contentDigest } : {}), code: res.code, reason: res.reason });
          settled.add(id);
          summary.refused++;
          continue;
        }
        let ctx: PipelineContext;
        try {
          ctx = uncarry(toRequest(job.data), res.carried);
        } catch (error) {
          // a result that does not answer its request is never minted: dead-lettered in the journal, with why
          await o.journal.write({ key: id, step: "dead", reason: (error as Error).message });
          settled.add(id);
          summary.dead++;
          continue;
        }
        // a colourway's design read again by the minter, with its own account: the owner may have
        // changed since the worker's read, and the minter (it signs nothing) sends only what it may
        const r = await settleStages(ctx.design !== undefined && config.minter !== undefined ? [colourwayStage, ...perPattern] : perPattern, ctx, envOf(job.data), "pinned");
        if (r.status === "attested" && together.length > 0) {
          ready.push(r);
          readyIds.push(id);
          continue;
        }
        await o.journal.write(journalRecord(id, r));
        settled.add(id);
        count(r);
      }
      const batchSize = o.batchSize ?? 50;
      for (let i = 0; i < ready.length; i += batchSize) {
        const runs = await runStagesTogether(together, ready.slice(i, i + batchSize), { config, options: { resume: true } });
        for (const [j, r] of runs.entries()) {
          const id = readyIds[i + j]!;
          await o.journal.write(journalRecord(id, r));
          settled.add(id);
          count(r);
        }
      }
      o.onProgress?.({ done: settled.size, total, minted: summary.minted, refused: summary.refused, dead: summary.dead, waiting: total - settled.size });
      if (settled.size === total) return summary;
      if (finished.length === 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.max(0, (o.rescanMs ?? 5000) - (Date.now() - lastScan)));
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = () => {};
      }
    }
  } finally {
    await events.close();
  }
}
