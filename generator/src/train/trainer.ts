import { createHash } from "node:crypto";

import { CPPN, mulberry32 } from "../model/cppn.js";
import { type CppnParams, TRAINABLE, backward, forward, zeroGrad } from "./cppn-grad.js";
import { srgbToOklab } from "./oklab.js";
import { type Palette, extractPalette } from "./palette.js";
import { hann2, magnitudes, spectralLoss } from "./spectrum.js";
import { patchGradToImage, patchesOf, slicedWasserstein, unitDirections } from "./swd.js";

/**
 * Training a CPPN on a studio's swatches (issue 19 §2; the measured design is
 * docs/design/studio-training.md): the palette from the swatches (OKLab k-means), the integer
 * frequencies B from their spectrum, then Adam on a style loss — sliced Wasserstein over OKLab
 * colours and dilated 3×3 patches, plus the spectral term — between crops rendered for random
 * latents and crops of each sample's nearest swatch (of its colourway, when the swatches come in
 * several). Float64, one thread, every draw from
 * mulberry32 streams of the config's seed: the same swatches and config give the same weights.
 */
export type TrainConfig = {
  seed: number;
  steps: number;
  /** Latents per step. */
  batch: number;
  /** Side of the loss crops, a power of two. */
  crop: number;
  /** Side of the tile the crops are taken from, at training scale (ties swatch pixels to render pixels). */
  tile: number;
  lr: number;
  /** Palette colours. */
  colours: number;
  /** Frequencies M, hidden width H. */
  frequencies: number;
  hidden: number;
  /** The render params the model is trained at (its card's defaults). */
  scale: number;
  sharpness: number;
  colourDirections: number;
  patchDirections: number;
  dilations: number[];
  /** Weight of the spectral term. */
  spectral: number;
  /**
   * How samples meet swatches: "nearest" (each latent's render takes the swatch nearest in colour)
   * or "imle" (each drawn swatch takes the nearest of `candidates` latents: no colourway left out).
   */
  pairing: "nearest" | "imle";
  /** IMLE's fresh latents a step (at least the batch); also those a step's colourways choose from. */
  candidates: number;
  /**
   * Swatches whose colour signatures (RMS over the quantiles, OKLab) chain within this gap are one
   * colourway. With several, nearest pairing draws each sample's colourway first (each as often as
   * its swatches) and pairs within it, so no colourway is left out; one colourway changes nothing.
   */
  colourwayGap: number;
};

/** The configuration measured in docs/design/studio-training.md (1,200 steps: about 7 minutes on 2 cores). */
export const TRAIN_DEFAULTS: TrainConfig = { seed: 1, steps: 1200, batch: 4, crop: 64, tile: 128, lr: 0.01, colours: 8, frequencies: CPPN.frequencies, hidden: CPPN.hidden, scale: 2, sharpness: 4, colourDirections: 8, patchDirections: 16, dilations: [1, 2, 4, 8], spectral: 20, pairing: "nearest", candidates: 8, colourwayGap: 0.25 };

/** A seconds-long configuration for tests. */
export const TRAIN_QUICK: TrainConfig = { ...TRAIN_DEFAULTS, steps: 30, batch: 2, crop: 32, tile: 64, dilations: [1, 2, 4], patchDirections: 8 };

/** A swatch: interleaved sRGB in 0..1, square. */
export type Swatch = { rgb: Float64Array; side: number };

export type TrainResult = { params: CppnParams; palette: Palette; losses: number[]; seconds: number };

/** A seeded stream: uniforms, integers below n, normals. */
function stream(seed: number) {
  const rand = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(Math.max(rand(), 1e-12))) * Math.cos(2 * Math.PI * rand());
  return { rand, int: (n: number) => Math.floor(rand() * n), normal };
}

/** A `crop × crop` window of an OKLab swatch at (x0, y0). */
function cropOf(ok: Float64Array, side: number, crop: number, x0: number, y0: number): Float64Array {
  const out = new Float64Array(crop * crop * 3);
  for (let y = 0; y < crop; y++) out.set(ok.subarray(((y0 + y) * side + x0) * 3, ((y0 + y) * side + x0 + crop) * 3), y * crop * 3);
  return out;
}

/** 32 quantiles of the pixels on 8 fixed directions: which colours dominate, and how much. */
function colourSignature(ok: Float64Array, dirs: Float64Array): Float64Array {
  const n = ok.length / 3;
  const out = new Float64Array(8 * 32);
  const p = new Float64Array(n);
  for (let l = 0; l < 8; l++) {
    for (let i = 0; i < n; i++) p[i] = dirs[l * 3]! * ok[i * 3]! + dirs[l * 3 + 1]! * ok[i * 3 + 1]! + dirs[l * 3 + 2]! * ok[i * 3 + 2]!;
    p.sort();
    for (let q = 0; q < 32; q++) out[l * 32 + q] = p[Math.floor(((q + 0.5) / 32) * n)]!;
  }
  return out;
}

const signatureDistance = (a: Float64Array, b: Float64Array) => {
  let d = 0;
  for (let i = 0; i < a.length; i++) d += (a[i]! - b[i]!) ** 2;
  return d;
};

/** A swatch's pixels in OKLab. */
function oklabOf(s: Swatch): Float64Array {
  const out = new Float64Array(s.rgb.length);
  for (let i = 0; i < s.rgb.length; i += 3) srgbToOklab(s.rgb[i]!, s.rgb[i + 1]!, s.rgb[i + 2]!, out, i);
  return out;
}

/** The colourways the trainer finds in `swatches` (indices, in swatch order) with `config`'s seed and gap. */
export function swatchColourways(swatches: readonly Swatch[], config: Pick<TrainConfig, "seed" | "colourwayGap">): number[][] {
  const dirs = unitDirections(8, 3, config.seed ^ 0x51c);
  return colourwaysOf(swatches.map((s) => colourSignature(oklabOf(s), dirs)), config.colourwayGap);
}

/** Colourways: the swatches whose colour signatures chain within `gap` (RMS, single linkage), in swatch order. */
export function colourwaysOf(signatures: readonly Float64Array[], gap: number): number[][] {
  const way = signatures.map((_, i) => i);
  const root = (i: number): number => (way[i] === i ? i : (way[i] = root(way[i]!)));
  for (let i = 0; i < signatures.length; i++) for (let j = 0; j < i; j++) {
    if (Math.sqrt(signatureDistance(signatures[i]!, signatures[j]!) / signatures[i]!.length) < gap) way[Math.max(root(i), root(j))] = Math.min(root(i), root(j));
  }
  const groups = new Map<number, number[]>();
  signatures.forEach((_, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), i]));
  return [...groups.values()];
}

/** The centres of an `n × n` grid of points over the whole tile (what IMLE compares candidates on). */
function gridUv(n: number): Float64Array {
  const uv = new Float64Array(n * n * 2);
  for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) uv.set([(x + 0.5) / n, (y + 0.5) / n], (y * n + x) * 2);
  return uv;
}

/** The pixel centres of a `crop × crop` window at (x0, y0) of a `tile × tile` tile (wrapping). */
function cropUv(crop: number, tile: number, x0: number, y0: number): Float64Array {
  const uv = new Float64Array(crop * crop * 2);
  for (let y = 0; y < crop; y++) for (let x = 0; x < crop; x++) uv.set([(((x0 + x) % tile) + 0.5) / tile, (((y0 + y) % tile) + 0.5) / tile], (y * crop + x) * 2);
  return uv;
}

/** Trains a CPPN on `swatches` (each at least `crop` px); `onStep` sees each step's loss. */
export function trainCppn(swatches: readonly Swatch[], config: TrainConfig, onStep?: (step: number, loss: number) => void): TrainResult {
  const trainer = cppnTrainer(swatches, config);
  while (trainer.done < config.steps) {
    const step = trainer.done;
    const loss = trainer.step(); // taken whether or not anyone listens (not inside onStep?.(…))
    onStep?.(step, loss);
  }
  return trainer.result();
}

/** A training run taken one step at a time (so a caller can yield to its event loop, or stop, between steps). */
export type CppnTrainer = {
  /** Steps taken. */
  readonly done: number;
  /** Takes the next step; its loss. */
  step(): number;
  /** The weights, palette and losses so far. */
  result(): TrainResult;
};

/** Sets up training a CPPN on `swatches` (each at least `crop` px): palette, frequencies, initial weights. */
export function cppnTrainer(swatches: readonly Swatch[], config: TrainConfig): CppnTrainer {
  const c = config;
  if (c.crop < 8 || (c.crop & (c.crop - 1)) !== 0) throw new RangeError(`crop: ${c.crop} is not a power of two from 8`);
  if (swatches.length < 1) throw new RangeError("swatches: none given");
  for (const [i, s] of swatches.entries()) if (s.side < c.crop) throw new RangeError(`swatch ${i}: ${s.side} px, smaller than the ${c.crop}-px crop`);
  const started = performance.now();
  const ok = swatches.map(oklabOf);
  const palette = extractPalette(ok, { colours: c.colours, seed: c.seed });
  const paletteRgb = Float64Array.from(palette.srgb.flat(), (v) => v / 255);
  const window = hann2(c.crop);

  // each swatch's mean spectrum over 8 random crops (its spectral target), and their mean (for B)
  const spec = stream(c.seed ^ 0x5bec);
  const spectra = ok.map((im, i) => {
    const side = swatches[i]!.side;
    const sum = new Float64Array(3 * c.crop * c.crop);
    for (let k = 0; k < 8; k++) {
      const m = magnitudes(cropOf(im, side, c.crop, spec.int(side - c.crop + 1), spec.int(side - c.crop + 1)), c.crop, window);
      for (let j = 0; j < m.length; j++) sum[j]! += m[j]! / 8;
    }
    return sum;
  });

  // B: the M integer frequencies (|k| ≤ 3, one of each ±k) with the most energy in the swatches' spectra
  const M = c.frequencies;
  const N = c.crop * c.crop;
  const f = (c.scale * c.crop) / c.tile;
  const candidates: Array<{ kx: number; ky: number; e: number }> = [];
  for (let ky = 0; ky <= 3; ky++) {
    for (let kx = -3; kx <= 3; kx++) {
      if (ky === 0 && kx <= 0) continue;
      const bx = (((Math.round(kx * f) % c.crop) + c.crop) % c.crop);
      const by = Math.round(ky * f) % c.crop;
      let e = 0;
      for (const s of spectra) for (let ch = 0; ch < 3; ch++) e += s[ch * N + by * c.crop + bx]! ** 2;
      candidates.push({ kx, ky, e });
    }
  }
  candidates.sort((a, b) => b.e - a.e || a.ky - b.ky || a.kx - b.kx);
  const B = new Float64Array(2 * M);
  for (let m = 0; m < M; m++) [B[m], B[M + m]] = [candidates[m % candidates.length]!.kx, candidates[m % candidates.length]!.ky];

  // initial weights: drawn as the brands' are, the sine layer and the palette head at std 0.5
  const init = stream(c.seed);
  const H = c.hidden;
  const Z = CPPN.latent;
  const P = c.colours;
  const draw = (n: number, std: number) => Float64Array.from({ length: n }, () => init.normal() * std);
  const params: CppnParams = { B, W1: draw(2 * M * H, 0.5), Wz: draw(Z * H, 0.8), b1: draw(H, 0.5), W2: draw(H * H, 1.5 / Math.sqrt(H)), b2: draw(H, 0.3), W3: draw(H * H, 1.5 / Math.sqrt(H)), b3: draw(H, 0.3), Wp: draw(H * P, 0.5), bp: draw(P, 0.2) };

  const sigDirs = unitDirections(8, 3, c.seed ^ 0x51c);
  const signatures = ok.map((im) => colourSignature(im, sigDirs));
  const grid = gridUv(16);
  // the swatches' colourways, and each swatch's pixels at the grid's 16×16 centres (its colours over a whole tile)
  const colourways = colourwaysOf(signatures, c.colourwayGap);
  const wayOfSwatch = new Int32Array(swatches.length);
  colourways.forEach((way, k) => way.forEach((j) => (wayOfSwatch[j] = k)));
  const gridPixels = ok.map((im, i) => {
    const side = swatches[i]!.side;
    const out = new Float64Array(16 * 16 * 3);
    for (let y = 0; y < 16; y++) {
      for (let x = 0; x < 16; x++) {
        const o = (Math.floor(((y + 0.5) * side) / 16) * side + Math.floor(((x + 0.5) * side) / 16)) * 3;
        out.set(im.subarray(o, o + 3), (y * 16 + x) * 3);
      }
    }
    return out;
  });
  const moments = Object.fromEntries(TRAINABLE.map((k) => [k, { m: new Float64Array(params[k].length), v: new Float64Array(params[k].length) }]));
  const draws = stream(c.seed ^ 0x7a11);
  const options = { scale: c.scale, sharpness: c.sharpness, paletteRgb, paletteOklab: palette.oklab };
  const losses: number[] = [];
  let step = 0;
  const takeStep = (): number => {
    if (step >= c.steps) throw new RangeError(`step: all ${c.steps} steps are taken`);
    const dirSeed = draws.int(2 ** 31);
    const colourDirs = unitDirections(c.colourDirections, 3, dirSeed);
    const patchDirs = c.dilations.map((_, i) => unitDirections(c.patchDirections, 27, dirSeed + 1 + i));
    const grad = zeroGrad(params);
    let loss = 0;
    // IMLE pairing: each sample's swatch is drawn first, and given the nearest (by colour signature,
    // on a coarse grid over the tile) of `candidates` fresh latents not yet taken this step, so every
    // swatch — the rarer colourways too — pulls a latent towards it
    let imle: Array<{ z: Float64Array; swatch: number }> | undefined;
    if (c.pairing === "imle") {
      const pool = Array.from({ length: Math.max(c.candidates, c.batch) }, () => {
        const z = Float64Array.from({ length: Z }, () => draws.normal());
        return { z, sig: colourSignature(forward(params, z, grid, options).ok, sigDirs), taken: false };
      });
      imle = Array.from({ length: c.batch }, () => {
        const swatch = draws.int(swatches.length);
        let pick = pool.find((p) => !p.taken)!;
        let pickD = Infinity;
        for (const p of pool) {
          if (p.taken) continue;
          const d = signatureDistance(p.sig, signatures[swatch]!);
          if (d < pickD) [pickD, pick] = [d, p];
        }
        pick.taken = true;
        return { z: pick.z, swatch };
      });
    }
    // swatches in several colourways (nearest pairing): each sample's colourway is drawn first — a
    // swatch drawn, its colourway taken, so each as often as its swatches — and given the nearest (by
    // colour signature on the grid over the tile) of `candidates` fresh latents not yet taken; its
    // target is the nearest swatch of that colourway. Without this every latent drifts to one
    // colourway, the commonest. One colourway: plain nearest pairing, no draw added
    let ways: Array<{ z: Float64Array; way: number }> | undefined;
    if (c.pairing === "nearest" && colourways.length > 1) {
      const pool = Array.from({ length: Math.max(c.candidates, c.batch) }, () => {
        const z = Float64Array.from({ length: Z }, () => draws.normal());
        return { z, sig: colourSignature(forward(params, z, grid, options).ok, sigDirs), taken: false };
      });
      ways = Array.from({ length: c.batch }, () => {
        const way = wayOfSwatch[draws.int(swatches.length)]!;
        let pick = pool.find((p) => !p.taken)!;
        let pickD = Infinity;
        for (const p of pool) {
          if (p.taken) continue;
          for (const j of colourways[way]!) {
            const d = signatureDistance(p.sig, signatures[j]!);
            if (d < pickD) [pickD, pick] = [d, p];
          }
        }
        pick.taken = true;
        return { z: pick.z, way };
      });
    }
    for (let b = 0; b < c.batch; b++) {
      const z = imle?.[b]!.z ?? ways?.[b]!.z ?? Float64Array.from({ length: Z }, () => draws.normal());
      const [x0, y0] = [draws.int(c.tile), draws.int(c.tile)];
      const { ok: out, cache } = forward(params, z, cropUv(c.crop, c.tile, x0, y0), options);
      // the target: a random crop of the IMLE pairing's swatch, or of the swatch nearest in colour
      let best = imle?.[b]!.swatch ?? 0;
      if (imle === undefined) {
        const sig = colourSignature(out, sigDirs);
        let bestD = Infinity;
        signatures.forEach((s, j) => {
          if (ways !== undefined && wayOfSwatch[j] !== ways[b]!.way) return;
          const d = signatureDistance(s, sig);
          if (d < bestD) [bestD, best] = [d, j];
        });
      }
      const side = swatches[best]!.side;
      const target = cropOf(ok[best]!, side, c.crop, draws.int(side - c.crop + 1), draws.int(side - c.crop + 1));
      const gOk = new Float64Array(out.length);
      const w = 1 / c.batch;
      let l = slicedWasserstein(out, target, 3, colourDirs, gOk, w);
      c.dilations.forEach((d, i) => {
        const gPatch = new Float64Array((c.crop - 2 * d) ** 2 * 27);
        l += slicedWasserstein(patchesOf(out, c.crop, d), patchesOf(target, c.crop, d), 27, patchDirs[i]!, gPatch, w / c.dilations.length) / c.dilations.length;
        patchGradToImage(gPatch, c.crop, d, gOk);
      });
      if (c.spectral > 0) l += c.spectral * spectralLoss(out, c.crop, spectra[best]!, gOk, w * c.spectral, window);
      backward(params, cache, gOk, grad, options);
      if (ways !== undefined) {
        // the whole tile's colours (the grid) against the target swatch's: a latent's tile keeps
        // one colourway, not patches of each where the crops fall
        const tileOut = forward(params, z, grid, options);
        const gTile = new Float64Array(tileOut.ok.length);
        l += slicedWasserstein(tileOut.ok, gridPixels[best]!, 3, colourDirs, gTile, w);
        backward(params, tileOut.cache, gTile, grad, options);
      }
      loss += l / c.batch;
    }
    losses.push(loss);
    // Adam, constant rate to 60% of the steps, then cosine to a tenth
    const t = step / c.steps;
    const lr = t < 0.6 ? c.lr : c.lr * (0.1 + 0.45 * (1 + Math.cos((Math.PI * (t - 0.6)) / 0.4)));
    const [bc1, bc2] = [1 - 0.9 ** (step + 1), 1 - 0.999 ** (step + 1)];
    for (const k of TRAINABLE) {
      const [p, g, { m, v }] = [params[k], grad[k], moments[k]!];
      for (let i = 0; i < p.length; i++) {
        m[i] = 0.9 * m[i]! + 0.1 * g[i]!;
        v[i] = 0.999 * v[i]! + 0.001 * g[i]! * g[i]!;
        p[i]! -= (lr * (m[i]! / bc1)) / (Math.sqrt(v[i]! / bc2) + 1e-8);
      }
    }
    step++;
    return loss;
  };
  return {
    get done() {
      return step;
    },
    step: takeStep,
    result: () => ({ params, palette, losses: [...losses], seconds: (performance.now() - started) / 1000 }),
  };
}

/** sha-256 of the trained tensors rounded to float32 (what is exported), in TRAINABLE order after B. */
export function paramsDigest(p: CppnParams): string {
  const h = createHash("sha256");
  for (const k of ["B", ...TRAINABLE] as const) h.update(new Uint8Array(Float32Array.from(p[k]).buffer));
  return h.digest("hex");
}
