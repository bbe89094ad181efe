import { expect } from "chai";
import { copyFile, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { BaseError, keccak256, toHex } from "viem";

import {
  type ModelParamDeclaration,
  ModelParamsError,
  checkModelParams,
  encodeModelParams,
  modelParamsHash,
  parseCertificateMetadata,
  parseModelParamDeclarations,
} from "@motif/sdk";
import { buildApi } from "../src/api/server.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { BRANDS } from "../src/model/brands.js";
import { brandModelCard, buildCppnModel } from "../src/model/cppn.js";
import { addModel } from "../src/model/manifest.js";
import { RecipeError, validateRecipe } from "../src/recipe/recipe.js";
import { MODELS_DIR, loadManifest, render } from "../src/render/render.js";
import { runCli } from "../../test/ts/helpers/cli.js";
import { motifTempDir, testPipeline } from "../../test/ts/helpers/pipeline.js";

// Issue 17 §3: each model declares its params once, in its manifest entry; the CLI flags, the API
// schema, recipe validation and the canonical params are derived from it. The oracles: the params
// hashes and content digests below were printed by the code before the change (commit 5cb1278), and
// the canonical JSON of the third-param model is a hand-written string.

const KEY = { key: "k", name: "studio", tier: "studio", requestsPerMinute: 10_000, maxPixelsPerRequest: 4096 * 4096 };

/** A brand with a third param: its graph takes `phase` as an input (added to the first hidden layer). */
const PHASE: ModelParamDeclaration = { name: "phase", type: "number", min: 0, max: 6.5, default: 0, step: 0.5, description: "phase shift of the first layer" };
const WOAD = { ...BRANDS[0]!, name: "woad", version: "0.9.0", extraParams: [PHASE] };

/** A models folder with indigo (shipped) and woad (three params), and its manifest as `npm run models` writes it. */
async function modelsWithWoad(): Promise<string> {
  const dir = motifTempDir("models");
  const indigo = BRANDS.find((b) => b.name === "indigo")!;
  await addModel(dir, brandModelCard(indigo, await readFile(path.join(MODELS_DIR, "indigo.onnx"))), await readFile(path.join(MODELS_DIR, "indigo.onnx")));
  const bytes = buildCppnModel(WOAD);
  await addModel(dir, brandModelCard(WOAD, bytes), bytes);
  return dir;
}

/** keccak-256 of a hand-written canonical JSON string. */
const hashOf = (canonical: string) => keccak256(toHex(canonical));

describe("model params declared once, in the manifest (issue 17 §3)", function () {
  this.timeout(120_000);

  describe("existing certificates keep their paramsHash", () => {
    // printed by the code before the change: render(model, seed 42, params, 64x64)
    const known = [
      { model: "indigo", params: { scale: 2, sharpness: 4 }, paramsHash: "0xf0455c61d2a1d7c917f9ebdc28a7e66943507691194bc1fc2c930d8a0b245bf5", contentDigest: "0x215665200b54c205e489b0626e6388b707459c9589bf5539755eb2ac6b557663" },
      { model: "weld", params: { scale: 3, sharpness: 6.5 }, paramsHash: "0x4a35b2ffc00f3fff8dd91cfa76d42d196c070ca031e019c4eef4b5fae3deb71a", contentDigest: "0x02b9ab94100ca9d83506d9706ead80e02257f5670247d5d8f57bf872110722e3" },
      { model: "madder", params: { sharpness: 0.25, scale: 8 }, paramsHash: "0x6a252e7fad172d0ea158b2be8df90dfa52144a03dec7222b4bdb37dcdd79119f", contentDigest: "0x5204f636e2167490e6b3b0bbdc8b568d613c19b9968a87919a2493fe7735b7cc" },
    ] as const;
    for (const k of known) {
      it(`${k.model} ${JSON.stringify(k.params)}: render, the SDK's encoding and the CLI give the hash of before`, async () => {
        const out = await render({ model: k.model, seed: 42n, params: k.params, width: 64, height: 64 });
        expect(out.paramsHash).to.equal(k.paramsHash);
        expect(out.contentDigest).to.equal(k.contentDigest);
        expect(modelParamsHash(k.params)).to.equal(k.paramsHash);
        const flags = Object.entries(k.params).flatMap(([n, v]) => [`--${n}`, String(v)]);
        const cli = await runCli({}, "render", "--model", k.model, "--seed", "42", ...flags, "--size", "64", "--out", path.join(motifTempDir("params"), "p.png"), "--json");
        expect(cli.code, cli.stderr).to.equal(0);
        expect(JSON.parse(cli.stdout)).to.include({ paramsHash: k.paramsHash, contentDigest: k.contentDigest });
      });
    }
    it("the canonical params are sorted, whitespace-free JSON", () => {
      expect(encodeModelParams({ sharpness: 4, scale: 2 })).to.equal('{"scale":2,"sharpness":4}');
      expect(modelParamsHash({ sharpness: 4, scale: 2 })).to.equal(hashOf('{"scale":2,"sharpness":4}'));
    });
  });

  describe("a model with a third param needs no code change", () => {
    let dir: string;
    before(async () => {
      dir = await modelsWithWoad();
    });
    const canonical = '{"phase":2,"scale":3,"sharpness":6}';

    it("CLI render: --phase is a flag of woad's; its value is rendered and hashed; out of range names the param, its range and the model", async () => {
      const out = (name: string) => path.join(dir, name);
      const env = { MOTIF_MODELS_DIR: dir };
      const a = await runCli(env, "render", "--model", "woad", "--seed", "5", "--scale", "3", "--sharpness", "6", "--phase", "2", "--size", "48", "--out", out("a.png"), "--json");
      expect(a.code, a.stderr).to.equal(0);
      const ra = JSON.parse(a.stdout);
      expect(ra.params).to.deep.equal({ phase: 2, scale: 3, sharpness: 6 });
      expect(ra.paramsHash).to.equal(hashOf(canonical));
      // the graph takes the param: another phase, another image
      const b = await runCli(env, "render", "--model", "woad", "--seed", "5", "--scale", "3", "--sharpness", "6", "--size", "48", "--out", out("b.png"), "--json");
      expect(b.code, b.stderr).to.equal(0);
      expect(JSON.parse(b.stdout).params).to.deep.equal({ phase: 0, scale: 3, sharpness: 6 }); // its declared default
      expect(JSON.parse(b.stdout).contentDigest).to.not.equal(ra.contentDigest);

      const tooBig = await runCli(env, "render", "--model", "woad", "--seed", "5", "--phase", "7", "--size", "48", "--out", out("c.png"));
      expect(tooBig.code).to.equal(2);
      expect(tooBig.stderr).to.contain('--phase: "7" is not a number in 0..6.5 (model woad)');
      const notWoad = await runCli(env, "render", "--model", "indigo", "--seed", "5", "--phase", "1", "--size", "48", "--out", out("d.png"));
      expect(notWoad.code).to.equal(2);
      expect(notWoad.stderr).to.contain('--phase: model indigo has no param "phase" (its params: scale, sharpness)');
    });

    it("API: /v1/render and /v1/patterns take woad's params; the pinned lineage hashes all three; refusals name the param, its range and the model", async () => {
      const store = new EmbeddedIpfs(motifTempDir("params-api"));
      const app = await buildApi({ keys: [KEY], pipeline: { ...testPipeline(store), modelsDir: dir, modelIds: { indigo: 1, woad: 4 } } });
      try {
        const post = (url: string, payload: object) => app.inject({ method: "POST", url, headers: { "x-api-key": KEY.key }, payload });
        const body = { model: "woad", seed: "5", params: { scale: 3, sharpness: 6, phase: 2 }, width: 48, height: 48 };
        const rendered = await post("/v1/render", body);
        expect(rendered.statusCode, rendered.body).to.equal(200);
        const created = await post("/v1/patterns", body);
        expect(created.statusCode, created.body).to.equal(201);
        expect(created.json().contentDigest).to.equal(rendered.headers["x-content-digest"]);
        const doc = parseCertificateMetadata(await store.cat((await import("multiformats/cid")).CID.parse(created.json().metadataCid)));
        expect(doc.motif.lineage.params).to.deep.equal({ phase: 2, scale: 3, sharpness: 6 });
        expect(doc.motif.lineage.paramsHash).to.equal(hashOf(canonical));

        for (const [url, params, field, message] of [
          ["/v1/render", { scale: 3, sharpness: 6, phase: 7 }, "body.params.phase", "body.params.phase: 7 is not a number in 0..6.5 (model woad)"],
          ["/v1/patterns", { scale: 3, sharpness: 6, phase: -1 }, "body.params.phase", "body.params.phase: -1 is not a number in 0..6.5 (model woad)"],
          ["/v1/patterns", { scale: 3, sharpness: 6 }, "body.params.phase", "body.params.phase: missing, expected a number in 0..6.5 (model woad)"],
          ["/v1/render", { scale: 9, sharpness: 6, phase: 1 }, "body.params.scale", "body.params.scale: 9 is not an integer in 1..8 (model woad)"],
        ] as const) {
          const r = await post(url, { ...body, params });
          expect(r.statusCode, r.body).to.equal(400);
          expect(r.json()).to.include({ field, message });
        }
        const indigo = await post("/v1/render", { ...body, model: "indigo" });
        expect(indigo.statusCode).to.equal(400);
        expect(indigo.json()).to.include({ field: "body.params.phase", message: 'body.params.phase: model indigo has no param "phase" (its params: scale, sharpness)' });
        // the OpenAPI document carries woad's declared params
        const openapi = (await app.inject({ method: "GET", url: "/v1/openapi.json" })).json();
        expect(JSON.stringify(openapi.paths["/v1/render"].post.requestBody)).to.contain('"phase":{"type":"number","minimum":0,"maximum":6.5');
      } finally {
        await app.close();
      }
    });

    it("recipes: woad's params are validated from its declaration, and a recipe renders with all three", async () => {
      const manifest = await loadManifest(dir);
      const woad = manifest.find((m) => m.name === "woad")!;
      const recipe = { format: "motif-recipe/1", name: "Woad phase", author: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", model: { name: "woad", weightsDigest: woad.sha256 }, params: { sharpness: 6, phase: 2, scale: 3 } };
      expect(validateRecipe(recipe, manifest).params).to.deep.equal({ scale: 3, sharpness: 6, phase: 2 });
      for (const [params, message] of [
        [{ scale: 3, sharpness: 6, phase: 9 }, "params.phase: 9 is not a number in 0..6.5 (model woad)"],
        [{ scale: 3, sharpness: 6 }, "params.phase: missing, expected a number in 0..6.5 (model woad)"],
        [{ scale: 3, sharpness: 6, phase: 1, hue: 2 }, 'params.hue: model woad has no param "hue" (its params: scale, sharpness, phase)'],
      ] as const) {
        expect(() => validateRecipe({ ...recipe, params }, manifest)).to.throw(RecipeError, message);
      }
      const env = { MOTIF_MODELS_DIR: dir };
      const file = path.join(dir, "woad-recipe.json");
      const created = await runCli(env, "recipe", "create", "--model", "woad", "--name", "Woad phase", "--author", recipe.author, "--scale", "3", "--sharpness", "6", "--phase", "2", "--out", file);
      expect(created.code, created.stderr).to.equal(0);
      expect(JSON.parse(await readFile(file, "utf8")).params).to.deep.equal({ phase: 2, scale: 3, sharpness: 6 });
      const fromRecipe = await runCli(env, "render", "--recipe", file, "--seed", "5", "--size", "48", "--out", path.join(dir, "r.png"), "--json");
      expect(fromRecipe.code, fromRecipe.stderr).to.equal(0);
      expect(JSON.parse(fromRecipe.stdout).paramsHash).to.equal(hashOf(canonical));
      const both = await runCli(env, "render", "--recipe", file, "--phase", "1", "--seed", "5", "--out", path.join(dir, "x.png"));
      expect(both.code).to.equal(2);
      expect(both.stderr).to.contain("--recipe: the recipe sets the model and params; drop --phase");
    });
  });

  describe("the SDK's declaration checks", () => {
    const declared = parseModelParamDeclarations([{ name: "scale", type: "integer", min: 1, max: 8, default: 2 }], "indigo");
    it("checkModelParams: values in range pass, in declaration order; defaults only when asked", () => {
      expect(checkModelParams(declared, { scale: 8 }, "indigo")).to.deep.equal({ scale: 8 });
      expect(checkModelParams(declared, {}, "indigo", { defaults: true })).to.deep.equal({ scale: 2 });
      for (const [params, message] of [
        [{ scale: 2.5 }, "params.scale: 2.5 is not an integer in 1..8 (model indigo)"],
        [{ scale: "2" }, 'params.scale: "2" is not an integer in 1..8 (model indigo)'],
        [{}, "params.scale: missing, expected an integer in 1..8 (model indigo)"],
        [[2], "params: expected an object with scale (model indigo), got an array"],
      ] as const) {
        try {
          checkModelParams(declared, params, "indigo");
          expect.fail(message);
        } catch (error) {
          expect(error).to.be.instanceOf(ModelParamsError).and.instanceOf(BaseError);
          expect((error as ModelParamsError).shortMessage).to.equal(message);
        }
      }
    });
    it("parseModelParamDeclarations refuses a bad declaration, naming the model and the field", () => {
      for (const [value, message] of [
        [[{ name: "scale", type: "integer", min: 1, max: 8, default: 9 }], "params[0]: expected min ≤ default ≤ max, got 1, 9, 8 (model m)"],
        [[{ name: "scale", type: "integer", min: 1.5, max: 8, default: 2 }], "params[0].min: expected an integer, got 1.5 (model m)"],
        [[{ name: "a", type: "number", min: 0, max: 1, default: 0 }, { name: "a", type: "number", min: 0, max: 1, default: 0 }], 'params[1].name: "a" is declared twice (model m)'],
        [[{ name: "no space", type: "number", min: 0, max: 1, default: 0 }], 'params[0].name: expected a letter then letters or digits (at most 32), got "no space" (model m)'],
        [[{ name: "a", type: "float", min: 0, max: 1, default: 0 }], 'params[0].type: expected "integer" or "number", got "float" (model m)'],
        [undefined, "params: expected an array of param declarations, got nothing (model m)"],
      ] as const) {
        expect(() => parseModelParamDeclarations(value, "m")).to.throw(ModelParamsError, message);
      }
    });
    it("the shipped manifest declares scale and sharpness for every model", async () => {
      for (const m of await loadManifest()) expect(m.params.map((d) => `${d.name} ${d.type} ${d.min}..${d.max} (${d.default})`)).to.deep.equal(["scale integer 1..8 (2)", "sharpness number 0.25..32 (4)"]);
    });
  });
});
