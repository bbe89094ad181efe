import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Worker } from "node:worker_threads";

import { REPEAT_TYPES, encodeModelCard, pixelsPerMetre, pngPhysOf } from "@motif/sdk";
import { addModel, loadManifestSync, manifestRecord } from "../src/model/manifest.js";
import { RENDER_WORKER_DEPTH, WorkerPool, renderPool } from "../src/render/pool.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { runPipeline, runPipelines, runStages } from "../src/pipeline.js";
import { MODELS_DIR, type RenderInput, RenderInputError, closeRenderPools, render, renderThreads } from "../src/render/render.js";
import { decodeImage } from "../src/pdq/index.js";
import { fingerprint, fingerprintPixels, fingerprintStage } from "../src/stages/fingerprint.js";
import { renderStage } from "../src/stages/render.js";
import type { PipelineContext } from "../src/stages/stage.js";
import { cardOf, tinyImage } from "./onnx-graph.js";
import { motifTempDir, testPipeline } from "../../test/ts/helpers/pipeline.js";
import { descendants, freePort, leftRunning, npxMotif, portIsFree } from "../../test/ts/helpers/procs.js";

/**
 * Issue 19 §4: bands render in worker threads, each single-threaded, and the main thread writes them
 * to the PNG in order. The promise is the same bytes: the oracle is the one-thread render (every
 * band on the calling thread, as before render workers existed).
 */
describe("render threads: bands in worker threads, the same bytes (issue 19 §4)", function () {
  this.timeout(300_000);
  const dirs: string[] = [];
  const tempDir = () => (dirs.push(motifTempDir("threads")), dirs.at(-1)!);
  after(async () => {
    await closeRenderPools();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** Sizes that are not multiples of a band (65,536 px): 12 bands of 65 rows and a short one, 4 bands, 2 bands of one row each way, one band. */
  const SIZES: Array<[number, number]> = [[1000, 777], [300, 700], [8192, 16], [3, 5]];
  const params = { scale: 2, sharpness: 4 };

  /** The PNG of `input` on one thread, then in 2 and in 3 workers (fewer than the bands), compared byte for byte. */
  async function sameBytes(input: RenderInput, options: Parameters<typeof render>[1] = {}): Promise<void> {
    const one = await render(input, { ...options, threads: 1 });
    for (const threads of [2, 3]) {
      const many = await render(input, { ...options, threads });
      const where = `${input.model} ${input.width}×${input.height}, ${threads} threads`;
      expect(many.contentDigest, where).to.equal(one.contentDigest);
      expect(Buffer.from(many.png).equals(Buffer.from(one.png)), where).to.equal(true);
    }
  }

  for (const m of loadManifestSync(MODELS_DIR)) {
    it(`${m.name}: the same PNG bytes on one thread and in 2 and 3 workers, at ${SIZES.map(([w, h]) => `${w}×${h}`).join(", ")}`, async () => {
      for (const [width, height] of SIZES) await sameBytes({ model: m.name, seed: 0xfeedn, params, width, height });
    });
  }

  it("a fixed-size model (motif.image/1, upscaled band by band in the workers from one shared image), seamless or not: the same bytes", async () => {
    const weights = tinyImage(16);
    for (const seamless of [true, false]) {
      const dir = tempDir();
      await addModel(dir, cardOf(weights, { name: "tiny", io: "motif.image/1", behaviour: { seamless, resolution: { width: 16, height: 16 } } }), weights);
      for (const [width, height] of [[1000, 777], [8192, 16]] as const) await sameBytes({ model: "tiny", seed: 7n, params: { scale: 1 }, width, height }, { modelsDir: dir });
    }
  });

  /**
   * `render(…, { pixels: true })` keeps the pixels the PNG encodes, and the pipeline fingerprints
   * them instead of decoding the PNG: the oracle is the PNG decoded by sharp (the decode the
   * fingerprint did before), its bytes and its fingerprint.
   */
  async function samePixels(input: RenderInput, options: Parameters<typeof render>[1] = {}): Promise<void> {
    for (const threads of [1, 2, 3]) {
      const r = await render(input, { ...options, threads, pixels: true });
      const where = `${input.model} seed ${input.seed} ${input.width}×${input.height}, ${threads} threads`;
      const decoded = await decodeImage(r.png);
      expect(r.pixels, where).to.not.equal(undefined);
      expect({ width: r.pixels!.width, height: r.pixels!.height, channels: r.pixels!.channels }, where).to.deep.equal({ width: decoded.width, height: decoded.height, channels: decoded.channels });
      expect(Buffer.from(r.pixels!.data).equals(Buffer.from(decoded.data)), where).to.equal(true);
      expect(fingerprintPixels(r.pixels!), where).to.deep.equal(await fingerprint({ png: r.png }));
      expect((await render(input, { ...options, threads })).contentDigest, `${where}: the same PNG without pixels`).to.equal(r.contentDigest);
    }
  }

  it("pixels kept by the render are the PNG's, decoded: the same bytes and the same fingerprint (PDQ, tile hash), on one thread and in workers", async () => {
    const models = loadManifestSync(MODELS_DIR).map((m) => m.name);
    for (const [i, model] of models.entries()) {
      for (const seed of [BigInt(100 + i), BigInt(200 + i)]) await samePixels({ model, seed, params, width: 512, height: 512 });
      await samePixels({ model, seed: 9n, params: { scale: 3, sharpness: 9 }, width: 1000, height: 777 });
    }
    await samePixels({ model: models[0]!, seed: 3n, params, width: 3, height: 5 });
    expect((await render({ model: models[0]!, seed: 3n, params, width: 8, height: 8 })).pixels, "not asked for").to.equal(undefined);
    const weights = tinyImage(16);
    const dir = tempDir();
    await addModel(dir, cardOf(weights, { name: "tiny", io: "motif.image/1", behaviour: { seamless: true, resolution: { width: 16, height: 16 } } }), weights);
    await samePixels({ model: "tiny", seed: 7n, params: { scale: 1 }, width: 1000, height: 777 }, { modelsDir: dir });
  });

  it("print repeats in the workers (every repeat, its pHYs chunk): the same PNG bytes as one thread, and the pixels kept are the PNG's", async () => {
    // 4.34 cm at 300 DPI: 513 px a side, five bands, so the workers render them (two at a time) with the repeat's map
    for (const repeat of REPEAT_TYPES) {
      const input: RenderInput = { model: "weld", seed: 21n, params, width: 513, height: 513, print: { repeat, sizeCm: 4.34, dpi: 300 } };
      await sameBytes(input);
      await samePixels(input);
      const r = await render(input, { threads: 2, pixels: true });
      expect(pngPhysOf(r.png), repeat).to.deep.equal({ x: pixelsPerMetre(300), y: pixelsPerMetre(300), unit: 1 });
    }
  });

  it("the pipeline's render keeps the pixels, its fingerprint reads them and drops them (their buffer reused by the next render, every pixel rewritten): the same result as from the PNG", async () => {
    const env = { config: testPipeline(new EmbeddedIpfs(tempDir())), options: {} };
    const buffers: ArrayBufferLike[] = [];
    for (const seed of [41n, 42n, 43n]) {
      const ctx: PipelineContext = { request: { model: "weld", seed, params, width: 512, height: 512 } };
      await runStages([renderStage], ctx, env);
      expect(ctx.pixels?.data.length, `seed ${seed}`).to.equal(512 * 512 * 3);
      buffers.push(ctx.pixels!.data.buffer);
      await runStages([fingerprintStage], ctx, env);
      expect(ctx.pixels, `seed ${seed}: dropped once fingerprinted`).to.equal(undefined);
      expect(ctx.fingerprint, `seed ${seed}`).to.deep.equal(await fingerprint({ png: ctx.png! }));
    }
    expect(buffers[1], "the second render's pixels are in the first's buffer").to.equal(buffers[0]);
  });

  it("weights given as bytes (an auditor's fetch, an upload): the same bytes as the shipped file, on any number of threads", async () => {
    const bytes = readFileSync(path.join(MODELS_DIR, "madder.onnx"));
    const input = { model: "madder", seed: 42n, params, width: 1000, height: 777 };
    await sameBytes(input, { modelBytes: bytes });
    expect((await render(input, { modelBytes: bytes, threads: 2 })).contentDigest).to.equal((await render(input, { threads: 1 })).contentDigest);
  });

  it("weights that do not load in the workers: the render rejects naming the model, nothing is left pending, and the pool renders again", async () => {
    const dir = tempDir();
    const weights = new TextEncoder().encode("not an ONNX graph");
    const card = cardOf(weights, { name: "broken" });
    const record = manifestRecord(card, weights);
    writeFileSync(path.join(dir, record.file), weights);
    writeFileSync(path.join(dir, record.card), encodeModelCard(card));
    writeFileSync(path.join(dir, "models.json"), JSON.stringify([record]));
    const input = { model: "broken", seed: 1n, params: { scale: 1 }, width: 1000, height: 777 };
    for (const threads of [1, 2]) {
      const error = await render(input, { modelsDir: dir, threads }).then(
        () => expect.fail("rendered"),
        (e: Error) => e,
      );
      expect(error.message, `${threads} threads`).to.match(/^model broken: .*broken\.onnx does not load in onnxruntime: /);
    }
    // the failed render's other bands: those waiting were dropped, those running end with their band
    for (let i = 0; i < 100 && renderPool(2).pending > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(renderPool(2).pending).to.equal(0);
    await sameBytes({ model: "indigo", seed: 5n, params, width: 300, height: 700 });
  });

  it("a worker that throws or exits rejects its task naming the worker and what happened; the next task gets a new worker; close() rejects what waits", async () => {
    const code = `const { parentPort } = require("node:worker_threads");
parentPort.on("message", (m) => {
  if (m.do === "throw") throw new Error("boom");
  if (m.do === "exit") process.exit(3);
  if (m.do === "wait") return setTimeout(() => parentPort.postMessage({ id: m.id, ok: true, value: "waited" }), 200);
  if (m.do === "fail") return parentPort.postMessage({ id: m.id, ok: false, error: { name: "RangeError", message: "rows: out of range" } });
  parentPort.postMessage({ id: m.id, ok: true, value: m.do });
});`;
    const pool = new WorkerPool(2, () => new Worker(code, { eval: true }), "test worker");
    try {
      expect(await pool.run({ do: "echo" })).to.equal("echo");
      const thrown = await pool.run({ do: "throw" }).then(() => "answered", (e: Error) => e.message);
      expect(thrown).to.match(/^test worker \d+ failed: boom$/);
      const exited = await pool.run({ do: "exit" }).then(() => "answered", (e: Error) => e.message);
      expect(exited).to.match(/^test worker \d+ exited with code 3 before answering$/);
      const failed = await pool.run({ do: "fail" }).then(() => "answered", (e: Error) => e);
      expect(failed).to.be.instanceOf(Error).and.to.include({ name: "RangeError", message: "rows: out of range" });
      expect(await Promise.all([1, 2, 3, 4].map((i) => pool.run({ do: `task ${i}` })))).to.deep.equal(["task 1", "task 2", "task 3", "task 4"]);
      expect(pool.threads).to.be.at.most(2);
      // a task waiting for a worker is dropped when its signal aborts
      const abort = new AbortController();
      const busy = [pool.run({ do: "wait" }), pool.run({ do: "wait" })];
      const queued = pool.run({ do: "echo" }, [], abort.signal);
      abort.abort(new Error("not needed"));
      expect(await queued.then(() => "ran", (e: Error) => e.message)).to.equal("not needed");
      expect(await Promise.all(busy)).to.deep.equal(["waited", "waited"]);
      // close: the running and the waiting are rejected, the workers end
      const running = [pool.run({ do: "wait" }), pool.run({ do: "wait" }), pool.run({ do: "echo" })].map((p) => p.then(() => "ran", (e: Error) => e.message));
      await pool.close();
      expect(await Promise.all(running)).to.deep.equal(Array(3).fill("test worker pool: closed before the task finished"));
      expect(pool.threads).to.equal(0);
      expect(await pool.run({ do: "echo" }).then(() => "ran", (e: Error) => e.message)).to.equal("test worker pool: closed");
    } finally {
      await pool.close();
    }
  });

  it("depth: a worker is sent its next task while it runs one and starts it without this thread (blocked meanwhile); tasks sent are rejected with their worker, and close() lets them run first", async () => {
    // runs its tasks one after the other, as the render worker does; flags in shared memory say when each started, and hold one until released
    const code = `const { parentPort } = require("node:worker_threads");
let previous = Promise.resolve();
parentPort.on("message", (m) => {
  previous = previous.then(() => {
    Atomics.store(m.flags, m.started, 1);
    Atomics.notify(m.flags, m.started);
    if (m.hold !== undefined) Atomics.wait(m.flags, m.hold, 0, 10000);
    if (m.exit) process.exit(3);
    parentPort.postMessage({ id: m.id, ok: true, value: m.started });
  });
});`;
    const spawn = () => new Worker(code, { eval: true });
    /** A started worker (a worker's start needs this thread's event loop), then a (held) and b sent; a released, this thread blocked until b starts or `ms` pass: whether b started meanwhile. */
    const startsWhileBlocked = async (depth: number, ms: number) => {
      const pool = new WorkerPool(1, spawn, "test worker", depth);
      const flags = new Int32Array(new SharedArrayBuffer(12)); // a started, a released, b started
      try {
        await pool.run({ flags: new Int32Array(new SharedArrayBuffer(4)), started: 0 });
        const tasks = [pool.run({ flags, started: 0, hold: 1 }), pool.run({ flags, started: 2 })];
        expect(pool.pending).to.equal(2);
        Atomics.wait(flags, 0, 0, 10_000);
        Atomics.store(flags, 1, 1);
        Atomics.notify(flags, 1);
        const started = Atomics.wait(flags, 2, 0, ms) !== "timed-out";
        expect(await Promise.all(tasks)).to.deep.equal([0, 2]);
        return started;
      } finally {
        await pool.close();
      }
    };
    expect(await startsWhileBlocked(1, 500), "depth 1: b waits for this thread").to.equal(false);
    expect(await startsWhileBlocked(2, 10_000), "depth 2: b was sent with a").to.equal(true);

    const pool = new WorkerPool(1, spawn, "test worker", 2);
    try {
      const flags = new Int32Array(new SharedArrayBuffer(12));
      const lost = [pool.run({ flags, started: 0, exit: true }), pool.run({ flags, started: 2 })].map((p) => p.then(() => "ran", (e: Error) => e.message));
      expect(await Promise.all(lost)).to.deep.equal(Array(2).fill("test worker 1 exited with code 3 before answering"));
      await pool.run({ flags: new Int32Array(new SharedArrayBuffer(4)), started: 0 });
      // close() while a task is held and another waits in the worker: both run before it is terminated (a native run is never torn down)
      flags.fill(0);
      const sent = [pool.run({ flags, started: 0, hold: 1 }), pool.run({ flags, started: 2 })].map((p) => p.then(() => "ran", (e: Error) => e.message));
      Atomics.wait(flags, 0, 0, 10_000);
      const closed = pool.close();
      Atomics.store(flags, 1, 1);
      Atomics.notify(flags, 1);
      await closed;
      expect(Atomics.load(flags, 2), "the task sent after the held one ran").to.equal(1);
      expect(await Promise.all(sent)).to.deep.equal(Array(2).fill("test worker pool: closed before the task finished"));
    } finally {
      await pool.close();
    }
    expect(() => new WorkerPool(1, spawn, "test worker", 0)).to.throw(RangeError, "test worker pool depth: 0 is not an integer in 1..16");
    expect(renderPool(2).depth).to.equal(RENDER_WORKER_DEPTH);
    expect(RENDER_WORKER_DEPTH, "bands a render worker is sent at once").to.equal(4);
  });

  it("MOTIF_RENDER_THREADS: 1..64, default one a core up to 8; out of range a RangeError naming the variable and the range", async () => {
    expect(renderThreads({ MOTIF_RENDER_THREADS: "3" })).to.equal(3);
    expect(renderThreads({})).to.equal(Math.min(os.availableParallelism(), 8));
    for (const bad of ["0", "65", "2.5", "two", "-1"]) expect(() => renderThreads({ MOTIF_RENDER_THREADS: bad }), bad).to.throw(RangeError, `MOTIF_RENDER_THREADS: "${bad}" is not an integer in 1..64`);
    const error = await render({ model: "indigo", seed: 1n, params, width: 8, height: 8 }, { threads: 0 }).then(() => undefined, (e: Error) => e);
    expect(error).to.be.instanceOf(RangeError).and.to.have.property("message", "threads: 0 is not an integer in 1..64");
  });

  it("runPipelines: the results of runPipeline one by one, in order — a repeat of an earlier pattern refused, a bad request thrown after the patterns before it, nothing after it pinned", async () => {
    const a = { model: "indigo", seed: 31n, params, width: 300, height: 700 };
    const b = { model: "weld", seed: 32n, params, width: 1000, height: 777 };
    const c = { model: "madder", seed: 33n, params, width: 512, height: 512 };
    const summary = (r: Awaited<ReturnType<typeof runPipeline>>) => ({ status: r.status, digest: r.rendered.contentDigest, pdq: r.fingerprint.pdqHash, cleared: r.screen.cleared, metadata: r.status === "pinned" ? r.pinned.metadataCid.toString() : undefined });
    const oneByOne = testPipeline(new EmbeddedIpfs(tempDir()));
    const expected = [];
    for (const r of [a, b, a, c]) expected.push(summary(await runPipeline(oneByOne, r)));
    expect(expected.map((r) => r.status)).to.deep.equal(["pinned", "pinned", "refused", "pinned"]);
    const ahead = testPipeline(new EmbeddedIpfs(tempDir()));
    expect((await runPipelines(ahead, [a, b, a, c], {}, 3)).map(summary)).to.deep.equal(expected);

    const config = testPipeline(new EmbeddedIpfs(tempDir()));
    const error = await runPipelines(config, [a, { ...b, model: "no-such-model" }, c], {}, 3).then(() => undefined, (e: Error) => e);
    expect(error).to.be.instanceOf(RenderInputError).and.to.have.property("field", "model");
    // a was pinned and remembered; c rendered ahead but never screened or pinned
    expect((await runPipeline(config, a)).status).to.equal("refused");
    expect((await runPipeline(config, c)).status).to.equal("pinned");
  });

  describe("processes: workers never outlive the work", () => {
    it("motif render in workers exits by itself when done (idle workers keep nothing alive), the same file as on one thread", async () => {
      const dir = tempDir();
      const run = (threads: string, out: string) =>
        new Promise<{ code: number | null; output: string }>((resolve) => {
          const child = spawn("npx", ["motif", "render", "--model", "weld", "--seed", "9", "--width", "1000", "--height", "777", "--out", out], { env: { ...process.env, MOTIF_RENDER_THREADS: threads }, stdio: ["ignore", "pipe", "pipe"] });
          let output = "";
          child.stdout.on("data", (d: Buffer) => (output += d.toString()));
          child.stderr.on("data", (d: Buffer) => (output += d.toString()));
          child.on("exit", (code) => resolve({ code, output }));
        });
      const [two, one] = [path.join(dir, "two.png"), path.join(dir, "one.png")];
      const a = await run("2", two);
      expect(a.code, a.output).to.equal(0);
      expect(a.output, "no warning (e.g. an abort listener a band)").to.not.match(/Warning/);
      const b = await run("1", one);
      expect(b.code, b.output).to.equal(0);
      expect(readFileSync(two).equals(readFileSync(one))).to.equal(true);
    });

    it("motif render stopped by SIGTERM or SIGINT mid-render: exit 0, nothing written, no process or thread left", async () => {
      for (const signal of ["SIGTERM", "SIGINT"] as const) {
        const out = path.join(tempDir(), "big.png");
        const r = await npxMotif(["render", "--model", "indigo", "--seed", "3", "--size", "8192", "--out", out, "--progress"], { MOTIF_RENDER_THREADS: "2" }, /band 2\/1024/);
        const tree = descendants(r.child.pid!);
        r.child.kill(signal);
        expect(await r.exited, `${signal}: ${r.output()}`).to.equal(0);
        expect(r.output()).to.match(new RegExp(`motif render: stopped by ${signal} after \\d+ of 1024 bands; nothing written`));
        expect(existsSync(out), "no file written").to.equal(false);
        expect(await leftRunning(tree), `left running after ${signal}`).to.deep.equal([]);
      }
    });

    it("motif serve after rendering in workers: SIGTERM stops it, exit 0, the port free", async () => {
      const dir = tempDir();
      const KEY = "k-threads";
      const keys = JSON.stringify([{ key: KEY, name: "threads", tier: "studio", requestsPerMinute: 1000, maxPixelsPerRequest: 4096 * 4096 }]);
      const port = await freePort();
      const s = await npxMotif(["serve", "--port", String(port), "--store", path.join(dir, "ipfs"), "--usage", path.join(dir, "usage.jsonl")], { MOTIF_RPC_URL: "", MOTIF_API_KEYS: keys, MOTIF_RENDER_THREADS: "2" }, /listening on/);
      const tree = descendants(s.child.pid!);
      const res = await fetch(`http://127.0.0.1:${port}/v1/render`, {
        method: "POST",
        headers: { "x-api-key": KEY, "content-type": "application/json" },
        body: JSON.stringify({ model: "weld", seed: "11", params, width: 1000, height: 777 }),
      });
      expect(res.status, await res.clone().text()).to.equal(200);
      const oracle = await render({ model: "weld", seed: 11n, params, width: 1000, height: 777 }, { threads: 1 });
      expect(res.headers.get("x-content-digest")).to.equal(oracle.contentDigest);
      s.child.kill("SIGTERM");
      expect(await s.exited, s.output()).to.equal(0);
      expect(await leftRunning(tree)).to.deep.equal([]);
      expect(await portIsFree(port)).to.equal(true);
    });
  });
});
