import { expect } from "chai";
import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { sha256 } from "multiformats/hashes/sha2";
import * as raw from "multiformats/codecs/raw";
import {
  type Hex,
  bytesToHex,
  getAddress,
  hashTypedData,
  hexToBytes,
  keccak256,
  recoverTypedDataAddress,
  stringToBytes,
  toHex,
} from "viem";

import { certificateDomain, mintAttestationTypes, type Lineage, modelRegistration } from "@motif/sdk";
import { deployMotif } from "../../scripts/lib/deploy.js";
import { readDeployment, writeDeployment } from "../../generator/src/deployment.js";

/** The CIDv1 base32 string multiformats computes for (codec, sha2-256 digest). */
function referenceCid(codec: number, digest: Hex): string {
  return CID.createV1(codec, Digest.create(0x12, hexToBytes(digest))).toString();
}

describe("deploy → register model → attest → mint → read lineage → tokenURI", function () {
  it("mints a certificate whose on-chain lineage and tokenURI match what was attested", async function () {
    const connection = await network.create();
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [admin, generator, creator, collector] = await viem.getWalletClients();
    if (!admin || !generator || !creator || !collector) throw new Error("need four accounts");
    // hardhat-viem's wallet accounts are lower-case; the chain returns checksummed addresses.
    const [generatorAddr, creatorAddr, collectorAddr] = [generator, creator, collector].map((w) =>
      getAddress(w.account.address),
    ) as [`0x${string}`, `0x${string}`, `0x${string}`];

    // Deploy with the Ignition module, granting the generator key the attester role.
    const { registry, certificate, record } = await deployMotif(connection, {
      attesters: [generator.account.address],
    });
    expect(record.contracts.MotifCertificate).to.equal(certificate.address);
    expect(record.attesters).to.deep.equal([generatorAddr]);

    // Register a model: digests of a (stand-in) ONNX file.
    const weights = stringToBytes("onnx weights of motif-cppn-indigo");
    const weightsDigest = bytesToHex((await sha256.digest(weights)).digest);
    await registry.write.registerModel([
      modelRegistration({
        owner: admin.account.address,
        weightsDigest,
        weightsCidDigest: weightsDigest,
        weightsCidCodec: raw.code,
        royaltyBps: 750,
        name: "motif-cppn-indigo",
        version: "1.0.0",
        cardDigest: keccak256(toHex("indigo card")),
      }),
    ]);
    const modelId = await registry.read.modelIdByWeights([weightsDigest]);
    expect(modelId).to.equal(1);

    // The generator attests the lineage of a rendered pattern (EIP-712, signed from its wallet).
    const image = stringToBytes("PNG bytes of a seamless indigo tile");
    const metadata = stringToBytes(JSON.stringify({ name: "Indigo #1", lineage: "…" }));
    const metadataCid = CID.createV1(raw.code, await sha256.digest(metadata));
    const lineage: Lineage = {
      contentDigest: bytesToHex((await sha256.digest(image)).digest),
      metadataDigest: bytesToHex(metadataCid.multihash.digest),
      metadataCodec: raw.code,
      modelId,
      seed: 18_446_744_073_709_551_557n, // largest 64-bit prime: the whole uint64 range round-trips
      paramsHash: keccak256(stringToBytes('{"palette":"indigo","scale":2}')),
      pdqHash: keccak256(toHex("pdq")),
      tileHash: keccak256(toHex("tile")),
      creator: creatorAddr,
      recipeId: 0n,
    };
    const chainId = await publicClient.getChainId();
    const block = await publicClient.getBlock();
    const message = { lineage, to: collectorAddr, royaltyBps: 500, deadline: block.timestamp + 3600n };
    const typedData = {
      domain: certificateDomain(chainId, certificate.address),
      types: mintAttestationTypes,
      primaryType: "MintAttestation",
      message,
    } as const;
    const signature = await generator.signTypedData(typedData);
    expect(await recoverTypedDataAddress({ ...typedData, signature })).to.equal(generatorAddr);
    expect(await certificate.read.attestationDigest([{ ...message, signature: "0x" }])).to.equal(
      hashTypedData(typedData),
    );

    // Anyone can submit the attested mint; the creator does here.
    const hash = await certificate.write.mint([{ ...message, signature }], { account: creator.account });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    const tokenId = BigInt(lineage.contentDigest);

    // Storage: owner, creator, model, royalty, metadata CID parts.
    const stored = await certificate.read.certificate([tokenId]);
    expect(stored.owner).to.equal(collectorAddr);
    expect(stored.creator).to.equal(creatorAddr);
    expect(stored.modelId).to.equal(modelId);
    expect(stored.royaltyBps).to.equal(500);
    expect(stored.metadataDigest).to.equal(lineage.metadataDigest);
    expect(stored.metadataCodec).to.equal(raw.code);
    expect(await certificate.read.matchesLineage([lineage])).to.equal(true);

    // Event: the rest of the lineage, emitted once, in the mint's block.
    const events = await certificate.getEvents.CertificateMinted({ tokenId }, { fromBlock: receipt.blockNumber });
    expect(events).to.have.length(1);
    const ev = events[0]!.args;
    const onChain: Lineage = {
      contentDigest: toHex(ev.tokenId!, { size: 32 }),
      metadataDigest: ev.metadataDigest!,
      metadataCodec: ev.metadataCodec!,
      modelId: ev.modelId!,
      seed: ev.seed!,
      paramsHash: ev.paramsHash!,
      pdqHash: ev.pdqHash!,
      tileHash: ev.tileHash!,
      creator: ev.creator!,
      recipeId: 0n,
    };
    expect(onChain).to.deep.equal(lineage);
    expect(ev.attester).to.equal(generatorAddr);

    // tokenURI renders the metadata CID exactly as multiformats does.
    expect(await certificate.read.tokenURI([tokenId])).to.equal(`ipfs://${metadataCid.toString()}`);
    expect(await certificate.read.metadataCid([tokenId])).to.equal(
      referenceCid(raw.code, lineage.metadataDigest),
    );

    // ERC-2981 pays the creator.
    const [receiver, amount] = await certificate.read.royaltyInfo([tokenId, 10_000n]);
    expect(receiver).to.equal(creatorAddr);
    expect(amount).to.equal(500n);

    // The same attestation cannot mint again.
    await expectRevert(
      certificate.write.mint([{ ...message, signature }], { account: creator.account }),
      "MotifCertificateDuplicateContent",
    );
  });

  it("renders tokenURI like multiformats for random digests and every supported codec", async function () {
    const connection = await network.create();
    const { viem } = connection;
    const [, generator] = await viem.getWalletClients();
    const { registry, certificate } = await deployMotif(connection, { attesters: [generator!.account.address] });
    await registry.write.registerModel([
      modelRegistration({
        owner: generator!.account.address,
        weightsDigest: keccak256("0x01"),
        weightsCidDigest: keccak256("0x01"),
        weightsCidCodec: 0x70,
        royaltyBps: 0,
        name: "m",
        version: "1",
        cardDigest: keccak256("0x02"),
      }),
    ]);
    const codecs = [0x55, 0x70, 0x71, 0x0129, 0x0200];
    for (let i = 0; i < 20; i++) {
      const metadataDigest = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
      const codec = codecs[i % codecs.length]!;
      const contentDigest = bytesToHex(crypto.getRandomValues(new Uint8Array(32)));
      await certificate.write.mint(
        [
          {
            lineage: {
              contentDigest,
              metadataDigest,
              metadataCodec: codec,
              modelId: 1,
              seed: BigInt(i),
              paramsHash: keccak256(toHex(i)),
              pdqHash: keccak256(toHex(i + 1)),
              tileHash: keccak256(toHex("tile")),
              creator: generator!.account.address,
              recipeId: 0n,
            },
            to: generator!.account.address,
            royaltyBps: 0,
            deadline: 2n ** 63n,
            signature: "0x",
          },
        ],
        { account: generator!.account },
      );
      expect(await certificate.read.tokenURI([BigInt(contentDigest)])).to.equal(
        `ipfs://${referenceCid(codec, metadataDigest)}`,
        `codec 0x${codec.toString(16)} digest ${metadataDigest}`,
      );
    }
  });

  it("records the deployment in deployments/<chainId>.json", async function () {
    const connection = await network.create();
    const { record } = await deployMotif(connection);
    const root = await mkdtemp(path.join(os.tmpdir(), "motif-deploy-"));
    const file = await writeDeployment(root, record);
    expect(file).to.equal(path.join(root, "deployments", "31337.json"));
    expect(JSON.parse(await readFile(file, "utf8"))).to.deep.equal(record);
    expect(await readDeployment(root, 31337)).to.deep.equal(record);
    expect(await readDeployment(root, 1)).to.equal(undefined);
    expect(record.compiler.version).to.equal("0.8.30");
    expect(record.startBlock).to.be.greaterThan(0);
  });
});

async function expectRevert(promise: Promise<unknown>, errorName: string): Promise<void> {
  try {
    await promise;
  } catch (error) {
    expect(String((error as Error).message)).to.contain(errorName);
    return;
  }
  expect.fail(`expected a revert with ${errorName}`);
}
