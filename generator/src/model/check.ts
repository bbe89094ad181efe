import { createHash } from "node:crypto";
import * as ort from "onnxruntime-node";

import { type ModelCard, parseModelCard } from "@motif/sdk";
import { latentOf } from "../render/latent.js";
import { SESSION_OPTIONS, expectedInputs, IO_NAMES, nativeSize, runCppn, runCppnDims, runImage } from "./io.js";

/** One check of a model against its card, passed or not, in words. */
export type ModelCheckItem = { check: "weights" | "io" | "shape" | "range" | "determinism" | "seamless" | "params"; passed: boolean; detail: string };

/** A model that does not do what its card says: `reason` is the first failed check in words. */
export class ModelCheckError extends Error {
  override name = "ModelCheckError";
  constructor(
    readonly check: ModelCheckItem["check"],
    readonly reason: string,
    readonly items: ModelCheckItem[],
  ) {
    super(`model check (${check}): ${reason}`);
  }
}

/** How far outside 0..1 an output may stray (float rounding of a softmax or a sigmoid). */
const RANGE_SLACK = 1e-3;
/** Largest colour step across a seamless coordinate network's tile edge: under half an 8-bit level. */
const EDGE_SLACK = 1 / 512;
/** Seeds the check renders: 0, a large one, and two between. */
const SEEDS = [0n, 1n, 0x9e3779b97f4a7c15n, 0xffffffffffffffffn] as const;

/**
 * The param sets the check renders: the defaults, then each param (others at default) at every
 * value when it is an integer param of at most 17 values, else at its min, quartiles and max.
 */
function paramSets(card: ModelCard): Array<Record<string, number>> {
  const defaults = Object.fromEntries(card.params.map((p) => [p.name, p.default]));
  const sets = [defaults];
  for (const p of card.params) {
    const span = p.max - p.min;
    const values = p.type === "integer" && span <= 16 ? Array.from({ length: span + 1 }, (_, i) => p.min + i) : [0, 0.25, 0.5, 0.75, 1].map((f) => (p.type === "integer" ? Math.round(p.min + f * span) : p.min + f * span));
    for (const v of new Set(values)) if (v !== p.default) sets.push({ ...defaults, [p.name]: v });
  }
  return sets;
}

/** Samples per line of the seam check: pixel centres at this pitch along u (or v). */
const LINE = 256;

/**
 * A grid of `side × side` pixel centres in [0,1)², the two tile edges (u = 0 and 1, v = 0 and 1) at
 * `side` points each, and 4 lines along u and 4 along v at `LINE` pixel centres each (the seam check
 * compares the step across the tile edge with the steps inside).
 */
function samplePositions(side: number): { uv: Float32Array; n: number; grid: number; lines: number } {
  const grid = side * side;
  const lines = grid + 4 * side;
  const n = lines + 8 * LINE;
  const uv = new Float32Array(n * 2);
  for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) uv.set([(x + 0.5) / side, (y + 0.5) / side], (y * side + x) * 2);
  for (let i = 0; i < side; i++) {
    const t = (i + 0.5) / side;
    uv.set([0, t, 1, t, t, 0, t, 1], (grid + 4 * i) * 2);
  }
  for (let l = 0; l < 4; l++) {
    const at = (l + 0.37) / 4;
    for (let i = 0; i < LINE; i++) {
      const t = (i + 0.5) / LINE;
      uv.set([t, at], (lines + l * LINE + i) * 2);
      uv.set([at, t], (lines + (4 + l) * LINE + i) * 2);
    }
  }
  return { uv, n, grid, lines };
}

const digestOf = (a: Float32Array) => createHash("sha256").update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest("hex");

/**
 * Runs `weights` against its `card` before registration (issue 19 §1): the bytes are the card's
 * (sha-256 and size), the graph takes exactly the contract's inputs and one per declared param and
 * gives the contract's output, every output is finite and in 0..1 at the defaults and at each
 * param's bounds for several seeds, two runs (and a fresh session) give identical floats, and a
 * model declared seamless repeats without a seam (a coordinate network: the same colour at u = 0
 * and u = 1, v = 0 and v = 1; an image: its wrap-around edges no rougher than its interior). Returns
 * what passed; throws `ModelCheckError` naming the first failed check and why.
 */
export async function checkModel(cardInput: unknown, weights: Uint8Array): Promise<ModelCheckItem[]> {
  const card = parseModelCard(cardInput);
  const items: ModelCheckItem[] = [];
  const pass = (check: ModelCheckItem["check"], detail: string) => items.push({ check, passed: true, detail });
  const fail = (check: ModelCheckItem["check"], detail: string): never => {
    items.push({ check, passed: false, detail });
    throw new ModelCheckError(check, detail, items);
  };

  const digest = `0x${createHash("sha256").update(weights).digest("hex")}`;
  if (digest !== card.weights.digest.toLowerCase()) fail("weights", `the file's sha-256 is ${digest}, the card says ${card.weights.digest}`);
  if (weights.length !== card.weights.bytes) fail("weights", `the file has ${weights.length} bytes, the card says ${card.weights.bytes}`);
  pass("weights", `sha-256 ${digest}, ${weights.length} bytes, as the card says`);

  let session: ort.InferenceSession;
  try {
    session = await ort.InferenceSession.create(weights, SESSION_OPTIONS);
  } catch (error) {
    return fail("io", `onnxruntime cannot load the file: ${(error as Error).message.split("\n")[0]}`);
  }
  try {
    const want = expectedInputs(card.io, card.params.map((p) => p.name));
    const have = [...session.inputNames];
    const missing = want.filter((n) => !have.includes(n));
    const extra = have.filter((n) => !want.includes(n));
    if (missing.length > 0 || extra.length > 0) {
      fail("io", `${card.io} with params ${card.params.map((p) => p.name).join(", ") || "(none)"} takes inputs ${want.join(", ")}; the graph takes ${have.join(", ")}${missing.length ? ` (missing ${missing.join(", ")})` : ""}${extra.length ? ` (not in the card: ${extra.join(", ")})` : ""}`);
    }
    const output = IO_NAMES[card.io].output;
    if (!session.outputNames.includes(output)) fail("io", `${card.io} gives output "${output}"; the graph gives ${session.outputNames.join(", ")}`);
    pass("io", `${card.io}: inputs ${want.join(", ")}, output ${output}`);

    const sets = paramSets(card);
    const side = 24;
    const positions = samplePositions(side);
    const size = nativeSize(card);
    const run = async (s: ort.InferenceSession, seed: bigint, params: Record<string, number>) => {
      const z = latentOf(seed, card.latent);
      if (card.io === "motif.cppn/1") return { data: await runCppn(s, z, params, positions.uv, positions.n) };
      const img = await runImage(s, z, params);
      const expected = [1, 3, size!.height, size!.width];
      if (img.dims.length !== 4 || img.dims.some((d, i) => Number(d) !== expected[i])) fail("shape", `the image is [${img.dims.join(", ")}], the card says [${expected.join(", ")}]`);
      return { data: img.data, width: img.width, height: img.height };
    };

    // every (seed, param set): the shape, the range, the same floats on a second run and in other
    // batch splits (a position's colour may not depend on the rest of its batch: the renderer runs
    // bands), and, declared seamless, no seam
    let worstEdge = 0;
    let worstSeam = { wrap: 0, interior: 0 };
    const halves = card.io === "motif.cppn/1" ? [0, Math.floor(positions.n / 2), positions.n] : [];
    for (const seed of SEEDS) {
      for (const params of sets) {
        const where = `seed ${seed}, params ${JSON.stringify(params)}`;
        let out: Awaited<ReturnType<typeof run>>;
        let again: Awaited<ReturnType<typeof run>>;
        try {
          out = await run(session, seed, params);
          again = await run(session, seed, params);
        } catch (error) {
          if (error instanceof ModelCheckError) throw error;
          return fail("shape", `running it with ${where} failed: ${(error as Error).message.split("\n")[0]}`);
        }
        const expectedLength = card.io === "motif.cppn/1" ? positions.n * 3 : 3 * size!.width * size!.height;
        if (out.data.length !== expectedLength) fail("shape", `the output has ${out.data.length} values, expected ${expectedLength}`);
        for (let i = 0; i < out.data.length; i++) {
          const v = out.data[i]!;
          if (!Number.isFinite(v) || v < -RANGE_SLACK || v > 1 + RANGE_SLACK) fail("range", `value ${v} at index ${i} (${where}) is outside 0..1`);
        }
        if (digestOf(again.data) !== digestOf(out.data)) fail("determinism", `two runs with ${where} gave different floats (a model must be deterministic on one thread)`);
        if (card.io === "motif.cppn/1") {
          const z = latentOf(seed, card.latent);
          const split = new Float32Array(out.data.length);
          for (let h = 0; h + 1 < halves.length; h++) {
            const [from, to] = [halves[h]!, halves[h + 1]!];
            split.set(await runCppn(session, z, params, positions.uv.subarray(from * 2, to * 2), to - from), from * 3);
          }
          if (digestOf(split) !== digestOf(out.data)) fail("determinism", `with ${where}, the colours of positions run in two batches differ from one batch: an output may not depend on the rest of its batch (the renderer runs bands)`);
        }
        if (card.behaviour.seamless) {
          if (card.io === "motif.cppn/1") {
            worstEdge = Math.max(worstEdge, cppnEdgeStep(out.data, positions.grid, side));
            const seam = lineSeam(out.data, positions.lines);
            if (seam.wrap > 2 * seam.interior + 2 / 255) fail("seamless", `the card says seamless, but with ${where} the step across the tile edge at pixel pitch (${seam.wrap.toFixed(4)}) is far above the largest step inside (${seam.interior.toFixed(4)})`);
            if (seam.wrap - seam.interior > worstSeam.wrap - worstSeam.interior) worstSeam = seam;
          } else {
            const r = imageRoughness(out.data, out.width!, out.height!);
            if (r.wrap > 2 * r.interior + 2 / 255) fail("seamless", `the card says seamless, but with ${where} the step across the wrap-around edges (${r.wrap.toFixed(4)}) is far above the image's own steps (${r.interior.toFixed(4)})`);
            if (r.wrap - r.interior > worstSeam.wrap - worstSeam.interior) worstSeam = r;
          }
        }
      }
    }
    if (card.io === "motif.cppn/1") {
      const dims = await runCppnDims(session, latentOf(SEEDS[0], card.latent), sets[0]!, positions.uv.subarray(0, 8), 4);
      if (dims.length !== 2 || Number(dims[0]) !== 4 || Number(dims[1]) !== 3) fail("shape", `for 4 positions the output is [${dims.join(", ")}], motif.cppn/1 gives [4, 3] (one RGB row per position)`);
    }
    pass("shape", card.io === "motif.cppn/1" ? `rgb [N, 3] for ${positions.n} positions` : `image [1, 3, ${size!.height}, ${size!.width}]`);
    pass("range", `every value in 0..1 for ${SEEDS.length} seeds × ${sets.length} param sets (defaults; each param at every value, or its min, quartiles and max)`);
    pass("params", `${card.params.length} declared param${card.params.length === 1 ? "" : "s"} fed as float32 [1] inputs`);

    const fresh = await ort.InferenceSession.create(weights, SESSION_OPTIONS);
    let third: Awaited<ReturnType<typeof run>>;
    try {
      third = await run(fresh, SEEDS[2], sets[0]!);
    } finally {
      await fresh.release();
    }
    const reference = await run(session, SEEDS[2], sets[0]!);
    if (digestOf(third.data) !== digestOf(reference.data)) fail("determinism", "a fresh session gave other floats than the first for the same seed and params");
    pass("determinism", `identical floats on a second run of every seed and param set, in a fresh session${card.io === "motif.cppn/1" ? ", and in other batch splits" : ""}`);

    if (card.behaviour.seamless) {
      if (card.io === "motif.cppn/1") {
        if (worstEdge > EDGE_SLACK) fail("seamless", `the card says seamless, but the colour at opposite tile edges differs by up to ${worstEdge.toFixed(4)} (allowed ${EDGE_SLACK.toFixed(4)}: under half an 8-bit level)`);
        pass("seamless", `opposite tile edges differ by at most ${worstEdge.toExponential(2)}; across the edge at pixel pitch at most ${worstSeam.wrap.toFixed(4)} (inside up to ${worstSeam.interior.toFixed(4)})`);
      } else {
        pass("seamless", `the wrap-around step (at most ${worstSeam.wrap.toFixed(4)}) is like the image's own (${worstSeam.interior.toFixed(4)}) for every seed and param set`);
      }
    }
    return items;
  } finally {
    await session.release();
  }
}

/** Largest colour difference between u = 0 and u = 1 (and v = 0 and v = 1) at the sampled edge points. */
function cppnEdgeStep(rgb: Float32Array, grid: number, side: number): number {
  let worst = 0;
  for (let i = 0; i < side; i++) {
    const base = (grid + 4 * i) * 3; // [u=0,v=t], [u=1,v=t], [u=t,v=0], [u=t,v=1]
    for (let c = 0; c < 3; c++) {
      worst = Math.max(worst, Math.abs(rgb[base + c]! - rgb[base + 3 + c]!), Math.abs(rgb[base + 6 + c]! - rgb[base + 9 + c]!));
    }
  }
  return worst;
}

/**
 * Along the 8 lines at pixel pitch (4 along u, 4 along v): the largest colour step from the last
 * sample to the first (across the tile edge) and the largest step between neighbours inside.
 */
function lineSeam(rgb: Float32Array, lines: number): { wrap: number; interior: number } {
  let wrap = 0;
  let interior = 0;
  for (let l = 0; l < 8; l++) {
    const at = (i: number, c: number) => rgb[(lines + l * LINE + i) * 3 + c]!;
    for (let c = 0; c < 3; c++) {
      wrap = Math.max(wrap, Math.abs(at(LINE - 1, c) - at(0, c)));
      for (let i = 1; i < LINE; i++) interior = Math.max(interior, Math.abs(at(i, c) - at(i - 1, c)));
    }
  }
  return { wrap, interior };
}

/** Mean absolute step between the last and first column / row (wrap) against the mean step between neighbours inside. */
function imageRoughness(img: Float32Array, w: number, h: number): { wrap: number; interior: number } {
  const at = (c: number, y: number, x: number) => img[c * w * h + y * w + x]!;
  let wrap = 0;
  let interior = 0;
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < h; y++) {
      wrap += Math.abs(at(c, y, w - 1) - at(c, y, 0));
      for (let x = 1; x < w; x++) interior += Math.abs(at(c, y, x) - at(c, y, x - 1));
    }
    for (let x = 0; x < w; x++) {
      wrap += Math.abs(at(c, h - 1, x) - at(c, 0, x));
      for (let y = 1; y < h; y++) interior += Math.abs(at(c, y, x) - at(c, y - 1, x));
    }
  }
  return { wrap: wrap / (3 * (h + w)), interior: interior / (3 * (h * (w - 1) + w * (h - 1))) };
}
