import { type Abi, type Account, type Address, type Chain, type Client, type ContractFunctionArgs, type ContractFunctionName, type Hash, type Hex, type Transport, encodeFunctionData, getContractError, keccak256 } from "viem";
import { getTransactionError } from "viem/utils";
import { getChainId, prepareTransactionRequest, sendRawTransaction, simulateContract, writeContract } from "viem/actions";

import { rethrowMotifError } from "../errors.js";
import { isTimeout, isTransientSendFailure, walkErrors } from "./errorChain.js";
import { isRateLimited } from "./events/getEventLogs.js";

/** Tries of a request the provider refuses for its rate (HTTP 429): waits 0.25 s, doubling, ~16 s in all. */
const RATE_LIMITED_TRIES = 7;

/** Sends of one signed transaction lost to a timeout (each may hold the caller for the transport's whole timeout). */
const TIMED_OUT_TRIES = 2;
/** How long a send whose answer was lost is looked for on chain when the node's answer to the same bytes is "nonce too low" / "already known". */
const LOOK_FOR_LOST_MS = 20_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Whether the node knows the transaction `hash` (pending or mined), asked once (no transport retries): "unknown" when it did not answer. */
async function lookUp(client: Client, hash: Hex): Promise<"found" | "absent" | "unknown"> {
  try {
    return (await client.request({ method: "eth_getTransactionByHash", params: [hash] }, { retryCount: 0 })) ? "found" : "absent";
  } catch {
    return "unknown";
  }
}

/** viem's classification of a node's answer to a send (NonceTooLowError for "nonce too low" and "already known", …), as its own writes give it. */
const classified = (error: unknown, client: Client<Transport, Chain | undefined, Account>) =>
  getTransactionError(error as Parameters<typeof getTransactionError>[0], { account: client.account, chain: client.chain });

const said = (error: unknown, name: string) => walkErrors(error).some((e) => (e as { name?: unknown }).name === name);

/**
 * Sends one signed transaction, returning its hash once a node took it, and never a second
 * transaction: the same bytes are sent again after a rate-limit refusal or a send lost on the way
 * (`isTransientSendFailure`; a timeout at most once more), asking first whether the chain already
 * knows the hash. When a send's answer was lost and the node then answers the same bytes "nonce too
 * low" or "already known", the first one got there: its hash is looked for (up to 20 s) and returned;
 * if it is not found, the error says the send may have landed, and its nonce is not given back. Any
 * other refusal gives the nonce back (`giveBack`) and is thrown as viem classifies it.
 */
async function sendOnce(client: Client<Transport, Chain | undefined, Account>, serializedTransaction: Hex, hash: Hex, giveBack: () => void): Promise<Hex> {
  let lost = false; // an earlier send of these bytes may have reached the node
  let timeouts = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendRawTransaction(client, { serializedTransaction });
    } catch (raw) {
      const error = classified(raw, client);
      const rateLimited = isRateLimited(raw);
      const transient = isTransientSendFailure(raw);
      if (isTimeout(raw)) timeouts++;
      if (lost && said(error, "NonceTooLowError")) {
        // the node has these bytes, or their nonce is spent: by the send whose answer was lost (then
        // the node knows its hash) or by another transaction of the key (then it does not: a nonce
        // conflict, the nonce given back for a fresh one); only while the node does not answer is it unknown
        for (const t0 = Date.now(); Date.now() - t0 < LOOK_FOR_LOST_MS; await sleep(500)) {
          const seen = await lookUp(client, hash);
          if (seen === "found") return hash;
          if (seen === "absent") {
            giveBack();
            throw error;
          }
        }
        throw Object.assign(error, { shortMessage: `${(error as { shortMessage?: string }).shortMessage ?? "send refused"} — transaction ${hash} may have landed (an earlier send's answer was lost): look for its receipt before sending again` });
      }
      if ((rateLimited || transient || attempt > 1) && (await lookUp(client, hash)) === "found") return hash;
      if (!(rateLimited || transient) || attempt >= RATE_LIMITED_TRIES || timeouts >= TIMED_OUT_TRIES) {
        giveBack();
        throw error;
      }
      lost = true;
      await sleep(250 * 2 ** (attempt - 1));
    }
  }
}

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
    return await sendOnce(client, serializedTransaction, hash, giveBack);
  } catch (error) {
    return rethrowMotifError(error);
  }
}
