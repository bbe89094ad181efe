/// <reference lib="dom" />
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { type Hex, keccak256, toHex } from "viem";

import { getCertificate } from "@motif/sdk";
import { type Stack, startStack } from "../../scripts/lib/stack.js";

const CHROMIUM = "/usr/bin/chromium";
const RESULTS = path.join(process.cwd(), "test-results");
const TOTAL = 1_000;

/**
 * The gallery on a 1,000-certificate local chain: one real pattern (rendered, pinned and minted by
 * the stack's API) and 999 more minted by the generator in batches of 100, naming that pattern's
 * pinned metadata (each a distinct token id). The page lists them through the indexer a page at a
 * time; the timings are recorded in test-results/gallery-scale.json (targets belong in benchmarks,
 * not in a test that a slow machine would fail).
 */
describe("web page at 1,000 certificates (headless Chromium, through the indexer)", function () {
  this.timeout(600_000);
  let stack: Stack;
  let browser: Browser;
  let stateDir: string;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    stateDir = await mkdtemp(path.join(os.tmpdir(), "motif-gallery-scale-"));
    stack = await startStack({ stateDir, ports: { rpc: 0, gateway: 0, api: 0, web: 0, indexer: 0 }, indexer: true });
    const created = await fetch(`${stack.urls.api}/v1/patterns`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": stack.apiKey },
      body: JSON.stringify({ model: "madder", seed: "5", params: { scale: 2, sharpness: 4 }, width: 64, height: 64, mint: true }),
    });
    const body = (await created.json()) as { status: string; tokenId: string };
    expect(body.status, JSON.stringify(body)).to.equal("minted");
    const publicClient = await stack.connection.viem.getPublicClient();
    const real = await getCertificate(publicClient, { certificate: stack.deployment.contracts.MotifCertificate, tokenId: BigInt(body.tokenId) });
    const [, generator] = await stack.connection.viem.getWalletClients();
    const certificate = await stack.connection.viem.getContractAt("MotifCertificate", stack.deployment.contracts.MotifCertificate);
    for (let b = 0; b < (TOTAL - 1) / 100; b++) {
      const requests = Array.from({ length: Math.min(100, TOTAL - 1 - b * 100) }, (_, i) => {
        const n = b * 100 + i;
        const hex = (s: string): Hex => keccak256(toHex(`${s}-${n}`));
        return { lineage: { ...real.lineage, contentDigest: hex("scale"), seed: BigInt(n), pdqHash: hex("q"), tileHash: hex("t") }, to: generator!.account.address, royaltyBps: 500, deadline: 2n ** 40n, signature: "0x" as Hex };
      });
      await publicClient.waitForTransactionReceipt({ hash: await certificate.write.mintBatch([requests], { account: generator!.account }) });
    }
    await stack.indexerReady;
    let indexed = 0;
    for (let i = 0; i < 240 && indexed !== TOTAL; i++) {
      indexed = ((await (await fetch(`${stack.urls.indexer}/v1/gallery?pageSize=1`)).json()) as { total: number }).total;
      if (indexed !== TOTAL) await new Promise((r) => setTimeout(r, 250));
    }
    expect(indexed, "certificates in the index").to.equal(TOTAL);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it("shows the first page, pages to the last and filters, with the timings recorded", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const t0 = Date.now();
    await page.goto(stack.urls.web!);
    await page.waitForSelector("#count", { timeout: 60_000 });
    const listed = Date.now() - t0;
    expect(await page.locator("#count").textContent()).to.contain(`${TOTAL} certificates`).and.contain("from the indexer");
    expect(await page.locator(".card").count()).to.equal(24);
    await page.waitForFunction(() => document.querySelectorAll(".card img").length === 24, undefined, { timeout: 120_000 });
    const imaged = Date.now() - t0;
    // the last page: 1,000 = 41 × 24 + 16
    const t1 = Date.now();
    await page.goto(`${stack.urls.web}/#/?page=42`);
    await page.waitForFunction(() => document.querySelector("#page")?.textContent?.includes("Page 42 of 42"), undefined, { timeout: 60_000 });
    const lastPage = Date.now() - t1;
    expect(await page.locator(".card").count()).to.equal(16);
    // a filter across all 1,000: the real pattern's creator minted them all; one model
    const t2 = Date.now();
    await page.goto(`${stack.urls.web}/#/?model=madder&sort=oldest`);
    await page.waitForFunction(() => document.querySelector("#count")?.textContent?.startsWith("1000 certificates"), undefined, { timeout: 60_000 });
    const filtered = Date.now() - t2;
    expect(errors).to.deep.equal([]);
    const timings = { certificates: TOTAL, firstPageListedMs: listed, firstPageImagesMs: imaged, lastPageMs: lastPage, modelFilterMs: filtered, machineCpus: os.cpus().length };
    console.log(`      ${JSON.stringify(timings)}`);
    await mkdir(RESULTS, { recursive: true });
    await writeFile(path.join(RESULTS, "gallery-scale.json"), JSON.stringify(timings, null, 2) + "\n");
    await page.close();
  });
});
