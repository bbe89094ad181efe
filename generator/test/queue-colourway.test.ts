import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";
import { getAddress } from "viem";

import { getCertificate, getColourways, getDesignOf, motifCertificateAbi, renderParamsHash } from "@motif/sdk";
import { jobKey } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import { chainFromEnv } from "../src/cli/chain.js";
import { pipelineConfig } from "../src/config.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { runPipeline } from "../src/pipeline.js";
import { type CarriedContext, RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection, toRequest, uncarry } from "../src/queue/distributed.js";
import { closeRenderPools, render } from "../src/render/render.js";
import { certificateBanks } from "../src/screen/from-chain.js";
import { npxMotif, startRedis } from "../../test/ts/helpers/procs.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";


/**
 * A colourway through the queue path: a `motif worker` process (no key; MOTIF_RPC_URL to read the
 * chain) checks its design on chain in the colourway stage, renders, screens it as family and pins it; the single minter screens it again and
 * mints it. The design the worker checked must reach the minter, so the colourway is minted with
 * `mintColourway` (linked to its design) and not as a plain pattern (which screening would refuse as
 * a copy of its design, or the chain would hold unlinked). Oracle: the chain's `designOf` and
 * `ColourwayMinted` logs.
 */
describe("queue: a colourway job through a worker and the single minter is minted with mintColourway, linked to its design", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  it("journals it minted, and the chain's designOf names its design", async () => {
    const redis = await startRedis();
    const chain = await remoteChainWithMotif();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-queue-colourway-"));
    const connection = redisConnection(redis.url);
    const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection });
    let worker: Awaited<ReturnType<typeof npxMotif>> | undefined;
    try {
      const setup = (await chainFromEnv(chain.env))!;
      const { publicClient, certificate } = setup.minter;
      const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
      // each path's config as the CLI builds it: screening against the chain's certificates
      const fresh = async () => pipelineConfig({ store, ...(await certificateBanks(publicClient, certificate)), chain: setup });

      // the design, minted in-process by the same generator
      const base = { model: "weld", seed: 77n, params: { scale: 3, sharpness: 6 }, width: 128, height: 128 };
      const design = await runPipeline(await fresh(), base);
      expect(design.status).to.equal("minted");
      const designId = design.rendered.contentDigest;

      // its two commonest colours moved a little: the same design to screening, a new certificate
      const spec = await recolourOf(design.rendered.png, designId);

      // a design the generator minted to a studio: a colourway of it is the studio's to send
      const studio = getAddress(chain.deployed.wallets[2]!.account.address);
      const studioDesign = await runPipeline(await fresh(), { ...base, seed: 79n, to: studio });
      expect(studioDesign.status).to.equal("minted");

      // a `motif worker` without the generator key: the pipeline up to pin, reading designs on chain
      worker = await npxMotif(["worker", "--store", path.join(dir, "ipfs")], { MOTIF_REDIS_URL: redis.url, MOTIF_RPC_URL: chain.url, MOTIF_CERTIFICATE: chain.record.contracts.MotifCertificate }, /ready/);
      const minterConfig = await fresh();
      const job: RenderJobData = { batchId: "colourway", model: base.model, seed: base.seed.toString(), params: base.params, width: base.width, height: base.height, modelIds: minterConfig.modelIds, creator: minterConfig.creator, colourway: spec };
      // and a tile for print (half-drop, 3.25 cm at 50 DPI: 64 px), its spec carried to the worker
      const print = { repeat: "half-drop" as const, sizeCm: 3.25, dpi: 50 };
      const tile = { model: base.model, seed: 78n, params: base.params, width: 64, height: 64 };
      const printJob: RenderJobData = { ...job, seed: "78", width: 64, height: 64, print, colourway: undefined };
      delete printJob.colourway;
      const studioSpec = { design: studioDesign.rendered.contentDigest, map: spec.map };
      const studioJob: RenderJobData = { ...job, seed: "79", colourway: studioSpec };
      const ids = await enqueueBatch(queue, [job, printJob, studioJob]);
      // a print tile's job is not the plain render's of its size
      expect(ids[1]).to.equal(jobKey({ ...tile, print }));
      expect(ids[1]).to.not.equal(jobKey(tile));
      // the colourway's job is not its design's (same model, seed, params and size): BullMQ would drop it as a duplicate
      expect(ids[0]).to.equal(jobKey(toRequest(job)));
      expect(ids[0]).to.not.equal(jobKey(base));

      const journal = await Journal.open(path.join(dir, "queue.jsonl"));
      const summary = await drainBatch({ queue, jobIds: ids, journal, pipeline: minterConfig, rescanMs: 60_000 });
      const record = journal.get(ids[0]!)!;
      expect(summary, JSON.stringify([record, journal.get(ids[1]!), journal.get(ids[2]!), worker.output()])).to.deep.equal({ minted: 2, pinned: 0, refused: 1, dead: 0 });
      expect(record.step).to.equal("minted");
      // the colourway's render, not its design's: the same request rendered here gives its bytes
      const tokenId = BigInt(record.contentDigest!);
      expect(record.contentDigest).to.equal((await render({ ...base, colourway: spec })).contentDigest);
      expect(tokenId).to.not.equal(BigInt(designId));

      // the chain's word: minted, linked to its design for good, listed among its colourways
      const minted = await publicClient.getContractEvents({ address: certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", args: { tokenId }, fromBlock: 0n });
      expect(minted).to.have.length(1);
      expect(await getDesignOf(publicClient, { certificate, tokenId })).to.equal(BigInt(designId));
      expect(await getColourways(publicClient, { certificate, designId: BigInt(designId) })).to.deep.equal([tokenId]);

      // the print tile: the seamless render of its spec (rendered here again, the oracle), its spec in the lineage
      const printed = journal.get(ids[1]!)!;
      expect(printed.step).to.equal("minted");
      const seamless = await render({ ...tile, print });
      expect(printed.contentDigest).to.equal(seamless.contentDigest);
      expect(printed.contentDigest).to.not.equal((await render(tile)).contentDigest);
      const onChain = await getCertificate(publicClient, { certificate, tokenId: BigInt(printed.contentDigest!) });
      expect(onChain.lineage.paramsHash).to.equal(renderParamsHash(base.params, print));

      // the studio's design: the minter, which signs nothing to hand over, refuses its colourway in words; nothing minted
      const refused = journal.get(ids[2]!)!;
      expect(refused.step).to.equal("refused");
      expect(refused.reason, refused.reason).to.contain(`takes a colourway only from its owner ${studio}`);
      expect(await getColourways(publicClient, { certificate, designId: BigInt(studioDesign.rendered.contentDigest) })).to.deep.equal([]);
    } finally {
      worker?.child.kill("SIGTERM");
      expect(await worker?.exited).to.equal(0);
      await queue.obliterate({ force: true });
      await queue.close();
      await chain.close();
      redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a worker's result that does not answer its request's design is not minted: the minter says which design each names", () => {
    const cid = "bafkreifrwies47cp3klp7d2b3iyzznuw35cmg5oja46gr6bxzdoh6cyyru";
    const [a, b] = [`0x${"aa".repeat(32)}`, `0x${"bb".repeat(32)}`] as const;
    const design = (id: `0x${string}`) => ({ id, creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const, modelId: 1, seed: "77", paramsHash: `0x${"cc".repeat(32)}` as const, colourways: [] });
    const carried = (d?: ReturnType<typeof design>) =>
      ({ rendered: { seed: "77", contentDigest: `0x${"dd".repeat(32)}` }, fingerprint: {}, pinned: { imageCid: cid, metadataCid: cid, metadataDigest: `0x${"ee".repeat(32)}`, metadataCodec: 0x55 }, ...(d ? { design: d } : {}) }) as unknown as CarriedContext;
    const request = (colourway?: `0x${string}`) => ({ model: "weld", seed: 77n, params: {}, width: 8, height: 8, ...(colourway ? { colourway: { design: colourway, map: [{ from: "#000000", to: "#ffffff" }] } } : {}) });
    // the design comes back as the worker checked it, its seed a bigint again
    expect(uncarry(request(a), carried(design(a))).design).to.deep.equal({ ...design(a), seed: 77n });
    expect(uncarry(request(), carried()).design).to.equal(undefined);
    const refused = (r: ReturnType<typeof request>, c: CarriedContext) => {
      try {
        uncarry(r, c);
      } catch (error) {
        return (error as Error).message;
      }
      return "accepted";
    };
    const digest = `0x${"dd".repeat(32)}`;
    expect(refused(request(a), carried(design(b)))).to.equal(`queue: the worker's result for ${digest} carries design ${b}, but its request is a colourway of ${a}`);
    expect(refused(request(a), carried())).to.equal(`queue: the worker's result for ${digest} carries no design, but its request is a colourway of ${a}`);
    expect(refused(request(), carried(design(a)))).to.equal(`queue: the worker's result for ${digest} carries design ${a}, but its request is no colourway`);
  });
});
