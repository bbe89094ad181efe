import { readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * Mocha root hooks (hardhat.config.ts `test.mocha.rootHooks`): the temporary folders the tests make
 * (`os.tmpdir()/motif-*`, by mkdtemp) are removed when the run ends, whichever test made them and
 * whether it passed or not. Folders that existed before the run are left alone. A safety net under
 * the tests' own clean-up, which some tests leave to the operating system.
 */
const PREFIX = "motif-";
let before: Set<string> | undefined;

const motifTemps = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith(PREFIX));

export const tempCleanupHooks = {
  beforeAll(): void {
    before = new Set(motifTemps());
  },
  afterAll(): void {
    if (before === undefined) return;
    for (const name of motifTemps()) {
      if (!before.has(name)) rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
    }
  },
};
