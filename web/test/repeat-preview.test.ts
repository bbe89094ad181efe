/// <reference lib="dom" />
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import sharp from "sharp";

import { type Stack, startStack } from "../../scripts/lib/stack.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.join(process.cwd(), "test-results", "screenshots");
const WEB_DIST = path.join(process.cwd(), "web", "dist");

type Tile = { data: Buffer; width: number; height: number; channels: number };
const mod = (a: number, n: number) => ((a % n) + n) % n;

/**
 * The oracle: the colour of plane pixel (x, y) when `tile` is repeated as `repeat` from the origin,
 * by the repeats' definitions (half-drop: column i dropped by i·⌊H/2⌋; brick: row j shifted by
 * j·⌊W/2⌋; mirror: odd columns reflected left-right, odd rows top-bottom).
 */
function layoutPixel(tile: Tile, repeat: string, x: number, y: number): [number, number, number] {
  const { width: W, height: H } = tile;
  const i = Math.floor(x / W);
  const j = Math.floor(y / H);
  let tx = mod(x, W);
  let ty = mod(y, H);
  if (repeat === "half-drop") ty = mod(y - i * Math.floor(H / 2), H);
  if (repeat === "brick") tx = mod(x - j * Math.floor(W / 2), W);
  if (repeat === "mirror") {
    if (mod(i, 2) === 1) tx = W - 1 - tx;
    if (mod(j, 2) === 1) ty = H - 1 - ty;
  }
  const o = (ty * W + tx) * tile.channels;
  return [tile.data[o]!, tile.data[o + 1]!, tile.data[o + 2]!];
}

/** Sets the preview's repeat and zoom through its controls and reads the canvas's pixels back (RGBA, as getImageData gives them). */
async function previewPixels(page: Page, repeat: string, zoom: number): Promise<{ width: number; height: number; data: Uint8Array }> {
  await page.selectOption("#repeat-preview select[name=repeat]", repeat);
  await page.locator("#repeat-preview input[name=zoom]").evaluate((input: HTMLInputElement, z: number) => {
    input.value = String(Math.log2(z) * 4);
    input.dispatchEvent(new Event("input"));
  }, zoom);
  await page.waitForFunction(([r, z]) => {
    const c = document.querySelector<HTMLCanvasElement>("#repeat-canvas");
    return c?.dataset.repeat === r && c.dataset.zoom === String(z);
  }, [repeat, zoom] as const);
  // the bytes as base64: an array of numbers (a million and more) takes seconds to cross to Node as JSON
  const shown = await page.locator("#repeat-canvas").evaluate((c: HTMLCanvasElement) => {
    const data = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
    let binary = "";
    for (let i = 0; i < data.length; i += 0x8000) binary += String.fromCharCode(...data.subarray(i, i + 0x8000));
    return { width: c.width, height: c.height, base64: btoa(binary) };
  });
  const data = new Uint8Array(Buffer.from(shown.base64, "base64"));
  expect(data.length).to.equal(shown.width * shown.height * 4);
  return { width: shown.width, height: shown.height, data };
}

describe("web page: the pattern's repeat preview lays the tile out per repeat type and zoom (headless Chromium)", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let stateDir: string;
  let tokenId: string;
  let tile: Tile;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    if (!existsSync(path.join(WEB_DIST, "index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test builds it)");
    await mkdir(SHOTS, { recursive: true });
    stateDir = await mkdtemp(path.join(os.tmpdir(), "motif-web-repeat-"));
    stack = await startStack({ stateDir, ports: { rpc: 0, gateway: 0, api: 0, web: 0, indexer: 0 } });
    // a half-drop tile of 4 cm at 64 DPI: 101 px, odd, so each column drops by 50 px
    const created = await fetch(`${stack.urls.api}/v1/patterns`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": stack.apiKey },
      body: JSON.stringify({ model: "weld", seed: "17", params: { scale: 3, sharpness: 4 }, print: { repeat: "half-drop", sizeCm: 4, dpi: 64 }, mint: true }),
    });
    const body = (await created.json()) as { status: string; tokenId: string; imageCid: string };
    expect(body.status, JSON.stringify(body)).to.equal("minted");
    tokenId = `0x${BigInt(body.tokenId).toString(16).padStart(64, "0")}`;
    const png = new Uint8Array(await (await fetch(`${stack.urls.gateway}/ipfs/${body.imageCid}?format=raw`)).arrayBuffer());
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    tile = { data, width: info.width, height: info.height, channels: info.channels };
    expect([tile.width, tile.height]).to.deep.equal([101, 101]);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  it("opens in the tile's own repeat with its print size in words, and each repeat type puts the tile's pixels where that repeat says", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${stack.urls.web}/#/pattern/${tokenId}`);
    await page.waitForSelector("#repeat-canvas[data-ready='1']", { timeout: 60_000 });
    expect(await page.locator("#repeat-canvas").getAttribute("data-repeat")).to.equal("half-drop");
    expect(await page.locator("#repeat-scale").textContent()).to.contain("1 tile = 4 cm (101 px at 64 DPI)");
    expect(await page.locator("table.lineage").textContent()).to.contain("half-drop repeat, 4 cm at 64 DPI (101 px)");
    expect(await page.locator("#colourways[data-slot='colourways']").count()).to.equal(1);
    await page.locator("#repeat-preview").screenshot({ path: path.join(SHOTS, "repeat-preview.png") });

    for (const repeat of ["block", "half-drop", "brick", "mirror"]) {
      const shown = await previewPixels(page, repeat, 1);
      let checked = 0;
      let telling = 0; // positions where this layout's pixel is not the block layout's: the offset or reflection shows there
      let worst = 0;
      for (let y = 0; y < Math.min(shown.height, 330); y += 7) {
        for (let x = 0; x < Math.min(shown.width, 420); x += 5) {
          const want = layoutPixel(tile, repeat, x, y);
          const o = (y * shown.width + x) * 4;
          const diff = Math.max(...[0, 1, 2].map((c) => Math.abs(shown.data[o + c]! - want[c]!)));
          worst = Math.max(worst, diff);
          checked++;
          if (repeat !== "block" && layoutPixel(tile, "block", x, y).some((v, c) => Math.abs(v - want[c]!) > 8)) telling++;
        }
      }
      expect(worst, `${repeat}: largest difference from the oracle over ${checked} pixels`).to.be.at.most(2);
      if (repeat !== "block") expect(telling, `${repeat}: pixels where it differs from a block layout`).to.be.above(checked / 10);
    }

    // zoom 2: each tile pixel a 2×2 block, the half-drop layout kept
    const zoomed = await previewPixels(page, "half-drop", 2);
    let worst = 0;
    for (let y = 1; y < 330; y += 6) {
      for (let x = 1; x < 420; x += 6) {
        const want = layoutPixel(tile, "half-drop", Math.floor(x / 2), Math.floor(y / 2));
        const o = (y * zoomed.width + x) * 4;
        worst = Math.max(worst, ...[0, 1, 2].map((c) => Math.abs(zoomed.data[o + c]! - want[c]!)));
      }
    }
    expect(worst, "zoom 2").to.be.at.most(2);
    // the + button zooms in by one stop
    const before = Number(await page.locator("#repeat-canvas").getAttribute("data-zoom"));
    await page.click("#repeat-preview button.zoom-in");
    expect(Number(await page.locator("#repeat-canvas").getAttribute("data-zoom"))).to.equal(before * 2);
    await page.screenshot({ path: path.join(SHOTS, "pattern-repeat.png"), fullPage: true });
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
