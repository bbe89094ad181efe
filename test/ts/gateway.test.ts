import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CarReader } from "@ipld/car";
import * as dagPb from "@ipld/dag-pb";
import { bytesToHex } from "viem";

import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { IpfsVerificationError, fetchVerified } from "../../sdk/src/index.js";
import { bytesOf, carTamperingGateway } from "./helpers/lying-gateway.js";

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
});
