/**
 * A render worker thread (./pool.ts starts them): renders one band at a time, single-threaded, with
 * the same code as the main thread (./bands.ts, ./upscale.ts), so the floats and the bytes are the
 * same wherever a band was rendered. It answers each band PNG-filtered (`filterRows`), its buffer
 * moved to the main thread, which writes the bands to the PNG strictly in order.
 */
import { parentPort } from "node:worker_threads";

import type { RepeatType } from "@motif/sdk";
import { cppnBand, cppnScratch } from "./bands.js";
import { filterRows } from "./png.js";
import { type ModelSource, SessionCache, sessionCacheSize, withSession } from "./sessions.js";
import { bicubicUpscaler } from "./upscale.js";
import type { WorkerReply } from "./pool.js";

/** A band of a `motif.cppn/1` render: the model, the latent, the checked params, the image size and the rows. */
export type CppnBandTask = {
  kind: "cppn";
  model: ModelSource;
  z: Float32Array;
  params: Record<string, number>;
  width: number;
  height: number;
  y0: number;
  rows: number;
  /** The repeat the tile is seamless under (absent: block). */
  repeat?: RepeatType;
};

/**
 * A band of a `motif.image/1` render upscaled by `motif-bicubic/1`: the model's image (planar float32,
 * in shared memory so that every band does not copy it; `key` names it for this render), the output
 * size and the rows.
 */
export type UpscaleBandTask = {
  kind: "upscale";
  image: { key: number; data: Float32Array; width: number; height: number };
  seamless: boolean;
  width: number;
  height: number;
  y0: number;
  rows: number;
};

/**
 * A band task, with a buffer of an earlier band to fill when it is large enough (moved back and
 * forth, so bands allocate nothing), and the render's kept pixels (`RenderOptions.pixels`: 8-bit RGB
 * of the whole image in shared memory) to write the band's rows into.
 */
export type RenderTask = (CppnBandTask | UpscaleBandTask) & { into?: ArrayBuffer; pixels?: Uint8Array };

const port = (() => {
  if (parentPort === null) throw new Error("render worker: not started as a worker thread");
  return parentPort;
})();

const sessions = new SessionCache(sessionCacheSize());
let scratch = cppnScratch(0, 0);
/** Upscalers of the renders this worker has bands of (their source rows at the output width stay cached band to band). */
const upscalers = new Map<number, ReturnType<typeof bicubicUpscaler>>();

async function band(task: RenderTask): Promise<Buffer> {
  const rgb = await pixelsOf(task);
  task.pixels?.set(rgb, task.y0 * task.width * 3);
  return filterRows(rgb, task.width, task.rows, task.into);
}

/** A band's RGB rows. */
async function pixelsOf(task: RenderTask): Promise<Uint8Array> {
  if (task.kind === "cppn") {
    if (scratch.uv.length < task.rows * task.width * 2) scratch = cppnScratch(task.width, task.rows);
    return withSession(sessions, task.model, (session) => cppnBand(session, task.z, task.params, task.width, task.height, task.y0, task.rows, scratch, task.repeat));
  }
  const { image } = task;
  let upscaler = upscalers.get(image.key);
  if (upscaler === undefined) {
    upscaler = bicubicUpscaler(image.data, image.width, image.height, task.width, task.height, task.seamless);
    upscalers.set(image.key, upscaler);
    for (const key of upscalers.keys()) if (upscalers.size > 2 && key !== image.key) upscalers.delete(key);
  }
  const rgb = new Uint8Array(task.rows * task.width * 3);
  upscaler.rows(task.y0, task.rows, rgb);
  return rgb;
}

// one band at a time, in the order sent (the pool sends a few at once: ./pool.ts RENDER_WORKER_DEPTH):
// bands share this thread's scratch buffers and sessions
let previous: Promise<void> = Promise.resolve();
port.on("message", (message: RenderTask & { id: number }) => {
  // an answer that cannot be sent ends the worker, as an uncaught error: the pool rejects its tasks and replaces it
  previous = previous.then(() => answer(message)).catch((error: unknown) => process.nextTick(() => { throw error; }));
});

async function answer(message: RenderTask & { id: number }): Promise<void> {
  await band(message).then(
    (filtered) => {
      // moved, not copied: the buffer is the band's alone (Buffer.alloc never pools; a handed one is the band's)
      port.postMessage({ id: message.id, ok: true, value: filtered } satisfies WorkerReply, [filtered.buffer as ArrayBuffer]);
    },
    (error: unknown) => {
      const e = error instanceof Error ? error : new Error(String(error));
      port.postMessage({ id: message.id, ok: false, error: { name: e.name, message: e.message } } satisfies WorkerReply);
    },
  );
}
