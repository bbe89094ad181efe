/**
 * Audit 34: `motif batch --colourway-of ID --recolour MAP ...` (in-process and through the queue),
 * several colourways of one design in one round (banks `remember` / `familyOf`), and a resumed signed
 * colourway's hashes in the banks (`rememberSigned`). `FIXED finding_*` tests fail on the audited
 * code (6b68080) and pass since `drainBatch` waits for each job id once and a certificate of the same
 * pixels from another request (model, seed or params hash) refuses the request instead of counting it
 * minted; `held_*` tests pass on both (what was tried and held). Oracles: the chain's colourway list,
 * the journal, the render itself.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect } from "chai";
import { Queue, type Worker } from "bullmq";
import sharp from "sharp";

import { getColourways } from "@motif/sdk";
import { jobKey, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import { pipelineConfig } from "../src/config.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { type PatternRequest, runPipeline } from "../src/pipeline.js";
import { RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection, startWorker } from "../src/queue/distributed.js";
import { closeRenderPools, render } from "../src/render/render.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { startRedis } from "../../test/ts/helpers/procs.js";
import { type DesignOnChain, withDesignOnChain } from "./helpers/design-on-chain.js";

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/** A colour far from every colour of `png` (RGB distance), and the same colour moved by one level: a pair that moves no pixel. */
async function unusedPair(png: Uint8Array): Promise<{ from: string; to: string }> {
  const rgb = new Uint8Array((await sharp(png).raw().toBuffer({ resolveWithObject: true })).data);
  const palette = new Set<number>();
  for (let i = 0; i < rgb.length; i += 3) palette.add((rgb[i]! << 16) | (rgb[i + 1]! << 8) | rgb[i + 2]!);
  const candidates: Array<[number, number, number]> = [[0, 255, 0], [255, 0, 255], [0, 255, 255], [255, 255, 0], [0, 0, 255], [255, 0, 0]];
  const far = (c: [number, number, number]) => Math.min(...[...palette].map((p) => (((p >>> 16) - c[0]) ** 2 + (((p >>> 8) & 255) - c[1]) ** 2 + ((p & 255) - c[2]) ** 2)));
  const best = candidates.sort((a, b) => far(b) - far(a))[0]!;
  return { from: hex(...best), to: hex(best[0], best[1] === 255 ? 254 : best[1] + 1, best[2]) };
}

describe("audit 34: motif batch --colourway-of, colourway rounds, resumed colourways", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  it("FIXED finding_queue_same_map_twice_drain_never_returns: two --recolour maps naming the same colourway (one job id) through the queue: drainBatch returns (it waited forever)", async () => {
    // No chain needed: the worker has no chain access, so the colourway is refused (not-a-colourway)
    // before rendering; the minter should then journal it and return. The two maps differ only in
    // pair order and case, i.e. the same colourway (the journal key canonicalises them).
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-audit34-q-"));
    const redis = await startRedis();
    const connection = redisConnection(redis.url);
    const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection });
    const pipeline = pipelineConfig({ store: new EmbeddedIpfs(path.join(dir, "ipfs")), modelIds: { weld: 1 } });
    const worker: Worker = startWorker({ connection, pipeline: { ...pipeline } });
    let abandon = false;
    try {
      const design = `0x${"ab".repeat(32)}` as const;
      const base = { batchId: "audit34", model: "weld", seed: "5", params: { scale: 3, sharpness: 6 }, width: 64, height: 64, modelIds: pipeline.modelIds, creator: pipeline.creator };
      const data: RenderJobData[] = [
        { ...base, colourway: { design, map: [{ from: "#000000", to: "#ffffff" }, { from: "#111111", to: "#eeeeee" }] } },
        { ...base, colourway: { design, map: [{ from: "#111111", to: "#EEEEEE" }, { from: "#000000", to: "#FFFFFF" }] } },
      ];
      const ids = await enqueueBatch(queue, data);
      expect(ids[0]).to.equal(ids[1]); // the same job, as the journal key says
      // control: the job drained once (jobIds without the repeat) returns, refused (no chain access)
      const control = await drainBatch({ queue, jobIds: [ids[0]!], journal: await Journal.open(path.join(dir, "control.jsonl")), pipeline, rescanMs: 200 });
      expect(control).to.deep.include({ refused: 1, dead: 0 });
      const drained = drainBatch({
        queue,
        jobIds: ids,
        journal: await Journal.open(path.join(dir, "q.jsonl")),
        pipeline,
        rescanMs: 200,
        onProgress: () => {
          if (abandon) throw new Error("abandoned by the test");
        },
      });
      drained.catch(() => undefined);
      const outcome = await Promise.race([drained.then((s) => ({ summary: s })), new Promise<{ timeout: true }>((r) => setTimeout(() => r({ timeout: true }), 20_000))]);
      abandon = true;
      // promised: the batch ends (one refusal journaled, or refused twice); observed: drainBatch's
      // `settled` (a Set) never reaches `jobIds.length` (2), so `motif batch` with MOTIF_REDIS_URL hangs
      expect(outcome, "drainBatch did not return within 20 s").to.have.property("summary");
      await drained.catch(() => undefined);
    } finally {
      abandon = true;
      await new Promise((r) => setTimeout(r, 500));
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
      redis.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("one design on a fresh chain", function () {
    let s: DesignOnChain;
    let release: () => void = () => {};
    let running: Promise<void>;
    const colourways = () => getColourways(s.publicClient, { certificate: s.certificate, designId: BigInt(s.design.rendered.contentDigest) });
    const colourwayJob = async (by: number): Promise<PatternRequest> => ({ ...s.base, colourway: await recolourOf(s.design.rendered.png, s.design.rendered.contentDigest, by) });

    before(async () => {
      await new Promise<void>((ready, failed) => {
        running = withDesignOnChain(
          341n,
          (setup) =>
            new Promise<void>((done) => {
              s = setup;
              release = done;
              ready();
            }),
          { prefix: "motif-audit34-" },
        );
        running.catch(failed);
      });
    });
    after(async () => {
      release();
      await running;
    });

    it("held_same_map_twice_in_process: the same colourway map given twice is minted once, the second skipped", async () => {
      const job = await colourwayJob(24);
      const before = (await colourways()).length;
      const summary = await runBatch(await s.fresh(), [job, job], path.join(s.dir, "twice.jsonl"));
      expect(summary).to.deep.include({ minted: 1, skipped: 1, refused: 0 });
      expect((await colourways()).length).to.equal(before + 1);
    });

    it("FIXED finding_same_pixels_two_maps_both_reported_minted: a map plus a pair that moves no pixel is another job but the same render: refused, naming the certificate (it was reported minted, the chain had one)", async () => {
      const a = await colourwayJob(40);
      const pair = await unusedPair(s.design.rendered.png);
      const b: PatternRequest = { ...a, colourway: { ...a.colourway!, map: [...a.colourway!.map, pair] } };
      // precondition: two journal keys, one render (the same content digest: one certificate id)
      expect(jobKey(a)).to.not.equal(jobKey(b));
      const [ra, rb] = await Promise.all([render(a), render(b)]);
      expect(rb.contentDigest, "precondition: the extra pair moves no pixel").to.equal(ra.contentDigest);
      const before = (await colourways()).length;
      const journalFile = path.join(s.dir, "same-pixels.jsonl");
      const summary = await runBatch(await s.fresh(), [a, b], journalFile);
      const added = (await colourways()).length - before;
      expect(added).to.equal(1); // the chain: one colourway (one content, one token)
      // promised: each map's colourway minted into the family, or the map refused; observed: map 2 is
      // journaled and counted "minted" (the certified stage finds map 1's certificate, credited to
      // this generator's creator), though no colourway of its lineage exists
      const journal = await Journal.open(journalFile);
      const stepB = journal.get(jobKey(b))?.step;
      expect(summary.minted, `summary ${JSON.stringify(summary)}, map 2: ${JSON.stringify(journal.get(jobKey(b)))}`).to.equal(added);
      expect(stepB, "map 2 journaled").to.equal("refused");
      expect(journal.get(jobKey(b))!.reason).to.match(/^near-duplicate of certificate 0x[0-9a-f]{64} at distance 0: the same image is certified already, by this generator's creator, .* renders the same pixels$/);
    });

    it("held_resume_between_colourways: journal with one minted and one attested before a crash; the rerun mints the attested one from its signed request and a third after it, all family", async () => {
      const [a, b, c] = await Promise.all([56, 72, 88].map(colourwayJob));
      const journalFile = path.join(s.dir, "resume.jsonl");
      const before = (await colourways()).length;
      expect(await runBatch(await s.fresh(), [a!], journalFile)).to.deep.include({ minted: 1 });
      const signed = await runPipeline(await s.fresh(), b!, { mint: false });
      if (signed.status !== "attested") throw new Error(`expected attested, got ${signed.status}`);
      await (await Journal.open(journalFile)).write({ key: jobKey(b!), step: "attested", contentDigest: signed.rendered.contentDigest, request: signed.request });
      const summary = await runBatch(await s.fresh(), [a!, b!, c!], journalFile);
      const journal = await Journal.open(journalFile);
      expect(summary, JSON.stringify([a, b, c].map((j) => journal.get(jobKey(j!))))).to.deep.include({ minted: 2, skipped: 1, refused: 0 });
      expect((await colourways()).length).to.equal(before + 3);
      // a rerun: nothing minted twice, nothing refused as a near-duplicate of itself
      expect(await runBatch(await s.fresh(), [a!, b!, c!], journalFile)).to.deep.include({ minted: 0, skipped: 3, refused: 0 });
      expect((await colourways()).length).to.equal(before + 3);
    });

    /** `n` colourway jobs of the design (its commonest colour's green moved by k levels), each a render no colourway on chain has. */
    const distinctJobs = async (n: number, kFrom: number): Promise<PatternRequest[]> => {
      const taken = new Set((await colourways()).map((c) => c.toString()));
      const top = (await recolourOf(s.design.rendered.png, s.design.rendered.contentDigest)).map[0]!.from;
      const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(top.slice(i, i + 2), 16)) as [number, number, number];
      const out: PatternRequest[] = [];
      for (let k = kFrom; out.length < n && k < kFrom + 400; k++) {
        const to = hex((r + Math.floor(k / 2)) % 256, (g + k) % 256, b);
        if (to === top) continue;
        const job: PatternRequest = { ...s.base, colourway: { design: s.design.rendered.contentDigest, map: [{ from: top, to }] } };
        try {
          const d = BigInt((await render(job)).contentDigest).toString();
          if (taken.has(d)) continue;
          taken.add(d);
          out.push(job);
        } catch {
          // a map that moves too little: not a colourway
        }
      }
      if (out.length < n) throw new Error(`only ${out.length} distinct colourways found`);
      return out;
    };

    it("held_far_map_refused_batch_goes_on: a map whose colours are far from the design's is refused (invalid-request) and the batch goes on", async () => {
      const [x, y] = await distinctJobs(2, 20);
      const far: PatternRequest = { ...s.base, colourway: { design: s.design.rendered.contentDigest, map: [await unusedPair(s.design.rendered.png)] } };
      const before = (await colourways()).length;
      const journalFile = path.join(s.dir, "far.jsonl");
      const summary = await runBatch(await s.fresh(), [x!, far, y!], journalFile);
      expect(summary).to.deep.include({ minted: 2, refused: 1 });
      expect((await Journal.open(journalFile)).get(jobKey(far))).to.deep.include({ step: "refused", code: "invalid-request" });
      expect((await colourways()).length).to.equal(before + 2);
    });

    it("held_colourway_of_colourway_and_unknown_design_refused: a map naming a colourway as its design, or a design not on the chain, is refused (not-a-colourway) and the batch goes on", async () => {
      const [good, second] = await distinctJobs(2, 200);
      const aColourway = `0x${(await colourways())[0]!.toString(16).padStart(64, "0")}` as const;
      const ofColourway: PatternRequest = { ...second!, colourway: { ...second!.colourway!, design: aColourway } };
      const unknown: PatternRequest = { ...second!, colourway: { ...second!.colourway!, design: `0x${"cd".repeat(32)}` } };
      const before = (await colourways()).length;
      const journalFile = path.join(s.dir, "of-colourway.jsonl");
      const summary = await runBatch(await s.fresh(), [ofColourway, unknown, good!], journalFile);
      const journal = await Journal.open(journalFile);
      expect(summary).to.deep.include({ minted: 1, refused: 2 });
      expect(journal.get(jobKey(ofColourway))).to.deep.include({ step: "refused", code: "not-a-colourway" });
      expect(journal.get(jobKey(ofColourway))!.reason).to.include("is itself a colourway");
      expect(journal.get(jobKey(unknown))).to.deep.include({ step: "refused", code: "not-a-colourway" });
      expect((await colourways()).length).to.equal(before + 1);
    });

    it("held_overfill_past_max_colourways: a batch of more maps than the design has room for mints up to 32 and refuses the rest (not-a-colourway), without crashing", async () => {
      const before = (await colourways()).length;
      const room = 32 - before;
      const jobs = await distinctJobs(room + 2, 60);
      const journalFile = path.join(s.dir, "overfill.jsonl");
      const summary = await runBatch(await s.fresh(), jobs, journalFile);
      const journal = await Journal.open(journalFile);
      expect(summary, JSON.stringify(jobs.slice(-3).map((j) => journal.get(jobKey(j))))).to.deep.include({ minted: room, refused: 2 });
      expect((await colourways()).length).to.equal(32);
      for (const j of jobs.slice(-2)) expect(journal.get(jobKey(j))).to.deep.include({ step: "refused", code: "not-a-colourway" });
      // a rerun: nothing minted, nothing crashes
      expect(await runBatch(await s.fresh(), jobs, journalFile)).to.deep.include({ minted: 0, skipped: room + 2 });
    });
  });
});
