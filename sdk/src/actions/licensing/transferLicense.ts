import { type Account, type Address, type Chain, type Client, type Hash, type Transport, type WriteContractErrorType, zeroAddress } from "viem";

import { motifLicensingAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type TransferLicenseParameters = {
  licensing: Address;
  licenseId: bigint;
  /** The proposed new holder; `zeroAddress` withdraws a pending proposal. */
  to: Address;
};
export type TransferLicenseReturnType = Hash;
export type TransferLicenseErrorType = WriteContractErrorType | MotifContractErrorType;

export type AcceptLicenseTransferParameters = { licensing: Address; licenseId: bigint };
export type AcceptLicenseTransferReturnType = Hash;
export type AcceptLicenseTransferErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * The licensee offers its license to `to` (terms must allow transfer; the license must be running and
 * free of a breach flag). Nothing moves until `to` calls `acceptLicenseTransfer`: nobody receives a
 * license it did not ask for. `to: zeroAddress` withdraws the proposal.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { transferLicense } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await transferLicense(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001"), to: "0x90F79bf6EB2c4f870365E785982E1f101E93b906" });
 */
export function transferLicense(client: Client<Transport, Chain | undefined, Account>, p: TransferLicenseParameters): Promise<TransferLicenseReturnType> {
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "transferLicense", args: [p.licenseId, p.to ?? zeroAddress] });
}

/**
 * The proposed holder takes a license offered to it with `transferLicense`; it gets a license id of
 * its own (the `LicenseTransferred` event names it) and the old id is retired. Throws
 * MotifContractError (MotifLicensingNoTransferPending, MotifLicensingBreachFlagged, …) otherwise.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { acceptLicenseTransfer } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"), transport: http("http://127.0.0.1:8545") });
 * await acceptLicenseTransfer(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0x24a99e8ba18d98a176cab528816a4e9a9b910dbc7a1fb1f5251d5d8561290001") });
 */
export function acceptLicenseTransfer(
  client: Client<Transport, Chain | undefined, Account>,
  p: AcceptLicenseTransferParameters,
): Promise<AcceptLicenseTransferReturnType> {
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "acceptLicenseTransfer", args: [p.licenseId] });
}
