import { type Account, type Address, type Chain, type Client, type Hash, type Transport, type WriteContractErrorType, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type RegionInput, type UnknownRegionErrorType, regionBit } from "../../regions/index.js";
import { simulateAndWrite } from "../write.js";

export type ReportUsageParameters = { licensing: Address; licenseId: bigint; licensee: Address; region: RegionInput; units: bigint };
export type ReportUsageReturnType = Hash;
export type ReportUsageErrorType = WriteContractErrorType | MotifContractErrorType | UnknownRegionErrorType;

/**
 * Reports `units` produced in `region` under a license and pays their royalty (in ETH the exact
 * amount is sent; in an ERC-20 approve it first). Refused outside the license's regions, window or
 * unit cap with MotifContractError.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { reportUsage } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await reportUsage(client, { licensing: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001"), licensee: client.account.address, region: "FR", units: 25n });
 */
export async function reportUsage(
  client: Client<Transport, Chain | undefined, Account>,
  p: ReportUsageParameters,
): Promise<ReportUsageReturnType> {
  let terms;
  try {
    const license = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [p.licenseId] });
    terms = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getTerms", args: [license.termsId] });
  } catch (error) {
    return rethrowMotifError(error);
  }
  return simulateAndWrite(client, {
    address: p.licensing,
    abi: motifLicensingAbi,
    functionName: "reportUsage",
    args: [p.licenseId, p.licensee, BigInt(regionBit(p.region)), p.units],
    value: terms.currency === zeroAddress ? p.units * terms.unitRoyalty : 0n,
  });
}
