import type { Abi, Account, Address, Chain, Client, ContractFunctionArgs, ContractFunctionName, Hash, Transport } from "viem";
import { simulateContract, writeContract } from "viem/actions";

import { rethrowMotifError } from "../errors.js";
import { isRateLimited } from "./events/getEventLogs.js";

/** Tries of a write the provider refuses for its rate (HTTP 429): waits 0.25 s, doubling, ~16 s in all. */
const RATE_LIMITED_TRIES = 7;

/**
 * Simulates, then sends, a contract write from the client's account; a revert surfaces as
 * MotifContractError before anything is sent. Shared by every write action.
 *
 * viem never retries a send (it might have gone through); a hosted RPC's rate-limit refusal (HTTP
 * 429, or a JSON-RPC 429) means it did not, so the whole write — simulation, nonce, signature, send —
 * is tried again after a doubling wait, as getEventLogs waits out reads.
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
  for (let attempt = 1; ; attempt++) {
    try {
      const { request } = await simulateContract(client, {
        account: client.account,
        chain: client.chain,
        ...p,
      } as Parameters<typeof simulateContract>[1]);
      return await writeContract(client, request as Parameters<typeof writeContract>[1]);
    } catch (error) {
      if (isRateLimited(error) && attempt < RATE_LIMITED_TRIES) {
        await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
        continue;
      }
      return rethrowMotifError(error);
    }
  }
}
