import { type Address, BaseError, ContractFunctionRevertedError, getAddress } from "viem";

import { motifCertificateAbi } from "@motif/sdk";
import { BankSet } from "../screen/banks.js";
import type { Minter } from "./mint.js";
import { defineStage, type PipelineContext, type Stop } from "./stage.js";

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
    return creator !== undefined && creator === getAddress(config.creator) ? { done: "minted", with: { certified: { tokenId } } } : {};
  },
});

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
