/**
 * Generator benchmarks (part of `npm run bench`): PDQ hashing and near-duplicate screening.
 * Wall-clock medians on this machine; merged into `bench/results.json`.
 */
import sharp from "sharp";

import { decodeImage, lumaOf, pdqFromLuma, pdqHashImage, resizeForPdq, type RawImage } from "../generator/src/pdq/index.js";
import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";

import { BRANDS } from "../generator/src/model/brands.js";
import { CPPN, cppnWeights } from "../generator/src/model/cppn.js";
import { closeRenderPools, latentOf, render, renderThreads } from "../generator/src/render/render.js";
import { tiffOfPng } from "../generator/src/render/tiff.js";
import { printPixels } from "@motif/sdk";
import { PdqIndex } from "../generator/src/screen/pdq-index.js";
import { BenchReport } from "./lib/report.js";

const report = new BenchReport("Motif generator benchmarks (wall clock, medians)");
/** `MOTIF_BENCH_ONLY=pdq,screen` runs only those sections (default: all; `pipeline`: the 512² pipeline alone; `print`: the 64 cm print tile and its TIFF alone). */
const only = process.env.MOTIF_BENCH_ONLY?.split(",").map((s) => s.trim());
const want = (section: "pdq" | "screen" | "render" | "print" | "pipeline") => only === undefined || only.includes(section);

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(runs: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(runs, 30); i++) await fn(); // warm up: a large function reaches the JIT's optimising tier after tens of calls
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return Math.round(median(samples) * 1000) / 1000;
}

/** A smooth, textured test image (not flat, so the hash has work to do). */
function testImage(size: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      data[o] = (128 + 127 * Math.sin(x / 17) * Math.cos(y / 23)) | 0;
      data[o + 1] = (x * 255) / size;
      data[o + 2] = (y * 255) / size;
    }
  }
  return { data, width: size, height: size, channels: 3 };
}

// PDQ (Meta's C++ reference: 4.7 ms for 512² on this machine; goal ≤ 1.5× that, bit-exact)
for (const size of want("pdq") ? [512, 1024] : []) {
  const image = testImage(size);
  const png = await sharp(Buffer.from(image.data), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
  await decodeImage(png); // warm up the decoder
  const hashOnly = await time(20, () => {
    const r = resizeForPdq(image);
    return pdqFromLuma(lumaOf(r), r.height, r.width);
  });
  report.record(`pdq.ms.${size}`, hashOnly, `PDQ of a ${size}² RGB image, reference policy, decode excluded`, size === 512 ? 7 : undefined);
  report.record(`pdq.ms.${size}.withDecode`, await time(20, () => pdqHashImage(png)), `the same from PNG bytes, decode included`);
  if (size > 512) {
    report.record(
      `pdq.ms.${size}.fullres`,
      await time(10, () => pdqFromLuma(lumaOf(image), size, size)),
      `PDQ of every pixel of a ${size}² image, decode excluded`,
    );
  }
}

// Screening (10 M entries, streaming load: bench/screen-10m.ts, its own process)
let seed = 12345;
const nextWord = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>>= 0);
};
const randomHash = () => Array.from({ length: 8 }, () => nextWord().toString(16).padStart(8, "0")).join("");
/** `h` with `bits` random bits flipped (a planted near neighbour). */
const flip = (h: string, bits: number) => {
  const digits = h.split("").map((c) => parseInt(c, 16));
  for (let k = 0; k < bits; k++) {
    const b = nextWord() % 256;
    digits[b >> 2]! ^= 8 >> (b & 3);
  }
  return digits.map((d) => d.toString(16)).join("");
};
for (const n of want("screen") ? [10_000, 100_000, 1_000_000] : []) {
  const entries = Array.from({ length: n }, (_, i) => ({ hash: randomHash(), label: String(i) }));
  const t = performance.now();
  const index = PdqIndex.build(entries);
  const build = performance.now() - t;
  const queries = Array.from({ length: 1000 }, randomHash);
  const planted = Array.from({ length: 1000 }, (_, i) => flip(entries[(i * 7919) % n]!.hash, i % 32));
  let q = 0;
  const perQuery = await time(1000, () => index.query(queries[q++ % queries.length]!));
  const perPlanted = await time(1000, () => index.query(planted[q++ % planted.length]!));
  const perQuery40 = await time(300, () => index.query(queries[q++ % queries.length]!, 40));
  const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
  report.record(`screen.ms.query.${label}`, perQuery, `exact query at distance 31 over ${label} random hashes`, n === 1_000_000 ? 0.5 : undefined);
  report.record(`screen.ms.query.${label}.planted`, perPlanted, `the same, each query 0..31 bits from an indexed hash`);
  report.record(`screen.ms.query.${label}.r40`, perQuery40, `exact query at distance 40 (the tile fingerprint's provisional threshold)`);
  report.record(`screen.ms.build.${label}`, Math.round(build), `index build over ${label} hashes (from entry objects)`, n === 1_000_000 ? 5000 : undefined);
}

// Rendering: onnxruntime-node (each thread single-threaded, as rendering is configured for
// determinism; bands in MOTIF_RENDER_THREADS worker threads) against the same MLP as a plain
// TypeScript loop, and the achieved FLOP/s against a measured MatMul peak.
const threads = renderThreads();
/** Wall and process CPU seconds of `fn` (CPU: every thread of the process, the render workers included). */
async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; cpuSeconds: number }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { value, seconds: (performance.now() - t) / 1000, cpuSeconds: (used.user + used.system) / 1e6 };
}
const { frequencies: M, hidden: H } = CPPN;
const P = BRANDS[0]!.palette.length;
const flopsPerPixel =
  2 * 2 * M + 2 * M + // uv·B, scaling
  2 * (2 * M) * H + 3 * H + // layer 1 (+ latent bias, sin)
  2 * (2 * H * H) + 6 * H + // layers 2 and 3 (+ activations)
  2 * H * P + 4 * P + 2 * P * 3; // palette head
const params = { scale: 2, sharpness: 4 };
if (want("render")) {
  report.record("render.threads", threads, "render threads used below (MOTIF_RENDER_THREADS, default one a core up to 8)");
  await render({ model: "indigo", seed: 1n, params, width: 512, height: 512 }); // start the render workers
}
for (const size of want("render") ? [1024, 4096] : []) {
  const { seconds } = await timed(() => render({ model: "indigo", seed: 1n, params, width: size, height: size }));
  report.record(`render.s.${size}`, Math.round(seconds * 1000) / 1000, `render ${size}² (PNG included), onnxruntime-node, ${threads} render threads`);
  if (size === 1024) {
    const one = await timed(() => render({ model: "indigo", seed: 1n, params, width: size, height: size }, { threads: 1 }));
    report.record("render.s.1024.oneThread", Math.round(one.seconds * 1000) / 1000, "the same on one thread");
    report.record("render.gflops.1024", Math.round(((flopsPerPixel * size * size) / one.seconds / 1e9) * 100) / 100, "achieved GFLOP/s rendering 1024² on one thread (PNG time included)");
    const tsSeconds = plainTypeScriptSeconds(size);
    report.record("render.plainTs.s.1024", Math.round(tsSeconds * 1000) / 1000, "the same MLP as a plain TypeScript loop, 1024² (no PNG)");
    report.record("render.speedup.vsPlainTs.1024", Math.round((tsSeconds / one.seconds) * 100) / 100, "plain TypeScript time / onnxruntime time, one thread each");
  }
}
// End to end at 512²: render → PDQ → screen → pin (embedded store), no minting.
if (want("pipeline") || want("render")) {
  const { mkdtemp, rm } = await import("node:fs/promises");
  const os = await import("node:os");
  const pathMod = await import("node:path");
  const { EmbeddedIpfs } = await import("../generator/src/ipfs/embedded.js");
  const { runPipeline, runPipelines } = await import("../generator/src/pipeline.js");
  const { pipelineConfig } = await import("../generator/src/config.js");
  const storeDir = await mkdtemp(pathMod.join(os.tmpdir(), "motif-bench-"));
  const config = pipelineConfig({
    store: new EmbeddedIpfs(storeDir),
    modelIds: { indigo: 1, madder: 2, weld: 3 },
    creator: "0x0000000000000000000000000000000000000001",
    royaltyBps: 0,
    generator: { name: "motif-generator", version: "bench" },
  });
  try {
    const count = 20;
    const requests = (from: number) => Array.from({ length: count }, (_, i) => ({ model: ["indigo", "madder", "weld"][i % 3]!, seed: BigInt(from + i), params, width: 512, height: 512 }));
    await runPipelines(config, requests(500)); // warm up: the workers' sessions, the JIT
    // as the batch runs them: the next patterns render and fingerprint while this one is screened and pinned
    const ahead = await timed(() => runPipelines(config, requests(1000)));
    report.record("pipeline.patternsPerSecond.512", Math.round((count / ahead.seconds) * 100) / 100, `render → PDQ → screen → pin (embedded) at 512², one process, ${threads} render threads, patterns overlapped (runPipelines)`, { atLeast: 20 });
    report.record("pipeline.cpuMsPerPattern.512", Math.round((ahead.cpuSeconds * 1000) / count), "process CPU per pattern of that run (every thread): on 2 cores, 20 patterns/s needs at most 100 ms");
    const oneByOne = await timed(async () => {
      for (const r of requests(2000)) await runPipeline(config, r);
    });
    report.record("pipeline.patternsPerSecond.512.oneByOne", Math.round((count / oneByOne.seconds) * 100) / 100, "the same, runPipeline one pattern after the other (each render still in the workers)");
    process.env.MOTIF_RENDER_THREADS = "1";
    const oneThread = await timed(async () => {
      for (const r of requests(3000)) await runPipeline(config, r);
    });
    delete process.env.MOTIF_RENDER_THREADS;
    report.record("pipeline.patternsPerSecond.512.oneThread", Math.round((count / oneThread.seconds) * 100) / 100, "one pattern after the other, every band on the main thread (as before render threads)");
  } finally {
    await rm(storeDir, { recursive: true, force: true });
  }
}

// Print size: 8192² in bands; the float buffers stay two bands a thread (65,536 pixels each)
// whatever the size, and the PNG compressor's backlog is waited out.
async function printSize(threads: number): Promise<{ seconds: number; cpuSeconds: number; growthMB: number; pngMB: number; digest: string }> {
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const r = await timed(() => render({ model: "weld", seed: 3n, params, width: 8192, height: 8192 }, { threads }));
  clearInterval(sampler);
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, growthMB: Math.round((peakRss - rssBefore) / 1e6), pngMB: Math.round(r.value.png.length / 1e6), digest: r.value.contentDigest };
}
if (want("render")) {
  const big = await printSize(threads);
  report.record("render.s.8192", Math.round(big.seconds * 100) / 100, `render 8192² (PNG included), onnxruntime-node, ${threads} render threads`, 10);
  report.record("render.cpuS.8192", Math.round(big.cpuSeconds * 100) / 100, "process CPU seconds of that render (every thread)");
  report.record("render.peakRssGrowthMB.8192", big.growthMB, `process memory growth rendering 8192² in ${threads} threads (the PNG itself is ${big.pngMB} MB)`);
  const one = await printSize(1);
  report.record("render.s.8192.oneThread", Math.round(one.seconds * 100) / 100, "the same on one thread (every band on the calling thread)");
  report.record("render.cpuS.8192.oneThread", Math.round(one.cpuSeconds * 100) / 100, "process CPU seconds of that render");
  report.record("render.peakRssGrowthMB.8192.oneThread", one.growthMB, "process memory growth of that render");
  if (one.digest !== big.digest) throw new Error(`render 8192²: ${threads} threads gave ${big.digest}, one thread ${one.digest}: not the same bytes`);
  await closeRenderPools();
}

// A mill's tile: 64 cm at 300 DPI (7,559² px), half-drop (the network's inputs sheared onto the
// repeat's quotient), its pHYs chunk, on the render threads; and the TIFF export of it, streamed.
if (want("render") || want("print")) {
  const print = { repeat: "half-drop" as const, sizeCm: 64, dpi: 300 };
  const side = printPixels(print.sizeCm, print.dpi);
  // warm up: the render workers and their sessions start here, not in the timing
  await render({ model: "weld", seed: 63n, params, width: 513, height: 513, print: { ...print, sizeCm: 4.34 } }, { threads }); // 4.34 cm at 300 DPI: 513 px
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const r = await timed(() => render({ model: "weld", seed: 64n, params, width: side, height: side, print }, { threads }));
  clearInterval(sampler);
  report.record("render.s.print64cm300dpi", Math.round(r.seconds * 100) / 100, `render a 64 cm, 300 DPI half-drop tile (${side}² px, PNG with pHYs included), ${threads} render threads; goal: a mill's tile in half a minute on 2 cores`, 30);
  report.record("render.cpuS.print64cm300dpi", Math.round(r.cpuSeconds * 100) / 100, "process CPU seconds of that render (every thread)");
  report.record("render.peakRssGrowthMB.print64cm300dpi", Math.round((peakRss - rssBefore) / 1e6), `process memory growth of that render (the PNG itself is ${Math.round(r.value.png.length / 1e6)} MB)`);
  const t = await timed(async () => {
    let bytes = 0;
    for await (const chunk of tiffOfPng(r.value.png, print.dpi)) bytes += (chunk as Buffer).length;
    return bytes;
  });
  report.record("render.s.tiff.print64cm300dpi", Math.round(t.seconds * 100) / 100, `its baseline TIFF export (${Math.round(t.value / 1e6)} MB, uncompressed, streamed strip by strip from the PNG)`);
  await closeRenderPools();
}

if (want("render")) {
  const peak = await matmulPeakGflops();
  report.record("matmul.gflops.peak", Math.round(peak * 100) / 100, "onnxruntime MatMul 512x512x512, 1 thread, best of 10");
  report.record(
    "render.fractionOfPeak.1024",
    Math.round((report.results["render.gflops.1024"]! / peak) * 1000) / 1000,
    "render.gflops.1024 / matmul.gflops.peak",
  );
}

await report.write();

/** The CPPN forward pass in plain TypeScript (float64), over every pixel of a size² tile. */
function plainTypeScriptSeconds(size: number): number {
  const w = cppnWeights(BRANDS[0]!);
  const z = latentOf(1n);
  const zc = new Float64Array(H);
  for (let j = 0; j < H; j++) for (let k = 0; k < z.length; k++) zc[j]! += z[k]! * w.Wz[k * H + j]!;
  const feat = new Float64Array(2 * M);
  const h1 = new Float64Array(H);
  const h2 = new Float64Array(H);
  const h3 = new Float64Array(H);
  const logits = new Float64Array(P);
  let checksum = 0;
  const t = performance.now();
  for (let y = 0; y < size; y++) {
    const v = (y + 0.5) / size;
    for (let x = 0; x < size; x++) {
      const u = (x + 0.5) / size;
      for (let m = 0; m < M; m++) {
        const a = (u * w.B[m]! + v * w.B[M + m]!) * params.scale * 2 * Math.PI;
        feat[m] = Math.sin(a);
        feat[M + m] = Math.cos(a);
      }
      for (let j = 0; j < H; j++) {
        let s = zc[j]! + w.b1[j]!;
        for (let k = 0; k < 2 * M; k++) s += feat[k]! * w.W1[k * H + j]!;
        h1[j] = Math.sin(s);
      }
      for (let j = 0; j < H; j++) {
        let s = w.b2[j]!;
        for (let k = 0; k < H; k++) s += h1[k]! * w.W2[k * H + j]!;
        h2[j] = Math.tanh(s);
      }
      for (let j = 0; j < H; j++) {
        let s = w.b3[j]!;
        for (let k = 0; k < H; k++) s += h2[k]! * w.W3[k * H + j]!;
        h3[j] = Math.exp(-s * s);
      }
      let max = -Infinity;
      for (let p = 0; p < P; p++) {
        let s = w.bp[p]!;
        for (let k = 0; k < H; k++) s += h3[k]! * w.Wp[k * P + p]!;
        logits[p] = s * params.sharpness;
        if (logits[p]! > max) max = logits[p]!;
      }
      let total = 0;
      for (let p = 0; p < P; p++) total += logits[p] = Math.exp(logits[p]! - max);
      let r = 0;
      for (let p = 0; p < P; p++) r += (logits[p]! / total) * w.palette[p * 3]!;
      checksum += r;
    }
  }
  const seconds = (performance.now() - t) / 1000;
  if (!Number.isFinite(checksum)) throw new Error("plain TypeScript render diverged");
  return seconds;
}

/** Best MatMul throughput of onnxruntime-node on this machine, one thread. */
async function matmulPeakGflops(): Promise<number> {
  const { onnx } = onnxProto;
  const n = 512;
  const value = (name: string) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: onnx.TensorShapeProto.create({ dim: [n, n].map((d) => onnx.TensorShapeProto.Dimension.create({ dimValue: d })) }),
        }),
      }),
    });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: 17 })],
    graph: onnx.GraphProto.create({
      name: "matmul-peak",
      node: [onnx.NodeProto.create({ opType: "MatMul", input: ["A", "B"], output: ["C"] })],
      input: [value("A"), value("B")],
      output: [value("C")],
    }),
  });
  const session = await ort.InferenceSession.create(onnx.ModelProto.encode(model).finish(), {
    intraOpNumThreads: 1,
    interOpNumThreads: 1,
  });
  const a = new ort.Tensor("float32", Float32Array.from({ length: n * n }, (_, i) => (i % 7) / 7), [n, n]);
  const b = new ort.Tensor("float32", Float32Array.from({ length: n * n }, (_, i) => (i % 5) / 5), [n, n]);
  let best = Infinity;
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    await session.run({ A: a, B: b });
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  return (2 * n * n * n) / best / 1e9;
}
