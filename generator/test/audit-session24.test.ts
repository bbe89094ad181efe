import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";
import sharp from "sharp";
import { hexToBytes } from "viem";

import { network } from "hardhat";
import { type Hex, getAddress, keccak256, toHex, zeroAddress } from "viem";

import { type ModelCard, type Offer, type RetrainRequest, LicenseFlags, encodeModelCard, licenseTerms, modelCardDigest, modelRegistration, motifActions, parseModelCard, regionMask, tokenIdHex, trainingConfigDigest, verifyCertificate } from "@motif/sdk";
import { certifyDataset } from "../src/certify.js";
import { exportDataset } from "../src/dataset/export.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { runPipeline } from "../src/pipeline.js";
import { deployMotif } from "../../scripts/lib/deploy.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { ModelCheckError, checkModel } from "../src/model/check.js";
import { runCppn } from "../src/model/io.js";
import { addModel, loadManifestSync } from "../src/model/manifest.js";
import { latentOf } from "../src/render/latent.js";
import { MODELS_DIR, RENDER_LIMITS, render } from "../src/render/render.js";
import { bicubicUpscaler } from "../src/render/upscale.js";
import { type GraphNode, cardOf as testCard, graph, sha } from "./onnx-graph.js";
import { motifTempDir } from "../../test/ts/helpers/pipeline.js";
import { trainingChain } from "./training-chain.js";

// Session 24 audit of the models change (0e9820d): checkModel against the card, the models folder,
// motif-bicubic/1 and the render of motif.image/1. Every oracle here is the documented rule
// (docs/model-io.md, the JSDoc of checkModel / loadManifestSync), computed independently.

const { onnx } = onnxProto;
const NOT_SEAMLESS = { seamless: false, resolution: "independent" as const };

/** The test card of `weights` (onnx-graph.ts), as an audit model: seamless unless `over` says otherwise. */
const cardOf = (weights: Uint8Array, over: Record<string, unknown> = {}): ModelCard =>
  testCard(weights, { name: "audit-model", description: "an audit graph", behaviour: { seamless: true, resolution: "independent" }, ...over } as Partial<ModelCard>);

/** `z` and `scale` enter as exact zeros (`k0`), so the graph takes exactly the contract's inputs. */
const ZERO_TERMS: GraphNode[] = [["ReduceSum", ["z"], "zs", { keepdims: 0 }], ["Mul", ["zs", "zero"], "z0"], ["Mul", ["scale", "zero"], "s0"], ["Add", ["z0", "s0"], "k0"]];

/** Whether checkModel accepts `weights` under `card` (the failed check's reason otherwise). */
async function verdict(card: unknown, weights: Uint8Array): Promise<{ passed: boolean; reason: string }> {
  try {
    await checkModel(card, weights);
    return { passed: true, reason: "" };
  } catch (error) {
    if (error instanceof ModelCheckError) return { passed: false, reason: error.message };
    throw error;
  }
}

const pixels = async (png: Uint8Array) => new Uint8Array(await sharp(png).raw().toBuffer());
const column = (px: Uint8Array, width: number, height: number, x: number) => Array.from({ length: height }, (_, y) => px[(y * width + x) * 3]!);
const row = (px: Uint8Array, width: number, y: number) => Array.from(px.subarray(y * width * 3, (y + 1) * width * 3));
const maxDiff = (a: number[], b: number[]) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The documented motif-bicubic/1 (docs/model-io.md), one output pixel at a time: the 4×4 sum in float64, then round(c·255) clamped. */
function bicubicByTheDocs(src: Float32Array, w: number, h: number, W: number, H: number, wrap: boolean): Uint8Array {
  const keys = (d: number) => {
    const x = Math.abs(d);
    return x <= 1 ? 1.5 * x ** 3 - 2.5 * x ** 2 + 1 : x < 2 ? -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2 : 0;
  };
  const idx = (i: number, n: number) => (wrap ? ((i % n) + n) % n : Math.min(n - 1, Math.max(0, i)));
  const out = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    const sy = ((y + 0.5) * h) / H - 0.5;
    for (let x = 0; x < W; x++) {
      const sx = ((x + 0.5) * w) / W - 0.5;
      for (let c = 0; c < 3; c++) {
        let v = 0;
        for (let j = Math.floor(sy) - 1; j <= Math.floor(sy) + 2; j++) for (let i = Math.floor(sx) - 1; i <= Math.floor(sx) + 2; i++) v += keys(sx - i) * keys(sy - j) * src[c * w * h + idx(j, h) * w + idx(i, w)]!;
        // docs/model-io.md: the value times 255 snapped to the nearest multiple of 2^-20, rounded half up, clamped
        const snapped = Math.round(v * 255 * 2 ** 20) / 2 ** 20;
        out[(y * W + x) * 3 + c] = snapped <= 0 ? 0 : snapped >= 255 ? 255 : Math.round(snapped);
      }
    }
  }
  return out;
}

describe("audit session 24: models (checkModel, the models folder, motif-bicubic/1)", function () {
  this.timeout(180_000);

  // ---------------------------------------------------------------------------------------------
  // checkModel: a model that passes while its card lies
  // ---------------------------------------------------------------------------------------------

  it("FINDING seamless (motif.cppn/1): a sawtooth frac(u) passes as seamless — the check compares only u = 0 with u = 1, where a discontinuous periodic function agrees — yet every tile edge of its render is a hard seam", async () => {
    // rgb = u − floor(u): periodic with period 1, equal at u = 0 and u = 1, and a jump of 1 at the tile edge
    const saw = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "Wu"], "u3"], ["Floor", ["u3"], "fl"], ["Sub", ["u3", "fl"], "fr"], ["Add", ["fr", "k0"], "rgb"]],
      inits: { zero: [[], [0]], Wu: [[2, 3], [1, 1, 1, 0, 0, 0]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const card = cardOf(saw, { name: "sawtooth" });
    // fixed: no models folder takes it (addModel runs the check) ...
    expect(await addModel(motifTempDir("a24-saw"), card, saw).then(() => "added", (e: Error) => e.message)).to.contain("model check (seamless)");
    // ... and rendered from its bytes anyway, the seam is there
    const size = 64;
    const px = await pixels((await render({ model: "sawtooth", seed: 1n, params: { scale: 1 }, width: size, height: size }, { modelBytes: saw, card })).png);
    // a tile repeats without a seam: the step from its last column to its first (the wrap) is like the steps inside it
    const wrapStep = maxDiff(column(px, size, size, size - 1), column(px, size, size, 0));
    const interiorStep = Math.max(...Array.from({ length: size - 1 }, (_, x) => maxDiff(column(px, size, size, x + 1), column(px, size, size, x))));
    expect(wrapStep, "the rendered tile has a seam (wrap step vs the largest interior step)").to.be.greaterThan(20 * interiorStep);
    const v = await verdict(card, saw);
    expect(v.passed, "checkModel must refuse a card claiming seamless for a tile with a seam").to.equal(false);
  });

  it("FINDING batch-dependent output: a network whose colours depend on the other positions in its batch (mean v) passes as a seamless coordinate network — the check runs one batch — and its render in bands has a seam between its top and bottom rows and a step between bands", async () => {
    // rgb = 0.5 + 0.3·sin(2πu) + 0.4·(mean of v over the batch − 0.5): no dependence on its own v at all
    const batchy = graph({
      nodes: [
        ...ZERO_TERMS,
        ["MatMul", ["uv", "Wu"], "u3"], ["Mul", ["u3", "twopi"], "a"], ["Sin", ["a"], "s"], ["Mul", ["s", "amp"], "sa"],
        ["MatMul", ["uv", "Wv"], "v1"], ["ReduceMean", ["v1"], "mv", { axes: [0, 1], keepdims: 0 }], ["Sub", ["mv", "half"], "dv"], ["Mul", ["dv", "k"], "dvk"],
        ["Add", ["sa", "dvk"], "t1"], ["Add", ["t1", "half"], "t2"], ["Add", ["t2", "k0"], "rgb"],
      ],
      inits: { zero: [[], [0]], half: [[], [0.5]], amp: [[], [0.3]], k: [[], [0.4]], twopi: [[], [2 * Math.PI]], Wu: [[2, 3], [1, 1, 1, 0, 0, 0]], Wv: [[2, 1], [0, 1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const card = cardOf(batchy, { name: "batchy" });
    // fixed: no models folder takes it (addModel runs the check) ...
    expect(await addModel(motifTempDir("a24-batch"), card, batchy).then(() => "added", (e: Error) => e.message)).to.contain("model check (determinism)");
    // ... and rendered from its bytes anyway, its bands do not join
    const [width, height] = [64, 2048]; // two bands of RENDER_LIMITS.bandPixels
    expect(Math.floor(RENDER_LIMITS.bandPixels / width)).to.be.below(height);
    const px = await pixels((await render({ model: "batchy", seed: 1n, params: { scale: 1 }, width, height }, { modelBytes: batchy, card })).png);
    // the oracle: a coordinate network's colour is a function of its own position (docs/model-io.md), so
    // evaluating one position alone gives the colour the batch gave it
    const session = await ort.InferenceSession.create(batchy);
    const z = latentOf(1n, 4);
    const alone = await runCppn(session, z, { scale: 1 }, Float32Array.of(0.5 / width, 0.5 / height), 1);
    const inBatch = await runCppn(session, z, { scale: 1 }, Float32Array.of(0.5 / width, 0.5 / height, 0.5 / width, 0.9), 2);
    await session.release();
    expect(Math.abs(alone[0]! - inBatch[0]!), "the same position alone and in a batch").to.be.above(0.1);
    expect(maxDiff(row(px, width, 0), row(px, width, height - 1)), "top and bottom rows of a tile declared seamless (the model ignores v)").to.be.above(30);
    const v = await verdict(card, batchy);
    expect(v.passed, "checkModel must refuse a motif.cppn/1 model whose colours are not per position").to.equal(false);
  });

  it("FINDING seamless (motif.image/1): the check keeps only the param set whose (wrap − interior) is largest and tests the 2× rule on it; a noisy set at a param's bound hides a clear seam at the defaults", async () => {
    const S = 16;
    const img = (ramp: number, checker: number) => {
      const o: number[] = [];
      for (let c = 0; c < 3; c++) for (let y = 0; y < S; y++) for (let x = 0; x < S; x++) o.push(0.5 + ramp * (x / (S - 1) - 0.5) + checker * ((x + y) % 2 ? -1 : 1));
      return o;
    };
    const smooth = img(0.2, 0); // the defaults (n = 0): a gentle ramp with a step at the wrap
    const noisy = img(0.6, 0.1); // n = 1: the same kind of image under a fine checker
    const weights = graph({
      nodes: [["ReduceSum", ["z"], "zs", { keepdims: 0 }], ["Mul", ["zs", "zero"], "z0"], ["Mul", ["D", "n"], "nd"], ["Add", ["B", "nd"], "im"], ["Add", ["im", "z0"], "image"]],
      inits: { zero: [[], [0]], B: [[1, 3, S, S], smooth], D: [[1, 3, S, S], noisy.map((v, i) => v - smooth[i]!)] },
      inputs: { z: [1, 4], n: [1] },
      outputs: { image: [1, 3, S, S] },
    });
    const card = (max: number) => cardOf(weights, { io: "motif.image/1", params: [{ name: "n", type: "number", min: 0, max, default: 0 }], behaviour: { seamless: true, resolution: { width: S, height: S } } });
    // the documented rule, on the default image alone: its wrap-around steps against its interior steps
    let wrap = 0;
    let interior = 0;
    for (let y = 0; y < S; y++) {
      wrap += Math.abs(smooth[y * S + S - 1]! - smooth[y * S]!);
      for (let x = 1; x < S; x++) interior += Math.abs(smooth[y * S + x]! - smooth[y * S + x - 1]!);
    }
    wrap /= 2 * S; // the vertical wrap adds nothing (each column is constant); per edge pair
    interior /= 2 * S * (S - 1);
    expect(wrap, "the default image has a seam by the check's own rule").to.be.above(2 * interior + 2 / 255);
    const alone = await verdict(card(0.001), weights);
    expect(alone.passed, "with a narrow param range the seam is caught").to.equal(false);
    expect(alone.reason).to.contain("seamless");
    const hidden = await verdict(card(1), weights);
    expect(hidden.passed, `checkModel must refuse the seam at the defaults whatever another param set looks like`).to.equal(false);
  });

  it("FINDING shape (motif.cppn/1): an output of [3, N] (planar) instead of [N, 3] passes — only the number of values is compared, while the item says 'rgb [N, 3]' — and the renderer reads it as interleaved", async () => {
    const planar = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Transpose", ["s"], "t", { perm: [1, 0] }], ["Add", ["t", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: [3, "N"] },
    });
    const session = await ort.InferenceSession.create(planar);
    const out = await session.run({ uv: new ort.Tensor("float32", new Float32Array(10), [5, 2]), z: new ort.Tensor("float32", new Float32Array(4), [1, 4]), scale: new ort.Tensor("float32", Float32Array.of(1), [1]) });
    await session.release();
    expect(out.rgb!.dims, "the graph's output is [3, N]").to.deep.equal([3, 5]);
    const v = await verdict(cardOf(planar, { behaviour: NOT_SEAMLESS }), planar);
    expect(v.passed, "motif.cppn/1 gives rgb float32 [N, 3]; a [3, N] output must be refused").to.equal(false);
  });

  it("FINDING io: a card may declare a param named like a contract input ('z'); the io check (a set difference) passes, the param's [1] tensor replaces the seed's latent, and every seed renders the same pattern", async () => {
    const weights = graph({
      nodes: [["ReduceSum", ["z"], "zs", { keepdims: 0 }], ["MatMul", ["uv", "W"], "a"], ["Add", ["a", "zs"], "b"], ["Sigmoid", ["b"], "rgb"]],
      inits: { W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: null },
      outputs: { rgb: ["N", 3] },
    });
    // the oracle: the model fed the seeds' latents as docs/model-io.md defines z gives two different images
    const session = await ort.InferenceSession.create(weights);
    const uv = Float32Array.of(0.25, 0.25);
    const [ra, rb] = [await runCppn(session, latentOf(1n, 4), {}, uv, 1), await runCppn(session, latentOf(999n, 4), {}, uv, 1)];
    await session.release();
    expect(ra[0], "the model does depend on its latent").to.not.equal(rb[0]);
    // fixed: a card may not name a param after a contract tensor (its feed would replace the latent), so no folder holds it
    for (const name of ["z", "uv", "rgb", "image"]) {
      expect(() => cardOf(weights, { name: "zparam", params: [{ name, type: "number", min: 0, max: 1, default: 0.5 }], behaviour: NOT_SEAMLESS }), name).to.throw(`params[0].name: expected a name other than the I/O contracts' tensors`);
    }
  });

  it("FINDING determinism: checked at one seed and the defaults only; a model that draws random numbers at another param value passes, and two renders of the same (weights, seed, params, size) differ", async () => {
    // rgb = s + g·(rand − s), g = relu(scale − 1)/2: exact at the defaults (scale 1), noisy at the max (scale 2)
    const weights = graph({
      nodes: [
        ["ReduceSum", ["z"], "zs", { keepdims: 0 }], ["Mul", ["zs", "zero"], "z0"],
        ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Sub", ["scale", "one"], "sm"], ["Relu", ["sm"], "g"], ["Mul", ["g", "half"], "g2"],
        ["RandomUniformLike", ["s"], "r", { low: 0.0001, high: 0.9999 }], ["Sub", ["r", "s"], "d"], ["Mul", ["d", "g2"], "dg"], ["Add", ["s", "dg"], "o"], ["Add", ["o", "z0"], "rgb"],
      ],
      inits: { zero: [[], [0]], one: [[], [1]], half: [[], [0.5]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const card = cardOf(weights, { name: "grainy", behaviour: NOT_SEAMLESS });
    const v = await verdict(card, weights);
    expect(v.passed, "checkModel must refuse a model that is not deterministic at a declared param value").to.equal(false);
    expect(v.reason).to.contain("model check (determinism)");
    // and so no models folder takes it: its certificates' bytes would not be reproducible
    const dir = motifTempDir("a24-grainy");
    const added = await addModel(dir, card, weights).then(() => "added", (e: Error) => e.message);
    expect(added).to.contain("model check (determinism)");
  });

  it("FINDING range: an output outside 0..1 at an integer param value strictly between its bounds passes (only the defaults and the bounds are run, though an integer param's 8 values could all be)", async () => {
    // rgb = 0.5 + 0.6·sin(π·(level − 1)/7): 0.5 at level 1 and 8, 1.085 at level 4
    const weights = graph({
      nodes: [
        ["ReduceSum", ["z"], "zs", { keepdims: 0 }], ["Mul", ["zs", "zero"], "z0"],
        ["Sub", ["level", "one"], "l1"], ["Mul", ["l1", "pi7"], "l2"], ["Sin", ["l2"], "l3"], ["Mul", ["l3", "amp"], "l4"], ["Add", ["l4", "half"], "l5"],
        ["MatMul", ["uv", "Wz"], "u0"], ["Add", ["u0", "l5"], "l6"], ["Add", ["l6", "z0"], "rgb"],
      ],
      inits: { zero: [[], [0]], one: [[], [1]], half: [[], [0.5]], amp: [[], [0.6]], pi7: [[], [Math.PI / 7]], Wz: [[2, 3], [0, 0, 0, 0, 0, 0]] },
      inputs: { uv: ["N", 2], z: [1, 4], level: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const card = cardOf(weights, { params: [{ name: "level", type: "integer", min: 1, max: 8, default: 1 }] });
    const session = await ort.InferenceSession.create(weights);
    const at4 = await runCppn(session, latentOf(0n, 4), { level: 4 }, Float32Array.of(0.5, 0.5), 1);
    await session.release();
    expect(at4[0], "level 4 gives a colour above 1").to.be.above(1.05);
    const v = await verdict(card, weights);
    expect(v.passed, "the contract's output is in 0..1 for every value the card declares").to.equal(false);
  });

  it("PROBE (held): an input backed by an initializer (an overridable input) is not in onnxruntime-node's inputNames, and a feed for it is dropped by the binding, so it is a constant for every renderer: the io check may ignore it", async () => {
    const weights = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Mul", ["a", "gain"], "b"], ["Sigmoid", ["b"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]], gain: [[1], [1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1], gain: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const session = await ort.InferenceSession.create(weights);
    expect(session.inputNames).to.deep.equal(["uv", "z", "scale"]);
    const feeds = { uv: new ort.Tensor("float32", Float32Array.of(0.3, 0.6), [1, 2]), z: new ort.Tensor("float32", new Float32Array(4), [1, 4]), scale: new ort.Tensor("float32", Float32Array.of(1), [1]) };
    const plain = (await session.run(feeds)).rgb!.data as Float32Array;
    const fed = (await session.run({ ...feeds, gain: new ort.Tensor("float32", Float32Array.of(5), [1]) })).rgb!.data as Float32Array;
    await session.release();
    expect(fed[0], "the feed for 'gain' is not used").to.equal(plain[0]);
    expect((await verdict(cardOf(weights, { behaviour: NOT_SEAMLESS }), weights)).passed).to.equal(true);
  });

  // ---------------------------------------------------------------------------------------------
  // motif-bicubic/1 and the render of motif.image/1
  // ---------------------------------------------------------------------------------------------

  it("FINDING motif-bicubic/1: a flat 0.5 image (a sigmoid(0) output) upscales to a mix of 127 and 128, not round(0.5·255) = 128 everywhere, and to other bytes than the documented per-pixel 4×4 sum — the published definition does not fix the bytes", async () => {
    const [w, h] = [16, 16];
    const flat = new Float32Array(3 * w * h).fill(0.5);
    // Keys' kernel is a partition of unity, so a constant image upscales to the same constant: 0.5 → 128
    const [W, H] = [300, 300];
    const out = new Uint8Array(W * H * 3);
    bicubicUpscaler(flat, w, h, W, H, true).rows(0, H, out);
    const off = out.filter((b) => b !== 128).length;
    // and the definition as docs/model-io.md writes it (4×4 neighbours, float64, then rounded)
    const small = new Uint8Array(48 * 48 * 3);
    bicubicUpscaler(flat, w, h, 48, 48, true).rows(0, 48, small);
    const docs = bicubicByTheDocs(flat, w, h, 48, 48, true);
    const differing = small.filter((b, i) => b !== docs[i]).length;
    // end to end: a motif.image/1 model whose image is sigmoid(0 · z) renders the same way
    const S = 16;
    const weights = graph({
      nodes: [["MatMul", ["z", "W"], "a"], ["Mul", ["a", "zero"], "b"], ["Sigmoid", ["b"], "s"], ["Reshape", ["s", "shape"], "image"]],
      inits: { W: [[4, 3 * S * S], new Array(4 * 3 * S * S).fill(1)], zero: [[], [0]] },
      inputs: { z: [1, 4] },
      outputs: { image: [1, 3, S, S] },
    });
    // Reshape needs an int64 shape: rebuild the initializer
    const model = onnx.ModelProto.decode(weights);
    model.graph!.initializer!.push(onnx.TensorProto.create({ name: "shape", dims: [4], dataType: onnx.TensorProto.DataType.INT64, int64Data: [1, 3, S, S] }));
    const bytes = onnx.ModelProto.encode(model).finish();
    const dir = motifTempDir("a24-flat");
    await addModel(dir, cardOf(bytes, { name: "flat", io: "motif.image/1", params: [], behaviour: { seamless: true, resolution: { width: S, height: S } } }), bytes);
    const rendered = await pixels((await render({ model: "flat", seed: 3n, params: {}, width: W, height: H }, { modelsDir: dir })).png);
    const renderedOff = rendered.filter((b) => b !== 128).length;
    expect({ upscalerOff: off, renderedOff, differingFromTheDocs: differing }, "a flat grey tile must render flat, and the same bytes as the documented definition").to.deep.equal({ upscalerOff: 0, renderedOff: 0, differingFromTheDocs: 0 });
  });

  it("FINDING render memory (motif.image/1): the upscaler's horizontal pass holds the whole image at the output width in float64 (h × W × 3), far above the 'at most RENDER_LIMITS.bandPixels pixels of floats at once' of render()", () => {
    const [w, h, W, H] = [256, 256, 2048, 2048];
    const src = new Float32Array(3 * w * h).fill(0.25);
    const Original = globalThis.Float64Array;
    let largest = 0;
    class Recording extends Original {
      constructor(...args: unknown[]) {
        super(...(args as [number]));
        largest = Math.max(largest, this.length);
      }
    }
    globalThis.Float64Array = Recording as unknown as Float64ArrayConstructor;
    try {
      const u = bicubicUpscaler(src, w, h, W, H, true);
      const band = Math.floor(RENDER_LIMITS.bandPixels / W);
      u.rows(0, band, new Uint8Array(band * W * 3));
    } finally {
      globalThis.Float64Array = Original;
    }
    // a 4096 × 4096 card (parseModelCard's limit) rendered at 8192 wide would hold 4096 × 8192 × 3 float64 = 805 MB
    expect(largest / 3, "pixels of floats held at once").to.be.at.most(RENDER_LIMITS.bandPixels);
  });

  // ---------------------------------------------------------------------------------------------
  // The models folder and the card's pinning
  // ---------------------------------------------------------------------------------------------

  it("FINDING addModel: a card's name is used as a file name unchecked — a card named '../outside' writes the weights and the card outside the models folder", async () => {
    const root = motifTempDir("a24-traversal");
    const dir = path.join(root, "models");
    mkdirSync(dir);
    const weights = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    let refused = false;
    try {
      await addModel(dir, cardOf(weights, { name: "../outside", behaviour: NOT_SEAMLESS }), weights);
    } catch {
      refused = true;
    }
    const escaped = [path.join(root, "outside.onnx"), path.join(root, "outside.card.json")].filter((f) => existsSync(f));
    rmSync(root, { recursive: true, force: true });
    expect({ refused, escaped }, "a model's files stay in its models folder").to.deep.equal({ refused: true, escaped: [] });
  });

  it("FINDING loadManifestSync: the folder's ONNX file is never hashed — a folder whose file is other weights than the card names (and than models.json's sha256/bytes say) loads as if it were the card's", async () => {
    const dir = motifTempDir("a24-swap");
    const a = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const b = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [3, 2, 1, 0, -1, -2]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    await addModel(dir, cardOf(a, { name: "swapped", behaviour: NOT_SEAMLESS }), a);
    await writeFile(path.join(dir, "swapped.onnx"), b); // other weights under the card's record
    const onDisk = await readFile(path.join(dir, "swapped.onnx"));
    expect(sha(onDisk)).to.not.equal(sha(a));
    let refused = false;
    try {
      loadManifestSync(dir);
    } catch {
      refused = true;
    }
    expect(refused, "a models folder whose card names other weights than its file must be refused").to.equal(true);
  });

  it("FINDING pinning a card: a card over 256 KiB (a long licence text or training config: parseModelCard sets no limit) is pinned as a chunked UnixFS file, so the raw block of its registered digest (what verifyCertificate fetches) never exists", async () => {
    const weights = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    // fixed: a card must fit one raw block (its registered digest is that block's): a larger one is refused when built
    expect(() => cardOf(weights, { behaviour: NOT_SEAMLESS, licence: { id: "LicenseRef-Long", text: "The full licence text. ".repeat(13_000) } })).to.throw("a card of at most 262144 bytes");
    // and one just under the limit is pinned as the raw block of its digest
    const card = cardOf(weights, { behaviour: NOT_SEAMLESS, licence: { id: "LicenseRef-Long", text: "x".repeat(250_000) } });
    const bytes = encodeModelCard(card);
    expect(bytes.length).to.be.at.most(262_144);
    const store = new EmbeddedIpfs(motifTempDir("a24-bigcard"));
    const pinned = await store.add(bytes); // what `motif model register` and the pin stage do
    const registered = CID.createV1(0x55, Digest.create(0x12, hexToBytes(modelCardDigest(card)))); // what verifyCertificate fetches
    expect({ pinned: pinned.toString(), fetchable: await store.has(registered) }, "the registered card must be fetchable as the raw block of its digest").to.deep.equal({ pinned: registered.toString(), fetchable: true });
  });

  // ---------------------------------------------------------------------------------------------
  // PROBES (held)
  // ---------------------------------------------------------------------------------------------

  it("PROBE (held): a models folder whose card bytes are not its cardDigest, or whose card names other weights than the record, is refused", async () => {
    const dir = motifTempDir("a24-folder");
    const weights = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const card = cardOf(weights, { name: "held", behaviour: NOT_SEAMLESS });
    await addModel(dir, card, weights);
    expect(loadManifestSync(dir).map((m) => m.name)).to.deep.equal(["held"]);
    const cardFile = path.join(dir, "held.card.json");
    const original = await readFile(cardFile);
    await writeFile(cardFile, encodeModelCard({ ...card, description: "edited" }));
    expect(() => loadManifestSync(dir)).to.throw(/has sha-256 0x[0-9a-f]{64}, the manifest says/);
    // a card naming other weights, its digest recorded: refused by the weights digest
    const other = { ...card, weights: { digest: sha(Uint8Array.of(1, 2, 3)), bytes: 3 } };
    await writeFile(cardFile, encodeModelCard(other));
    const records = JSON.parse(await readFile(path.join(dir, "models.json"), "utf8")) as Array<Record<string, unknown>>;
    records[0]!.cardDigest = modelCardDigest(other);
    await writeFile(path.join(dir, "models.json"), JSON.stringify(records));
    expect(() => loadManifestSync(dir)).to.throw(/its card's weights digest is/);
    await writeFile(cardFile, original);
  });

  it("PROBE (held): the check refuses NaN (a sqrt of a negative at every sampled point) and a graph without the contract's output name", async () => {
    const nan = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sub", ["a", "big"], "n"], ["Sqrt", ["n"], "s"], ["Add", ["s", "k0"], "rgb"]],
      inits: { zero: [[], [0]], big: [[], [10]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const r = await verdict(cardOf(nan, { behaviour: NOT_SEAMLESS }), nan);
    expect(r.passed).to.equal(false);
    expect(r.reason).to.contain("range");
    const wrongOut = graph({
      nodes: [...ZERO_TERMS, ["MatMul", ["uv", "W"], "a"], ["Sigmoid", ["a"], "s"], ["Add", ["s", "k0"], "colour"]],
      inits: { zero: [[], [0]], W: [[2, 3], [1, -2, 0.5, 3, 1, -1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { colour: ["N", 3] },
    });
    const o = await verdict(cardOf(wrongOut, { behaviour: NOT_SEAMLESS }), wrongOut);
    expect(o.passed).to.equal(false);
    expect(o.reason).to.contain("io");
  });

  it("PROBE (held): motif-bicubic/1 on generic (non-tie) images equals the documented per-pixel definition, in any band split, and a seamless tile repeats", () => {
    const [w, h, W, H] = [12, 10, 97, 61];
    const src = Float32Array.from({ length: 3 * w * h }, (_, i) => 0.5 + 0.45 * Math.sin(i * 1.3) * Math.cos(i * 0.37));
    for (const wrap of [true, false]) {
      const docs = bicubicByTheDocs(src, w, h, W, H, wrap);
      for (const band of [1, 5, 61]) {
        const out = new Uint8Array(W * H * 3);
        const u = bicubicUpscaler(src, w, h, W, H, wrap);
        for (let y = 0; y < H; y += band) u.rows(y, Math.min(band, H - y), out.subarray(y * W * 3));
        expect(out.every((b, i) => b === docs[i]), `wrap ${wrap}, bands of ${band}`).to.equal(true);
      }
    }
  });
});

describe("audit session 24: verifyCertificate's modelCard and training items on a chain", function () {
  this.timeout(300_000);

  it("FINDING training: a card trained on a dataset certificate may state any member count — the item compares dataRoot, datasetId, configDigest and trainer, never the card's members with the dataset's manifest (or its certificate's member count)", async () => {
    // a pattern of indigo, licensed to the curator for AI training; the curator certifies a one-member dataset of it
    const chain = await trainingChain("a24");
    const { publicClient, addresses, store, curatorW, mint, shippedWeights } = chain;
    const register = async (card: ModelCard, modelOwner: string) => chain.register(card, await shippedWeights(card), modelOwner);
    const { member, exported, dataset } = await chain.licensedDataset();
    expect(exported.manifest.members.length).to.equal(1);

    // two models trained on it, owned by its curator: one card states its 1 member, the other 5,000
    const config = { trainer: "motif-train/1.0.0", seed: 7, steps: 100 };
    const training = (members: number) => ({ dataRoot: exported.manifest.root, datasetId: tokenIdHex(dataset.tokenId), members, config, configDigest: trainingConfigDigest(config), trainer: "motif-train/1.0.0" });
    const honest = parseModelCard({ ...parseModelCard(await readFile(path.join(MODELS_DIR, "weld.card.json"))), name: "weld-trained", training: training(1) });
    const liar = parseModelCard({ ...parseModelCard(await readFile(path.join(MODELS_DIR, "madder.card.json"))), name: "madder-trained", training: training(5000) });
    const honestId = await register(honest, curatorW!.account.address);
    const liarId = await register(liar, curatorW!.account.address);
    const honestPattern = await mint("weld-trained", { "weld-trained": honestId }, 12n);
    const liarPattern = await mint("madder-trained", { "madder-trained": liarId }, 13n);

    const gateway = await buildGateway(store);
    const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
    try {
      const item = async (tokenId: bigint, id: string) => (await verifyCertificate(publicClient, { addresses, tokenId, gateway: url })).items.find((i) => i.id === id)!;
      // PROBE (held) on the way: the honest card passes modelCard and training, a certified dataset whose member was licensed for AI training
      const ok = await item(honestPattern, "training");
      expect(ok.status, ok.reason).to.equal("passed");
      expect(ok.evidence).to.include({ certified: true, members: 1 });
      expect((await item(honestPattern, "modelCard")).status).to.equal("passed");
      // the lying card: 5,000 members claimed, 1 certified
      const lie = await item(liarPattern, "training");
      expect({ status: lie.status, cardMembers: liar.training!.members, certifiedMembers: exported.manifest.members.length }, "a card stating 5,000 training members for a 1-member dataset must not verify").to.deep.include({ status: "failed" });
      // retraining (issue 19 §3): not checked without a trainer; the trainer gets the member images,
      // each checked by its CID (a pattern's image hashes to its token id); its digest must be the registry's
      const retraining = async (retrain?: (r: RetrainRequest) => Promise<Hex>) => (await verifyCertificate(publicClient, { addresses, tokenId: honestPattern, gateway: url, ...(retrain !== undefined ? { retrain } : {}) })).items.find((i) => i.id === "retraining")!;
      const none = await retraining();
      expect([none.status, none.reason]).to.deep.equal(["notChecked", "no trainer given (pass `retrain`; slow)"]);
      let seen: RetrainRequest | undefined;
      const same = await retraining(async (r) => ((seen = r), honest.weights.digest));
      expect(same.status, same.reason).to.equal("passed");
      expect(seen!.images.map((m) => `0x${createHash("sha256").update(m.bytes).digest("hex")}`)).to.deep.equal([tokenIdHex(member)]);
      expect(seen!.datasetId).to.equal(dataset.tokenId);
      expect(seen!.card.name).to.equal("weld-trained");
      const other = await retraining(async () => `0x${"12".repeat(32)}`);
      expect([other.status, other.reason]).to.deep.equal(["failed", `retraining on the 1 member image(s) gives weights 0x${"12".repeat(32)}, the registry has ${honest.weights.digest}`]);
      // a drawn model's certificate has no retraining item at all
      expect((await verifyCertificate(publicClient, { addresses, tokenId: member, gateway: url })).items.map((i) => i.id)).to.not.include("retraining");
    } finally {
      await gateway.close();
    }
  });
});
