/**
 * CLI start-up benchmark (part of `npm run bench`): wall time of `npx motif --help` as a user types
 * it, and of `node generator/bin/motif.mjs --help` (what npx runs: the `@motif/generator` bin linked
 * into node_modules/.bin) from the compiled JavaScript, median of 15 runs after a warm-up, beside a
 * bare `node -e 0` and npm's own `npm exec -c true` (the floor of anything run through npx) on the
 * same machine at the same time; and the TypeScript path through tsx (a checkout whose sources
 * changed after the build) for comparison.
 * Before the compiled CLI, `--help` went through tsx and imported every command (onnxruntime, sharp,
 * viem, the SDK): 3 to 6 s on the 2-core machine.
 * Builds the SDK and the generator first when their dist folders are missing or stale.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { utimesSync } from "node:fs";
import path from "node:path";

import { BenchReport } from "./lib/report.js";

const RUNS = 15;
const bin = path.join("generator", "bin", "motif.mjs");
const report = new BenchReport(`Motif CLI start-up (${RUNS} runs each, median)`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
function time(args: string[], command = process.execPath): number {
  const runs: number[] = [];
  spawnSync(command, args); // warm-up: the file system cache
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    const r = spawnSync(command, args, { encoding: "utf8" });
    runs.push(performance.now() - t);
    if (r.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  }
  return median(runs);
}

execFileSync("npm", ["run", "--silent", "build:sdk"], { stdio: "inherit" });
execFileSync("npm", ["run", "--silent", "build:generator"], { stdio: "inherit" });
const node = time(["-e", "0"]);
const compiled = time([bin, "--help"]);
const npx = time(["motif", "--help"], "npx");
const npmExec = time(["exec", "-c", "true"], "npm");
// the tsx path: make the compiled CLI look stale (a source newer than its build), then rebuild
const source = path.join("generator", "src", "redact.ts");
const later = new Date(Date.now() + 60_000);
utimesSync(source, later, later);
const tsx = time([bin, "--help"]);
const now = new Date();
utimesSync(source, now, now);
execFileSync("npm", ["run", "--silent", "build:generator"], { stdio: "inherit" });

report.record("cli.help.ms", Math.round(compiled), "motif --help from the compiled JavaScript (generator/dist, sdk/dist), node start-up included", 500);
report.record("cli.help.npx.ms", Math.round(npx), "npx motif --help as typed: npm exec's start-up plus the above (goal 500 ms: npm's floor below is above it on this machine)", 500);
report.record("cli.help.npmExecFloor.ms", Math.round(npmExec), "npm exec -c true: npm's own start-up, the floor of anything run through npx");
report.record("cli.help.nodeStartup.ms", Math.round(node), "node -e 0 on the same machine, the floor of any CLI run");
report.record("cli.help.tsx.ms", Math.round(tsx), "the same CLI through tsx (a checkout whose sources changed after the build; tsx's cache warm)");
await report.write();
