import { expect } from "chai";
import { createPublicClient, http, keccak256, toHex } from "viem";

import { EventLogsRangeError, getEventLogs, motifActions, motifCertificateAbi } from "@motif/sdk";
import { longChainWithMotif } from "../../test/ts/helpers/long-chain.js";
import { HOSTED_LIMITS, startLimitsProxy } from "../../test/ts/helpers/limits-proxy.js";

/**
 * Reading events behind a hosted provider's limits, on a chain a million blocks long before Motif was
 * deployed: the oracle is the same query asked of the node itself, which has no limits.
 */
describe("getEventLogs: events read in pages a hosted RPC accepts", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof longChainWithMotif>>;
  let deployed: Awaited<ReturnType<typeof longChainWithMotif>>["deployed"];
  let upstream: string;
  const MINTS = 6;

  before(async () => {
    chain = await longChainWithMotif({ advance: 1_000_000, mints: MINTS, prefix: "logs" }); // a million blocks before the deployment
    ({ deployed, url: upstream } = chain);
  });
  after(async () => {
    await chain?.close();
  });

  const mintsVia = (url: string, fromBlock: bigint, extra: { maxBlockRange?: bigint } = {}) =>
    getEventLogs(createPublicClient({ transport: http(url, { retryCount: 1, retryDelay: 50 }) }), { address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock, ...extra });
  const ids = (logs: ReadonlyArray<{ args: { tokenId?: bigint } }>) => logs.map((l) => l.args.tokenId);

  it("the proxy refuses what a hosted provider refuses: one eth_getLogs from block 0", async () => {
    const proxy = await startLimitsProxy(upstream);
    try {
      const client = createPublicClient({ transport: http(proxy.url, { retryCount: 0 }) });
      const refused = await client.getContractEvents({ address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n }).catch((e: Error) => e);
      expect(refused).to.be.instanceOf(Error);
      expect(String((refused as Error).message)).to.contain("eth_getLogs is limited to a 10,000 range");
    } finally {
      await proxy.close();
    }
  });

  it("from the deployment block: every mint, in a constant handful of requests", async () => {
    const oracle = await createPublicClient({ transport: http(upstream) }).getContractEvents({ address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n });
    expect(oracle).to.have.length(MINTS);
    expect(deployed.record.startBlock).to.be.greaterThan(1_000_000);
    const proxy = await startLimitsProxy(upstream);
    try {
      const logs = await mintsVia(proxy.url, BigInt(deployed.record.startBlock));
      expect(ids(logs)).to.deep.equal(ids(oracle));
      expect(proxy.calls.get("eth_getLogs")).to.equal(1);
    } finally {
      await proxy.close();
    }
  });

  it("from block 0 across a million blocks: pages of 10,000, waits out the rate limit, loses nothing", async () => {
    const oracle = await createPublicClient({ transport: http(upstream) }).getContractEvents({ address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n });
    const proxy = await startLimitsProxy(upstream);
    try {
      const logs = await mintsVia(proxy.url, 0n);
      expect(ids(logs)).to.deep.equal(ids(oracle));
      expect(proxy.refused.range).to.equal(0);
      expect(proxy.refused.rate, "25 requests/s were exceeded and waited out").to.be.greaterThan(0);
      expect(proxy.calls.get("eth_getLogs")).to.be.at.least(100);
    } finally {
      await proxy.close();
    }
  });

  it("narrows the range on the provider's word: a tighter block cap, a result cap", async () => {
    const oracle = await createPublicClient({ transport: http(upstream) }).getContractEvents({ address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n });
    const from = BigInt(deployed.record.startBlock);
    for (const limits of [{ ...HOSTED_LIMITS, maxBlockRange: 3 }, { ...HOSTED_LIMITS, maxLogs: 2 }]) {
      const proxy = await startLimitsProxy(upstream, limits);
      try {
        const logs = await mintsVia(proxy.url, from);
        expect(ids(logs), JSON.stringify(limits)).to.deep.equal(ids(oracle));
        expect(proxy.refused.range + proxy.refused.results, JSON.stringify(limits)).to.be.greaterThan(0);
      } finally {
        await proxy.close();
      }
    }
  });

  it("a cold getCertificate a million blocks in reads one block's logs, with no start block given (the certificate stores its mint block)", async () => {
    const proxy = await startLimitsProxy(upstream);
    try {
      // No startBlock: a scan would start at block 0 and need 100+ pages of 10,000 blocks.
      const motif = createPublicClient({ transport: http(proxy.url) }).extend(motifActions({ addresses: deployed.addresses }));
      const cert = await motif.getCertificate({ tokenId: BigInt(keccak256(toHex("logs-3"))) });
      expect(cert.lineage.seed).to.equal(3n);
      expect(cert.lineage.paramsHash).to.equal(keccak256(toHex("p-3")));
      expect(cert.mintBlock > 1_000_000n, `minted after the advance, at ${cert.mintBlock}`).to.equal(true);
      expect(proxy.logRanges, "one eth_getLogs, of the mint block alone").to.deep.equal([{ from: cert.mintBlock, to: cert.mintBlock }]);
      const requests = [...proxy.calls.values()].reduce((a, b) => a + b, 0);
      expect(requests, JSON.stringify([...proxy.calls])).to.be.at.most(3);
      // The oracle for the block: the chain's own receipt of the mint transaction.
      const [mint] = await createPublicClient({ transport: http(upstream) }).getContractEvents({
        address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", args: { tokenId: cert.tokenId }, fromBlock: 0n,
      });
      expect(mint!.blockNumber).to.equal(cert.mintBlock);
    } finally {
      await proxy.close();
    }
  });

  it("says so when not even one block fits the provider's result cap", async () => {
    // a provider that returns no logs at all: no range can pass, and the reader stops at one block with words
    const proxy = await startLimitsProxy(upstream, { ...HOSTED_LIMITS, maxLogs: 0 });
    try {
      const error = await mintsVia(proxy.url, BigInt(deployed.record.startBlock)).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(EventLogsRangeError);
      expect((error as Error).message).to.match(/refused eth_getLogs for CertificateMinted even for block \d+ alone/);
    } finally {
      await proxy.close();
    }
  });
});
