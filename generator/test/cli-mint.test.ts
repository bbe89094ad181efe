import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { ATTESTER_KEY as GENERATOR_KEY, remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat's well-known development account #1 (a test key, never a real one).
const GENERATOR = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";

describe("npx motif mint against a JSON-RPC node", function () {
  this.timeout(180_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>> | undefined;
  after(async () => {
    await chain?.close();
  });

  it("mints one pattern from the CLI with the generator key, then refuses the same pattern", async () => {
    // Hardhat's in-process EDR chain served over HTTP on a free loopback port, madder registered.
    chain = await remoteChainWithMotif({ models: ["madder"] });
    const { url, record } = chain;
    const connection = chain.deployed.connection;
    const env = { ...process.env, ...chain.env };
    const store = path.join(mkdtempSync(path.join(os.tmpdir(), "motif-cli-mint-")), "ipfs");
    // Asynchronous: the chain is served by this process, whose event loop must keep running.
    const run = () =>
      new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["generator/bin/motif.mjs", "mint", "--model", "madder", "--seed", "77", "--size", "96", "--store", store, "--json"],
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
            ["generator/bin/motif.mjs", "verify", out.tokenId, "--rpc", url, "--gateway", gatewayUrl, ...extra],
            { env: { ...env, MOTIF_LICENSING: record.contracts.MotifLicensing } },
            (error, stdout, stderr) => resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
          );
        });
      const verify = await motifVerify();
      expect(verify.status, verify.stderr + verify.stdout).to.equal(0);
      expect(verify.stdout).to.match(/\nverified\n$/);
      expect(verify.stdout.match(/PASS/g)).to.have.length(12); // tile, the model's card and its training lineage included
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
