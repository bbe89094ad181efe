import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type CheckTimeRangeErrorType, checkTime } from "../../checkTime.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type RegionInput, type UnknownRegionErrorType, regionBit } from "../../regions/index.js";

export type RequireLicensedParameters = { licensing: Address; tokenId: bigint; licensee: Address; region: RegionInput; time?: bigint };
export type RequireLicensedReturnType = bigint;
export type RequireLicensedErrorType = ReadContractErrorType | MotifContractErrorType | UnknownRegionErrorType | CheckTimeRangeErrorType;

/**
 * The license covering (`tokenId`, `licensee`, `region`, `time`); otherwise throws MotifContractError
 * whose `errorName` says why: MotifLicensingNotLicensed, …NotYetValid, …Expired,
 * …RegionNotAllowed, …Revoked or …UnitsExhausted, with the values.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { MotifContractError, requireLicensed } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * try {
 *   await requireLicensed(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), licensee: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", region: "US" });
 * } catch (e) {
 *   if (e instanceof MotifContractError) console.log(e.errorName); // "MotifLicensingRegionNotAllowed"
 * }
 */
export async function requireLicensed(client: Client, p: RequireLicensedParameters): Promise<RequireLicensedReturnType> {
  const time = checkTime(p.time);
  try {
    return await readContract(client, {
      address: p.licensing,
      abi: motifLicensingAbi,
      functionName: "requireLicensed",
      args: [p.tokenId, p.licensee, BigInt(regionBit(p.region)), time],
    });
  } catch (error) {
    return rethrowMotifError(error);
  }
}
