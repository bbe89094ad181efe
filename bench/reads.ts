/**
 * Reads on a long chain behind a hosted RPC's limits (part of `npm run bench`): a chain advanced by
 * 1,000,000 blocks before Motif is deployed, a few certificates and an offer, and the requests a cold
 * `getCertificate` and `acceptOffer` make through test/ts/helpers/limits-proxy.ts (10,000 blocks and
 * 10,000 logs per eth_getLogs, 25 requests/s). Goal: a constant handful, whatever the chain's length.
 */
import { createPublicClient, createWalletClient, http, keccak256, parseEther, toHex, type Hex } from "viem";

import { getEventLogs, licenseTerms, motifActions, motifCertificateAbi } from "@motif/sdk";
import { longChainWithMotif } from "../test/ts/helpers/long-chain.js";
import { startLimitsProxy } from "../test/ts/helpers/limits-proxy.js";
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
