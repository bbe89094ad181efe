import { expect } from "chai";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { CID } from "multiformats/cid";

import { EmbeddedIpfs, type IpfsStore } from "../src/ipfs/embedded.js";
import { PinQueue, RetryingStore, pinDurably, withRetry } from "../src/ipfs/resilient.js";

/** A store that is down for its first `failures` calls (IPFS unavailable), then works. */
function flaky(inner: IpfsStore, failures: number): IpfsStore & { calls: number } {
  const s = {
    calls: 0,
    async add(bytes: Uint8Array): Promise<CID> {
      if (s.calls++ < failures) throw new Error("ECONNREFUSED 127.0.0.1:5001");
      return inner.add(bytes);
    },
    cat: (cid: CID) => inner.cat(cid),
    has: (cid: CID) => inner.has(cid),
    block: (cid: CID) => inner.block(cid),
    exportCar: (roots: CID[]) => inner.exportCar(roots),
  };
  return s;
}

describe("IPFS faults: retries with backoff and a durable pin queue", () => {
  const noSleep = { attempts: 4, baseDelayMs: 100, maxDelayMs: 250, sleep: async () => {} };

  it("retries with exponential, capped backoff and reports the last error", async () => {
    const delays: number[] = [];
    let n = 0;
    const ok = await withRetry("op", async () => (++n < 3 ? Promise.reject(new Error("down")) : "done"), {
      ...noSleep,
      sleep: async (ms) => void delays.push(ms),
    });
    expect(ok).to.equal("done");
    expect(delays).to.deep.equal([100, 200]);
    try {
      await withRetry("ipfs add", () => Promise.reject(new Error("down")), { ...noSleep, sleep: async (ms) => void delays.push(ms) });
      expect.fail("should give up");
    } catch (error) {
      expect((error as Error).message).to.equal("ipfs add: failed after 4 attempts (down)");
    }
    expect(delays.slice(2)).to.deep.equal([100, 200, 250]);
  });

  it("a briefly unavailable node still pins, through the retrying store", async () => {
    const inner = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-flaky-")));
    const store = flaky(inner, 2);
    const cid = await new RetryingStore(store, noSleep).add(new Uint8Array([1, 2, 3]));
    expect(store.calls).to.equal(3);
    expect(await inner.has(cid)).to.equal(true);
  });

  it("a node that stays down leaves the pattern queued on disk, and a later drain pins it", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-queue-"));
    const queue = new PinQueue(path.join(dir, "queue"));
    const inner = new EmbeddedIpfs(path.join(dir, "ipfs"));
    const down = flaky(inner, 1_000);
    const bytes = new TextEncoder().encode("pattern bytes");
    try {
      await pinDurably(new RetryingStore(down, noSleep), queue, "0xabc", bytes);
      expect.fail("should fail while IPFS is down");
    } catch (error) {
      expect((error as Error).message).to.contain("failed after 4 attempts");
    }
    expect(await new PinQueue(queue.directory).pending()).to.deep.equal(["0xabc"]); // survives a restart
    expect((await queue.drain(down)).left).to.deep.equal(["0xabc"]);
    const { pinned, left } = await queue.drain(inner);
    expect(left).to.deep.equal([]);
    expect(pinned.map((p) => p.name)).to.deep.equal(["0xabc"]);
    expect(Buffer.from(await inner.cat(pinned[0]!.cid)).toString()).to.equal("pattern bytes");
    expect(await queue.pending()).to.deep.equal([]);
  });

  it("refuses queue names that could escape its folder", async () => {
    const queue = new PinQueue(await mkdtemp(path.join(os.tmpdir(), "motif-queue-")));
    try {
      await queue.enqueue("../etc/passwd", new Uint8Array());
      expect.fail("should refuse");
    } catch (error) {
      expect((error as Error).message).to.contain('name: "../etc/passwd" must be');
    }
  });
});
