/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { createPublicClient, formatEther, http, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { licenseTerms, LicenseFlags, type Offer, motifActions, motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi, regionBit, regionMask } from "@motif/sdk";
import { runStory } from "../../scripts/lib/demo-story.js";
import { injectWallet } from "../../test/ts/helpers/injected-wallet.js";
import { type Stack, startStack } from "../../scripts/lib/stack.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.join(process.cwd(), "test-results", "screenshots");
const WEB_DIST = path.join(process.cwd(), "web", "dist");

describe("web page in headless Chromium: gallery, wallet, accept an offer, usage, auditor, creator", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let tokenB: bigint;
  let fromRecipe: { pattern: string; recipeId: string };
  let offerId: bigint;
  let storyDone: Awaited<ReturnType<typeof runStory>>;

  before(async function () {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    if (!existsSync(path.join(WEB_DIST, "index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test builds it)");
    await mkdir(SHOTS, { recursive: true });
    const stateDir = await mkdtemp(path.join(os.tmpdir(), "motif-web-"));
    stack = await startStack({ stateDir, ports: { rpc: 0, gateway: 0, api: 0, web: 0, indexer: 0 }, indexer: true });
    const publicClient = await stack.connection.viem.getPublicClient();
    const wallets = await stack.connection.viem.getWalletClients();
    // The demo story fills the gallery (certificates, licences, usage) ...
    const story = await runStory({ publicClient, wallets, deployment: stack.deployment, pipeline: stack.pipeline, gateway: stack.urls.gateway, rpcUrl: stack.urls.rpc, workDir: stateDir, seed: 4242n, patterns: 3, size: 128 });
    tokenB = BigInt(story.offers.worldwide.tokenId);
    fromRecipe = { pattern: story.recipe.pattern, recipeId: story.recipe.recipeId };

    // ... and the creator publishes one more on-chain offer for the browser's licensee to accept.
    const addresses = { certificate: stack.deployment.contracts.MotifCertificate, registry: stack.deployment.contracts.MotifModelRegistry, licensing: stack.deployment.contracts.MotifLicensing };
    const creator = wallets[1]!.extend(motifActions({ addresses }));
    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId: tokenB, regions: regionMask(["DE", "FR", "IT"]), flags: LicenseFlags.COMMERCIAL, currency: zeroAddress, unitRoyalty: parseEther("0.0001"), unitCap: 500n, salesRoyaltyBps: 500, advance: parseEther("0.02"), renewalPrice: 0n, termsDigest: keccak256(toHex("web test terms")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 30 * 86400 },
      pricing: { price: parseEther("0.02"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 10,
      deadline: now + 86400,
      nonce: 0n,
      licensee: zeroAddress,
    };
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await creator.publishOffer({ offer }) });
    offerId = (await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }))[0]!.args.offerId!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    // the indexer has caught up with everything above (the page searches through it)
    await stack.indexerReady;
    const head = await publicClient.getBlockNumber();
    for (let i = 0; i < 60; i++) {
      const status = (await (await fetch(`${stack.urls.indexer}/status`)).json()) as Record<string, { block?: { number: number } }>;
      if (Object.values(status).some((c) => BigInt(c.block?.number ?? 0) >= head)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    storyDone = story;
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("shows the gallery with verified images and offers, and says when no wallet is installed", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(stack.urls.web!);
    await page.waitForSelector(".card img", { timeout: 60_000 });
    await page.waitForFunction(() => document.querySelectorAll(".card img").length >= 3, undefined, { timeout: 60_000 });
    expect(await page.locator('.card[data-kind="pattern"]').count()).to.equal(7); // the batch of three, the studio's bedding pattern and its colourway, the pattern rendered from the recipe and the one from the studio's trained model
    expect(await page.locator('.card[data-kind="recipe"]').count()).to.equal(1);
    expect(await page.locator("#count").textContent()).to.contain("from the indexer");
    expect(await page.locator("#no-wallet").textContent()).to.equal("No wallet found");
    await page.waitForFunction(() => [...document.querySelectorAll(".card .offers")].some((e) => e.textContent?.includes("open offer")), undefined, { timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, "gallery.png"), fullPage: true });
    // the pattern rendered from the recipe names it in its lineage table
    await page.goto(`${stack.urls.web}/#/pattern/${fromRecipe.pattern}`);
    const recipeRow = page.locator("table.lineage tr", { hasText: "Recipe" });
    await recipeRow.waitFor({ timeout: 30_000 });
    expect(await recipeRow.textContent()).to.contain(fromRecipe.recipeId).and.contain("share of this pattern's licence revenue");
    // a pattern that does not exist: said in words, its id in hex, no raw decimal, not a "refused transaction"
    const missing = `0x${"7e".repeat(32)}`;
    await page.goto(`${stack.urls.web}/#/pattern/${missing}`);
    await page.waitForSelector('.notice[data-kind="error"]', { timeout: 30_000 });
    const notFound = (await page.locator('.notice[data-kind="error"]').textContent())!;
    expect(notFound).to.contain(`There is no certificate ${missing}`);
    expect(notFound).to.not.match(/\d{60,}|refused the transaction|viem/);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it("searches through the indexer: by kind, by region and dates, a recipe's own page, and the licences already granted on a pattern", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    // kind: recipes only, through the form
    await page.goto(stack.urls.web!);
    await page.waitForSelector("#filters");
    await page.selectOption("#filters select[name=kind]", "recipe");
    await page.click("#filters button[type=submit]");
    await page.waitForFunction(() => location.hash.includes("kind=recipe") && document.querySelector("#count")?.textContent?.startsWith("1 certificate"), undefined, { timeout: 30_000 });
    expect(await page.locator(".card").count()).to.equal(1);
    expect(await page.locator(".card").getAttribute("data-token")).to.equal(fromRecipe.recipeId);
    // its own page: the recipe in words
    await page.click(".card");
    await page.waitForSelector("table.lineage", { timeout: 30_000 });
    expect(await page.locator("h1").textContent()).to.match(/^Recipe /);
    expect(await page.locator("table.lineage").textContent()).to.contain("Revenue share of derived patterns");
    // licensable in Italy for ten days from tomorrow: the pattern of the DE/FR/IT offer is among them
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    await page.goto(`${stack.urls.web}/#/?region=IT&from=${day(1)}&to=${day(10)}`);
    await page.waitForSelector("#count", { timeout: 30_000 });
    const inItaly = await page.locator(".card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-token")));
    expect(inItaly).to.include(`0x${tokenB.toString(16).padStart(64, "0")}`);
    // the oracle: the open offers on chain covering IT, from the chain's own events
    const offers = await stack.connection.viem.getPublicClient().then((c) => c.getContractEvents({ address: stack.deployment.contracts.MotifLicensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: 0n }));
    const italy = 1n << BigInt(regionBit("IT"));
    const withItaly = new Set(offers.filter((o) => (o.args.offer!.terms.regions & italy) !== 0n).map((o) => `0x${o.args.tokenId!.toString(16).padStart(64, "0")}`));
    for (const t of inItaly) expect(withItaly.has(t!), `${t} has no offer in Italy`).to.equal(true);
    // a bad date is said in words
    await page.goto(`${stack.urls.web}/#/?from=2027-13-45`);
    await page.waitForSelector('.notice[data-kind="error"]', { timeout: 30_000 });
    expect(await page.locator('.notice[data-kind="error"]').textContent()).to.contain('from: "2027-13-45" is not a date');
    // the pattern page lists the licences the story granted on it, as the chain has them
    const licensed = storyDone.offers.exclusiveEu.tokenId;
    await page.goto(`${stack.urls.web}/#/pattern/${licensed}`);
    await page.waitForSelector("#granted table.licences", { timeout: 60_000 });
    const grants = await stack.connection.viem.getPublicClient().then((c) => c.getContractEvents({ address: stack.deployment.contracts.MotifLicensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId: BigInt(licensed) }, fromBlock: 0n }));
    expect(grants.length).to.be.greaterThan(0);
    expect(await page.locator("#granted tr.granted").count()).to.equal(grants.length);
    expect(await page.locator("#granted tr.granted", { hasText: "exclusive" }).first().textContent()).to.contain("the 27 EU member states");
    expect(await page.locator("#granted .exclusivity").textContent()).to.contain("Held exclusively by");
    await page.screenshot({ path: path.join(SHOTS, "licences-granted.png"), fullPage: true });
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it("the pattern page's licences granted show each licence's net sales reported, as the chain has them", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const client = await stack.connection.viem.getPublicClient();
    const licensing = stack.deployment.contracts.MotifLicensing;
    const netSalesOnChain = async (licenseId: bigint) => {
      const licence = await client.readContract({ address: licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [licenseId] });
      const reports = await client.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "UsageReported", args: { licenseId }, fromBlock: 0n });
      return { netSales: licence.netSales, withSales: reports.filter((r) => r.args.netSales! > 0n).length };
    };
    // the mill's bedding licence: 0.1 ETH of net sales in FR, then 0.3 ETH in DE (the story's two reports)
    const textile = BigInt(storyDone.textile.licenseId);
    const sold = await netSalesOnChain(textile);
    expect(sold).to.deep.equal({ netSales: parseEther("0.4"), withSales: 2 });
    await page.goto(`${stack.urls.web}/#/pattern/${storyDone.textile.tokenId}`);
    await page.waitForSelector(`#granted tr.granted[data-licence="${textile}"]`, { timeout: 60_000 });
    expect(await page.locator("#granted table.licences th").allTextContents()).to.deep.equal(["Licensee", "Regions", "Window", "Kind", "Status", "Paid", "Net sales"]);
    expect(await page.locator(`#granted tr.granted[data-licence="${textile}"] td.net-sales`).textContent()).to.equal(`${formatEther(sold.netSales)} ETH in ${sold.withSales} reports`);
    // the exclusive EU licences on pattern A: terms without a sales royalty, no sales reported on chain
    const licensed = storyDone.offers.exclusiveEu.tokenId;
    const grants = await client.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId: BigInt(licensed) }, fromBlock: 0n });
    await page.goto(`${stack.urls.web}/#/pattern/${licensed}`);
    await page.waitForSelector("#granted table.licences", { timeout: 60_000 });
    for (const g of grants) {
      const id = g.args.licenseId!;
      expect((await netSalesOnChain(id)).netSales, `licence ${id}`).to.equal(0n);
      expect(await page.locator(`#granted tr.granted[data-licence="${id}"] td.net-sales`).textContent(), `licence ${id}`).to.equal("no sales royalty");
    }
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it("connects a wallet on the wrong chain, switches, rejects then signs and accepts an offer, sees the licence and reports usage", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const wallet = await injectWallet(page, stack.urls.rpc, 6);

    const tokenHex = `0x${tokenB.toString(16).padStart(64, "0")}`;
    await page.goto(`${stack.urls.web}/#/pattern/${tokenHex}`);
    await page.waitForSelector(`.offer[data-offer="${offerId}"]`, { timeout: 60_000 });
    const terms = await page.locator(`.offer[data-offer="${offerId}"] ul`).textContent();
    expect(terms).to.contain("Non-exclusive, commercial licence in Germany, France, Italy, for every product class (all 45 Nice classes).");
    expect(terms).to.contain("Runs for 30 days from the moment you accept.");
    expect(terms).to.contain("Price 0.02 ETH, plus 0.0001 ETH per unit produced, plus 5% of net sales, up to 500 units. An advance of 0.02 ETH paid at acceptance, recouped against royalties before any is charged (0.04 ETH in all at acceptance).");
    expect(await page.locator(`.offer[data-offer="${offerId}"] .region.on`).count()).to.equal(3);

    // Connect: the wallet is on chain 1, the page offers to switch.
    await page.click("#connect");
    await page.waitForSelector("#switch");
    expect(await page.locator("#wallet").textContent()).to.contain("Wrong network (chain 1)");
    await page.click("#switch");
    await page.waitForSelector("#account");
    expect(wallet.state.chainId).to.equal(31337);

    // The licensee rejects the first signature request, then accepts.
    wallet.state.rejectNext = true;
    await page.click(`.offer[data-offer="${offerId}"] button.accept`);
    await page.waitForSelector('#status .notice[data-kind="error"]');
    expect(await page.locator("#status").textContent()).to.contain("You rejected the request in your wallet. Nothing was signed or sent.");
    await page.click(`.offer[data-offer="${offerId}"] button.accept`);
    await page.waitForSelector('#status .notice[data-kind="ok"]', { timeout: 60_000 });
    await page.waitForSelector(".licence", { timeout: 60_000 });
    expect(await page.locator(".licence .licence-status").textContent()).to.contain("active — valid now");
    expect(await page.locator(".licence .units").textContent()).to.equal("Units: 0 used of 500; 500 remaining");
    expect(await page.locator(".licence .net-sales").textContent()).to.equal("Net sales reported: 0 ETH (royalty 5% of net sales)");
    expect(await page.locator(".licence .advance").textContent()).to.equal("Advance remaining: 0.02 ETH of 0.02 ETH still to recoup against royalties");

    // On-chain, the browser's account now holds the licence.
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    const [licensed] = await client.readContract({ address: stack.deployment.contracts.MotifLicensing, abi: motifLicensingAbi, functionName: "isLicensed", args: [tokenB, wallet.account.address, 74n, Number((await client.getBlock()).timestamp)] });
    expect(licensed).to.equal(true);

    // Usage outside the licence is refused with the contract's reason, in words; inside it counts.
    await page.selectOption(".licence select[name=region]", "US");
    await page.fill(".licence input[name=units]", "10");
    await page.click(".licence button.report-usage");
    await page.waitForSelector('.usage-status .notice[data-kind="error"]', { timeout: 60_000 });
    expect(await page.locator(".usage-status").textContent()).to.match(/Licence 0x[0-9a-f]{64} does not cover United States \(US\)\. \[MotifLicensingRegionNotAllowed; the contract refused the transaction reportUsage\]/);
    await page.selectOption(".licence select[name=region]", "FR");
    await page.fill(".licence input[name=units]", "100");
    await page.click(".licence button.report-usage");
    await page.waitForFunction(() => document.querySelector(".licence .units")?.textContent === "Units: 100 used of 500; 400 remaining", undefined, { timeout: 60_000 });
    // 100 units at 0.0001 ETH: a 0.01 ETH royalty, taken from the 0.02 ETH advance (nothing paid)
    expect(await page.locator(".licence .advance").textContent()).to.equal("Advance remaining: 0.01 ETH of 0.02 ETH still to recoup against royalties");
    // 1 ETH of net sales at 5%: a 0.05 ETH royalty, 0.01 ETH of it the advance's rest, 0.04 ETH paid
    const pending = () => client.readContract({ address: stack.deployment.contracts.MotifLicensing, abi: motifLicensingAbi, functionName: "pending", args: [tokenB, zeroAddress] });
    const pendingBefore = await pending();
    await page.fill(".licence input[name=units]", "0");
    await page.fill(".licence input[name=net-sales]", "1");
    await page.click(".licence button.report-usage");
    await page.waitForFunction(() => document.querySelector(".licence .net-sales")?.textContent === "Net sales reported: 1 ETH (royalty 5% of net sales)", undefined, { timeout: 60_000 });
    expect(await page.locator(".licence .advance").textContent()).to.equal("Advance remaining: 0 ETH of 0.02 ETH still to recoup against royalties");
    expect(await pending()).to.equal(pendingBefore + parseEther("0.04"));
    await page.screenshot({ path: path.join(SHOTS, "pattern.png"), fullPage: true });
    await page.close();
  });

  it("pattern page of a colourway: names its design and map; the repeat preview switches between the family's tiles; the auditor re-renders it", async () => {
    const { tokenId, designId } = storyDone.textile.colourway;
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.urls.web}/#/pattern/${tokenId}`);
    await page.waitForSelector("table.lineage", { timeout: 60_000 });
    const colourwayRow = await page.locator("table.lineage tr", { hasText: "Colourway of" }).textContent();
    expect(colourwayRow).to.contain(`colourway of ${designId}: `);
    await page.waitForSelector("#colourways button.colourway", { timeout: 60_000 });
    const members = await page.locator("#colourways button.colourway").evaluateAll((bs) => bs.map((b) => ({ token: b.getAttribute("data-token"), on: b.classList.contains("on"), text: b.textContent })));
    expect(members).to.deep.equal([
      { token: designId, on: false, text: "design" },
      { token: tokenId, on: true, text: `colourway ${tokenId.slice(0, 10)}…${tokenId.slice(-6)}` },
    ]);
    await page.waitForSelector("#repeat-canvas[data-ready='1']", { timeout: 60_000 });
    const pixels = () => page.locator("#repeat-canvas").evaluate((c: HTMLCanvasElement) => Array.from(c.getContext("2d")!.getImageData(0, 0, 64, 64).data).join(","));
    const own = await pixels();
    await page.click(`#colourways button.colourway[data-token="${designId}"]`);
    await page.waitForFunction((d) => document.querySelector(`#colourways button.colourway[data-token="${d}"]`)?.classList.contains("on"), designId);
    await page.waitForFunction((before) => Array.from(document.querySelector<HTMLCanvasElement>("#repeat-canvas")!.getContext("2d")!.getImageData(0, 0, 64, 64).data).join(",") !== before, own, { timeout: 30_000 });
    await page.click(`#colourways button.colourway[data-token="${tokenId}"]`);
    await page.waitForFunction((before) => Array.from(document.querySelector<HTMLCanvasElement>("#repeat-canvas")!.getContext("2d")!.getImageData(0, 0, 64, 64).data).join(",") === before, own, { timeout: 30_000 });
    await page.screenshot({ path: path.join(SHOTS, "colourway.png"), fullPage: true });
    // the auditor re-renders the colourway from its lineage (design render, recoloured)
    await page.goto(`${stack.urls.web}/#/audit/${tokenId}`);
    await page.waitForSelector("table.audit", { timeout: 120_000 });
    expect(await page.locator('table.audit tr[data-item="rerender"]').getAttribute("class")).to.equal("pass");
    await page.close();
  });

  it("auditor page: every verification item passes, re-render included", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const tokenHex = `0x${tokenB.toString(16).padStart(64, "0")}`;
    const screenCalls: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/v1/screen")) screenCalls.push(r.url());
    });
    await page.goto(`${stack.urls.web}/#/audit/${tokenHex}`);
    await page.waitForSelector("table.audit", { timeout: 120_000 });
    const rows = await page.locator("table.audit tr[data-item]").evaluateAll((trs) => trs.map((tr) => ({ id: tr.getAttribute("data-item"), cls: tr.className, text: tr.textContent })));
    expect(rows.map((r) => r.id)).to.deep.equal(["attestation", "metadata", "model", "modelStatus", "modelCard", "training", "image", "pdq", "tile", "rerender", "editLog", "licenses"]);
    for (const r of rows) expect([r.cls, r.text?.startsWith("✔ passed")], JSON.stringify(r)).to.deep.equal(["pass", true]);
    expect(await page.locator("#report .notice").first().textContent()).to.contain("Every check passed");
    expect(screenCalls, "PDQ is recomputed in the page (the SDK's browserPdq), not by the API").to.deep.equal([]);
    await page.screenshot({ path: path.join(SHOTS, "audit.png"), fullPage: true });

    // A typo in the token id is named, with what is allowed.
    await page.fill("#token", "0xnothex");
    await page.click("#verify");
    await page.waitForSelector('#report .notice[data-kind="error"]');
    expect(await page.locator("#report").textContent()).to.contain('token id: "0xnothex" is not a token id');
    await page.close();
  });

  it("models page: every registered model with its card (fetched by its registered digest), its training lineage and its patterns", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${stack.urls.web}/#/models`);
    await page.waitForSelector("#model-count");
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    const count = await client.readContract({ address: stack.deployment.contracts.MotifModelRegistry, abi: motifModelRegistryAbi, functionName: "modelCount" });
    expect(await page.locator("section.model").count()).to.equal(count);
    // every card is fetched, checked against its digest and shown in words
    await page.waitForFunction((n) => document.querySelectorAll("section.model .model-card").length === n, count, { timeout: 60_000 });
    const demo = page.locator(`section.model[data-model="${storyDone.model.id}"]`);
    expect(await demo.locator(".io").textContent()).to.contain("Coordinate network (motif.cppn/1): any size; seamless tiles");
    expect(await demo.locator(".params li").allTextContents()).to.deep.equal(["scale: an integer in 1..8, default 2 — integer frequency multiplier: larger repeats more often inside the tile", "sharpness: a number in 0.25..32, default 4 — palette sharpness: low blends colours, high gives crisp flat areas"]);
    expect(await demo.locator(".training").textContent()).to.equal("Training: none declared (weights drawn, not trained).");
    // its patterns, through the indexer
    await demo.locator(".samples .sample img").first().waitFor({ timeout: 60_000 });
    expect(await demo.locator(".samples .sample").count()).to.be.within(1, 4);
    await page.screenshot({ path: path.join(SHOTS, "models.png"), fullPage: true });
    await page.close();
  });

  it("creator page: previews a render and mints it to the connected wallet", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const wallet = await injectWallet(page, stack.urls.rpc, 7);
    wallet.state.chainId = 31337;
    await page.goto(`${stack.urls.web}/#/create`);
    await page.click("#connect");
    await page.waitForSelector("#account");
    await page.fill("input[name=seed]", "99999999999999999999");
    await page.click("#preview");
    await page.waitForSelector('#status .notice[data-kind="error"]');
    expect(await page.locator("#status").textContent()).to.contain("seed: \"99999999999999999999\" must be a whole number in 0..18446744073709551615");
    await page.fill("input[name=seed]", "31337");
    await page.selectOption("select[name=model]", "indigo");
    // the params inputs are indigo's declarations (models.json via /config.json), checked by the SDK
    expect(await page.locator("input[name=scale]").getAttribute("max")).to.equal("8");
    expect(await page.locator("input[name=sharpness]").getAttribute("min")).to.equal("0.25");
    expect(await page.locator("input[name=sharpness]").inputValue()).to.equal("4");
    await page.fill("input[name=sharpness]", "99");
    await page.click("#preview");
    await page.waitForFunction(() => document.querySelector("#status")?.textContent?.includes("sharpness") === true);
    expect(await page.locator("#status").textContent()).to.contain('sharpness: "99" must be a number in 0.25..32 (model indigo)');
    await page.fill("input[name=sharpness]", "6");
    await page.click("#preview");
    await page.waitForSelector(".preview img", { timeout: 60_000 });
    await page.screenshot({ path: path.join(SHOTS, "create.png"), fullPage: true });
    await page.click("#mint");
    await page.waitForSelector('#status .notice[data-kind="ok"]', { timeout: 60_000 });
    const href = await page.locator("#status a").getAttribute("href");
    const tokenId = BigInt(href!.replace("#/pattern/", ""));
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    const owner = await client.readContract({ address: stack.deployment.contracts.MotifCertificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] });
    expect(owner).to.equal(wallet.account.address);
    await page.close();
  });
});
