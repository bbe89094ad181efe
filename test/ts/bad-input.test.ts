import { expect } from "chai";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { buildApi } from "../../generator/src/api/server.js";
import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { PdqIndex } from "../../generator/src/screen/pdq-index.js";
import { serveStatic } from "../../scripts/lib/stack.js";
import { runCli } from "./helpers/cli.js";

const KEY = "k-corpus";
const good = { model: "indigo", seed: "11", params: { scale: 2, sharpness: 4 }, width: 64, height: 64 };


describe("bad-input corpus: every bad input gets a 4xx or a non-zero exit naming the field; the service keeps serving", function () {
  this.timeout(120_000);

  it("HTTP API: wrong types, huge numbers, negative sizes, unknown models, malformed hex, unicode, non-JSON, oversized bodies", async () => {
    const store = new EmbeddedIpfs(mkdtempSync(path.join(os.tmpdir(), "motif-corpus-")));
    const app = await buildApi({
      keys: [{ key: KEY, name: "corpus", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 1024 * 1024 }],
      pipeline: { store, index: PdqIndex.build([]), modelIds: { indigo: 1 }, creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", royaltyBps: 500, attestationTtl: 3600, generator: { name: "g", version: "1" } },
    });
    type Case = { url: string; payload: unknown; status: number; field?: string; raw?: string; contentType?: string };
    const patterns = (payload: unknown, status: number, field?: string): Case => ({ url: "/v1/patterns", payload, status, ...(field ? { field } : {}) });
    const renders = (payload: unknown, status: number, field?: string): Case => ({ url: "/v1/render", payload, status, ...(field ? { field } : {}) });
    const corpus: Case[] = [
      patterns({ ...good, width: -64 }, 400, "body.width"),
      { url: "/v1/patterns", payload: undefined, raw: JSON.stringify(good).replace('"width":64', '"width":1e309'), status: 400, field: "body.width" },
      { url: "/v1/patterns", payload: undefined, raw: JSON.stringify(good).replace('"seed":"11"', `"seed":"${"9".repeat(5000)}"`), status: 400, field: "body.seed" },
      patterns({ ...good, width: 64.5 }, 400, "body.width"),
      patterns({ ...good, width: "64" }, 400, "body.width"),
      patterns({ ...good, width: null }, 400, "body.width"),
      patterns({ ...good, seed: 11 }, 400, "body.seed"),
      patterns({ ...good, seed: "1".repeat(25) }, 400, "body.seed"),
      patterns({ ...good, seed: "18446744073709551616" }, 400, "body.seed"),
      patterns({ ...good, seed: "0x10" }, 400, "body.seed"),
      patterns({ ...good, model: "" }, 400, "body.model"),
      patterns({ ...good, model: "indigo\u0000" }, 400, "body.model"),
      patterns({ ...good, model: "藍染め" }, 400, "body.model"),
      patterns({ ...good, model: "../../etc/passwd" }, 400, "body.model"),
      patterns({ ...good, model: "x".repeat(65) }, 400, "body.model"),
      patterns({ ...good, params: [] }, 400, "body.params"),
      patterns({ ...good, params: { scale: 0, sharpness: 4 } }, 400, "body.params.scale"),
      patterns({ ...good, params: { scale: 2, sharpness: -1 } }, 400, "body.params.sharpness"),
      patterns({ ...good, params: { scale: 2, sharpness: 4, hue: 1 } }, 400, "body.params.hue"),
      patterns({ ...good, name: "n".repeat(201) }, 400, "body.name"),
      patterns({ ...good, to: "0x1234" }, 400, "body.to"),
      patterns({ ...good, to: "0xZZ97970C51812dc3A010C7d01b50e0d17dc79C8" }, 400, "body.to"),
      patterns({ ...good, mint: "yes" }, 400, "body.mint"),
      patterns({ ...good, width: 2048, height: 2048 }, 403, "body.width"), // the key's plan allows 1 Mpx
      patterns([good], 400, "body"),
      renders({ ...good, weights: "not base64 onnx!" }, 403, "body.weights"),
      renders({ ...good, weights: "AAAA" }, 403, "body.weights"),
      renders({ ...good, width: 0 }, 400, "body.width"),
      // print specs: an unknown repeat, sizes ≤ 0 or too large at the DPI, a DPI out of range, a stray field, a string
      patterns({ ...good, print: { repeat: "ogee", sizeCm: 2, dpi: 300 } }, 400, "body.print.repeat"),
      patterns({ ...good, print: { repeat: "brick", sizeCm: 0, dpi: 300 } }, 400, "body.print.sizeCm"),
      patterns({ ...good, print: { repeat: "brick", sizeCm: -5, dpi: 300 } }, 400, "body.print.sizeCm"),
      renders({ ...good, print: { repeat: "brick", sizeCm: 1e308, dpi: 300 } }, 400, "body.print.sizeCm"),
      renders({ ...good, print: { repeat: "mirror", sizeCm: 70, dpi: 300 } }, 400, "body.print.sizeCm"),
      renders({ ...good, print: { repeat: "mirror", sizeCm: 2, dpi: 49 } }, 400, "body.print.dpi"),
      renders({ ...good, print: { repeat: "mirror", sizeCm: 2, dpi: 1e9 } }, 400, "body.print.dpi"),
      renders({ ...good, print: { repeat: "mirror", sizeCm: "64", dpi: 300 } }, 400, "body.print.sizeCm"),
      renders({ ...good, print: { repeat: "mirror", sizeCm: 2, dpi: 300, bleed: 3 } }, 400, "body.print.bleed"),
      renders({ ...good, print: "64cm" }, 400, "body.print"),
      { url: "/v1/screen", payload: { hash: "g".repeat(64) }, status: 400, field: "body.hash" },
      { url: "/v1/screen", payload: { hash: "ab".repeat(33) }, status: 400, field: "body.hash" },
      { url: "/v1/screen", payload: { hash: "ab".repeat(32), image: "AA" }, status: 400, field: "body" },
      { url: "/v1/screen", payload: {}, status: 400, field: "body" },
      { url: "/v1/screen", payload: { image: "bm90IGFuIGltYWdl" }, status: 400, field: "body.image" },
      { url: "/v1/patterns", payload: undefined, raw: "{not json", status: 400 },
      { url: "/v1/patterns", payload: undefined, raw: "model=indigo", contentType: "application/x-www-form-urlencoded", status: 415 },
      { url: "/v1/screen", payload: undefined, raw: JSON.stringify({ image: "A".repeat(7 * 1024 * 1024) }), status: 413 },
    ];
    for (const c of corpus) {
      const r = await app.inject({
        method: "POST",
        url: c.url,
        headers: { "x-api-key": KEY, "content-type": c.contentType ?? "application/json" },
        payload: c.raw ?? JSON.stringify(c.payload),
      });
      const label = `${c.url} ${c.raw?.slice(0, 40) ?? JSON.stringify(c.payload).slice(0, 120)} → ${r.statusCode} ${r.body.slice(0, 200)}`;
      expect(r.statusCode, label).to.equal(c.status);
      const body = r.json() as { error: string; message: string; field?: string };
      expect(body.message, label).to.be.a("string").and.not.equal("");
      if (c.field !== undefined) {
        expect(body.field, label).to.equal(c.field);
        expect(body.message, label).to.contain(c.field);
      }
    }
    // still serving, and nothing from the refused requests was pinned
    const ok = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": KEY }, payload: good });
    expect(ok.statusCode, ok.body).to.equal(201);
    const usage = (await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": KEY } })).json() as { patterns: number };
    expect(usage.patterns).to.equal(1);
    await app.close();
  });

  it("CLI: bad numbers, unknown models, malformed hex and paths exit non-zero naming the flag, and write nothing", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-corpus-cli-"));
    const out = path.join(dir, "out.png");
    const notAnImage = path.join(dir, "notes.txt");
    writeFileSync(notAnImage, "hello");
    const corpus: Array<[string[], number, string]> = [
      [["render", "--model", "weld", "--seed", "1", "--size", "-5", "--out", out], 2, "--size"],
      [["render", "--model", "weld", "--seed", "1e3", "--out", out], 2, "--seed"],
      [["render", "--model", "weld", "--seed", "18446744073709551616", "--out", out], 2, "--seed"],
      [["render", "--model", "ウェルド", "--seed", "1", "--out", out], 2, "model"],
      [["render", "--model", "weld", "--seed", "1", "--scale", "99", "--out", out], 2, "--scale"],
      [["render", "--model", "weld", "--seed", "1", "--out", path.join(dir, "no", "such", "dir", "x.png")], 1, "no/such/dir"],
      [["render", "--model", "weld", "--seed", "1", "--out", dir], 1, dir],
      [["render", "--model", "weld", "--seed", "1", "--size"], 2, "--size"],
      [["screen", "--hash", "xyz", "--index", notAnImage], 2, "--hash"],
      [["pdq", notAnImage], 1, "notes.txt"],
      [["pdq", path.join(dir, "..", "..", "does-not-exist.png")], 1, "does-not-exist.png"],
      [["verify", "0xnothex"], 2, "TOKEN_ID"],
      [["serve", "--port", "99999"], 2, "--port"],
    ];
    for (const [argv, code, mention] of corpus) {
      const r = await runCli({}, ...argv);
      const label = `motif ${argv.join(" ")} → ${r.code}: ${r.stderr.split("\n")[0]}`;
      expect(r.code, label).to.equal(code);
      expect(r.stderr, label).to.contain(mention);
    }
    expect(existsSync(out)).to.equal(false);
  });

  it("file-serving endpoints refuse path traversal: the web server and the gateway never leave their roots", async () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "motif-corpus-web-"));
    writeFileSync(path.join(root, "index.html"), "<title>Motif</title>");
    const web = await serveStatic(root, 0, { "/config.json": "{}" });
    const gateway = await buildGateway(new EmbeddedIpfs(mkdtempSync(path.join(os.tmpdir(), "motif-corpus-gw-"))));
    const gatewayUrl = await gateway.listen({ port: 0, host: "127.0.0.1" });
    try {
      for (const p of ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc%2fpasswd", "/assets/..%5c..%5cetc%5cpasswd"]) {
        const r = await fetch(`${web.url}${p}`);
        const text = await r.text();
        expect(text, p).not.to.contain("root:");
        expect([200, 403, 404], p).to.include(r.status);
        if (r.status === 200) expect(text, p).to.contain("<title>Motif</title>"); // the page itself, never the file asked for
      }
      for (const p of ["/ipfs/..%2f..%2fetc%2fpasswd?format=raw", "/ipfs/../../etc/passwd?format=raw", "/ipfs/bafkrei%00?format=raw"]) {
        const r = await fetch(`${gatewayUrl}${p}`);
        expect(r.status, p).to.be.oneOf([400, 404]);
        expect(await r.text(), p).not.to.contain("root:");
      }
    } finally {
      await web.close();
      await gateway.close();
    }
  });
});
