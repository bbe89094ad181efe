import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import { type Hex, keccak256, stringToBytes } from "viem";

import { canonicalJson } from "../metadata/canonical.js";
import { CPPN, CPPN_IO } from "../model/cppn.js";
import { PngWriter } from "./png.js";

/** Where the shipped models and their manifest live. */
export const MODELS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "models");

export type ModelManifestEntry = { name: string; version: string; file: string; sha256: Hex; bytes: number };

/** Style parameters of a render; part of the lineage (their canonical JSON is hashed on-chain). */
export type RenderParams = {
  /** Integer frequency multiplier (1..8): larger repeats more often inside the tile. */
  scale: number;
  /** Palette sharpness (0.25..32): low blends colours, high gives crisp flat areas. */
  sharpness: number;
};

export type RenderInput = {
  /** Brand model name from the manifest (generator/models/models.json). */
  model: string;
  /** 0..2^64-1. */
  seed: bigint;
  params: RenderParams;
  width: number;
  height: number;
};

export type RenderOutput = {
  png: Uint8Array;
  /** sha-256 of the PNG bytes: the certificate's content digest and token id. */
  contentDigest: Hex;
  /** keccak-256 of the canonical params JSON. */
  paramsHash: Hex;
  canonicalParams: string;
  model: ModelManifestEntry;
  seed: bigint;
  width: number;
  height: number;
};

export const RENDER_LIMITS = {
  maxSide: 8192,
  scale: { min: 1, max: 8 },
  sharpness: { min: 0.25, max: 32 },
  /** Pixels per ONNX run: bounds the float buffers to one band whatever the image size. */
  bandPixels: 1 << 16,
} as const;

/** Bad render input: names the field and the allowed range; nothing was rendered or written. */
export class RenderInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "RenderInputError";
  }
}

/** Canonical JSON of params: sorted keys, no whitespace. */
export function canonicalParams(params: RenderParams): string {
  return canonicalJson({ scale: params.scale, sharpness: params.sharpness });
}

/** The latent vector of a seed: splitmix64 → Box-Muller normals, float32. */
export function latentOf(seed: bigint): Float32Array {
  let state = BigInt.asUintN(64, seed);
  const next = (): number => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  };
  const out = new Float32Array(CPPN.latent);
  for (let i = 0; i < out.length; i++) {
    const u = Math.max(next(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  }
  return out;
}

/** The shipped models' manifest. */
export async function loadManifest(dir = MODELS_DIR): Promise<ModelManifestEntry[]> {
  return JSON.parse(await readFile(path.join(dir, "models.json"), "utf8")) as ModelManifestEntry[];
}

const sessions = new Map<string, Promise<ort.InferenceSession>>();

/** One session per model file; single-threaded so every run computes the same floats. */
async function sessionFor(entry: ModelManifestEntry, dir: string): Promise<ort.InferenceSession> {
  const key = path.join(dir, entry.file);
  let s = sessions.get(key);
  if (s === undefined) {
    s = (async () => {
      const bytes = await readFile(key);
      const digest = `0x${createHash("sha256").update(bytes).digest("hex")}`;
      if (digest !== entry.sha256) throw new Error(`model ${entry.name}: ${key} has sha-256 ${digest}, manifest says ${entry.sha256}`);
      return ort.InferenceSession.create(bytes, {
        intraOpNumThreads: 1,
        interOpNumThreads: 1,
        executionMode: "sequential",
        graphOptimizationLevel: "all",
      });
    })();
    sessions.set(key, s);
  }
  return s;
}

async function sessionFromBytes(digest: Hex, bytes: Uint8Array): Promise<ort.InferenceSession> {
  let s = sessions.get(digest);
  if (s === undefined) {
    s = ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" });
    sessions.set(digest, s);
  }
  return s;
}

/** Checks a render request; throws RenderInputError naming the field and its allowed range. */
export function validateRenderInput(input: RenderInput, manifest: ModelManifestEntry[], maxSide: number = RENDER_LIMITS.maxSide): ModelManifestEntry {
  const entry = manifest.find((m) => m.name === input.model);
  if (entry === undefined) {
    throw new RenderInputError("model", `unknown model "${input.model}"; known: ${manifest.map((m) => m.name).join(", ")}`);
  }
  if (typeof input.seed !== "bigint" || input.seed < 0n || input.seed >= 1n << 64n) {
    throw new RenderInputError("seed", `${String(input.seed)} is outside 0..2^64-1`);
  }
  for (const side of ["width", "height"] as const) {
    const v = input[side];
    if (!Number.isInteger(v) || v < 1 || v > maxSide) throw new RenderInputError(side, `${v} is outside 1..${maxSide}`);
  }
  const { scale, sharpness } = input.params ?? ({} as RenderParams);
  if (!Number.isInteger(scale) || scale < RENDER_LIMITS.scale.min || scale > RENDER_LIMITS.scale.max) {
    throw new RenderInputError("params.scale", `${scale} is not an integer in ${RENDER_LIMITS.scale.min}..${RENDER_LIMITS.scale.max}`);
  }
  if (typeof sharpness !== "number" || !Number.isFinite(sharpness) || sharpness < RENDER_LIMITS.sharpness.min || sharpness > RENDER_LIMITS.sharpness.max) {
    throw new RenderInputError("params.sharpness", `${sharpness} is outside ${RENDER_LIMITS.sharpness.min}..${RENDER_LIMITS.sharpness.max}`);
  }
  return entry;
}

/**
 * Render stage: (model, seed, params, size) → PNG + content digest. Deterministic; a seamless tile
 * (the graph only sees positions through integer-frequency sines); resolution independent (pixel
 * centres in [0,1)², so larger sizes sample the same pattern more finely). Rendered band by band:
 * at most `RENDER_LIMITS.bandPixels` pixels of floats exist at once.
 */
export async function render(
  input: RenderInput,
  options: { modelsDir?: string; maxSide?: number; /** Run these ONNX bytes (e.g. weights fetched by an auditor) instead of the shipped file. */ modelBytes?: Uint8Array } = {},
): Promise<RenderOutput> {
  const dir = options.modelsDir ?? MODELS_DIR;
  let manifest = await loadManifest(dir);
  let digest: Hex | undefined;
  if (options.modelBytes !== undefined) {
    digest = `0x${createHash("sha256").update(options.modelBytes).digest("hex")}`;
    const known = manifest.find((m) => m.sha256 === digest);
    manifest = [{ ...(known ?? { version: "external", file: "", bytes: options.modelBytes.length }), name: input.model, sha256: digest }];
  }
  const entry = validateRenderInput(input, manifest, options.maxSide);
  const session = options.modelBytes !== undefined ? await sessionFromBytes(digest!, options.modelBytes) : await sessionFor(entry, dir);
  const { width, height } = input;
  const z = new ort.Tensor("float32", latentOf(input.seed), [1, CPPN.latent]);
  const scale = new ort.Tensor("float32", Float32Array.of(input.params.scale), [1]);
  const sharpness = new ort.Tensor("float32", Float32Array.of(input.params.sharpness), [1]);
  const bandRows = Math.max(1, Math.min(height, Math.floor(RENDER_LIMITS.bandPixels / width)));
  const png = new PngWriter(width, height);
  const uv = new Float32Array(bandRows * width * 2);
  const rgb8 = new Uint8Array(bandRows * width * 3);
  for (let y0 = 0; y0 < height; y0 += bandRows) {
    const rows = Math.min(bandRows, height - y0);
    const n = rows * width;
    for (let r = 0; r < rows; r++) {
      const v = (y0 + r + 0.5) / height;
      for (let x = 0; x < width; x++) {
        const o = (r * width + x) * 2;
        uv[o] = (x + 0.5) / width;
        uv[o + 1] = v;
      }
    }
    const feeds = {
      [CPPN_IO.uv]: new ort.Tensor("float32", uv.subarray(0, n * 2), [n, 2]),
      [CPPN_IO.z]: z,
      [CPPN_IO.scale]: scale,
      [CPPN_IO.sharpness]: sharpness,
    };
    const out = (await session.run(feeds))[CPPN_IO.rgb]!.data as Float32Array;
    for (let i = 0; i < n * 3; i++) {
      const c = out[i]!;
      rgb8[i] = c <= 0 ? 0 : c >= 1 ? 255 : Math.round(c * 255);
    }
    png.writeRows(rgb8, rows);
  }
  const bytes = await png.finish();
  const canonical = canonicalParams(input.params);
  return {
    png: bytes,
    contentDigest: `0x${createHash("sha256").update(bytes).digest("hex")}`,
    paramsHash: keccak256(stringToBytes(canonical)),
    canonicalParams: canonical,
    model: entry,
    seed: input.seed,
    width,
    height,
  };
}
