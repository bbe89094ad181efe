import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { PGlite } from "@electric-sql/pglite";
import { getGallery } from "@motif/sdk";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

const BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "bin", "motif-indexer.mjs");

/** Runs `motif-indexer` as a user would and collects what it prints. */
function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, MOTIF_RPC_URL: "", DATABASE_URL: "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (c) => (out += c));
  child.stderr!.on("data", (c) => (err += c));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { child, exited, out: () => out, err: () => err };
}

const portBound = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = createConnection({ port, host: "127.0.0.1" }, () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });

/** `motif-indexer`, the indexer on its own for one deployment record (what a production deployment runs). */
describe("motif-indexer (the indexer for a deployment record, on its own)", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let dir: string;
  let record: string;
  /** The state folder of the first indexer run, kept for the upgrade test after it. */
  let kept: string;
  const started: ChildProcess[] = [];
  /** Waits for "caught up" (fails with what it printed if it exits or takes over 150 s). */
  const caughtUp = async (r: ReturnType<typeof run>) => {
    const end = Date.now() + 150_000;
    while (!/caught up/.test(r.out()) && Date.now() < end && r.child.exitCode === null) await new Promise((res) => setTimeout(res, 100));
    expect(r.out(), r.err()).to.match(/caught up/);
  };

  before(async () => {
    chain = await remoteChainWithMotif();
    dir = mkdtempSync(path.join(tmpdir(), "motif-indexer-bin-"));
    record = path.join(dir, "31337.json");
    kept = path.join(dir, "kept");
    writeFileSync(record, JSON.stringify(chain.record));
  });
  after(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    await chain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses what it cannot run with, in words naming the flag (exit 2)", async () => {
    const cases: [string[], RegExp][] = [
      [["--rpc", chain.url], /--deployment is required/],
      [["--deployment", record], /--rpc \(or MOTIF_RPC_URL\) is required/],
      [["--deployment", path.join(dir, "nope.json"), "--rpc", chain.url], /no deployment record at .*nope\.json/],
      [["--deployment", record, "--rpc", chain.url, "--port", "70000"], /--port must be a whole number from 0 to 65535; got "70000"/],
      [["--deployment", record, "--rpc", chain.url, "--colour"], /Unknown option '--colour'/],
    ];
    for (const [args, message] of cases) {
      const r = run(args);
      expect(await r.exited, args.join(" ")).to.equal(2);
      expect(r.err()).to.match(message);
    }
  });

  it("refuses an RPC that serves another chain than the record's", async () => {
    const other = path.join(dir, "1.json");
    writeFileSync(other, JSON.stringify({ ...chain.record, chainId: 1 }));
    const r = run(["--deployment", other, "--rpc", chain.url]);
    expect(await r.exited).to.equal(2);
    expect(r.err()).to.match(/serves chain 31337; .*1\.json is a deployment on chain 1/);
  });

  it("indexes the record's deployment, serves the gallery, and on SIGINT stops with exit 0 and its port freed", async () => {
    // its index is the one the upgrade below starts from
    const r = run(["--deployment", record, "--port", "0", "--state-dir", kept], { MOTIF_RPC_URL: chain.url });
    started.push(r.child);
    await caughtUp(r);
    const url = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(r.out())![1]!;
    const gallery = await getGallery({ indexer: url });
    expect(gallery.total).to.equal(0); // a fresh deployment: nothing minted yet
    const port = Number(new URL(url).port);
    expect(await portBound(port)).to.equal(true);
    r.child.kill("SIGINT");
    expect(await r.exited).to.equal(0);
    expect(await portBound(port), `port ${port} still bound`).to.equal(false);
  });

  it("keeps its index across a restart, and after an upgrade (another build) re-indexes into a new schema instead of refusing to start, the old one dropped", async () => {
    const upgraded = path.join(dir, "upgraded.json");
    // another build, as an upgrade makes one: Ponder's build id covers the config, here the start block
    writeFileSync(upgraded, JSON.stringify({ ...chain.record, startBlock: chain.record.startBlock + 1 }));
    const runUntilCaughtUp = async (recordFile: string, state: string) => {
      const r = run(["--deployment", recordFile, "--port", "0", "--state-dir", state], { MOTIF_RPC_URL: chain.url });
      started.push(r.child);
      await caughtUp(r);
      r.child.kill("SIGTERM");
      expect(await r.exited, r.err()).to.equal(0);
      return readFileSync(path.join(state, "schema"), "utf8").trim();
    };
    // the upgrade, on the index the test above left: the upgraded build first waits out Ponder's 25 s
    // hold on the previous build's schema (since its stop), then drops it; a restart of one build is
    // shown meanwhile, on an index of its own
    expect(existsSync(path.join(kept, "schema")), "the index the test above leaves (run the file, not this test alone)").to.equal(true);
    const previous = readFileSync(path.join(kept, "schema"), "utf8").trim();
    const upgrade = runUntilCaughtUp(upgraded, kept);
    upgrade.catch(() => {}); // awaited below
    const restart = path.join(dir, "restart");
    const first = await runUntilCaughtUp(record, restart);
    expect(await runUntilCaughtUp(record, restart), "the same build keeps its schema").to.equal(first);
    expect(previous, "the index the upgrade starts from is the same build's").to.equal(first);
    const second = await upgrade;
    expect(second).to.not.equal(first);
    // the database itself (opened once no indexer holds it): only the current build's schema holds tables
    const db = new PGlite(path.join(kept, "pglite"));
    try {
      const { rows } = await db.query<{ table_schema: string }>("select distinct table_schema from information_schema.tables where table_schema like 'motif%' order by 1");
      expect(rows.map((r) => r.table_schema)).to.deep.equal([second]);
    } finally {
      await db.close();
    }
  });
});
