import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type CheckTimeRangeErrorType, checkTime } from "../../checkTime.js";
import { type ProductClassInput, type UnknownProductClassErrorType, niceClass } from "../../productClasses/index.js";
import { type RegionInput, type UnknownRegionErrorType, regionBit } from "../../regions/index.js";

export type IsLicensedParameters = {
  /** MotifLicensing address. */
  licensing: Address;
  tokenId: bigint;
  licensee: Address;
  /** ISO 3166-1 code ("FR", "FRA", "250") or bit index. */
  region: RegionInput;
  /** Field of use: a Nice class number (24) or word ("bedding", "clothing"); default any class the licence covers. */
  productClass?: ProductClassInput;
  /** Unix seconds; default now. */
  time?: bigint;
};
export type IsLicensedReturnType = { licensed: boolean; licenseId: bigint };
export type IsLicensedErrorType = ReadContractErrorType | UnknownRegionErrorType | UnknownProductClassErrorType | CheckTimeRangeErrorType;

/**
 * Whether `licensee` may use certificate `tokenId` in `region` at `time` — for products of
 * `productClass` when given (its field of use) — and under which license.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { isLicensed } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const { licensed, licenseId } = await isLicensed(client, {
 *   licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
 *   tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"),
 *   licensee: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
 *   region: "FR",
 * });
 * console.log(licensed); // "true"
 */
export async function isLicensed(client: Client, p: IsLicensedParameters): Promise<IsLicensedReturnType> {
  const time = checkTime(p.time);
  const region = BigInt(regionBit(p.region));
  const [licensed, licenseId] = await (p.productClass === undefined
    ? readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "isLicensed", args: [p.tokenId, p.licensee, region, time] })
    : readContract(client, {
        address: p.licensing,
        abi: motifLicensingAbi,
        functionName: "isLicensed",
        args: [p.tokenId, p.licensee, region, niceClass(p.productClass), time],
      }));
  return { licensed, licenseId };
}
