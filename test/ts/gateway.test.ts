import { expect } from "chai";
import { mkdtemp } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CarReader } from "@ipld/car";
import { bytesToHex } from "viem";

import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { IpfsVerificationError, fetchVerified } from "../../sdk/src/index.js";

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
});
