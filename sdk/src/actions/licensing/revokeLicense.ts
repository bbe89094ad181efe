import type { Account, Address, Chain, Client, Hash, Hex, Transport, WriteContractErrorType } from "viem";

import { motifLicensingAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type FlagBreachParameters = { licensing: Address; licenseId: bigint; evidenceDigest: Hex };
export type RevokeLicenseParameters = { licensing: Address; licenseId: bigint };
export type RevokeLicenseReturnType = Hash;
export type RevokeLicenseErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * An arbiter flags a breach of a license whose terms allow revocation (the precondition of `revokeLicense`).
 *
 * @example
 * import { createWalletClient, http, keccak256, toHex } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { flagBreach } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), transport: http("http://127.0.0.1:8545") });
 * await flagBreach(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001"), evidenceDigest: keccak256(toHex("evidence")) });
 */
export function flagBreach(client: Client<Transport, Chain | undefined, Account>, p: FlagBreachParameters): Promise<RevokeLicenseReturnType> {
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "flagBreach", args: [p.licenseId, p.evidenceDigest] });
}

/**
 * An arbiter clears the breach flag of a license (raised in error, or the breach cured); the license
 * can then be transferred and renewed again.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { clearBreach } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), transport: http("http://127.0.0.1:8545") });
 * await clearBreach(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0x3e984dcc9bebe58e89f39003db380ff6b7ce0beef59092c8f6c858bc40dd0001") });
 */
export function clearBreach(client: Client<Transport, Chain | undefined, Account>, p: RevokeLicenseParameters): Promise<RevokeLicenseReturnType> {
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "clearBreach", args: [p.licenseId] });
}

/**
 * The certificate owner revokes a license after an arbiter flagged a breach; otherwise throws
 * MotifContractError (MotifLicensingBreachNotFlagged).
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { revokeLicense } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * await revokeLicense(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", licenseId: BigInt("0x3e984dcc9bebe58e89f39003db380ff6b7ce0beef59092c8f6c858bc40dd0001") });
 */
export function revokeLicense(client: Client<Transport, Chain | undefined, Account>, p: RevokeLicenseParameters): Promise<RevokeLicenseReturnType> {
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "revoke", args: [p.licenseId] });
}
