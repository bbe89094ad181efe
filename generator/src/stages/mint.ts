import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { mintCertificates, mintColourway, type MintRequest } from "@motif/sdk";
import { ownerSends } from "./colourway.js";
import { refusalOf } from "./refusal.js";
import { defineStage, type StageEnv, type Stop } from "./stage.js";

/** Stage input: attested requests (one transaction for all of them), or one colourway and its design (`mintColourway`). */
export type MintInput = { requests: MintRequest[]; designId?: bigint };

/** Stage output: the transaction and the token ids (= content digests), in request order. */
export type MintOutput = { transactionHash: Hex; blockNumber: bigint; tokenIds: bigint[] };

export type Minter = {
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  certificate: Address;
};

/**
 * A node refused the transaction for its nonce: another process spending the same key got there
 * first. viem classifies the node's answer (NonceTooLowError / NonceTooHighError); no message matching here.
 */
export function isNonceConflict(error: unknown): boolean {
  const e = error as { walk?: (fn: (e: unknown) => boolean) => unknown };
  const name = (x: unknown) => (x as { name?: string } | null)?.name;
  return (e.walk?.((x) => name(x) === "NonceTooLowError" || name(x) === "NonceTooHighError") ?? null) !== null;
}

/** Mint stage: the SDK's `mintCertificates` (one `mint` or a `mintBatch`, simulated first so a revert
 * surfaces as MotifContractError naming the custom error), waited for. Within one process the
 * generator account's viem nonce manager (`generatorAccount`, ../config.ts) hands out consecutive
 * nonces, so concurrent mints never collide. The key may also be used by another process (an API
 * server and a batch): a transaction the node refuses for its nonce was never accepted (the nonce
 * manager releases it), so it is simulated and sent again with a fresh nonce, a few times. */
export async function mint(minter: Minter, input: MintInput, nonceRetries = 8): Promise<MintOutput> {
  let transactionHash: Hex;
  for (let attempt = 0; ; attempt++) {
    try {
      transactionHash =
        input.designId !== undefined
          ? // unsigned: the generator's account, an attester, vouches as the sender (a signed colourway
            // request, a ColourwayAttestation, must be sent by the design's owner or an approved account)
            await mintColourway(minter.wallet, { certificate: minter.certificate, request: { ...input.requests[0]!, signature: "0x" }, designId: input.designId })
          : await mintCertificates(minter.wallet, { certificate: minter.certificate, requests: input.requests });
      break;
    } catch (error) {
      if (attempt >= nonceRetries || !isNonceConflict(error)) throw error;
      await new Promise((r) => setTimeout(r, 25 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random())));
    }
  }
  const receipt = await landed(minter.publicClient, transactionHash, "mint");
  return { transactionHash, blockNumber: receipt.blockNumber, tokenIds: input.requests.map((r) => BigInt(r.lineage.contentDigest)) };
}

/** Waits for a sent transaction's receipt; a revert is an error naming `what` and the transaction. */
export async function landed(publicClient: PublicClient, hash: Hex, what: string) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success") throw new Error(`${what}: transaction ${hash} reverted`);
  return receipt;
}

/**
 * The mint stage of the pipeline: one request, or (the queue's minter) a batch in one `mintBatch`.
 * A batch the contract refuses for one pattern's sake (its model deprecated) is minted pattern by
 * pattern, so only that pattern is refused. Stops before it without a minter, with `mint: false`,
 * or for a colourway its design's owner sends (the result is then the signed request).
 */
export const mintStage = defineStage({
  name: "mint",
  needs: ["mintRequest"],
  status: "minted",
  // a colourway whose design's owner sends it (`ownerSends`) stops at its signed request
  enabled: ({ config, options }, ctx) => config.minter !== undefined && options.mint !== false && !ownerSends(ctx.design),
  run: async (ctx, env) => mintOne(ctx.mintRequest, env, ctx.design?.id),
  async batch(inputs, env) {
    const one = async (c: (typeof inputs)[number]): Promise<{ minted: MintOutput } | Stop> => {
      try {
        return await mintOne(c.mintRequest, env, c.design?.id);
      } catch (e) {
        const refusal = refusalOf(e);
        if (refusal === undefined) throw e;
        return { stop: refusal };
      }
    };
    const oneByOne = async () => {
      const out = [];
      for (const c of inputs) out.push(await one(c));
      return out;
    };
    // colourways are minted one by one (mintColourway names the design), the rest in one mintBatch
    if (inputs.some((c) => c.design !== undefined)) return oneByOne();
    try {
      const minted = await mint(env.config.minter!, { requests: inputs.map((c) => c.mintRequest) });
      return inputs.map((c) => ({ minted: { ...minted, tokenIds: [BigInt(c.mintRequest.lineage.contentDigest)] } }));
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal === undefined) throw error;
      if (inputs.length === 1) return [{ stop: refusal }];
      return oneByOne();
    }
  },
});

const mintOne = async (request: MintRequest, { config }: StageEnv, design?: Hex) => ({
  minted: await mint(config.minter!, { requests: [request], ...(design !== undefined ? { designId: BigInt(design) } : {}) }),
});
