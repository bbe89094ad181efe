import { expect } from "chai";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { startBlockFor } from "../src/cli/chain.js";

/** Where the CLI's event reads start on a chain: the deployment's block, never 0 of a long chain by default. */
describe("startBlockFor: where the CLI starts reading events", () => {
  let dir: string;
  let cwd: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "motif-start-block-"));
    mkdirSync(path.join(dir, "deployments"));
    // a real record's shape, with its startBlock moved past a million
    const record = JSON.parse(readFileSync(path.join("deployments", "31337.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(path.join(dir, "deployments", "31337.json"), JSON.stringify({ ...record, startBlock: 1_000_123 }));
    cwd = process.cwd();
    process.chdir(dir);
  });
  after(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it("takes the deployment record's startBlock", async () => {
    expect(await startBlockFor(31337, {})).to.equal(1_000_123n);
  });

  it("MOTIF_START_BLOCK wins; 0 when MOTIF_CERTIFICATE points elsewhere; 0 without a record", async () => {
    expect(await startBlockFor(31337, { MOTIF_START_BLOCK: "42" })).to.equal(42n);
    expect(await startBlockFor(31337, { MOTIF_CERTIFICATE: "0x5FbDB2315678afecb367f032d93F642f64180aa3" })).to.equal(0n);
    expect(await startBlockFor(1, {})).to.equal(0n);
  });

  it("refuses a MOTIF_START_BLOCK that is not a block number, naming it", async () => {
    for (const bad of ["-1", "0x10", "1e6", "12.5", "latest"]) {
      const error = await startBlockFor(31337, { MOTIF_START_BLOCK: bad }).catch((e: unknown) => e);
      expect(String((error as Error).message)).to.contain(`MOTIF_START_BLOCK: "${bad}" is not a block number`);
    }
  });
});
