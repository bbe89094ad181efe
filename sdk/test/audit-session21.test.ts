import { expect } from "chai";
import { type EIP1193RequestFn, createWalletClient, custom, keccak256, toHex } from "viem";
import { nonceManager, privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { registerModel } from "@motif/sdk";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat's account #0 (deployer, registrar).
const ADMIN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";

/**
 * Audit of session 21 (8d03fd5..576f0cd), SDK part. Promise: "viem's nonce manager consumed once
 * and given back on failure (concurrent writes from one key must all land with distinct nonces, and
 * a failed write must not leave a nonce gap that blocks later writes)". Oracle: the chain (receipts,
 * the account's nonce).
 */
describe("audit session 21: simulateAndWrite's nonce manager under concurrent writes", function () {
  this.timeout(120_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
  });
  after(async () => {
    await chain?.close();
  });
  const hex = (s: string) => keccak256(toHex(s));

  // FINDING F3: write A consumes nonce n, write B (same key, concurrently) consumes n+1; A's gas
  // estimate fails (a transient 502 from the RPC, not a revert) and giveBack() resets the manager, but
  // B has already signed n+1: nothing ever takes nonce n, so B is refused ("nonce too high") or sits
  // queued behind the gap. A failure of one write makes a valid concurrent write fail.
  it("FINDING F3: when one of two concurrent writes from one key fails before sending, the other still lands", async () => {
    const { deployed } = chain;
    const digestA = hex("audit21-f3-a");
    const digestB = hex("audit21-f3-b");
    let failedOnce = false;
    const request: EIP1193RequestFn = async ({ method, params }) => {
      if (method === "eth_estimateGas" && !failedOnce && JSON.stringify(params).toLowerCase().includes(digestA.slice(2).toLowerCase())) {
        failedOnce = true;
        await new Promise((r) => setTimeout(r, 300)); // B has consumed its nonce by now
        throw new Error("upstream connect error or disconnect/reset before headers (502)");
      }
      const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      const body = (await r.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (body.error) throw Object.assign(new Error(body.error.message), body.error);
      return body.result as never;
    };
    const account = privateKeyToAccount(ADMIN_KEY, { nonceManager });
    const wallet = createWalletClient({ account, chain: hardhat, transport: custom({ request }, { retryCount: 0 }) });
    const registry = deployed.addresses.registry;
    const nonceBefore = await deployed.publicClient.getTransactionCount({ address: account.address });
    const [a, b] = await Promise.allSettled([
      registerModel(wallet, { registry, owner: account.address, weightsDigest: digestA, royaltyBps: 0, name: "a", version: "1", cardDigest: hex("audit21-f3-card-a") }),
      registerModel(wallet, { registry, owner: account.address, weightsDigest: digestB, royaltyBps: 0, name: "b", version: "1", cardDigest: hex("audit21-f3-card-b") }),
    ]);
    let bLanded: string = b.status === "rejected" ? `rejected: ${String((b.reason as { shortMessage?: string }).shortMessage ?? b.reason).split("\n")[0]} (${String((b.reason as { details?: string }).details ?? "").split("\n")[0]})` : "sent";
    if (b.status === "fulfilled") {
      const mined = await Promise.race([
        deployed.publicClient.waitForTransactionReceipt({ hash: b.value }).then((r) => r.status),
        new Promise<string>((r) => setTimeout(() => r("not mined within 5 s (queued behind a nonce gap)"), 5_000)),
      ]);
      bLanded = mined;
    }
    const nonceAfter = await deployed.publicClient.getTransactionCount({ address: account.address });
    expect({ a: a.status, b: bLanded, transactions: nonceAfter - nonceBefore }).to.deep.equal({ a: "rejected", b: "success", transactions: 1 });
  });

  // Probe (held): the same two concurrent writes through the same transport, none failing, both land.
  it("probe: two concurrent writes from one key (nonce manager) both land", async () => {
    const { deployed } = chain;
    const request: EIP1193RequestFn = async ({ method, params }) => {
      const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      const body = (await r.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
      if (body.error) throw Object.assign(new Error(body.error.message), body.error);
      return body.result as never;
    };
    const account = privateKeyToAccount(ADMIN_KEY, { nonceManager });
    const wallet = createWalletClient({ account, chain: hardhat, transport: custom({ request }, { retryCount: 0 }) });
    const registry = deployed.addresses.registry;
    const hashes = await Promise.all(["c", "d"].map((t) => registerModel(wallet, { registry, owner: account.address, weightsDigest: hex(`audit21-probe-${t}`), royaltyBps: 0, name: t, version: "1", cardDigest: hex(`audit21-card-${t}`) })));
    const statuses = await Promise.all(hashes.map((hash) => deployed.publicClient.waitForTransactionReceipt({ hash }).then((r) => r.status)));
    expect(statuses).to.deep.equal(["success", "success"]);
  });
});
