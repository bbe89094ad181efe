import { createHash } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Hex } from "viem";

import { type ColourwaySpec, ColourwaySpecError, type ModelCard, type ModelParams, ModelParamsError, type PrintSpec, PrintSpecError, checkColourwaySpec, checkModelParams, checkPrintSpec, encodeModelParams, pixelsPerMetre, printPixels, renderParamsHash } from "@motif/sdk";
import { CPPN, CPPN_PARAMS } from "../model/cppn.js";
import type { RawImage } from "../pdq/pdq.js";
import { runImage } from "../model/io.js";
import { type ModelManifestEntry, loadManifestSync, manifestEntry, manifestRecord } from "../model/manifest.js";
import { BAND_PIXELS, bandRowsOf, bandsOf, cppnBand, cppnScratch } from "./bands.js";
import { latentOf } from "./latent.js";
import { pixelBuffer } from "./pixels.js";
import { PngWriter } from "./png.js";
import { RECOLOUR_MIN_LEVELS, RECOLOUR_MIN_SHARE, encodePng, recolourPixels } from "./recolour.js";
import { MAX_RENDER_THREADS, type WorkerPool, renderPool, renderThreads } from "./pool.js";
import { type ModelSource, SessionCache, sessionCacheSize, withSession } from "./sessions.js";
import { bicubicUpscaler } from "./upscale.js";
import type { RenderTask } from "./worker.js";

export { DEFAULT_SESSION_CACHE } from "./sessions.js";
export { closeRenderPools, renderThreads } from "./pool.js";

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
  /**
   * A render for print (docs/design/print-repeats.md): the tile seamless under `repeat`, square,
   * `printPixels(sizeCm, dpi)` a side (width and height must be that), its DPI in the PNG's `pHYs`
   * chunk; part of the lineage (`paramsHash` covers it). Absent: the seamless block tile of every
   * render before print specs, byte for byte.
   */
  print?: PrintSpec;
  /**
   * A colourway of a design (docs/design/colourways.md): the design's render (this model, seed,
   * params and print spec) recoloured by the map (motif-recolour/1); part of the lineage
   * (`paramsHash` covers it). Absent: the design itself.
   */
  colourway?: ColourwaySpec;
};

export type RenderOutput = {
  png: Uint8Array;
  /** sha-256 of the PNG bytes: the certificate's content digest and token id. */
  contentDigest: Hex;
  /** keccak-256 of the canonical render params (`renderParamsHash`: the params, and the print spec when there is one). */
  paramsHash: Hex;
  /** Canonical JSON of the model params alone (the print spec, when there is one, is `print`). */
  canonicalParams: string;
  /** The checked print spec, when the render is for print. */
  print?: PrintSpec;
  /** The checked colourway (design and colour map), when the render is one. */
  colourway?: ColourwaySpec;
  model: ModelManifestEntry;
  seed: bigint;
  width: number;
  height: number;
  /** With `RenderOptions.pixels`: the rendered 8-bit RGB pixels, row-major (the PNG's pixels, not encoded). */
  pixels?: RawImage;
};

export const RENDER_LIMITS = {
  maxSide: 8192,
  /** Pixels per ONNX run: bounds the float buffers to one band whatever the image size. */
  bandPixels: BAND_PIXELS,
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


const sessions = new SessionCache(sessionCacheSize());

/** Sets how many ONNX sessions the main thread keeps open (least recently used evicted first); returns the old size. */
export function setSessionCacheSize(max: number): number {
  if (!Number.isInteger(max) || max < 1 || max > 1024) throw new RangeError(`session cache size: ${max} is not an integer in 1..1024`);
  const old = sessions.max;
  sessions.max = max;
  sessions.trim();
  return old;
}

/** Checks a render request; throws RenderInputError naming the field and its allowed range; the model's entry and the checked params. */
export function validateRenderInput(input: RenderInput, manifest: ModelManifestEntry[], maxSide: number = RENDER_LIMITS.maxSide): { entry: ModelManifestEntry; params: Record<string, number>; print?: PrintSpec } {
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
  const params = renderParams(entry, input.params);
  return input.print === undefined ? { entry, params } : { entry, params, print: printSpecOf(entry, input) };
}

/**
 * The checked print spec of a request (RenderInputError naming `print.repeat`, `print.sizeCm`,
 * `print.dpi` or the side, and the allowed range): the size at that DPI must be the request's width
 * and height, and the model must be able to render the repeat: any repeat but block needs a
 * coordinate network (`motif.cppn/1`: its inputs are remapped), half-drop and brick a seamless one
 * (periodic in u and v: the map relies on it).
 */
function printSpecOf(entry: ModelManifestEntry, input: RenderInput): PrintSpec {
  let print: PrintSpec;
  try {
    print = checkPrintSpec(input.print);
  } catch (error) {
    if (error instanceof PrintSpecError) throw new RenderInputError(error.field, error.detail);
    throw error;
  }
  const side = printPixels(print.sizeCm, print.dpi);
  for (const axis of ["width", "height"] as const) {
    if (input[axis] !== side) throw new RenderInputError(axis, `${input[axis]} px, but the print spec's ${print.sizeCm} cm at ${print.dpi} DPI is a square tile of ${side} px (round(cm / 2.54 × DPI))`);
  }
  if (print.repeat !== "block" && entry.io !== "motif.cppn/1") {
    throw new RenderInputError("print.repeat", `"${print.repeat}" needs a coordinate-network model (motif.cppn/1); model ${entry.name} is ${entry.io}: only "block"`);
  }
  if ((print.repeat === "half-drop" || print.repeat === "brick") && !entry.behaviour.seamless) {
    throw new RenderInputError("print.repeat", `"${print.repeat}" needs a seamless model (periodic in u and v); model ${entry.name} is not: "block" or "mirror"`);
  }
  return print;
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

export type RenderOptions = {
  modelsDir?: string;
  maxSide?: number;
  /** Run these ONNX bytes (e.g. weights fetched by an auditor) instead of the shipped file. */
  modelBytes?: Uint8Array;
  /** The card of `modelBytes` (its contract, latent, params and behaviour), when they are not in the folder. */
  card?: ModelCard;
  /**
   * Render threads (1..64; default `MOTIF_RENDER_THREADS`, else one a core up to 8): 1 renders every
   * band on this thread; more renders bands in that many worker threads. The bytes are the same.
   */
  threads?: number;
  /** Stops the render between bands (it rejects with the signal's reason); nothing is returned. */
  signal?: AbortSignal;
  /** Called each time a band has been written to the PNG, with the bands done and their total. */
  onBand?: (done: number, total: number) => void;
  /**
   * Keep the rendered pixels and return them as `pixels` (the fingerprint reads them instead of
   * decoding the PNG again): width × height × 3 bytes more for the render's duration, shared with
   * the render workers (each writes its bands in place), so nothing is copied between threads.
   * `releasePixels` (./pixels.ts) hands them back for a later render once nothing reads them.
   */
  pixels?: boolean;
};

/**
 * Render stage: (model, seed, params, size) → PNG + content digest. Deterministic; a seamless tile
 * (the graph only sees positions through integer-frequency sines); resolution independent (pixel
 * centres in [0,1)², so larger sizes sample the same pattern more finely). Rendered band by band:
 * at most `RENDER_LIMITS.bandPixels` pixels of floats exist at once per thread. With more than one
 * render thread, bands render in worker threads (each single-threaded: the same floats) while
 * this thread writes the finished ones to the PNG strictly in order, so the bytes are those of
 * the one-thread render; at most two bands a thread are in flight.
 */
export async function render(input: RenderInput, options: RenderOptions = {}): Promise<RenderOutput> {
  if (input.colourway !== undefined) return renderColourway(input, input.colourway, options);
  const dir = options.modelsDir ?? modelsDir();
  let manifest = await loadManifest(dir);
  if (options.modelBytes !== undefined) {
    const digest: Hex = `0x${createHash("sha256").update(options.modelBytes).digest("hex")}`;
    const known = manifest.find((m) => m.sha256 === digest);
    manifest = [known !== undefined ? { ...known, name: input.model } : entryOfUnknownWeights(manifest, input.model, options.modelBytes, digest, options.card)];
  }
  const { entry, params, print } = validateRenderInput(input, manifest, options.maxSide);
  const repeat = print?.repeat ?? "block";
  const ppm = print !== undefined ? pixelsPerMetre(print.dpi) : undefined;
  const threads = options.threads ?? renderThreads();
  if (!Number.isInteger(threads) || threads < 1 || threads > MAX_RENDER_THREADS) throw new RangeError(`threads: ${threads} is not an integer in 1..${MAX_RENDER_THREADS}`);
  const { width, height } = input;
  // sessions are keyed by weights digest: the shipped file and the same bytes uploaded share one
  // (bytes of their own, exactly: a view into a larger buffer would be copied whole to each worker)
  const model: ModelSource =
    options.modelBytes !== undefined ? { key: entry.sha256, name: entry.name, bytes: new Uint8Array(options.modelBytes) } : { key: entry.sha256, name: entry.name, file: path.join(dir, entry.file) };
  const z = latentOf(input.seed, entry.latent);
  const bands = bandsOf(width, height);
  // one band gains nothing from a worker: it stays on this thread
  const pool = threads > 1 && bands.length > 1 ? renderPool(threads) : undefined;
  // shared with the workers: each writes its bands' pixels in place (every pixel: a reused buffer needs no clearing)
  const pixels = options.pixels === true ? pixelBuffer(width * height * 3) : undefined;
  const progress = { signal: options.signal, onBand: options.onBand, pixels, pixelsPerMetre: ppm };
  let bytes: Uint8Array;
  if (entry.io === "motif.image/1") {
    // a fixed-size image, run once, upscaled by motif-bicubic/1 band by band
    const image = await withSession(sessions, model, (session) => runImage(session, z, params));
    const native = entry.behaviour.resolution;
    if (native === "independent" || image.width !== native.width || image.height !== native.height) {
      throw new Error(`model ${entry.name}: its image is ${image.width}×${image.height}, its card says ${native === "independent" ? "resolution independent" : `${native.width}×${native.height}`}`);
    }
    const seamless = entry.behaviour.seamless;
    if (pool !== undefined) {
      // the image in shared memory: every band's task names it, none copies it
      const data = new Float32Array(new SharedArrayBuffer(image.data.byteLength));
      data.set(image.data);
      const shared = { key: nextImageKey++, data, width: image.width, height: image.height };
      bytes = await renderInPool(pool, width, height, bands, (b) => ({ kind: "upscale", image: shared, seamless, width, height, ...b, pixels }), progress);
    } else {
      const upscaler = bicubicUpscaler(image.data, image.width, image.height, width, height, seamless);
      const rgb8 = new Uint8Array(bandRowsOf(width, height) * width * 3);
      bytes = await renderInThread(width, height, bands, async (b) => (upscaler.rows(b.y0, b.rows, rgb8), rgb8), progress);
    }
  } else if (pool !== undefined) {
    bytes = await renderInPool(pool, width, height, bands, (b) => ({ kind: "cppn", model, z, params, width, height, ...b, ...(repeat !== "block" ? { repeat } : {}), pixels }), progress);
  } else {
    const scratch = cppnScratch(width, bandRowsOf(width, height));
    bytes = await withSession(sessions, model, (session) => renderInThread(width, height, bands, (b) => cppnBand(session, z, params, width, height, b.y0, b.rows, scratch, repeat), progress));
  }
  return {
    png: bytes,
    contentDigest: `0x${createHash("sha256").update(bytes).digest("hex")}`,
    paramsHash: renderParamsHash(params, print),
    canonicalParams: canonicalParams(params),
    ...(print !== undefined ? { print } : {}),
    model: entry,
    seed: input.seed,
    width,
    height,
    ...(pixels !== undefined ? { pixels: { data: pixels, width, height, channels: 3 } } : {}),
  };
}

/** A colourway: its design rendered (pixels kept), recoloured, encoded again; the lineage's hash covers the map. */
async function renderColourway(input: RenderInput, spec: unknown, options: RenderOptions): Promise<RenderOutput> {
  let colourway: ColourwaySpec;
  try {
    colourway = checkColourwaySpec(spec);
  } catch (error) {
    if (error instanceof ColourwaySpecError) throw new RenderInputError(error.field, error.detail);
    throw error;
  }
  const { colourway: _, ...designInput } = input;
  const design = await render(designInput, { ...options, pixels: true });
  const { pixels: recolouredPixels, moved } = recolourPixels(design.pixels!.data, colourway.map);
  const count = design.width * design.height;
  if (moved < count * RECOLOUR_MIN_SHARE) {
    // a map whose from colours are far from the design's: the design again, not a colourway of it
    throw new RenderInputError("colourway.map", `moves ${moved} of the design's ${count} pixels by more than ${RECOLOUR_MIN_LEVELS} levels, under the ${RECOLOUR_MIN_SHARE * 100}% a colourway must recolour: map colours the design has`);
  }
  const png = await encodePng(recolouredPixels, design.width, design.height, design.print !== undefined ? pixelsPerMetre(design.print.dpi) : undefined);
  const params = JSON.parse(design.canonicalParams) as Record<string, number>;
  const { pixels: recoloured, ...rest } = design;
  return {
    ...rest,
    png,
    contentDigest: `0x${createHash("sha256").update(png).digest("hex")}`,
    paramsHash: renderParamsHash(params, design.print, colourway),
    colourway,
    ...(options.pixels === true ? { pixels: recoloured! } : {}),
  };
}

type Band = { y0: number; rows: number };
/**
 * The render's stop signal and progress callback, the buffer its pixels are kept in
 * (`RenderOptions.pixels`), and the PNG's pixels per metre (a print render's DPI; absent: no pHYs).
 */
type Progress = Pick<RenderOptions, "signal" | "onBand"> & { pixels: Uint8Array | undefined; pixelsPerMetre?: number | undefined };

/**
 * Band buffers the compressor is done with, handed to the next tasks to fill (this render's or the
 * next one's: a 512² render is four bands): otherwise every band is a new buffer moved to this
 * thread, and their garbage (hundreds of MB at print size, megabytes a pattern at pattern rates)
 * outgrows the collector. A band is at most `BAND_PIXELS` pixels, so most buffers fit any band; a
 * worker handed one too small fills a new one instead.
 */
const spareBands: ArrayBuffer[] = [];
const MAX_SPARE_BANDS = 32;

/** Names the image of an upscaled render to the workers (they keep its upscaler while its bands come). */
let nextImageKey = 1;

/** The one-thread render: each band's RGB rows (`rgbOf`) written to the PNG as it is made. */
async function renderInThread(width: number, height: number, bands: readonly Band[], rgbOf: (band: Band) => Promise<Uint8Array>, { signal, onBand, pixels, pixelsPerMetre }: Progress): Promise<Uint8Array> {
  const png = new PngWriter(width, height, pixelsPerMetre);
  try {
    for (let i = 0; i < bands.length; i++) {
      signal?.throwIfAborted();
      const { y0, rows } = bands[i]!;
      const rgb = await rgbOf(bands[i]!);
      pixels?.set(rgb.subarray(0, rows * width * 3), y0 * width * 3);
      if (!png.writeRows(rgb, rows)) await png.drained();
      onBand?.(i + 1, bands.length);
    }
    return await png.finish();
  } catch (error) {
    png.destroy();
    throw error;
  }
}

/**
 * The render in worker threads: each band a task (`taskOf`), at most two a thread in flight, the
 * finished ones (already PNG-filtered) written strictly in band order while the next render; the
 * compressor's backlog is waited out, so memory stays a few bands whatever the size.
 */
async function renderInPool(pool: WorkerPool, width: number, height: number, bands: readonly Band[], taskOf: (band: Band) => RenderTask, { signal, onBand, pixelsPerMetre }: Progress): Promise<Uint8Array> {
  const png = new PngWriter(width, height, pixelsPerMetre);
  const window = pool.size * 2;
  const inFlight = new Map<number, Promise<Uint8Array>>();
  // a failed or stopped render drops its bands still waiting for a worker
  const dropped = new AbortController();
  const stop = signal === undefined ? dropped.signal : AbortSignal.any([signal, dropped.signal]);
  let next = 0;
  try {
    for (let i = 0; i < bands.length; i++) {
      signal?.throwIfAborted();
      for (; next < bands.length && next < i + window; next++) {
        const into = spareBands.pop();
        const task = pool.run<Uint8Array>(into === undefined ? taskOf(bands[next]!) : { ...taskOf(bands[next]!), into }, into === undefined ? [] : [into], stop);
        task.catch(() => undefined); // awaited in order below; a later band's failure must not go unhandled meanwhile
        inFlight.set(next, task);
      }
      const filtered = await untilAborted(inFlight.get(i)!, signal);
      inFlight.delete(i);
      const consumed = () => void (spareBands.length < MAX_SPARE_BANDS && spareBands.push(filtered.buffer as ArrayBuffer));
      if (!png.writeFiltered(filtered, bands[i]!.rows, consumed)) await untilAborted(png.drained(), signal);
      onBand?.(i + 1, bands.length);
    }
    return await png.finish();
  } catch (error) {
    dropped.abort(error);
    png.destroy();
    throw error;
  }
}

/** `promise`, or the signal's reason as soon as it is aborted. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(signal.reason);
    signal.addEventListener("abort", abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", abort));
  });
}
