import { createHash } from "node:crypto";
import onnxProto from "onnx-proto";
import type { Hex } from "viem";

import { type ModelCard, type ModelParamDeclaration, MODEL_CARD_SCHEMA, parseModelCard } from "@motif/sdk";
import { type ModelManifestEntry, manifestEntry, manifestRecord } from "./manifest.js";

export type { ModelManifestEntry };

const { onnx } = onnxProto;

/**
 * Motif's generative model family: a compositional pattern-producing network (CPPN). Every pixel's
 * colour is a function of its position and a latent vector derived from the seed:
 *
 *   uv ∈ [0,1)²  →  features sin/cos(2π·scale·(uv·B))      B: integer frequencies, so the pattern
 *                                                          repeats exactly at the tile edges
 *   h1 = sin(features·W1 + z·Wz + b1)                      z: latent from the seed
 *   h2 = tanh(h1·W2 + b2)
 *   h3 = exp(-(h2·W3 + b3)²)                               gaussian activation
 *   rgb = softmax(sharpness·(h3·Wp + bp)) · palette        palette head: a blend of brand colours
 *
 * A "brand" model (a stand-in for a fine-tuned model) is this graph with its own weights, drawn
 * from a brand seed, and its own palette. Built deterministically: the same spec gives the same
 * ONNX bytes, whose sha-256 is the weights digest registered on-chain.
 */
export type BrandSpec = {
  name: string;
  version: string;
  /** Seed of the brand's weights. */
  weightSeed: number;
  /** Brand colours, sRGB 0..255. */
  palette: Array<[number, number, number]>;
  /**
   * Params beyond `scale` and `sharpness` (CPPN_PARAMS): each a float32 [1] graph input of its name,
   * added to the first hidden layer's pre-activation (a phase shift of its sines).
   */
  extraParams?: ModelParamDeclaration[];
};

/** The params every CPPN graph takes, as its manifest entry declares them (the one declaration). */
export const CPPN_PARAMS: readonly ModelParamDeclaration[] = [
  { name: "scale", type: "integer", min: 1, max: 8, default: 2, step: 1, description: "integer frequency multiplier: larger repeats more often inside the tile" },
  { name: "sharpness", type: "number", min: 0.25, max: 32, default: 4, step: 0.25, description: "palette sharpness: low blends colours, high gives crisp flat areas" },
];

/** The params a brand's graph takes: CPPN_PARAMS, then its extra ones. */
export const brandParams = (spec: BrandSpec): ModelParamDeclaration[] => [...CPPN_PARAMS, ...(spec.extraParams ?? [])];


/** The licence every shipped model is offered under. */
export const SHIPPED_MODEL_LICENCE = {
  id: "LicenseRef-Motif-Model-1.0",
  text: "Patterns rendered with this model may be certified and licensed through Motif; the model owner receives its registered royalty share of every licence sale and usage royalty. The weights may be fetched and run to verify certificates.",
} as const;

/** The model card of a brand's built ONNX bytes: a coordinate network with drawn weights (no training data). */
export function brandModelCard(spec: BrandSpec, bytes: Uint8Array): ModelCard {
  return parseModelCard({
    schema: MODEL_CARD_SCHEMA,
    name: spec.name,
    version: spec.version,
    description: `Motif's "${spec.name}" brand model: a compositional pattern-producing network with weights drawn from seed ${spec.weightSeed} (a stand-in for a fine-tuned model) and a ${spec.palette.length}-colour palette.`,
    io: "motif.cppn/1",
    weights: { digest: `0x${createHash("sha256").update(bytes).digest("hex")}`, bytes: bytes.length },
    latent: CPPN.latent,
    params: brandParams(spec),
    behaviour: { seamless: true, resolution: "independent" },
    licence: { ...SHIPPED_MODEL_LICENCE },
    training: null,
  });
}

/** The manifest entry of a brand's built ONNX bytes (what `npm run models` writes, with its card). */
export function brandManifestEntry(spec: BrandSpec, bytes: Uint8Array): ModelManifestEntry {
  const card = brandModelCard(spec, bytes);
  return manifestEntry(manifestRecord(card, bytes), card);
}

/** Graph dimensions shared by every brand. */
export const CPPN = {
  frequencies: 6,
  latent: 8,
  hidden: 24,
  maxFrequency: 3,
  opset: 17,
} as const;

/** Inputs and output of the ONNX graph. */
export const CPPN_IO = {
  uv: "uv", // float32 [N, 2]
  z: "z", // float32 [1, latent]
  scale: "scale", // float32 [1], integer-valued
  sharpness: "sharpness", // float32 [1]
  rgb: "rgb", // float32 [N, 3], 0..1
} as const;

/** Deterministic 32-bit PRNG (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The weights of a brand model (row-major float32 matrices). */
export type CppnWeights = {
  B: Float32Array; // [2, M]
  W1: Float32Array; // [2M, H]
  Wz: Float32Array; // [Z, H]
  b1: Float32Array; // [H]
  W2: Float32Array; // [H, H]
  b2: Float32Array;
  W3: Float32Array; // [H, H]
  b3: Float32Array;
  Wp: Float32Array; // [H, P]
  bp: Float32Array; // [P]
  palette: Float32Array; // [P, 3], 0..1
};

/** Draws a brand's weights from its seed (deterministic). */
export function cppnWeights(spec: BrandSpec): CppnWeights {
  const rand = mulberry32(spec.weightSeed);
  const normal = () => {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const { frequencies: M, latent: Z, hidden: H, maxFrequency: K } = CPPN;
  const P = spec.palette.length;

  // Integer frequency vectors (kx, ky), never (0, 0): periodic in both axes with period 1.
  const B = new Float32Array(2 * M);
  for (let m = 0; m < M; m++) {
    let kx = 0;
    let ky = 0;
    while (kx === 0 && ky === 0) {
      kx = Math.floor(rand() * (2 * K + 1)) - K;
      ky = Math.floor(rand() * (2 * K + 1)) - K;
    }
    B[m] = kx; // row 0 (u) of the [2, M] matrix
    B[M + m] = ky; // row 1 (v)
  }
  const matrix = (rows: number, cols: number, std: number) => Float32Array.from({ length: rows * cols }, () => normal() * std);
  const W1 = matrix(2 * M, H, 1.2);
  const Wz = matrix(Z, H, 0.8);
  const b1 = matrix(1, H, 0.5);
  const W2 = matrix(H, H, 1 / Math.sqrt(H) * 1.5);
  const b2 = matrix(1, H, 0.3);
  const W3 = matrix(H, H, 1 / Math.sqrt(H) * 1.5);
  const b3 = matrix(1, H, 0.3);
  const Wp = matrix(H, P, 1.5);
  const bp = matrix(1, P, 0.2);
  const palette = Float32Array.from(spec.palette.flat(), (c) => c / 255);
  return { B, W1, Wz, b1, W2, b2, W3, b3, Wp, bp, palette };
}

/** Builds the ONNX model of a brand. Same spec → same bytes. */
export function buildCppnModel(spec: BrandSpec): Uint8Array {
  return buildCppnOnnx(spec, cppnWeights(spec));
}

/**
 * The ONNX model of a CPPN with these weights (drawn for a brand, or trained): the graph above, its
 * dimensions taken from the weights (frequencies from B, hidden width from b1, palette size from bp;
 * latent 8). Same inputs → same bytes.
 */
export function buildCppnOnnx(spec: Pick<BrandSpec, "name" | "version" | "extraParams">, weights: CppnWeights): Uint8Array {
  const { B, W1, Wz, b1, W2, b2, W3, b3, Wp, bp, palette } = weights;
  const M = B.length / 2;
  const H = b1.length;
  const Z = Wz.length / H;
  const P = bp.length;
  const extra = spec.extraParams ?? [];

  const init = (name: string, dims: number[], data: Float32Array) =>
    onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer.slice(0)) });
  const node = (op: string, inputs: string[], outputs: string[], attributes: InstanceType<typeof onnx.AttributeProto>[] = []) =>
    onnx.NodeProto.create({ opType: op, input: inputs, output: outputs, name: outputs[0], attribute: attributes });
  const intAttr = (name: string, i: number) =>
    onnx.AttributeProto.create({ name, i, type: onnx.AttributeProto.AttributeType.INT });
  const value = (name: string, dims: Array<number | string>) =>
    onnx.ValueInfoProto.create({
      name,
      type: onnx.TypeProto.create({
        tensorType: onnx.TypeProto.Tensor.create({
          elemType: onnx.TensorProto.DataType.FLOAT,
          shape: onnx.TensorShapeProto.create({
            dim: dims.map((d) =>
              typeof d === "number" ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }),
            ),
          }),
        }),
      }),
    });

  const graph = onnx.GraphProto.create({
    name: `motif-cppn-${spec.name}`,
    initializer: [
      init("B", [2, M], B),
      init("two_pi", [1], Float32Array.of(2 * Math.PI)),
      init("W1", [2 * M, H], W1),
      init("Wz", [Z, H], Wz),
      init("b1", [H], b1),
      init("W2", [H, H], W2),
      init("b2", [H], b2),
      init("W3", [H, H], W3),
      init("b3", [H], b3),
      init("Wp", [H, P], Wp),
      init("bp", [P], bp),
      init("palette", [P, 3], palette),
    ],
    node: [
      node("MatMul", [CPPN_IO.uv, "B"], ["uvB"]),
      node("Mul", ["uvB", CPPN_IO.scale], ["uvBs"]),
      node("Mul", ["uvBs", "two_pi"], ["angle"]),
      node("Sin", ["angle"], ["fsin"]),
      node("Cos", ["angle"], ["fcos"]),
      node("Concat", ["fsin", "fcos"], ["features"], [intAttr("axis", 1)]),
      node("MatMul", ["features", "W1"], ["a1"]),
      node("MatMul", [CPPN_IO.z, "Wz"], ["zc"]),
      node("Add", ["a1", "zc"], ["a1z"]),
      node("Add", ["a1z", "b1"], [extra.length > 0 ? "a1b0" : "a1b"]),
      ...extra.map((p, i) => node("Add", [`a1b${i}`, p.name], [i === extra.length - 1 ? "a1b" : `a1b${i + 1}`])),
      node("Sin", ["a1b"], ["h1"]),
      node("MatMul", ["h1", "W2"], ["a2"]),
      node("Add", ["a2", "b2"], ["a2b"]),
      node("Tanh", ["a2b"], ["h2"]),
      node("MatMul", ["h2", "W3"], ["a3"]),
      node("Add", ["a3", "b3"], ["a3b"]),
      node("Mul", ["a3b", "a3b"], ["a3sq"]),
      node("Neg", ["a3sq"], ["a3neg"]),
      node("Exp", ["a3neg"], ["h3"]),
      node("MatMul", ["h3", "Wp"], ["logits"]),
      node("Add", ["logits", "bp"], ["logitsb"]),
      node("Mul", ["logitsb", CPPN_IO.sharpness], ["logitss"]),
      node("Softmax", ["logitss"], ["weights"], [intAttr("axis", -1)]),
      node("MatMul", ["weights", "palette"], [CPPN_IO.rgb]),
    ],
    input: [value(CPPN_IO.uv, ["N", 2]), value(CPPN_IO.z, [1, Z]), value(CPPN_IO.scale, [1]), value(CPPN_IO.sharpness, [1]), ...extra.map((p) => value(p.name, [1]))],
    output: [value(CPPN_IO.rgb, ["N", 3])],
  });

  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "motif",
    producerVersion: spec.version,
    domain: "ai.motif",
    modelVersion: 1,
    docString: `Motif CPPN brand model "${spec.name}" ${spec.version}`,
    opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: CPPN.opset })],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
