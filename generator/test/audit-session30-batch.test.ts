import { expect } from "chai";
import path from "node:path";
import { getAddress } from "viem";

import { getColourways, motifCertificateAbi } from "@motif/sdk";
import { jobKey, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import { PIPELINE } from "../src/pipeline.js";
import { closeRenderPools } from "../src/render/render.js";
import type { AnyStage } from "../src/stages/stage.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { withDesignOnChain } from "./helpers/design-on-chain.js";
import { withOwnerSentColourway } from "./helpers/owner-sent-colourway.js";

/**
 * Audit session 30 (in-process batch) of c22d549: a colourway the colourway stage let through (the
 * generator holds the design) whose design is sold before the mint. The chain refuses it
 * (ColourwayOwnerMismatch); the batch should journal it refused and go on, not stop every other job.
 */
describe("audit session 30: a design sold between the colourway check and the mint, in a batch", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  it("FIXED finding_batchStopsOnSoldDesign: the colourway is refused and the next job is still minted", async () => {
    await withDesignOnChain(77n, async ({ chain, publicClient, certificate, fresh, design, base, dir }) => {
      const designId = design.rendered.contentDigest;
      const colourway = { ...base, colourway: await recolourOf(design.rendered.png, designId) };
      const plain = { ...base, seed: 78n };
      // the sale, between the colourway stage's check (before render) and the mint
      const generator = chain.deployed.wallets[1]!;
      const buyer = getAddress(chain.deployed.wallets[3]!.account.address);
      let sold = false;
      const sell = {
        name: "sell",
        needs: [],
        applies: (ctx: { request: { colourway?: unknown } }) => ctx.request.colourway !== undefined,
        async run() {
          if (!sold) {
            sold = true;
            const hash = await generator.writeContract({ address: certificate, abi: motifCertificateAbi, functionName: "transferFrom", args: [generator.account.address, buyer, BigInt(designId)], account: generator.account, chain: generator.chain });
            await publicClient.waitForTransactionReceipt({ hash });
          }
          return {};
        },
      } as unknown as AnyStage;
      const i = PIPELINE.findIndex((s) => s.name === "attest");
      const stages = [...PIPELINE.slice(0, i + 1), sell, ...PIPELINE.slice(i + 1)];
      const config = { ...(await fresh()), stages };
      const journalFile = path.join(dir, "batch.jsonl");
      const outcome = await runBatch(config, [colourway, plain], journalFile).then(
        (summary) => ({ summary }),
        (e: unknown) => ({ error: (e as Error).message.split("\n")[0] }),
      );
      const journal = await Journal.open(journalFile);
      expect(outcome, "the batch").to.not.have.property("error");
      expect(journal.get(jobKey(colourway))?.step).to.equal("refused");
      expect(journal.get(jobKey(plain))?.step).to.equal("minted");
    });
  });

  it("a colourway its design's owner sends: the batch journals it attested, and once the owner has sent it, a rerun journals it minted (not attested for ever)", async () => {
    await withOwnerSentColourway(81n, async ({ publicClient, certificate, fresh, design, job, journalFile, record }) => {
      expect(record.step).to.equal("attested");
      // the studio has sent the signed request the batch journaled
      expect(await runBatch(await fresh(), [job], journalFile)).to.include({ minted: 1, attested: 0 });
      expect((await Journal.open(journalFile)).get(jobKey(job))!.step).to.equal("minted");
      // the chain's word: one colourway in the design's family, the studio's
      expect(await getColourways(publicClient, { certificate, designId: BigInt(design.rendered.contentDigest) })).to.deep.equal([BigInt(record.contentDigest!)]);
    });
  });
});
