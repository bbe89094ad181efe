import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type CheckTimeRangeErrorType, checkTime } from "../../checkTime.js";
import { type MotifContractErrorType, motifErrorOf, rethrowMotifError } from "../../errors.js";
import { type RegionInput, type UnknownRegionErrorType, regionBit } from "../../regions/index.js";
import { LicenseFlags } from "../../types/license.js";
import { tokenIdHex } from "../../ids.js";

export type CheckTrainingLicenseParameters = { licensing: Address; tokenId: bigint; licensee: Address; region: RegionInput; time?: bigint };
export type CheckTrainingLicenseReturnType = { allowed: true; licenseId: bigint } | { allowed: false; licenseId: bigint; reason: string };
export type CheckTrainingLicenseErrorType = ReadContractErrorType | MotifContractErrorType | UnknownRegionErrorType | CheckTimeRangeErrorType;

/**
 * Whether `licensee` may use `tokenId` as AI training data in `region` at `time`: a license must
 * cover it (as `requireLicensed`) and its terms must carry the AI_TRAINING flag. A refusal says why
 * (the contract's reason, or that the license does not allow AI training).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { checkTrainingLicense } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const r = await checkTrainingLicense(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), licensee: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", region: "FR" });
 * console.log(r.allowed ? "allowed" : r.reason); // "allowed"
 */
export async function checkTrainingLicense(client: Client, p: CheckTrainingLicenseParameters): Promise<CheckTrainingLicenseReturnType> {
  const time = checkTime(p.time);
  const region = BigInt(regionBit(p.region));
  let licenseId: bigint;
  try {
    licenseId = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "requireLicensed", args: [p.tokenId, p.licensee, region, time] });
  } catch (error) {
    const decoded = motifErrorOf(error);
    if (decoded === undefined) throw error;
    return { allowed: false, licenseId: 0n, reason: decoded.shortMessage };
  }
  try {
    const license = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [licenseId] });
    const terms = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getTerms", args: [license.termsId] });
    if ((terms.flags & LicenseFlags.AI_TRAINING) === 0) {
      return { allowed: false, licenseId: licenseId, reason: `licence ${tokenIdHex(licenseId)} does not allow AI training (its terms #${license.termsId} lack the AI_TRAINING flag)` };
    }
    return { allowed: true, licenseId: licenseId };
  } catch (error) {
    return rethrowMotifError(error);
  }
}
