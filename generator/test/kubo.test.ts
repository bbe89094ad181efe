import { expect } from "chai";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CID } from "multiformats/cid";

import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { KuboIpfs } from "../src/ipfs/kubo.js";
import { fakeKubo } from "../../test/ts/helpers/fake-kubo.js";

describe("Kubo RPC store (kubo-rpc-client)", function () {
  this.timeout(30_000);

  it("asks Kubo for the embedded store's settings and gets the same CIDs back", async () => {
    const kubo = await fakeKubo();
    try {
      const store = new KuboIpfs(kubo.url);
      const data = new Uint8Array(600_000).map((_, i) => (i * 31) % 251);
      const cid = await store.add(data);
      const embedded = await new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-emb-"))).add(data);
      expect(cid.toString()).to.equal(embedded.toString());
      const params = kubo.addParams[0]!;
      expect(params.get("cid-version")).to.equal("1");
      expect(params.get("raw-leaves")).to.equal("true");
      expect(params.get("chunker")).to.equal("size-262144");
      expect(params.get("pin")).to.equal("true");
      expect(Buffer.compare(Buffer.from(await store.cat(cid)), Buffer.from(data))).to.equal(0);
      expect(await store.has(cid)).to.equal(true);
      expect(await store.has(CID.parse("bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"))).to.equal(false);
      expect((await store.exportCar([cid])).length).to.be.greaterThan(600_000);
    } finally {
      await kubo.close();
    }
  });

  it("reports an unreachable node as an error (for the retrying store and pin queue to handle)", async () => {
    const kubo = await fakeKubo();
    await kubo.close();
    try {
      await new KuboIpfs(kubo.url).add(new Uint8Array([1]));
      expect.fail("should fail");
    } catch (error) {
      expect(String((error as Error).message)).to.match(/fetch failed|ECONNREFUSED/);
    }
  });
});
