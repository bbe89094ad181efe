import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue, type Worker } from "bullmq";
import { getAddress } from "viem";

import { motifCertificateAbi } from "@motif/sdk";
import { Journal } from "../src/batch/journal.js";
import { chainFromEnv } from "../src/cli/chain.js";
import { pipelineConfig } from "../src/config.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { runPipeline } from "../src/pipeline.js";
import { RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection, startWorker } from "../src/queue/distributed.js";
import { closeRenderPools } from "../src/render/render.js";
import { certificateBanks } from "../src/screen/from-chain.js";
import { startRedis } from "../../test/ts/helpers/procs.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";


/**
 * Audit session 30 (queue path) of c22d549: "the queue's minter path (attester "minter", unsigned)
 * refuses" a colourway the generator may not send. The queue runs the colourway stage in the worker
 * with `mint: false` (and no minter), so the stage's owner checks never run there, and the minter
 * does not run the colourway stage again. Oracle: the journal and the chain.
 */
describe("audit session 30: colourways through the queue's minter", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  async function setup(studio: boolean) {
    const redis = await startRedis();
    const chain = await remoteChainWithMotif();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-a30-queue-"));
    const connection = redisConnection(redis.url);
    const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection });
    const studioAddress = getAddress(chain.deployed.wallets[2]!.account.address);
    const setupChain = (await chainFromEnv({ ...chain.env, ...(studio ? { MOTIF_CREATOR: studioAddress } : {}) }))!;
    const { publicClient, certificate } = setupChain.minter;
    const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
    const fresh = async () => pipelineConfig({ store, ...(await certificateBanks(publicClient, certificate)), chain: setupChain });
    const base = { model: "weld", seed: 77n, params: { scale: 3, sharpness: 6 }, width: 128, height: 128 };
    const design = await runPipeline(await fresh(), base);
    expect(design.status).to.equal("minted");
    const designId = design.rendered.contentDigest;
    const spec = await recolourOf(design.rendered.png, designId);
    const { attester: _a, minter: _m, modelIds: _i, creator: _c, ...workerConfig } = await fresh();
    const worker: Worker = startWorker({ connection, pipeline: workerConfig });
    const minterConfig = await fresh();
    const job: RenderJobData = { batchId: "a30", model: base.model, seed: base.seed.toString(), params: base.params, width: base.width, height: base.height, modelIds: minterConfig.modelIds, creator: minterConfig.creator, colourway: spec };
    const journal = await Journal.open(path.join(dir, "queue.jsonl"));
    const close = async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      await chain.close();
      redis.stop();
      rmSync(dir, { recursive: true, force: true });
    };
    return { chain, queue, job, journal, minterConfig, designId, publicClient, certificate, studioAddress, close };
  }

  it("FIXED finding_queueOwnerSendsNotRefused: a colourway of a design its studio holds (the generator not approved) is refused by the queue's minter, as promised", async () => {
    const s = await setup(true);
    try {
      const ids = await enqueueBatch(s.queue, [s.job]);
      const summary = await drainBatch({ queue: s.queue, jobIds: ids, journal: s.journal, pipeline: s.minterConfig, rescanMs: 60_000 });
      const record = s.journal.get(ids[0]!)!;
      // the promise: the queue's minter (unsigned, attester "minter") refuses it
      expect(record.step, "journal step").to.equal("refused");
      expect(summary).to.deep.equal({ minted: 0, pinned: 0, refused: 1, dead: 0 });
    } finally {
      await s.close();
    }
  });

  it("FIXED finding_queuePoisonAfterSale: a colourway whose design is sold after the worker checked it is journaled refused, and does not stop the drain", async () => {
    const s = await setup(false);
    try {
      const ids = await enqueueBatch(s.queue, [s.job]);
      // the worker checks the design (held by the generator's own account) and pins the colourway
      for (let i = 0; i < 600 && (await s.queue.getJobState(ids[0]!)) !== "completed"; i++) await new Promise((r) => setTimeout(r, 200));
      expect(await s.queue.getJobState(ids[0]!)).to.equal("completed");
      // then the generator's account sells the design
      const generator = s.chain.deployed.wallets[1]!;
      const hash = await generator.writeContract({ address: s.certificate, abi: motifCertificateAbi, functionName: "transferFrom", args: [generator.account.address, s.studioAddress, BigInt(s.designId)], account: generator.account, chain: generator.chain });
      await s.publicClient.waitForTransactionReceipt({ hash });
      const drain = () => drainBatch({ queue: s.queue, jobIds: ids, journal: s.journal, pipeline: s.minterConfig, rescanMs: 60_000 }).then((summary) => ({ summary }), (error: unknown) => ({ error: (error as Error).message.split("\n").slice(0, 3).join(" | ") }));
      const first = await drain();
      const second = await drain();
      expect(first, "the first drain").to.not.have.property("error");
      expect(s.journal.get(ids[0]!)?.step).to.equal("refused");
    } finally {
      await s.close();
    }
  });
});
