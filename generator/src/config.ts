import { type Address, type Client, type Hex, getAddress } from "viem";
import { readContract } from "viem/actions";
import { privateKeyToAccount } from "viem/accounts";

import { MotifContractError, NotAPatternError, getCertificate, getColourways, motifCertificateAbi, releasingNonceManager, tokenIdHex } from "@motif/sdk";

import type { IpfsStore } from "./ipfs/embedded.js";
import type { PinQueue } from "./ipfs/resilient.js";
import type { PipelineConfig } from "./pipeline.js";
import { BankSet } from "./screen/banks.js";
import { PdqIndex } from "./screen/pdq-index.js";
import type { Attester } from "./stages/attest.js";
import type { Minter } from "./stages/mint.js";
import type { DesignCertificate } from "./stages/colourway.js";
import type { RecipeGate } from "./stages/recipe.js";

/** How the generator names itself in every pattern's metadata. */
export const GENERATOR_ID = { name: "motif-generator", version: "0.1.0" } as const;

/** The creator credited when there is no chain (and no MOTIF_CREATOR): a placeholder, never minted. */
export const NO_CREATOR: Address = "0x0000000000000000000000000000000000000001";

/** What the generator needs of a chain to attest and mint: its key's attester and minter, the model ids there. */
export type GeneratorChain = {
  attester: Attester;
  minter: Minter;
  modelIds: Record<string, number>;
  creator: Address;
  /** The licensing contract's address, to render from recipes. */
  licensing?: Address;
};

export type PipelineConfigParts = {
  store: IpfsStore;
  pinQueue?: PinQueue;
  /** The chain's certificates (default none); `banks` the hash banks holding them (default: `index` alone). */
  index?: PdqIndex;
  banks?: BankSet;
  /** Without a chain the pipeline pins and stops; `modelIds` then default to the manifest order (1, 2, …). */
  chain?: GeneratorChain;
  modelIds?: Record<string, number>;
  creator?: Address;
} & Partial<Pick<PipelineConfig, "royaltyBps" | "attestationTtl" | "generator" | "modelsDir" | "now" | "stages">>;

/**
 * The one pipeline config factory the CLI (`mint`, `batch`, `worker`), the API's stack, the batch
 * and the queue build from: store, screening banks, chain (attester, minter, recipe gate), and the
 * generator's defaults (royalty 5%, attestations valid one hour, its name in the metadata).
 */
export function pipelineConfig(p: PipelineConfigParts): PipelineConfig {
  const index = p.index ?? PdqIndex.build([]);
  const chain = p.chain;
  return {
    store: p.store,
    ...(p.pinQueue !== undefined ? { pinQueue: p.pinQueue } : {}),
    index,
    banks: p.banks ?? BankSet.ofIndex(index),
    modelIds: chain?.modelIds ?? p.modelIds ?? {},
    creator: chain?.creator ?? p.creator ?? NO_CREATOR,
    royaltyBps: p.royaltyBps ?? 500,
    attestationTtl: p.attestationTtl ?? 3600,
    generator: p.generator ?? GENERATOR_ID,
    ...(chain !== undefined ? { attester: chain.attester, minter: chain.minter } : {}),
    ...(chain?.licensing !== undefined ? { recipes: { client: chain.minter.publicClient, certificate: chain.minter.certificate, licensing: chain.licensing } satisfies RecipeGate } : {}),
    ...(chain !== undefined ? { designFamily: designOnChain(chain.minter.publicClient, chain.minter.certificate, chain.minter.wallet.account.address) } : {}),
    ...(p.modelsDir !== undefined ? { modelsDir: p.modelsDir } : {}),
    ...(p.now !== undefined ? { now: p.now } : {}),
    ...(p.stages !== undefined ? { stages: p.stages } : {}),
  };
}

/**
 * A design certificate read from the chain (`getCertificate`: storage and its mint event; its
 * colourways in one `colourwaysOf` read; its owner and, for `generator`, whether that account
 * attests there (holds ATTESTER_ROLE, the contract not paused) and may send a colourway itself: it
 * owns the design or its owner approved it); undefined when the id is no pattern certificate there.
 */
export function designOnChain(client: Client, certificate: Address, generator?: Address): (design: Hex) => Promise<DesignCertificate | undefined> {
  return async (design) => {
    const tokenId = BigInt(design);
    let cert;
    try {
      cert = await getCertificate(client, { certificate, tokenId });
    } catch (error) {
      if (error instanceof MotifContractError && error.errorName === "MotifCertificateNonexistentToken") return undefined;
      if (error instanceof NotAPatternError) return undefined;
      throw error;
    }
    const read = <F extends "getApproved" | "isApprovedForAll" | "designOf" | "hasRole" | "ATTESTER_ROLE" | "paused">(functionName: F, args: readonly unknown[]) =>
      readContract(client, { address: certificate, abi: motifCertificateAbi, functionName, args } as never) as Promise<never>;
    const [colourways, family] = await Promise.all([getColourways(client, { certificate, designId: tokenId }), read("designOf", [tokenId]) as Promise<bigint>]);
    const l = cert.lineage;
    const owner = getAddress(cert.owner);
    let generator_: Pick<DesignCertificate, "generatorAttests" | "generatorMayAdd"> = {};
    if (generator !== undefined) {
      // as the contract decides: an attester, the contract not paused; to send itself, the design no
      // colourway, and the design the generator's or its owner's approval of the generator
      const g = getAddress(generator);
      const role = (await read("ATTESTER_ROLE", [])) as Hex;
      const [paused, attester, approved, operator] = await Promise.all([
        read("paused", []) as Promise<boolean>,
        read("hasRole", [role, g]) as Promise<boolean>,
        read("getApproved", [tokenId]) as Promise<Address>,
        read("isApprovedForAll", [owner, g]) as Promise<boolean>,
      ]);
      const generatorAttests = !paused && attester;
      generator_ = { generatorAttests, generatorMayAdd: generatorAttests && family === 0n && (owner === g || getAddress(approved) === g || operator) };
    }
    return {
      creator: l.creator,
      modelId: l.modelId,
      seed: l.seed,
      paramsHash: l.paramsHash,
      colourways: colourways.map((id) => tokenIdHex(id)),
      owner,
      ...(family !== 0n ? { colourwayOf: tokenIdHex(family) } : {}),
      ...generator_,
    };
  };
}

/**
 * The generator's signing account from its private key, with a nonce manager of its own
 * (`releasingNonceManager`): concurrent mints from one process (the API's requests, a batch's) take
 * consecutive nonces locally instead of racing for the node's pending count, and a refused send gives
 * back its own nonce only, so sends still on their way keep theirs. Its own, not viem's shared
 * `nonceManager`: that one remembers the last nonce per address and chain id for the whole process,
 * so an account made for another chain with the same id (a restarted local chain, the next test's)
 * would start above the node's count and be refused as "nonce too high".
 */
export const generatorAccount = (key: Hex) => privateKeyToAccount(key, { nonceManager: releasingNonceManager() });
