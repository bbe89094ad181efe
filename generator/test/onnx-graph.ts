import onnxProto from "onnx-proto";

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
