import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress } from "viem";

import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { loadManifest } from "../../generator/src/render/render.js";
import { deployMotif } from "../../scripts/lib/deploy.js";

// Hardhat's well-known development account #1 (a test key, never a real one).
const GENERATOR_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const GENERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("npx motif mint against a JSON-RPC node", function () {
  this.timeout(180_000);
  let server: Awaited<ReturnType<typeof network.createServer>> | undefined;
  let url = "";

  before(async () => {
    // Hardhat's in-process EDR chain served over HTTP on a free loopback port.
    server = await network.createServer("default", "127.0.0.1", 0);
    const { address, port } = await server.listen();
    url = `http://${address}:${port}`;
  });

  after(async () => {
    await server?.close();
  });

  it("mints one pattern from the CLI with the generator key, then refuses the same pattern", async () => {
    const connection = await network.create({ network: "localhost", override: { url } });
    const { record, registry } = await deployMotif(connection, { attesters: [GENERATOR] });
    const [admin] = await connection.viem.getWalletClients();
    const madder = (await loadManifest()).find((m) => m.name === "madder")!;
    await registry.write.registerModel([
      { owner: getAddress(admin!.account.address), weightsDigest: madder.sha256, weightsCidDigest: madder.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name: "madder", version: madder.version },
    ]);
    const env = {
      ...process.env,
      MOTIF_RPC_URL: url,
      MOTIF_ATTESTER_KEY: GENERATOR_KEY,
      MOTIF_CERTIFICATE: record.contracts.MotifCertificate,
      MOTIF_REGISTRY: record.contracts.MotifModelRegistry,
    };
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), "motif-cli-mint-")), "ipfs");
    // Asynchronous: the chain is served by this process, whose event loop must keep running.
    const run = () =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["bin/motif.mjs", "mint", "--model", "madder", "--seed", "77", "--size", "96", "--store", store, "--json"],
          { env },
          (error, stdout, stderr) => resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
        );
      });
    const first = await run();
    expect(first.status, first.stderr).to.equal(0);
    const out = JSON.parse(first.stdout);
    expect(out.status).to.equal("minted");
    expect(first.stdout + first.stderr).not.to.contain(GENERATOR_KEY.slice(2)); // the key is never printed
    const certificate = await connection.viem.getContractAt("MotifCertificate", record.contracts.MotifCertificate);
    expect(await certificate.read.tokenURI([BigInt(out.tokenId)])).to.equal(`ipfs://${out.metadataCid}`);
    expect(await certificate.read.ownerOf([BigInt(out.tokenId)])).to.equal(GENERATOR);

    const again = await run();
    expect(again.status).to.equal(1);
    expect(JSON.parse(again.stdout).status).to.equal("refused");

    // An auditor verifies it with nothing but the RPC and a trustless gateway over that store.
    const gateway = await buildGateway(new EmbeddedIpfs(store));
    const gatewayUrl = await gateway.listen({ port: 0, host: "127.0.0.1" });
    try {
      const motifVerify = (...extra: string[]) =>
        new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
          execFile(
            process.execPath,
            ["bin/motif.mjs", "verify", out.tokenId, "--rpc", url, "--gateway", gatewayUrl, ...extra],
            { env: { ...env, MOTIF_LICENSING: record.contracts.MotifLicensing } },
            (error, stdout, stderr) => resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
          );
        });
      const verify = await motifVerify();
      expect(verify.status, verify.stderr + verify.stdout).to.equal(0);
      expect(verify.stdout).to.match(/\nverified\n$/);
      expect(verify.stdout.match(/PASS/g)).to.have.length(10); // tile included
      // an item left out is said so in words, with why, and does not fail the verdict
      const partial = await motifVerify("--skip-rerender");
      expect(partial.status, partial.stderr + partial.stdout).to.equal(0);
      expect(partial.stdout).to.match(/NOT CHECKED +Model fetched by its weights CID/);
      expect(partial.stdout).to.contain("verified; not checked: rerender (no renderer given");
    } finally {
      await gateway.close();
    }
  });
});
