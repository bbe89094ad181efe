import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { jobKey, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import { type PatternRequest, runPipeline } from "../src/pipeline.js";
import { closeRenderPools, render } from "../src/render/render.js";
import { type BatchChain, batchChain, signedBeforeCrash } from "./helpers/batch-chain.js";

describe("batch with a journal: a killed run resumes, nothing lost or minted twice", function () {
  this.timeout(180_000);

  /** The same design at two sizes: one design to PDQ and the tile hash. */
  const small = { model: "weld", seed: 12n, params: { scale: 2, sharpness: 3 }, width: 96, height: 96 };
  const large = { ...small, width: 128, height: 128 };

  /** A rerun of `jobs` on `c`, whose journal holds `small` signed before a crash (`stale`): the larger refused as its near-copy, `small` alone certified. */
  async function rerunRefusesLarger(c: BatchChain, stale: Awaited<ReturnType<typeof signedBeforeCrash>>, jobs: PatternRequest[]) {
    const summary = await runBatch(await c.freshConfig(), jobs, c.journalFile);
    expect(summary).to.deep.include({ minted: 1, refused: 1 });
    const journal = await Journal.open(c.journalFile);
    expect(journal.get(jobKey(large))!.step).to.equal("refused");
    expect(journal.get(jobKey(large))!.reason).to.include(`certificate ${stale.rendered.contentDigest}`);
    expect(journal.get(jobKey(small))!.step).to.equal("minted");
    const minted = await c.certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
    expect(minted.map((e) => e.args.tokenId)).to.deep.equal([BigInt(stale.rendered.contentDigest)]);
  }

  it("resumes after a crash between patterns and after a crash between minting and journaling", async () => {
    const { generatorWallet, certificate, journalFile, freshConfig } = await batchChain();
    const jobs = [1n, 2n, 3n, 4n, 5n].map((seed) => ({ model: "weld", seed, params: { scale: 1, sharpness: 3 }, width: 96, height: 96 }));

    // Run 1 is killed after its second pattern.
    let calls = 0;
    try {
      await runBatch(await freshConfig(), jobs, journalFile, () => {
        if (++calls === 2) throw new Error("killed");
      });
      expect.fail("run 1 should have been killed");
    } catch (error) {
      expect((error as Error).message).to.equal("killed");
    }

    // Job 3 gets as far as a landed mint transaction whose journal record was never written.
    const config = await freshConfig();
    const third = await runPipeline(config, jobs[2]!, { mint: false });
    if (third.status !== "attested") throw new Error(`expected attested, got ${third.status}`);
    const journal = await Journal.open(journalFile);
    await journal.write({ key: jobKey(jobs[2]!), step: "attested", contentDigest: third.rendered.contentDigest, request: third.request });
    await certificate.write.mint([third.request], { account: generatorWallet.account });

    // Run 2 resumes: skips 1-2, recognises 3 as minted, mints 4-5.
    const progress: string[] = [];
    const summary = await runBatch(await freshConfig(), jobs, journalFile, (p) => progress.push(`${p.done}/${p.total} ${p.step}`));
    expect(summary).to.deep.equal({ minted: 3, attested: 0, pinned: 0, refused: 0, skipped: 2 });
    expect(progress).to.deep.equal(["1/5 minted", "2/5 minted", "3/5 minted", "4/5 minted", "5/5 minted"]);

    // Exactly one certificate per pattern, and the journal agrees with the chain.
    const events = await certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
    expect(events).to.have.length(5);
    const onChain = new Set(events.map((e) => `0x${e.args.tokenId!.toString(16).padStart(64, "0")}`));
    const final = await Journal.open(journalFile);
    expect(final.records().map((r) => r.step)).to.deep.equal(["minted", "minted", "minted", "minted", "minted"]);
    expect(new Set(final.records().map((r) => r.contentDigest))).to.deep.equal(onChain);
    expect(final.get(jobKey(jobs[2]!))!.transactionHash).to.equal("already-minted");

    // A third run over the same batch does nothing.
    expect(await runBatch(await freshConfig(), jobs, journalFile)).to.include({ skipped: 5, minted: 0 });
    expect((await readFile(journalFile, "utf8")).trim().split("\n").length).to.be.greaterThan(5);
  });

  it("a journaled attestation that has expired (a rerun the next day) is signed again and minted, not refused for ever", async () => {
    const { publicClient, certificate, dir, journalFile, now, freshConfig } = await batchChain();
    try {
      const job = { model: "weld", seed: 11n, params: { scale: 1, sharpness: 3 }, width: 96, height: 96 };
      // attested two days ago (a day's validity), journaled, never sent: the crash
      const stale = await runPipeline(await freshConfig(now - 172_800n), job, { mint: false });
      if (stale.status !== "attested") throw new Error(`expected attested, got ${stale.status}`);
      expect(stale.request.deadline < now).to.equal(true);
      await (await Journal.open(journalFile)).write({ key: jobKey(job), step: "attested", contentDigest: stale.rendered.contentDigest, request: stale.request });
      expect(await runBatch(await freshConfig(), [job], journalFile)).to.deep.equal({ minted: 1, attested: 0, pinned: 0, refused: 0, skipped: 0 });
      // the chain's word: the pattern certified once, under the same content digest
      const events = await certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
      expect(events.map((e) => `0x${e.args.tokenId!.toString(16).padStart(64, "0")}`)).to.deep.equal([stale.rendered.contentDigest]);
      expect((await Journal.open(journalFile)).get(jobKey(job))!.step).to.equal("minted");
      expect((await publicClient.getBlock()).timestamp > stale.request.deadline).to.equal(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a pattern resumed from its signed request (not rendered again) still screens a near-copy later in the batch (audit 33)", async () => {
    const { dir, freshConfig } = await batchChain();
    try {
      // control: in one batch without a crash, the larger is refused as a near-copy of the smaller
      const control = await runBatch(await freshConfig(), [small, large], path.join(dir, "control.jsonl"));
      expect(control).to.deep.include({ minted: 1, refused: 1 });
      // on a fresh chain: the smaller attested and journaled, then the crash; the rerun resumes it from its signed request
      const again = await batchChain();
      await rerunRefusesLarger(again, await signedBeforeCrash(again, small), [small, large]);
      await rm(again.dir, { recursive: true, force: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("a pattern resumed from its signed request screens a near-copy before it in the batch too: a rerun with a job put in front (audit 34)", async () => {
    // the rerun's manifest puts the larger first
    const c = await batchChain();
    try {
      await rerunRefusesLarger(c, await signedBeforeCrash(c, small), [large, small]);
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  });

  it("a pattern remembered from its signed request whose attestation expires before its turn is rendered, screened and minted again, not refused as a copy of itself", async () => {
    const other = { ...small, seed: 13n };
    const c = await batchChain();
    try {
      const stale = await signedBeforeCrash(c, small);
      // the rerun starts before the deadline (the small one joins the banks up front); two days pass
      // after its first pattern, so at its turn the signed request has expired and it is signed again
      const later = c.now + 3n * 86_400n;
      const summary = await runBatch(await c.freshConfig(later), [large, other, small], c.journalFile, async (p) => {
        if (p.done === 1) await c.twoDaysPass();
      });
      const journal = await Journal.open(c.journalFile);
      const steps = [large, other, small].map((j) => journal.get(jobKey(j))!.step);
      expect(steps, JSON.stringify([large, other, small].map((j) => journal.get(jobKey(j))!.reason))).to.deep.equal(["refused", "minted", "minted"]);
      expect(summary).to.deep.include({ minted: 2, refused: 1 });
      expect(journal.get(jobKey(large))!.reason).to.include(`certificate ${stale.rendered.contentDigest}`);
      // minted after its first signature expired: signed again
      expect((await c.publicClient.getBlock()).timestamp > stale.request.deadline).to.equal(true);
      const minted = await c.certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
      expect(minted.map((e) => e.args.tokenId)).to.include(BigInt(stale.rendered.contentDigest));
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  });

  it("a journaled signed request whose signature recovers no account (a journal damaged by hand) is signed again and minted, not sent or thrown on", async () => {
    const c = await batchChain();
    try {
      const stale = await signedBeforeCrash(c, small);
      const journal = await Journal.open(c.journalFile);
      await journal.write({ ...journal.get(jobKey(small))!, request: { ...stale.request, signature: `0x${"00".repeat(65)}` } });
      const summary = await runBatch(await c.freshConfig(), [small], c.journalFile);
      expect(summary).to.deep.include({ minted: 1 });
      expect(await c.mintedIds()).to.deep.equal([BigInt(stale.rendered.contentDigest)]);
    } finally {
      await rm(c.dir, { recursive: true, force: true });
    }
  });

  it("motif batch --repeat --size-cm --dpi: each job is the seamless tile of its print spec, journaled under a key of its own", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-batch-print-"));
    try {
      const env = { ...process.env };
      delete env.MOTIF_RPC_URL;
      delete env.MOTIF_REDIS_URL;
      const args = ["generator/bin/motif.mjs", "batch", "--count", "2", "--model", "weld", "--seed-start", "78", "--scale", "3", "--sharpness", "6", "--repeat", "half-drop", "--size-cm", "3.25", "--dpi", "50", "--store", path.join(dir, "ipfs"), "--journal", path.join(dir, "j.jsonl"), "--json"];
      const out = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, args, { env, cwd: process.cwd() }, (e, stdout, stderr) => resolve({ code: e === null ? 0 : Number(e.code ?? 1), stdout, stderr })),
      );
      expect(out.code, out.stderr).to.equal(0);
      const records = (await readFile(path.join(dir, "j.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { key: string; contentDigest: string; step: string });
      const print = { repeat: "half-drop" as const, sizeCm: 3.25, dpi: 50 };
      for (const [i, seed] of [78n, 79n].entries()) {
        const job = { model: "weld", seed, params: { scale: 3, sharpness: 6 }, width: 64, height: 64 };
        // the oracle: the seamless render of the spec (3.25 cm at 50 DPI: 64 px), rendered here
        expect(records[i]!.contentDigest).to.equal((await render({ ...job, print })).contentDigest);
        expect(records[i]!.key).to.equal(jobKey({ ...job, print }));
        expect(records[i]!.key).to.not.equal(jobKey(job));
        expect(records[i]!.step).to.equal("pinned");
      }
    } finally {
      await closeRenderPools();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
