import { type Address, BaseError, ContractFunctionRevertedError, type Hex, getAddress } from "viem";

import { getCertificate, motifCertificateAbi, tokenIdHex } from "@motif/sdk";
import { BankSet } from "../screen/banks.js";
import { modelIdOf } from "./lineage.js";
import type { Minter } from "./mint.js";
import type { Refusal } from "./refusal.js";
import { defineStage, type PipelineContext, refuse, type Stop } from "./stage.js";

/** Stage output: the pattern's certificate already exists, credited to this generator's creator. */
export type AlreadyCertifiedOutput = { tokenId: bigint };

/**
 * Already-certified stage (journaled runs only, with chain access): a pattern whose certificate this
 * generator's creator already holds was minted by an earlier run of the batch that stopped before
 * journaling it, so it is done (minted), not a near-duplicate of itself. Asked of the chain only when
 * the certificates bank holds this very content (so a fresh run sends no extra request); a
 * certificate of the same content credited to anyone else is left to screening, which refuses it.
 */
export const certifiedStage = defineStage({
  name: "certified",
  needs: ["rendered", "fingerprint"],
  central: true,
  applies: (ctx, { config, options }) => {
    if (options.resume !== true || config.minter === undefined || ctx.rendered === undefined || ctx.fingerprint === undefined) return false;
    const label = `certificate ${ctx.rendered.contentDigest.toLowerCase()}`;
    const banks = (config.banks ??= BankSet.ofIndex(config.index));
    return banks.certificates.query("pdq", ctx.fingerprint.pdq.original, 0).some((m) => m.label.toLowerCase() === label);
  },
  async run(ctx, { config }): Promise<Partial<PipelineContext> | Stop> {
    const tokenId = BigInt(ctx.rendered.contentDigest);
    const creator = await certificateCreator(config.minter!, tokenId);
    if (creator === undefined || creator !== getAddress(config.creator)) return {};
    // this creator's, but minted from another request that renders the same pixels (a colourway map
    // with a pair that moves no pixel, say: audit 34): not this request's certificate
    const other = await otherLineage(config.minter!, tokenId, { modelId: modelIdOf(config, ctx.rendered.model.name), seed: ctx.request.seed, paramsHash: ctx.rendered.paramsHash });
    return other === undefined ? { done: "minted", with: { certified: { tokenId } } } : refuse(other);
  },
});

/**
 * Undefined when the certificate of `tokenId` (this generator's creator's) was minted from this very
 * request (the same model, seed and params hash: an earlier run's mint); otherwise the refusal of a
 * request that renders to pixels certified from another one (its params, print spec or colourway
 * differ by nothing that shows).
 */
export async function otherLineage(minter: Minter, tokenId: bigint, mine: { modelId: number; seed: bigint; paramsHash: Hex }): Promise<Refusal | undefined> {
  const { lineage } = await getCertificate(minter.publicClient, { certificate: minter.certificate, tokenId });
  if (lineage.modelId === mine.modelId && lineage.seed === mine.seed && lineage.paramsHash.toLowerCase() === mine.paramsHash.toLowerCase()) return undefined;
  return {
    code: "near-duplicate",
    reason: `near-duplicate of certificate ${tokenIdHex(tokenId)} at distance 0: the same image is certified already, by this generator's creator, from model id ${lineage.modelId}, seed ${lineage.seed} and params hashing to ${lineage.paramsHash}; this request (model id ${mine.modelId}, seed ${mine.seed}, params hashing to ${mine.paramsHash}) renders the same pixels`,
  };
}

/** The creator a certificate is credited to, or undefined when there is no such certificate (any other failure, a node down, throws). */
export async function certificateCreator(minter: Minter, tokenId: bigint): Promise<Address | undefined> {
  try {
    return getAddress(await minter.publicClient.readContract({ address: minter.certificate, abi: motifCertificateAbi, functionName: "creatorOf", args: [tokenId] }));
  } catch (error) {
    // no such certificate: creatorOf reverts
    if (error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError) !== null) return undefined;
    throw error;
  }
}
