import type { Abi, Account, Address, Chain, Client, ContractFunctionArgs, ContractFunctionName, Hash, Transport } from "viem";
import { simulateContract, writeContract } from "viem/actions";

import { rethrowMotifError } from "../errors.js";

/**
 * Simulates, then sends, a contract write from the client's account; a revert surfaces as
 * MotifContractError before anything is sent. Shared by every write action.
 */
export async function simulateAndWrite<
  const abi extends Abi,
  name extends ContractFunctionName<abi, "nonpayable" | "payable">,
>(
  client: Client<Transport, Chain | undefined, Account>,
  p: {
    address: Address;
    abi: abi;
    functionName: name;
    args: ContractFunctionArgs<abi, "nonpayable" | "payable", name>;
    value?: bigint;
  },
): Promise<Hash> {
  try {
    const { request } = await simulateContract(client, {
      account: client.account,
      chain: client.chain,
      ...p,
    } as Parameters<typeof simulateContract>[1]);
    return await writeContract(client, request as Parameters<typeof writeContract>[1]);
  } catch (error) {
    return rethrowMotifError(error);
  }
}
