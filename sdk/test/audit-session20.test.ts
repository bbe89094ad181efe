import { expect } from "chai";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Address, createWalletClient, getAddress, http, keccak256, parseEther, toHex, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

import { LicenseFlags, MotifContractError, acceptOffer, licenseTerms, motifLicensingAbi, regionMask, registerModel } from "@motif/sdk";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat's accounts #0 (deployer, registrar) and #3 (a licensee).
const ADMIN_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const LICENSEE_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";

/**
 * Audit of session 20 (c2c72b7..8d03fd5), SDK part: simulateAndWrite's rate-limit retry.
 * Promise: "a write refused with HTTP 429 / a rate-limit error is retried as a whole after a
 * doubling wait; it must land EXACTLY once (never a duplicate transaction, e.g. when the 429 comes
 * after the node accepted the tx), a revert is reported at once and never retried".
 * Oracles: the chain itself (the account's nonce, LicenseGranted logs, balances), and the count of
 * requests a proxy in front of the node saw. Tests marked FINDING fail on the audited code.
 */
describe("audit session 20: simulateAndWrite behind a rate-limited RPC", function () {
  this.timeout(120_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
  });
  after(async () => {
    await chain?.close();
  });

  /**
   * A proxy in front of the node. mode "accept-then-429": every eth_sendRawTransaction is forwarded
   * to the node (which accepts and mines it), and the client is answered HTTP 429 anyway (a hosted
   * RPC's gateway that rate-limits the response, or a load balancer that had already relayed it).
   */
  async function proxy(mode: "accept-then-429" | "forward", times = 1) {
    const seen = { sends: 0, forwardedSends: 0, calls: [] as string[] };
    let left = times;
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const calls = [JSON.parse(body)].flat() as { method: string }[];
        seen.calls.push(...calls.map((c) => c.method));
        const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body });
        const text = await r.text();
        if (calls.some((c) => c.method === "eth_sendRawTransaction")) {
          seen.sends++;
          seen.forwardedSends++;
          if (mode === "accept-then-429" && left > 0) {
            left--;
            res.writeHead(429, { "content-type": "application/json" });
            res.end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: 429, message: "Your app has exceeded its compute units per second capacity." } }));
            return;
          }
        }
        res.writeHead(r.status, { "content-type": "application/json" });
        res.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
  }

  const hex = (s: string) => keccak256(toHex(s));

  /** A certificate minted to the studio (#2) with one open ETH offer (5 uses, 0.01 ETH); its id. */
  async function openOffer(tag: string): Promise<{ tokenId: bigint; offerId: bigint }> {
    const { deployed } = chain;
    const studio = deployed.wallets[2]!;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio.account.address, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio.account.address, royaltyBps: 0, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    const tokenId = BigInt(lineage.contentDigest);
    const now = Number((await deployed.publicClient.getBlock()).timestamp);
    const offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(["FR"]), flags: LicenseFlags.COMMERCIAL, currency: zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55, renewalPrice: 0n }),
      window: { start: 0, end: 0, duration: 30 * 86_400 },
      pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 5,
      deadline: now + 7 * 86_400,
      nonce: 0n,
      licensee: zeroAddress,
    };
    await deployed.wait(await deployed.licensing.write.publishOffer([offer], { account: studio.account }));
    const offerId = await deployed.publicClient.readContract({ address: deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "lastOfferId" });
    return { tokenId, offerId };
  }

  // FINDING F1 (high): the retry cannot tell "refused" from "accepted, then answered 429". A 429 on
  // eth_sendRawTransaction after the node took the transaction makes simulateAndWrite simulate, take
  // the next nonce, sign and send a SECOND transaction: the licensee buys the licence twice and pays
  // twice. Fix: sign once and re-send the same raw transaction (same nonce: a node answers "already
  // known"/"nonce too low" and the hash is known locally), or check the signed hash on chain
  // (eth_getTransactionByHash) before trying again.
  it("FINDING F1: an acceptOffer whose send is answered 429 after the node took it lands once (one licence, one payment, one nonce)", async () => {
    const { deployed } = chain;
    const { tokenId, offerId } = await openOffer("audit20-f1");
    const p = await proxy("accept-then-429", 1);
    try {
      const account = privateKeyToAccount(LICENSEE_KEY);
      const wallet = createWalletClient({ account, chain: hardhat, transport: http(p.url) });
      const nonceBefore = await deployed.publicClient.getTransactionCount({ address: account.address });
      const blockBefore = await deployed.publicClient.getBlockNumber();
      const hash = await acceptOffer(wallet, { licensing: deployed.addresses.licensing, offerId, maxPrice: parseEther("0.01") });
      await deployed.publicClient.waitForTransactionReceipt({ hash });
      const grants = await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId }, fromBlock: blockBefore + 1n });
      const nonceAfter = await deployed.publicClient.getTransactionCount({ address: account.address });
      const [, state] = await deployed.publicClient.readContract({ address: deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "getOffer", args: [offerId] });
      expect(
        { transactions: nonceAfter - nonceBefore, licencesGranted: grants.length, offerUses: Number(state.uses) },
        `eth_sendRawTransaction reached the node ${p.seen.forwardedSends} times; licensees ${grants.map((g) => getAddress(g.args.licensee as Address)).join(", ")}`,
      ).to.deep.equal({ transactions: 1, licencesGranted: 1, offerUses: 1 });
    } finally {
      await p.close();
    }
  });

  // FINDING F2 (medium): isRateLimited tests every message in the error chain against /rate limit|
  // throttl|too many requests|…/, and viem's ContractFunctionExecutionError message carries the
  // call's arguments ("args: (…)"). A revert of a write whose string arguments mention a rate limit
  // (a model named "Throttle", "Rate limiter", …) is therefore taken for a 429: simulated 7 times over
  // ~16 s before the MotifContractError is reported. Fix: look at HTTP status / JSON-RPC code and the
  // RPC error's own message only (not the contract error's formatted message), and never retry once
  // the error is a decoded contract revert (ContractFunctionRevertedError in the chain).
  it("FINDING F2: a revert is reported at once even when the write's arguments mention a rate limit", async () => {
    const { deployed } = chain;
    const p = await proxy("forward");
    try {
      const wallet = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: hardhat, transport: http(p.url) });
      const registry = deployed.addresses.registry;
      const params = { registry, owner: wallet.account.address, weightsDigest: hex("audit20-f2-weights"), royaltyBps: 0, name: "Throttle", version: "rate limit edition", cardDigest: hex("audit20-f2-card") };
      await deployed.wait(await registerModel(wallet, params));
      // the same weights again: the registry refuses (MotifModelRegistryDuplicateWeights)
      p.seen.calls.length = 0;
      const started = Date.now();
      const error = await registerModel(wallet, params).catch((e: unknown) => e);
      const elapsed = Date.now() - started;
      expect(error).to.be.instanceOf(MotifContractError);
      expect((error as MotifContractError).errorName).to.equal("MotifModelRegistryDuplicateWeights");
      const simulations = p.seen.calls.filter((m) => m === "eth_call").length;
      expect({ simulations, sends: p.seen.calls.filter((m) => m === "eth_sendRawTransaction").length, reportedWithinMs2000: elapsed < 2_000 }, `reported after ${elapsed} ms`).to.deep.equal({ simulations: 1, sends: 0, reportedWithinMs2000: true });
    } finally {
      await p.close();
    }
  });

  // Probe (held): a plain revert (no rate-limit words in the arguments) is reported after one simulation.
  it("probe: a plain revert is simulated once and reported at once", async () => {
    const { deployed } = chain;
    const p = await proxy("forward");
    try {
      const wallet = createWalletClient({ account: privateKeyToAccount(ADMIN_KEY), chain: hardhat, transport: http(p.url) });
      const params = { registry: deployed.addresses.registry, owner: wallet.account.address, weightsDigest: hex("audit20-probe-weights"), royaltyBps: 0, name: "plain", version: "1", cardDigest: hex("audit20-probe-card") };
      await deployed.wait(await registerModel(wallet, params));
      p.seen.calls.length = 0;
      const error = await registerModel(wallet, params).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(MotifContractError);
      expect(p.seen.calls.filter((m) => m === "eth_call").length).to.equal(1);
    } finally {
      await p.close();
    }
  });
});
