import { createHash } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";

import { MODEL_CARD_SCHEMA, type ModelCard, parseModelCard, trainingConfigDigest, trainingFilesRoot } from "@motif/sdk";
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
 */
export const TRAINER = "motif-train/1.0.0";

/** The image files a swatch folder may hold. */
export const SWATCH_EXTENSIONS = [".png", ".jpg", ".jpeg", ".webp"] as const;

/** The training config a card records: the trainer's, plus the side swatches are brought to. */
export type StudioTrainConfig = TrainConfig & {
  /** Swatches larger than this (after a centred square crop) are area-averaged down to it, px. */
  swatchPx: number;
};

/** The full configuration (about 7–10 minutes on 2 cores) and the seconds-long one for tests and demos. */
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
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => e.isFile() && SWATCH_EXTENSIONS.includes(path.extname(e.name).toLowerCase() as never)).map((e) => e.name).sort();
  } catch (error) {
    throw new TrainInputError("swatches", `${dir} is not a readable folder (${(error as Error).message.split("\n")[0]})`);
  }
  if (names.length === 0) throw new TrainInputError("swatches", `${dir} holds no ${SWATCH_EXTENSIONS.join(", ")} file`);
  return Promise.all(names.map(async (n) => swatchFile(path.join(dir, n), await readFile(path.join(dir, n)))));
}

/** Checks a config's every field against its range; TrainInputError names the first that is out. */
export function checkTrainConfig(c: StudioTrainConfig): StudioTrainConfig {
  const int = (field: keyof StudioTrainConfig, min: number, max: number) => {
    const v = c[field] as number;
    if (!Number.isInteger(v) || v < min || v > max) throw new TrainInputError(`config.${field}`, `${v} is not an integer in ${min}..${max}`);
  };
  const pow2 = (field: "crop" | "tile") => {
    if ((c[field] & (c[field] - 1)) !== 0) throw new TrainInputError(`config.${field}`, `${c[field]} is not a power of two`);
  };
  int("seed", 0, 2 ** 32 - 1);
  int("steps", 1, 100_000);
  int("batch", 1, 64);
  int("crop", 8, 256);
  pow2("crop");
  int("tile", c.crop, 1024);
  int("colours", 2, 16);
  if (c.frequencies !== CPPN.frequencies || c.hidden !== CPPN.hidden) throw new TrainInputError("config.frequencies", `the motif.cppn/1 family is built with ${CPPN.frequencies} frequencies and ${CPPN.hidden} hidden units (got ${c.frequencies}, ${c.hidden})`);
  int("scale", 1, 8);
  if (!(c.sharpness >= 0.25 && c.sharpness <= 32)) throw new TrainInputError("config.sharpness", `${c.sharpness} is outside 0.25..32`);
  if (!(c.lr > 0 && c.lr <= 1)) throw new TrainInputError("config.lr", `${c.lr} is outside (0, 1]`);
  int("colourDirections", 1, 256);
  int("patchDirections", 1, 256);
  if (!Array.isArray(c.dilations) || c.dilations.length < 1 || c.dilations.some((d) => !Number.isInteger(d) || d < 1 || 2 * d >= c.crop)) throw new TrainInputError("config.dilations", `[${c.dilations.join(", ")}] must be integers from 1 with 2·d below the ${c.crop}-px crop`);
  if (!(c.spectral >= 0 && c.spectral <= 1000)) throw new TrainInputError("config.spectral", `${c.spectral} is outside 0..1000`);
  int("swatchPx", c.crop, 1024);
  if (c.pairing !== "nearest" && c.pairing !== "imle") throw new TrainInputError("config.pairing", `${JSON.stringify(c.pairing)} is not "nearest" or "imle"`);
  int("candidates", 1, 256);
  return c;
}

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
  // area average: output pixel (X, Y) covers source [X·side/out, (X+1)·side/out), partial pixels weighted
  const f = side / out;
  for (let Y = 0; Y < out; Y++) {
    const [ya, yb] = [Y * f, (Y + 1) * f];
    for (let X = 0; X < out; X++) {
      const [xa, xb] = [X * f, (X + 1) * f];
      const acc = [0, 0, 0];
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const w = wy * (Math.min(xb, x + 1) - Math.max(xa, x));
          for (let c = 0; c < 3; c++) acc[c]! += w * at(x, y, c);
        }
      }
      for (let c = 0; c < 3; c++) rgb[(Y * out + X) * 3 + c] = acc[c]! / (f * f);
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

/** Trains a studio model from its swatch files and returns its ONNX bytes and model card. */
export async function trainStudioModel(input: StudioTrainInput): Promise<StudioModel> {
  const config = checkTrainConfig({ ...input.config, dilations: [...input.config.dilations] });
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
 * a studio's swatches when `datasetId` is 0): what `verifyCertificate`'s `retrain` returns.
 */
export async function retrainWeightsDigest(request: { card: ModelCard; datasetId: bigint; dataRoot: Hex; images: ReadonlyArray<{ tokenId?: Hex; imageDigest?: Hex; bytes: Uint8Array }> }): Promise<Hex> {
  const config = configOfCard(request.card);
  const files = request.images.map((m, i) => swatchFile(m.tokenId !== undefined ? `member ${m.tokenId}` : `image ${i + 1}`, m.bytes));
  const dataset = request.datasetId === 0n ? undefined : { id: `0x${request.datasetId.toString(16).padStart(64, "0")}` as Hex, root: request.dataRoot, imageDigests: request.images.flatMap((m) => [m.imageDigest, m.tokenId].filter((d): d is Hex => d !== undefined)) };
  const model = await trainStudioModel({ files, name: request.card.name, version: request.card.version, config, description: request.card.description, licence: request.card.licence, ...(dataset !== undefined ? { dataset } : {}) });
  return model.weightsDigest;
}
