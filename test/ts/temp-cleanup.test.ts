/** The suite's temporary folders live in a folder of the run's own (test/ts/helpers/temp-cleanup.ts), so concurrent runs do not remove each other's. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

describe("temporary folders of a test run", () => {
  it("a folder a test makes, and one a process it starts makes, are inside the run's own folder, not beside other runs' folders", () => {
    const mine = mkdtempSync(path.join(os.tmpdir(), "motif-probe-"));
    expect(path.basename(path.dirname(mine))).to.match(/^motif-run-/);
    const child = spawnSync(process.execPath, ["-e", "console.log(require('node:os').tmpdir())"], { encoding: "utf8" });
    expect(child.stdout.trim()).to.equal(path.dirname(mine));
  });
});
