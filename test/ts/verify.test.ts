import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, keccak256, toHex } from "viem";

import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { pdqHashImage } from "../../generator/src/pdq/index.js";
import { runPipeline } from "../../generator/src/pipeline.js";
import { MODELS_DIR, loadManifest, render } from "../../generator/src/render/render.js";
import { PdqIndex } from "../../generator/src/screen/pdq-index.js";
import { verifyCertificate } from "../../sdk/src/index.js";
import { deployMotif } from "../../scripts/lib/deploy.js";

/** A gateway that forwards to `upstream` but serves `replacement` for one CID. */
async function lyingGateway(upstream: string, cid: string, replacement: Uint8Array) {
  const server = createServer(async (req, res) => {
    if (req.url?.includes(cid)) return res.end(Buffer.from(replacement));
    const r = await fetch(`${upstream}${req.url}`, { headers: { accept: String(req.headers.accept ?? "") } });
    res.statusCode = r.status;
    res.end(Buffer.from(await r.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("auditor verification (verifyCertificate)", function () {
  this.timeout(180_000);

  it("passes every item for a real certificate and fails the tampered piece with its reason", async () => {
    const connection = await network.create();
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [admin, generatorWallet] = await viem.getWalletClients();
    const { registry, certificate, record } = await deployMotif(connection, { attesters: [generatorWallet!.account.address] });
    const indigo = (await loadManifest()).find((m) => m.name === "indigo")!;
    await registry.write.registerModel([
      { owner: getAddress(admin!.account.address), weightsDigest: indigo.sha256, weightsCidDigest: indigo.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name: "indigo", version: indigo.version },
    ]);
    const store = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-verify-")));
    const weights = await readFile(path.join(MODELS_DIR, indigo.file));
    const weightsCid = await store.add(weights); // the model is pinned too: one raw block, CID digest = its sha-256
    const chainId = await publicClient.getChainId();
    const now = (await publicClient.getBlock()).timestamp;
    const result = await runPipeline(
      {
        store,
        index: PdqIndex.build([]),
        attester: { signer: { client: generatorWallet!, account: generatorWallet!.account }, chainId, certificate: certificate.address },
        minter: { wallet: generatorWallet!, publicClient, certificate: certificate.address },
        modelIds: { indigo: 1 },
        creator: getAddress(generatorWallet!.account.address),
        royaltyBps: 100,
        attestationTtl: 3600,
        generator: { name: "motif-generator", version: "test" },
        now: () => now,
      },
      { model: "indigo", seed: 31n, params: { scale: 2, sharpness: 4 }, width: 128, height: 128 },
    );
    if (result.status !== "minted") throw new Error(result.status);
    const tokenId = BigInt(result.rendered.contentDigest);
    await certificate.write.logEdit([tokenId, keccak256(toHex("step 1")), `0x${"00".repeat(32)}`, 0], { account: generatorWallet!.account });

    const gateway = await buildGateway(store);
    const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
    const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
    const pdq = async (bytes: Uint8Array) => (await pdqHashImage(bytes)).hash;
    const rerender = async (r: { weights: Uint8Array; model: string; seed: bigint; params: Record<string, number>; width: number; height: number }) =>
      (await render({ model: r.model, seed: r.seed, params: r.params as { scale: number; sharpness: number }, width: r.width, height: r.height }, { modelBytes: r.weights })).png;
    try {
      const ok = await verifyCertificate(publicClient, { addresses, tokenId, gateway: url, pdq, rerender });
      expect(ok.items.map((i) => [i.id, i.passed, i.reason])).to.deep.equal([
        ["attestation", true, undefined],
        ["metadata", true, undefined],
        ["image", true, undefined],
        ["rerender", true, undefined],
        ["editLog", true, undefined],
        ["licenses", true, undefined],
      ]);
      expect(ok.passed).to.equal(true);
      expect(ok.items[3]!.evidence).to.include({ pdqDistance: 0, identicalBytes: true, weightsCid: weightsCid.toString() });
      expect(ok.items[4]!.evidence.steps).to.equal(1);

      // Tampered model: the gateway serves other weights under the model's CID.
      const lyingModel = await lyingGateway(url, weightsCid.toString(), new Uint8Array(weights.length));
      try {
        const bad = await verifyCertificate(publicClient, { addresses, tokenId, gateway: lyingModel.url, pdq, rerender });
        expect(bad.items.find((i) => i.id === "rerender")!.reason).to.contain("tampered or wrong content");
      } finally {
        await lyingModel.close();
      }

      // Tampered metadata: the gateway serves other bytes under the metadata CID.
      const lying = await lyingGateway(url, result.pinned.metadataCid.toString(), new TextEncoder().encode('{"motif":{}}'));
      try {
        const bad = await verifyCertificate(publicClient, { addresses, tokenId, gateway: lying.url, pdq });
        expect(bad.passed).to.equal(false);
        expect(bad.items.find((i) => i.id === "metadata")!.reason).to.contain("tampered or wrong content");
      } finally {
        await lying.close();
      }
      // Tampered image.
      const lyingImage = await lyingGateway(url, result.pinned.imageCid.toString(), new Uint8Array([1, 2, 3]));
      try {
        const bad = await verifyCertificate(publicClient, { addresses, tokenId, gateway: lyingImage.url, pdq });
        expect(bad.items.find((i) => i.id === "metadata")!.passed).to.equal(true);
        expect(bad.items.find((i) => i.id === "image")!.reason).to.contain("tampered or wrong content");
      } finally {
        await lyingImage.close();
      }
    } finally {
      await gateway.close();
    }
  });
});
