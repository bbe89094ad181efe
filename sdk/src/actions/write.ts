import { type Abi, type Account, type Address, type Chain, type Client, type ContractFunctionArgs, type ContractFunctionName, type Hash, type Transport, encodeFunctionData, getContractError, keccak256 } from "viem";
import { getChainId, getTransaction, prepareTransactionRequest, sendRawTransaction, simulateContract, writeContract } from "viem/actions";

import { rethrowMotifError } from "../errors.js";
import { isTransientSendFailure } from "./errorChain.js";
import { isRateLimited } from "./events/getEventLogs.js";

/** Tries of a request the provider refuses for its rate (HTTP 429): waits 0.25 s, doubling, ~16 s in all. */
const RATE_LIMITED_TRIES = 7;

/** Runs `request`, again after a doubling wait while the provider refuses it for its rate. */
async function waitingOutRateLimits<T>(request: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await request();
    } catch (error) {
      if (!isRateLimited(error) || attempt >= RATE_LIMITED_TRIES) throw error;
      await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
    }
  }
}

/**
 * Simulates, then sends, a contract write from the client's account; a revert surfaces as
 * MotifContractError before anything is sent. Shared by every write action.
 *
 * A hosted RPC's rate-limit refusal (HTTP 429, or a JSON-RPC 429) is waited out: the reads
 * (simulation, nonce, gas, fees) are simply asked again. A send is never repeated as a new
 * transaction, because a 429 can answer a send the node already took: with a local account the
 * transaction is signed once and the same signed bytes are sent again (a node that has them keeps
 * one), after asking whether the chain already knows its hash; a wallet's account (JSON-RPC) sends
 * once, as viem does. A send lost on the way (HTTP 502/503/504, no answer: `isTransientSendFailure`)
 * is sent again the same way, a few times; viem itself never repeats a send.
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
    const { request } = await waitingOutRateLimits(() =>
      simulateContract(client, { account: client.account, chain: client.chain, ...p } as Parameters<typeof simulateContract>[1]),
    );
    const account = client.account;
    if (account.type !== "local" || account.signTransaction === undefined) return await writeContract(client, request as Parameters<typeof writeContract>[1]);

    const data = encodeFunctionData({ abi: p.abi, functionName: p.functionName, args: p.args } as Parameters<typeof encodeFunctionData>[0]);
    // gas, fees and chain first; then, with viem's nonce manager (concurrent writes from one key),
    // the nonce, taken only once nothing but signing and sending is left: a write that fails before
    // it never leaves a gap under another's nonce; one that fails at the send gives it back
    const prepared = await waitingOutRateLimits(() =>
      prepareTransactionRequest(client, {
        account,
        chain: client.chain,
        to: p.address,
        data,
        ...(p.value !== undefined ? { value: p.value } : {}),
        ...(account.nonceManager !== undefined ? { parameters: ["chainId", "fees", "gas", "type"] } : {}),
      } as Parameters<typeof prepareTransactionRequest>[1]),
    ).catch((error: unknown) => {
      // a revert in gas estimation (the state moved since the simulation): decoded against the ABI, as a write's
      throw getContractError(error as Parameters<typeof getContractError>[0], { abi: p.abi, address: p.address, args: p.args as readonly unknown[], functionName: p.functionName, sender: account.address });
    });
    let consumed: { address: Address; chainId: number; nonce: number } | undefined;
    const giveBack = () => {
      if (consumed !== undefined) account.nonceManager?.reset(consumed);
    };
    if (account.nonceManager !== undefined) {
      const chainId = (prepared as { chainId?: number }).chainId ?? client.chain?.id ?? (await waitingOutRateLimits(() => getChainId(client)));
      const nonce = await waitingOutRateLimits(() => account.nonceManager!.consume({ address: account.address, chainId, client }));
      consumed = { address: account.address, chainId, nonce };
      (prepared as { nonce?: number }).nonce = nonce;
    }
    const serializedTransaction = await account.signTransaction(prepared as Parameters<NonNullable<typeof account.signTransaction>>[0], {
      serializer: client.chain?.serializers?.transaction,
    });
    const hash = keccak256(serializedTransaction);
    for (let attempt = 1; ; attempt++) {
      try {
        return await sendRawTransaction(client, { serializedTransaction });
      } catch (error) {
        // the node may have taken it before its answer was refused: the same hash, already known
        const again = isRateLimited(error) || isTransientSendFailure(error);
        const known = attempt > 1 || again ? await waitingOutRateLimits(() => getTransaction(client, { hash })).catch(() => undefined) : undefined;
        if (known !== undefined) return hash;
        if (!again || attempt >= RATE_LIMITED_TRIES) {
          giveBack();
          throw error;
        }
        await new Promise((r) => setTimeout(r, 250 * 2 ** (attempt - 1)));
      }
    }
  } catch (error) {
    return rethrowMotifError(error);
  }
}
