import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "motif-indexer.mjs");

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, MOTIF_RPC_URL: "", DATABASE_URL: "", MOTIF_INDEX_MAX_RPS: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  return { child, exited, out: () => out, err: () => err };
}

/**
 * Audit of session 21 (8d03fd5..576f0cd): motif-indexer. Promise: "SIGINT/SIGTERM → exit 0 with
 * port freed". Oracle: the process's exit status.
 */
describe("audit session 21: motif-indexer stopped while it starts an upgraded build", function () {
  this.timeout(180_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let dir: string;
  let record: string;
  const started: ChildProcess[] = [];

  before(async () => {
    chain = await remoteChainWithMotif();
    dir = mkdtempSync(path.join(tmpdir(), "motif-audit21-bin-"));
    record = path.join(dir, "31337.json");
    writeFileSync(record, JSON.stringify(chain.record));
  });
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await chain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // FINDING F5: the SIGINT/SIGTERM handlers are installed only once startIndexer() has returned, and
  // startIndexer waits out Ponder's 25 s hold on the previous build's schema before pruning it (an
  // upgrade, or only another --max-rps: MOTIF_INDEX_MAX_RPS is in the schema digest). A stop asked in
  // that window (systemd/docker stopping a restarting service) kills the process by the signal: no
  // exit 0, and a supervisor with Restart=on-failure starts it again.
  it("FINDING F5: SIGTERM while an upgraded build waits to prune the previous schema exits 0", async () => {
    const state = path.join(dir, "index");
    const first = run(["--deployment", record, "--port", "0", "--state-dir", state, "--max-rps", "10"], { MOTIF_RPC_URL: chain.url });
    started.push(first.child);
    const end = Date.now() + 120_000;
    while (!/caught up/.test(first.out()) && Date.now() < end && first.child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(first.out(), first.err()).to.match(/caught up/);
    first.child.kill("SIGTERM");
    expect((await first.exited).code, first.err()).to.equal(0);
    // the same deployment, another build (another --max-rps gives another schema)
    const second = run(["--deployment", record, "--port", "0", "--state-dir", state, "--max-rps", "20"], { MOTIF_RPC_URL: chain.url });
    started.push(second.child);
    await new Promise((r) => setTimeout(r, 4_000));
    second.child.kill("SIGTERM");
    const exit = await second.exited;
    expect(exit, `stdout: ${second.out()} stderr: ${second.err()}`).to.deep.equal({ code: 0, signal: null });
  });
});
