import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";

import { MetadataError, encodeModelCard, modelCardDigest, parseModelCard, trainingConfigDigest } from "@motif/sdk";
import { BRANDS } from "../src/model/brands.js";
import { brandModelCard } from "../src/model/cppn.js";
import { ModelCheckError, checkModel } from "../src/model/check.js";
import { addModel, loadManifestSync } from "../src/model/manifest.js";
import { MODELS_DIR, render } from "../src/render/render.js";
import { bicubicUpscaler } from "../src/render/upscale.js";
import { SCALE, cardOf, graph, plane, sha, tinyImage } from "./onnx-graph.js";
import { motifTempDir } from "../../test/ts/helpers/pipeline.js";

const failedCheck = async (card: unknown, weights: Uint8Array): Promise<ModelCheckError> => {
  try {
    await checkModel(card, weights);
  } catch (error) {
    if (error instanceof ModelCheckError) return error;
    throw error;
  }
  return expect.fail("the check passed") as never;
};

describe("model cards and the registration check (issue 19 §1)", function () {
  this.timeout(120_000);

  it("every shipped model's card is committed, canonical, and checks against its weights", async () => {
    const manifest = loadManifestSync(MODELS_DIR);
    expect(manifest.map((m) => m.name)).to.deep.equal(BRANDS.map((b) => b.name));
    for (const m of manifest) {
      const cardBytes = await readFile(path.join(MODELS_DIR, m.card));
      const card = parseModelCard(cardBytes);
      expect(Buffer.from(encodeModelCard(card)).equals(cardBytes), `${m.name}: canonical bytes`).to.equal(true);
      expect(sha(cardBytes), m.name).to.equal(m.cardDigest);
      expect(modelCardDigest(card)).to.equal(m.cardDigest);
      const items = await checkModel(card, await readFile(path.join(MODELS_DIR, m.file)));
      expect(items.map((i) => i.check)).to.include.members(["weights", "io", "shape", "range", "determinism", "seamless"]);
    }
  });

  it("a card refuses what it cannot stand for: wrong schema, a fixed size on a coordinate network, a training config that is not its digest", () => {
    const weights = plane();
    const good = cardOf(weights);
    const refuse = (doc: unknown, field: string) => {
      try {
        parseModelCard(doc);
      } catch (error) {
        expect(error).to.be.instanceOf(MetadataError);
        expect((error as MetadataError).field).to.equal(field);
        return;
      }
      expect.fail(`accepted a card with a bad ${field}`);
    };
    refuse({ ...good, schema: "motif-model-card/2" }, "schema");
    refuse({ ...good, behaviour: { seamless: true, resolution: { width: 64, height: 64 } } }, "behaviour.resolution");
    refuse({ ...good, io: "motif.image/1" }, "behaviour.resolution");
    refuse({ ...good, name: "x".repeat(65) }, "name");
    const config = { steps: 10, seed: 1 };
    refuse({ ...good, training: { dataRoot: `0x${"11".repeat(32)}`, members: 3, config, configDigest: `0x${"22".repeat(32)}`, trainer: "motif-train/1.0.0" } }, "training.configDigest");
    expect(parseModelCard({ ...good, training: { dataRoot: `0x${"11".repeat(32)}`, members: 3, config, configDigest: trainingConfigDigest(config), trainer: "motif-train/1.0.0" } }).training!.members).to.equal(3);
  });

  it("refuses weights whose digest or size is not the card's", async () => {
    const weights = plane();
    const e = await failedCheck(cardOf(weights, { weights: { digest: sha(tinyImage()), bytes: weights.length } }), weights);
    expect(e.check).to.equal("weights");
    expect(e.reason).to.contain(sha(weights));
  });

  it("refuses a graph whose inputs are not the contract's plus one per declared param", async () => {
    const weights = plane();
    const e = await failedCheck(cardOf(weights, { params: [SCALE, { name: "phase", type: "number", min: 0, max: 1, default: 0 }] }), weights);
    expect(e.check).to.equal("io");
    expect(e.reason).to.contain("missing phase");
    const image = await failedCheck(cardOf(weights, { io: "motif.image/1", behaviour: { seamless: false, resolution: { width: 8, height: 8 } } }), weights);
    expect(image.check).to.equal("io");
    expect(image.reason).to.contain("not in the card: uv");
  });

  it("refuses a coordinate network declared seamless that is not periodic, and passes it declared as it is", async () => {
    const weights = plane();
    const e = await failedCheck(cardOf(weights, { behaviour: { seamless: true, resolution: "independent" } }), weights);
    expect(e.check).to.equal("seamless");
    expect(e.reason).to.match(/step across the tile edge at pixel pitch \(0\.\d+\) is far above the largest step inside|opposite tile edges differs by up to 0\.\d+/);
    const items = await checkModel(cardOf(weights), weights);
    expect(items.every((i) => i.passed)).to.equal(true);
  });

  it("refuses outputs outside 0..1 (at a param's bound) and a graph that is not deterministic", async () => {
    const loud = graph({
      nodes: [["MatMul", ["uv", "W"], "a"], ["Mul", ["a", "scale"], "b"], ["Add", ["b", "zsum"], "c"], ["Sigmoid", ["c"], "s"], ["Mul", ["s", "scale"], "rgb"], ["MatMul", ["z", "ones"], "zsum"]],
      inits: { W: [[2, 3], [1, -2, 0.5, 3, 1, -1]], ones: [[4, 1], [0.1, 0.1, 0.1, 0.1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const range = await failedCheck(cardOf(loud), loud);
    expect(range.check).to.equal("range");
    expect(range.reason).to.match(/outside 0..1/).and.match(/"scale":(1\.\d+|2)\}/);

    const noisy = graph({
      nodes: [["MatMul", ["uv", "W"], "a"], ["Mul", ["a", "scale"], "b"], ["Add", ["b", "zsum"], "c"], ["RandomUniformLike", ["c"], "r", { low: 0.0001, high: 0.1 }], ["Add", ["c", "r"], "d"], ["Sigmoid", ["d"], "rgb"], ["MatMul", ["z", "ones"], "zsum"]],
      inits: { W: [[2, 3], [1, -2, 0.5, 3, 1, -1]], ones: [[4, 1], [0.1, 0.1, 0.1, 0.1]] },
      inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
      outputs: { rgb: ["N", 3] },
    });
    const determinism = await failedCheck(cardOf(noisy), noisy);
    expect(determinism.check).to.equal("determinism");
  });

  it("checks a fixed-size image generator (motif.image/1) against its declared size", async () => {
    const weights = tinyImage();
    const card = cardOf(weights, { io: "motif.image/1", behaviour: { seamless: false, resolution: { width: 8, height: 8 } } });
    expect((await checkModel(card, weights)).every((i) => i.passed)).to.equal(true);
    const wrong = await failedCheck({ ...card, behaviour: { seamless: false, resolution: { width: 16, height: 8 } } }, weights);
    expect(wrong.check).to.equal("shape");
    expect(wrong.reason).to.contain("[1, 3, 8, 8]");
  });
});

describe("motif-bicubic/1 upscaling and rendering a fixed-size model (docs/model-io.md)", function () {
  this.timeout(120_000);
  const keys = (d: number) => {
    const x = Math.abs(d);
    return x <= 1 ? 1.5 * x ** 3 - 2.5 * x ** 2 + 1 : x < 2 ? -0.5 * x ** 3 + 2.5 * x ** 2 - 4 * x + 2 : 0;
  };
  /** The oracle: the 2D tensor-product convolution, written from the definition, one pixel at a time. */
  function direct(src: Float32Array, w: number, h: number, W: number, H: number, wrap: boolean): Uint8Array {
    const out = new Uint8Array(W * H * 3);
    const idx = (i: number, n: number) => (wrap ? ((i % n) + n) % n : Math.min(n - 1, Math.max(0, i)));
    for (let y = 0; y < H; y++) {
      const sy = ((y + 0.5) * h) / H - 0.5;
      for (let x = 0; x < W; x++) {
        const sx = ((x + 0.5) * w) / W - 0.5;
        for (let c = 0; c < 3; c++) {
          let v = 0;
          for (let j = Math.floor(sy) - 1; j <= Math.floor(sy) + 2; j++) {
            for (let i = Math.floor(sx) - 1; i <= Math.floor(sx) + 2; i++) v += keys(sx - i) * keys(sy - j) * src[c * w * h + idx(j, h) * w + idx(i, w)]!;
          }
          const snapped = Math.round(v * 255 * 2 ** 20) / 2 ** 20; // docs/model-io.md's snap before rounding
          out[(y * W + x) * 3 + c] = snapped <= 0 ? 0 : snapped >= 255 ? 255 : Math.round(snapped);
        }
      }
    }
    return out;
  }
  const source = (w: number, h: number) => Float32Array.from({ length: 3 * w * h }, (_, i) => 0.5 + 0.45 * Math.sin(i * 0.7) * Math.cos(i * 0.13));
  const upscale = (src: Float32Array, w: number, h: number, W: number, H: number, wrap: boolean) => {
    const out = new Uint8Array(W * H * 3);
    const u = bicubicUpscaler(src, w, h, W, H, wrap);
    // in uneven bands, as the renderer does
    for (let y = 0; y < H; y += 7) u.rows(y, Math.min(7, H - y), out.subarray(y * W * 3));
    return out;
  };

  for (const wrap of [true, false]) {
    it(`matches the 2D definition (${wrap ? "wrapping" : "clamped"} edges) to within one level, and exactly on most pixels`, () => {
      const [w, h, W, H] = [8, 6, 53, 37];
      const src = source(w, h);
      const a = upscale(src, w, h, W, H, wrap);
      const b = direct(src, w, h, W, H, wrap);
      let differing = 0;
      for (let i = 0; i < a.length; i++) {
        expect(Math.abs(a[i]! - b[i]!), `byte ${i}`).to.be.at.most(1);
        if (a[i] !== b[i]) differing++;
      }
      expect(differing / a.length).to.be.below(0.01);
    });
  }

  it("a seamless tile upscaled repeats without a seam: the doubled source upscaled to double size is two copies", () => {
    const [w, h, W, H] = [16, 8, 64, 32];
    const src = source(w, h);
    const twice = new Float32Array(3 * 2 * w * h);
    for (let c = 0; c < 3; c++) for (let y = 0; y < h; y++) for (let x = 0; x < 2 * w; x++) twice[c * 2 * w * h + y * 2 * w + x] = src[c * w * h + y * w + (x % w)]!;
    const one = upscale(src, w, h, W, H, true);
    const two = upscale(twice, 2 * w, h, 2 * W, H, true);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < 2 * W; x++) for (let c = 0; c < 3; c++) expect(two[(y * 2 * W + x) * 3 + c], `(${x}, ${y})`).to.equal(one[(y * W + (x % W)) * 3 + c]);
    }
  });

  it("renders a registered fixed-size model at print size, deterministically, from a models folder", async () => {
    const dir = motifTempDir("image-model");
    const weights = tinyImage(16);
    const card = cardOf(weights, { name: "tiny", io: "motif.image/1", behaviour: { seamless: true, resolution: { width: 16, height: 16 } } });
    await addModel(dir, card, weights);
    const input = { model: "tiny", seed: 7n, params: { scale: 1 }, width: 1024, height: 768 };
    const a = await render(input, { modelsDir: dir });
    const b = await render(input, { modelsDir: dir });
    expect(a.contentDigest).to.equal(b.contentDigest);
    const { data, info } = await sharp(a.png).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).to.deep.equal([1024, 768]);
    // the same pixels as the 2D definition applied to the model's own output
    const { runImage } = await import("../src/model/io.js");
    const { latentOf } = await import("../src/render/latent.js");
    const ort = await import("onnxruntime-node");
    const session = await ort.InferenceSession.create(weights);
    const image = await runImage(session, latentOf(7n, 4), { scale: 1 });
    await session.release();
    const small = await render({ ...input, width: 64, height: 48 }, { modelsDir: dir });
    const smallPixels = (await sharp(small.png).raw().toBuffer());
    const oracle = direct(image.data, 16, 16, 64, 48, true);
    let off = 0;
    for (let i = 0; i < oracle.length; i++) off = Math.max(off, Math.abs(oracle[i]! - smallPixels[i]!));
    expect(off).to.be.at.most(1);
    expect(data.length).to.equal(1024 * 768 * 3);
  });

  it("POST /v1/render takes the card with uploaded weights (an auditor's re-render of a fixed-size model): the folder's bytes; refused without it or for other weights", async () => {
    const dir = motifTempDir("image-model-api");
    const weights = tinyImage(16);
    const card = cardOf(weights, { name: "tiny", io: "motif.image/1", behaviour: { seamless: true, resolution: { width: 16, height: 16 } } });
    await addModel(dir, card, weights);
    const input = { model: "tiny", seed: 9n, params: { scale: 1 }, width: 200, height: 120 };
    const expected = await render(input, { modelsDir: dir });
    const { buildApi } = await import("../src/api/server.js");
    const { testPipeline } = await import("../../test/ts/helpers/pipeline.js");
    const key = { key: "k".repeat(32), name: "auditor", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 4096 * 4096 };
    const app = await buildApi({ keys: [key], pipeline: testPipeline(), allowWeightUploads: true });
    try {
      const body = { ...input, seed: "9", weights: Buffer.from(weights).toString("base64") };
      const post = (payload: object) => app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": key.key }, payload });
      const ok = await post({ ...body, card });
      expect(ok.statusCode, ok.body).to.equal(200);
      expect(ok.headers["x-content-digest"]).to.equal(expected.contentDigest);
      const without = await post(body);
      expect(without.statusCode, without.body).to.equal(400);
      expect(without.json().field, "read as a coordinate network without its card").to.match(/^body\.(weights|params)/);
      const other = await post({ ...body, card: { ...card, weights: { ...card.weights, digest: `0x${"00".repeat(32)}` } } });
      expect(other.statusCode, other.body).to.equal(400);
      expect(other.json()).to.include({ field: "body.card.weights.digest" });
      expect(other.json().message).to.contain("the weights sent have sha-256");
      const bad = await post({ ...body, card: { ...card, latent: 0 } });
      expect(bad.json()).to.include({ field: "body.card.latent" });
      const alone = await post({ ...input, seed: "9", card });
      expect(alone.json()).to.include({ field: "body.card" });
    } finally {
      await app.close();
    }
  });
});
