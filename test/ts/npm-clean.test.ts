import { expect } from "chai";
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
// the machine's npm (what a person types), not one from node_modules
const npm = (args: string[], cwd = process.cwd()) => run("npm", args, { cwd, env: { ...process.env, npm_config_loglevel: "warn" }, maxBuffer: 1 << 24 });

describe("a fresh clone stays clean: the lock file as npm writes it, no avoidable npm warnings", function () {
  this.timeout(120_000);

  it("npm install leaves package-lock.json unchanged (resolved from the npm cache, no scripts)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-lock-"));
    try {
      // the root's manifest and lock, and each workspace's manifest (npm reads them to write the lock)
      mkdirSync(path.join(dir, "sdk"));
      for (const f of ["package.json", "package-lock.json", path.join("sdk", "package.json")]) copyFileSync(f, path.join(dir, f));
      await npm(["install", "--package-lock-only", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], dir);
      // the oracle: the committed bytes (a stale lock gains e.g. the platform entries npm 11 adds)
      expect(readFileSync(path.join(dir, "package-lock.json"), "utf8") === readFileSync("package-lock.json", "utf8"), "npm install rewrites package-lock.json: commit the one it writes").to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("npm prints no unknown-config notice, and every dependency install script is approved or denied in allowScripts", async () => {
    const { stdout, stderr } = await npm(["install-scripts", "ls"]);
    expect(stderr).to.not.contain("Unknown project config");
    expect(stdout).to.contain("No packages with unreviewed install scripts.");
  });
});
