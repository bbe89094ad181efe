import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

describe("npm start: the local stack", function () {
  this.timeout(180_000);

  it("serves the chain, the gateway and the API, mints through the API, and stops cleanly on Ctrl-C", async () => {
    const cwd = process.cwd();
    const child = spawn(process.execPath, [path.join("node_modules", "tsx", "dist", "cli.mjs"), "scripts/start.ts", "--port", "0", "--gateway-port", "0", "--api-port", "0"], {
      cwd,
      env: { ...process.env, MOTIF_STATE_DIR: mkdtempSync(path.join(os.tmpdir(), "motif-start-")) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      for (let i = 0; i < 120 && !output.includes("Ctrl-C to stop."); i++) await new Promise((r) => setTimeout(r, 500));
      expect(output, output).to.contain("Motif local stack ready (chain 31337)");
      const rpc = /JSON-RPC\s+(\S+)/.exec(output)![1]!;
      const api = /API\s+(\S+)/.exec(output)![1]!;
      const gateway = /IPFS gateway\s+(\S+)\/ipfs/.exec(output)![1]!;
      const chainId = (await (await fetch(rpc, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) })).json()) as { result: string };
      expect(chainId.result).to.equal("0x7a69");
      const created = await fetch(`${api}/v1/patterns`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": "local-dev-key" },
        body: JSON.stringify({ model: "madder", seed: "12", params: { scale: 2, sharpness: 4 }, width: 64, height: 64, mint: true }),
      });
      const body = (await created.json()) as { status: string; metadataCid: string };
      expect(created.status, JSON.stringify(body)).to.equal(201);
      expect(body.status).to.equal("minted");
      const meta = await fetch(`${gateway}/ipfs/${body.metadataCid}?format=raw`);
      expect(meta.status).to.equal(200);
    } finally {
      child.kill("SIGINT");
    }
    expect(await exited).to.equal(0);
    expect(output).to.contain("Motif local stack stopped.");
  });
});
