/**
 * Audit of session 18 (95d3695..3a8999f: the `motif` CLI as @motif/generator's bin; isLicensed /
 * requireLicensed take a uint48 time, the SDK's checkTime). Each "F<n>" test is a finding and FAILS
 * on the audited code (expected vs observed and a suggested fix in its comment). F2 (a perpetual
 * licence answers "not licensed" from 2^40 - 1 on) is in test/contracts/AuditSession18.t.sol.
 * Oracles are independent of the code under test: npm's own cache folder, the TypeScript compiler,
 * literal dates.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import ts from "typescript";

import { unixTimeLabel } from "@motif/sdk";

const root = process.cwd();

describe("audit of session 18: the CLI as the generator's bin, uint48 licence-check times", function () {
  // F1 (low, CLI / tooling). Promised (599f484, ARCHITECTURE.md, generator/bin/motif.mjs header):
  // `npx motif …` runs the bin linked into node_modules/.bin "directly instead of npm installing the
  // project into its npx cache", and works "from any subfolder". Observed: from the generator
  // workspace's own folder (generator/, generator/src/cli, …: wherever npm's prefix is the
  // @motif/generator package, whose package.json declares the `motif` bin) npx installs
  // `@motif/generator` (file:…/generator) into `<cache>/_npx/<hash>` and runs it from there: the
  // very path the change removed for the root (measured here: 1.18 s vs 0.67 s from the root, and a
  // write into the user's ~/.npm). From root, web/, sdk/, docs/ it runs the linked bin as promised.
  // Cause: npm's libnpmexec (npm 11) checks, before any node_modules/.bin, whether the package at
  // the prefix or an auto-detected workspace (cwd inside generator/) declares a bin named like the
  // command, and if so installs that package into the npx cache ("self-execution of a local bin");
  // a generator/node_modules/.bin/motif link does not help (tried).
  // Fix: move the bin to a workspace nobody works inside (e.g. a bin-only `cli/` workspace
  // `@motif/cli` depending on @motif/generator), or narrow the promise in README/ARCHITECTURE
  // ("from the root and any folder outside generator/; there, `node bin/motif.mjs`"); extend
  // generator/test/cli.test.ts's "_npx" oracle to the folders promised.
  // Resolution: the promise is narrowed to what npm allows (README, ARCHITECTURE.md, the bin's header):
  // direct from the root and every folder outside generator/; inside generator/ npm installs the
  // workspace into its npx cache first (slower), and the command still answers.
  it("F1 npx motif runs the linked bin directly outside generator/, and still answers inside it", function () {
    this.timeout(180_000);
    const direct = [root, path.join(root, "web"), path.join(root, "docs"), path.join(root, "test", "fixtures")];
    const viaCache = [path.join(root, "generator"), path.join(root, "generator", "src", "cli")];
    for (const cwd of [...direct, ...viaCache]) {
      const cache = mkdtempSync(path.join(os.tmpdir(), "motif-audit18-npm-cache-"));
      try {
        const r = spawnSync("npx", ["motif", "--help"], { cwd, encoding: "utf8", env: { ...process.env, npm_config_cache: cache } });
        expect(r.status, `${path.relative(root, cwd)}: ${r.stderr}`).to.equal(0);
        expect(r.stdout).to.match(/^usage: motif <command> \[options\]/);
        if (direct.includes(cwd)) expect(existsSync(path.join(cache, "_npx")), `npx in ${path.relative(root, cwd) || "."} installed the project into its npx cache`).to.equal(false);
      } finally {
        rmSync(cache, { recursive: true, force: true });
      }
    }
  });

  // F3 (low, SDK types). Promised (3a8999f): the SDK actions that take a licence-check time convert
  // it with checkTime and "throw CheckTimeRangeError outside 0..2^48-1"; isLicensed,
  // requireLicensed and checkTrainingLicense add CheckTimeRangeErrorType to their `…ErrorType`
  // unions. checkRecipeLicense passes its `time` to requireLicensed (so it throws the same error for
  // the same input), but CheckRecipeLicenseErrorType (GetRecipeErrorType | MotifContractErrorType |
  // UnknownRegionErrorType) was not extended: a caller narrowing the documented union never handles
  // it. Oracle: the TypeScript compiler on a two-line assertion.
  // Fix: add `| CheckTimeRangeErrorType` to CheckRecipeLicenseErrorType (and a type test for every
  // action that reaches checkTime).
  it("F3 CheckRecipeLicenseErrorType omits the CheckTimeRangeError its requireLicensed call throws", function () {
    this.timeout(300_000);
    const snippet = path.join(root, "test", "ts", "__audit_session18_types.ts");
    const source = [
      'import type { CheckRecipeLicenseErrorType, CheckTimeRangeErrorType, RequireLicensedErrorType } from "@motif/sdk";',
      "type Covers<All, E> = [E] extends [All] ? true : false;",
      "export const requireLicensedCovers: Covers<RequireLicensedErrorType, CheckTimeRangeErrorType> = true;",
      "export const checkRecipeLicenseCovers: Covers<CheckRecipeLicenseErrorType, CheckTimeRangeErrorType> = true;",
      "",
    ].join("\n");
    const config = ts.getParsedCommandLineOfConfigFile(path.join(root, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
    const host = ts.createCompilerHost(config.options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, lang, ...rest) => (path.resolve(file) === snippet ? ts.createSourceFile(file, source, lang) : getSourceFile(file, lang, ...rest));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => path.resolve(file) === snippet || fileExists(file);
    host.readFile = ((read) => (file: string) => (path.resolve(file) === snippet ? source : read(file)))(host.readFile.bind(host));
    const program = ts.createProgram({ rootNames: [snippet], options: { ...config.options, noEmit: true }, host });
    const diagnostics = ts
      .getPreEmitDiagnostics(program, program.getSourceFile(snippet))
      .map((d) => `${d.file ? `line ${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ""}${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    expect(diagnostics, "line 3 is requireLicensed (holds), line 4 checkRecipeLicense").to.deep.equal([]);
  });

  // F4 (low, words). Promised: errors that carry a time are worded as dates ("2026-12-04 10:16 UTC",
  // unixTimeLabel) or, past what a Date holds, as "time N (not a date)". The uint48 check accepts
  // (and MotifLicensingExpired / NotYetValid echo back) any time up to 2^48-1; from year 10000 on
  // (253,402,300,800 s, far inside uint48 and inside 8.64e12, the cut-off for "not a date")
  // toISOString() is "+010000-01-01T00:00:00.000Z", and unixTimeLabel's slice(0, 16) cuts it to
  // "+010000-01-01 00 UTC": the minutes vanish and the hour reads like a bare number. At 2^40 (a
  // time the SDK lets through checkTime) it says "+036812-02-20 00 UTC" for 00:36.
  // Fix: format from the Date's UTC fields (or slice at the "T" + 6), e.g.
  // `${iso.slice(0, iso.indexOf("T"))} ${iso.slice(iso.indexOf("T") + 1, iso.indexOf("T") + 6)} UTC`.
  it("F4 unixTimeLabel words a time from year 10000 on without its minutes (+010000-01-01 00 UTC)", () => {
    expect(unixTimeLabel(1_780_000_000n)).to.equal("2026-05-28 20:26 UTC"); // holds: the format promised
    expect(unixTimeLabel(253_402_300_800n)).to.match(/^\+?0*10000-01-01 00:00 UTC$|not a date/);
    expect(unixTimeLabel(2n ** 40n)).to.match(/^\+?0*36812-02-20 00:36 UTC$|not a date/);
  });

  // F5 (info, bench hygiene). Promised (599f484): "benches … remove their temp folders" (generator.ts
  // and queue.ts now do). bench/load.ts (`npm run bench`, `tsx bench/load.ts`) still makes
  // `$TMPDIR/motif-load-*` (the served IPFS store and usage journal) and never removes it: one
  // folder left per bench run. Run here in a sandbox (links to the repository, a copy of bench/ so
  // its results.json merge stays out of the tree), 1 s per scenario, with its own TMPDIR.
  // Fix: in load.ts's `finally`, wait for the server's exit after SIGINT, then
  // `rmSync(dir, { recursive: true, force: true })`; (bench/generator.ts: rm in a finally too).
  it("F5 bench/load.ts leaves its motif-load-* temp folder behind", function () {
    this.timeout(300_000);
    const sandbox = mkdtempSync(path.join(os.tmpdir(), "motif-audit18-bench-"));
    const tmp = mkdtempSync(path.join(os.tmpdir(), "motif-audit18-tmp-"));
    try {
      for (const f of readdirSync(root)) if (![".git", "bench", ".motif"].includes(f)) symlinkSync(path.join(root, f), path.join(sandbox, f));
      cpSync(path.join(root, "bench"), path.join(sandbox, "bench"), { recursive: true });
      const r = spawnSync(process.execPath, ["--import", "tsx", path.join("bench", "load.ts")], { cwd: sandbox, encoding: "utf8", env: { ...process.env, TMPDIR: tmp, MOTIF_LOAD_SECONDS: "1" }, timeout: 240_000 });
      expect(r.status, r.stderr).to.equal(0);
      expect(readdirSync(tmp).filter((n) => n.startsWith("motif-load-")), "temp folders left by bench/load.ts").to.deep.equal([]);
    } finally {
      rmSync(sandbox, { recursive: true, force: true });
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
