import { expect } from "chai";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CarReader } from "@ipld/car";
import { CID } from "multiformats/cid";
import { type Hex, createPublicClient, createWalletClient, getAddress, http, keccak256, parseEther, toHex, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { runPipeline } from "../src/pipeline.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import {
  licenseTerms,
  CertificateKind,
  type DatasetManifest,
  type DatasetMember,
  EU_MEMBERS,
  LicenseFlags,
  type Offer,
  datasetMerkleProof,
  datasetIdOf,
  datasetMerkleRoot,
  getCertificateMetadata,
  motifActions,
  motifCertificateAbi,
  motifLicensingAbi,
  regionMask,
  verifyDatasetProof,
} from "@motif/sdk";
import { ATTESTER_KEY, remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";
import { runCli } from "../../test/ts/helpers/cli.js";

const LICENSEE_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"; // Hardhat account #3


describe("training datasets: only patterns licensed for AI training, with a Merkle root and inclusion proofs", function () {
  this.timeout(180_000);

  it("the Merkle root does not depend on member order; proofs verify; a stranger or a changed member does not", () => {
    const members: DatasetMember[] = [1n, 2n, 3n, 4n, 5n].map((i) => ({ tokenId: i, imageDigest: keccak256(toHex(`img${i}`)), licenseId: 100n + i }));
    const root = datasetMerkleRoot(members);
    expect(datasetMerkleRoot([...members].reverse())).to.equal(root);
    for (const m of members) expect(verifyDatasetProof(root, m, datasetMerkleProof(members, m))).to.equal(true);
    expect(verifyDatasetProof(root, { ...members[0]!, licenseId: 999n }, datasetMerkleProof(members, members[0]!))).to.equal(false);
    expect(() => datasetMerkleProof(members, { tokenId: 9n, imageDigest: keccak256(toHex("x")), licenseId: 1n })).to.throw("is not in the dataset");
    expect(() => datasetMerkleRoot([])).to.throw("at least one member");
  });

  it("exports the trainable patterns, refuses the others with their reason, and verifies the dataset", async () => {
    const chain = await remoteChainWithMotif();
    try {
      const dir = mkdtempSync(path.join(os.tmpdir(), "motif-dataset-"));
      const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
      const publicClient = createPublicClient({ transport: http(chain.url) });
      const generator = createWalletClient({ account: privateKeyToAccount(ATTESTER_KEY), transport: http(chain.url) });
      const licensee = createWalletClient({ account: privateKeyToAccount(LICENSEE_KEY), transport: http(chain.url) });
      const addresses = { certificate: chain.record.contracts.MotifCertificate, registry: chain.record.contracts.MotifModelRegistry, licensing: chain.record.contracts.MotifLicensing };
      const creator = getAddress(generator.account.address);
      const tokens: bigint[] = [];
      for (const seed of [31n, 32n, 33n]) {
        const r = await runPipeline(
          {
            store,
            index: PdqIndex.build([]),
            attester: { signer: generator.account, chainId: 31337, certificate: addresses.certificate },
            minter: { wallet: generator, publicClient: publicClient as never, certificate: addresses.certificate },
            modelIds: { weld: 1 },
            creator,
            royaltyBps: 500,
            attestationTtl: 3600,
            generator: { name: "g", version: "1" },
          },
          { model: "weld", seed, params: { scale: 2, sharpness: 5 }, width: 96, height: 96 },
        );
        if (r.status !== "minted") throw new Error(r.status);
        tokens.push(BigInt(r.rendered.contentDigest));
      }
      // A: EU licence that allows AI training; B: EU licence without it; C: no licence at all.
      const owner = generator.extend(motifActions({ addresses }));
      const buyer = licensee.extend(motifActions({ addresses }));
      const now = Number((await publicClient.getBlock()).timestamp);
      for (const [tokenId, flags] of [[tokens[0]!, LicenseFlags.COMMERCIAL | LicenseFlags.AI_TRAINING], [tokens[1]!, LicenseFlags.COMMERCIAL]] as const) {
        const offer: Offer = {
          terms: licenseTerms({ tokenId, regions: regionMask(EU_MEMBERS), flags, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("terms")), termsCodec: 0x55 }),
          window: { start: 0, end: 0, duration: 365 * 86400 },
          pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
          maxUses: 5,
          deadline: now + 86400,
          nonce: 0n,
          licensee: zeroAddress,
        };
        const receipt = await publicClient.waitForTransactionReceipt({ hash: await owner.publishOffer({ offer }) });
        const [published] = await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
        await publicClient.waitForTransactionReceipt({ hash: await buyer.acceptOffer({ offerId: published!.args.offerId!, maxPrice: parseEther("0.01") }) });
      }

      const env = { ...chain.env, MOTIF_LICENSING: addresses.licensing };
      const hex = (t: bigint): Hex => `0x${t.toString(16).padStart(64, "0")}`;
      const car = path.join(dir, "train.car");
      const exported = await runCli(env, "dataset", "export", "--licensee", licensee.account.address, "--region", "FR", "--tokens", tokens.map(hex).join(","), "--out", car, "--store", path.join(dir, "ipfs"), "--json");
      expect(exported.code, exported.output).to.equal(0);
      const result = JSON.parse(exported.output.trim().split("\n").at(-1)!) as { root: Hex; members: number; refused: Array<{ tokenId: string; reason: string }>; manifest: string; manifestCid: string };
      expect(result.members).to.equal(1);
      expect(result.refused.map((r) => r.tokenId)).to.deep.equal([hex(tokens[1]!), hex(tokens[2]!)]);
      expect(result.refused[0]!.reason).to.contain("does not allow AI training");
      expect(result.refused[1]!.reason).to.contain("MotifLicensingNotLicensed");

      // The manifest commits to its members; the CAR holds the manifest, the metadata and the image.
      const manifest = JSON.parse(readFileSync(result.manifest, "utf8")) as DatasetManifest;
      expect(manifest.members.map((m) => m.tokenId)).to.deep.equal([hex(tokens[0]!)]);
      expect(manifest.root).to.equal(result.root);
      const reader = await CarReader.fromBytes(readFileSync(car));
      expect((await reader.getRoots()).map(String)).to.include(result.manifestCid);
      for (const cid of [manifest.members[0]!.imageCid, manifest.members[0]!.metadataCid]) expect(await reader.has(CID.parse(cid))).to.equal(true);

      const verified = await runCli(env, "dataset", "verify", "--manifest", result.manifest);
      expect(verified.code, verified.output).to.equal(0);
      expect(verified.output).to.contain("pass root");
      expect(verified.output).to.contain("not certified on chain");

      // The licensee certifies the dataset: a dataset certificate whose lineage is the root. Only the
      // manifest's licensee may; the same root cannot be certified twice.
      const storeArgs = ["--store", path.join(dir, "ipfs")];
      const stranger = await runCli({ ...env, MOTIF_WALLET_KEY: ATTESTER_KEY }, "dataset", "mint", "--manifest", result.manifest, ...storeArgs);
      expect(stranger.code).to.equal(2);
      expect(stranger.stderr).to.contain("the licensee certifies its dataset");
      expect(stranger.stderr).to.not.contain(ATTESTER_KEY.slice(2));
      const noKey = await runCli(env, "dataset", "mint", "--manifest", result.manifest);
      expect(noKey.code).to.equal(2);
      expect(noKey.stderr).to.contain("MOTIF_WALLET_KEY: required");
      const certified = await runCli({ ...env, MOTIF_WALLET_KEY: LICENSEE_KEY }, "dataset", "mint", "--manifest", result.manifest, "--royalty-bps", "300", ...storeArgs, "--json");
      expect(certified.code, certified.output).to.equal(0);
      const { datasetId, members } = JSON.parse(certified.stdout.trim().split("\n").at(-1)!) as { datasetId: Hex; members: number };
      expect(BigInt(datasetId)).to.equal(datasetIdOf(licensee.account.address, result.root));
      expect(members).to.equal(1);
      const stored = await publicClient.readContract({ address: addresses.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [BigInt(datasetId)] });
      expect(stored).to.include({ kind: CertificateKind.Dataset, kindDigest: result.root, owner: getAddress(licensee.account.address), royaltyBps: 300, modelId: 0 });
      // its metadata (by the tokenURI) names the pinned manifest
      const uri = await publicClient.readContract({ address: addresses.certificate, abi: motifCertificateAbi, functionName: "tokenURI", args: [BigInt(datasetId)] });
      const datasetMeta = JSON.parse(new TextDecoder().decode(await store.cat(CID.parse(uri.replace("ipfs://", ""))))) as { motif: { kind: string; manifest: string; root: Hex } };
      expect(datasetMeta.motif).to.include({ kind: "dataset", manifest: result.manifestCid, root: result.root });
      const [event] = await buyer.getMotifEvents({ kind: "datasets", fromBlock: 0n });
      expect(event!.args).to.include({ datasetId: BigInt(datasetId), curator: getAddress(licensee.account.address), root: result.root, members: 1 });
      const again = await runCli({ ...env, MOTIF_WALLET_KEY: LICENSEE_KEY }, "dataset", "mint", "--manifest", result.manifest, ...storeArgs);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.contain("MotifCertificateAlreadyCertified");
      const reverified = await runCli(env, "dataset", "verify", "--manifest", result.manifest);
      expect(reverified.output).to.contain(`certified as dataset ${datasetId}`);
      // By its certificate alone: the manifest comes from a trustless gateway through the on-chain metadata digest.
      const gateway = await buildGateway(store);
      try {
        const byId = await runCli(env, "dataset", "verify", "--dataset", datasetId, "--gateway", await gateway.listen({ port: 0, host: "127.0.0.1" }));
        expect(byId.code, byId.output).to.equal(0);
        expect(byId.output).to.contain(`pass root ${result.root}`).and.contain(`certified as dataset ${datasetId}`);
        // the dataset certificate's metadata, parsed and typed by its kind on chain (issue 17 §3)
        const doc = await getCertificateMetadata(publicClient, { certificate: addresses.certificate, tokenId: BigInt(datasetId), gateway: `http://127.0.0.1:${(gateway.server.address() as { port: number }).port}` });
        if (doc.kind !== "dataset") throw new Error(`kind ${doc.kind}`);
        expect(doc.metadata.motif).to.include({ kind: "dataset", datasetId, manifest: result.manifestCid, root: result.root, members: 1 });
      } finally {
        await gateway.close();
      }

      // A manifest that claims a pattern under a licence that does not allow training fails.
      const forged: DatasetManifest = { ...manifest, members: [...manifest.members, { ...manifest.members[0]!, tokenId: hex(tokens[1]!), licenseId: "1", proof: [] }] };
      const forgedFile = path.join(dir, "forged.json");
      writeFileSync(forgedFile, JSON.stringify(forged));
      const bad = await runCli(env, "dataset", "verify", "--manifest", forgedFile);
      expect(bad.code).to.equal(1);
      expect(bad.output).to.contain("FAIL root");
      expect(bad.output).to.contain("does not allow AI training");

      // Outside the licence's regions nothing may be exported, and the error says why.
      const us = await runCli(env, "dataset", "export", "--licensee", licensee.account.address, "--region", "US", "--tokens", hex(tokens[0]!), "--out", path.join(dir, "us.car"), "--store", path.join(dir, "ipfs"));
      expect(us.code).to.equal(1);
      expect(us.output).to.contain("MotifLicensingRegionNotAllowed");
      const badRegion = await runCli(env, "dataset", "export", "--licensee", licensee.account.address, "--region", "XX", "--all", "--out", path.join(dir, "x.car"));
      expect(badRegion.code).to.equal(2);
      expect(badRegion.output).to.contain('--region: "XX" is not an ISO 3166-1 code');
    } finally {
      await chain.close();
    }
  });
});
