/**
 * Distributed batch benchmark (part of `npm run bench`; needs Debian's redis-server): patterns per
 * second at 512² through BullMQ with 1 and with 2 `motif worker` processes (render → fingerprint →
 * screen → pin, no chain), and the queue's overhead per job against the in-process pipeline on the
 * same jobs. A machine with 2 cores gives the 2-worker figure its ceiling.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { Queue, QueueEvents } from "bullmq";

import { EmbeddedIpfs } from "../generator/src/ipfs/embedded.js";
import { runPipeline } from "../generator/src/pipeline.js";
import { RENDER_QUEUE, type RenderJobData, enqueueBatch, redisConnection, toRequest } from "../generator/src/queue/distributed.js";
import { pipelineConfig } from "../generator/src/config.js";
import { BenchReport } from "./lib/report.js";

const JOBS = Number(process.env.MOTIF_QUEUE_BENCH_JOBS ?? 24);
const SIZE = 512;
const report = new BenchReport(`Motif distributed batch (BullMQ on a local redis-server, ${JOBS} jobs at ${SIZE}²)`);

try {
  execFileSync("redis-server", ["--version"]);
} catch {
  console.log("redis-server not installed (apt-get install -y redis-server): distributed batch benchmark skipped");
  process.exit(0);
}
const port = await new Promise<number>((resolve) => {
  const s = createServer().listen(0, "127.0.0.1", () => {
    const p = (s.address() as { port: number }).port;
    s.close(() => resolve(p));
  });
});
const redis = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
await new Promise((r) => setTimeout(r, 500));
const url = `redis://127.0.0.1:${port}`;
const connection = redisConnection(url);

const jobsFor = (run: string): RenderJobData[] =>
  Array.from({ length: JOBS }, (_, i) => ({
    batchId: run,
    model: "indigo",
    seed: String(BigInt(run.length * 1_000_000 + i)),
    params: { scale: 3, sharpness: 6 },
    width: SIZE,
    height: SIZE,
    modelIds: { indigo: 1 },
    creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
  }));

// In-process baseline: the same pipeline stages, no queue.
const tempDirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "motif-qb-"));
  tempDirs.push(dir);
  return dir;
};
const baselineStore = new EmbeddedIpfs(tempDir());
const base = jobsFor("in-process");
const inProcess = (j: RenderJobData) =>
  runPipeline(pipelineConfig({ store: baselineStore, modelIds: j.modelIds, creator: j.creator, royaltyBps: 0, generator: { name: "bench", version: "1" } }), toRequest(j), { mint: false });
await inProcess({ ...base[0]!, seed: "999999999" }); // warm-up: model session loaded, as a ready worker's is after its first job
const t0 = performance.now();
for (const j of base) await inProcess(j);
const inProcessPerJob = (performance.now() - t0) / JOBS;
report.record("queue.inProcess.patternsPerSecond.512", Math.round((1000 / inProcessPerJob) * 100) / 100, "in-process pipeline, one process");

async function withWorkers(n: number, run: string): Promise<number> {
  const store = tempDir();
  const workers: ChildProcess[] = [];
  for (let i = 0; i < n; i++) {
    const w = spawn(process.execPath, [path.join("generator", "bin", "motif.mjs"), "worker", "--store", path.join(store, "ipfs")], { env: { ...process.env, MOTIF_REDIS_URL: url }, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve) => {
      let out = "";
      w.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("ready")) resolve();
      });
    });
    workers.push(w);
  }
  const queue = new Queue<RenderJobData>(RENDER_QUEUE, { connection });
  const events = new QueueEvents(RENDER_QUEUE, { connection });
  await events.waitUntilReady();
  let done = 0;
  const finished = new Promise<void>((resolve) => events.on("completed", () => ++done === JOBS && resolve()));
  const start = performance.now();
  await enqueueBatch(queue, jobsFor(run));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  for (const w of workers) w.kill("SIGINT");
  await events.close();
  await queue.close();
  return seconds;
}

try {
  const one = await withWorkers(1, "one-worker");
  const two = await withWorkers(2, "two-workers!");
  report.record("queue.workers1.patternsPerSecond.512", Math.round((JOBS / one) * 100) / 100, "1 worker process, BullMQ on local Redis");
  report.record("queue.workers2.patternsPerSecond.512", Math.round((JOBS / two) * 100) / 100, `2 worker processes (${os.cpus().length} cores here)`);
  report.record("queue.overheadMsPerJob", Math.round(((one * 1000) / JOBS - inProcessPerJob) * 10) / 10, "1-worker time per job minus the in-process pipeline's (queue round trips, process, store)");
} finally {
  redis.kill("SIGTERM");
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
}
await report.write();
process.exit(0);
