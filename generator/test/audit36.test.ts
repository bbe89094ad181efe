/**
 * Audit 36 on 1e6b8b2 (a batch rerun's patterns signed before a crash join the banks before any
 * pattern is screened; audit 34's low finding). Its three findings failed there and pass since:
 * - the entry of a pattern remembered up front was told from a copy by its label, which a real
 *   certificate of the journaled content carries too (a journal record whose request is for other
 *   content than the job renders now): a near-copy of that certificate was certified;
 * - an up-front entry outlived its pattern: two near-copies each signed before a crash and expiring
 *   before their turns were both refused, each against the other's entry;
 * - (since audit 33) two near-copies each signed before a crash were both sent as signed, unscreened.
 * Now an up-front entry has a label of its own, taken out at its pattern's turn (`Bank.forget`), and a
 * signed pattern whose hashes meet one signed before it is rendered and screened at its turn. Its
 * fourth check (the tile hash memo of eb39410 against the code before it, 66 images and every
 * reading, byte for byte) held and is not kept: it imports that code.
 * `FIXED finding_*`: a break, fixed; `held_*`: an attack that did not break.
 */
import { expect } from "chai";
import { readFile } from "node:fs/promises";

import { jobKey, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import type { PatternRequest } from "../src/pipeline.js";
import { type BatchChain, journalAttested, onBatchChain, signed, signedBeforeCrash } from "./helpers/batch-chain.js";

describe("audit 36: batch rerun, patterns signed before a crash up front (1e6b8b2)", function () {
  this.timeout(300_000);

  /** The same design at two sizes (near-copies to PDQ and the tile hash), and an unrelated design. */
  const small: PatternRequest = { model: "weld", seed: 12n, params: { scale: 2, sharpness: 3 }, width: 96, height: 96 };
  const large: PatternRequest = { ...small, width: 128, height: 128 };
  const other: PatternRequest = { ...small, seed: 13n };

  /** Two days pass once the first pattern of a rerun is done: every signature made before the rerun expires before the next one's turn. */
  const expireAfterFirst = (c: BatchChain) => async (p: { done: number }) => {
    if (p.done === 1) await c.twoDaysPass();
  };
  const onChain = (test: (c: BatchChain) => Promise<void>) => onBatchChain("motif-audit36-", test);
  /** `small` and `large` each signed and journaled, neither minted: a journal reused across two manifests, each run crashing before its mint. */
  const bothSigned = async (c: BatchChain) => {
    const [s, l] = [await signed(c, small), await signed(c, large)];
    await journalAttested(c, jobKey(small), s);
    await journalAttested(c, jobKey(large), l);
    return [s, l] as const;
  };

  it("FIXED finding_own_entry_drops_real_certificate: a rerun's re-rendered pattern no longer clears screening against a real certificate that carries its journaled digest", () =>
    onChain(async (c) => {
      // `small` is certified on chain (a real certificate X, in the rerun's index). The journal says
      // `large` (a near-copy of `small`) was attested, but its signed request is for X: a record whose
      // request is for other content than the job renders now (a journal written by another build or
      // model version, a hand-merged journal). Its signature is unexpired when the rerun starts (it
      // joins the banks up front) and expires before its turn. On 1e6b8b2 screening then dismissed
      // every entry labelled "certificate X" as its own, the real certificate's too.
      const x = await signed(c, small);
      await c.certificate.write.mint([x.request], { account: c.generatorWallet.account });
      await journalAttested(c, jobKey(large), x);
      const summary = await runBatch(await c.freshConfig(c.now + 3n * 86_400n), [other, large], c.journalFile, expireAfterFirst(c));
      const record = (await Journal.open(c.journalFile)).get(jobKey(large))!;
      // refused (as before 1e6b8b2: the re-rendered `large` screened against the index) as a near-copy
      // of the real certificate X, which is not its own (it renders other content)
      expect(record.step, `${JSON.stringify(summary)} ${record.reason ?? ""}`).to.equal("refused");
      expect(record.reason).to.include(`certificate ${x.rendered.contentDigest}`);
      expect(await c.mintedIds()).to.not.include(BigInt(record.contentDigest ?? "0x0"));
    }));

  it("held_control_real_certificate_refuses_large: without the mismatched journal record, the same rerun refuses `large` as a near-copy of certificate X", () =>
    onChain(async (c) => {
      const x = await signed(c, small);
      await c.certificate.write.mint([x.request], { account: c.generatorWallet.account });
      await runBatch(await c.freshConfig(c.now + 3n * 86_400n), [other, large], c.journalFile, expireAfterFirst(c));
      const record = (await Journal.open(c.journalFile)).get(jobKey(large))!;
      expect(record.step).to.equal("refused");
      expect(record.reason).to.include(`certificate ${x.rendered.contentDigest}`);
    }));

  it("FIXED finding_stale_upfront_entry_refuses_both: two near-copies signed before a crash, both expiring before their turns: the first certified, the second refused", () =>
    onChain(async (c) => {
      await bothSigned(c);
      // the rerun of [other, small, large] starts before the deadlines; two days pass after its first pattern
      const summary = await runBatch(await c.freshConfig(c.now + 3n * 86_400n), [other, small, large], c.journalFile, expireAfterFirst(c));
      const journal = await Journal.open(c.journalFile);
      const steps = [small, large].map((j) => `${journal.get(jobKey(j))!.step}: ${journal.get(jobKey(j))!.reason ?? ""}`);
      // the first of the two rendered again is certified and the second refused as its near-copy (as
      // without the up-front pass). On 1e6b8b2 `small` was refused as a near-copy of `large`'s
      // up-front entry, never certified, and `large` as one of `small`'s (refused itself): neither
      // design was certified, both journaled refused for good
      expect(summary, steps.join(" | ")).to.deep.include({ minted: 2, refused: 1 });
      expect(journal.get(jobKey(small))!.step, steps.join(" | ")).to.equal("minted");
    }));

  it("FIXED finding_resumable_near_copy_not_screened (pre-existing since audit 33): of two near-copies both signed before a crash, an unexpired rerun certifies one", () =>
    onChain(async (c) => {
      const [s, l] = await bothSigned(c);
      // "a near-copy anywhere in the batch is refused": the second is rendered and screened at its turn
      await runBatch(await c.freshConfig(), [small, large], c.journalFile);
      const ids = await c.mintedIds();
      expect(ids.filter((id) => id === BigInt(s.rendered.contentDigest) || id === BigInt(l.rendered.contentDigest))).to.have.length(1);
      const journal = await Journal.open(c.journalFile);
      expect(journal.get(jobKey(large))!.reason).to.include(`certificate ${s.rendered.contentDigest}`);
    }));

  it("held_same_job_twice_expiring: a resumable job listed twice, its signature expiring before its turn: rendered again, minted once, the second skipped", () =>
    onChain(async (c) => {
      const s = await signedBeforeCrash(c, small);
      const summary = await runBatch(await c.freshConfig(c.now + 3n * 86_400n), [other, small, small], c.journalFile, expireAfterFirst(c));
      expect(summary).to.deep.equal({ minted: 2, attested: 0, pinned: 0, refused: 0, skipped: 1 });
      expect(await c.mintedIds()).to.include(BigInt(s.rendered.contentDigest));
    }));

  it("held_expired_at_start_not_up_front: a job expired when the rerun starts is not remembered up front: a near-copy before it is certified, it is refused", () =>
    onChain(async (c) => {
      await signedBeforeCrash(c, small);
      await c.twoDaysPass();
      const summary = await runBatch(await c.freshConfig(c.now + 3n * 86_400n), [large, small], c.journalFile);
      const journal = await Journal.open(c.journalFile);
      expect(summary).to.deep.include({ minted: 1, refused: 1 });
      expect(journal.get(jobKey(large))!.step).to.equal("minted");
      expect(journal.get(jobKey(small))!.step).to.equal("refused");
    }));

  it("held_crash_during_up_front_pass_and_async_progress: a node failure in the up-front pass journals nothing and the rerun completes; a rejecting onProgress stops the run", () =>
    onChain(async (c) => {
      await signedBeforeCrash(c, small);
      const before = await readFile(c.journalFile, "utf8");
      const config = await c.freshConfig();
      const client = config.minter!.publicClient;
      const down = new Proxy(client, { get: (t, k, r) => (k === "getBlock" ? () => Promise.reject(new Error("node down")) : Reflect.get(t, k, r)) });
      let failed = "";
      await runBatch({ ...config, minter: { ...config.minter!, publicClient: down } }, [large, small], c.journalFile).catch((e: Error) => (failed = e.message));
      expect(failed).to.equal("node down");
      expect(await readFile(c.journalFile, "utf8")).to.equal(before);
      // an async progress callback that rejects: the run stops with its error (awaited, not left unhandled)
      let stopped = "";
      await runBatch(await c.freshConfig(), [large, small], c.journalFile, async () => {
        throw new Error("progress failed");
      }).catch((e: Error) => (stopped = e.message));
      expect(stopped).to.equal("progress failed");
      // the rerun: the near-copy before the resumed pattern refused, the resumed one minted
      await runBatch(await c.freshConfig(), [large, small], c.journalFile);
      const journal = await Journal.open(c.journalFile);
      expect([large, small].map((j) => journal.get(jobKey(j))!.step)).to.deep.equal(["refused", "minted"]);
    }));
});
