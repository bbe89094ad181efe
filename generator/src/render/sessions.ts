import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import * as ort from "onnxruntime-node";

import { SESSION_OPTIONS } from "../model/io.js";

/** Default number of ONNX sessions kept open (`MOTIF_SESSION_CACHE`), per thread that renders. */
export const DEFAULT_SESSION_CACHE = 8;

type SessionEntry = { session: Promise<ort.InferenceSession>; users: number; evicted: boolean };

/**
 * The open ONNX sessions, least recently used first (a Map keeps insertion order; a use moves the
 * entry to the end). At most `max` stay open: the oldest is evicted and its native memory released
 * as soon as no render is running on it. Home-made rather than the lru-cache package because an
 * evicted session may still be in use and must be released only after its last run ends. The main
 * thread has one, and each render worker (./worker.ts) its own.
 */
export class SessionCache {
  private readonly entries = new Map<string, SessionEntry>();
  constructor(public max: number) {}

  get size(): number {
    return this.entries.size;
  }

  async use<T>(key: string, create: () => Promise<ort.InferenceSession>, fn: (session: ort.InferenceSession) => Promise<T>): Promise<T> {
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = { session: create(), users: 0, evicted: false };
      const created = entry;
      entry.session.catch(() => {
        if (this.entries.get(key) === created) this.entries.delete(key);
      });
    } else {
      this.entries.delete(key);
    }
    this.entries.set(key, entry);
    entry.users++;
    this.trim();
    try {
      return await fn(await entry.session);
    } finally {
      entry.users--;
      if (entry.evicted && entry.users === 0) release(entry);
    }
  }

  /** Evicts least recently used sessions beyond `max`. */
  trim(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.max) break;
      this.entries.delete(key);
      entry.evicted = true;
      if (entry.users === 0) release(entry);
    }
  }
}

function release(entry: SessionEntry): void {
  entry.session.then((s) => s.release()).catch(() => undefined);
}

/** `MOTIF_SESSION_CACHE`, or the default; a RangeError names the variable and its range. */
export function sessionCacheSize(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.MOTIF_SESSION_CACHE;
  if (raw === undefined || raw === "") return DEFAULT_SESSION_CACHE;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 1024) throw new RangeError(`MOTIF_SESSION_CACHE: "${raw}" is not an integer in 1..1024 (open model sessions)`);
  return Number(raw);
}

/** A model file's session: its bytes are checked against the manifest's digest first (`name` for the error). */
export async function sessionFromFile(name: string, file: string, sha256: string): Promise<ort.InferenceSession> {
  const bytes = await readFile(file);
  const digest = `0x${createHash("sha256").update(bytes).digest("hex")}`;
  if (digest !== sha256) throw new Error(`model ${name}: ${file} has sha-256 ${digest}, manifest says ${sha256}`);
  try {
    return await ort.InferenceSession.create(bytes, SESSION_OPTIONS);
  } catch (error) {
    throw new Error(`model ${name}: ${file} does not load in onnxruntime: ${(error as Error).message}`);
  }
}

/** Where a render thread takes a model's session from: the models folder's file (checked against its digest), or bytes given. Keyed by weights digest. */
export type ModelSource = { key: string; name: string; file: string } | { key: string; name: string; bytes: Uint8Array };

/** The session of `model` from `cache` (opened on first use), for the duration of `fn`. */
export function withSession<T>(cache: SessionCache, model: ModelSource, fn: (session: ort.InferenceSession) => Promise<T>): Promise<T> {
  const open = async () => {
    if (!("bytes" in model)) return sessionFromFile(model.name, model.file, model.key);
    try {
      return await ort.InferenceSession.create(model.bytes, SESSION_OPTIONS);
    } catch (error) {
      throw new Error(`model ${model.name}: its weights (sha-256 ${model.key}) do not load in onnxruntime: ${(error as Error).message}`);
    }
  };
  return cache.use(model.key, open, fn);
}
