import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import os from "node:os";
import path from "node:path";

import { serveStatic } from "../../scripts/lib/stack.js";

/** One raw request, so the Host header and the method are what the test says. */
function raw(url: string, method: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method, headers }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the stack's web page server (@fastify/static)", function () {
  this.timeout(30_000);
  let root: string;
  let web: { url: string; close(): Promise<void> };

  before(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), "motif-static-"));
    writeFileSync(path.join(root, "index.html"), "<!doctype html><title>Motif</title>");
    mkdirSync(path.join(root, "assets"));
    writeFileSync(path.join(root, "assets", "app.js"), "console.log('motif');");
    web = await serveStatic(root, 0, { "/config.json": '{"apiKey":"k"}' });
  });
  after(async () => {
    await web.close();
    rmSync(root, { recursive: true, force: true });
  });

  it("serves the page, its assets with their types and nosniff, /config.json uncached, and the page for any other path", async () => {
    const page = await fetch(`${web.url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get("content-type")).to.match(/^text\/html/);
    expect(page.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(await page.text()).to.contain("<title>Motif</title>");
    const js = await fetch(`${web.url}/assets/app.js`);
    expect(js.headers.get("content-type")).to.match(/^(text|application)\/javascript/);
    expect(js.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(await js.text()).to.equal("console.log('motif');");
    const config = await fetch(`${web.url}/config.json`);
    expect(config.headers.get("cache-control")).to.equal("no-store");
    expect(await config.json()).to.deep.equal({ apiKey: "k" });
    const deep = await fetch(`${web.url}/pattern/0xabc`);
    expect(deep.status).to.equal(200);
    expect(await deep.text()).to.contain("<title>Motif</title>");
  });

  it("is read-only and answers only its loopback names", async () => {
    expect((await raw(`${web.url}/`, "POST")).status).to.equal(405);
    expect((await raw(`${web.url}/index.html`, "DELETE")).status).to.equal(405);
    const rebound = await raw(`${web.url}/config.json`, "GET", { host: `rebind.attacker.example:${new URL(web.url).port}` });
    expect(rebound.status).to.equal(421);
    expect(rebound.body).to.not.contain("apiKey");
    expect((await raw(`${web.url}/config.json`, "GET", { host: `localhost:${new URL(web.url).port}` })).status).to.equal(200);
  });

  it("answers a browser's revalidation of an unchanged asset with 304 and no body (ETag)", async () => {
    // raw requests: fetch() adds cache-control: no-cache to a conditional request, which asks for the body
    const first = await raw(`${web.url}/assets/app.js`, "GET");
    const etag = first.headers["etag"];
    expect(etag, "an ETag on the asset").to.be.a("string");
    const again = await raw(`${web.url}/assets/app.js`, "GET", { "if-none-match": String(etag) });
    expect(again.status).to.equal(304);
    expect(again.body).to.equal("");
  });
});
