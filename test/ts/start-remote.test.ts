import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { createPublicClient, http } from "viem";

import { motifCertificateAbi } from "@motif/sdk";
import { fakeKubo } from "./helpers/fake-kubo.js";
import { spawnStack, stackReady } from "./helpers/stack.js";

// Hardhat's default accounts #0 and #1: the deployer and the generator on the "real" chain.
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ATTESTER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

describe("npm start on a real chain and a Kubo node (MOTIF_RPC_URL, keys, MOTIF_IPFS_API)", function () {
  this.timeout(240_000);

  it("deploys there, pins to Kubo, mints through the API, serves Kubo's blocks through the gateway, and never prints the RPC URL's secret", async () => {
    // The "real chain": a separate node reached only over JSON-RPC, without unlocked accounts in use.
    const node = await network.createServer("default", "127.0.0.1", 0);
    const { port } = await node.listen();
    const kubo = await fakeKubo();
    const rpc = `http://127.0.0.1:${port}/`;
    const stateDir = mkdtempSync(path.join(os.tmpdir(), "motif-remote-"));
    const s = spawnStack(stateDir, {
      via: "node",
      args: ["--no-build", "--gateway-port", "0", "--api-port", "0", "--web-port", "0", "--indexer-port", "0"],
      env: {
        // a provider URL with a key in its query string, as hosted RPCs give
        MOTIF_RPC_URL: `${rpc}?apikey=SECRET-123`,
        MOTIF_DEPLOYER_KEY: DEPLOYER_KEY,
        MOTIF_ATTESTER_KEY: ATTESTER_KEY,
        MOTIF_IPFS_API: kubo.url,
      },
    });
    const output = s.output;
    try {
      const { info } = await stackReady(s, 60_000);
      for (let i = 0; i < 40 && !output().includes("Ctrl-C to stop."); i++) await new Promise((r) => setTimeout(r, 250));
      expect(output(), output()).to.contain("Motif stack ready (chain 31337, MOTIF_RPC_URL)");
      expect(output()).to.contain(`(kubo ${kubo.url})`);
      expect(output()).not.to.contain("SECRET-123");
      expect(output()).to.contain("JSON-RPC      http://127.0.0.1:");
      // stack.json describes the remote stack too, without the URL's secret
      expect(info.chain).to.equal("remote");
      expect(readFileSync(path.join(stateDir, "stack.json"), "utf8")).not.to.contain("SECRET-123");
      const { api, gateway } = info.urls;
      const { apiKey } = info;
      const certificate = info.contracts.MotifCertificate;
      const created = await fetch(`${api}/v1/patterns`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey },
        body: JSON.stringify({ model: "indigo", seed: "8", params: { scale: 2, sharpness: 3 }, width: 64, height: 64, mint: true }),
      });
      const body = (await created.json()) as { status: string; tokenId: string; metadataCid: string };
      expect(created.status, JSON.stringify(body)).to.equal(201);
      // minted on the remote chain, by the generator key from the environment
      const client = createPublicClient({ transport: http(rpc) });
      expect(await client.readContract({ address: certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [BigInt(body.tokenId)] })).to.equal("0x70997970C51812dc3A010C7d01b50e0d17dc79C8");
      // pinned on Kubo with Kubo's settings, and served from there by the gateway
      expect(kubo.addParams.length).to.be.greaterThan(0);
      expect(kubo.addParams.every((p) => p.get("cid-version") === "1" && p.get("pin") === "true")).to.equal(true);
      expect((await fetch(`${gateway}/ipfs/${body.metadataCid}?format=raw`)).status).to.equal(200);
    } finally {
      s.child.kill("SIGINT");
      const code = await s.exited;
      await kubo.close();
      await node.close();
      rmSync(stateDir, { recursive: true, force: true });
      expect(code, output()).to.equal(0);
    }
  });
});
