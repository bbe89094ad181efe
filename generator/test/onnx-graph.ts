import { createHash } from "node:crypto";
import onnxProto from "onnx-proto";

import { type ModelCard, parseModelCard } from "@motif/sdk";

const { onnx } = onnxProto;
const F = onnx.TensorProto.DataType.FLOAT;

/** A node: op, inputs, output, attributes (integers, floats, integer lists). */
export type GraphNode = [op: string, inputs: string[], output: string, attrs?: Record<string, number | number[]>];

/**
 * A small ONNX graph for the model tests, built independently of the CPPN builder: float
 * initializers (one named `shape` is int64, for Reshape), inputs and outputs by dims (`null`: any
 * shape), opset 17.
 */
export function graph(p: { nodes: GraphNode[]; inits: Record<string, [number[], number[]]>; inputs: Record<string, Array<number | string> | null>; outputs: Record<string, Array<number | string>> }): Uint8Array {
  const dim = (d: number | string) => (typeof d === "number" ? onnx.TensorShapeProto.Dimension.create({ dimValue: d }) : onnx.TensorShapeProto.Dimension.create({ dimParam: d }));
  const value = (name: string, dims: Array<number | string> | null) =>
    onnx.ValueInfoProto.create({ name, type: onnx.TypeProto.create({ tensorType: onnx.TypeProto.Tensor.create({ elemType: F, ...(dims === null ? {} : { shape: onnx.TensorShapeProto.create({ dim: dims.map(dim) }) }) }) }) });
  const attr = (name: string, v: number | number[]) =>
    Array.isArray(v)
      ? onnx.AttributeProto.create({ name, ints: v, type: onnx.AttributeProto.AttributeType.INTS })
      : Number.isInteger(v)
        ? onnx.AttributeProto.create({ name, i: v, type: onnx.AttributeProto.AttributeType.INT })
        : onnx.AttributeProto.create({ name, f: v, type: onnx.AttributeProto.AttributeType.FLOAT });
  const g = onnx.GraphProto.create({
    name: "test",
    initializer: Object.entries(p.inits).map(([name, [dims, data]]) =>
      name === "shape"
        ? onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.INT64, int64Data: data })
        : onnx.TensorProto.create({ name, dims, dataType: F, rawData: new Uint8Array(Float32Array.from(data).buffer) }),
    ),
    node: p.nodes.map(([op, inputs, output, attrs]) => onnx.NodeProto.create({ opType: op, input: inputs, output: [output], name: output, attribute: Object.entries(attrs ?? {}).map(([k, v]) => attr(k, v)) })),
    input: Object.entries(p.inputs).map(([n, d]) => value(n, d)),
    output: Object.entries(p.outputs).map(([n, d]) => value(n, d)),
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [onnx.OperatorSetIdProto.create({ domain: "", version: 17 })], graph: g })).finish();
}

export const sha = (b: Uint8Array) => `0x${createHash("sha256").update(b).digest("hex")}` as const;

/** The one param of the test graphs. */
export const SCALE = { name: "scale", type: "number" as const, min: 0.5, max: 2, default: 1 };

/** A coordinate network `rgb = sigmoid(scale · (uv · W))`: in range, deterministic, NOT periodic. */
export const plane = () =>
  graph({
    nodes: [["MatMul", ["uv", "W"], "a"], ["Mul", ["a", "scale"], "b"], ["Add", ["b", "zsum"], "c"], ["Sigmoid", ["c"], "rgb"], ["MatMul", ["z", "ones"], "zsum"]],
    inits: { W: [[2, 3], [1, -2, 0.5, 3, 1, -1]], ones: [[4, 1], [0.1, 0.1, 0.1, 0.1]] },
    inputs: { uv: ["N", 2], z: [1, 4], scale: [1] },
    outputs: { rgb: ["N", 3] },
  });

/** A fixed-size image generator `image = sigmoid(reshape(z · W))` of 3 × side × side from a 4-long latent. */
export function tinyImage(side = 8): Uint8Array {
  const n = 3 * side * side;
  const w = Array.from({ length: 4 * n }, (_, i) => Math.sin(i * 12.9898) * 2);
  return graph({
    nodes: [["MatMul", ["z", "W"], "a"], ["Mul", ["a", "scale"], "b"], ["Sigmoid", ["b"], "s"], ["Reshape", ["s", "shape"], "image"]],
    inits: { W: [[4, n], w], shape: [[4], [1, 3, side, side]] },
    inputs: { z: [1, 4], scale: [1] },
    outputs: { image: [1, 3, side, side] },
  });
}

/** The card of a test graph (a CPPN taking `scale` unless `over` says otherwise). */
export function cardOf(weights: Uint8Array, over: Partial<ModelCard> = {}): ModelCard {
  return parseModelCard({
    schema: "motif-model-card/1",
    name: "test-model",
    version: "1.0.0",
    description: "a test graph",
    io: "motif.cppn/1",
    weights: { digest: sha(weights), bytes: weights.length },
    latent: 4,
    params: [SCALE],
    behaviour: { seamless: false, resolution: "independent" },
    licence: { id: "LicenseRef-Test", text: "test" },
    training: null,
    ...over,
  });
}
