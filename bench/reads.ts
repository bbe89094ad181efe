/**
 * Reads on a long chain behind a hosted RPC's limits (part of `npm run bench`): a chain advanced by
 * 1,000,000 blocks before Motif is deployed, a few certificates and an offer, and the requests a cold
 * `getCertificate`, `acceptOffer` (from a wallet's account and from a local key) and the web page's
 * gallery page (through the indexer, and from the chain without it) make through
 * test/ts/helpers/limits-proxy.ts (10,000 blocks and 10,000 logs per eth_getLogs, 25 requests/s).
 * Goal: a constant handful, whatever the chain's length.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, parseEther, toHex, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { getEventLogs, licenseTerms, motifActions, motifCertificateAbi } from "@motif/sdk";
import { longChainWithMotif } from "../test/ts/helpers/long-chain.js";
import { startLimitsProxy } from "../test/ts/helpers/limits-proxy.js";
import { startIndexer } from "@motif/indexer/launch";
import { galleryPage } from "../web/src/data.js";
import type { WebConfig } from "../web/src/config.js";
import { BenchReport } from "./lib/report.js";

const ADVANCE = 1_000_000;
const report = new BenchReport(`Motif reads behind a hosted RPC's limits (a chain ${ADVANCE.toLocaleString("en-US")} blocks long before deployment)`);
const chain = await longChainWithMotif({ advance: ADVANCE, mints: 3, prefix: "reads" });
const { deployed, url: upstream, generator } = chain;
const proxy = await startLimitsProxy(upstream);
try {
  const licensee = deployed.wallets[3]!;
  const tokenId = chain.tokenIds[0]!;
  const hex = (t: string): Hex => keccak256(toHex(t));
  const offer = { terms: licenseTerms({ tokenId, regions: 1n << 74n, termsDigest: hex("terms"), termsCodec: 0x55 }), window: { start: 0, end: 0, duration: 86_400 * 30 }, pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 }, maxUses: 10, deadline: 2 ** 39, nonce: 0n, licensee: "0x0000000000000000000000000000000000000000" as const };
  await deployed.wait(await deployed.licensing.write.publishOffer([offer], { account: generator.account }));

  const total = () => [...proxy.calls.values()].reduce((a, b) => a + b, 0);
  // no start block: the certificate stores its mint block, so nothing depends on where history starts
  const reader = createPublicClient({ transport: http(proxy.url) }).extend(motifActions({ addresses: deployed.addresses }));
  proxy.reset();
  await reader.getCertificate({ tokenId });
  report.record("reads.getCertificate.requests", total(), "cold getCertificate through the proxy, no start block given (storage, tokenURI, the mint event from its one block)", 5);
  report.record("reads.getCertificate.getLogs", proxy.calls.get("eth_getLogs") ?? 0, "of which eth_getLogs pages");

  const buyer = createWalletClient({ account: licensee.account, chain: licensee.chain, transport: http(proxy.url) }).extend(motifActions({ addresses: deployed.addresses, startBlock: deployed.record.startBlock }));
  proxy.reset();
  await deployed.wait(await buyer.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.01") }));
  report.record("reads.acceptOffer.requests", total(), "acceptOffer through the proxy: the offer read (getOffer), simulation and sending; no event read", 8);
  report.record("reads.acceptOffer.getLogs", proxy.calls.get("eth_getLogs") ?? 0, "of which eth_getLogs");

  // the same from a local key (a server's or a script's): the SDK prepares and signs the transaction
  // itself, so the nonce, gas and fees are its requests too
  const keyed = createWalletClient({ account: privateKeyToAccount("0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a"), chain: licensee.chain, transport: http(proxy.url) }).extend(motifActions({ addresses: deployed.addresses }));
  proxy.reset();
  await deployed.wait(await keyed.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.01") }));
  report.record("reads.acceptOffer.localAccount.requests", total(), "acceptOffer from a local key through the proxy: simulation, chain id, gas, fees, nonce and the signed send", 10);

  // the web page's gallery page: through the indexer (Ponder on the node itself, not counted here),
  // and from the chain's mint events without it
  const rpc = (method: string) => fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }) });
  for (let i = 0; i < 40; i++) await rpc("evm_mine"); // Ponder's finality window past hardhat_mine's blocks, one at a time
  const stateDir = mkdtempSync(path.join(tmpdir(), "motif-bench-reads-"));
  const indexer = await startIndexer({ rpcUrl: upstream, chainId: 31337, startBlock: deployed.record.startBlock, addresses: deployed.addresses, stateDir, port: 0, pollingMs: 500 });
  try {
    await indexer.ready(180_000);
    const cfg: WebConfig = { chainId: 31337, gateway: "http://127.0.0.1:1", api: "http://127.0.0.1:1", apiKey: "", indexer: indexer.url, contracts: deployed.record.contracts, startBlock: deployed.record.startBlock, models: {}, modelParams: {} };
    const page = createPublicClient({ transport: http(proxy.url) });
    proxy.reset();
    const viaIndex = await galleryPage(page, cfg, { pageSize: 24 });
    if (viaIndex.source !== "indexer" || viaIndex.total !== chain.tokenIds.length) throw new Error(`the gallery through the indexer listed ${viaIndex.total} (${viaIndex.source})`);
    report.record("reads.galleryPage.requests", total(), "the web page's gallery page through the indexer: the chain's head only (is the index caught up?)", 5);
    proxy.reset();
    const { indexer: _, ...withoutIndexer } = cfg;
    const fromChain = await galleryPage(page, withoutIndexer, { pageSize: 24 });
    if (fromChain.source !== "chain" || fromChain.total !== chain.tokenIds.length) throw new Error(`the gallery from the chain listed ${fromChain.total} (${fromChain.source})`);
    report.record("reads.galleryPage.noIndexer.requests", total(), "the same without an indexer: the mint events from the deployment block (pages of the blocks since, not of the chain's history)");
  } finally {
    await indexer.stop();
    rmSync(stateDir, { recursive: true, force: true });
  }

  proxy.reset();
  const t = performance.now();
  const all = await getEventLogs(createPublicClient({ transport: http(proxy.url) }), { address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n });
  report.record("reads.fromBlock0.requests", total(), `every mint read from block 0 instead (${all.length} found): pages of 10,000 blocks, rate limit waited out`);
  report.record("reads.fromBlock0.s", Math.round((performance.now() - t) / 100) / 10, "its wall time at 25 requests/s");
} finally {
  await proxy.close();
  await chain.close();
}
await report.write();
