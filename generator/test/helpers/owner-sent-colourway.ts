import path from "node:path";
import { expect } from "chai";
import { type Address, getAddress } from "viem";

import { type MintRequest, mintColourway } from "@motif/sdk";
import { jobKey, reviveRequest, runBatch } from "../../src/batch/batch.js";
import { Journal, type JournalRecord } from "../../src/batch/journal.js";
import type { PatternRequest, PatternResult, PipelineConfig } from "../../src/pipeline.js";
import { recolourOf } from "../../../test/ts/helpers/colourway.js";
import { type ChainSetup, withDesignOnChain } from "./design-on-chain.js";

/**
 * The batch path of a colourway its design's owner must send, on a fresh remote chain: the studio
 * (account #2) owns a design minted from `seed`; a batch of its colourway journals it attested (the
 * batch's generator is no owner); the studio sends the journaled request. `body` goes on from there
 * with the journal as it was before the send (`record`); the chain and the folder are removed after,
 * whatever it does.
 */
export async function withOwnerSentColourway(
  seed: bigint,
  body: (s: {
    publicClient: ChainSetup["minter"]["publicClient"];
    certificate: Address;
    fresh: () => Promise<PipelineConfig>;
    design: PatternResult;
    job: PatternRequest;
    journalFile: string;
    record: JournalRecord;
    request: MintRequest;
  }) => Promise<void>,
): Promise<void> {
  await withDesignOnChain(
    seed,
    async ({ chain, publicClient, certificate, fresh, design, base, dir }) => {
      const studioWallet = chain.deployed.wallets[2]!;
      const job = { ...base, colourway: await recolourOf(design.rendered.png, design.rendered.contentDigest) };
      const journalFile = path.join(dir, "batch.jsonl");
      expect(await runBatch(await fresh(), [job], journalFile)).to.include({ attested: 1, minted: 0 });
      const record = (await Journal.open(journalFile)).get(jobKey(job))!;
      const request = reviveRequest(record.request);
      const hash = await mintColourway(studioWallet, { certificate, request, designId: BigInt(design.rendered.contentDigest) });
      await publicClient.waitForTransactionReceipt({ hash });
      await body({ publicClient, certificate, fresh, design, job, journalFile, record, request });
    },
    { to: (chain) => getAddress(chain.deployed.wallets[2]!.account.address), prefix: "motif-owner-colourway-" },
  );
}
