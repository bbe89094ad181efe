import { expect } from "chai";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CarReader } from "@ipld/car";
import { MemoryBlockstore } from "blockstore-core/memory";
import { importBytes } from "ipfs-unixfs-importer";
import { base32upper } from "multiformats/bases/base32";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { sha256 } from "multiformats/hashes/sha2";
import { keccak256, toHex } from "viem";

import { BlockFolder } from "../src/ipfs/blockstore.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { canonicalJson } from "../src/metadata/canonical.js";
import { TRAINED_ALGORITHMIC_MEDIA } from "../src/metadata/metadata.js";
import { pin } from "../src/stages/pin.js";

const tmp = () => mkdtemp(path.join(os.tmpdir(), "motif-ipfs-"));
const bytesOf = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return out;
};

describe("embedded IPFS store", function () {
  this.timeout(60_000);

  it("gives a small file the raw CIDv1 of its sha-256, as `ipfs add --cid-version=1` does", async () => {
    const store = new EmbeddedIpfs(await tmp());
    const data = bytesOf(1000, 1);
    const expected = CID.createV1(raw.code, await sha256.digest(data));
    expect((await store.add(data)).toString()).to.equal(expected.toString());
    expect((await store.add(new Uint8Array(0))).toString()).to.equal(
      "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
    );
  });

  it("chunks large files like Kubo: 256 KiB raw leaves under a dag-pb root (same CID as the importer's defaults)", async () => {
    const store = new EmbeddedIpfs(await tmp());
    const data = bytesOf(700_000, 2);
    const cid = await store.add(data);
    const independent = await importBytes(data, new MemoryBlockstore(), { cidVersion: 1, rawLeaves: true });
    expect(cid.toString()).to.equal(independent.cid.toString());
    expect(cid.code).to.equal(0x70);
    expect(Buffer.compare(Buffer.from(await store.cat(cid)), Buffer.from(data))).to.equal(0);
  });

  it("persists across restarts and exports a CAR with every block", async () => {
    const dir = await tmp();
    const data = bytesOf(600_000, 3);
    const cid = await new EmbeddedIpfs(dir).add(data);
    const reopened = new EmbeddedIpfs(dir);
    expect(await reopened.has(cid)).to.equal(true);
    const car = await CarReader.fromBytes(await reopened.exportCar([cid]));
    expect((await car.getRoots()).map(String)).to.deep.equal([cid.toString()]);
    const blocks = [];
    for await (const b of car.blocks()) blocks.push(b);
    expect(blocks).to.have.length(4); // root + 3 leaves of at most 256 KiB
    for (const b of blocks) {
      const digest = createHash("sha256").update(b.bytes).digest();
      expect(Buffer.compare(Buffer.from(b.cid.multihash.digest), digest)).to.equal(0);
    }
  });

  it("writes each block where blockstore-fs keeps it (its shard folder made when missing, again after removal), leaving no temporary file", async () => {
    const dir = await tmp();
    const folder = new BlockFolder(dir);
    await folder.open();
    const data = bytesOf(5000, 4);
    const cid = CID.createV1(raw.code, await sha256.digest(data));
    // blockstore-fs's layout: the multihash in upper-case multibase base32, `.data`, in a folder named by its last two characters
    const name = base32upper.encoder.encode(cid.multihash.bytes);
    const shard = name.slice(-2);
    for (let round = 0; round < 2; round++) {
      await rm(path.join(dir, shard), { recursive: true, force: true });
      expect((await folder.put(cid, data)).toString()).to.equal(cid.toString());
      await folder.put(cid, data); // the same block again: replaced in place
      expect(await readdir(dir)).to.deep.equal([shard]);
      expect(await readdir(path.join(dir, shard))).to.deep.equal([`${name}.data`]);
      const reader = new BlockFolder(dir); // blockstore-fs's own reads
      expect(await reader.has(cid)).to.equal(true);
      const parts: Uint8Array[] = [];
      for await (const part of reader.get(cid)) parts.push(part);
      expect(Buffer.compare(Buffer.concat(parts), Buffer.from(data))).to.equal(0);
    }
  });
});

describe("pin stage and metadata", function () {
  this.timeout(60_000);

  const metadataInput = () => ({
    name: "Indigo #42",
    description: "A seamless indigo repeat.",
    generator: { name: "motif-generator", version: "0.1.0" },
    lineage: {
      contentDigest: keccak256(toHex("png")),
      modelId: 1,
      modelName: "indigo",
      modelVersion: "1.0.0",
      weightsDigest: keccak256(toHex("weights")),
      seed: 18_446_744_073_709_551_615n,
      params: { sharpness: 4, scale: 2 },
      paramsHash: keccak256(toHex('{"scale":2,"sharpness":4}')),
      pdqHash: keccak256(toHex("pdq")),
      pdqQuality: 100,
      width: 512,
      height: 512,
      creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const,
      editLog: [],
    },
  });

  it("pins image then canonical metadata naming it; the metadata CID is raw with digest sha-256(bytes)", async () => {
    const store = new EmbeddedIpfs(await tmp());
    const png = bytesOf(5000, 4);
    const out = await pin(store, { png, metadata: metadataInput() });
    const doc = JSON.parse(new TextDecoder().decode(out.metadata));
    expect(doc.image).to.equal(`ipfs://${out.imageCid.toString()}`);
    expect(doc.motif.lineage.seed).to.equal("18446744073709551615");
    expect(doc.c2pa.assertions[0].data.actions[0].digitalSourceType).to.equal(TRAINED_ALGORITHMIC_MEDIA);
    expect(new TextDecoder().decode(out.metadata)).to.equal(canonicalJson(doc));
    expect(out.metadataCodec).to.equal(0x55);
    expect(out.metadataDigest).to.equal(`0x${createHash("sha256").update(out.metadata).digest("hex")}`);
    expect(Buffer.compare(Buffer.from(await store.cat(out.metadataCid)), Buffer.from(out.metadata))).to.equal(0);
    const again = await pin(store, { png, metadata: metadataInput() });
    expect(again.metadataCid.toString()).to.equal(out.metadataCid.toString());
  });

  it("canonical JSON sorts keys at every depth and refuses non-finite numbers", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: "x" } })).to.equal('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    expect(() => canonicalJson({ a: Number.NaN })).to.throw("canonicalJson: NaN is not a JSON number");
  });
});
