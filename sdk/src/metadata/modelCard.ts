import { type Hex, sha256 } from "viem";

import { canonicalJson } from "../canonical.js";
import { type ModelParamDeclaration, ModelParamsError, parseModelParamDeclarations } from "../params/modelParams.js";
import { MetadataError, arr, decodeDocument, fail, hex32, int, obj, str } from "./check.js";

/**
 * The ONNX I/O contracts a model can implement (docs/model-io.md):
 * - `motif.cppn/1`: a coordinate network, resolution independent. Inputs `uv` float32 [N, 2]
 *   (pixel centres in [0,1)²), `z` float32 [1, latent] (the seed's latent), one float32 [1] per
 *   declared param under its name; output `rgb` float32 [N, 3] in 0..1.
 * - `motif.image/1`: a fixed-size image generator. Inputs `z` float32 [1, latent] and the params;
 *   output `image` float32 [1, 3, height, width] in 0..1, which the renderer upscales to the
 *   requested size by periodic (seamless) or clamped bicubic interpolation (`motif-bicubic/1`).
 */
export const MODEL_IO_CONTRACTS = ["motif.cppn/1", "motif.image/1"] as const;
export type ModelIoContract = (typeof MODEL_IO_CONTRACTS)[number];

/** The schema tag of a model card document. */
export const MODEL_CARD_SCHEMA = "motif-model-card/1";

/** The names the I/O contracts give their tensors: no param may take one (its feed would replace the tensor). */
export const MODEL_IO_NAMES = ["uv", "z", "rgb", "image"] as const;

/**
 * The most bytes a card may have: one raw block as IPFS stores it (256 KiB), so that the registered
 * digest is the digest of a block a gateway serves (a larger file is chunked under another CID).
 */
export const MODEL_CARD_MAX_BYTES = 262_144;

/** The most bytes a name and a version may have (the registry's `MAX_NAME_LENGTH` and `MAX_VERSION_LENGTH`). */
const NAME_BYTES = 64;
const VERSION_BYTES = 32;
const TRAINER_BYTES = 32;

/** What a model was trained on, as its card states it (the registry stores the digests). */
export type ModelCardTraining = {
  /** Merkle root of the training data (a dataset certificate's root, or the studio's swatches'). */
  dataRoot: Hex;
  /** The dataset certificate it was trained on, as `tokenIdHex`; absent for uncertified swatches. */
  datasetId?: Hex;
  /** Number of training images. */
  members: number;
  /** The training config (everything a re-run needs), and its sha-256 over canonical JSON (`trainingConfigDigest`). */
  config: Record<string, unknown>;
  configDigest: Hex;
  /** Trainer name and version, e.g. "motif-train/1.0.0" (1..32 bytes). */
  trainer: string;
};

/**
 * A model card (`motif-model-card/1`): what a model is, what it takes and how it behaves, under
 * which licence, and what it was trained on. Pinned as canonical JSON; its sha-256 (the digest of
 * its raw-codec CIDv1, `modelCardDigest`) is registered on chain with the weights (`cardDigest`).
 */
export type ModelCard = {
  schema: typeof MODEL_CARD_SCHEMA;
  name: string;
  version: string;
  description: string;
  /** The ONNX I/O contract the weights implement. */
  io: ModelIoContract;
  /** sha-256 and size of the ONNX file (the registry's `weightsDigest`). */
  weights: { digest: Hex; bytes: number };
  /** Length of the latent vector `z` the seed is turned into. */
  latent: number;
  /** The params the model takes: the CLI flags, API schema, web form and canonical params derive from them. */
  params: ModelParamDeclaration[];
  /** Native behaviour: whether its tiles repeat without a seam, and its resolution. */
  behaviour: { seamless: boolean; resolution: "independent" | { width: number; height: number } };
  /** Licence of the model (an SPDX id where one fits) and its text or a summary. */
  licence: { id: string; text: string };
  /** What it was trained on; null for a model whose weights were drawn, not trained. */
  training: ModelCardTraining | null;
};

const byteLength = (s: string) => new TextEncoder().encode(s).length;
const label = (v: unknown, path: string, max: number): string => {
  const s = str(v, path);
  const n = byteLength(s);
  return n >= 1 && n <= max ? s : fail(path, `1..${max} bytes of text`, v);
};

/**
 * Checks that `json` (a parsed card, its JSON text or its bytes) is a model card and returns it
 * typed; throws `MetadataError` naming the first bad field and what was expected. The training
 * config's digest must be the sha-256 of its canonical JSON; a fixed-size model declares its size,
 * and a coordinate network is resolution independent.
 *
 * @example
 * import { parseModelCard } from "@motif/sdk";
 * try {
 *   parseModelCard({ schema: "motif-model-card/1", name: "saffron" });
 * } catch (error) {
 *   console.log((error as Error).message.split("\n")[0]); // "version: expected a string, got nothing"
 * }
 */
export function parseModelCard(json: unknown): ModelCard {
  const d = obj(decodeDocument(json), "(document)");
  if (d.schema !== MODEL_CARD_SCHEMA) fail("schema", `"${MODEL_CARD_SCHEMA}"`, d.schema);
  label(d.name, "name", NAME_BYTES);
  label(d.version, "version", VERSION_BYTES);
  str(d.description, "description");
  if (!MODEL_IO_CONTRACTS.includes(d.io as ModelIoContract)) fail("io", `one of ${MODEL_IO_CONTRACTS.map((c) => `"${c}"`).join(", ")}`, d.io);
  const w = obj(d.weights, "weights");
  hex32(w.digest, "weights.digest");
  int(w.bytes, "weights.bytes", 1, Number.MAX_SAFE_INTEGER);
  int(d.latent, "latent", 1, 4096);
  try {
    parseModelParamDeclarations(arr(d.params, "params"), str(d.name, "name"));
  } catch (error) {
    if (error instanceof ModelParamsError) throw new MetadataError(error.field, error.detail);
    throw error;
  }
  (d.params as Array<{ name: string }>).forEach((p, i) => {
    if ((MODEL_IO_NAMES as readonly string[]).includes(p.name)) fail(`params[${i}].name`, `a name other than the I/O contracts' tensors (${MODEL_IO_NAMES.join(", ")})`, p.name);
  });
  const b = obj(d.behaviour, "behaviour");
  if (typeof b.seamless !== "boolean") fail("behaviour.seamless", "true or false", b.seamless);
  if (d.io === "motif.cppn/1") {
    if (b.resolution !== "independent") fail("behaviour.resolution", `"independent" (a motif.cppn/1 model is sampled at any size)`, b.resolution);
  } else {
    const r = obj(b.resolution, "behaviour.resolution");
    int(r.width, "behaviour.resolution.width", 1, 4096);
    int(r.height, "behaviour.resolution.height", 1, 4096);
  }
  const l = obj(d.licence, "licence");
  label(l.id, "licence.id", 64);
  str(l.text, "licence.text");
  if (d.training !== null) {
    const t = obj(d.training, "training");
    hex32(t.dataRoot, "training.dataRoot");
    if (t.datasetId !== undefined) hex32(t.datasetId, "training.datasetId");
    int(t.members, "training.members", 1, 2 ** 32 - 1);
    const config = obj(t.config, "training.config");
    hex32(t.configDigest, "training.configDigest");
    const digest = trainingConfigDigest(config);
    if ((t.configDigest as string).toLowerCase() !== digest) fail("training.configDigest", `${digest} (sha-256 of the canonical config)`, t.configDigest);
    label(t.trainer, "training.trainer", TRAINER_BYTES);
  }
  const size = new TextEncoder().encode(canonicalJson(d)).length;
  if (size > MODEL_CARD_MAX_BYTES) fail("(document)", `a card of at most ${MODEL_CARD_MAX_BYTES} bytes (one raw IPFS block; put long texts behind a CID)`, `${size} bytes`);
  return d as ModelCard;
}

/** sha-256 of a training config's canonical JSON: the registry's `training.configDigest`. */
export function trainingConfigDigest(config: Record<string, unknown>): Hex {
  return sha256(new TextEncoder().encode(canonicalJson(config)));
}

/** The bytes a card is pinned as: canonical JSON (sorted keys, no whitespace), one raw block. */
export function encodeModelCard(card: ModelCard): Uint8Array {
  return new TextEncoder().encode(canonicalJson(parseModelCard(card)));
}

/**
 * sha-256 of the card's canonical bytes: the digest of its raw CIDv1, registered as `cardDigest`.
 *
 * @example
 * import { modelCardDigest } from "@motif/sdk";
 * const digest = modelCardDigest({
 *   schema: "motif-model-card/1", name: "saffron", version: "1.0.0", description: "Warm florals.",
 *   io: "motif.cppn/1", weights: { digest: "0xf68b813696817914f406dfe8784d87eb13bcc3f36832b489f15e6414095cf502", bytes: 8561 }, latent: 8,
 *   params: [{ name: "scale", type: "integer", min: 1, max: 8, default: 2 }],
 *   behaviour: { seamless: true, resolution: "independent" }, licence: { id: "LicenseRef-Motif-Model-1.0", text: "Licensed through Motif offers." }, training: null,
 * });
 * console.log(digest.length); // 66
 */
export function modelCardDigest(card: ModelCard): Hex {
  return sha256(encodeModelCard(card));
}

/** The registry's training lineage of a card (all zero for an untrained model): what `registerModel` sends. */
export function trainingLineageOf(card: Pick<ModelCard, "training">): { datasetId: bigint; dataRoot: Hex; configDigest: Hex; trainer: string } {
  const t = card.training;
  const zero = `0x${"00".repeat(32)}` as Hex;
  if (t === null) return { datasetId: 0n, dataRoot: zero, configDigest: zero, trainer: "" };
  return { datasetId: t.datasetId !== undefined ? BigInt(t.datasetId) : 0n, dataRoot: t.dataRoot, configDigest: t.configDigest, trainer: t.trainer };
}
