import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CarReader } from "@ipld/car";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";
import { bytesToHex } from "viem";

import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { IpfsVerificationError, fetchVerified } from "@motif/sdk";
import { type Block, bytesOf, carOf, carTamperingGateway } from "../../test/ts/helpers/lying-gateway.js";

/** A loopback gateway answering every request with `body` (optionally without a content-length). */
async function servingGateway(body: Uint8Array, { chunked = false } = {}) {
  const server = createServer((_req, res) => {
    if (chunked) {
      for (let i = 0; i < body.length; i += 65_536) res.write(Buffer.from(body.subarray(i, i + 65_536)));
      res.end();
    } else res.end(Buffer.from(body));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/**
 * A "DAG bomb": one 1 KiB raw leaf, then `levels` dag-pb file nodes, each linking the one below twice:
 * a CAR of a few KiB whose file is 2^levels KiB. `lie` makes every node declare 1-byte children.
 */
async function dagBomb(levels: number, lie: boolean): Promise<{ root: CID; car: Uint8Array }> {
  const leafBytes = bytesOf(1024, 5);
  let child: CID = CID.createV1(0x55, await sha256.digest(leafBytes));
  let childSize = 1024n;
  const blocks: Block[] = [{ cid: child, bytes: leafBytes }];
  for (let i = 0; i < levels; i++) {
    const size = lie ? 1n : childSize;
    const data = new UnixFS({ type: "file", blockSizes: [size, size] }).marshal();
    const bytes = dagPb.encode(dagPb.prepare({ Data: data, Links: [{ Hash: child, Tsize: Number(size) }, { Hash: child, Tsize: Number(size) }] }));
    child = CID.createV1(dagPb.code, await sha256.digest(bytes));
    childSize *= 2n;
    blocks.push({ cid: child, bytes });
  }
  return { root: child, car: await carOf([child], blocks) };
}

async function expectRefused(promise: Promise<unknown>, words: string): Promise<void> {
  try {
    await promise;
    expect.fail(`must be refused (${words})`);
  } catch (error) {
    expect(error).to.be.instanceOf(IpfsVerificationError);
    expect((error as Error).message).to.contain(words);
  }
}

describe("trustless gateway and verified fetch", function () {
  this.timeout(30_000);

  it("serves blocks and CARs that a client verifies against the CID; refuses unverifiable formats", async () => {
    const store = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-gw-")));
    const data = new TextEncoder().encode('{"name":"Indigo #1"}');
    const cid = await store.add(data);
    const big = await store.add(new Uint8Array(300_000).fill(7));
    const app = await buildGateway(store);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    try {
      const target = { cid: cid.toString(), codec: cid.code, digest: bytesToHex(cid.multihash.digest) };
      expect(new TextDecoder().decode(await fetchVerified(url, target))).to.equal('{"name":"Indigo #1"}');
      const car = await fetch(`${url}/ipfs/${big}?format=car`);
      expect(car.headers.get("content-type")).to.contain("application/vnd.ipld.car");
      const reader = await CarReader.fromBytes(new Uint8Array(await car.arrayBuffer()));
      expect((await reader.getRoots()).map(String)).to.deep.equal([big.toString()]);
      expect((await fetch(`${url}/ipfs/${cid}`)).status).to.equal(406);
      expect((await fetch(`${url}/ipfs/not-a-cid?format=raw`)).status).to.equal(400);
      expect((await fetch(`${url}/ipfs/bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku?format=raw`)).status).to.equal(404);
    } finally {
      await app.close();
    }
  });

  it("rejects a gateway that serves other bytes than the CID names", async () => {
    const evil = createServer((_req, res) => res.end("tampered metadata"));
    await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
    const { port } = evil.address() as AddressInfo;
    try {
      await fetchVerified(`http://127.0.0.1:${port}`, {
        cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        codec: 0x55,
        digest: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
      });
      expect.fail("tampered bytes must be rejected");
    } catch (error) {
      expect(error).to.be.instanceOf(IpfsVerificationError);
      expect((error as Error).message).to.contain("tampered or wrong content");
    } finally {
      await new Promise<void>((r) => evil.close(() => r()));
    }
  });

  it("verifies a chunked (dag-pb) file of 1.2 MiB block by block from a CAR, and catches a gateway that swaps, drops or adds a block", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-gw-"));
    const store = new EmbeddedIpfs(dir);
    const data = bytesOf(1_250_000, 9); // five 256 KiB raw leaves under a dag-pb root, as Kubo chunks it
    const cid = await store.add(data);
    const other = await store.add(bytesOf(300_000, 10)); // a second, unrelated chunked file
    expect(cid.code).to.equal(dagPb.code);
    const app = await buildGateway(store);
    const url = await app.listen({ port: 0, host: "127.0.0.1" });
    const target = { cid: cid.toString(), codec: cid.code, digest: bytesToHex(cid.multihash.digest) };
    const leaves = dagPb.decode(await store.block(cid)).Links.map((l) => l.Hash);
    expect(leaves).to.have.length(5);
    const liars: { url: string; close: () => Promise<void> }[] = [];
    try {
      const bytes = await fetchVerified(url, target);
      expect(Buffer.compare(Buffer.from(bytes), Buffer.from(data))).to.equal(0);

      // One leaf swapped for other bytes under the same CID: its hash gives it away.
      const swap = await carTamperingGateway(url, (_root, blocks) =>
        blocks.map((b) => (b.cid.equals(leaves[2]!) ? { cid: b.cid, bytes: bytesOf(b.bytes.length, 77) } : b)),
      );
      liars.push(swap);
      await expectRefused(fetchVerified(swap.url, target), `block ${leaves[2]!.toString()}`);

      // One leaf left out.
      const drop = await carTamperingGateway(url, (_root, blocks) => blocks.filter((b) => !b.cid.equals(leaves[4]!)));
      liars.push(drop);
      await expectRefused(fetchVerified(drop.url, target), `missing block ${leaves[4]!.toString()}`);

      // A block the DAG does not link (the other file's root) slipped in.
      const extraBlock = { cid: other, bytes: await store.block(other) };
      const extra = await carTamperingGateway(url, (_root, blocks) => [...blocks, extraBlock]);
      liars.push(extra);
      await expectRefused(fetchVerified(extra.url, target), `block ${other.toString()} is not part of`);

      // The other file's whole DAG served under this CID: its root is not the one asked for.
      const otherCar = await store.exportCar([other]);
      const wrongDag = createServer((_req, res) => {
        res.setHeader("content-type", "application/vnd.ipld.car; version=1");
        res.end(Buffer.from(otherCar));
      });
      await new Promise<void>((r) => wrongDag.listen(0, "127.0.0.1", r));
      liars.push({ url: "", close: () => new Promise<void>((r) => wrongDag.close(() => r())) });
      await expectRefused(fetchVerified(`http://127.0.0.1:${(wrongDag.address() as AddressInfo).port}`, target), "missing block");

      // A target whose digest is not the CID's: refused before anything is fetched.
      await expectRefused(fetchVerified(url, { ...target, digest: bytesToHex(other.multihash.digest) }), "does not name");
    } finally {
      for (const l of liars) await l.close();
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("never holds more than maxBytes: a long answer, a file declared too large, and a small DAG that expands without end are refused", async () => {
    const closers: (() => Promise<void>)[] = [];
    try {
      // 3 MiB streamed without a content-length for a raw block (its digest can be anything: the cap
      // comes before the hash).
      const long = await servingGateway(bytesOf(3 * 1024 * 1024, 1), { chunked: true });
      closers.push(long.close);
      const raw = CID.createV1(0x55, await sha256.digest(new Uint8Array([1])));
      await expectRefused(
        fetchVerified(long.url, { cid: raw.toString(), codec: 0x55, digest: bytesToHex(raw.multihash.digest), maxBytes: 1024 * 1024 }),
        "over the limit of 1048576",
      );
      // An honest DAG of 2^30 KiB (1 TiB) in a CAR of a few KiB: refused from the root's declared size.
      const honest = await dagBomb(30, false);
      const g1 = await servingGateway(honest.car);
      closers.push(g1.close);
      await expectRefused(
        fetchVerified(g1.url, { cid: honest.root.toString(), codec: dagPb.code, digest: bytesToHex(honest.root.multihash.digest) }),
        "declares 1099511627776 bytes, over the limit",
      );
      // The same bomb declaring 1-byte children (so the root declares 2 bytes): the first node whose
      // child holds more than it records gives it away, long before 1 TiB.
      const liar = await dagBomb(30, true);
      const g2 = await servingGateway(liar.car);
      closers.push(g2.close);
      const started = Date.now();
      await expectRefused(
        fetchVerified(g2.url, { cid: liar.root.toString(), codec: dagPb.code, digest: bytesToHex(liar.root.multihash.digest), maxBytes: 4 * 1024 * 1024 }),
        "holds 1024 bytes, its parent",
      );
      expect(Date.now() - started, "refused while small").to.be.below(10_000);
    } finally {
      for (const c of closers) await c();
    }
  });
});
