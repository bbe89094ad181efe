/**
 * The local chain of `npm start`: Hardhat's in-process EDR simulation served as JSON-RPC over HTTP
 * on loopback, with its history kept on disk so that a restart finds the same chain.
 *
 * EDR has no state dump, so the chain is kept as a journal (`<dir>/journal.jsonl`): a header with
 * the chain id and genesis time, then every state-changing request in the order it ran, with the
 * timestamp of the block it mined. A restart creates the simulation with the same genesis time and
 * replays the journal, pinning each block to its recorded timestamp, so every block, contract
 * address, balance and event comes back as it was (the default accounts sign deterministically).
 * Then the clock is moved on to the wall clock. `hardhat_reset` is refused: delete the folder
 * (`npm start -- --reset`) to start over.
 */
import { appendFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

export type Eip1193 = { request(args: { method: string; params?: unknown[] }): Promise<unknown> };

type JournalHeader = { journal: "motif-chain"; version: 1; chainId: number; genesisTime: number };
type JournalEntry = { method: string; params: unknown[]; time?: number };

/** Requests that change chain state; everything else is a read and is not journaled. */
const MUTATING = new Set([
  "eth_sendTransaction",
  "eth_sendRawTransaction",
  "evm_mine",
  "evm_increaseTime",
  "evm_setNextBlockTimestamp",
  "evm_setAutomine",
  "evm_setIntervalMining",
  "evm_setBlockGasLimit",
  "evm_snapshot",
  "evm_revert",
  "hardhat_mine",
  "hardhat_setBalance",
  "hardhat_setCode",
  "hardhat_setNonce",
  "hardhat_setStorageAt",
  "hardhat_impersonateAccount",
  "hardhat_stopImpersonatingAccount",
  "hardhat_setCoinbase",
  "hardhat_setNextBlockBaseFeePerGas",
  "hardhat_setPrevRandao",
  "hardhat_setMinGasPrice",
  "hardhat_dropTransaction",
]);
/** Requests whose mined block gets its recorded timestamp on replay. */
const MINING = new Set(["eth_sendTransaction", "eth_sendRawTransaction", "evm_mine", "hardhat_mine"]);

const JOURNAL = "journal.jsonl";

/** Reads a journal, or undefined when the folder has none. A damaged journal is an error naming the line. */
export async function readJournal(dir: string): Promise<{ header: JournalHeader; entries: JournalEntry[] } | undefined> {
  let text: string;
  try {
    text = await readFile(path.join(dir, JOURNAL), "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
  const lines = text.split("\n").filter((l) => l.trim() !== "");
  const parse = (line: string, i: number) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // a line cut short by a crash mid-write is the last one: drop it, the request never answered
      if (i === lines.length - 1) return undefined;
      throw new Error(`${path.join(dir, JOURNAL)} line ${i + 1}: not JSON; the chain journal is damaged (start over with --reset)`);
    }
  };
  const header = parse(lines[0] ?? "", 0) as JournalHeader | undefined;
  if (header?.journal !== "motif-chain" || header.version !== 1) {
    throw new Error(`${path.join(dir, JOURNAL)}: not a motif-chain v1 journal (start over with --reset)`);
  }
  const entries = lines.slice(1).map((l, i) => parse(l, i + 1)).filter((e): e is JournalEntry => e !== undefined);
  return { header, entries };
}

export type JournaledChain = {
  provider: Eip1193;
  /** Blocks and requests brought back from the journal (0 on a new chain). */
  replayed: { requests: number; blockNumber: bigint };
};

/**
 * Wraps a fresh simulation: replays `dir`'s journal into it (if any), then journals every
 * state-changing request that goes through the returned provider. `create(genesisTime)` must
 * return a new simulation whose genesis block has that timestamp (seconds).
 */
export async function journaledChain(dir: string, chainId: number, create: (genesisTime: Date | undefined) => Promise<Eip1193>): Promise<JournaledChain> {
  await mkdir(dir, { recursive: true });
  const existing = await readJournal(dir);
  if (existing !== undefined && existing.header.chainId !== chainId) {
    throw new Error(`${path.join(dir, JOURNAL)}: recorded for chain ${existing.header.chainId}, this chain is ${chainId} (start over with --reset)`);
  }
  const inner = await create(existing === undefined ? undefined : new Date(existing.header.genesisTime * 1000));
  const blockTime = async (tag: string) => Number(BigInt(((await inner.request({ method: "eth_getBlockByNumber", params: [tag, false] })) as { timestamp: string }).timestamp));
  const blockNumber = async () => BigInt((await inner.request({ method: "eth_blockNumber", params: [] })) as string);

  if (existing === undefined) {
    const header: JournalHeader = { journal: "motif-chain", version: 1, chainId, genesisTime: await blockTime("0x0") };
    await writeFile(path.join(dir, JOURNAL), JSON.stringify(header) + "\n");
  } else {
    for (const entry of existing.entries) {
      if (entry.time !== undefined && MINING.has(entry.method)) {
        await inner.request({ method: "evm_setNextBlockTimestamp", params: [entry.time] }).catch(() => undefined);
      }
      // the original request may have failed after mining (a reverted transaction): so may its replay
      await inner.request({ method: entry.method, params: entry.params }).catch(() => undefined);
    }
    // move the chain's clock on to now: the next block is no earlier than the wall clock
    const lag = Math.floor(Date.now() / 1000) - (await blockTime("latest"));
    if (lag > 0) await inner.request({ method: "evm_increaseTime", params: [lag] });
  }
  const replayed = { requests: existing?.entries.length ?? 0, blockNumber: await blockNumber() };

  let queue: Promise<unknown> = Promise.resolve();
  const provider: Eip1193 = {
    request: async ({ method, params = [] }) => {
      if (method === "hardhat_reset") {
        throw Object.assign(new Error("hardhat_reset is disabled on the persistent local chain: stop it and run `npm start -- --reset`"), { code: -32601 });
      }
      if (!MUTATING.has(method)) return inner.request({ method, params });
      // one state change at a time, so the journal's order is the order they ran in
      const run = queue.then(async () => {
        const before = await blockNumber();
        let result: unknown;
        let failure: unknown;
        try {
          result = await inner.request({ method, params });
        } catch (e) {
          failure = e;
        }
        const after = await blockNumber();
        if (failure === undefined || after > before) {
          const entry: JournalEntry = { method, params };
          if (after > before) entry.time = await blockTime(`0x${(before + 1n).toString(16)}`);
          await appendFile(path.join(dir, JOURNAL), JSON.stringify(entry) + "\n");
        }
        if (failure !== undefined) throw failure;
        return result;
      });
      queue = run.catch(() => undefined);
      return run;
    },
  };
  return { provider, replayed };
}

type RpcRequest = { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown };

/** Serves an EIP-1193 provider as JSON-RPC over HTTP (single and batch requests, CORS for the web page). */
export async function serveJsonRpc(provider: Eip1193, port: number, host = "127.0.0.1"): Promise<{ url: string; close(): Promise<void> }> {
  const answer = async (req: RpcRequest) => {
    const id = req.id ?? null;
    if (typeof req.method !== "string") return { jsonrpc: "2.0", id, error: { code: -32600, message: "method: expected a string" } };
    if (req.params !== undefined && !Array.isArray(req.params)) return { jsonrpc: "2.0", id, error: { code: -32602, message: "params: expected an array" } };
    try {
      const result = await provider.request({ method: req.method, params: req.params as unknown[] | undefined });
      return { jsonrpc: "2.0", id, result: result ?? null };
    } catch (e) {
      const err = e as { code?: unknown; message?: string; data?: unknown };
      const code = typeof err.code === "number" ? err.code : -32603;
      return { jsonrpc: "2.0", id, error: { code, message: err.message ?? String(e), ...(err.data === undefined ? {} : { data: err.data }) } };
    }
  };
  const handler = async (request: IncomingMessage, response: ServerResponse) => {
    response.setHeader("access-control-allow-origin", "*");
    response.setHeader("access-control-allow-headers", "content-type");
    response.setHeader("access-control-allow-methods", "POST, OPTIONS");
    if (request.method === "OPTIONS") return void response.writeHead(204).end();
    if (request.method !== "POST") return void response.writeHead(405, { "content-type": "text/plain" }).end("JSON-RPC: POST only\n");
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    } catch {
      return void response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32700, message: "parse error: body is not JSON" } }));
    }
    const out = Array.isArray(body) ? await Promise.all(body.map((r) => answer(r as RpcRequest))) : await answer(body as RpcRequest);
    // not viem's `stringify`: it writes bigints as decimal strings, and JSON-RPC quantities must be
    // 0x-prefixed hex (viem's own transport rejects "123" as a block number or balance)
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
  };
  const server: Server = createServer((req, res) => {
    handler(req, res).catch((e: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" });
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
