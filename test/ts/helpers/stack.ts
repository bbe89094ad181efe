import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

import { type StackInfo, readStackInfo } from "../../../scripts/lib/stack-info.js";
import { descendants } from "./procs.js";

/** A stack process a test started: its output so far, its exit, and (once ready) what `<state>/stack.json` says. */
export type SpawnedStack = {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
  stateDir: string;
};

export type ReadyStack = SpawnedStack & { info: StackInfo };

const TSX = path.join("node_modules", "tsx", "dist", "cli.mjs");

/**
 * Starts the local stack as a user does: `npm start -- …` (via "npm", the default) or the node process
 * `npm start` execs (via "node": `node tsx scripts/start.ts …`, skipping npm's start-up), on `stateDir`.
 * Output is collected for assertions and failure messages; nothing is parsed from it. `cwd` is the
 * checkout to run in (default: this one).
 */
export function spawnStack(stateDir: string, options: { via?: "npm" | "node"; env?: Record<string, string>; args?: string[]; cwd?: string } = {}): SpawnedStack {
  const args = options.args ?? [];
  const [command, argv] = options.via === "node" ? [process.execPath, [TSX, "scripts/start.ts", ...args]] : ["npm", ["start", "--", ...args]];
  const child = spawn(command, argv, { cwd: options.cwd ?? process.cwd(), env: { ...process.env, MOTIF_STATE_DIR: stateDir, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, output: () => output, exited, stateDir };
}

/**
 * Waits until the stack is ready: `<state>/stack.json` names a live process started by this child
 * (a file left by an earlier, killed run names another pid and is ignored). Throws with the output
 * when the child exits first or `timeoutMs` passes.
 */
export async function stackReady(s: SpawnedStack, timeoutMs = 120_000): Promise<ReadyStack> {
  for (const until = Date.now() + timeoutMs; Date.now() < until && s.child.exitCode === null; ) {
    try {
      const info = readStackInfo(s.stateDir);
      if (info.pid === s.child.pid || descendants(s.child.pid!).includes(info.pid)) return { ...s, info };
    } catch {
      // not written yet, or being written
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`the stack did not become ready (${s.child.exitCode === null ? `${timeoutMs} ms` : `exit ${s.child.exitCode}`}):\n${s.output()}`);
}

/** `spawnStack` then `stackReady`. */
export async function startStackProcess(stateDir: string, options: Parameters<typeof spawnStack>[1] = {}, timeoutMs?: number): Promise<ReadyStack> {
  return stackReady(spawnStack(stateDir, options), timeoutMs);
}
