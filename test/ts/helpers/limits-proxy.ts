import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A hosted RPC provider's limits on `eth_getLogs` and on request rate. */
export type ProviderLimits = { maxBlockRange: number; maxLogs: number; requestsPerSecond: number };

/** The common hosted providers' tightest published limits: 10,000 blocks and 10,000 logs per eth_getLogs, 25 requests/s. */
export const HOSTED_LIMITS: ProviderLimits = { maxBlockRange: 10_000, maxLogs: 10_000, requestsPerSecond: 25 };

type Call = { jsonrpc?: string; id?: unknown; method: string; params?: unknown[] };
type Reply = { jsonrpc: "2.0"; id: unknown; result?: unknown; error?: { code: number; message: string } };

/**
 * A JSON-RPC proxy in front of `upstream` that answers as a hosted provider does: an `eth_getLogs`
 * over more than `maxBlockRange` blocks is refused with QuickNode's error (-32614 "eth_getLogs is
 * limited to a 10,000 range"), one returning more than `maxLogs` logs with Infura's (-32005 "query
 * returned more than 10000 results…"), and beyond `requestsPerSecond` (a token bucket) the HTTP
 * request gets 429 with Alchemy's body. Counts every call by method, and the refusals.
 */
export async function startLimitsProxy(upstream: string, limits: ProviderLimits = HOSTED_LIMITS) {
  const calls = new Map<string, number>();
  /** The block range of every eth_getLogs asked (by block hash: from = to = -1). */
  const logRanges: { from: bigint; to: bigint }[] = [];
  const refused = { range: 0, results: 0, rate: 0 };
  let tokens = limits.requestsPerSecond;
  let refilled = Date.now();
  const take = () => {
    const now = Date.now();
    tokens = Math.min(limits.requestsPerSecond, tokens + ((now - refilled) / 1000) * limits.requestsPerSecond);
    refilled = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  const forward = async (body: Call | Call[]): Promise<unknown> => {
    const r = await fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return r.json();
  };
  const blockNumber = async () => BigInt(((await forward({ jsonrpc: "2.0", id: 0, method: "eth_blockNumber", params: [] })) as Reply).result as string);
  const blockOf = async (tag: unknown): Promise<bigint> => {
    if (tag === undefined || tag === "latest" || tag === "safe" || tag === "finalized" || tag === "pending") return blockNumber();
    if (tag === "earliest") return 0n;
    return BigInt(tag as string);
  };

  const answer = async (call: Call): Promise<Reply> => {
    calls.set(call.method, (calls.get(call.method) ?? 0) + 1);
    if (call.method === "eth_getLogs") {
      const filter = (call.params?.[0] ?? {}) as { fromBlock?: string; toBlock?: string; blockHash?: string };
      if (filter.blockHash !== undefined) logRanges.push({ from: -1n, to: -1n });
      if (filter.blockHash === undefined) {
        const [from, to] = [await blockOf(filter.fromBlock), await blockOf(filter.toBlock)];
        logRanges.push({ from, to });
        if (to - from + 1n > BigInt(limits.maxBlockRange)) {
          refused.range++;
          return { jsonrpc: "2.0", id: call.id, error: { code: -32614, message: `eth_getLogs is limited to a ${limits.maxBlockRange.toLocaleString("en-US")} range` } };
        }
      }
      const reply = (await forward(call)) as Reply;
      if (Array.isArray(reply.result) && reply.result.length > limits.maxLogs) {
        refused.results++;
        return { jsonrpc: "2.0", id: call.id, error: { code: -32005, message: `query returned more than ${limits.maxLogs} results. Try with a smaller block range.` } };
      }
      return reply;
    }
    return (await forward(call)) as Reply;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Call | Call[];
        const batch = Array.isArray(body) ? body : [body];
        if (!batch.every(() => take())) {
          refused.rate++;
          res.writeHead(429, { "content-type": "application/json" });
          res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: 429, message: "Your app has exceeded its compute units per second capacity." } }));
          return;
        }
        const replies = await Promise.all(batch.map(answer));
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(Array.isArray(body) ? replies : replies[0]));
      } catch (error) {
        res.writeHead(500, { "content-type": "text/plain" });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    /** Calls received, by method (refused ones included). */
    calls,
    logRanges,
    refused,
    reset: () => {
      calls.clear();
      logRanges.length = 0;
      Object.assign(refused, { range: 0, results: 0, rate: 0 });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
