import { expect } from "chai";
import { modelRegistration } from "@motif/sdk";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { CID } from "multiformats/cid";
import { getAddress } from "viem";

import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { type PipelineConfig, runPipeline } from "../src/pipeline.js";
import { loadManifest } from "../src/render/render.js";
import { certificateEntries } from "../src/screen/from-chain.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { deployMotif } from "../../scripts/lib/deploy.js";

describe("generator pipeline: render → fingerprint → screen → pin → attest → mint", function () {
  this.timeout(180_000);

  it("mints a real render with its lineage, and refuses the same pattern again", async () => {
    const connection = await network.create();
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [admin, generatorWallet, creatorWallet] = await viem.getWalletClients();
    if (!admin || !generatorWallet || !creatorWallet) throw new Error("need three accounts");
    const { registry, certificate } = await deployMotif(connection, { attesters: [generatorWallet.account.address] });

    // Register the shipped model under the sha-256 of its ONNX file.
    const manifest = await loadManifest();
    const indigo = manifest.find((m) => m.name === "indigo")!;
    await registry.write.registerModel([
      modelRegistration({
        owner: getAddress(admin.account.address),
        weightsDigest: indigo.sha256,
        weightsCidDigest: indigo.sha256, // one raw block: its CID digest is the file's sha-256
        weightsCidCodec: 0x55,
        royaltyBps: 500,
        name: `motif-cppn-${indigo.name}`,
        version: indigo.version,
        cardDigest: indigo.cardDigest,
      }),
    ]);
    const modelId = await registry.read.modelIdByWeights([indigo.sha256]);

    const store = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-pipeline-")));
    const creator = getAddress(creatorWallet.account.address);
    const chainId = await publicClient.getChainId();
    const now = (await publicClient.getBlock()).timestamp;
    const config: PipelineConfig = {
      store,
      index: PdqIndex.build([]),
      attester: { signer: { client: generatorWallet, account: generatorWallet.account }, chainId, certificate: certificate.address },
      minter: { wallet: generatorWallet, publicClient, certificate: certificate.address },
      modelIds: { indigo: modelId },
      creator,
      royaltyBps: 500,
      attestationTtl: 3600,
      generator: { name: "motif-generator", version: "0.1.0" },
      now: () => now,
    };
    const request = { model: "indigo", seed: 2026n, params: { scale: 2, sharpness: 5 }, width: 256, height: 256 };

    const first = await runPipeline(config, request);
    expect(first.status).to.equal("minted");
    if (first.status !== "minted") return;
    const tokenId = BigInt(first.rendered.contentDigest);
    expect(first.minted!.tokenIds).to.deep.equal([tokenId]);

    // On-chain: owner, model, and tokenURI = the metadata CID pinned in the embedded store.
    const stored = await certificate.read.certificate([tokenId]);
    expect(stored.owner).to.equal(creator);
    expect(stored.modelId).to.equal(modelId);
    const uri = await certificate.read.tokenURI([tokenId]);
    expect(uri).to.equal(`ipfs://${first.pinned.metadataCid.toString()}`);
    // The metadata behind that CID carries the same lineage; the image behind it is the render.
    const metadata = JSON.parse(new TextDecoder().decode(await store.cat(CID.parse(uri.slice(7)))));
    expect(metadata.motif.lineage.contentDigest).to.equal(first.rendered.contentDigest);
    expect(metadata.motif.lineage.pdq.hash).to.equal(first.fingerprint.pdqHash);
    expect(metadata.motif.lineage.model.weightsDigest).to.equal(indigo.sha256);
    const image = await store.cat(CID.parse(metadata.image.slice(7)));
    expect(Buffer.compare(Buffer.from(image), Buffer.from(first.rendered.png))).to.equal(0);
    const [event] = await certificate.getEvents.CertificateMinted({ tokenId }, { fromBlock: first.minted!.blockNumber });
    expect(event!.args.seed).to.equal(2026n);
    expect(event!.args.pdqHash).to.equal(first.fingerprint.pdqHash);
    expect(event!.args.paramsHash).to.equal(first.rendered.paramsHash);

    // The same render again is a near-duplicate (distance 0): refused, nothing pinned or minted.
    const again = await runPipeline(config, request);
    expect(again.status).to.equal("refused");
    expect(again.screen.matches[0]).to.include({ label: `certificate ${first.rendered.contentDigest}`, distance: 0 });
    // A different seed clears screening and mints.
    const other = await runPipeline(config, { ...request, seed: 7n });
    expect(other.status).to.equal("minted");

    // A fresh generator rebuilds its index from the chain alone and refuses the same pattern.
    const rebuilt = PdqIndex.build(await certificateEntries(publicClient, certificate.address));
    expect(rebuilt.size).to.equal(2);
    const fresh = await runPipeline({ ...config, index: rebuilt }, request);
    expect(fresh.status).to.equal("refused");
    expect(fresh.screen.matches[0]!.label).to.equal(`certificate ${first.rendered.contentDigest}`);
  });
});
