import { expect } from "chai";
import { createHash } from "node:crypto";

import * as ort from "onnxruntime-node";

import { parseModelCard } from "@motif/sdk";
import { buildCppnModel, buildCppnOnnx, cppnWeights } from "../src/model/cppn.js";
import { runCppn } from "../src/model/io.js";
import { latentOf } from "../src/render/latent.js";
import { TRAINABLE, backward, forward, fromCppnWeights, toCppnWeights, zeroGrad } from "../src/train/cppn-grad.js";
import { imageToOklab, oklabToSrgb, srgbToOklab } from "../src/train/oklab.js";
import { fft2, magnitudes, spectralLoss } from "../src/train/spectrum.js";
import { exampleSwatch } from "../src/train/examples.js";
import { type Swatch, TRAIN_QUICK, paramsDigest, trainCppn } from "../src/train/trainer.js";
import { checkModel } from "../src/model/check.js";
import { argsort, patchGradToImage, patchesOf, slicedWasserstein, unitDirections } from "../src/train/swd.js";
import { extractPalette } from "../src/train/palette.js";

/** Reference OKLab of the sRGB primaries and white (CSS Color 4's conversions of Ottosson's matrices). */
const REFERENCE: Array<[[number, number, number], [number, number, number]]> = [
  [[1, 1, 1], [1, 0, 0]],
  [[1, 0, 0], [0.62796, 0.22486, 0.12585]],
  [[0, 1, 0], [0.86644, -0.23389, 0.1795]],
  [[0, 0, 1], [0.45201, -0.03246, -0.31153]],
  [[0, 0, 0], [0, 0, 0]],
];

describe("studio training: OKLab and the palette drawn from swatches (issue 19 §2)", () => {
  it("converts sRGB to OKLab as the reference does, and back", () => {
    for (const [rgb, lab] of REFERENCE) {
      const got = srgbToOklab(...rgb);
      for (let c = 0; c < 3; c++) expect(got[c], `${rgb} channel ${c}`).to.be.closeTo(lab[c]!, 5e-5);
      const back = oklabToSrgb(got[0]!, got[1]!, got[2]!);
      for (let c = 0; c < 3; c++) expect(back[c], `${rgb} round trip`).to.be.closeTo(rgb[c]!, 1e-6);
    }
  });

  /** Swatches of planted colours (in stripes of uneven widths), with a little noise from a fixed generator. */
  function swatches(colours: Array<[number, number, number]>, count: number): Float64Array[] {
    let state = 12345;
    const noise = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.02;
    return Array.from({ length: count }, (_, s) => {
      const side = 48;
      const rgb = new Float64Array(side * side * 3);
      for (let y = 0; y < side; y++) {
        for (let x = 0; x < side; x++) {
          const c = colours[Math.floor(((x + s * 5) % side) / (side / colours.length))]!;
          for (let k = 0; k < 3; k++) rgb[(y * side + x) * 3 + k] = Math.min(1, Math.max(0, c[k]! / 255 + noise()));
        }
      }
      return imageToOklab(rgb);
    });
  }
  const PLANTED: Array<[number, number, number]> = [[20, 30, 70], [180, 40, 40], [230, 200, 90], [245, 240, 225]];

  it("recovers planted colours, sorted by lightness, as 8-bit sRGB", () => {
    const palette = extractPalette(swatches(PLANTED, 6), { colours: 4, seed: 7 });
    const sorted = [...PLANTED].sort((a, b) => srgbToOklab(a[0] / 255, a[1] / 255, a[2] / 255)[0]! - srgbToOklab(b[0] / 255, b[1] / 255, b[2] / 255)[0]!);
    expect(palette.srgb.length).to.equal(4);
    palette.srgb.forEach((c, i) => c.forEach((v, k) => expect(Math.abs(v - sorted[i]![k]!), `colour ${i} channel ${k}: ${c} vs ${sorted[i]}`).to.be.at.most(3)));
    for (let i = 1; i < 4; i++) expect(palette.oklab[i * 3]!).to.be.greaterThan(palette.oklab[(i - 1) * 3]!);
    expect(palette.inertia).to.be.below(1e-3);
  });

  it("is deterministic: the same swatches and seed give the same palette; bad sizes are refused in words", () => {
    const s = swatches(PLANTED, 3);
    expect(extractPalette(s, { colours: 6, seed: 3 })).to.deep.equal(extractPalette(s, { colours: 6, seed: 3 }));
    expect(() => extractPalette(s, { colours: 1, seed: 3 })).to.throw("palette colours: 1 is not an integer in 2..16");
    expect(() => extractPalette([new Float64Array(6)], { colours: 4, seed: 3, stride: 1 })).to.throw("2 sampled pixels for 4 colours");
  });
});

describe("studio training: the CPPN's forward and reverse mode in float64 (issue 19 §2)", function () {
  this.timeout(60_000);
  const brand = { name: "gradcheck", version: "1.0.0", weightSeed: 0x9ad, palette: [[20, 30, 70], [180, 40, 40], [230, 200, 90], [245, 240, 225]] as Array<[number, number, number]> };
  const drawn = cppnWeights(brand);
  const { params, paletteRgb } = fromCppnWeights(drawn);
  const paletteOklab = new Float64Array(paletteRgb.length);
  for (let k = 0; k < paletteRgb.length; k += 3) srgbToOklab(paletteRgb[k]!, paletteRgb[k + 1]!, paletteRgb[k + 2]!, paletteOklab, k);
  const opts = { scale: 2, sharpness: 4, paletteRgb, paletteOklab };
  const side = 12;
  // pixel centres of a side × side tile, as the renderer samples them
  const uv = new Float64Array(side * side * 2);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) uv.set([(x + 0.5) / side, (y + 0.5) / side], (y * side + x) * 2);
  const z = Float64Array.from(latentOf(42n));

  it("its forward is the ONNX graph's output (onnxruntime, float32) for the same weights", async () => {
    const bytes = buildCppnOnnx(brand, drawn);
    expect(Buffer.from(bytes).equals(Buffer.from(buildCppnModel(brand))), "the builder from weights gives the brand's bytes").to.equal(true);
    const session = await ort.InferenceSession.create(bytes);
    const out = await runCppn(session, Float32Array.from(z), { scale: 2, sharpness: 4 }, Float32Array.from(uv), side * side);
    await session.release();
    const { rgb } = forward(params, z, uv, opts);
    let worst = 0;
    for (let i = 0; i < rgb.length; i++) worst = Math.max(worst, Math.abs(rgb[i]! - out[i]!));
    expect(worst).to.be.below(1e-4);
  });

  it("its gradient is the finite difference of the loss, entry by entry (central, h = 1e-6)", () => {
    // a loss with a known derivative in ok: L = Σ c·ok, c fixed and uneven
    const coef = Float64Array.from({ length: side * side * 3 }, (_, i) => Math.sin(i * 1.7) + 0.3);
    const loss = (p: typeof params) => forward(p, z, uv, opts).ok.reduce((s, v, i) => s + v * coef[i]!, 0);
    const { cache } = forward(params, z, uv, opts);
    const grad = zeroGrad(params);
    backward(params, cache, coef, grad, opts);
    let checked = 0;
    for (const name of TRAINABLE) {
      const t = params[name];
      for (const i of [0, Math.floor(t.length / 3), t.length - 1]) {
        const keep = t[i]!;
        t[i] = keep + 1e-6;
        const up = loss(params);
        t[i] = keep - 1e-6;
        const down = loss(params);
        t[i] = keep;
        const numeric = (up - down) / 2e-6;
        expect(Math.abs(grad[name][i]! - numeric), `${name}[${i}]: ${grad[name][i]} vs ${numeric}`).to.be.at.most(1e-6 + 1e-4 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).to.equal(27);
  });
});

describe("studio training: sliced Wasserstein with its gradient (issue 19 §2)", () => {
  const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it("in one dimension is the mean squared difference of the sorted values (the 1-D optimal transport)", () => {
    const r = lcg(3);
    const x = Float64Array.from({ length: 50 }, () => r());
    const y = Float64Array.from({ length: 50 }, () => r() * 2 + 1);
    const sx = [...x].sort((a, b) => a - b);
    const sy = [...y].sort((a, b) => a - b);
    const expected = sx.reduce((s, v, i) => s + (v - sy[i]!) ** 2, 0) / 50;
    expect(slicedWasserstein(x, y, 1, Float64Array.of(1))).to.be.closeTo(expected, 1e-12);
    expect(slicedWasserstein(y, y, 1, Float64Array.of(-1))).to.equal(0);
  });

  it("is zero between a set and any reordering of it, and its gradient is the finite difference", () => {
    const r = lcg(11);
    const dim = 27;
    const x = Float64Array.from({ length: 40 * dim }, () => r());
    const y = Float64Array.from({ length: 40 * dim }, () => r() * 0.5);
    const dirs = unitDirections(16, dim, 5);
    const shuffled = new Float64Array(x.length);
    for (let i = 0; i < 40; i++) shuffled.set(x.subarray(((i * 17) % 40) * dim, ((i * 17) % 40) * dim + dim), i * dim);
    expect(slicedWasserstein(x, shuffled, dim, dirs)).to.be.closeTo(0, 1e-24);
    const grad = new Float64Array(x.length);
    slicedWasserstein(x, y, dim, dirs, grad);
    for (const i of [0, 100, 517, x.length - 1]) {
      const keep = x[i]!;
      x[i] = keep + 1e-7;
      const up = slicedWasserstein(x, y, dim, dirs);
      x[i] = keep - 1e-7;
      const down = slicedWasserstein(x, y, dim, dirs);
      x[i] = keep;
      expect(grad[i]!, `entry ${i}`).to.be.closeTo((up - down) / 2e-7, 1e-6);
    }
  });

  it("patches and their gradient are each other's transpose: <patches(img), g> = <img, patchGradToImage(g)>", () => {
    const r = lcg(7);
    const side = 10;
    for (const d of [1, 2, 4]) {
      const img = Float64Array.from({ length: side * side * 3 }, () => r());
      const p = patchesOf(img, side, d);
      expect(p.length).to.equal((side - 2 * d) ** 2 * 27);
      const g = Float64Array.from({ length: p.length }, () => r() - 0.5);
      const back = new Float64Array(img.length);
      patchGradToImage(g, side, d, back);
      const lhs = p.reduce((s, v, i) => s + v * g[i]!, 0);
      const rhs = img.reduce((s, v, i) => s + v * back[i]!, 0);
      expect(lhs).to.be.closeTo(rhs, 1e-9);
    }
    expect(() => patchesOf(new Float64Array(4 * 4 * 3), 4, 2)).to.throw("dilation 2 leaves no 3×3 neighbourhood in 4 px");
  });
});

describe("studio training: the spectral term (issue 19 §2)", () => {
  const lcg = (seed: number) => () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);

  it("fft2 is the DFT from its definition (8×8), and inverse(fft2(x)) / n is x", () => {
    const r = lcg(5);
    const side = 8;
    const x = Float64Array.from({ length: 64 }, () => r());
    const re = Float64Array.from(x);
    const im = new Float64Array(64);
    fft2(re, im, side);
    for (const [u, v] of [[0, 0], [1, 0], [3, 5], [7, 7]] as const) {
      let sr = 0;
      let si = 0;
      for (let y = 0; y < side; y++) for (let xx = 0; xx < side; xx++) {
        const a = (-2 * Math.PI * (u * xx + v * y)) / side;
        sr += x[y * side + xx]! * Math.cos(a);
        si += x[y * side + xx]! * Math.sin(a);
      }
      expect(re[v * side + u]).to.be.closeTo(sr, 1e-9);
      expect(im[v * side + u]).to.be.closeTo(si, 1e-9);
    }
    fft2(re, im, side, true);
    for (let i = 0; i < 64; i++) expect(re[i]! / 64).to.be.closeTo(x[i]!, 1e-12);
  });

  it("is zero against the image's own magnitudes, and its gradient is the finite difference", () => {
    const r = lcg(9);
    const side = 16;
    const img = Float64Array.from({ length: side * side * 3 }, () => r());
    expect(spectralLoss(img, side, magnitudes(img, side))).to.be.closeTo(0, 1e-20);
    const other = Float64Array.from({ length: img.length }, () => r());
    const target = magnitudes(other, side);
    const grad = new Float64Array(img.length);
    spectralLoss(img, side, target, grad);
    for (const i of [0, 77, 400, img.length - 1]) {
      const keep = img[i]!;
      img[i] = keep + 1e-6;
      const up = spectralLoss(img, side, target);
      img[i] = keep - 1e-6;
      const down = spectralLoss(img, side, target);
      img[i] = keep;
      expect(grad[i]!, `entry ${i}`).to.be.closeTo((up - down) / 2e-6, 1e-8);
    }
  });
});

describe("studio training: the trainer (issue 19 §2, the seconds-long configuration)", function () {
  this.timeout(120_000);
  /** Plaid swatches made here: two stripe sets of a 4-colour palette at uneven widths, each swatch shifted. */
  function plaids(count: number, side = 64): Swatch[] {
    const colours = [[0.7, 0.1, 0.12], [0.1, 0.15, 0.35], [0.12, 0.35, 0.2], [0.92, 0.9, 0.82]];
    return Array.from({ length: count }, (_, s) => {
      const rgb = new Float64Array(side * side * 3);
      const band = (t: number) => [0, 0, 1, 0, 2, 2, 0, 3][Math.floor(((t + s * 3) % side) / (side / 8))]!;
      for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
        const a = colours[band(x)]!;
        const b = colours[band(y)]!;
        for (let c = 0; c < 3; c++) rgb[(y * side + x) * 3 + c] = (a[c]! + b[c]!) / 2;
      }
      return { rgb, side };
    });
  }

  it("gives byte-identical weights for the same swatches and config, and other weights for another seed", () => {
    const sw = plaids(4);
    const a = trainCppn(sw, { ...TRAIN_QUICK, steps: 6 });
    const b = trainCppn(sw, { ...TRAIN_QUICK, steps: 6 });
    expect(paramsDigest(a.params)).to.equal(paramsDigest(b.params));
    expect(a.losses).to.deep.equal(b.losses);
    expect(paramsDigest(trainCppn(sw, { ...TRAIN_QUICK, steps: 6, seed: 2 }).params)).to.not.equal(paramsDigest(a.params));
  });

  it("swatches in two colourways (the example dots, light and dark ground): byte-identical weights run to run, other weights than one colourway (a gap above every distance)", () => {
    const sw = plaids(4);
    const both = [1, 2, 0, 4].map((i) => exampleSwatch("dot", i));
    const a = trainCppn(both, { ...TRAIN_QUICK, steps: 6 });
    expect(paramsDigest(trainCppn(both, { ...TRAIN_QUICK, steps: 6 }).params)).to.equal(paramsDigest(a.params));
    expect(paramsDigest(trainCppn(both, { ...TRAIN_QUICK, steps: 6, colourwayGap: 10 }).params)).to.not.equal(paramsDigest(a.params));
    // one colourway: the gap changes nothing
    expect(paramsDigest(trainCppn(sw, { ...TRAIN_QUICK, steps: 6, colourwayGap: 10 }).params)).to.equal(paramsDigest(trainCppn(sw, { ...TRAIN_QUICK, steps: 6 }).params));
  });

  it("lowers the style loss, and exports through the one ONNX builder into a model that passes its check", async () => {
    const sw = plaids(6);
    const r = trainCppn(sw, TRAIN_QUICK);
    const early = r.losses.slice(0, 5).reduce((s, v) => s + v, 0) / 5;
    const late = r.losses.slice(-5).reduce((s, v) => s + v, 0) / 5;
    expect(late, `losses ${r.losses.map((x) => x.toFixed(4)).join(" ")}`).to.be.below(early);
    const bytes = buildCppnOnnx({ name: "plaid-studio", version: "0.1.0" }, toCppnWeights(r.params, Float64Array.from(r.palette.srgb.flat(), (v) => v / 255)));
    const card = parseModelCard({
      schema: "motif-model-card/1", name: "plaid-studio", version: "0.1.0", description: "trained in a test", io: "motif.cppn/1",
      weights: { digest: `0x${createHash("sha256").update(bytes).digest("hex")}`, bytes: bytes.length }, latent: 8,
      params: [{ name: "scale", type: "integer", min: 1, max: 8, default: 2 }, { name: "sharpness", type: "number", min: 0.25, max: 32, default: 4 }],
      behaviour: { seamless: true, resolution: "independent" }, licence: { id: "LicenseRef-Test", text: "test" }, training: null,
    });
    expect((await checkModel(card, bytes)).every((i) => i.passed)).to.equal(true);
  });
});

describe("studio training: argsort", () => {
  it("orders by key, ties by index, as a comparator sort does (random keys with many ties, sizes around the insertion cut-off)", () => {
    let seed = 99;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (const n of [0, 1, 2, 15, 16, 17, 100, 4096]) {
      const keys = Float64Array.from({ length: n }, () => Math.floor(r() * 20) / 4); // 20 distinct values: many ties
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => keys[a]! - keys[b]! || a - b);
      expect(Array.from(argsort(keys)), `n = ${n}`).to.deep.equal(expected);
    }
  });

  it("orders negative, zero (−0 and +0 tie), subnormal, huge and infinite keys as a comparator sort does", () => {
    let seed = 7;
    const r = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const special = [0, -0, 5e-324, -5e-324, 1e-300, -1e-300, 1e300, -1e300, Infinity, -Infinity, 1, -1, 0.5, -0.5];
    for (const n of [3, 40, 1000, 5000]) {
      const keys = Float64Array.from({ length: n }, (_, i) => (i % 3 === 0 ? special[Math.floor(r() * special.length)]! : (r() - 0.5) * 10 ** Math.floor(r() * 12 - 6)));
      const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a]! < keys[b]! ? -1 : keys[a]! > keys[b]! ? 1 : a - b));
      expect(Array.from(argsort(keys)), `n = ${n}`).to.deep.equal(expected);
    }
  });
});
