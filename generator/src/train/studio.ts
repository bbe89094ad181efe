import { createHash } from "node:crypto";
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";

import { MODEL_CARD_SCHEMA, type ModelCard, parseModelCard, tokenIdHex, trainingConfigDigest, trainingFilesRoot } from "@motif/sdk";
import { CPPN, CPPN_PARAMS, SHIPPED_MODEL_LICENCE, buildCppnOnnx } from "../model/cppn.js";
import { decodeImage } from "../pdq/decode.js";
import { toCppnWeights } from "./cppn-grad.js";
import { type Swatch, TRAIN_DEFAULTS, TRAIN_QUICK, type TrainConfig, type TrainResult, cppnTrainer, paramsDigest } from "./trainer.js";

/**
 * A studio's model from its own swatches (issue 19 §2): image files → square swatches at a fixed
 * size → `trainCppn` → the ONNX graph of the shipped family (`buildCppnOnnx`) → its model card with
 * the training lineage (the data's Merkle root, the config and its digest, the trainer). Everything
 * a re-run needs is in the card's `training.config`; the swatches are taken in order of their
 * sha-256, so the same files (under any names) and config give byte-identical weights.
 *
 * TRAINER names what a config means: when the weights a config gives change, it changes (and a card
 * of an earlier trainer is not re-run here). 1.1.0: swatches in several colourways are paired within
 * a colourway drawn per sample (`colourwayGap`); one colourway gives 1.0.0's weights.
 */
export const TRAINER = "motif-train/1.1.0";

/** The image files a swatch folder may hold. */
export const SWATCH_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp"] as const;

/** The training config a card records: the trainer's, plus the side swatches are brought to. */
export type StudioTrainConfig = TrainConfig & {
  /** Swatches larger than this (after a centred square crop) are area-averaged down to it, px. */
  swatchPx: number;
};

/** The full configuration (about 7 minutes on 2 cores: 431 s measured) and the seconds-long one for tests and demos. */
export const STUDIO_DEFAULTS: StudioTrainConfig = { ...TRAIN_DEFAULTS, swatchPx: 128 };
export const STUDIO_QUICK: StudioTrainConfig = { ...TRAIN_QUICK, swatchPx: 96 };

/** A training file: its name (for messages only), bytes and sha-256. */
export type SwatchFile = { name: string; bytes: Uint8Array; digest: Hex };

/** Bad training input: names the field or file and what was expected; nothing was trained or written. */
export class TrainInputError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`);
    this.name = "TrainInputError";
  }
}

const sha256 = (b: Uint8Array): Hex => `0x${createHash("sha256").update(b).digest("hex")}`;

/** A file as a training input. */
export const swatchFile = (name: string, bytes: Uint8Array): SwatchFile => ({ name, bytes, digest: sha256(bytes) });

/** The image files of a folder (not recursive; other files are ignored), in name order. */
export async function readSwatchFolder(dir: string): Promise<SwatchFile[]> {
  let names: string[];
  try {
    const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => SWATCH_EXTENSIONS.includes(path.extname(e.name).toLowerCase() as never));
    // a link counts as the file it points to (a folder of links to a studio's archive)
    const files = await Promise.all(entries.map(async (e) => (e.isFile() || (e.isSymbolicLink() && (await stat(path.join(dir, e.name)).catch(() => undefined))?.isFile() === true) ? e.name : undefined)));
    names = files.filter((n): n is string => n !== undefined).sort();
  } catch (error) {
    throw new TrainInputError("swatches", `${dir} is not a readable folder (${(error as Error).message.split("\n")[0]})`);
  }
  if (names.length === 0) throw new TrainInputError("swatches", `${dir} holds no ${SWATCH_EXTENSIONS.join(", ")} file`);
  if (names.length > SWATCH_LIMITS.files) throw new TrainInputError("swatches", `${dir} holds ${names.length} image files, more than ${SWATCH_LIMITS.files}`);
  const out: SwatchFile[] = [];
  let total = 0;
  for (const n of names) {
    const bytes = await readFile(path.join(dir, n));
    total += bytes.length;
    if (total > SWATCH_LIMITS.bytes) throw new TrainInputError("swatches", `${dir}: its image files pass ${SWATCH_LIMITS.bytes / 2 ** 20} MiB in all at ${n}`);
    out.push(swatchFile(path.join(dir, n), bytes));
  }
  return out;
}

/** How many swatch files, and how many bytes in all, a training takes (a studio's "few dozen" with room). */
export const SWATCH_LIMITS = { files: 512, bytes: 512 * 2 ** 20 } as const;

/** Checks a model's name and version as its card will (1..64 and 1..32 bytes): before any work. */
export function checkModelLabels(name: string, version: string): void {
  const bytes = (s: string) => new TextEncoder().encode(s).length;
  if (bytes(name) < 1 || bytes(name) > 64) throw new TrainInputError("name", `${JSON.stringify(name)} is not 1..64 bytes of text`);
  if (bytes(version) < 1 || bytes(version) > 32) throw new TrainInputError("version", `${JSON.stringify(version)} is not 1..32 bytes of text`);
}

/** Checks a config's every field against its range; TrainInputError names the first that is out. */
export function checkTrainConfig(c: StudioTrainConfig): StudioTrainConfig {
  const int = (field: keyof StudioTrainConfig, min: number, max: number) => {
    const v = c[field] as unknown;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) throw new TrainInputError(`config.${field}`, `${JSON.stringify(v)} is not an integer in ${min}..${max}`);
  };
  const num = (field: "lr" | "sharpness" | "spectral" | "colourwayGap", min: number, max: number, open = false) => {
    const v = c[field] as unknown;
    if (typeof v !== "number" || !Number.isFinite(v) || (open ? v <= min : v < min) || v > max) throw new TrainInputError(`config.${field}`, `${JSON.stringify(v)} is not a number in ${open ? "(" : ""}${min}${open ? "" : ".."}${open ? ", " : ""}${max}${open ? "]" : ""}`);
  };
  const pow2 = (field: "crop" | "tile") => {
    if ((c[field] & (c[field] - 1)) !== 0) throw new TrainInputError(`config.${field}`, `${c[field]} is not a power of two`);
  };
  int("seed", 0, 2 ** 32 - 1);
  int("steps", 1, 100_000);
  int("batch", 1, TRAIN_LIMITS.batch);
  int("crop", 8, TRAIN_LIMITS.crop);
  pow2("crop");
  int("tile", c.crop, 1024);
  int("colours", 2, 16);
  if (c.frequencies !== CPPN.frequencies || c.hidden !== CPPN.hidden) throw new TrainInputError("config.frequencies", `the motif.cppn/1 family is built with ${CPPN.frequencies} frequencies and ${CPPN.hidden} hidden units (got ${c.frequencies}, ${c.hidden})`);
  int("scale", 1, 8);
  num("sharpness", 0.25, 32);
  num("lr", 0, 1, true);
  int("colourDirections", 1, TRAIN_LIMITS.directions);
  int("patchDirections", 1, TRAIN_LIMITS.directions);
  const dil = c.dilations as unknown;
  if (!Array.isArray(dil) || dil.length < 1 || dil.length > TRAIN_LIMITS.dilations || new Set(dil).size !== dil.length || dil.some((d) => typeof d !== "number" || !Number.isInteger(d) || d < 1 || 2 * d >= c.crop)) {
    throw new TrainInputError("config.dilations", `${JSON.stringify(dil)} must be 1..${TRAIN_LIMITS.dilations} distinct integers from 1 with 2·d below the ${c.crop}-px crop`);
  }
  num("spectral", 0, 1000);
  int("swatchPx", c.crop, TRAIN_LIMITS.swatchPx);
  if (c.pairing !== "nearest" && c.pairing !== "imle") throw new TrainInputError("config.pairing", `${JSON.stringify(c.pairing)} is not "nearest" or "imle"`);
  int("candidates", 1, TRAIN_LIMITS.candidates);
  num("colourwayGap", 0, 10);
  const cost = trainCost(c) / trainCost(STUDIO_DEFAULTS);
  if (cost > TRAIN_LIMITS.costVsFull) throw new TrainInputError("config", `steps × batch × crop² × (1 + dilations) is ${cost.toFixed(1)}× the full configuration's, above ${TRAIN_LIMITS.costVsFull}× (about ${TRAIN_LIMITS.costVsFull * 10} minutes on 2 cores): refused before training`);
  return c;
}

/**
 * Bounds on a training config, so a card's config (what `motif model retrain` and
 * `motif verify --retrain` run for anyone) cannot ask for years of CPU: each field's range, and the
 * work — steps × batch × crop² × (1 + dilations) — at most `costVsFull` times the full configuration's.
 */
export const TRAIN_LIMITS = { batch: 16, crop: 128, swatchPx: 512, directions: 64, dilations: 8, candidates: 64, costVsFull: 12 } as const;

/** Relative work of a config (the quantity its time scales with). */
export const trainCost = (c: Pick<StudioTrainConfig, "steps" | "batch" | "crop" | "dilations">): number => c.steps * c.batch * c.crop ** 2 * (1 + c.dilations.length);

/**
 * A file as a swatch: decoded (PNG, JPEG, WebP; alpha and grey expanded to RGB), cropped to its
 * centred square, and area-averaged down to `px` when larger (plain arithmetic, not the image
 * library's resampler, so a re-run elsewhere gives the same floats). Refuses a swatch smaller than
 * `min` px.
 */
export async function swatchOf(file: SwatchFile, px: number, min: number): Promise<Swatch> {
  const img = await decodeImage(file.bytes, file.name);
  const side = Math.min(img.width, img.height);
  if (side < min) throw new TrainInputError(file.name, `${img.width}×${img.height} px is smaller than the ${min}-px training crop`);
  const [x0, y0] = [(img.width - side) >> 1, (img.height - side) >> 1];
  const ch = img.channels;
  const at = (x: number, y: number, c: number) => {
    const o = ((y0 + y) * img.width + x0 + x) * ch;
    return img.data[o + (ch >= 3 ? c : 0)]! / 255;
  };
  const out = Math.min(px, side);
  const rgb = new Float64Array(out * out * 3);
  // area average: output pixel (X, Y) covers source [X·side/out, (X+1)·side/out), partial pixels
  // weighted; the last bound is exactly `side`, and no index reaches past it
  for (let Y = 0; Y < out; Y++) {
    const [ya, yb] = [(Y * side) / out, ((Y + 1) * side) / out];
    for (let X = 0; X < out; X++) {
      const [xa, xb] = [(X * side) / out, ((X + 1) * side) / out];
      const acc = [0, 0, 0];
      let weights = 0;
      for (let y = Math.floor(ya); y < Math.min(side, Math.ceil(yb)); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.min(side, Math.ceil(xb)); x++) {
          const w = wy * (Math.min(xb, x + 1) - Math.max(xa, x));
          weights += w;
          for (let c = 0; c < 3; c++) acc[c]! += w * at(x, y, c);
        }
      }
      for (let c = 0; c < 3; c++) rgb[(Y * out + X) * 3 + c] = acc[c]! / weights;
    }
  }
  return { rgb, side: out };
}

export type StudioTrainInput = {
  files: readonly SwatchFile[];
  name: string;
  version: string;
  config: StudioTrainConfig;
  description?: string;
  licence?: { id: string; text: string };
  /**
   * The dataset certificate the files are the members of (`tokenIdHex`) and its Merkle root: the
   * card names it instead of a root of the raw files. Each file's sha-256 must be a member's
   * image digest (the caller checks membership; `imageDigests` are the members').
   */
  dataset?: { id: Hex; root: Hex; imageDigests: readonly Hex[] };
  onStep?: (step: number, loss: number) => void;
  /** Stops training between steps: the promise rejects with TrainAbortedError, nothing is returned. */
  signal?: AbortSignal;
};

/** Training stopped by its signal (SIGINT, SIGTERM): after `step` of `steps`; nothing was made. */
export class TrainAbortedError extends Error {
  constructor(
    readonly step: number,
    readonly steps: number,
  ) {
    super(`training stopped after step ${step} of ${steps}; no model was made`);
    this.name = "TrainAbortedError";
  }
}

export type StudioModel = { onnx: Uint8Array; card: ModelCard; result: TrainResult; dataRoot: Hex; weightsDigest: Hex };

const stopped = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/** Trains a studio model from its swatch files and returns its ONNX bytes and model card. */
export async function trainStudioModel(input: StudioTrainInput): Promise<StudioModel> {
  const config = checkTrainConfig({ ...input.config, dilations: Array.isArray(input.config.dilations) ? [...input.config.dilations] : input.config.dilations });
  checkModelLabels(input.name, input.version);
  if (input.files.length === 0) throw new TrainInputError("swatches", "no file given");
  // one file per content, in digest order: the names and the order given do not change the weights
  const files = [...new Map(input.files.map((f) => [f.digest.toLowerCase(), f])).values()].sort((a, b) => (a.digest.toLowerCase() < b.digest.toLowerCase() ? -1 : 1));
  if (input.dataset !== undefined) {
    const members = new Set(input.dataset.imageDigests.map((d) => d.toLowerCase()));
    for (const f of files) if (!members.has(f.digest.toLowerCase())) throw new TrainInputError(f.name, `sha-256 ${f.digest} is not the image of a member of dataset ${input.dataset.id}`);
  }
  const swatches: Swatch[] = [];
  for (const f of files) swatches.push(await swatchOf(f, config.swatchPx, config.crop));
  const trainer = cppnTrainer(swatches, config);
  while (trainer.done < config.steps) {
    // yield to the event loop between steps: a signal handler runs, an abort is seen within a step
    await new Promise((resolve) => setImmediate(resolve));
    if (input.signal?.aborted === true) throw new TrainAbortedError(trainer.done, config.steps);
    const step = trainer.done;
    const loss = trainer.step(); // not inside onStep?.(…): an absent callback would skip the step
    input.onStep?.(step, loss);
  }
  // a stop seen during the last step still stops: nothing is returned
  if (stopped(input.signal)) throw new TrainAbortedError(trainer.done, config.steps);
  const result = trainer.result();
  const onnx = buildCppnOnnx({ name: input.name, version: input.version }, toCppnWeights(result.params, Float64Array.from(result.palette.srgb.flat(), (v) => v / 255)));
  const weightsDigest = sha256(onnx);
  const dataRoot = input.dataset?.root ?? trainingFilesRoot(files.map((f) => f.digest));
  const recorded: Record<string, unknown> = { ...config, swatchOrder: "sha-256", paramsDigest: `0x${paramsDigest(result.params)}` };
  const palette = result.palette.srgb.map(([r, g, b]) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`);
  const card = parseModelCard({
    schema: MODEL_CARD_SCHEMA,
    name: input.name,
    version: input.version,
    description: input.description ?? `A studio model trained by ${TRAINER} on ${files.length} swatch${files.length === 1 ? "" : "es"}: a compositional pattern-producing network in the motif.cppn/1 family with a ${palette.length}-colour palette drawn from them (${palette.join(" ")}).`,
    io: "motif.cppn/1",
    weights: { digest: weightsDigest, bytes: onnx.length },
    latent: CPPN.latent,
    params: CPPN_PARAMS.map((p) => ({ ...p, default: p.name === "scale" ? config.scale : p.name === "sharpness" ? config.sharpness : p.default })),
    behaviour: { seamless: true, resolution: "independent" },
    licence: input.licence ?? { ...SHIPPED_MODEL_LICENCE },
    training: {
      dataRoot,
      ...(input.dataset !== undefined ? { datasetId: input.dataset.id } : {}),
      members: files.length,
      config: recorded,
      configDigest: trainingConfigDigest(recorded),
      trainer: TRAINER,
    },
  });
  if (stopped(input.signal)) throw new TrainAbortedError(trainer.done, config.steps);
  return { onnx, card, result, dataRoot, weightsDigest };
}

/**
 * The config a card records, as the trainer takes it again (for a re-run): TrainInputError when the
 * card was not made by this trainer or a field is missing.
 */
export function configOfCard(card: ModelCard): StudioTrainConfig {
  const t = card.training;
  if (t === null) throw new TrainInputError("card.training", `model ${card.name} ${card.version} was not trained (its card has no training lineage)`);
  if (t.trainer !== TRAINER) throw new TrainInputError("card.training.trainer", `"${t.trainer}" is not ${TRAINER}; only its own configs re-run here`);
  const c = t.config as Record<string, unknown>;
  const out = {} as Record<string, unknown>;
  for (const k of Object.keys(STUDIO_DEFAULTS)) {
    if (c[k] === undefined) throw new TrainInputError(`card.training.config.${k}`, "missing");
    out[k] = c[k];
  }
  return checkTrainConfig(out as StudioTrainConfig);
}

/**
 * The weights digest a re-run of a card's training gives on `images` (a dataset's member images, or
 * a studio's swatches when `datasetId` is 0): what `verifyCertificate`'s `retrain` returns;
 * undefined for a card of another trainer (it cannot be re-run here). A card whose config is out of
 * `TRAIN_LIMITS` throws TrainInputError before any work.
 */
export async function retrainWeightsDigest(request: { card: ModelCard; datasetId: bigint; dataRoot: Hex; images: ReadonlyArray<{ tokenId?: Hex; imageDigest?: Hex; bytes: Uint8Array }> }): Promise<Hex | undefined> {
  // another trainer's model (PyTorch, JAX…) is not this trainer's to re-run: not checked, not failed
  if (request.card.training?.trainer !== TRAINER) return undefined;
  const config = configOfCard(request.card);
  const files = request.images.map((m, i) => swatchFile(m.tokenId !== undefined ? `member ${m.tokenId}` : `image ${i + 1}`, m.bytes));
  const dataset = request.datasetId === 0n ? undefined : { id: tokenIdHex(request.datasetId), root: request.dataRoot, imageDigests: request.images.flatMap((m) => [m.imageDigest, m.tokenId].filter((d): d is Hex => d !== undefined)) };
  const model = await trainStudioModel({ files, name: request.card.name, version: request.card.version, config, description: request.card.description, licence: request.card.licence, ...(dataset !== undefined ? { dataset } : {}) });
  return model.weightsDigest;
}
