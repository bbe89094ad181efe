import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";

import { buildApi } from "../src/api/server.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { BRANDS } from "../src/model/brands.js";
import { buildCppnModel } from "../src/model/cppn.js";
import { pdqHashImage } from "../src/pdq/index.js";
import type { PipelineConfig } from "../src/pipeline.js";
import { pngBomb } from "../../test/ts/helpers/bomb.js";
import { runCli } from "../../test/ts/helpers/cli.js";
import { testPipeline } from "../../test/ts/helpers/pipeline.js";
import { descendants, freePort, leftRunning, npxMotif, portIsFree, startRedis } from "../../test/ts/helpers/procs.js";

const KEY = "k-services";
const key = { key: KEY, name: "services", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 4096 * 4096 };
const render = { model: "indigo", seed: "7", params: { scale: 2, sharpness: 4 }, width: 64, height: 64 };

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "motif-services-"));
  dirs.push(d);
  return d;
};
const pipeline = (): PipelineConfig => testPipeline(new EmbeddedIpfs(tempDir()));
/** Distinct valid CPPN graphs: the shipped indigo brand with other weight seeds. */
const otherModel = (i: number) => Buffer.from(buildCppnModel({ ...BRANDS[0]!, weightSeed: 0x5eed00 + i })).toString("base64");

describe("services: what the API runs, holds and meters", function () {
  this.timeout(180_000);
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("POST /v1/render refuses weights that are not a registered model (403 naming the digest), renders registered ones", async () => {
    const app = await buildApi({ keys: [key], pipeline: pipeline() });
    const foreign = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weights: otherModel(1) } });
    expect(foreign.statusCode, foreign.body).to.equal(403);
    expect(foreign.json()).to.include({ error: "weights_not_registered", field: "body.weights" });
    expect(foreign.json().message).to.match(/sha-256 0x[0-9a-f]{64} is not the weights digest of a registered model/).and.to.contain("MOTIF_ALLOW_WEIGHT_UPLOADS=1");
    // the shipped indigo file, as an auditor fetched it by its weights CID: accepted
    const indigo = readFileSync(path.join("generator", "models", "indigo.onnx")).toString("base64");
    const ok = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weights: indigo } });
    expect(ok.statusCode, ok.body).to.equal(200);
    await app.close();
  });

  it("POST /v1/render with weightsCid: fetched from the server's IPFS store, checked against the CID, rendered if registered", async () => {
    const p = pipeline();
    const app = await buildApi({ keys: [key], pipeline: p });
    const indigo = readFileSync(path.join("generator", "models", "indigo.onnx"));
    const cid = await p.store.add(indigo);
    const byCid = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weightsCid: cid.toString() } });
    expect(byCid.statusCode, byCid.body).to.equal(200);
    const byName = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: render });
    expect(byCid.headers["x-content-digest"]).to.equal(byName.headers["x-content-digest"]);
    const foreign = await p.store.add(Buffer.from(otherModel(2), "base64"));
    const refused = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weightsCid: foreign.toString() } });
    expect(refused.statusCode).to.equal(403);
    expect(refused.json()).to.include({ error: "weights_not_registered", field: "body.weightsCid" });
    const missing = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weightsCid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy" } });
    expect(missing.statusCode).to.equal(404);
    expect(missing.json().message).to.contain("is not in this server's IPFS store");
    await app.close();
  });

  it("keeps a bounded number of ONNX sessions open however many distinct (allowed) uploads it renders", async () => {
    // oracle: onnxruntime's own session objects, counted as they are created and released
    let created = 0;
    let released = 0;
    const create = ort.InferenceSession.create;
    (ort.InferenceSession as { create: unknown }).create = async (...args: Parameters<typeof create>) => {
      const session = await (create as (...a: unknown[]) => Promise<ort.InferenceSession>).apply(ort.InferenceSession, args);
      created++;
      const release = session.release.bind(session);
      session.release = async () => {
        released++;
        return release();
      };
      return session;
    };
    try {
      const app = await buildApi({ keys: [key], pipeline: pipeline(), allowWeightUploads: true });
      for (let i = 0; i < 20; i++) {
        const r = await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, width: 16, height: 16, weights: otherModel(i) } });
        expect(r.statusCode, r.body).to.equal(200);
      }
      await app.close();
    } finally {
      (ort.InferenceSession as { create: unknown }).create = create;
    }
    expect(created).to.equal(20);
    expect(created - released, `${created} sessions created, ${released} released`).to.be.at.most(8); // the default cache size
  });

  it("caps concurrent renders per API key: 429 in words, and the key renders again once one finishes", async () => {
    const app = await buildApi({ keys: [{ ...key, maxConcurrentRenders: 1 }], pipeline: pipeline() });
    const big = { ...render, width: 768, height: 768 };
    const results = await Promise.all([0, 1, 2].map(() => app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: big })));
    const codes = results.map((r) => r.statusCode).sort();
    expect(codes).to.deep.equal([200, 429, 429]);
    const refused = results.find((r) => r.statusCode === 429)!;
    expect(refused.json()).to.include({ error: "too_many_renders" });
    expect(refused.json().message).to.contain("studio plan: at most 1 render at once per API key");
    expect((await app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: render })).statusCode).to.equal(200);
    await app.close();
  });

  describe("decompression bombs: refused from the header, before decoding", () => {
    let bomb: Buffer;
    before(async () => {
      bomb = await pngBomb(16384); // ~260 KB on disk, 16384² pixels (268 M) decoded
    });

    it("POST /v1/screen answers 413 naming the pixel limit", async () => {
      const app = await buildApi({ keys: [key], pipeline: pipeline() });
      const r = await app.inject({ method: "POST", url: "/v1/screen", headers: { "x-api-key": KEY }, payload: { image: bomb.toString("base64") } });
      expect(r.statusCode, r.body).to.equal(413);
      expect(r.json()).to.include({ error: "image_too_large", field: "body.image", limit: 8192 * 8192 });
      expect(r.json().message).to.contain("16384x16384").and.to.contain("above the limit of 67108864 pixels (MOTIF_MAX_IMAGE_PIXELS)");
      await app.close();
    });

    it("motif pdq and motif screen exit non-zero naming the limit; the verifier's hasher refuses it; MOTIF_MAX_IMAGE_PIXELS sets the budget", async () => {
      const file = path.join(tempDir(), "bomb.png");
      writeFileSync(file, bomb);
      const pdq = await runCli({}, "pdq", file);
      expect(pdq.code).to.equal(1);
      expect(pdq.stderr).to.contain("above the limit of 67108864 pixels (MOTIF_MAX_IMAGE_PIXELS)");
      const csv = path.join(tempDir(), "index.csv");
      writeFileSync(csv, `${"0".repeat(64)},zero\n`);
      const screened = await runCli({}, "screen", "--index", csv, file);
      expect(screened.code).to.equal(1);
      expect(screened.stderr).to.contain("above the limit of 67108864 pixels");
      // what `motif verify` (and the demo's audit) hashes fetched images with
      const error = await pdqHashImage(bomb).then(() => undefined, (e: Error) => e);
      expect(error?.message).to.contain("above the limit of 67108864 pixels");
      // one config value: a smaller budget refuses a normal render too
      const small = path.join(tempDir(), "small.png");
      writeFileSync(small, Buffer.from((await (await buildApi({ keys: [key], pipeline: pipeline() })).inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: render })).rawPayload));
      const limited = await runCli({ MOTIF_MAX_IMAGE_PIXELS: "1000" }, "pdq", small);
      expect(limited.code).to.equal(1);
      expect(limited.stderr).to.contain("64x64 is 4096 pixels, above the limit of 1000 pixels");
    });
  });

  it("allows CORS only from the configured origins (no wildcard)", async () => {
    const app = await buildApi({ keys: [key], pipeline: pipeline(), corsOrigins: ["http://127.0.0.1:5173"] });
    const from = (origin: string) => app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": KEY, origin } });
    expect((await from("http://127.0.0.1:5173")).headers["access-control-allow-origin"]).to.equal("http://127.0.0.1:5173");
    expect((await from("https://evil.example")).headers["access-control-allow-origin"]).to.equal(undefined);
    const preflight = await app.inject({ method: "OPTIONS", url: "/v1/patterns", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
    expect(preflight.headers["access-control-allow-origin"]).to.equal(undefined);
    expect(preflight.headers["access-control-allow-headers"]).to.equal(undefined);
    // the page's own preflight (no key: browsers send none) is granted the key header, without a key
    const granted = await app.inject({ method: "OPTIONS", url: "/v1/render", headers: { origin: "http://127.0.0.1:5173", "access-control-request-method": "POST", "access-control-request-headers": "content-type, x-api-key" } });
    expect(granted.statusCode).to.equal(204);
    expect(granted.headers["access-control-allow-origin"]).to.equal("http://127.0.0.1:5173");
    expect(String(granted.headers["access-control-allow-headers"]).toLowerCase().split(/,\s*/)).to.include.members(["content-type", "x-api-key"]);
    expect(String(granted.headers["access-control-allow-methods"])).to.contain("POST");
    expect(String(granted.headers["vary"]).toLowerCase()).to.contain("origin");
    await app.close();
  });

  describe("usage metering survives restarts and crashes", () => {
    it("a restart of the API on the same usage file keeps every key's requests and pixels", async () => {
      const file = path.join(tempDir(), "usage.jsonl");
      const first = await buildApi({ keys: [key], pipeline: pipeline(), usageFile: file });
      for (let i = 0; i < 3; i++) expect((await first.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, seed: String(i) } })).statusCode).to.equal(200);
      await first.close();
      const second = await buildApi({ keys: [key], pipeline: pipeline(), usageFile: file });
      const usage = (await second.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": KEY } })).json();
      // three renders and this request
      expect(usage).to.include({ requests: 4, pixelsRendered: 3 * 64 * 64 });
      expect(readFileSync(file, "utf8")).not.to.contain(KEY); // keys are journaled by digest only
      await second.close();
    });

    it("motif serve killed with SIGKILL loses no metered usage", async () => {
      const dir = tempDir();
      const serve = (): Promise<{ child: ChildProcess; url: string }> =>
        new Promise((resolve, reject) => {
          const child = spawn(process.execPath, [path.join("generator", "bin", "motif.mjs"), "serve", "--port", "0", "--store", path.join(dir, "ipfs"), "--usage", path.join(dir, "usage.jsonl")], {
            env: { ...process.env, MOTIF_RPC_URL: "", MOTIF_API_KEYS: JSON.stringify([key]) },
            stdio: ["ignore", "pipe", "pipe"],
          });
          let out = "";
          child.stdout!.on("data", (d: Buffer) => {
            out += d.toString();
            const m = /listening on (http:\/\/\S+)/.exec(out);
            if (m) resolve({ child, url: m[1]! });
          });
          child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
          child.on("exit", (code) => reject(new Error(`motif serve exited with ${code}: ${out}`)));
        });
      const post = (url: string, seed: number) =>
        fetch(`${url}/v1/render`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": KEY }, body: JSON.stringify({ ...render, seed: String(seed) }) });
      const first = await serve();
      for (let i = 0; i < 5; i++) expect((await post(first.url, i)).status).to.equal(200);
      const killed = new Promise((r) => first.child.once("exit", r));
      first.child.kill("SIGKILL");
      await killed;
      const second = await serve();
      try {
        const usage = (await (await fetch(`${second.url}/v1/usage`, { headers: { "x-api-key": KEY } })).json()) as { requests: number; pixelsRendered: number };
        expect(usage).to.include({ requests: 6, pixelsRendered: 5 * 64 * 64 });
      } finally {
        const stopped = new Promise((r) => second.child.once("exit", r));
        second.child.kill("SIGTERM");
        await stopped;
      }
    });
  });

  describe("npx motif worker / serve stop on SIGINT and SIGTERM sent to the pid npx gives", () => {
    const npx = npxMotif;

    it("motif worker: exit 0, the worker process gone (SIGTERM, then SIGINT)", async () => {
      const redis = await startRedis();
      try {
        for (const signal of ["SIGTERM", "SIGINT"] as const) {
          const w = await npx(["worker", "--store", path.join(tempDir(), "ipfs")], { MOTIF_REDIS_URL: redis.url }, /motif worker \d+ ready/);
          const tree = descendants(w.child.pid!);
          expect(tree.length, "npx runs the worker").to.be.greaterThan(0);
          w.child.kill(signal);
          expect(await w.exited, `${signal}: ${w.output()}`).to.equal(0);
          expect(w.output()).to.match(/motif worker \d+ stopped/);
          expect(await leftRunning(tree), `left running after ${signal}`).to.deep.equal([]);
        }
      } finally {
        redis.stop();
      }
    });

    it("motif serve: exit 0 and the port free after SIGTERM; under a shell that does not exec (dash), nothing is left running either", async () => {
      const keys = JSON.stringify([key]);
      const port = await freePort();
      const s = await npx(["serve", "--port", String(port), "--store", path.join(tempDir(), "ipfs"), "--usage", path.join(tempDir(), "usage.jsonl")], { MOTIF_RPC_URL: "", MOTIF_API_KEYS: keys }, /listening on/);
      const tree = descendants(s.child.pid!);
      s.child.kill("SIGTERM");
      expect(await s.exited, s.output()).to.equal(0);
      expect(await leftRunning(tree)).to.deep.equal([]);
      expect(await portIsFree(port)).to.equal(true);
      // npm's default script shell here is dash, which stays between npm and node and dies of the
      // signal: npx then reports the signal, but the server sees its parent go and stops all the same
      const port2 = await freePort();
      const d = await npx(["serve", "--port", String(port2), "--store", path.join(tempDir(), "ipfs"), "--usage", path.join(tempDir(), "usage.jsonl")], { MOTIF_RPC_URL: "", MOTIF_API_KEYS: keys, npm_config_script_shell: "/bin/sh" }, /listening on/);
      const tree2 = descendants(d.child.pid!);
      d.child.kill("SIGTERM");
      await d.exited;
      expect(await leftRunning(tree2)).to.deep.equal([]);
      expect(await portIsFree(port2)).to.equal(true);
    });
  });
});
