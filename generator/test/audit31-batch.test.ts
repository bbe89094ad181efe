import { expect } from "chai";

import { getColourways } from "@motif/sdk";
import { jobKey, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import { closeRenderPools } from "../src/render/render.js";
import { withOwnerSentColourway } from "./helpers/owner-sent-colourway.js";


/** Audit 31: the batch's expired-attestation path (ceaaafd) with a colourway its owner sent before the deadline, rerun after it. */
describe("audit31: batch, an owner-sent colourway rerun after its attestation expired", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  it("held_expiredOwnerSentColourway: the owner sent it before the deadline; a rerun the next day journals it minted, nothing attested again", async () => {
    await withOwnerSentColourway(91n, async ({ publicClient, certificate, fresh, design, job, journalFile, record, request }) => {
      // the next day: the chain's clock past the deadline
      await publicClient.request({ method: "evm_increaseTime" as never, params: [86_400 * 2] as never });
      await publicClient.request({ method: "evm_mine" as never, params: [] as never });
      expect((await publicClient.getBlock()).timestamp > request.deadline).to.equal(true);
      const outcome = await runBatch(await fresh(), [job], journalFile).then((s) => ({ s }), (e: unknown) => ({ error: (e as Error).message.split("\n")[0] }));
      const after = (await Journal.open(journalFile)).get(jobKey(job))!;
      expect({ outcome, step: after.step }, JSON.stringify(after, (_, v) => (typeof v === "bigint" ? v.toString() : v)).slice(0, 400)).to.deep.include({ step: "minted" });
      expect(await getColourways(publicClient, { certificate, designId: BigInt(design.rendered.contentDigest) })).to.deep.equal([BigInt(record.contentDigest!)]);
    });
  });
});
