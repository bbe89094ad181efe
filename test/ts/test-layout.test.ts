/**
 * Where the tests live (ARCHITECTURE.md): each package's mocha tests beside it (`sdk/test`,
 * `generator/test`, `indexer/test`, `web/test`), the cross-package ones in `test/ts`. Hardhat's runner is given the
 * list `mochaTestFiles()` builds (hardhat.config.ts); a test file anywhere else would never run.
 */
import { expect } from "chai";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";

import { MOCHA_TEST_DIRS, mochaTestFiles } from "../../hardhat.config.js";

function* testFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) yield* testFiles(full);
    else if (/\.test\.(m|c)?[jt]s$/.test(name)) yield full;
  }
}

describe("test layout: every mocha test file is one the runner is given", () => {
  it("finds each *.test.ts of the packages and of test/ts, and no test file elsewhere", () => {
    const everywhere = ["sdk", "generator", "indexer", "web", "test", "scripts", "bench"].flatMap((d) => [...testFiles(d)]).sort();
    expect(mochaTestFiles().sort()).to.deep.equal(everywhere);
    for (const dir of MOCHA_TEST_DIRS) expect(mochaTestFiles().some((f) => f.startsWith(`${dir}/`)), `no test in ${dir}`).to.equal(true);
    expect(everywhere.length).to.be.greaterThan(50);
  });
});
