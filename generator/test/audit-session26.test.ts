import { expect } from "chai";
import { type ModelCard, modelCardDigest } from "@motif/sdk";

import { argsort, slicedWasserstein, unitDirections } from "../src/train/swd.js";
import { SCALE, cardOf, plane, sha, tinyImage } from "./onnx-graph.js";

const KEY = { key: "k".repeat(32), name: "auditor", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 4096 * 4096 };

/** A registered-models-only server (uploads off) whose registry knows exactly `registered`. */
async function server(registered: Uint8Array, allowWeightUploads = false, registeredCard?: ModelCard) {
  const { buildApi } = await import("../src/api/server.js");
  const { testPipeline } = await import("../../test/ts/helpers/pipeline.js");
  const digest = sha(registered);
  // the registry: these weights, registered with `registeredCard` (its digest) when given
  const app = await buildApi({ keys: [KEY], pipeline: testPipeline(), allowWeightUploads, isRegisteredWeights: async (d) => d.toLowerCase() === digest, registeredCardDigest: async (d) => (d.toLowerCase() === digest && registeredCard !== undefined ? modelCardDigest(registeredCard) : undefined) });
  const post = (payload: object) => app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY.key }, payload });
  return { app, post };
}

describe("audit session 26: POST /v1/render with a card (a7d5306)", function () {
  this.timeout(120_000);

  it("FINDING lying card accepted for registered weights: the server checks only card.weights.digest, not that the card is the registered card (cardDigest), so the same registered weights render other bytes under the same x-model-sha256", async () => {
    const weights = tinyImage(16);
    const registeredCard = cardOf(weights, { name: "tiny", io: "motif.image/1", behaviour: { seamless: true, resolution: { width: 16, height: 16 } } });
    const lyingCard = { ...registeredCard, behaviour: { seamless: false, resolution: { width: 16, height: 16 } } };
    const { app, post } = await server(weights, false, registeredCard);
    try {
      const body = { model: "tiny", seed: "9", params: { scale: 1 }, width: 200, height: 120, weights: Buffer.from(weights).toString("base64") };
      const honest = await post({ ...body, card: registeredCard });
      expect(honest.statusCode, honest.body).to.equal(200);
      // before the fix: 200, the same model header, other pixels (the card was never checked against the registry)
      const lie = await post({ ...body, card: lyingCard });
      expect(lie.statusCode, "a card that is not the registered card must be refused").to.equal(400);
      expect(lie.json()).to.include({ field: "body.card" });
      expect(lie.json().message).to.contain("is not the card registered with weights");
    } finally {
      await app.close();
    }
  });

  it("FINDING lying card widens param ranges: a card for registered CPPN weights declaring scale up to 1000 lets a render run at scale 500, outside the registered card's 0.5..2", async () => {
    const weights = plane();
    const lyingCard = cardOf(weights, { params: [{ ...SCALE, max: 1000 }] });
    const { app, post } = await server(weights);
    try {
      const res = await post({ model: "test-model", seed: "9", params: { scale: 500 }, width: 32, height: 32, weights: Buffer.from(weights).toString("base64"), card: lyingCard });
      expect(res.statusCode, `params outside the registered card's range must be refused: ${res.body.slice(0, 200)}`).to.equal(400);
    } finally {
      await app.close();
    }
  });

  it("FINDING card.weights.bytes unchecked: a card whose digest matches but whose weights.bytes is not the size of the weights sent is accepted (no registered card could say so)", async () => {
    const weights = plane();
    const card = { ...cardOf(weights), weights: { digest: sha(weights), bytes: weights.length + 12345 } };
    const { app, post } = await server(weights, true);
    try {
      const res = await post({ model: "test-model", seed: "9", params: { scale: 1 }, width: 16, height: 16, weights: Buffer.from(weights).toString("base64"), card });
      expect(res.statusCode, res.body.slice(0, 200)).to.equal(400);
      expect(res.json().field).to.equal("body.card.weights.bytes");
    } finally {
      await app.close();
    }
  });

  it("FINDING deep card crashes the handler with 500: a training.config nested 200 000 deep (400 KB, inside the 6 MiB body limit) overflows canonicalJson's recursion in parseModelCard (RangeError, not MetadataError)", async () => {
    const weights = plane();
    const depth = 200_000;
    const card = { ...cardOf(weights), training: { dataRoot: `0x${"11".repeat(32)}`, members: 1, config: { a: "NESTED" }, configDigest: `0x${"22".repeat(32)}`, trainer: "motif-train/1.0.0" } };
    const payload = JSON.stringify({ model: "test-model", seed: "9", params: { scale: 1 }, width: 16, height: 16, weights: Buffer.from(weights).toString("base64"), card }).replace('"NESTED"', "[".repeat(depth) + "]".repeat(depth));
    const { app } = await server(weights, true);
    try {
      const res = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY.key, "content-type": "application/json" }, payload });
      expect(res.statusCode, res.body.slice(0, 300)).to.equal(400);
      expect(res.json().field).to.match(/^body\.card/);
    } finally {
      await app.close();
    }
  });

  it("PROBE (held): a motif.image/1 card declaring 4096×4096 for a 16×16 graph is refused 400 naming body.weights, no upscale work", async () => {
    const weights = tinyImage(16);
    const card = cardOf(weights, { name: "tiny", io: "motif.image/1", behaviour: { seamless: true, resolution: { width: 4096, height: 4096 } } });
    const { app, post } = await server(weights, true);
    try {
      const res = await post({ model: "tiny", seed: "9", params: { scale: 1 }, width: 64, height: 64, weights: Buffer.from(weights).toString("base64"), card });
      expect(res.statusCode, res.body).to.equal(400);
      expect(res.json().field).to.equal("body.weights");
      const big = await post({ model: "tiny", seed: "9", params: { scale: 1 }, width: 64, height: 64, weights: Buffer.from(weights).toString("base64"), card: { ...card, latent: 5000 } });
      expect(big.statusCode).to.equal(400);
      expect(big.json().field).to.equal("body.card.latent");
      const wide = await post({ model: "tiny", seed: "9", params: { scale: 1 }, width: 9000, height: 64, weights: Buffer.from(weights).toString("base64"), card });
      expect(wide.statusCode).to.equal(400);
    } finally {
      await app.close();
    }
  });

  it("PROBE (held): a card with latent 4096 on a 4-latent graph is a 400 naming body.weights, not a 500", async () => {
    const weights = plane();
    const { app, post } = await server(weights, true);
    try {
      const res = await post({ model: "test-model", seed: "9", params: { scale: 1 }, width: 16, height: 16, weights: Buffer.from(weights).toString("base64"), card: cardOf(weights, { latent: 4096 }) });
      expect(res.statusCode, res.body).to.equal(400);
      expect(res.json().field).to.equal("body.weights");
    } finally {
      await app.close();
    }
  });
});

describe("audit session 26: radix argsort (2754ee1)", function () {
  this.timeout(120_000);
  const comparator = (keys: Float64Array) => Array.from({ length: keys.length }, (_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
  const bits = (hi: number, lo: number) => {
    const b = new DataView(new ArrayBuffer(8));
    b.setUint32(0, hi);
    b.setUint32(4, lo);
    return b.getFloat64(0);
  };

  it("PROBE (held): keys that differ only in bits 21..33 (the digit straddling bit 32), in every other single bit, signed zeros, subnormals, and a shared-digit pass skip, match a comparator sort", () => {
    let s = 12345;
    const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const cases: Float64Array[] = [];
    for (const sign of [0, 0x80000000]) {
      const base = [0x3ff00000 | sign, 0];
      const ks: number[] = [];
      for (let b = 0; b < 63; b++) for (let rep = 0; rep < 3; rep++) ks.push(b < 32 ? bits(base[0]!, (1 << b) >>> 0) : bits((base[0]! ^ (1 << (b - 32))) >>> 0, 0));
      for (let i = 0; i < 500; i++) ks.push(bits((base[0]! | Math.floor(r() * 4)) >>> 0, Math.floor(r() * 2 ** 32) & 0xffe00000));
      cases.push(Float64Array.from(ks));
    }
    cases.push(Float64Array.from({ length: 3000 }, () => [0, -0, 5e-324, -5e-324, 2.2250738585072014e-308, -2.2250738585072014e-308, 1, -1, Infinity, -Infinity][Math.floor(r() * 10)]!));
    cases.push(Float64Array.from({ length: 2000 }, () => 1 + Math.floor(r() * 8) * 2 ** -52)); // only the lowest digit differs
    cases.push(Float64Array.from({ length: 2000 }, () => 1.5)); // every pass skipped
    cases.push(Float64Array.from({ length: 300_000 }, () => (r() - 0.5) * 10 ** Math.floor(r() * 20 - 10)));
    for (const keys of cases) expect(Array.from(argsort(keys))).to.deep.equal(comparator(keys));
  });

  it("PROBE (held): slicedWasserstein equals the pre-2754ee1 computation (quicksort argsort, target in argsort order) bit for bit, with gradients, on tie-heavy data", () => {
    const oldArgsort = (keys: Float64Array) => Int32Array.from(comparator(keys));
    const oldSW = (x: Float64Array, y: Float64Array, dim: number, dirs: Float64Array, gradX: Float64Array) => {
      const n = x.length / dim;
      const L = dirs.length / dim;
      const px = new Float64Array(n);
      const py = new Float64Array(n);
      let total = 0;
      for (let l = 0; l < L; l++) {
        const o = l * dim;
        for (let i = 0; i < n; i++) {
          let a = 0;
          let b = 0;
          for (let c = 0; c < dim; c++) {
            a += x[i * dim + c]! * dirs[o + c]!;
            b += y[i * dim + c]! * dirs[o + c]!;
          }
          px[i] = a;
          py[i] = b;
        }
        const ix = oldArgsort(px);
        const sy = Float64Array.from(oldArgsort(py), (j) => py[j]!);
        for (let r = 0; r < n; r++) {
          const i = ix[r]!;
          const diff = px[i]! - sy[r]!;
          total += diff * diff;
          const g = (2 * diff) / (L * n);
          for (let c = 0; c < dim; c++) gradX[i * dim + c]! += g * dirs[o + c]!;
        }
      }
      return total / (L * n);
    };
    let s = 99;
    const r = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const dim = 27;
    const n = 400;
    // quantised pixels (many ties, zeros) as in 8-bit swatches
    const x = Float64Array.from({ length: n * dim }, () => Math.floor(r() * 3) / 2);
    const y = Float64Array.from({ length: n * dim }, () => (r() < 0.5 ? 0 : Math.floor(r() * 4) / 3));
    const dirs = unitDirections(16, dim, 5);
    const gNew = new Float64Array(n * dim);
    const gOld = new Float64Array(n * dim);
    const a = slicedWasserstein(x, y, dim, dirs, gNew);
    const b = oldSW(x, y, dim, dirs, gOld);
    expect(Object.is(a, b)).to.equal(true);
    expect(Buffer.from(gNew.buffer).equals(Buffer.from(gOld.buffer))).to.equal(true);
  });

  it("PROBE (held, documented): NaN keys are outside argsort's contract; a positive NaN sorts after +Infinity, a negative NaN before −Infinity, deterministically", () => {
    const negNaN = bits(0xfff80000, 0);
    const keys = Float64Array.from([1, NaN, -Infinity, Infinity, negNaN, 0]);
    expect(Array.from(argsort(keys))).to.deep.equal([4, 2, 5, 0, 3, 1]);
  });
});
