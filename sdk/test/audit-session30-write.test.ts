import { expect } from "chai";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createWalletClient, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { registerModel } from "@motif/sdk";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat's account #0: the deployer, which holds the registrar role.
const ADMIN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

type Fate = "forward" | "forward-then-503" | "503-rpc-error" | "503" | "hang";

/**
 * Audit session 30 of efa3faf (`simulateAndWrite` re-sends the same signed bytes after a send lost
 * on the way). A proxy in front of a Hardhat node decides, per eth_sendRawTransaction and per
 * eth_getTransactionByHash, what the SDK sees. Oracles: the chain's own count and the proxy's log.
 */
describe("audit session 30: SDK send retries", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  before(async () => {
    chain = await remoteChainWithMotif({ models: [] });
  });
  after(async () => {
    await chain?.close();
  });

  async function proxy(sendFate: (n: number) => Fate, lookupFate: (n: number) => Fate = () => "forward") {
    const log = { sends: 0, lookups: 0, forwardedSends: 0, hung: 0 };
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const calls = [JSON.parse(body)].flat() as { method: string; id: number }[];
        let fate: Fate = "forward";
        if (calls.some((c) => c.method === "eth_sendRawTransaction")) fate = sendFate(log.sends++);
        else if (calls.some((c) => c.method === "eth_getTransactionByHash")) fate = lookupFate(log.lookups++);
        if (fate === "hang") {
          log.hung++;
          return; // never answers: the client's timeout ends it
        }
        if (fate === "503") {
          res.writeHead(503).end("upstream unavailable");
          return;
        }
        if (fate === "503-rpc-error") {
          res.writeHead(503, { "content-type": "application/json" });
          res.end(JSON.stringify({ jsonrpc: "2.0", id: calls[0]!.id, error: { code: -32000, message: "insufficient funds for gas * price + value" } }));
          return;
        }
        if (calls.some((c) => c.method === "eth_sendRawTransaction")) log.forwardedSends++;
        const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body });
        if (fate === "forward-then-503") {
          res.writeHead(503).end("upstream unavailable");
          return;
        }
        res.writeHead(r.status, { "content-type": "application/json" });
        res.end(await r.text());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      log,
      close: () =>
        new Promise<void>((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    };
  }

  const registry = () => chain.record.contracts.MotifModelRegistry;
  const modelCount = () => chain.deployed.publicClient.readContract({ address: registry(), abi: [{ type: "function", name: "modelCount", inputs: [], outputs: [{ type: "uint32" }], stateMutability: "view" }] as const, functionName: "modelCount" });
  const register = (url: string, salt: string, transport: Parameters<typeof http>[1] = { retryCount: 0 }) => {
    const wallet = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: hardhat, transport: http(url, transport) });
    return registerModel(wallet, { registry: registry(), owner: wallet.account.address, weightsDigest: keccak256(toHex(`${salt}-weights`)), royaltyBps: 0, name: salt, version: "1", cardDigest: keccak256(toHex(`${salt}-card`)) });
  };

  it("test_held_rpcErrorInside503: a node's JSON-RPC error carried by an HTTP 503 is not retried (one send)", async () => {
    const p = await proxy(() => "503-rpc-error");
    try {
      const error = await register(p.url, "a30-funds").catch((e: unknown) => e);
      expect(error).to.be.instanceOf(Error);
      expect(String((error as Error).message)).to.match(/insufficient funds/i);
      expect(p.log.sends).to.equal(1);
    } finally {
      await p.close();
    }
  });

  it("FIXED finding_landedReportedFailed: a send the node took (answer lost in a 503 storm) is reported landed, not as the node's 'nonce too low' to its own retry", async () => {
    // 1st send: the node takes it, the gateway answers 503; the hash lookups during the storm: 503;
    // 2nd send (the same bytes) reaches the node, which already has them (mined: nonce too low)
    const p = await proxy((n) => (n === 0 ? "forward-then-503" : "forward"), (n) => (n < 2 ? "503" : "forward"));
    try {
      const before = await modelCount();
      const outcome = await register(p.url, "a30-landed").then(
        (hash) => ({ hash }),
        (e: unknown) => ({ error: (e as Error).message.split("\n")[0] }),
      );
      const after = await modelCount();
      // the chain's word: it landed, once
      expect(after).to.equal(before + 1);
      // the SDK's word must agree: a caller told it failed sends a second transaction of its own
      expect(outcome, "the write's outcome").to.have.property("hash");
    } finally {
      await p.close();
    }
  });

  it("FIXED finding_timeoutStormBudget: a node that never answers sends or lookups: the write gives up within a minute at viem's default 10 s timeout", async () => {
    const timeout = 250;
    const p = await proxy(() => "hang", () => "hang");
    try {
      const t0 = Date.now();
      const error = await register(p.url, "a30-hang", { timeout }).catch((e: unknown) => e);
      const elapsed = Date.now() - t0;
      expect(error).to.be.instanceOf(Error);
      // every hung request costs the transport's whole timeout: at viem's default (10 s) the caller waits
      const atDefault = elapsed + p.log.hung * (10_000 - timeout);
      expect(atDefault, "ms a caller waits at viem's default timeout").to.be.below(60_000);
    } finally {
      await p.close();
    }
  });
});
