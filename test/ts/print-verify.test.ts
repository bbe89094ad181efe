import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress } from "viem";

import { type RerenderRequest, getCertificateMetadata, modelRegistration, pngPhysOf, printPixels, renderParamsHash, verifyCertificate } from "@motif/sdk";
import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { decodeImage, pdqHashImage } from "../../generator/src/pdq/index.js";
import { runPipeline } from "../../generator/src/pipeline.js";
import { MODELS_DIR, closeRenderPools, loadManifest, render } from "../../generator/src/render/render.js";
import { chainTestPipeline } from "./helpers/pipeline.js";
import { deployMotif } from "../../scripts/lib/deploy.js";

/**
 * A print tile end to end at the size a mill asks for: 64 cm at 300 DPI (7,559² px), half-drop,
 * rendered → fingerprinted → pinned as a chunked UnixFS file → minted on a Hardhat chain →
 * verified by an auditor from the chain and a trustless gateway, the re-render included (it must
 * use the lineage's print spec: a renderer that drops it fails).
 */
describe("a 64 cm, 300 DPI half-drop tile: render → pin → mint → verify", function () {
  this.timeout(900_000);
  after(closeRenderPools);

  it("verifies item by item, the re-render byte for byte with the print spec from the lineage", async () => {
    const connection = await network.create();
    const publicClient = await connection.viem.getPublicClient();
    const [admin, generator] = await connection.viem.getWalletClients();
    const { registry, certificate, record } = await deployMotif(connection, { attesters: [generator!.account.address] });
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-print-verify-"));
    const store = new EmbeddedIpfs(dir);
    const gateway = await buildGateway(store);
    try {
      const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
      const madder = (await loadManifest()).find((m) => m.name === "madder")!;
      const weightsCid = await store.add(await readFile(path.join(MODELS_DIR, madder.file)));
      await publicClient.waitForTransactionReceipt({
        hash: await registry.write.registerModel([
          modelRegistration({ owner: getAddress(admin!.account.address), weightsDigest: madder.sha256, weightsCidDigest: madder.sha256, weightsCidCodec: weightsCid.code, royaltyBps: 0, name: "madder", version: madder.version, cardDigest: madder.cardDigest }),
        ]),
      });
      const chainId = await publicClient.getChainId();
      const print = { repeat: "half-drop" as const, sizeCm: 64, dpi: 300 };
      const side = printPixels(64, 300);
      expect(side).to.equal(7559);
      const now = (await publicClient.getBlock()).timestamp;
      const result = await runPipeline(
        chainTestPipeline({ store, generator: generator!, publicClient, chainId, certificate: certificate.address, modelIds: { madder: 1 }, now }),
        { model: "madder", seed: 300n, params: { scale: 3, sharpness: 4 }, width: side, height: side, print },
      );
      if (result.status !== "minted") throw new Error(`the print tile was ${result.status}`);
      const tokenId = BigInt(result.rendered.contentDigest);
      // pinned as a chunked file: a dag-pb root over 256 KiB leaves
      expect(result.pinned.imageCid.code).to.equal(0x70);
      expect(result.rendered.png.length).to.be.above(262_144);
      expect(pngPhysOf(result.rendered.png)).to.deep.equal({ x: 11_811, y: 11_811, unit: 1 });

      const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
      const doc = await getCertificateMetadata(publicClient, { certificate: addresses.certificate, tokenId, gateway: url });
      if (doc.kind !== "pattern") throw new Error(doc.kind);
      expect(doc.metadata.motif.lineage.print).to.deep.equal(print);
      expect(doc.metadata.motif.lineage).to.include({ width: 7559, height: 7559, paramsHash: renderParamsHash({ scale: 3, sharpness: 4 }, print) });

      const requests: RerenderRequest[] = [];
      const rerender = async (r: RerenderRequest) => {
        requests.push(r);
        return (await render({ model: r.model, seed: r.seed, params: r.params, width: r.width, height: r.height, ...(r.print !== undefined ? { print: r.print } : {}) }, { modelBytes: r.weights })).png;
      };
      const pdq = async (bytes: Uint8Array) => (await pdqHashImage(bytes)).hash;
      const report = await verifyCertificate(publicClient, { addresses, tokenId, gateway: url, pdq, rerender, decode: (b) => decodeImage(b) });
      expect(report.items.filter((i) => i.status !== "passed").map((i) => [i.id, i.status, i.reason])).to.deep.equal([]);
      expect(report.passed).to.equal(true);
      expect(report.items.find((i) => i.id === "rerender")!.evidence).to.include({ identicalBytes: true });
      expect(report.items.find((i) => i.id === "image")!.evidence).to.include({ print: "half-drop repeat, 64 cm at 300 DPI (7559 px)" });
      expect(requests[0]!.print).to.deep.equal(print);

      // a renderer that ignores the print spec draws another tile (a block, no pHYs): the re-render
      // fails. Shown on a small half-drop tile of the same model (2 cm at 300 DPI, 236 px: the check
      // does not depend on the size, and a second 7,559² render and audit would add seconds of CPU)
      const smallPrint = { repeat: "half-drop" as const, sizeCm: 2, dpi: 300 };
      const small = await runPipeline(
        chainTestPipeline({ store, generator: generator!, publicClient, chainId, certificate: certificate.address, modelIds: { madder: 1 }, now: (await publicClient.getBlock()).timestamp }),
        { model: "madder", seed: 301n, params: { scale: 3, sharpness: 4 }, width: 236, height: 236, print: smallPrint },
      );
      if (small.status !== "minted") throw new Error(`the small print tile was ${small.status}`);
      const smallId = BigInt(small.rendered.contentDigest);
      const careful = await verifyCertificate(publicClient, { addresses, tokenId: smallId, gateway: url, pdq, rerender, decode: (b) => decodeImage(b) });
      expect(careful.passed, JSON.stringify(careful.items.filter((i) => i.status !== "passed"))).to.equal(true);
      expect(requests.at(-1)!.print).to.deep.equal(smallPrint);
      const careless = async (r: RerenderRequest) => (await render({ model: r.model, seed: r.seed, params: r.params, width: r.width, height: r.height }, { modelBytes: r.weights })).png;
      const bad = await verifyCertificate(publicClient, { addresses, tokenId: smallId, gateway: url, pdq, rerender: careless });
      const item = bad.items.find((i) => i.id === "rerender")!;
      expect(item.status, item.reason).to.equal("failed");
      expect(item.reason).to.match(/re-render differs: PDQ distance \d+ > 8/);
    } finally {
      await gateway.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
