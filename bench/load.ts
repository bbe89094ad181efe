/**
 * Load benchmark (part of `npm run bench`): the generator API (`motif serve`, its own process) under
 * 200 concurrent connections from autocannon on loopback, for a bounded time per scenario. Reports
 * throughput, p50/p99 latency, errors (goal: 0) and the server's memory (resident set sampled from
 * /proc during the run: it must stay bounded, not grow with the number of requests).
 *   screen    POST /v1/screen with a PDQ hash: the near-duplicate check (cheap, index-bound)
 *   render64  POST /v1/render of a 64² tile: ONNX inference + PNG (CPU-bound)
 *   uploads   300 POST /v1/render, each with other (allowed) uploaded weights: the server's memory
 *             must stay bounded by its session cache (it grew ~18 MiB per request, 5.8 GiB after
 *             300, when every distinct weights file kept its ONNX session forever)
 */
import autocannon from "autocannon";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { BRANDS } from "../generator/src/model/brands.js";
import { buildCppnModel } from "../generator/src/model/cppn.js";
import { BenchReport } from "./lib/report.js";

const CONNECTIONS = 200;
const SECONDS = Number(process.env.MOTIF_LOAD_SECONDS ?? 10);
const KEY = "bench-load-key";

const report = new BenchReport(`Motif API under load (${CONNECTIONS} connections, ${SECONDS} s per scenario, loopback)`);
const dir = mkdtempSync(path.join(os.tmpdir(), "motif-load-"));
const server = spawn(process.execPath, [path.join("generator", "bin", "motif.mjs"), "serve", "--port", "0", "--host", "127.0.0.1", "--store", path.join(dir, "ipfs"), "--usage", path.join(dir, "usage.jsonl")], {
  env: {
    ...process.env,
    MOTIF_RPC_URL: "",
    MOTIF_API_KEYS: JSON.stringify([{ key: KEY, name: "load", tier: "bench", requestsPerMinute: 1e9, maxPixelsPerRequest: 1 << 20, maxConcurrentRenders: CONNECTIONS }]),
    // the uploads scenario renders with weights no registry knows
    MOTIF_ALLOW_WEIGHT_UPLOADS: "1",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
const url = await new Promise<string>((resolve, reject) => {
  let out = "";
  server.stdout.on("data", (d: Buffer) => {
    out += d.toString();
    const m = /listening on (http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]!);
  });
  server.on("exit", (code) => reject(new Error(`motif serve exited with ${code}`)));
});

const rssMB = () => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
};

async function scenario(name: string, pathname: string, body: unknown) {
  const before = rssMB();
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMB())), 100);
  const result = await autocannon({
    url: `${url}${pathname}`,
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": KEY },
    body: JSON.stringify(body),
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 30,
  });
  clearInterval(sampler);
  const errors = result.errors + result.timeouts + result.non2xx;
  report.record(`load.${name}.requestsPerSecond`, Math.round(result.requests.average), `${pathname}: mean throughput`);
  report.record(`load.${name}.p50ms`, result.latency.p50, `${pathname}: median latency`);
  report.record(`load.${name}.p99ms`, result.latency.p99, `${pathname}: 99th percentile latency`);
  report.record(`load.${name}.errors`, errors, `${pathname}: errors + timeouts + non-2xx of ${result.requests.total}`, 0);
  report.record(`load.${name}.rssPeakMB`, Math.round(peak), `server resident memory, peak (was ${Math.round(before)} MB before)`);
}

try {
  // first, on a fresh server: 300 renders, each with another weights file (4 at a time): memory bounded by the session cache
  const UPLOADS = 300;
  const models = Array.from({ length: UPLOADS }, (_, i) => Buffer.from(buildCppnModel({ ...BRANDS[0]!, weightSeed: 0xb3c400 + i })).toString("base64"));
  const before = rssMB();
  let peak = before;
  let failed = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < UPLOADS) {
        const weights = models[next++]!;
        const r = await fetch(`${url}/v1/render`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-api-key": KEY },
          body: JSON.stringify({ model: "indigo", seed: "42", params: { scale: 3, sharpness: 6 }, width: 64, height: 64, weights }),
        });
        await r.arrayBuffer();
        if (r.status !== 200) failed++;
        peak = Math.max(peak, rssMB());
      }
    }),
  );
  report.record("load.uploads300.errors", failed, `POST /v1/render with ${UPLOADS} distinct uploaded weights: non-200 answers`, 0);
  report.record("load.uploads300.rssGrowthMB", Math.round(peak - before), `server resident memory growth over ${UPLOADS} renders with distinct weights (was ${Math.round(before)} MB before; before the session cache: +362 MB here, +5.8 GiB with larger graphs)`, 128);
  await scenario("screen", "/v1/screen", { hash: "f".repeat(64) });
  await scenario("render64", "/v1/render", { model: "indigo", seed: "42", params: { scale: 3, sharpness: 6 }, width: 64, height: 64 });
  // bounded memory: a second, identical render run must not need more than the first one's peak + 10%
  const firstPeak = report.results["load.render64.rssPeakMB"]!;
  await scenario("render64.again", "/v1/render", { model: "indigo", seed: "43", params: { scale: 3, sharpness: 6 }, width: 64, height: 64 });
  const growth = report.results["load.render64.again.rssPeakMB"]! / firstPeak;
  report.record("load.render64.rssGrowthRatio", Math.round(growth * 1000) / 1000, "peak RSS of the second render run / the first (bounded: ≤ 1.1)", 1.1);
} finally {
  const exited = server.exitCode !== null || server.signalCode !== null ? Promise.resolve() : new Promise((resolve) => server.once("exit", resolve));
  server.kill("SIGINT");
  await exited;
  rmSync(dir, { recursive: true, force: true });
}
await report.write();
