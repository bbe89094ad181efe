import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Address, getAddress, keccak256, toHex } from "viem";

import { getGallery, motifCertificateAbi } from "@motif/sdk";
import { startIndexer, type RunningIndexer } from "../launch.mjs";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";
import { mintedSignals } from "../../generator/src/screen/from-chain.js";

/**
 * Audit of session 21 (8d03fd5..576f0cd): mintedSignals. Promise: "every pattern minted up to
 * `upTo`; combined with the chain's CertificateMinted logs after `upTo`, the result is exactly the
 * chain's set (no duplicate, no gap)". Oracle: the chain's own CertificateMinted logs. The indexer
 * lags the chain by its polling (here: its RPC is briefly unreachable) while a reorg replaces the
 * block at `upTo`.
 */
describe("audit session 21: mintedSignals across a reorg the indexer has not seen yet", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let stateDir: string;
  let server: ReturnType<typeof createServer>;
  let frozen = false;
  const hex = (s: string) => keccak256(toHex(s));
  let studio: Address;
  const rpc = (method: string, params: unknown[] = []) =>
    fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then(async (r) => ((await r.json()) as { result: unknown }).result);

  async function mint(tag: string) {
    const { deployed } = chain;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio, recipeId: 0n };
    const receipt = await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    return { tokenId: BigInt(lineage.contentDigest), block: receipt.blockNumber };
  }

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    studio = getAddress(chain.deployed.wallets[2]!.account.address);
    await mint("audit21-reorg-base");
    // the indexer's RPC, through a proxy that can be made unreachable (a node restart, a network blip)
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        if (frozen) {
          res.writeHead(503);
          res.end();
          return;
        }
        try {
          const r = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: Buffer.concat(chunks) });
          res.writeHead(r.status, { "content-type": "application/json" });
          res.end(await r.text());
        } catch {
          res.writeHead(502);
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    stateDir = mkdtempSync(path.join(tmpdir(), "motif-audit21-reorg-"));
    indexer = await startIndexer({
      rpcUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      chainId: 31337,
      startBlock: chain.record.startBlock,
      addresses: chain.deployed.addresses,
      stateDir,
      port: 0,
      pollingMs: 200,
    });
    await indexer.ready(180_000);
  });

  after(async () => {
    frozen = false;
    await indexer?.stop();
    await new Promise<void>((r) => server.close(() => r()));
    server.closeAllConnections?.();
    await chain?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  // FINDING F4: mintedSignals trusts the index's rows up to `upTo` and reads the chain only after it.
  // When a reorg replaces blocks at or before `upTo` that the indexer has not yet seen (it lags by its
  // polling, or its RPC is briefly down), the answer holds a pattern the chain no longer has and
  // misses the one that replaced it: a screening bank built from it lets a near-duplicate through.
  // Nothing checks that the index's block `upTo` is the chain's (e.g. its hash).
  it("FINDING F4: mintedSignals equals the chain's CertificateMinted set right after a reorg the indexer has not yet followed", async () => {
    const { deployed } = chain;
    const snapshot = await rpc("evm_snapshot");
    const orphan = await mint("audit21-reorg-orphan");
    const end = Date.now() + 60_000;
    while (BigInt((await getGallery({ indexer: indexer.url })).indexedBlock) < orphan.block && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    frozen = true;
    try {
      expect(await rpc("evm_revert", [snapshot])).to.equal(true);
      const replacement = await mint("audit21-reorg-replacement"); // same height as the orphan
      const signals = await mintedSignals({ publicClient: deployed.publicClient, certificate: deployed.addresses.certificate, fromBlock: BigInt(chain.record.startBlock), indexer: indexer.url });
      const logs = await deployed.publicClient.getContractEvents({ address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: BigInt(chain.record.startBlock) });
      const onChain = logs.map((l) => l.args.tokenId!).sort();
      const got = [...signals.tokenIds].sort();
      const name = (id: bigint) => (id === orphan.tokenId ? "orphan" : id === replacement.tokenId ? "replacement" : "base");
      expect(got.map(name), `source ${signals.source}, upTo ${signals.upTo}, orphan block ${orphan.block}, replacement block ${replacement.block}`).to.deep.equal(onChain.map(name));
    } finally {
      frozen = false;
    }
  });
});
