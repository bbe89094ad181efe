import { BaseError, ContractFunctionRevertedError, getAddress } from "viem";

import { motifCertificateAbi } from "@motif/sdk";
import { BankSet } from "../screen/banks.js";
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
    const minter = config.minter!;
    const tokenId = BigInt(ctx.rendered.contentDigest);
    let creator;
    try {
      creator = await minter.publicClient.readContract({ address: minter.certificate, abi: motifCertificateAbi, functionName: "creatorOf", args: [tokenId] });
    } catch (error) {
      // no such certificate: creatorOf reverts; any other failure (node down) is no answer
      if (error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError) !== null) return {};
      throw error;
    }
    return getAddress(creator) === getAddress(config.creator) ? { done: "minted", with: { certified: { tokenId } } } : {};
  },
});
