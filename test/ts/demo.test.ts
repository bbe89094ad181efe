import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { type Report, checkStory } from "./helpers/demo-report.js";

const run = promisify(execFile);
const tsx = path.join("node_modules", "tsx", "dist", "cli.mjs");

describe("npm run demo: the whole story, non-interactively", function () {
  this.timeout(300_000);

  it("on a stack of its own, at print size (2048²): --json report with a refused near-duplicate, a refused region, royalties and a passing audit", async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "motif-demo-none-"));
    const { stdout, stderr } = await run(process.execPath, [tsx, "scripts/demo.ts", "--json", "--patterns", "3", "--size", "2048", "--seed", "77"], {
      env: { ...process.env, MOTIF_STATE_DIR: stateDir },
      maxBuffer: 1 << 24,
    });
    const report = JSON.parse(stdout) as Report;
    expect(report.ranAgainst).to.contain("a stack of its own");
    expect(report.model.newlyRegistered).to.equal(true);
    checkStory(report, 3);
    // a 2048² PNG is a chunked UnixFS file: the audit fetched and checked it block by block
    expect(report.audit.items.find((i) => i.id === "image")!.evidence.blocks).to.contain("chunked");
    expect(stderr).to.contain("generate 4/4"); // progress goes to stderr, never into the JSON
  });

  it("refuses a bad flag with its name and range", async () => {
    const failed = await run(process.execPath, [tsx, "scripts/demo.ts", "--patterns", "1"]).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed?.code).to.equal(2);
    expect(failed?.stderr).to.contain('--patterns: "1" is not an integer in 2..50');
  });
});
