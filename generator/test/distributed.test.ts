import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Queue } from "bullmq";

import { buildApi } from "../src/api/server.js";
import { jobKey } from "../src/batch/batch.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { DEAD_QUEUE, type DeadLetter, RENDER_QUEUE, type RenderJobData, enqueueBatch, redisConnection, toRequest } from "../src/queue/distributed.js";
import { startRedis } from "../../test/ts/helpers/procs.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

type Proc = { child: ChildProcess; output: () => string; exited: Promise<number | null> };
function run(args: string[], env: Record<string, string>): Proc {
  const child = spawn(process.execPath, [path.join("generator", "bin", "motif.mjs"), ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  return { child, output: () => output, exited: new Promise((resolve) => child.on("exit", (code) => resolve(code))) };
}
/** Polls `ok` every 50 ms; the deadline only catches a hang (what it waits for is bound to happen). */
const until = async (what: string, ok: () => boolean, ms = 240_000) => {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
};
/** The process's state letter in /proc (R running, S sleeping, T stopped, Z zombie…). */
const procState = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2)[0];
};
/** SIGSTOP, returning once the kernel has stopped the process: from then on it sends Redis nothing. */
const freeze = async (p: Proc) => {
  p.child.kill("SIGSTOP");
  await until(`process ${p.child.pid} stopped`, () => procState(p.child.pid!) === "T");
};

describe("distributed batch on Redis (BullMQ): three workers, one killed, one minter", function () {
  this.timeout(300_000);

  it("pins and mints every pattern exactly once, the journal and the chain agree, and only the bad job is dead-lettered", async () => {
    const redis = await startRedis();
    const chain = await remoteChainWithMotif();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-dist-"));
    const store = path.join(dir, "ipfs");
    const env = { ...chain.env, MOTIF_REDIS_URL: redis.url, MOTIF_QUEUE_LOCK_MS: "2000" };
    const workers: Proc[] = [0, 1, 2].map(() => run(["worker", "--store", store], { MOTIF_REDIS_URL: redis.url, MOTIF_QUEUE_LOCK_MS: "2000" }));
    const connection = redisConnection(redis.url);
    const queue = new Queue<RenderJobData>(RENDER_QUEUE, { connection });
    const dead = new Queue<DeadLetter>(DEAD_QUEUE, { connection });
    try {
      await until("workers ready", () => workers.every((w) => w.output().includes("ready")));
      // Workers 1 and 2 are frozen (idle: no job is queued yet) until worker 0 is killed, so worker 0
      // alone takes jobs, and once it has finished one it holds the next (BullMQ moves the next job to
      // active in the same call that completes one) while 8 are left: the kill below always lands
      // mid-job, whatever the load, with nothing timed.
      await freeze(workers[1]!);
      await freeze(workers[2]!);

      // A deliberately bad job (unknown model) beside the batch: it must end in the dead-letter queue.
      const bad: RenderJobData = { batchId: "bad", model: "cobalt", seed: "1", params: { scale: 2, sharpness: 4 }, width: 64, height: 64, modelIds: {}, creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" };
      const [badId] = await enqueueBatch(queue, [bad]);

      // The batch: 9 patterns. Kill the first worker (SIGKILL) right after its first job, while it holds the next.
      const journal = path.join(dir, "batch.jsonl");
      const batchArgs = ["batch", "--count", "9", "--model", "weld", "--seed-start", "900", "--size", "192", "--scale", "3", "--sharpness", "6", "--journal", journal, "--store", store, "--json"];
      const batch = run(batchArgs, env);
      const jobEvents = (w: Proc) => w.output().split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { jobId: string; status: string });
      await until("worker 0 finishing a job", () => jobEvents(workers[0]!).some((e) => e.status === "pinned"));
      // Frozen, worker 0 changes nothing in Redis any more (what it sent before is handled before what
      // this process sends next), so the one active job is the one it holds: the job that stalls.
      await freeze(workers[0]!);
      const active = await queue.getActive();
      expect(active.map((j) => j.id), workers[0]!.output()).to.have.length(1);
      const held = active[0]!.id!;
      expect(held).to.not.equal(badId);
      workers[0]!.child.kill("SIGKILL");
      await workers[0]!.exited;
      expect(jobEvents(workers[0]!).some((e) => e.jobId === held && e.status !== "active"), workers[0]!.output()).to.equal(false);
      for (const w of workers.slice(1)) w.child.kill("SIGCONT");
      expect(await batch.exited, batch.output()).to.equal(0);
      const summary = JSON.parse(batch.output().trim().split("\n").at(-1)!) as { summary: { minted: number; refused: number; dead: number } };
      expect(summary.summary).to.deep.equal({ minted: 9, pinned: 0, refused: 0, dead: 0 });
      // the stalled job was taken over and finished by another worker; BullMQ counted the stall
      expect(workers.slice(1).some((w) => jobEvents(w).some((e) => e.jobId === held && e.status === "pinned")), `job ${held}`).to.equal(true);
      expect((await queue.getJob(held))!.stalledCounter, `job ${held}`).to.be.at.least(1);

      // Exactly once on chain, and the journal names the same certificates.
      const events = await chain.certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
      const onChain = new Set(events.map((e) => `0x${e.args.tokenId!.toString(16).padStart(64, "0")}`));
      expect(events).to.have.length(9);
      expect(onChain.size).to.equal(9);
      const latest = new Map<string, { step: string; contentDigest: string; transactionHash: string }>();
      for (const line of readFileSync(journal, "utf8").trim().split("\n")) {
        const r = JSON.parse(line) as { key: string; step: string; contentDigest: string; transactionHash: string };
        latest.set(r.key, r);
      }
      expect([...latest.values()].every((r) => r.step === "minted" && r.transactionHash.startsWith("0x")), JSON.stringify([...latest.values()])).to.equal(true);
      expect(new Set([...latest.values()].map((r) => r.contentDigest))).to.deep.equal(onChain);
      // Job ids are the pattern's identity: the journal's keys are the in-process batch's keys.
      const expectedKeys = Array.from({ length: 9 }, (_, i) => jobKey(toRequest({ ...bad, model: "weld", seed: String(900 + i), params: { scale: 3, sharpness: 6 }, width: 192, height: 192 })));
      expect(new Set(latest.keys())).to.deep.equal(new Set(expectedKeys));

      // The dead-letter queue holds the bad job only, with its reason.
      let letters: DeadLetter[] = [];
      for (let i = 0; i < 300 && letters.length === 0; i++) {
        letters = (await dead.getJobs(["waiting", "delayed", "completed", "failed", "active"])).map((j) => j.data);
        if (letters.length === 0) await new Promise((r) => setTimeout(r, 100));
      }
      expect(letters).to.have.length(1);
      expect(letters[0]!.jobId).to.equal(badId);
      expect(letters[0]!.reason).to.contain('unknown model "cobalt"');

      // Progress across all workers, from the API.
      const api = await buildApi({
        keys: [{ key: "k", name: "n", tier: "t", requestsPerMinute: 100, maxPixelsPerRequest: 1 }],
        pipeline: { store: new EmbeddedIpfs(store), index: PdqIndex.build([]), modelIds: {}, creator: bad.creator, royaltyBps: 0, attestationTtl: 1, generator: { name: "g", version: "1" } },
        queues: { render: queue, dead },
      });
      const counts = (await api.inject({ method: "GET", url: "/v1/queue", headers: { "x-api-key": "k" } })).json() as { render: { completed: number; failed: number }; deadLetters: number };
      expect(counts).to.deep.include({ deadLetters: 1 });
      expect(counts.render).to.include({ completed: 9, failed: 1 });
      await api.close();

      // Resubmitting the same batch adds no job and mints nothing.
      const again = run(batchArgs, env);
      expect(await again.exited, again.output()).to.equal(0);
      expect((await chain.certificate.getEvents.CertificateMinted({}, { fromBlock: 0n })).length).to.equal(9);
      // A minter that lost its journal (mints landed, records not written) recognises its own
      // certificates: journaled as minted, never refused as near-duplicates of themselves.
      const lost = run(batchArgs.map((a) => (a === journal ? path.join(dir, "lost.jsonl") : a)), env);
      expect(await lost.exited, lost.output()).to.equal(0);
      expect(JSON.parse(lost.output().trim().split("\n").at(-1)!)).to.deep.equal({ summary: { minted: 9, pinned: 0, refused: 0, dead: 0 } });
      expect((await chain.certificate.getEvents.CertificateMinted({}, { fromBlock: 0n })).length).to.equal(9);

      // Graceful shutdown of the surviving workers.
      for (const w of workers.slice(1)) w.child.kill("SIGINT");
      for (const w of workers.slice(1)) {
        expect(await w.exited, w.output()).to.equal(0);
        expect(w.output()).to.contain("stopped");
      }
    } finally {
      for (const w of workers) if (w.child.exitCode === null) w.child.kill("SIGKILL");
      await queue.close();
      await dead.close();
      await chain.close();
      redis.stop();
    }
  });
});
