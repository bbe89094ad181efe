/**
 * Several colourways of one design in one round: a batch, or a queue's minter draining its workers'
 * results. Each colourway is a recolour of the design, so its siblings' hashes are near its own: the
 * chain lists none of them when the colourway stage reads the design, yet each is family, not a copy.
 * Before the fix, the second colourway of a round was refused as a near-duplicate of the first (the
 * first, kept in this process, was not known as the design's). Oracle: the chain's colourway list.
 */
import path from "node:path";
import { expect } from "chai";
import { Queue, type Worker } from "bullmq";

import { getColourways } from "@motif/sdk";
import { runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import type { PatternRequest } from "../src/pipeline.js";
import { RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection, startWorker } from "../src/queue/distributed.js";
import { closeRenderPools } from "../src/render/render.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { startRedis } from "../../test/ts/helpers/procs.js";
import { type DesignOnChain, withDesignOnChain } from "./helpers/design-on-chain.js";

describe("colourways: several of one design in one round (batch, queue)", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  /** A design minted from `seed` on a fresh chain, three colourways of it (recoloured by 24, 40 and 56 levels), then `body`. */
  const withThreeColourways = (seed: bigint, body: (s: { fresh: DesignOnChain["fresh"]; jobs: PatternRequest[]; dir: string; colourwaysOnChain: () => Promise<readonly bigint[]> }) => Promise<void>) =>
    withDesignOnChain(seed, async ({ publicClient, certificate, fresh, design, base, dir }) => {
      const jobs = await Promise.all([24, 40, 56].map(async (by) => ({ ...base, colourway: await recolourOf(design.rendered.png, design.rendered.contentDigest, by) })));
      await body({ fresh, jobs, dir, colourwaysOnChain: () => getColourways(publicClient, { certificate, designId: BigInt(design.rendered.contentDigest) }) });
    });

  it("a batch of three colourways of one design mints all three, each linked to the design", async () => {
    await withThreeColourways(92n, async ({ fresh, jobs, dir, colourwaysOnChain }) => {
      const summary = await runBatch(await fresh(), jobs, path.join(dir, "batch.jsonl"));
      expect(summary).to.deep.include({ minted: 3, refused: 0 });
      expect((await colourwaysOnChain()).length).to.equal(3);
    });
  });

  it("a queue's minter draining three colourways of one design, finished by its workers, mints all three", async () => {
    await withThreeColourways(93n, async ({ fresh, jobs, dir, colourwaysOnChain }) => {
      const redis = await startRedis();
      const connection = redisConnection(redis.url);
      const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection });
      const { attester: _a, minter: _m, modelIds: _i, creator: _c, ...workerConfig } = await fresh();
      const worker: Worker = startWorker({ connection, pipeline: workerConfig });
      try {
        const minterConfig = await fresh();
        const data: RenderJobData[] = jobs.map((j) => ({ batchId: "round", model: j.model, seed: j.seed.toString(), params: j.params, width: j.width, height: j.height, modelIds: minterConfig.modelIds, creator: minterConfig.creator, colourway: j.colourway! }));
        const ids = await enqueueBatch(queue, data);
        // the workers finish all three before the minter drains: one round (a minter that drains as
        // each finishes mints the first before it screens the next, and the chain then lists it)
        for (let i = 0; !(await Promise.all(ids.map((id) => queue.getJobState(id)))).every((s) => s === "completed"); i++) {
          if (i > 600) throw new Error("the worker did not finish the three jobs in 60 s");
          await new Promise((r) => setTimeout(r, 100));
        }
        const journal = await Journal.open(path.join(dir, "queue.jsonl"));
        const summary = await drainBatch({ queue, jobIds: ids, journal, pipeline: minterConfig, rescanMs: 500 });
        expect(summary, JSON.stringify(ids.map((id) => journal.get(id)?.reason ?? journal.get(id)?.step))).to.deep.equal({ minted: 3, pinned: 0, refused: 0, dead: 0 });
        expect((await colourwaysOnChain()).length).to.equal(3);
      } finally {
        await worker.close();
        await queue.obliterate({ force: true });
        await queue.close();
        redis.stop();
      }
    });
  });
});
