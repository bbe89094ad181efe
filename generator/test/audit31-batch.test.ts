import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getAddress } from "viem";

import { getColourways, mintColourway } from "@motif/sdk";
import { jobKey, reviveRequest, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import { chainFromEnv } from "../src/cli/chain.js";
import { pipelineConfig } from "../src/config.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { runPipeline } from "../src/pipeline.js";
import { closeRenderPools } from "../src/render/render.js";
import { certificateBanks } from "../src/screen/from-chain.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";


/** Audit 31: the batch's expired-attestation path (ceaaafd) with a colourway its owner sent before the deadline, rerun after it. */
describe("audit31: batch, an owner-sent colourway rerun after its attestation expired", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  it("held_expiredOwnerSentColourway: the owner sent it before the deadline; a rerun the next day journals it minted, nothing attested again", async () => {
    const chain = await remoteChainWithMotif();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-a31-owner-"));
    try {
      const setup = (await chainFromEnv(chain.env))!;
      const { publicClient, certificate } = setup.minter;
      const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
      const fresh = async () => pipelineConfig({ store, ...(await certificateBanks(publicClient, certificate)), chain: setup });
      const studioWallet = chain.deployed.wallets[2]!;
      const studio = getAddress(studioWallet.account.address);
      const base = { model: "weld", seed: 91n, params: { scale: 3, sharpness: 6 }, width: 128, height: 128 };
      const design = await runPipeline(await fresh(), { ...base, to: studio });
      expect(design.status).to.equal("minted");
      const job = { ...base, colourway: await recolourOf(design.rendered.png, design.rendered.contentDigest) };
      const journalFile = path.join(dir, "batch.jsonl");
      expect(await runBatch(await fresh(), [job], journalFile)).to.include({ attested: 1, minted: 0 });
      const record = (await Journal.open(journalFile)).get(jobKey(job))!;
      const request = reviveRequest(record.request);
      const hash = await mintColourway(studioWallet, { certificate, request, designId: BigInt(design.rendered.contentDigest) });
      await publicClient.waitForTransactionReceipt({ hash });
      // the next day: the chain's clock past the deadline
      await publicClient.request({ method: "evm_increaseTime" as never, params: [86_400 * 2] as never });
      await publicClient.request({ method: "evm_mine" as never, params: [] as never });
      expect((await publicClient.getBlock()).timestamp > request.deadline).to.equal(true);
      const outcome = await runBatch(await fresh(), [job], journalFile).then((s) => ({ s }), (e: unknown) => ({ error: (e as Error).message.split("\n")[0] }));
      const after = (await Journal.open(journalFile)).get(jobKey(job))!;
      expect({ outcome, step: after.step }, JSON.stringify(after, (_, v) => (typeof v === "bigint" ? v.toString() : v)).slice(0, 400)).to.deep.include({ step: "minted" });
      expect(await getColourways(publicClient, { certificate, designId: BigInt(design.rendered.contentDigest) })).to.deep.equal([BigInt(record.contentDigest!)]);
    } finally {
      await chain.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
