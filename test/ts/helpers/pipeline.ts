import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { EmbeddedIpfs } from "../../../generator/src/ipfs/embedded.js";
import { pipelineConfig } from "../../../generator/src/config.js";
import type { PipelineConfig } from "../../../generator/src/pipeline.js";
import { PdqIndex } from "../../../generator/src/screen/pdq-index.js";
import type { Minter } from "../../../generator/src/stages/mint.js";
import { type Address, getAddress } from "viem";

/** A fresh `os.tmpdir()/motif-<label>-*` folder; the mocha root hooks remove it after the run. */
export const motifTempDir = (label: string): string => mkdtempSync(path.join(os.tmpdir(), `motif-${label}-`));

/** The pipeline the service tests run: an empty screening index, the three shipped models, a test creator. */
export const testPipeline = (store: PipelineConfig["store"] = new EmbeddedIpfs(motifTempDir("pipeline"))): PipelineConfig =>
  pipelineConfig({ store, index: PdqIndex.build([]), modelIds: { indigo: 1, madder: 2, weld: 3 }, creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });

/**
 * The pipeline a chain test mints with: an empty screening index, the generator wallet attesting and
 * minting on `certificate`, its account the creator, a fixed clock (`now`, the chain's block time).
 */
export function chainTestPipeline(p: { store: PipelineConfig["store"]; generator: Minter["wallet"]; publicClient: Minter["publicClient"]; chainId: number; certificate: Address; modelIds: Record<string, number>; now: bigint; modelsDir?: string }): PipelineConfig {
  return {
    store: p.store,
    index: PdqIndex.build([]),
    attester: { signer: { client: p.generator, account: p.generator.account }, chainId: p.chainId, certificate: p.certificate },
    minter: { wallet: p.generator, publicClient: p.publicClient, certificate: p.certificate },
    modelIds: p.modelIds,
    creator: getAddress(p.generator.account.address),
    royaltyBps: 100,
    attestationTtl: 3600,
    generator: { name: "motif-generator", version: "test" },
    now: () => p.now,
    ...(p.modelsDir !== undefined ? { modelsDir: p.modelsDir } : {}),
  };
}
