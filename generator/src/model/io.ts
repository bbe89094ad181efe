import * as ort from "onnxruntime-node";

import type { ModelCard, ModelIoContract } from "@motif/sdk";

/**
 * The ONNX I/O contracts (docs/model-io.md), run: the feeds each one takes and the output it gives.
 * Shared by the renderer and by the registration check, so both run a model the same way.
 */
export const IO_NAMES = {
  "motif.cppn/1": { inputs: ["uv", "z"], output: "rgb" },
  "motif.image/1": { inputs: ["z"], output: "image" },
} as const satisfies Record<ModelIoContract, { inputs: readonly string[]; output: string }>;

/**
 * Single-threaded, sequential: the same floats on every run and machine (the renderer's settings).
 * Parallel renders run several such sessions in worker threads (render/pool.ts), never one session
 * with several threads.
 */
export const SESSION_OPTIONS: ort.InferenceSession.SessionOptions = { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" };

/** The inputs a model implementing `io` with these params must take, in order: the contract's, then one per param. */
export function expectedInputs(io: ModelIoContract, paramNames: readonly string[]): string[] {
  return [...IO_NAMES[io].inputs, ...paramNames];
}

const paramFeeds = (params: Readonly<Record<string, number>>) =>
  Object.fromEntries(Object.entries(params).map(([name, v]) => [name, new ort.Tensor("float32", Float32Array.of(v), [1])]));

/** `motif.cppn/1`: the colours (float32 [n, 3]) at `n` positions `uv` (float32 [n, 2]). */
export async function runCppn(session: ort.InferenceSession, z: Float32Array, params: Readonly<Record<string, number>>, uv: Float32Array, n: number): Promise<Float32Array> {
  const out = await session.run({
    uv: new ort.Tensor("float32", uv.subarray(0, n * 2), [n, 2]),
    z: new ort.Tensor("float32", z, [1, z.length]),
    ...paramFeeds(params),
  });
  return out[IO_NAMES["motif.cppn/1"].output]!.data as Float32Array;
}

/** The dims of a `motif.cppn/1` output for `n` positions (the contract says [n, 3]). */
export async function runCppnDims(session: ort.InferenceSession, z: Float32Array, params: Readonly<Record<string, number>>, uv: Float32Array, n: number): Promise<readonly number[]> {
  const out = await session.run({ uv: new ort.Tensor("float32", uv.subarray(0, n * 2), [n, 2]), z: new ort.Tensor("float32", z, [1, z.length]), ...paramFeeds(params) });
  return out[IO_NAMES["motif.cppn/1"].output]!.dims;
}

/** `motif.image/1`: the image (float32 [1, 3, height, width], planar) and its dims. */
export async function runImage(session: ort.InferenceSession, z: Float32Array, params: Readonly<Record<string, number>>): Promise<{ data: Float32Array; width: number; height: number; dims: readonly number[] }> {
  const out = (await session.run({ z: new ort.Tensor("float32", z, [1, z.length]), ...paramFeeds(params) }))[IO_NAMES["motif.image/1"].output]!;
  const dims = out.dims;
  return { data: out.data as Float32Array, width: Number(dims[3] ?? 0), height: Number(dims[2] ?? 0), dims };
}

/** The native size of a fixed-size model (from its card). */
export function nativeSize(card: Pick<ModelCard, "behaviour">): { width: number; height: number } | undefined {
  const r = card.behaviour.resolution;
  return r === "independent" ? undefined : r;
}
