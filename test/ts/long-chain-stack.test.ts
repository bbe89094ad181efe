import { expect } from "chai";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { chromium } from "playwright-core";
import { keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getGallery, licenseTerms, motifActions, motifCertificateAbi, motifLicensingAbi, regionMask } from "@motif/sdk";
import { startIndexer } from "@motif/indexer/launch";
import { runStory, type StoryReport } from "../../scripts/lib/demo-story.js";
import { type Stack, startStack } from "../../scripts/lib/stack.js";
import { runCli } from "./helpers/cli.js";
import { injectWallet } from "./helpers/injected-wallet.js";
import { HOSTED_LIMITS, startLimitsProxy } from "./helpers/limits-proxy.js";

// Hardhat's default accounts #0 and #1: the deployer and the generator on the "real" chain.
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ATTESTER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const ADVANCE = 1_000_000;
const CHROMIUM = "/usr/bin/chromium";

/**
 * Motif on a chain as a long-lived network looks, reached only through a hosted provider's limits
 * (≤ 10,000 blocks and ≤ 10,000 logs per eth_getLogs, 25 requests/s, errors shaped like theirs): a
 * chain advanced a million blocks before deployment. The stack deploys there (MOTIF_RPC_URL), the
 * demo's story runs (mint, screen, offers, licences, usage, a dataset, an audit), `motif verify` and
 * `motif dataset export --all` run as a user runs them, and the indexer catches up: every read
 * through the proxy, none refused for good.
 */
describe(`the stack on a chain ${ADVANCE.toLocaleString("en-US")} blocks long behind a hosted RPC's limits`, function () {
  this.timeout(900_000);
  let node: Awaited<ReturnType<typeof network.createServer>>;
  let proxy: Awaited<ReturnType<typeof startLimitsProxy>>;
  let stack: Stack;
  let story: StoryReport;
  let stateDir: string;
  const dirs: string[] = [];
  const saved = { ...process.env };
  const temp = (prefix: string) => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix));
    dirs.push(d);
    return d;
  };

  before(async () => {
    // genesis a million seconds ago: a real chain's clock is the wall clock, which attestation
    // deadlines are set from (hardhat_mine advances the clock a second a block)
    node = await network.createServer({ network: "default", override: { initialDate: new Date(Date.now() - ADVANCE * 1000 - 60_000) } }, "127.0.0.1", 0);
    const { port } = await node.listen();
    const upstream = `http://127.0.0.1:${port}`;
    const rpc = (method: string, params: unknown[] = []) => fetch(upstream, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
    await rpc("hardhat_mine", [toHex(ADVANCE)]);
    // EDR gives the blocks of one hardhat_mine call (from the third on) zero parent hashes, which a
    // real chain never has and Ponder's reorg check refuses: the last 40 blocks are mined one by one,
    // so the indexer's finalized block (30 below the head) always links to its successors
    for (let i = 0; i < 40; i++) await rpc("evm_mine");
    proxy = await startLimitsProxy(upstream, HOSTED_LIMITS);
    // the stack's Hardhat network `motif` reads these config variables from the environment
    Object.assign(process.env, { MOTIF_RPC_URL: proxy.url, MOTIF_DEPLOYER_KEY: DEPLOYER_KEY, MOTIF_ATTESTER_KEY: ATTESTER_KEY });
    stateDir = temp("motif-long-stack-");
    // the indexer starts after the story (last test): sharing one 25 requests/s plan with the story's
    // writes is the stack's MOTIF_INDEX_MAX_RPS share, not what this test measures
    stack = await startStack({ stateDir, env: process.env, ports: { rpc: 0, gateway: 0, api: 0, web: 0 }, deploymentDir: temp("motif-long-deploy-") });
    expect(stack.deployment.startBlock).to.be.greaterThan(ADVANCE);
  });

  after(async () => {
    await stack?.close();
    await proxy?.close();
    await node?.close();
    for (const k of ["MOTIF_RPC_URL", "MOTIF_DEPLOYER_KEY", "MOTIF_ATTESTER_KEY"]) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("runs the demo's whole story through the proxy, its audit passing", async () => {
    const publicClient = await stack.connection.viem.getPublicClient();
    const wallets = await stack.connection.viem.getWalletClients();
    proxy.reset();
    story = await runStory({ publicClient, wallets, deployment: stack.deployment, pipeline: stack.pipeline, gateway: stack.urls.gateway, rpcUrl: proxy.url, workDir: temp("motif-long-story-"), seed: 77n, patterns: 3, size: 128 });
    expect(story.audit.passed, story.audit.summary).to.equal(true);
    expect(BigInt(story.licenses.world.licenseId) > 0n, "the worldwide licence was granted").to.equal(true);
    expect(story.dataset.verified).to.equal(true);
    console.log(`      story: ${[...proxy.calls.values()].reduce((a, b) => a + b, 0)} requests, ${proxy.calls.get("eth_getLogs") ?? 0} eth_getLogs, refused: ${JSON.stringify(proxy.refused)}`);
  });

  it("motif verify and motif dataset export --all, as a user runs them against the proxy", async () => {
    const env = {
      MOTIF_RPC_URL: proxy.url,
      MOTIF_CERTIFICATE: stack.deployment.contracts.MotifCertificate,
      MOTIF_REGISTRY: stack.deployment.contracts.MotifModelRegistry,
      MOTIF_LICENSING: stack.deployment.contracts.MotifLicensing,
      MOTIF_START_BLOCK: String(stack.deployment.startBlock),
    };
    proxy.reset();
    const verified = await runCli(env, "verify", story.audit.tokenId, "--gateway", stack.urls.gateway, "--skip-rerender", "--json");
    expect(verified.code, verified.output).to.equal(0);
    expect((JSON.parse(verified.stdout) as { passed: boolean }).passed).to.equal(true);
    const verifyRequests = [...proxy.calls.values()].reduce((a, b) => a + b, 0);
    proxy.reset();
    const out = path.join(temp("motif-long-export-"), "train.car");
    const exported = await runCli(env, "dataset", "export", "--licensee", story.licenses.world.licensee, "--region", "FR", "--all", "--out", out, "--store", path.join(stateDir, "ipfs"), "--json");
    expect(exported.code, exported.output).to.equal(0);
    const report = JSON.parse(exported.stdout) as { members: number; root: string; refused: unknown[] };
    // the same members as the story's own export (the worldwide licence allows AI training on one pattern)
    expect(report.members, exported.stdout).to.equal(story.dataset.members.length);
    expect(report.root).to.equal(story.dataset.root);
    console.log(`      verify: ${verifyRequests} requests; export: ${[...proxy.calls.values()].reduce((a, b) => a + b, 0)} requests, refused ${JSON.stringify(proxy.refused)}`);
  });

  it("the web page through the proxy, its wallet's RPC the hosted provider too: gallery, a pattern's offers, an offer accepted, the licence shown, the auditor's checks passing, the models page, a pattern created and minted", async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    // the pattern's owner publishes one more on-chain offer (its write through the proxy as well)
    const publicClient = await stack.connection.viem.getPublicClient();
    const wallets = await stack.connection.viem.getWalletClients();
    const addresses = { certificate: stack.deployment.contracts.MotifCertificate, registry: stack.deployment.contracts.MotifModelRegistry, licensing: stack.deployment.contracts.MotifLicensing };
    const tokenId = BigInt(story.offers.worldwide.tokenId);
    const owner = await publicClient.readContract({ address: addresses.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] });
    const studio = wallets.find((w) => w.account.address.toLowerCase() === owner.toLowerCase())!.extend(motifActions({ addresses }));
    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(["DE", "FR", "IT"]), flags: LicenseFlags.COMMERCIAL, currency: zeroAddress, termsDigest: keccak256(toHex("long chain web terms")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 30 * 86_400 },
      pricing: { price: parseEther("0.02"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 10,
      deadline: now + 86_400,
      nonce: 0n,
      licensee: zeroAddress,
    };
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await studio.publishOffer({ offer }) });
    const offerId = (await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }))[0]!.args.offerId!;

    proxy.reset();
    const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));
      // on a remote chain the page reads through the visitor's wallet, whose RPC is the hosted provider
      await injectWallet(page, proxy.url, 9);
      await page.goto(stack.urls.web!);
      await page.waitForFunction(() => document.querySelectorAll(".card").length >= 3, undefined, { timeout: 90_000 });
      await page.goto(`${stack.urls.web}/#/pattern/0x${tokenId.toString(16).padStart(64, "0")}`);
      await page.waitForSelector(`.offer[data-offer="${offerId}"]`, { timeout: 90_000 });
      await page.click("#connect");
      await page.waitForSelector("#switch");
      await page.click("#switch");
      await page.waitForSelector("#account");
      await page.click(`.offer[data-offer="${offerId}"] button.accept`);
      await page.waitForSelector('#status .notice[data-kind="ok"]', { timeout: 120_000 });
      await page.waitForSelector(".licence", { timeout: 90_000 });
      expect(await page.locator(".licence .licence-status").textContent()).to.contain("active");
      // the auditor page: every verification item passes, reading through the wallet's provider
      await page.goto(`${stack.urls.web}/#/audit/0x${tokenId.toString(16).padStart(64, "0")}`);
      await page.waitForSelector("table.audit", { timeout: 120_000 });
      const rows = await page.locator("table.audit tr[data-item]").evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute("data-item"), cls: tr.className, text: tr.textContent })));
      expect(rows.length).to.be.greaterThan(5);
      for (const r of rows) expect([r.cls, r.text?.startsWith("✔ passed")], JSON.stringify(r)).to.deep.equal(["pass", true]);
      // the models page: every registered model read from the registry, each card fetched and checked
      await page.goto(`${stack.urls.web}/#/models`);
      await page.waitForSelector("#model-count", { timeout: 90_000 });
      await page.waitForFunction(() => document.querySelectorAll("section.model").length > 0 && document.querySelectorAll("section.model .model-card").length === document.querySelectorAll("section.model").length, undefined, { timeout: 90_000 });
      // the creator page: a preview the generator renders, minted to the connected wallet through the provider
      await page.goto(`${stack.urls.web}/#/create`);
      await page.waitForSelector("input[name=seed]");
      await page.fill("input[name=seed]", "47114711");
      await page.click("#preview");
      await page.waitForSelector(".preview img", { timeout: 90_000 });
      await page.click("#mint");
      await page.waitForSelector('#status .notice[data-kind="ok"]', { timeout: 120_000 });
      expect(errors).to.deep.equal([]);
      // bounded reads only: none from before the deployment, none the provider refused as too wide or too full
      const beforeDeployment = proxy.logRanges.filter((r) => r.from !== -1n && r.from < BigInt(stack.deployment.startBlock));
      expect(beforeDeployment, "eth_getLogs ranges starting before the deployment block").to.deep.equal([]);
      expect([proxy.refused.range, proxy.refused.results]).to.deep.equal([0, 0]);
      console.log(`      web page: ${[...proxy.calls.values()].reduce((a, b) => a + b, 0)} requests (${proxy.calls.get("eth_getLogs") ?? 0} eth_getLogs), ${proxy.refused.rate} answered 429 and waited out`);
    } finally {
      await browser.close();
    }
  });

  it("the indexer catches up through the proxy and lists every certificate the story minted", async () => {
    const indexer = await startIndexer({
      rpcUrl: proxy.url,
      chainId: 31337,
      startBlock: stack.deployment.startBlock,
      addresses: { certificate: stack.deployment.contracts.MotifCertificate, licensing: stack.deployment.contracts.MotifLicensing, registry: stack.deployment.contracts.MotifModelRegistry },
      stateDir: temp("motif-long-index-"),
      port: 0,
      pollingMs: 1_000,
      maxRequestsPerSecond: 10,
    });
    try {
      await indexer.ready(240_000);
      // the oracle: the chain's own CertificateMinted events, read directly (not through the proxy)
      const direct = await stack.connection.viem.getPublicClient();
      const minted = (await direct.getContractEvents({ address: stack.deployment.contracts.MotifCertificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: BigInt(stack.deployment.startBlock) })).length;
      expect(minted, "the story's patterns, the recipe's, the textile design's and its colourway's, the trained model's and the creator page's").to.equal(story.batch.filter((b) => b.status === "minted").length + 5);
      expect((await getGallery({ indexer: indexer.url, kind: "pattern" })).total).to.equal(minted);
      // dataset export --all through the indexer (MOTIF_INDEXER_URL): the same members, and no
      // eth_getLogs reaches back into the chain's million-block history (the indexer's own polls are near the head too)
      const env = {
        MOTIF_RPC_URL: proxy.url,
        MOTIF_INDEXER_URL: indexer.url,
        MOTIF_CERTIFICATE: stack.deployment.contracts.MotifCertificate,
        MOTIF_REGISTRY: stack.deployment.contracts.MotifModelRegistry,
        MOTIF_LICENSING: stack.deployment.contracts.MotifLicensing,
        MOTIF_START_BLOCK: String(stack.deployment.startBlock),
      };
      const head = await (await stack.connection.viem.getPublicClient()).getBlockNumber();
      proxy.reset();
      const out = path.join(temp("motif-long-export-idx-"), "train.car");
      const exported = await runCli(env, "dataset", "export", "--licensee", story.licenses.world.licensee, "--region", "FR", "--all", "--out", out, "--store", path.join(stateDir, "ipfs"), "--json");
      expect(exported.code, exported.output).to.equal(0);
      expect(exported.stderr, "the indexer answered").to.not.match(/did not answer/);
      const report = JSON.parse(exported.stdout) as { members: number; root: string; listedBy: string };
      expect([report.listedBy, report.members, report.root]).to.deep.equal(["indexer", story.dataset.members.length, story.dataset.root]);
      // (the export reads the index's last 128 blocks again from the chain, in case of a reorg)
      const reachedBack = proxy.logRanges.filter((r) => r.from !== -1n && r.from < head - 1_000n);
      expect(reachedBack, "eth_getLogs ranges starting more than 1,000 blocks below the head").to.deep.equal([]);
    } finally {
      await indexer.stop();
    }
  });
});
