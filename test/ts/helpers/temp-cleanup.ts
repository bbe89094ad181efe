import { appendFileSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Mocha root hooks (hardhat.config.ts `test.mocha.rootHooks`): every temporary folder a run makes
 * lands in one folder of its own, removed when the run ends, whichever test made it and whether it
 * passed or not; a safety net under the tests' own clean-up. The run's folder becomes `TMPDIR`
 * (which `os.tmpdir()` reads at each call, and which the processes the tests start inherit), so two
 * runs on one machine (two worktrees, two CI jobs) never remove each other's folders — removing
 * every new `motif-*` folder in the shared temp dir did, mid-run.
 */
let runDir: string | undefined;
let previous: string | undefined;

/**
 * `MOTIF_TEST_TIMES=<file>`: each test's file and the wall time since the previous test ended (so a
 * file's `before` hooks count to it) are appended to <file> as `ms<TAB>path` lines, to find what
 * holds the CI run near its 30 minutes (sum them per file).
 */
const timesFile = process.env.MOTIF_TEST_TIMES;
let lastMark = Date.now();

export const tempCleanupHooks = {
  beforeAll(): void {
    previous = process.env.TMPDIR;
    runDir = mkdtempSync(path.join(os.tmpdir(), "motif-run-"));
    process.env.TMPDIR = runDir;
  },
  afterEach(this: { currentTest?: { file?: string } }): void {
    if (timesFile === undefined) return;
    const now = Date.now();
    appendFileSync(timesFile, `${now - lastMark}\t${path.relative(process.cwd(), this.currentTest?.file ?? "?")}\n`);
    lastMark = now;
  },
  afterAll(): void {
    if (runDir === undefined) return;
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    rmSync(runDir, { recursive: true, force: true });
    runDir = undefined;
  },
};
