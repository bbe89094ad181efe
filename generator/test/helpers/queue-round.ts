import path from "node:path";
import { Queue, type Worker } from "bullmq";

import { Journal } from "../../src/batch/journal.js";
import type { PatternRequest, PipelineConfig } from "../../src/pipeline.js";
import { type DrainSummary, RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection, startWorker } from "../../src/queue/distributed.js";
import { startRedis } from "../../../test/ts/helpers/procs.js";

/**
 * One round of the queue path: `jobs` enqueued on a Redis of their own, a worker over `workerConfig`
 * (its minter, attester, model ids and creator left out, as `motif worker` has them) finishing every
 * one of them first, then one drain by a minter over `minterConfig`, journaled in `dir`. The summary,
 * each job's journal words (its reason, else its step) and the job ids; Redis, queue and worker
 * closed after, whatever happens.
 */
export async function queueRound(jobs: PatternRequest[], workerConfig: PipelineConfig, minterConfig: PipelineConfig, dir: string): Promise<{ summary: DrainSummary; words: string; ids: string[] }> {
  const redis = await startRedis();
  const connection = redisConnection(redis.url);
  const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection });
  const { attester: _a, minter: _m, modelIds: _i, creator: _c, ...pipeline } = workerConfig;
  const worker: Worker = startWorker({ connection, pipeline });
  try {
    const data: RenderJobData[] = jobs.map((j) => ({
      batchId: "round",
      model: j.model,
      seed: j.seed.toString(),
      params: j.params,
      width: j.width,
      height: j.height,
      modelIds: minterConfig.modelIds,
      creator: minterConfig.creator,
      ...(j.colourway !== undefined ? { colourway: j.colourway } : {}),
    }));
    const ids = await enqueueBatch(queue, data);
    // the worker finishes every job before the minter drains: one round (a minter that drains as each
    // finishes mints the first before it screens the next)
    for (let i = 0; !(await Promise.all(ids.map((id) => queue.getJobState(id)))).every((s) => s === "completed"); i++) {
      if (i > 600) throw new Error(`the worker did not finish the ${ids.length} jobs in 60 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const journal = await Journal.open(path.join(dir, "queue.jsonl"));
    const summary = await drainBatch({ queue, jobIds: ids, journal, pipeline: minterConfig, rescanMs: 500 });
    return { summary, words: JSON.stringify(ids.map((id) => journal.get(id)?.reason ?? journal.get(id)?.step)), ids };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
    redis.stop();
  }
}
