import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import type { Address } from "viem";

import { chainFromEnv } from "../../src/cli/chain.js";
import { pipelineConfig } from "../../src/config.js";
import { EmbeddedIpfs } from "../../src/ipfs/embedded.js";
import { type PatternResult, type PipelineConfig, runPipeline } from "../../src/pipeline.js";
import { certificateBanks } from "../../src/screen/from-chain.js";
import { remoteChainWithMotif } from "../../../test/ts/helpers/remote-chain.js";

export type ChainSetup = NonNullable<Awaited<ReturnType<typeof chainFromEnv>>>;
/** What `withDesignOnChain` hands its body. */
export type DesignOnChain = {
  chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  setup: ChainSetup;
  publicClient: ChainSetup["minter"]["publicClient"];
  certificate: Address;
  /** A pipeline config over the folder's store, its banks read from the chain now. */
  fresh: () => Promise<PipelineConfig>;
  /** The design: weld, `seed`, scale 3, 128 px, minted (to `to` when given). */
  design: PatternResult;
  /** Its request, for colourways of it (the same model, seed, params and size). */
  base: { model: string; seed: bigint; params: { scale: number; sharpness: number }; width: number; height: number };
  dir: string;
};

/**
 * A fresh remote chain with Motif deployed and a design minted on it by the generator (a weld render
 * from `seed`, to `to(chain)` or the generator's creator), in a temporary folder; `body` goes on from
 * there, and the chain and the folder are removed after, whatever it does.
 */
export async function withDesignOnChain(
  seed: bigint,
  body: (s: DesignOnChain) => Promise<void>,
  options: { to?: (chain: DesignOnChain["chain"]) => Address; prefix?: string } = {},
): Promise<void> {
  const chain = await remoteChainWithMotif();
  const dir = mkdtempSync(path.join(os.tmpdir(), options.prefix ?? "motif-design-"));
  try {
    const setup = (await chainFromEnv(chain.env))!;
    const { publicClient, certificate } = setup.minter;
    const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
    const fresh = async () => pipelineConfig({ store, ...(await certificateBanks(publicClient, certificate)), chain: setup });
    const base = { model: "weld", seed, params: { scale: 3, sharpness: 6 }, width: 128, height: 128 };
    const design = await runPipeline(await fresh(), { ...base, ...(options.to !== undefined ? { to: options.to(chain) } : {}) });
    expect(design.status).to.equal("minted");
    await body({ chain, setup, publicClient, certificate, fresh, design, base, dir });
  } finally {
    await chain.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
