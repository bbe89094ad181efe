import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { type Address, getAddress } from "viem";

import { type MintRequest, mintColourway } from "@motif/sdk";
import { jobKey, reviveRequest, runBatch } from "../../src/batch/batch.js";
import { Journal, type JournalRecord } from "../../src/batch/journal.js";
import { chainFromEnv } from "../../src/cli/chain.js";
import { pipelineConfig } from "../../src/config.js";
import { EmbeddedIpfs } from "../../src/ipfs/embedded.js";
import { type PatternRequest, type PatternResult, type PipelineConfig, runPipeline } from "../../src/pipeline.js";
import { certificateBanks } from "../../src/screen/from-chain.js";
import { recolourOf } from "../../../test/ts/helpers/colourway.js";
import { remoteChainWithMotif } from "../../../test/ts/helpers/remote-chain.js";

type ChainSetup = NonNullable<Awaited<ReturnType<typeof chainFromEnv>>>;

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
  const chain = await remoteChainWithMotif();
  const dir = mkdtempSync(path.join(os.tmpdir(), "motif-owner-colourway-"));
  try {
    const setup = (await chainFromEnv(chain.env))!;
    const { publicClient, certificate } = setup.minter;
    const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
    const fresh = async () => pipelineConfig({ store, ...(await certificateBanks(publicClient, certificate)), chain: setup });
    const studioWallet = chain.deployed.wallets[2]!;
    const studio = getAddress(studioWallet.account.address);
    const base = { model: "weld", seed, params: { scale: 3, sharpness: 6 }, width: 128, height: 128 };
    const design = await runPipeline(await fresh(), { ...base, to: studio });
    expect(design.status).to.equal("minted");
    const job = { ...base, colourway: await recolourOf(design.rendered.png, design.rendered.contentDigest) };
    const journalFile = path.join(dir, "batch.jsonl");
    expect(await runBatch(await fresh(), [job], journalFile)).to.include({ attested: 1, minted: 0 });
    const record = (await Journal.open(journalFile)).get(jobKey(job))!;
    const request = reviveRequest(record.request);
    const hash = await mintColourway(studioWallet, { certificate, request, designId: BigInt(design.rendered.contentDigest) });
    await publicClient.waitForTransactionReceipt({ hash });
    await body({ publicClient, certificate, fresh, design, job, journalFile, record, request });
  } finally {
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
