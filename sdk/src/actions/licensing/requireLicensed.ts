import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type RegionInput, type UnknownRegionErrorType, regionBit } from "../../regions/index.js";

export type RequireLicensedParameters = { licensing: Address; tokenId: bigint; licensee: Address; region: RegionInput; time?: bigint };
export type RequireLicensedReturnType = bigint;
export type RequireLicensedErrorType = ReadContractErrorType | MotifContractErrorType | UnknownRegionErrorType;

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
 *   await requireLicensed(client, { licensing: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", tokenId: 1n, licensee: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", region: "US" });
 * } catch (e) {
 *   if (e instanceof MotifContractError) console.log(e.errorName, e.args);
 * }
 */
export async function requireLicensed(client: Client, p: RequireLicensedParameters): Promise<RequireLicensedReturnType> {
  const time = p.time ?? BigInt(Math.floor(Date.now() / 1000));
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
