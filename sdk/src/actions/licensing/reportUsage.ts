import { type Account, type Address, type Chain, type Client, type Hash, type Transport, type WriteContractErrorType, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type ProductClassInput, type UnknownProductClassErrorType, niceClass } from "../../productClasses/index.js";
import { type RegionInput, type UnknownRegionErrorType, regionBit } from "../../regions/index.js";
import { simulateAndWrite } from "../write.js";

export type ReportUsageParameters = {
  licensing: Address;
  licenseId: bigint;
  licensee: Address;
  /** Where the products were made or sold (ISO 3166-1 code or bit index). */
  region: RegionInput;
  /** Their field of use: a Nice class number (24) or word ("bedding"). */
  productClass: ProductClassInput;
  /** Units produced (default 0). */
  units?: bigint;
  /** Net sales in the terms' currency, base units (default 0). */
  netSales?: bigint;
};
export type ReportUsageReturnType = Hash;
export type ReportUsageErrorType = WriteContractErrorType | MotifContractErrorType | UnknownRegionErrorType | UnknownProductClassErrorType;

/**
 * Reports one line of a royalty statement — `units` produced and/or `netSales` sold in `region` for
 * products of `productClass` — and pays its royalty less what the licence's advance still covers,
 * the amount the contract quotes (`reportDue`; in ETH it is sent, in an ERC-20 approve it first).
 * Refused with MotifContractError outside the licence's regions, classes, window (units) or unit cap,
 * or with net sales under terms without a sales royalty.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { reportUsage } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await reportUsage(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001"), licensee: client.account.address, region: "FR", productClass: "bedding", units: 25n });
 */
export async function reportUsage(
  client: Client<Transport, Chain | undefined, Account>,
  p: ReportUsageParameters,
): Promise<ReportUsageReturnType> {
  const region = BigInt(regionBit(p.region));
  const nice = niceClass(p.productClass);
  const units = p.units ?? 0n;
  const netSales = p.netSales ?? 0n;
  let terms;
  let due;
  try {
    const license = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [p.licenseId] });
    terms = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getTerms", args: [license.termsId] });
    [, due] = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "reportDue", args: [p.licenseId, units, netSales] });
  } catch (error) {
    return rethrowMotifError(error);
  }
  return simulateAndWrite(client, {
    address: p.licensing,
    abi: motifLicensingAbi,
    functionName: "reportUsage",
    args: [p.licenseId, p.licensee, region, nice, units, netSales],
    value: terms.currency === zeroAddress ? due : 0n,
  });
}
