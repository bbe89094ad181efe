import { type Abi, type Address, BaseError, type Client, type ContractEventName, type GetContractEventsParameters, type GetContractEventsReturnType, type GetContractEventsErrorType } from "viem";
import { getBlockNumber, getContractEvents } from "viem/actions";

import { walkErrors } from "../errorChain.js";

/** The widest `eth_getLogs` block range asked at first: the tightest cap common hosted providers set (10,000 blocks). */
export const DEFAULT_MAX_BLOCK_RANGE = 10_000n;

export type GetEventLogsParameters<abi extends Abi, eventName extends ContractEventName<abi>> = {
  address: Address;
  abi: abi;
  eventName: eventName;
  /** Indexed arguments to filter on, as viem's `getContractEvents` takes them. */
  args?: GetContractEventsParameters<abi, eventName>["args"];
  /** First block to read: the deployment's `startBlock` (a deployment record has it), never 0 on a long chain. */
  fromBlock: bigint;
  /** Last block to read (default: the latest block when the read starts). */
  toBlock?: bigint;
  /** Widest range asked per request (default 10,000); narrowed on the provider's word, never widened. */
  maxBlockRange?: bigint;
  /** Stop at the first matching log (a lookup of one event, such as a token's mint). */
  first?: boolean;
  /** Attempts on a rate-limited request, each after a longer wait (default 6; viem's transport retries inside each). */
  rateLimitAttempts?: number;
};

export type GetEventLogsReturnType<abi extends Abi, eventName extends ContractEventName<abi>> = GetContractEventsReturnType<abi, eventName, true>;
export type GetEventLogsErrorType = GetContractEventsErrorType | EventLogsRangeErrorType | EventLogsFromBlockErrorType;

export type EventLogsRangeErrorType = EventLogsRangeError & { name: "EventLogsRangeError" };

/** The provider refused even a one-block range: nothing narrower can be asked. */
export class EventLogsRangeError extends BaseError {
  override name = "EventLogsRangeError" as const;
  constructor(eventName: string, block: bigint, cause: unknown) {
    super(`The RPC provider refused eth_getLogs for ${eventName} even for block ${block} alone.`, {
      cause: cause instanceof Error ? cause : undefined,
      metaMessages: ["Its limits (blocks or results per request) leave no range to read: use another provider or an indexer."],
    });
  }
}

export type EventLogsFromBlockErrorType = EventLogsFromBlockError & { name: "EventLogsFromBlockError" };

/** The range starts past its end (or past the chain's head): a wrong start block, not "no events". */
export class EventLogsFromBlockError extends BaseError {
  override name = "EventLogsFromBlockError" as const;
  constructor(eventName: string, fromBlock: bigint, toBlock: bigint, head: boolean) {
    super(`fromBlock ${fromBlock} is past ${head ? "the chain's latest block" : "toBlock"} ${toBlock}: no ${eventName} event can be read there.`, {
      metaMessages: ["Start at the deployment's block on this chain (its deployment record's startBlock)."],
    });
  }
}

/** How a provider's refusal reads (messages and codes of Alchemy, Infura, QuickNode, Ankr, Chainstack, geth and others). */
const TOO_WIDE =
  /block range|range (is )?too (large|wide)|limited to a? ?[\d,]+ (block )?range|more than [\d,]+ (results|logs)|response size exceeded|too many (results|logs|blocks)|query timeout|exceed(s|ed)? max(imum)? (block range|results)|max(imum)? (block )?range|ranges over [\d,]+ blocks/i;
const RATE_LIMITED = /rate limit|rate exceeded|too many requests|exceeded .*(capacity|compute units)|request limit|throttl/i;


/** Of those, the refusals for the answer's size (results, bytes, time), not for the blocks asked: a denser range's, not a cap on every range. */
const TOO_FULL = /more than [\d,]+ (results|logs)|response size exceeded|too many (results|logs)|query timeout|exceed(s|ed)? max(imum)? results/i;

/** Whether the provider refused the request for its width (blocks or results), so a narrower one may pass. */
export function isRangeRefusal(error: unknown): boolean {
  return walkErrors(error).some((e) => TOO_WIDE.test(`${String(e.message ?? "")} ${String(e.details ?? "")}`) || e.code === -32614);
}

/** Whether a range refusal was for the answer's size (too many logs there) rather than the provider's cap on blocks a request. */
function isResultsRefusal(error: unknown): boolean {
  return walkErrors(error).some((e) => e.code !== -32614 && TOO_FULL.test(`${String(e.message ?? "")} ${String(e.details ?? "")}`));
}

/**
 * Whether the provider refused the request for its rate (HTTP 429, JSON-RPC 429 or a rate-limit
 * message from the provider). A contract's revert never is, whatever its reason or the call's
 * arguments say: the words are read from the provider's own message (viem's `shortMessage` and
 * `details`), not from a wrapper's, which quotes the call's arguments.
 */
export function isRateLimited(error: unknown): boolean {
  const chain = walkErrors(error);
  if (chain.some((e) => (e as { name?: unknown }).name === "ContractFunctionRevertedError" || /execution reverted|\breverted\b/i.test(String(e.details ?? "")))) return false;
  return chain.some((e) => e.status === 429 || e.code === 429 || RATE_LIMITED.test(`${String((e as { shortMessage?: unknown }).shortMessage ?? e.message ?? "")} ${String(e.details ?? "")}`));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Decoded logs of one contract event over a block range, read in pages a hosted RPC accepts: at most
 * `maxBlockRange` blocks per `eth_getLogs`, halved when the provider refuses a range as too wide or
 * too full (its error shapes vary: the messages of the common providers are recognised), and retried
 * with growing waits when it rate-limits. A range refused for its blocks caps every later one; one
 * refused for its results (a dense stretch of logs) is narrowed there only, and the pages widen
 * again, doubling, past it. Start from the deployment's block, not 0.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getEventLogs, motifCertificateAbi } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const mints = await getEventLogs(client, {
 *   address: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
 *   abi: motifCertificateAbi,
 *   eventName: "CertificateMinted",
 *   fromBlock: 0n,
 * });
 */
export async function getEventLogs<const abi extends Abi, eventName extends ContractEventName<abi>>(
  client: Client,
  p: GetEventLogsParameters<abi, eventName>,
): Promise<GetEventLogsReturnType<abi, eventName>> {
  const last = p.toBlock ?? (await getBlockNumber(client, { cacheTime: 0 }));
  if (p.fromBlock > last) throw new EventLogsFromBlockError(String(p.eventName), p.fromBlock, last, p.toBlock === undefined);
  // `widest`: the widest range the provider takes (narrowed for good by a refusal of blocks);
  // `range`: the next request's (narrowed too by a refusal of results, widened again after)
  let widest = p.maxBlockRange ?? DEFAULT_MAX_BLOCK_RANGE;
  if (widest < 1n) widest = 1n;
  let range = widest;
  const attempts = p.rateLimitAttempts ?? 6;
  const out: unknown[] = [];
  let from = p.fromBlock;
  let rateLimited = 0;
  while (from <= last) {
    const to = from + range - 1n < last ? from + range - 1n : last;
    try {
      const logs = await getContractEvents(client, {
        address: p.address,
        abi: p.abi,
        eventName: p.eventName,
        ...(p.args !== undefined ? { args: p.args } : {}),
        fromBlock: from,
        toBlock: to,
        strict: true,
      } as GetContractEventsParameters<abi, eventName, true>);
      rateLimited = 0;
      out.push(...logs);
      if (p.first === true && out.length > 0) break;
      from = to + 1n;
      if (range < widest) range = range * 2n < widest ? range * 2n : widest;
    } catch (error) {
      if (isRangeRefusal(error)) {
        if (to === from) throw new EventLogsRangeError(String(p.eventName), from, error);
        range = (to - from + 1n) / 2n;
        if (!isResultsRefusal(error)) widest = range;
        continue;
      }
      if (isRateLimited(error) && ++rateLimited < attempts) {
        await sleep(250 * 2 ** rateLimited);
        continue;
      }
      throw error;
    }
  }
  return out as GetEventLogsReturnType<abi, eventName>;
}
