import { expect } from "chai";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { type Hex, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { pdqHashImage } from "../../generator/src/pdq/index.js";
import { runPipeline } from "../../generator/src/pipeline.js";
import { loadManifest, render } from "../../generator/src/render/render.js";
import { PdqIndex } from "../../generator/src/screen/pdq-index.js";
import { licenseTerms, type Offer, motifActions, regionMask, verifyCertificate } from "@motif/sdk";
import { deployMotif } from "../../scripts/lib/deploy.js";

describe("SDK end to end: register → generate → pin → mint → offer → accept → isLicensed → usage → withdraw → verify", function () {
  this.timeout(180_000);

  it("tells the whole story through the SDK, then catches a tampered certificate", async () => {
    const connection = await network.create();
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [adminW, generatorW, creatorW, licenseeW] = await viem.getWalletClients();
    const { record } = await deployMotif(connection, { attesters: [generatorW!.account.address] });
    const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
    const [admin, generator, creator, licensee] = [adminW!, generatorW!, creatorW!, licenseeW!].map((w) => w.extend(motifActions({ addresses })));
    const wait = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });
    const creatorAddress = getAddress(creator!.account.address);
    const licenseeAddress = getAddress(licensee!.account.address);

    // Register the model whose ONNX weights the generator runs.
    const weld = (await loadManifest()).find((m) => m.name === "weld")!;
    await wait(await admin!.registerModel({ owner: getAddress(admin!.account.address), weightsDigest: weld.sha256, royaltyBps: 1000, name: "weld", version: weld.version, cardDigest: weld.cardDigest }));

    // Generate, screen, pin, attest and mint through the generator (which uses the SDK's types and ABIs).
    const store = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-e2e-")));
    const chainId = await publicClient.getChainId();
    const now = (await publicClient.getBlock()).timestamp;
    const made = await runPipeline(
      {
        store,
        index: PdqIndex.build([]),
        attester: { signer: { client: generatorW!, account: generatorW!.account }, chainId, certificate: addresses.certificate },
        minter: { wallet: generatorW!, publicClient, certificate: addresses.certificate },
        modelIds: { weld: 1 },
        creator: creatorAddress,
        royaltyBps: 500,
        attestationTtl: 3600,
        generator: { name: "motif-generator", version: "e2e" },
        now: () => now,
      },
      { model: "weld", seed: 2027n, params: { scale: 3, sharpness: 6 }, width: 160, height: 160 },
    );
    if (made.status !== "minted") throw new Error(made.status);
    const tokenId = BigInt(made.rendered.contentDigest);
    expect((await creator!.getCertificate({ tokenId })).owner).to.equal(creatorAddress);
    const gateway = await buildGateway(store);
    const gatewayUrl = await gateway.listen({ port: 0, host: "127.0.0.1" });
    try {
      const { metadata } = await creator!.getCertificateMetadata({ tokenId, gateway: gatewayUrl });
      expect((metadata as { motif: { lineage: { seed: string } } }).motif.lineage.seed).to.equal("2027");

      // The creator signs an EU offer for 30 days; the licensee accepts from its wallet.
      const t0 = Number((await publicClient.getBlock()).timestamp);
      const offer: Offer = {
        terms: licenseTerms({ tokenId, regions: regionMask(["DE", "FR", "IT"]), flags: 1, currency: zeroAddress, unitRoyalty: parseEther("0.002"), unitCap: 100n, renewalPrice: 0n, termsDigest: keccak256(toHex("legal")), termsCodec: 0x55 }),
        window: { start: 0, end: 0, duration: 30 * 86400 },
        pricing: { price: parseEther("0.5"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
        maxUses: 1,
        deadline: t0 + 3600,
        nonce: 7n,
        licensee: zeroAddress,
      };
      const signed = await creator!.signOffer({ offer });
      await wait(await licensee!.acceptOffer({ signed, maxPrice: parseEther("0.5") }));
      const t = BigInt((await publicClient.getBlock()).timestamp);
      const fr = await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "FR", time: t });
      expect(fr.licensed).to.equal(true);
      expect((await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "BR", time: t })).licensed).to.equal(false);
      expect((await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "FR", time: t + 30n * 86400n })).licensed).to.equal(false);

      await wait(await licensee!.reportUsage({ licenseId: fr.licenseId, licensee: licenseeAddress, region: "IT", productClass: 24, units: 50n }));
      const w = await wait(await creator!.withdraw({ settle: [tokenId] }));
      expect(w.status).to.equal("success");
      const usage = await creator!.getMotifEvents({ kind: "usage" });
      expect(usage.map((u) => u.args.units)).to.deep.equal([50n]);

      // The auditor: everything checks out, including the license history.
      const pdq = async (bytes: Uint8Array) => (await pdqHashImage(bytes)).hash;
      const rerender = async (r: { weights: Uint8Array; model: string; seed: bigint; params: Record<string, number>; width: number; height: number }) =>
        (await render({ model: r.model, seed: r.seed, params: r.params as { scale: number; sharpness: number }, width: r.width, height: r.height }, { modelBytes: r.weights })).png;
      const report = await verifyCertificate(publicClient, { addresses, tokenId, gateway: gatewayUrl, pdq, rerender });
      expect(report.passed, JSON.stringify(report.items.filter((i) => i.status !== "passed"))).to.equal(true);
      expect(report.items.find((i) => i.id === "licenses")!.evidence).to.include({ licenses: 1, unitsReported: "50", salesRevenue: parseEther("0.5").toString(), usageRevenue: parseEther("0.1").toString() });

      // Tamper: the chain says one thing, a re-pinned "improved" metadata says another.
      const forged = new TextEncoder().encode(JSON.stringify({ motif: { lineage: { seed: "1" } } }));
      const forgedCid = await store.add(forged);
      await wait(await creator!.logEdit({ tokenId, stepDigest: keccak256(toHex("forged")), metadata: { digest: `0x${Buffer.from(forgedCid.multihash.digest).toString("hex")}`, codec: 0x55 } }));
      const tampered = await verifyCertificate(publicClient, { addresses, tokenId, gateway: gatewayUrl, pdq, rerender });
      expect(tampered.passed).to.equal(false);
      expect(tampered.items.find((i) => i.id === "metadata")!.reason).to.contain("metadata lineage differs from the chain");
    } finally {
      await gateway.close();
    }
  });
});
