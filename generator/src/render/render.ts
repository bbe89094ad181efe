import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import type { Hex } from "viem";

import { type ModelCard, type ModelParams, ModelParamsError, checkModelParams, encodeModelParams, modelParamsHash } from "@motif/sdk";
import { CPPN, CPPN_PARAMS } from "../model/cppn.js";
import { SESSION_OPTIONS, runCppn, runImage } from "../model/io.js";
import { type ModelManifestEntry, loadManifestSync, manifestEntry, manifestRecord } from "../model/manifest.js";
import { latentOf } from "./latent.js";
import { PngWriter } from "./png.js";
import { bicubicUpscaler } from "./upscale.js";

export { latentOf };

export type { ModelManifestEntry };

/** Where the shipped models and their manifest live. */
export const MODELS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "models");

/** The models folder used when none is given: `MOTIF_MODELS_DIR` (read at each call), else the shipped models. */
export function modelsDir(): string {
  return process.env.MOTIF_MODELS_DIR || MODELS_DIR;
}

/**
 * Style params of a render, by name, as the model's manifest entry declares them (`params`); part
 * of the lineage (their canonical JSON is hashed on-chain).
 */
export type RenderParams = ModelParams;

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

/** Canonical JSON of params: sorted keys, no whitespace (the SDK's `encodeModelParams`). */
export function canonicalParams(params: RenderParams): string {
  return encodeModelParams(params);
}

/**
 * The models of a folder (default: `MOTIF_MODELS_DIR`, else the shipped ones): `models.json` and
 * each model's card, checked (`loadManifestSync`); an error names the file and the model.
 */
export async function loadManifest(dir = modelsDir()): Promise<ModelManifestEntry[]> {
  return loadManifestSync(dir);
}

const ZERO_DIGEST: Hex = `0x${"00".repeat(32)}`;

/**
 * The entry of weights not in the manifest (an upload, an auditor's fetch): from their card when
 * given, else as the named model's (its params, contract, latent and behaviour), else a CPPN's.
 */
function entryOfUnknownWeights(manifest: readonly ModelManifestEntry[], name: string, weights: Uint8Array, digest: Hex, card: ModelCard | undefined): ModelManifestEntry {
  if (card !== undefined) return { ...manifestEntry({ ...manifestRecord(card, weights), file: "", card: "" }, card), name };
  const named = manifest.find((m) => m.name === name);
  const like = named ?? { io: "motif.cppn/1" as const, latent: CPPN.latent, params: [...CPPN_PARAMS], behaviour: { seamless: true, resolution: "independent" as const } };
  return { name, version: "external", file: "", sha256: digest, bytes: weights.length, card: "", cardDigest: ZERO_DIGEST, io: like.io, latent: like.latent, params: like.params, behaviour: like.behaviour };
}


/** Default number of ONNX sessions kept open (`MOTIF_SESSION_CACHE`). */
export const DEFAULT_SESSION_CACHE = 8;

type SessionEntry = { session: Promise<ort.InferenceSession>; users: number; evicted: boolean };

/**
 * The open ONNX sessions, least recently used first (a Map keeps insertion order; a use moves the
 * entry to the end). At most `max` stay open: the oldest is evicted and its native memory released
 * as soon as no render is running on it. Home-made rather than the lru-cache package because an
 * evicted session may still be in use and must be released only after its last run ends.
 */
class SessionCache {
  private readonly entries = new Map<string, SessionEntry>();
  constructor(public max: number) {}

  get size(): number {
    return this.entries.size;
  }

  async use<T>(key: string, create: () => Promise<ort.InferenceSession>, fn: (session: ort.InferenceSession) => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { session: create(), users: 0, evicted: false };
      const created = entry;
      entry.session.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    } else {
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    entry.users++;
    this.trim();
    try {
      return await fn(await entry.session);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) release(entry);
    }
  }

  /** Evicts least recently used sessions beyond `max`. */
  trim(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(key);
      entry.evicted = true;
      if (entry.users === 0) release(entry);
    }
  }
}

function release(entry: SessionEntry): void {
  entry.session.then((s) => s.release()).catch(() => undefined);
}

function sessionCacheSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MOTIF_SESSION_CACHE;
  if (raw === undefined || raw === "") return DEFAULT_SESSION_CACHE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1024) throw new RangeError(`MOTIF_SESSION_CACHE: "${raw}" is not an integer in 1..1024 (open model sessions)`);
  return Number(raw);
}

const sessions = new SessionCache(sessionCacheSize());

/** Sets how many ONNX sessions stay open (least recently used evicted first); returns the old size. */
export function setSessionCacheSize(max: number): number {
  if (!Number.isInteger(max) || max < 1 || max > 1024) throw new RangeError(`session cache size: ${max} is not an integer in 1..1024`);
  const old = sessions.max;
  sessions.max = max;
  sessions.trim();
  return old;
}

/** The shipped model file's session: its bytes are checked against the manifest's digest first. */
function shippedSession(entry: ModelManifestEntry, file: string): () => Promise<ort.InferenceSession> {
  return async () => {
    const bytes = await readFile(file);
    const digest = `0x${createHash("sha256").update(bytes).digest("hex")}`;
    if (digest !== entry.sha256) throw new Error(`model ${entry.name}: ${file} has sha-256 ${digest}, manifest says ${entry.sha256}`);
    return ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  };
}

/** Checks a render request; throws RenderInputError naming the field and its allowed range; the model's entry and the checked params. */
export function validateRenderInput(input: RenderInput, manifest: ModelManifestEntry[], maxSide: number = RENDER_LIMITS.maxSide): { entry: ModelManifestEntry; params: Record<string, number> } {
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
  return { entry, params: renderParams(entry, input.params) };
}

/** `params` checked against the model's declarations (all required, in declaration order), or RenderInputError naming the param, its range and the model. */
export function renderParams(entry: Pick<ModelManifestEntry, "name" | "params">, params: unknown): Record<string, number> {
  try {
    return checkModelParams(entry.params, params, entry.name);
  } catch (error) {
    if (error instanceof ModelParamsError) throw new RenderInputError(error.field, error.detail);
    throw error;
  }
}

/**
 * Render stage: (model, seed, params, size) → PNG + content digest. Deterministic; a seamless tile
 * (the graph only sees positions through integer-frequency sines); resolution independent (pixel
 * centres in [0,1)², so larger sizes sample the same pattern more finely). Rendered band by band:
 * at most `RENDER_LIMITS.bandPixels` pixels of floats exist at once.
 */
export async function render(
  input: RenderInput,
  options: {
    modelsDir?: string;
    maxSide?: number;
    /** Run these ONNX bytes (e.g. weights fetched by an auditor) instead of the shipped file. */
    modelBytes?: Uint8Array;
    /** The card of `modelBytes` (its contract, latent, params and behaviour), when they are not in the folder. */
    card?: ModelCard;
  } = {},
): Promise<RenderOutput> {
  const dir = options.modelsDir ?? modelsDir();
  let manifest = await loadManifest(dir);
  if (options.modelBytes !== undefined) {
    const digest: Hex = `0x${createHash("sha256").update(options.modelBytes).digest("hex")}`;
    const known = manifest.find((m) => m.sha256 === digest);
    manifest = [known !== undefined ? { ...known, name: input.model } : entryOfUnknownWeights(manifest, input.model, options.modelBytes, digest, options.card)];
  }
  const { entry, params } = validateRenderInput(input, manifest, options.maxSide);
  // sessions are keyed by weights digest: the shipped file and the same bytes uploaded share one
  const modelBytes = options.modelBytes;
  const { width, height } = input;
  const bytes = await sessions.use(entry.sha256, modelBytes !== undefined ? () => ort.InferenceSession.create(modelBytes, SESSION_OPTIONS) : shippedSession(entry, path.join(dir, entry.file)), async (session) => {
    const z = latentOf(input.seed, entry.latent);
    const bandRows = Math.max(1, Math.min(height, Math.floor(RENDER_LIMITS.bandPixels / width)));
    const png = new PngWriter(width, height);
    const rgb8 = new Uint8Array(bandRows * width * 3);
    if (entry.io === "motif.image/1") {
      // a fixed-size image, run once, upscaled by motif-bicubic/1 band by band
      const image = await runImage(session, z, params);
      const native = entry.behaviour.resolution;
      if (native === "independent" || image.width !== native.width || image.height !== native.height) {
        throw new Error(`model ${entry.name}: its image is ${image.width}×${image.height}, its card says ${native === "independent" ? "resolution independent" : `${native.width}×${native.height}`}`);
      }
      const upscaler = bicubicUpscaler(image.data, image.width, image.height, width, height, entry.behaviour.seamless);
      for (let y0 = 0; y0 < height; y0 += bandRows) {
        const rows = Math.min(bandRows, height - y0);
        upscaler.rows(y0, rows, rgb8);
        png.writeRows(rgb8, rows);
      }
      return png.finish();
    }
    const uv = new Float32Array(bandRows * width * 2);
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
      const out = await runCppn(session, z, params, uv, n);
      for (let i = 0; i < n * 3; i++) {
        const c = out[i]!;
        rgb8[i] = c <= 0 ? 0 : c >= 1 ? 255 : Math.round(c * 255);
      }
      png.writeRows(rgb8, rows);
    }
    return png.finish();
  });
  return {
    png: bytes,
    contentDigest: `0x${createHash("sha256").update(bytes).digest("hex")}`,
    paramsHash: modelParamsHash(params),
    canonicalParams: canonicalParams(params),
    model: entry,
    seed: input.seed,
    width,
    height,
  };
}
