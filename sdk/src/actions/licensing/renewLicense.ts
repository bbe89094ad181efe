import { type Account, type Address, type Chain, type Client, type Hash, type Transport, type WriteContractErrorType, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type RenewLicenseParameters = { licensing: Address; licenseId: bigint; maxPrice: bigint };
export type RenewLicenseReturnType = Hash;
export type RenewLicenseErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * The licensee extends its license by exactly one period (the window's length at grant), paying its
 * renewal price. Only in the license's last period (from `end - renewalPeriod`, see `getLicense`),
 * while it runs and no breach is flagged: otherwise MotifContractError
 * (MotifLicensingRenewalTooEarly, MotifLicensingNotLicensee, MotifLicensingBreachFlagged, …).
 *
 * @example
 * import { createWalletClient, http, parseEther } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { renewLicense } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await renewLicense(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001"), maxPrice: parseEther("0.005") });
 */
export async function renewLicense(client: Client<Transport, Chain | undefined, Account>, p: RenewLicenseParameters): Promise<RenewLicenseReturnType> {
  let currency: Address;
  try {
    const license = await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [p.licenseId] });
    currency = (await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getTerms", args: [license.termsId] })).currency;
  } catch (error) {
    return rethrowMotifError(error);
  }
  return simulateAndWrite(client, {
    address: p.licensing,
    abi: motifLicensingAbi,
    functionName: "renew",
    args: [p.licenseId, p.maxPrice],
    value: currency === zeroAddress ? p.maxPrice : 0n,
  });
}
