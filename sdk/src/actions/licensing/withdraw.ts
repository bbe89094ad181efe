import { type Account, type Address, type Chain, type Client, type Hash, type Transport, type WriteContractErrorType, zeroAddress } from "viem";
import { waitForTransactionReceipt } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type WithdrawParameters = {
  licensing: Address;
  /** ERC-20 address, or omitted for ETH. */
  currency?: Address;
  /** Certificates whose pending revenue to settle first (one transaction each). */
  settle?: bigint[];
};
export type WithdrawReturnType = Hash;
export type WithdrawErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Withdraws what the caller is owed in a currency (pull payments), settling the pending revenue
 * of the given certificates first so their shares are included.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { withdraw } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * await withdraw(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", settle: [BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82")] });
 */
export async function withdraw(client: Client<Transport, Chain | undefined, Account>, p: WithdrawParameters): Promise<WithdrawReturnType> {
  const currency = p.currency ?? zeroAddress;
  if (p.settle !== undefined && p.settle.length > 0) {
    const hash = await simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "settleMany", args: [p.settle, currency] });
    await waitForTransactionReceipt(client, { hash });
  }
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "withdraw", args: [currency] });
}
