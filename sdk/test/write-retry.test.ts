import { expect } from "chai";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createWalletClient, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { MotifContractError, registerModel } from "@motif/sdk";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat's account #0: the deployer, which holds the registrar role.
const ADMIN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * A hosted RPC refuses sends for its rate (HTTP 429): viem never retries a send (one that went
 * through must not be sent twice), but a refused one did not go through. The SDK's writes try again
 * and land exactly once; a revert is still reported at once, never retried.
 */
describe("writes behind a rate-limited RPC", function () {
  this.timeout(120_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  before(async () => {
    chain = await remoteChainWithMotif({ models: [] });
  });
  after(async () => {
    await chain?.close();
  });

  /** What the proxy does with the n-th eth_sendRawTransaction (from 0). */
  type SendFate = "refuse-429" | "forward-then-503" | "drop-connection" | "forward";

  /** A proxy that answers HTTP 429 to the first `refusals` eth_sendRawTransaction calls, then forwards. */
  async function refusingProxy(refusals: number, fate: (n: number) => SendFate = (n) => (n < refusals ? "refuse-429" : "forward")) {
    const sends = { refused: 0, forwarded: 0, answersLost: 0 };
    let n = 0;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const calls = [JSON.parse(body)].flat() as { method: string }[];
        let loseAnswer = false;
        if (calls.some((c) => c.method === "eth_sendRawTransaction")) {
          const what = fate(n++);
          if (what === "drop-connection") {
            sends.answersLost++;
            req.socket.destroy();
            return;
          }
          if (what === "refuse-429") {
            sends.refused++;
            res.writeHead(429, { "content-type": "application/json" });
            res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: 429, message: "Your app has exceeded its compute units per second capacity." } }));
            return;
          }
          sends.forwarded++;
          loseAnswer = what === "forward-then-503";
        }
        const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body });
        if (loseAnswer) {
          // the node took it; the gateway in front of it answers 503 all the same
          sends.answersLost++;
          res.writeHead(503).end("upstream unavailable");
          return;
        }
        res.writeHead(r.status, { "content-type": "application/json" });
        res.end(await r.text());
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, sends, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  it("a send refused three times lands once, with one model registered", async () => {
    const proxy = await refusingProxy(3);
    try {
      const wallet = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: hardhat, transport: http(proxy.url) });
      const registry = chain.record.contracts.MotifModelRegistry;
      const modelCount = () => chain.deployed.publicClient.readContract({ address: registry, abi: [{ type: "function", name: "modelCount", inputs: [], outputs: [{ type: "uint32" }], stateMutability: "view" }] as const, functionName: "modelCount" });
      const before = await modelCount();
      const hash = await registerModel(wallet, { registry, owner: wallet.account.address, weightsDigest: keccak256(toHex("retry-weights")), royaltyBps: 0, name: "retry", version: "1", cardDigest: keccak256(toHex("retry-card")) });
      const receipt = await chain.deployed.publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status).to.equal("success");
      expect(proxy.sends).to.deep.equal({ refused: 3, forwarded: 1, answersLost: 0 });
      // the oracle: the registry's own count, read directly from the chain
      expect(await modelCount()).to.equal(before + 1);
      // a revert (the same weights again) is reported at once: nothing sent, nothing retried
      proxy.sends.forwarded = 0;
      const error = await registerModel(wallet, { registry, owner: wallet.account.address, weightsDigest: keccak256(toHex("retry-weights")), royaltyBps: 0, name: "retry", version: "1", cardDigest: keccak256(toHex("retry-card")) }).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MotifContractError);
      expect((error as MotifContractError).errorName).to.equal("MotifModelRegistryDuplicateWeights");
      expect(proxy.sends.forwarded).to.equal(0);
    } finally {
      await proxy.close();
    }
  });

  it("a send lost on the way (the gateway's 503 after the node took it, a dropped connection) lands once", async () => {
    // 1st send: forwarded, its answer replaced by 503; 2nd: connection dropped before the node; then forwarded
    const proxy = await refusingProxy(0, (n) => (n === 0 ? "forward-then-503" : n === 1 ? "drop-connection" : "forward"));
    try {
      const wallet = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: hardhat, transport: http(proxy.url, { retryCount: 0 }) });
      const registry = chain.record.contracts.MotifModelRegistry;
      const modelCount = () => chain.deployed.publicClient.readContract({ address: registry, abi: [{ type: "function", name: "modelCount", inputs: [], outputs: [{ type: "uint32" }], stateMutability: "view" }] as const, functionName: "modelCount" });
      const nonce = () => chain.deployed.publicClient.getTransactionCount({ address: wallet.account.address });
      const [countBefore, nonceBefore] = [await modelCount(), await nonce()];
      const hash = await registerModel(wallet, { registry, owner: wallet.account.address, weightsDigest: keccak256(toHex("lost-answer-weights")), royaltyBps: 0, name: "lost", version: "1", cardDigest: keccak256(toHex("lost-card")) });
      expect((await chain.deployed.publicClient.waitForTransactionReceipt({ hash })).status).to.equal("success");
      expect(proxy.sends.answersLost).to.equal(1, "the node's answer was lost once (the chain already had it: the SDK asked for its hash)");
      // the oracles: the registry's count and the account's nonce, read directly from the chain
      expect(await modelCount()).to.equal(countBefore + 1);
      expect(await nonce()).to.equal(nonceBefore + 1);

      // lost before the node: the same signed bytes are sent again and land once
      const dropped = await refusingProxy(0, (n) => (n === 0 ? "drop-connection" : "forward"));
      try {
        const wallet2 = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: hardhat, transport: http(dropped.url, { retryCount: 0 }) });
        const hash2 = await registerModel(wallet2, { registry, owner: wallet2.account.address, weightsDigest: keccak256(toHex("dropped-weights")), royaltyBps: 0, name: "dropped", version: "1", cardDigest: keccak256(toHex("dropped-card")) });
        expect((await chain.deployed.publicClient.waitForTransactionReceipt({ hash: hash2 })).status).to.equal("success");
        expect(dropped.sends).to.deep.equal({ refused: 0, forwarded: 1, answersLost: 1 });
        expect(await modelCount()).to.equal(countBefore + 2);
        expect(await nonce()).to.equal(nonceBefore + 2);
      } finally {
        await dropped.close();
      }
    } finally {
      await proxy.close();
    }
  });
});
