import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CID } from "multiformats/cid";
import { createWalletClient, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { fakeKubo } from "../../test/ts/helpers/fake-kubo.js";
import { ATTESTER_KEY, remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

const listen = (server: Server) => new Promise<number>((r) => server.listen(0, "127.0.0.1", () => r((server.address() as AddressInfo).port)));

/** A JSON-RPC proxy that answers every `failEvery`-th request with HTTP 503, and all of them while `down`. */
async function flakyRpc(upstream: string, failEvery: number) {
  const state = { down: false, requests: 0, failed: 0 };
  const server = createServer((req, res) => {
    state.requests++;
    if (state.down || state.requests % failEvery === 0) {
      state.failed++;
      req.resume();
      res.writeHead(503).end("upstream unavailable");
      return;
    }
    const target = new URL(upstream);
    const proxied = httpRequest({ host: target.hostname, port: target.port, path: "/", method: "POST", headers: { "content-type": "application/json" } }, (up) => {
      res.writeHead(up.statusCode ?? 502, { "content-type": "application/json" });
      up.pipe(res);
    });
    proxied.on("error", () => res.writeHead(502).end());
    req.pipe(proxied);
  });
  const port = await listen(server);
  return { url: `http://127.0.0.1:${port}/?apikey=RPC-SECRET-42`, state, close: () => new Promise<void>((r) => server.close(() => r())) };
}

type Run = { code: number | null; signal: NodeJS.Signals | null; output: string };

describe("faults: IPFS down, RPC errors, nonce conflicts, a killed process — every pattern pinned and minted exactly once", function () {
  this.timeout(420_000);

  it("recovers from each fault by rerunning the batch, and the journal, the chain and the IPFS node agree", async () => {
    const chain = await remoteChainWithMotif();
    const { record, certificate } = chain;
    const chainUrl = chain.url;

    const rpc = await flakyRpc(chainUrl, 7);
    const kubo = await fakeKubo();
    const deadPort = await (async () => {
      const s = createServer();
      const p = await listen(s);
      await new Promise<void>((r) => s.close(() => r()));
      return p;
    })();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-faults-"));
    const journal = path.join(dir, "batch.jsonl");
    const outputs: string[] = [];
    const batch = (ipfsApi: string, killWhen?: (journalText: string) => boolean) =>
      new Promise<Run>((resolve) => {
        const child = spawn(process.execPath, [path.join("generator", "bin", "motif.mjs"), "batch", "--count", "6", "--model", "weld", "--seed-start", "700", "--size", "64", "--journal", journal, "--store", path.join(dir, "ipfs"), "--json"], {
          env: { ...process.env, MOTIF_RPC_URL: rpc.url, MOTIF_ATTESTER_KEY: ATTESTER_KEY, MOTIF_IPFS_API: ipfsApi, MOTIF_CERTIFICATE: record.contracts.MotifCertificate, MOTIF_REGISTRY: record.contracts.MotifModelRegistry },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        const watch = setInterval(() => {
          let text = "";
          try {
            text = readFileSync(journal, "utf8");
          } catch {
            // no journal yet
          }
          if (killWhen?.(text)) child.kill("SIGKILL");
        }, 20);
        child.stdout.on("data", (d: Buffer) => (output += d.toString()));
        child.stderr.on("data", (d: Buffer) => (output += d.toString()));
        child.on("exit", (code, signal) => {
          clearInterval(watch);
          outputs.push(output);
          resolve({ code, signal, output });
        });
      });

    try {
      // 1. IPFS unavailable: the run stops with an error; the pattern waits in the durable pin queue.
      const down = await batch(`http://127.0.0.1:${deadPort}`);
      expect(down.code, down.output).to.equal(1);
      expect(down.output).to.match(/ipfs add/i);
      expect(readdirSync(path.join(dir, "pin-queue")).length).to.be.greaterThan(0);

      // 2. Killed mid-batch (SIGKILL) once two patterns are minted.
      const minted = (text: string) => text.split("\n").filter((l) => l.includes('"step":"minted"')).length;
      const killed = await batch(kubo.url, (text) => minted(text) >= 2);
      expect(killed.signal, killed.output).to.equal("SIGKILL");

      // 3. Reruns through the flaky RPC while another process spends the same key (nonce conflicts),
      // until one run completes.
      const sameKey = createWalletClient({ account: privateKeyToAccount(ATTESTER_KEY), transport: http(chainUrl) });
      let spending = true;
      const spender = (async () => {
        let sent = 0;
        while (spending) {
          await sameKey.sendTransaction({ chain: null, to: sameKey.account.address, value: 0n }).then(() => sent++, () => undefined);
          // not faster: each of its transactions is a block, and an automining node stamps each block
          // a second after the last, so a spender at 30 tx/s runs the chain's clock an hour ahead in two
          // minutes and every attestation (valid an hour by this machine's clock) expires on arrival
          await new Promise((r) => setTimeout(r, 250));
        }
        return sent;
      })();
      let last: Run | undefined;
      for (let attempt = 0; attempt < 10 && last?.code !== 0; attempt++) last = await batch(kubo.url);
      spending = false;
      expect(await spender).to.be.greaterThan(0);
      // every attempt's output, so a failure says which fault each run stopped on
      expect(last?.code, outputs.slice(2).map((o, i) => `attempt ${i + 1}:\n${o.split("\n").filter((l) => !l.includes('"step":"minted"')).join("\n")}`).join("\n")).to.equal(0);
      expect(rpc.state.failed).to.be.greaterThan(0);

      // Exactly once: six certificates, one per pattern; the journal agrees with the chain.
      const events = await certificate.getEvents.CertificateMinted({}, { fromBlock: 0n });
      const onChain = events.map((e) => `0x${e.args.tokenId!.toString(16).padStart(64, "0")}`);
      expect(onChain).to.have.length(6);
      expect(new Set(onChain).size).to.equal(6);
      const records = new Map<string, { step: string; contentDigest: string; metadataCid: string }>();
      for (const line of readFileSync(journal, "utf8").trim().split("\n")) {
        const r = JSON.parse(line) as { key: string; step: string; contentDigest: string; metadataCid: string };
        records.set(r.key, r);
      }
      expect([...records.values()].map((r) => r.step)).to.deep.equal(Array(6).fill("minted"));
      expect(new Set([...records.values()].map((r) => r.contentDigest))).to.deep.equal(new Set(onChain));
      // Pinned on the IPFS node, and nothing left waiting in the queue.
      for (const r of records.values()) expect(await kubo.backing.has(CID.parse(r.metadataCid)), r.metadataCid).to.equal(true);
      expect(readdirSync(path.join(dir, "pin-queue"))).to.deep.equal([]);
      // No secret ever reached the logs: neither the key nor the RPC URL's API key.
      const all = outputs.join("\n");
      expect(all).not.to.contain(ATTESTER_KEY.slice(2));
      expect(all).not.to.contain("RPC-SECRET-42");
    } finally {
      await rpc.close();
      await kubo.close();
      await chain.close();
    }
  });
});
