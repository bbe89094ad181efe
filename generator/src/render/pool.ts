import os from "node:os";
import { fileURLToPath } from "node:url";
import { type Transferable, Worker } from "node:worker_threads";

/** At most this many render threads, whatever `MOTIF_RENDER_THREADS` says. */
export const MAX_RENDER_THREADS = 64;
/** Without `MOTIF_RENDER_THREADS`: one thread a core, up to this many. */
export const DEFAULT_RENDER_THREADS_CAP = 8;

/**
 * How many threads render (`MOTIF_RENDER_THREADS`, read at each call): 1 renders on the calling
 * thread, as before render workers existed; more renders bands in that many worker threads, each
 * single-threaded. Unset: one a core (`os.availableParallelism()`), at most
 * `DEFAULT_RENDER_THREADS_CAP`. A RangeError names the variable and its range.
 */
export function renderThreads(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MOTIF_RENDER_THREADS;
  if (raw === undefined || raw === "") return Math.max(1, Math.min(os.availableParallelism(), DEFAULT_RENDER_THREADS_CAP));
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_RENDER_THREADS) {
    throw new RangeError(`MOTIF_RENDER_THREADS: "${raw}" is not an integer in 1..${MAX_RENDER_THREADS} (render threads; 1 renders on the calling thread)`);
  }
  return Number(raw);
}

/** What a worker answers to a task: its value, or the error it threw (as data: errors do not cross threads whole). */
export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { name: string; message: string } };

type Job = { id: number; message: object; transfer: readonly Transferable[]; resolve: (value: unknown) => void; reject: (error: Error) => void; detach?: () => void };
/** A worker and the tasks sent to it, oldest (the one running) first. */
type Slot = { n: number; worker: Worker; jobs: Job[]; dead: boolean; onIdle?: () => void };

/** How long `close()` lets a busy worker finish its task before terminating it regardless. */
const CLOSE_GRACE_MS = 10_000;

/**
 * A fixed-size pool of worker threads, each running one task at a time, tasks taken in the order
 * given. Workers start on first need and stay for the next task; an idle worker is unref'd, so the
 * pool never keeps a process alive that has nothing else to do (a busy one does, as any pending work
 * would). A task whose worker throws, crashes or exits is rejected with an error naming the worker
 * and what happened (and so are the tasks sent to it after that one), and the worker is replaced for
 * the tasks after it; `close()` rejects what is left and terminates every worker once its current
 * task has returned (a native onnxruntime run torn down mid-way aborts the whole process).
 *
 * `depth`: how many tasks a worker is sent at once (it must run them one after the other, in the
 * order sent). Above 1, a worker that finishes a task starts its next without waiting for this
 * thread to hand it one, so workers stay busy while this thread is (fingerprinting a pattern); a task
 * already sent to a worker is no longer dropped by its signal (it runs, its answer unused).
 */
export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Job[] = [];
  private nextId = 1;
  private spawned = 0;
  private closed = false;

  constructor(
    readonly size: number,
    private readonly spawn: () => Worker,
    readonly name = "worker",
    readonly depth = 1,
  ) {
    if (!Number.isInteger(size) || size < 1 || size > MAX_RENDER_THREADS) throw new RangeError(`${name} pool size: ${size} is not an integer in 1..${MAX_RENDER_THREADS}`);
    if (!Number.isInteger(depth) || depth < 1 || depth > 16) throw new RangeError(`${name} pool depth: ${depth} is not an integer in 1..16`);
  }

  /** Live worker threads (busy or idle). */
  get threads(): number {
    return [...this.slots].filter((s) => !s.dead).length;
  }

  /** Tasks running or waiting. */
  get pending(): number {
    let sent = 0;
    for (const s of this.slots) sent += s.jobs.length;
    return this.queue.length + sent;
  }

  /**
   * Runs `message` on the next free worker (`transfer`: buffers moved, not copied); resolves to its
   * answer's value. `signal`: a task still waiting for a worker when it is aborted is dropped and
   * rejected with its reason (one already running finishes, its answer unused).
   */
  run<T>(message: object, transfer: readonly Transferable[] = [], signal?: AbortSignal): Promise<T> {
    if (this.closed) return Promise.reject(new Error(`${this.name} pool: closed`));
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<T>((resolve, reject) => {
      const job: Job = { id: this.nextId++, message, transfer, resolve: resolve as (value: unknown) => void, reject };
      this.queue.push(job);
      if (signal !== undefined) {
        // listened to only while the task waits: a render of a thousand bands adds no thousand listeners
        const drop = () => {
          const i = this.queue.indexOf(job);
          if (i >= 0) this.queue.splice(i, 1)[0]!.reject(signal.reason);
        };
        signal.addEventListener("abort", drop, { once: true });
        job.detach = () => signal.removeEventListener("abort", drop);
      }
      this.dispatch();
    });
  }

  /** Rejects every task not yet answered and terminates the workers; the pool takes no more tasks. */
  async close(): Promise<void> {
    this.closed = true;
    const error = new Error(`${this.name} pool: closed before the task finished`);
    for (const job of this.queue.splice(0)) {
      job.detach?.();
      job.reject(error);
    }
    const slots = [...this.slots];
    this.slots.clear();
    await Promise.allSettled(
      slots.map(async (slot) => {
        slot.dead = true;
        if (slot.jobs.length > 0) {
          // kept until answered (rejecting again is nothing): the worker runs every task sent to it
          for (const job of slot.jobs) job.reject(error);
          // terminated only once its tasks have returned: see the class comment
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, CLOSE_GRACE_MS);
            timer.unref();
            slot.onIdle = () => {
              clearTimeout(timer);
              resolve();
            };
          });
        }
        await slot.worker.terminate();
      }),
    );
  }

  /** An idle worker; else a new one while there are fewer than `size`; else the least busy with room for another task (`depth`). */
  private slotForNext(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (!s.dead && s.jobs.length < this.depth && (best === undefined || s.jobs.length < best.jobs.length)) best = s;
    if (best !== undefined && best.jobs.length === 0) return best;
    if (this.threads < this.size) return this.start();
    return best;
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      let slot;
      try {
        slot = this.slotForNext();
      } catch (error) {
        const job = this.queue.shift()!;
        job.detach?.();
        job.reject(new Error(`${this.name}: could not start: ${(error as Error).message}`));
        continue;
      }
      if (slot === undefined) return;
      const job = this.queue.shift()!;
      job.detach?.();
      slot.jobs.push(job);
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id: job.id, ...job.message }, [...job.transfer]);
      } catch (error) {
        slot.jobs.splice(slot.jobs.indexOf(job), 1);
        if (slot.jobs.length === 0) slot.worker.unref();
        job.reject(new Error(`${this.name} ${slot.n}: the task could not be sent: ${(error as Error).message}`));
      }
    }
  }

  private start(): Slot {
    const worker = this.spawn();
    const slot: Slot = { n: ++this.spawned, worker, jobs: [], dead: false };
    this.slots.add(slot);
    worker.unref();
    worker.on("message", (reply: WorkerReply) => {
      const i = slot.jobs.findIndex((j) => j.id === reply.id);
      if (i < 0) return;
      const [job] = slot.jobs.splice(i, 1);
      if (reply.ok) job!.resolve(reply.value);
      else job!.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
      if (slot.jobs.length === 0) {
        slot.onIdle?.();
        if (!slot.dead) worker.unref();
      }
      this.dispatch();
    });
    const fail = (why: string) => {
      slot.dead = true;
      this.slots.delete(slot);
      for (const job of slot.jobs.splice(0)) job.reject(new Error(`${this.name} ${slot.n} ${why}`));
      if (!this.closed) this.dispatch();
    };
    worker.on("error", (error) => fail(`failed: ${error.message}`));
    worker.on("messageerror", (error) => fail(`sent an answer that could not be read: ${error.message}`));
    worker.on("exit", (code) => {
      slot.onIdle?.();
      if (this.slots.has(slot)) fail(`exited with code ${code} before answering`);
    });
    return slot;
  }
}

/**
 * Starts a render worker (./worker.ts). Compiled (generator/dist), it is the JavaScript file beside
 * this one; from the sources (tsx), a bootstrap registers tsx with the repository's tsconfig in the
 * new thread first: loader hooks registered in-process (`tsx/esm/api`, Hardhat's test runner, the
 * CLI's fallback) do not reach worker threads.
 */
export function spawnRenderWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith(".ts")) return new Worker(new URL("./worker.js", here));
  const target = new URL("./worker.ts", here).href;
  const tsconfig = fileURLToPath(new URL("../../../tsconfig.json", here));
  const tsx = import.meta.resolve("tsx/esm/api");
  const boot = `import(${JSON.stringify(tsx)})
  .then(({ register }) => { register({ tsconfig: ${JSON.stringify(tsconfig)} }); return import(${JSON.stringify(target)}); })
  .catch((error) => process.nextTick(() => { throw error; }));`;
  return new Worker(boot, { eval: true });
}

const renderPools = new Map<number, WorkerPool>();

/**
 * Bands sent to a render worker at once: it starts the next as soon as one is done, without waiting
 * for the main thread (busy fingerprinting, screening, pinning) to hand it one. Four: a pattern's
 * fingerprint holds the main thread ~20 ms at a stretch, longer than a band takes (~12 ms), so with
 * two a worker often sat idle until the main thread came back (2 shared cores, 512² pipeline:
 * ~10 patterns/s at depth 2 against 11–20 at 3 and 4, alternated runs under the same load). A
 * render still has at most two bands a thread in flight (`renderInPool`), so its memory is as before.
 */
export const RENDER_WORKER_DEPTH = 4;

/** The process's pool of `threads` render workers (one per size asked for; started on first use). */
export function renderPool(threads: number): WorkerPool {
  let pool = renderPools.get(threads);
  if (pool === undefined) renderPools.set(threads, (pool = new WorkerPool(threads, spawnRenderWorker, "render worker", RENDER_WORKER_DEPTH)));
  return pool;
}

/**
 * Terminates every render worker and rejects what they were doing (a render in flight fails with
 * an error saying the pool closed); the next parallel render starts a new pool. Long-running
 * commands call it when they stop; idle workers never keep a process alive in any case.
 */
export async function closeRenderPools(): Promise<void> {
  const pools = [...renderPools.values()];
  renderPools.clear();
  await Promise.all(pools.map((p) => p.close()));
}
