import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPublicClient, http } from "viem";

import { motifCertificateAbi } from "@motif/sdk";
import { descendants, leftRunning, portIsFree } from "./helpers/procs.js";
import { type ReadyStack, spawnStack, stackReady } from "./helpers/stack.js";

type Started = ReadyStack & {
  rpc: string;
  api: string;
  gateway: string;
  web: string;
  /** The indexer's URL ("" when started with --no-indexer). */
  indexer: string;
  apiKey: string;
  /** The node process `npm start` execs (named in stack.json and the banner). */
  pid: number;
  certificate: `0x${string}`;
};

const FREE_PORTS = ["--port", "0", "--gateway-port", "0", "--api-port", "0", "--web-port", "0", "--indexer-port", "0"];

/** `npm start -- …` itself (npm, then whatever it runs), with free ports on a given state folder. */
const npmStart = (stateDir: string, env: Record<string, string>, ...args: string[]) => spawnStack(stateDir, { env, args: [...FREE_PORTS, ...args] });

/** Runs `npm start` and waits for it to be ready (stack.json); the banner must say the same. */
async function start(stateDir: string, ...args: string[]): Promise<Started> {
  const s = await stackReady(npmStart(stateDir, {}, ...args), 120_000);
  for (let i = 0; i < 40 && !s.output().includes("Ctrl-C to stop."); i++) await new Promise((r) => setTimeout(r, 250));
  const output = s.output();
  const { info } = s;
  expect(output, output).to.contain("Motif local stack ready (chain 31337)");
  for (const said of [`JSON-RPC      ${info.urls.rpc}`, info.urls.api, `${info.urls.gateway}/ipfs`, `pid ${info.pid}`, info.contracts.MotifCertificate]) expect(output, `the banner says ${said}`).to.contain(said);
  return {
    ...s,
    rpc: info.urls.rpc,
    api: info.urls.api,
    gateway: info.urls.gateway,
    web: info.urls.web ?? "",
    indexer: info.urls.indexer ?? "",
    apiKey: info.apiKey,
    pid: info.pid,
    certificate: info.contracts.MotifCertificate,
  };
}

/** Signals the pid `npm start` gave (npm's own), then checks: exit 0, every process gone, every port free. */
async function stop(s: Started, signal: NodeJS.Signals): Promise<void> {
  const tree = descendants(s.child.pid!);
  expect(tree, "npm start runs the stack's node process").to.include(s.pid);
  s.child.kill(signal);
  expect(await s.exited, s.output()).to.equal(0);
  expect(s.output()).to.contain("Motif stack stopped.");
  expect(await leftRunning(tree), `left running after ${signal}`).to.deep.equal([]);
  for (const url of [s.rpc, s.gateway, s.api, s.web, s.indexer].filter((u) => u !== "")) expect(await portIsFree(Number(new URL(url).port)), `${url} still bound after ${signal}`).to.equal(true);
}

const pattern = { model: "madder", seed: "12", params: { scale: 2, sharpness: 4 }, width: 64, height: 64, mint: true };
const post = (s: Started, body: unknown) =>
  fetch(`${s.api}/v1/patterns`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": s.apiKey }, body: JSON.stringify(body) });

describe("npm start: the local stack", function () {
  this.timeout(600_000);
  const dirs: string[] = [];
  const tempDir = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), "motif-start-"));
    dirs.push(d);
    return d;
  };
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("serves the chain, gateway, API and web config; keeps the chain, pinned data, API key and usage across a restart; --reset starts over; SIGTERM and SIGINT stop it all", async () => {
    const stateDir = tempDir();
    const first = await start(stateDir); // builds the contracts and the page itself
    let tokenId: bigint;
    let metadataCid: string;
    let usageBefore: { requests: number; pixelsRendered: number };
    try {
      const client = createPublicClient({ transport: http(first.rpc) });
      expect(await client.getChainId()).to.equal(31337);
      const created = await post(first, pattern);
      const body = (await created.json()) as { status: string; metadataCid: string; tokenId: string };
      expect(created.status, JSON.stringify(body)).to.equal(201);
      expect(body.status).to.equal("minted");
      tokenId = BigInt(body.tokenId);
      metadataCid = body.metadataCid;
      expect((await fetch(`${first.gateway}/ipfs/${metadataCid}?format=raw`)).status).to.equal(200);
      // the indexer (Ponder) catches up in the background and lists the new certificate
      expect(first.indexer, "the indexer runs by default").to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(first.output()).to.contain(`indexer       ${first.indexer}/v1/gallery`);
      let listed: string[] = [];
      for (let i = 0; i < 240 && !listed.includes(tokenId.toString()); i++) {
        const page = await fetch(`${first.indexer}/v1/gallery?kind=pattern`).then((r) => (r.ok ? (r.json() as Promise<{ items: { tokenId: string }[] }>) : { items: [] }), () => ({ items: [] }));
        listed = page.items.map((c) => c.tokenId);
        if (!listed.includes(tokenId.toString())) await new Promise((r) => setTimeout(r, 500));
      }
      expect(listed, "the indexer lists the certificate minted through the API").to.include(tokenId.toString());
      // the web page and its config
      expect(first.web, "web page not served").to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(await (await fetch(first.web)).text()).to.contain("<title>Motif");
      const config = (await (await fetch(`${first.web}/config.json`)).json()) as { chainId: number; contracts: { MotifCertificate: string }; rpcUrl: string; apiKey: string; indexer: string };
      expect(config).to.include({ chainId: 31337, rpcUrl: first.rpc, indexer: first.indexer });
      expect(config.contracts.MotifCertificate).to.equal(first.certificate);
      // a random key per stack, kept in the state folder and given to the page; the old fixed key is refused
      expect(first.apiKey).to.match(/^motif_[A-Za-z0-9_-]{32}$/);
      expect(config.apiKey).to.equal(first.apiKey);
      expect(readFileSync(path.join(stateDir, "api-key"), "utf8").trim()).to.equal(first.apiKey);
      expect((await fetch(`${first.api}/v1/usage`, { headers: { "x-api-key": "local-dev-key" } })).status).to.equal(401);
      // CORS: the stack's own page may call the API, another origin may not
      const fromPage = await fetch(`${first.api}/v1/usage`, { headers: { "x-api-key": first.apiKey, origin: first.web } });
      expect(fromPage.headers.get("access-control-allow-origin")).to.equal(first.web);
      const fromElsewhere = await fetch(`${first.api}/v1/usage`, { headers: { "x-api-key": first.apiKey, origin: "https://evil.example" } });
      expect(fromElsewhere.headers.get("access-control-allow-origin")).to.equal(null);
      usageBefore = (await fromElsewhere.json()) as typeof usageBefore;
      expect(usageBefore.pixelsRendered).to.equal(64 * 64);
      // a browser on another loopback origin may call the chain (CORS preflight)
      const preflight = await fetch(first.rpc, { method: "OPTIONS", headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST" } });
      expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");

      // a second npm start on the same state: one line naming the running stack, non-zero exit
      const second = npmStart(stateDir, {}, "--no-build");
      expect(await second.exited).to.not.equal(0);
      const said = second.output().split("\n").filter((l) => l.startsWith("npm start:"));
      expect(said, second.output()).to.have.length(1);
      expect(said[0]).to.contain(`a Motif stack is already running from ${stateDir} (pid ${first.pid}): API ${first.api}, web page ${first.web}`);
      expect(second.output()).not.to.match(/\n\s+at /); // no stack trace
    } finally {
      await stop(first, "SIGTERM");
    }

    // Restart on the same state: same chain (the certificate and its owner), same pinned data, same
    // key and usage, and the screening index rebuilt from the chain refuses the same pattern again.
    const second = await start(stateDir, "--no-build");
    try {
      expect(second.output()).to.match(/chain: replayed \d+ requests/);
      expect(second.apiKey).to.equal(first.apiKey);
      const client = createPublicClient({ transport: http(second.rpc) });
      const owner = await client.readContract({ address: second.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] });
      expect(owner).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      expect((await fetch(`${second.gateway}/ipfs/${metadataCid}?format=raw`)).status).to.equal(200);
      const usage = (await (await fetch(`${second.api}/v1/usage`, { headers: { "x-api-key": second.apiKey } })).json()) as typeof usageBefore;
      expect(usage).to.include({ requests: usageBefore.requests + 1, pixelsRendered: usageBefore.pixelsRendered });
      const again = await post(second, pattern);
      expect(again.status).to.equal(409);
      // new blocks carry on from the wall clock, not from where the replay stopped
      const latest = await client.getBlock();
      expect(Number(latest.timestamp)).to.be.closeTo(Math.floor(Date.now() / 1000), 120);
    } finally {
      await stop(second, "SIGINT");
    }

    // --reset: a new chain without the certificate, an empty store, a new key.
    const third = await start(stateDir, "--no-build", "--reset");
    try {
      const client = createPublicClient({ transport: http(third.rpc) });
      const exists = await client.readContract({ address: third.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] }).then(
        () => true,
        () => false,
      );
      expect(exists).to.equal(false);
      expect((await fetch(`${third.gateway}/ipfs/${metadataCid}?format=raw`)).status).to.equal(404);
      expect(third.apiKey).to.not.equal(first.apiKey);
    } finally {
      await stop(third, "SIGTERM");
    }
  });

  it("SIGTERM while it is still building stops the build too, exit 0, nothing left", async () => {
    const s = npmStart(tempDir(), {});
    for (let i = 0; i < 240 && !s.output().includes("npm start: compiling the contracts"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(s.output()).to.contain("npm start: compiling the contracts");
    await new Promise((r) => setTimeout(r, 500));
    const tree = descendants(s.child.pid!);
    s.child.kill("SIGTERM");
    expect(await s.exited, s.output()).to.equal(0);
    expect(await leftRunning(tree)).to.deep.equal([]);
  });

  it("refuses the public key local-dev-key with MOTIF_RPC_URL set (a non-local chain)", async () => {
    const s = npmStart(tempDir(), { MOTIF_RPC_URL: "http://127.0.0.1:9/", MOTIF_API_KEY: "local-dev-key" }, "--no-build");
    expect(await s.exited).to.not.equal(0);
    expect(s.output()).to.contain('MOTIF_API_KEY: the API key "local-dev-key" is public and is refused with MOTIF_RPC_URL set');
  });

  it("refuses a bad port with the flag's name and range, before starting anything", async () => {
    const child = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/start.ts", "--api-port", "70000"], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    expect(code).to.equal(2);
    expect(output).to.contain('--api-port: "70000" is not a port in 0..65535');
  });
});
