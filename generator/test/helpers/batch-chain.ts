import { modelRegistration } from "@motif/sdk";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress } from "viem";

import { jobKey } from "../../src/batch/batch.js";
import { Journal } from "../../src/batch/journal.js";
import { EmbeddedIpfs } from "../../src/ipfs/embedded.js";
import { type PatternRequest, type PipelineConfig, runPipeline } from "../../src/pipeline.js";
import { loadManifest } from "../../src/render/render.js";
import { certificateBanks } from "../../src/screen/from-chain.js";
import { deployMotif } from "../../../scripts/lib/deploy.js";

/**
 * A fresh chain with weld registered, a journal in a temporary folder (`dir`: the caller removes it),
 * and the config each "process" of a batch builds: its screening banks rebuilt from the chain's
 * certificates, PDQ and tile hashes, as `motif batch` does; `at`: the clock its attestations are
 * signed by (the chain's start by default). `twoDaysPass` moves the chain's clock on.
 */
export async function batchChain(prefix = "motif-batch-") {
  const connection = await network.create();
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, wallet1] = await viem.getWalletClients();
  const generatorWallet = wallet1!;
  const { registry, certificate } = await deployMotif(connection, { attesters: [generatorWallet.account.address] });
  const weld = (await loadManifest()).find((m) => m.name === "weld")!;
  await registry.write.registerModel([
    modelRegistration({ owner: getAddress(admin!.account.address), weightsDigest: weld.sha256, weightsCidDigest: weld.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name: "weld", version: weld.version, cardDigest: weld.cardDigest }),
  ]);
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  const journalFile = path.join(dir, "journal.jsonl");
  const now = (await publicClient.getBlock()).timestamp;
  const chainId = await publicClient.getChainId();
  const freshConfig = async (at: bigint = now): Promise<PipelineConfig> => ({
    store: new EmbeddedIpfs(path.join(dir, "ipfs")),
    ...(await certificateBanks(publicClient, certificate.address)),
    attester: { signer: { client: generatorWallet, account: generatorWallet.account }, chainId, certificate: certificate.address },
    minter: { wallet: generatorWallet, publicClient, certificate: certificate.address },
    modelIds: { weld: 1 },
    creator: getAddress(generatorWallet.account.address),
    royaltyBps: 100,
    attestationTtl: 86_400,
    generator: { name: "motif-generator", version: "test" },
    now: () => at,
  });
  const twoDaysPass = async () => {
    await publicClient.request({ method: "evm_increaseTime" as never, params: [86_400 * 2] as never });
    await publicClient.request({ method: "evm_mine" as never, params: [] as never });
  };
  const mintedIds = async () => (await certificate.getEvents.CertificateMinted({}, { fromBlock: 0n })).map((e) => e.args.tokenId!);
  return { publicClient, generatorWallet, certificate, dir, journalFile, now, freshConfig, twoDaysPass, mintedIds };
}
export type BatchChain = Awaited<ReturnType<typeof batchChain>>;

/** `job` attested against `c`'s chain as it is now (a fresh process), not minted. */
export async function signed(c: BatchChain, job: PatternRequest) {
  const r = await runPipeline(await c.freshConfig(), job, { mint: false });
  if (r.status !== "attested") throw new Error(`expected attested, got ${r.status}`);
  return r;
}

/** The journal record a crash after attesting `key` leaves: `r`'s signed request. */
export async function journalAttested(c: BatchChain, key: string, r: Awaited<ReturnType<typeof signed>>): Promise<void> {
  await (await Journal.open(c.journalFile)).write({ key, step: "attested", contentDigest: r.rendered.contentDigest, request: r.request });
}

/** `job` attested and journaled under its own key, then a crash before its mint: what a rerun resumes from its signed request. */
export async function signedBeforeCrash(c: BatchChain, job: PatternRequest) {
  const r = await signed(c, job);
  await journalAttested(c, jobKey(job), r);
  return r;
}

/** `test` on a fresh `batchChain`, its temporary folder removed after. */
export async function onBatchChain(prefix: string, test: (c: BatchChain) => Promise<void>): Promise<void> {
  const c = await batchChain(prefix);
  try {
    await test(c);
  } finally {
    await rm(c.dir, { recursive: true, force: true });
  }
}
