import { mkdir, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { CID } from "multiformats/cid";

import type { IpfsStore } from "./embedded.js";

export type RetryOptions = { attempts: number; baseDelayMs: number; maxDelayMs: number; sleep?: (ms: number) => Promise<void> };

/** Runs `fn`, retrying failures with exponential backoff (base·2^n, capped); rethrows the last error. */
export async function withRetry<T>(what: string, fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let lastError: unknown;
  for (let attempt = 0; attempt < options.attempts; attempt++) {
    try {
      return await fn();
    } catch (error) {
      lastError = error;
      if (attempt + 1 < options.attempts) await sleep(Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt));
    }
  }
  throw new Error(`${what}: failed after ${options.attempts} attempts (${(lastError as Error)?.message ?? String(lastError)})`);
}

/** A store whose calls are retried with backoff: for a remote node that may be briefly unavailable. */
export class RetryingStore implements IpfsStore {
  constructor(
    private readonly inner: IpfsStore,
    private readonly options: RetryOptions = { attempts: 5, baseDelayMs: 200, maxDelayMs: 5_000 },
  ) {}
  add(bytes: Uint8Array): Promise<CID> {
    return withRetry("ipfs add", () => this.inner.add(bytes), this.options);
  }
  cat(cid: CID): Promise<Uint8Array> {
    return withRetry(`ipfs cat ${cid}`, () => this.inner.cat(cid), this.options);
  }
  has(cid: CID): Promise<boolean> {
    return withRetry(`ipfs has ${cid}`, () => this.inner.has(cid), this.options);
  }
  block(cid: CID): Promise<Uint8Array> {
    return withRetry(`ipfs block ${cid}`, () => this.inner.block(cid), this.options);
  }
  exportCar(roots: CID[]): Promise<Uint8Array> {
    return withRetry("ipfs export", () => this.inner.exportCar(roots), this.options);
  }
}

/**
 * A durable queue of files waiting to be pinned: each is written (atomically, via rename) under
 * `directory` before any attempt, and removed only once a store has accepted it. A pin that keeps
 * failing therefore stays on disk, never lost, until `drain` succeeds.
 */
export class PinQueue {
  constructor(readonly directory: string) {}

  /** Records `bytes` under `name` (e.g. a content digest); idempotent. */
  async enqueue(name: string, bytes: Uint8Array): Promise<void> {
    if (!/^[0-9A-Za-z._-]{1,128}$/.test(name)) throw new RangeError(`name: "${name}" must be 1..128 of [0-9A-Za-z._-]`);
    await mkdir(this.directory, { recursive: true });
    const tmp = path.join(this.directory, `.${name}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, path.join(this.directory, name));
  }

  async pending(): Promise<string[]> {
    try {
      return (await readdir(this.directory)).filter((f) => !f.startsWith(".")).sort();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw error;
    }
  }

  /** Tries to pin every queued file; returns the ones pinned (with their CIDs) and the ones left. */
  async drain(store: IpfsStore): Promise<{ pinned: Array<{ name: string; cid: CID }>; left: string[] }> {
    const pinned: Array<{ name: string; cid: CID }> = [];
    const left: string[] = [];
    for (const name of await this.pending()) {
      try {
        const cid = await store.add(await readFile(path.join(this.directory, name)));
        await rm(path.join(this.directory, name));
        pinned.push({ name, cid });
      } catch {
        left.push(name);
      }
    }
    return { pinned, left };
  }
}

/**
 * Pins through `store`, but first records the bytes in `queue`: if the store fails (after its own
 * retries), the file stays queued and the error is rethrown for the caller to report.
 */
export async function pinDurably(store: IpfsStore, queue: PinQueue, name: string, bytes: Uint8Array): Promise<CID> {
  await queue.enqueue(name, bytes);
  const cid = await store.add(bytes);
  await rm(path.join(queue.directory, name), { force: true });
  return cid;
}
