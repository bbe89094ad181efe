import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { getAddress } from "viem";

import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { decodeImage } from "../src/pdq/index.js";
import { closeRenderPools, render } from "../src/render/render.js";
import { commonColours } from "../src/render/recolour.js";
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

  it("a colourway of a studio's design: the generator signs it, the studio sends it (MOTIF_WALLET_KEY), nobody approves the generator's key; a stranger's send is refused, nothing lost", async () => {
    const own = await remoteChainWithMotif({ models: ["madder"] });
    try {
      // Hardhat's development accounts #2 (the studio) and #3 (a stranger): test keys, never real ones
      const STUDIO_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
      const STRANGER_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
      const studio = getAddress(own.deployed.wallets[2]!.account.address);
      const env = { ...process.env, ...own.env, MOTIF_CREATOR: studio };
      delete (env as Record<string, string | undefined>).MOTIF_WALLET_KEY;
      const store = path.join(mkdtempSync(path.join(os.tmpdir(), "motif-cli-colourway-")), "ipfs");
      const base = ["--model", "madder", "--seed", "78", "--scale", "2", "--sharpness", "4", "--size", "96", "--to", studio, "--store", store, "--json"];
      const run = (args: string[], extra: Record<string, string> = {}) =>
        new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
          execFile(process.execPath, ["generator/bin/motif.mjs", "mint", ...args], { env: { ...env, ...extra } }, (error, stdout, stderr) =>
            resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
          );
        });
      const designRun = await run(base);
      expect(designRun.status, designRun.stderr).to.equal(0);
      const design = JSON.parse(designRun.stdout) as { status: string; tokenId: `0x${string}` };
      expect(design.status).to.equal("minted");
      const cert = own.certificate;
      const designId = BigInt(design.tokenId);
      expect(getAddress(await cert.read.ownerOf([designId]))).to.equal(studio);
      // the design's two commonest colours recoloured (its render, made here again: the same bytes)
      const png = (await render({ model: "madder", seed: 78n, params: { scale: 2, sharpness: 4 }, width: 96, height: 96 })).png;
      const [ground, figure] = commonColours((await decodeImage(png)).data, 2);
      const colourway = [...base, "--colourway-of", design.tokenId, "--recolour", `${ground}:#1e5631,${figure}:#f7d6d0`];

      // 1. the generator signs, nothing is sent: the signed request is printed for the owner
      const owed = await run(colourway);
      expect(owed.status, owed.stderr).to.equal(0);
      const attested = JSON.parse(owed.stdout) as { status: string; tokenId: `0x${string}`; designId: string; owner: string; mintRequest: { to: string; signature: string } };
      expect(attested.status).to.equal("attested");
      expect(BigInt(attested.designId)).to.equal(designId);
      expect(getAddress(attested.owner)).to.equal(studio);
      expect(getAddress(attested.mintRequest.to)).to.equal(studio);
      expect(attested.mintRequest.signature).to.match(/^0x[0-9a-f]{130}$/);
      expect(await cert.read.colourwaysOf([designId])).to.deep.equal([]);
      // 2. a stranger's wallet sends it: the contract refuses (not the design's owner), nothing minted
      const stranger = await run(colourway, { MOTIF_WALLET_KEY: STRANGER_KEY });
      expect(stranger.status).to.not.equal(0);
      expect(stranger.stderr + stranger.stdout).to.contain("MotifCertificateNotOwnerOrApproved");
      expect(stranger.stderr + stranger.stdout).not.to.contain(STRANGER_KEY.slice(2));
      // nothing done is lost: the signed request is printed all the same, for the owner
      const kept = JSON.parse(stranger.stdout) as typeof attested;
      expect(kept.status).to.equal("attested");
      expect([kept.tokenId, kept.designId]).to.deep.equal([attested.tokenId, attested.designId]);
      expect(kept.mintRequest.signature).to.match(/^0x[0-9a-f]{130}$/);
      expect(await cert.read.colourwaysOf([designId])).to.deep.equal([]);
      // 3. the studio's wallet sends it: minted into the family, the studio's, no approval ever given
      const sent = await run(colourway, { MOTIF_WALLET_KEY: STUDIO_KEY });
      expect(sent.status, sent.stderr).to.equal(0);
      const minted = JSON.parse(sent.stdout) as { status: string; tokenId: `0x${string}`; sentBy: string; transactionHash: `0x${string}` };
      expect(minted.status).to.equal("minted");
      expect(minted.tokenId).to.equal(attested.tokenId);
      expect(getAddress(minted.sentBy)).to.equal(studio);
      expect(sent.stdout + sent.stderr).not.to.contain(STUDIO_KEY.slice(2));
      // the oracles: the chain's own answers
      expect(await cert.read.colourwaysOf([designId])).to.deep.equal([BigInt(minted.tokenId)]);
      expect(await cert.read.designOf([BigInt(minted.tokenId)])).to.equal(designId);
      expect(getAddress(await cert.read.ownerOf([BigInt(minted.tokenId)]))).to.equal(studio);
      expect(BigInt(await cert.read.getApproved([designId]))).to.equal(0n);
      expect(await cert.read.isApprovedForAll([studio, GENERATOR])).to.equal(false);
    } finally {
      await closeRenderPools();
      await own.close();
    }
  });
});
