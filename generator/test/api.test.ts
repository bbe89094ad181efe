import { expect } from "chai";
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { type ApiKey, buildApi } from "../src/api/server.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { testPipeline } from "../../test/ts/helpers/pipeline.js";

const studio: ApiKey = { key: "k-studio", name: "Studio A", tier: "studio", requestsPerMinute: 1000, maxPixelsPerRequest: 4096 * 4096 };
const free: ApiKey = { key: "k-free", name: "Hobbyist", tier: "free", requestsPerMinute: 2, maxPixelsPerRequest: 256 * 256 };

async function api() {
  const pipeline = testPipeline(new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-api-"))));
  let clock = 0;
  const app = await buildApi({ keys: [studio, free], pipeline, now: () => clock });
  return { app, advance: (ms: number) => (clock += ms) };
}

const body = { model: "indigo", seed: "11", params: { scale: 2, sharpness: 4 }, width: 128, height: 128 };

describe("generator HTTP API", function () {
  this.timeout(60_000);

  it("renders, screens and pins a pattern, serves its metadata, and refuses the same pattern again", async () => {
    const { app } = await api();
    const created = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": studio.key }, payload: body });
    expect(created.statusCode, created.body).to.equal(201);
    const out = created.json();
    expect(out.status).to.equal("pinned");
    expect(out.screen.cleared).to.equal(true);
    const meta = await app.inject({ method: "GET", url: `/v1/patterns/${out.metadataCid}`, headers: { "x-api-key": studio.key } });
    expect(meta.statusCode).to.equal(200);
    expect(meta.json().motif.lineage.contentDigest).to.equal(out.contentDigest);
    expect(meta.json().image).to.equal(`ipfs://${out.imageCid}`);

    const again = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": studio.key }, payload: body });
    expect(again.statusCode).to.equal(409);
    expect(again.json().screen.matches[0].distance).to.equal(0);

    const screened = await app.inject({ method: "POST", url: "/v1/screen", headers: { "x-api-key": studio.key }, payload: { hash: out.pdq } });
    expect(screened.json().cleared).to.equal(false);
    const usage = await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": studio.key } });
    expect(usage.json()).to.include({ tier: "studio", patterns: 1, refused: 1, pixelsRendered: 2 * 128 * 128 });
  });

  it("refuses a shipped model this chain has not registered with 400 naming body.model, not a 500", async () => {
    const pipeline = testPipeline(new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-api-"))));
    pipeline.modelIds = { indigo: 1, madder: 2 }; // weld ships with the generator but is not on this chain
    const app = await buildApi({ keys: [studio], pipeline });
    const r = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": studio.key }, payload: { ...body, model: "weld" } });
    expect(r.statusCode, r.body).to.equal(400);
    expect(r.json()).to.deep.equal({ error: "invalid_request", field: "body.model", message: 'body.model: "weld" has no registry id on this chain (register its weights in MotifModelRegistry first)' });
    const ok = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": studio.key }, payload: body });
    expect(ok.statusCode, ok.body).to.equal(201); // and keeps serving
  });

  it("answers bad requests with 4xx naming the field, and keeps serving", async () => {
    const { app } = await api();
    const post = (payload: unknown) => app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": studio.key }, payload: payload as object });
    const cases: Array<[unknown, number, string]> = [
      [{ ...body, width: 0 }, 400, "body.width"],
      [{ ...body, width: 10_000 }, 400, "body.width"],
      [{ ...body, width: "wide" }, 400, "body.width"],
      [{ ...body, seed: "-1" }, 400, "body.seed"],
      [{ ...body, seed: "99999999999999999999" }, 400, "body.seed"],
      [{ ...body, params: { scale: 2.5, sharpness: 4 } }, 400, "body.params.scale"],
      [{ ...body, params: { scale: 2 } }, 400, "body.params.sharpness"],
      [{ ...body, model: "cobalt" }, 400, "body.model"],
      [{ ...body, colour: "red" }, 400, "body.colour"],
      [(({ height: _h, ...rest }) => rest)(body), 400, "body.height"],
    ];
    for (const [payload, status, field] of cases) {
      const r = await post(payload);
      expect(r.statusCode, `${field}: ${r.body}`).to.equal(status);
      expect(r.json().field, r.body).to.equal(field);
      expect(r.json().message).to.contain(field);
    }
    const badCid = await app.inject({ method: "GET", url: "/v1/patterns/not-a-cid", headers: { "x-api-key": studio.key } });
    expect(badCid.json()).to.include({ field: "params.cid" });
    const badHash = await app.inject({ method: "POST", url: "/v1/screen", headers: { "x-api-key": studio.key }, payload: { hash: "zz" } });
    expect(badHash.json()).to.include({ field: "body.hash" });
    const huge = await app.inject({
      method: "POST",
      url: "/v1/screen",
      headers: { "x-api-key": studio.key, "content-type": "application/json" },
      payload: JSON.stringify({ image: "A".repeat(7 * 1024 * 1024) }),
    });
    expect(huge.statusCode).to.equal(413);
    expect((await post(body)).statusCode).to.equal(201); // still serving
  });

  it("requires an API key, enforces each plan's rate and render size, and serves its OpenAPI document", async () => {
    const { app, advance } = await api();
    expect((await app.inject({ method: "GET", url: "/v1/usage" })).statusCode).to.equal(401);
    expect((await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": "nope" } })).statusCode).to.equal(401);
    const big = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": free.key }, payload: { ...body, width: 512, height: 512 } });
    expect(big.statusCode).to.equal(403);
    expect(big.json().message).to.contain("free plan: at most 65536 pixels");
    await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": free.key } });
    const limited = await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": free.key } });
    expect(limited.statusCode).to.equal(429);
    expect(Number(limited.headers["retry-after"])).to.be.greaterThan(0);
    // two requests a minute, both spent at t = 0: the next token is 30 s away
    expect(limited.headers["retry-after"]).to.equal("30");
    expect(limited.json()).to.deep.equal({ error: "rate_limited", message: "free plan: 2 requests per minute; retry in 30 s" });
    advance(29_000);
    expect((await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": free.key } })).statusCode).to.equal(429);
    advance(1_000); // one token back
    expect((await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": free.key } })).statusCode).to.equal(200);
    const doc = await app.inject({ method: "GET", url: "/v1/openapi.json" });
    expect(doc.json().openapi).to.equal("3.1.0");
    expect(Object.keys(doc.json().paths)).to.include("/v1/patterns");
  });

  it("serves an OpenAPI 3.1 document at /v1/openapi.json, without a key, naming every route with its request schema", async () => {
    const { app } = await api();
    const res = await app.inject({ method: "GET", url: "/v1/openapi.json" });
    expect(res.statusCode).to.equal(200);
    type Operation = { summary?: string; requestBody?: { content: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> }; parameters?: Array<{ name: string; in: string }> };
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, { in: string; name: string }> } };
    expect(doc.openapi).to.equal("3.1.0");
    expect(doc.components.securitySchemes.apiKey).to.include({ in: "header", name: "x-api-key" });
    // the oracle: the API as the README describes it (method, path, required body fields, path and query parameters)
    const routes: Array<[string, string, string[] | undefined, string[]]> = [
      // width and height: required unless the body has a print spec (an allOf if/then; the print size then)
      ["post", "/v1/patterns", ["seed"], []],
      ["post", "/v1/render", ["model", "seed", "params"], []],
      ["get", "/v1/patterns/{cid}", undefined, ["path cid"]],
      ["post", "/v1/screen", [], []],
      ["get", "/v1/usage", undefined, []],
      ["get", "/v1/queue", undefined, []],
      ["get", "/v1/banks", undefined, []],
      ["post", "/v1/banks", ["name"], []],
      ["get", "/v1/banks/{name}", undefined, ["path name", "query offset", "query limit"]],
      ["delete", "/v1/banks/{name}", undefined, ["path name", "query label"]],
      ["post", "/v1/banks/{name}/entries", [], ["path name"]],
    ];
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m} ${p}`));
    expect(documented.sort()).to.deep.equal(routes.map(([m, p]) => `${m} ${p}`).sort());
    for (const [method, p, required, parameters] of routes) {
      const op = doc.paths[p]![method]!;
      const label = `${method} ${p}`;
      expect(op.summary, label).to.be.a("string").and.not.equal("");
      // each documented route is served (by fastify's own router, not the document)
      expect(app.hasRoute({ method: method.toUpperCase() as "GET", url: p.replace(/\{(\w+)\}/g, ":$1") }), label).to.equal(true);
      if (required === undefined) expect(op.requestBody, label).to.equal(undefined);
      else {
        const schema = op.requestBody!.content["application/json"]!.schema;
        expect(schema.required ?? [], label).to.deep.equal(required);
        expect(Object.keys(schema.properties ?? {}), label).to.not.be.empty;
      }
      expect((op.parameters ?? []).map((x) => `${x.in} ${x.name}`).sort(), label).to.deep.equal([...parameters].sort());
    }
    // the document's body schema is the one the route validates with: what it rejects, the route rejects
    const patterns = doc.paths["/v1/patterns"]!.post!.requestBody!.content["application/json"]!.schema as { properties: { width: { maximum: number } } };
    const tooWide = await app.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": studio.key }, payload: { ...body, width: patterns.properties.width.maximum + 1 } });
    expect(tooWide.statusCode).to.equal(400);
    expect(tooWide.json().field).to.equal("body.width");
    const widest = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": studio.key }, payload: { ...body, width: patterns.properties.width.maximum, height: 1 } });
    expect(widest.statusCode, widest.body).to.equal(200);
  });
});
