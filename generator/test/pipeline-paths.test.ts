import { expect } from "chai";
import { modelRegistration } from "@motif/sdk";
import path from "node:path";
import { network } from "hardhat";
import { Queue } from "bullmq";
import { type Address, getAddress } from "viem";

import { jobKey, runBatch } from "../src/batch/batch.js";
import { chainFromEnv } from "../src/cli/chain.js";
import { Journal } from "../src/batch/journal.js";
import { pipelineConfig } from "../src/config.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { PIPELINE, type PatternRequest, type PipelineConfig, runPipeline } from "../src/pipeline.js";
import { RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection, startWorker } from "../src/queue/distributed.js";
import { loadManifest, render } from "../src/render/render.js";
import { Bank } from "../src/screen/banks.js";
import { certificateBanks } from "../src/screen/from-chain.js";
import { DEFAULT_THRESHOLDS } from "../src/screen/signals.js";
import { attestStage } from "../src/stages/attest.js";
import { certifiedStage } from "../src/stages/certified.js";
import { colourwayStage } from "../src/stages/colourway.js";
import { fingerprint, fingerprintStage } from "../src/stages/fingerprint.js";
import { mint, mintStage } from "../src/stages/mint.js";
import { pinStage } from "../src/stages/pin.js";
import { recipeStage } from "../src/stages/recipe.js";
import { type PatternOutcome, outcomeOf } from "../src/stages/refusal.js";
import { renderStage } from "../src/stages/render.js";
import { screenStage } from "../src/stages/screen.js";
import { defineStage, refuse } from "../src/stages/stage.js";
import { deployMotif } from "../../scripts/lib/deploy.js";
import { motifTempDir } from "../../test/ts/helpers/pipeline.js";
import { startRedis } from "../../test/ts/helpers/procs.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

const request = (model: string, seed: bigint): PatternRequest => ({ model, seed, params: { scale: 3, sharpness: 6 }, width: 96, height: 96 });
const jobData = (r: PatternRequest, modelIds: Record<string, number>, creator: Address): RenderJobData => ({
  batchId: "paths",
  model: r.model,
  seed: r.seed.toString(),
  params: r.params as RenderJobData["params"],
  width: r.width,
  height: r.height,
  modelIds,
  creator,
});

/**
 * The three paths over the same inputs: in-process (`runPipeline`), the journaled batch
 * (`runBatch`) and the queue (a BullMQ worker, then the single minter's `drainBatch`). Each returns
 * what became of each request, read back from where that path reports it.
 */
async function threePaths(fresh: () => Promise<PipelineConfig>, requests: PatternRequest[], redisUrl: string) {
  const inProcess: PatternOutcome[] = [];
  for (const r of requests) inProcess.push(await outcomeOf(runPipeline(await fresh(), r)));

  const fromJournal = (journal: Journal, r: PatternRequest) => {
    const rec = journal.get(jobKey(r))!;
    return rec.step === "refused" ? { status: "refused", code: rec.code, reason: rec.reason } : { status: rec.step };
  };
  const batchFile = path.join(motifTempDir("paths-batch"), "batch.jsonl");
  await runBatch(await fresh(), requests, batchFile);
  const batchJournal = await Journal.open(batchFile);
  const batch = requests.map((r) => fromJournal(batchJournal, r));

  const connection = redisConnection(redisUrl);
  const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection });
  const minterConfig = await fresh();
  const { attester: _a, minter: _m, ...workerConfig } = await fresh();
  const worker = startWorker({ connection, pipeline: workerConfig });
  try {
    const ids = await enqueueBatch(queue, requests.map((r) => jobData(r, minterConfig.modelIds, minterConfig.creator)));
    const queueFile = path.join(motifTempDir("paths-queue"), "queue.jsonl");
    const journal = await Journal.open(queueFile);
    await drainBatch({ queue, jobIds: ids, journal, pipeline: minterConfig, rescanMs: 60_000 });
    const queued = requests.map((r) => fromJournal(journal, r));
    return { inProcess, batch, queued };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

describe("one pipeline: in-process, journaled batch and queue run the same stages and refuse in the same words", function () {
  this.timeout(600_000);

  it("refuses a screened-out copy, an unknown / unregistered / deprecated model and a pattern someone else certified identically on every path, and a stage added by one line runs on all three", async () => {
    const redis = await startRedis();
    const connection = await network.create();
    try {
      const { viem } = connection;
      const publicClient = await viem.getPublicClient();
      const [admin, generatorWallet, otherWallet] = await viem.getWalletClients();
      const { registry, certificate } = await deployMotif(connection, { attesters: [generatorWallet!.account.address] });
      const manifest = await loadManifest();
      const register = async (name: string) => {
        const m = manifest.find((x) => x.name === name)!;
        await registry.write.registerModel([modelRegistration({ owner: getAddress(admin!.account.address), weightsDigest: m.sha256, weightsCidDigest: m.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name, version: m.version, cardDigest: m.cardDigest })]);
        return registry.read.modelIdByWeights([m.sha256]);
      };
      const modelIds = { weld: await register("weld"), madder: await register("madder") }; // indigo never registered
      await registry.write.deprecateModel([modelIds.madder]);
      const chainId = await publicClient.getChainId();
      const store = new EmbeddedIpfs(motifTempDir("paths-ipfs"));
      const chainOf = (wallet: typeof generatorWallet, creator: Address) => ({
        attester: { signer: { client: wallet!, account: wallet!.account }, chainId, certificate: certificate.address },
        minter: { wallet: wallet!, publicClient, certificate: certificate.address },
        modelIds,
        creator,
      });
      const generator = getAddress(generatorWallet!.account.address);

      // Someone else's certificate of exactly the pattern weld #31 renders: minted before the runs.
      const foreign = request("weld", 31n);
      const first = await runPipeline(pipelineConfig({ store, chain: chainOf(generatorWallet, getAddress(otherWallet!.account.address)) }), foreign);
      expect(first.status).to.equal("minted");

      // A studio archive's block bank holds weld #32's PDQ hash.
      const copy = request("weld", 32n);
      const copyPdq = (await fingerprint({ png: (await render(copy)).png })).pdq.original;
      const fresh = async () => {
        const screening = await certificateBanks(publicClient, certificate.address);
        const archive = new Bank({ name: "studio-archive", kind: "block", thresholds: DEFAULT_THRESHOLDS });
        archive.add({ signal: "pdq", hash: copyPdq, label: "archive #7" });
        screening.banks.replace([archive]);
        return pipelineConfig({ store, ...screening, chain: chainOf(generatorWallet, generator) });
      };

      const inputs = [copy, request("cobalt", 1n), request("indigo", 2n), request("madder", 3n), foreign];
      const { inProcess, batch, queued } = await threePaths(fresh, inputs, redis.url);
      const digest = first.rendered.contentDigest;
      // what each refusal must say, written out here rather than taken from the code
      expect(inProcess).to.have.length(5);
      expect(inProcess[0]).to.deep.equal({ status: "refused", code: "near-duplicate", reason: "near-duplicate of archive #7 at distance 0 (bank studio-archive, pdq; as is)" });
      expect(inProcess[1]).to.deep.include({ status: "refused", code: "invalid-request" });
      expect((inProcess[1] as { reason: string }).reason).to.match(/^model: unknown model "cobalt"; known: .*weld/);
      expect(inProcess[2]).to.deep.include({ status: "refused", code: "model-not-registered" });
      expect((inProcess[2] as { reason: string }).reason).to.contain('"indigo"');
      expect(inProcess[3]).to.deep.include({ status: "refused", code: "model-inactive" });
      expect((inProcess[3] as { reason: string }).reason).to.contain(`MotifCertificateModelNotActive`).and.to.contain(String(modelIds.madder));
      expect(inProcess[4]).to.deep.equal({ status: "refused", code: "near-duplicate", reason: `near-duplicate of certificate ${digest} at distance 0 (bank certificates, pdq; as is)` });
      // the same status, code and words on the other two paths
      expect(batch, "batch").to.deep.equal(inProcess);
      expect(queued, "queue").to.deep.equal(inProcess);
      // nothing of these was minted on any path: only the foreign certificate exists
      expect(await certificate.getEvents.CertificateMinted({}, { fromBlock: 0n })).to.have.length(1);

      // Extensibility: a content check between fingerprint and screen, one stage object plus one line.
      // It refuses patterns whose PNG is over a size budget, set between a small and a large pattern's.
      const two = [
        { model: "weld", seed: 40n, params: { scale: 1, sharpness: 0.25 }, width: 96, height: 96 },
        { model: "weld", seed: 41n, params: { scale: 8, sharpness: 32 }, width: 96, height: 96 },
      ];
      const sized = await Promise.all(two.map(async (r) => ({ r, bytes: (await render(r)).png.length })));
      sized.sort((x, y) => x.bytes - y.bytes);
      const [{ r: small, bytes: smallBytes }, { r: large, bytes: largeBytes }] = sized as [(typeof sized)[0], (typeof sized)[0]];
      expect(smallBytes).to.be.below(largeBytes);
      const budget = Math.floor((smallBytes + largeBytes) / 2);
      const ran: string[] = [];
      const contentCheck = defineStage({
        name: "content-check",
        needs: ["png", "rendered"],
        async run(ctx) {
          ran.push(ctx.rendered.contentDigest);
          return ctx.png.length > budget ? refuse({ code: "over-budget", reason: `content check: the PNG is ${ctx.png.length} bytes, over the ${budget}-byte budget` }) : {};
        },
      });
      const stages = [
        recipeStage,
        colourwayStage,
        renderStage,
        fingerprintStage,
        contentCheck, // the one new line
        certifiedStage,
        screenStage,
        pinStage,
        attestStage,
        mintStage,
      ];
      expect(stages.filter((s) => s !== contentCheck).map((s) => s.name)).to.deep.equal(PIPELINE.map((s) => s.name));
      const checked = async () => ({ ...(await fresh()), stages });
      const largeDigest = (await render(large)).contentDigest;
      const withCheck = await threePaths(checked, [large], redis.url);
      const refusedByCheck = { status: "refused", code: "over-budget", reason: `content check: the PNG is ${largeBytes} bytes, over the ${budget}-byte budget` };
      expect(withCheck).to.deep.equal({ inProcess: [refusedByCheck], batch: [refusedByCheck], queued: [refusedByCheck] });
      expect(ran.filter((d) => d === largeDigest)).to.have.length(3); // once per path (the queue: in its worker)
      // a pattern the check passes goes on to be minted
      const passed = await runPipeline(await checked(), small);
      expect(passed.status).to.equal("minted");
      expect(ran.at(-1)).to.equal(passed.rendered.contentDigest);
    } finally {
      await connection.close();
      redis.stop();
    }
  });

  it("mints concurrently from the CLI's generator key (viem's nonce manager) with no nonce retry at all", async () => {
    const chain = await remoteChainWithMotif();
    try {
      const setup = (await chainFromEnv(chain.env))!;
      const config = pipelineConfig({ store: new EmbeddedIpfs(motifTempDir("paths-nonce")), chain: setup });
      const attested = [];
      for (const seed of [51n, 52n, 53n, 54n]) {
        const r = await runPipeline(config, request("weld", seed), { mint: false });
        if (r.status !== "attested") throw new Error(`expected attested, got ${r.status}`);
        attested.push(r.request);
      }
      // four mints at once from one process, none retried: each must get its own nonce
      const minted = await Promise.all(attested.map((req) => mint(setup.minter, { requests: [req] }, 0)));
      expect(new Set(minted.map((m) => m.transactionHash)).size).to.equal(4);
      const events = await chain.certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
      expect(events.map((e) => e.args.tokenId).sort()).to.deep.equal(attested.map((r) => BigInt(r.lineage.contentDigest)).sort());
    } finally {
      await chain.close();
    }
  });
});
