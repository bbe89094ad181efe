import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPublicClient, http } from "viem";

import { motifCertificateAbi } from "../../sdk/src/abis/index.js";

type Started = { child: ChildProcess; output: () => string; exited: Promise<number | null>; rpc: string; api: string; gateway: string; certificate: `0x${string}` };

/** Runs `npm start`'s script with free ports on a given state folder and waits for "ready". */
async function start(stateDir: string, ...args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/start.ts", "--port", "0", "--gateway-port", "0", "--api-port", "0", "--web-port", "0", ...args], {
    cwd: process.cwd(),
    env: { ...process.env, MOTIF_STATE_DIR: stateDir },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  for (let i = 0; i < 240 && !output.includes("Ctrl-C to stop.") && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 250));
  expect(output, output).to.contain("Motif local stack ready (chain 31337)");
  return {
    child,
    output: () => output,
    exited,
    rpc: /JSON-RPC\s+(\S+)/.exec(output)![1]!,
    api: /API\s+(\S+)/.exec(output)![1]!,
    gateway: /IPFS gateway\s+(\S+)\/ipfs/.exec(output)![1]!,
    certificate: /certificate (0x[0-9a-fA-F]{40})/.exec(output)![1]! as `0x${string}`,
  };
}

async function stop(s: Started): Promise<void> {
  s.child.kill("SIGINT");
  expect(await s.exited, s.output()).to.equal(0);
  expect(s.output()).to.contain("Motif stack stopped.");
}

const pattern = { model: "madder", seed: "12", params: { scale: 2, sharpness: 4 }, width: 64, height: 64, mint: true };
const post = (api: string, body: unknown) =>
  fetch(`${api}/v1/patterns`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": "local-dev-key" }, body: JSON.stringify(body) });

describe("npm start: the local stack", function () {
  this.timeout(300_000);

  it("serves the chain, gateway, API and web config; keeps the chain and pinned data across a restart; --reset starts over", async () => {
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "motif-start-"));
    const first = await start(stateDir);
    let tokenId: bigint;
    let metadataCid: string;
    try {
      const client = createPublicClient({ transport: http(first.rpc) });
      expect(await client.getChainId()).to.equal(31337);
      const created = await post(first.api, pattern);
      const body = (await created.json()) as { status: string; metadataCid: string; tokenId: string };
      expect(created.status, JSON.stringify(body)).to.equal(201);
      expect(body.status).to.equal("minted");
      tokenId = BigInt(body.tokenId);
      metadataCid = body.metadataCid;
      expect((await fetch(`${first.gateway}/ipfs/${metadataCid}?format=raw`)).status).to.equal(200);
      // the web page and its config (npm test builds web/dist before the tests)
      const web = /web page\s+(http\S+)/.exec(first.output())?.[1];
      expect(web, "web page not served: run npm run build:web").to.be.a("string");
      expect(await (await fetch(web!)).text()).to.contain("<title>Motif");
      const config = (await (await fetch(`${web}/config.json`)).json()) as { chainId: number; contracts: { MotifCertificate: string }; rpcUrl: string };
      expect(config).to.include({ chainId: 31337, rpcUrl: first.rpc });
      expect(config.contracts.MotifCertificate).to.equal(first.certificate);
      // a browser on another loopback origin may call the chain (CORS preflight)
      const preflight = await fetch(first.rpc, { method: "OPTIONS", headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST" } });
      expect(preflight.headers.get("access-control-allow-origin")).to.equal("*");
    } finally {
      await stop(first);
    }

    // Restart on the same state: same chain (the certificate and its owner), same pinned data, and
    // the screening index rebuilt from the chain refuses the same pattern again.
    const second = await start(stateDir);
    try {
      expect(second.output()).to.match(/chain: replayed \d+ requests/);
      const client = createPublicClient({ transport: http(second.rpc) });
      const owner = await client.readContract({ address: second.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] });
      expect(owner).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      expect((await fetch(`${second.gateway}/ipfs/${metadataCid}?format=raw`)).status).to.equal(200);
      const again = await post(second.api, pattern);
      expect(again.status).to.equal(409);
      // new blocks carry on from the wall clock, not from where the replay stopped
      const latest = await client.getBlock();
      expect(Number(latest.timestamp)).to.be.closeTo(Math.floor(Date.now() / 1000), 120);
    } finally {
      await stop(second);
    }

    // --reset: a new chain without the certificate, and an empty store.
    const third = await start(stateDir, "--reset");
    try {
      const client = createPublicClient({ transport: http(third.rpc) });
      const exists = await client.readContract({ address: third.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] }).then(
        () => true,
        () => false,
      );
      expect(exists).to.equal(false);
      expect((await fetch(`${third.gateway}/ipfs/${metadataCid}?format=raw`)).status).to.equal(404);
    } finally {
      await stop(third);
    }
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
