import type { CppnWeights } from "../model/cppn.js";

/**
 * The CPPN of `generator/src/model/cppn.ts`, forward and hand-written reverse mode, in float64 with
 * loops in a fixed order (one thread: the same weights every run), for training a studio model
 * (docs/design/studio-training.md). Per pixel, for a latent z:
 *
 *   f  = [sin, cos](2π·scale·(uv·B))                 (2M)   B integer: periodic in the tile
 *   a1 = f·W1 + z·Wz + b1,  h1 = sin a1               (H)
 *   a2 = h1·W2 + b2,        h2 = tanh a2              (H)
 *   a3 = h2·W3 + b3,        h3 = exp(−a3²)            (H)
 *   w  = softmax(sharpness·(h3·Wp + bp))              (P)
 *   rgb = w·palette(sRGB)   (the graph's output)   ok = w·palette(OKLab)   (the loss's colour)
 *
 * Reverse, given g_ok = ∂loss/∂ok per pixel: g_w = palOK·g_ok; g_l = s·w ⊙ (g_w − w·g_w);
 * g_Wp += h3ᵀg_l; g_a3 = (Wp g_l) ⊙ (−2·a3·h3); g_W3 += h2ᵀg_a3; g_a2 = (W3 g_a3) ⊙ (1 − h2²);
 * g_W2 += h1ᵀg_a2; g_a1 = (W2 g_a2) ⊙ cos a1; g_W1 += fᵀg_a1; g_Wz += z ⊗ Σₙ g_a1; biases the sums.
 * B, scale, sharpness and the palette are not trained.
 */

/** The trained tensors, in a fixed order (Adam runs over them in this order). */
export const TRAINABLE = ["W1", "Wz", "b1", "W2", "b2", "W3", "b3", "Wp", "bp"] as const;
export type TrainableName = (typeof TRAINABLE)[number];

/** A CPPN's parameters in float64: B (integer frequencies, [2, M]) and the trained tensors (row-major). */
export type CppnParams = { B: Float64Array } & Record<TrainableName, Float64Array>;

/** Dimensions read from the tensors: frequencies M, latent Z, hidden H, palette P. */
export function dimsOf(p: CppnParams): { M: number; Z: number; H: number; P: number } {
  const H = p.b1.length;
  return { M: p.B.length / 2, Z: p.Wz.length / H, H, P: p.bp.length };
}

/** Zeroed gradients of the trained tensors. */
export const zeroGrad = (p: CppnParams): Record<TrainableName, Float64Array> =>
  Object.fromEntries(TRAINABLE.map((k) => [k, new Float64Array(p[k].length)])) as Record<TrainableName, Float64Array>;

export type ForwardOptions = { scale: number; sharpness: number; paletteRgb: Float64Array; paletteOklab: Float64Array };
export type ForwardCache = { z: Float64Array; n: number; f: Float64Array; cos1: Float64Array; h1: Float64Array; h2: Float64Array; a3: Float64Array; h3: Float64Array; w: Float64Array };

/** The colours at `uv` (float64 [n, 2]) for latent `z`: sRGB (the graph's output), OKLab-mixed (the loss's), and what `backward` needs. */
export function forward(p: CppnParams, z: Float64Array, uv: Float64Array, o: ForwardOptions): { rgb: Float64Array; ok: Float64Array; cache: ForwardCache } {
  const { M, Z, H, P } = dimsOf(p);
  const { B, W1, Wz, b1, W2, b2, W3, b3, Wp, bp } = p;
  const n = uv.length / 2;
  const F = 2 * M;
  const zc = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    let s = b1[j]!;
    for (let i = 0; i < Z; i++) s += z[i]! * Wz[i * H + j]!;
    zc[j] = s;
  }
  const f = new Float64Array(n * F);
  const cos1 = new Float64Array(n * H);
  const h1 = new Float64Array(n * H);
  const h2 = new Float64Array(n * H);
  const a3 = new Float64Array(n * H);
  const h3 = new Float64Array(n * H);
  const w = new Float64Array(n * P);
  const rgb = new Float64Array(n * 3);
  const ok = new Float64Array(n * 3);
  const a = new Float64Array(H);
  const logits = new Float64Array(P);
  const turn = 2 * Math.PI * o.scale;
  for (let q = 0; q < n; q++) {
    const u = uv[q * 2]!;
    const v = uv[q * 2 + 1]!;
    const fo = q * F;
    const ho = q * H;
    for (let m = 0; m < M; m++) {
      const angle = turn * (u * B[m]! + v * B[M + m]!);
      f[fo + m] = Math.sin(angle);
      f[fo + M + m] = Math.cos(angle);
    }
    a.set(zc);
    for (let i = 0; i < F; i++) for (let j = 0; j < H; j++) a[j]! += f[fo + i]! * W1[i * H + j]!;
    for (let j = 0; j < H; j++) {
      h1[ho + j] = Math.sin(a[j]!);
      cos1[ho + j] = Math.cos(a[j]!);
    }
    a.set(b2);
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) a[j]! += h1[ho + i]! * W2[i * H + j]!;
    for (let j = 0; j < H; j++) h2[ho + j] = Math.tanh(a[j]!);
    a.set(b3);
    for (let i = 0; i < H; i++) for (let j = 0; j < H; j++) a[j]! += h2[ho + i]! * W3[i * H + j]!;
    for (let j = 0; j < H; j++) {
      a3[ho + j] = a[j]!;
      h3[ho + j] = Math.exp(-a[j]! * a[j]!);
    }
    logits.set(bp);
    for (let i = 0; i < H; i++) for (let k = 0; k < P; k++) logits[k]! += h3[ho + i]! * Wp[i * P + k]!;
    let max = -Infinity;
    for (let k = 0; k < P; k++) max = Math.max(max, (logits[k] = o.sharpness * logits[k]!));
    let sum = 0;
    for (let k = 0; k < P; k++) sum += w[q * P + k] = Math.exp(logits[k]! - max);
    for (let k = 0; k < P; k++) {
      const wk = (w[q * P + k]! /= sum);
      for (let c = 0; c < 3; c++) {
        rgb[q * 3 + c]! += wk * o.paletteRgb[k * 3 + c]!;
        ok[q * 3 + c]! += wk * o.paletteOklab[k * 3 + c]!;
      }
    }
  }
  return { rgb, ok, cache: { z, n, f, cos1, h1, h2, a3, h3, w } };
}

/** Adds ∂loss/∂(trained tensors) to `grad`, given `gOk` = ∂loss/∂ok (float64 [n, 3]) of a `forward`. */
export function backward(p: CppnParams, cache: ForwardCache, gOk: Float64Array, grad: Record<TrainableName, Float64Array>, o: Pick<ForwardOptions, "sharpness" | "paletteOklab">): void {
  const { M, Z, H, P } = dimsOf(p);
  const { W2, W3, Wp } = p;
  const { z, n, f, cos1, h1, h2, a3, h3, w } = cache;
  const F = 2 * M;
  const gl = new Float64Array(P);
  const g3 = new Float64Array(H);
  const g2 = new Float64Array(H);
  const g1 = new Float64Array(H);
  const sum1 = new Float64Array(H);
  for (let q = 0; q < n; q++) {
    const [x0, x1, x2] = [gOk[q * 3]!, gOk[q * 3 + 1]!, gOk[q * 3 + 2]!];
    if (x0 === 0 && x1 === 0 && x2 === 0) continue;
    const ho = q * H;
    const po = q * P;
    let dot = 0;
    for (let k = 0; k < P; k++) {
      gl[k] = x0 * o.paletteOklab[k * 3]! + x1 * o.paletteOklab[k * 3 + 1]! + x2 * o.paletteOklab[k * 3 + 2]!;
      dot += w[po + k]! * gl[k]!;
    }
    for (let k = 0; k < P; k++) {
      gl[k] = o.sharpness * w[po + k]! * (gl[k]! - dot);
      grad.bp[k]! += gl[k]!;
    }
    for (let i = 0; i < H; i++) {
      let s = 0;
      for (let k = 0; k < P; k++) {
        grad.Wp[i * P + k]! += h3[ho + i]! * gl[k]!;
        s += Wp[i * P + k]! * gl[k]!;
      }
      g3[i] = s * -2 * a3[ho + i]! * h3[ho + i]!;
    }
    for (let i = 0; i < H; i++) {
      grad.b3[i]! += g3[i]!;
      let s = 0;
      for (let j = 0; j < H; j++) {
        grad.W3[i * H + j]! += h2[ho + i]! * g3[j]!;
        s += W3[i * H + j]! * g3[j]!;
      }
      g2[i] = s * (1 - h2[ho + i]! * h2[ho + i]!);
    }
    for (let i = 0; i < H; i++) {
      grad.b2[i]! += g2[i]!;
      let s = 0;
      for (let j = 0; j < H; j++) {
        grad.W2[i * H + j]! += h1[ho + i]! * g2[j]!;
        s += W2[i * H + j]! * g2[j]!;
      }
      g1[i] = s * cos1[ho + i]!;
    }
    for (let j = 0; j < H; j++) {
      grad.b1[j]! += g1[j]!;
      sum1[j]! += g1[j]!;
    }
    const fo = q * F;
    for (let i = 0; i < F; i++) for (let j = 0; j < H; j++) grad.W1[i * H + j]! += f[fo + i]! * g1[j]!;
  }
  for (let i = 0; i < Z; i++) for (let j = 0; j < H; j++) grad.Wz[i * H + j]! += z[i]! * sum1[j]!;
}

/** The float32 weights the ONNX builder exports (`buildCppnOnnx`), with the palette in sRGB 0..1. */
export function toCppnWeights(p: CppnParams, paletteRgb: Float64Array): CppnWeights {
  const f32 = (a: Float64Array) => Float32Array.from(a);
  return { B: f32(p.B), W1: f32(p.W1), Wz: f32(p.Wz), b1: f32(p.b1), W2: f32(p.W2), b2: f32(p.b2), W3: f32(p.W3), b3: f32(p.b3), Wp: f32(p.Wp), bp: f32(p.bp), palette: f32(paletteRgb) };
}

/** Float64 parameters from float32 weights (a brand's drawn weights as a starting point). */
export function fromCppnWeights(w: CppnWeights): { params: CppnParams; paletteRgb: Float64Array } {
  const f64 = (a: Float32Array) => Float64Array.from(a);
  return { params: { B: f64(w.B), W1: f64(w.W1), Wz: f64(w.Wz), b1: f64(w.b1), W2: f64(w.W2), b2: f64(w.b2), W3: f64(w.W3), b3: f64(w.b3), Wp: f64(w.Wp), bp: f64(w.bp) }, paletteRgb: f64(w.palette) };
}
