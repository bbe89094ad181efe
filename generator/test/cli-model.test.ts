import { expect } from "chai";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createPublicClient, createWalletClient, getAddress, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { encodeModelCard, getModel, modelCardDigest, parseModelCard, registerModel, trainingConfigDigest, trainingLineageOf, verifyCertificate } from "@motif/sdk";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { addModel } from "../src/model/manifest.js";
import { BRANDS } from "../src/model/brands.js";
import { brandModelCard, buildCppnModel } from "../src/model/cppn.js";
import { MODELS_DIR } from "../src/render/render.js";
import { runCli } from "../../test/ts/helpers/cli.js";
import { motifTempDir } from "../../test/ts/helpers/pipeline.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/** Hardhat account #0: the deployer, the registry's admin and registrar. */
const REGISTRAR_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const STUDIO = getAddress("0x90F79bf6EB2c4f870365E785982E1f101E93b906");

describe("motif model check | add | register (issue 19 §1)", function () {
  this.timeout(240_000);
  // made in before(): the run's TMPDIR (removed after the run) is set by the root hooks, after describe bodies run
  let dir = "";
  before(() => (dir = motifTempDir("cli-model")));
  const indigoCard = path.join(MODELS_DIR, "indigo.card.json");
  const indigoWeights = path.join(MODELS_DIR, "indigo.onnx");

  it("check: the shipped model does what its card says", async () => {
    const r = await runCli({}, "model", "check", "--card", indigoCard, "--weights", indigoWeights);
    expect(r.code, r.output).to.equal(0);
    expect(r.stdout).to.contain("ok   seamless");
    expect(r.stdout).to.contain("does what its card says");
  });

  it("check: refuses weights that are not the card's, and a card that claims what the weights do not do, with the reason", async () => {
    const wrong = await runCli({}, "model", "check", "--card", indigoCard, "--weights", path.join(MODELS_DIR, "weld.onnx"));
    expect(wrong.code, wrong.output).to.equal(1);
    expect(wrong.stderr).to.match(/refused: weights: the file's sha-256 is 0x[0-9a-f]{64}, the card says 0x/);

    // a card declaring a param the graph does not take
    const card = parseModelCard(await readFile(indigoCard));
    const extra = path.join(dir, "extra.card.json");
    await writeFile(extra, encodeModelCard({ ...card, params: [...card.params, { name: "phase", type: "number", min: 0, max: 1, default: 0 }] }));
    const io = await runCli({}, "model", "check", "--card", extra, "--weights", indigoWeights);
    expect(io.code, io.output).to.equal(1);
    expect(io.stderr).to.contain("refused: io");
    expect(io.stderr).to.contain("missing phase");

    const missing = await runCli({}, "model", "check", "--card", indigoCard);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain("--weights: required");
    const bad = path.join(dir, "bad.card.json");
    await writeFile(bad, JSON.stringify({ ...card, latent: 0 }));
    const badCard = await runCli({}, "model", "check", "--card", bad, "--weights", indigoWeights);
    expect(badCard.code).to.equal(2);
    expect(badCard.stderr).to.contain("latent: expected an integer in 1..4096, got 0");
  });

  it("add: a studio's model joins a models folder and renders from it by name", async () => {
    const models = motifTempDir("cli-model-folder");
    await writeFile(path.join(models, "models.json"), "[]\n");
    const spec = { ...BRANDS[0]!, name: "saffron", version: "2.0.0", weightSeed: 0x5aff, palette: [[250, 200, 60], [200, 90, 20], [60, 30, 10]] as Array<[number, number, number]> };
    const weights = buildCppnModel(spec);
    const cardFile = path.join(models, "in.card.json");
    const weightsFile = path.join(models, "in.onnx");
    await writeFile(cardFile, encodeModelCard(brandModelCard(spec, weights)));
    await writeFile(weightsFile, weights);
    const added = await runCli({}, "model", "add", "--card", cardFile, "--weights", weightsFile, "--models-dir", models);
    expect(added.code, added.output).to.equal(0);
    expect(JSON.parse(added.stdout)).to.include({ added: "saffron", cardDigest: modelCardDigest(brandModelCard(spec, weights)) });
    const out = path.join(models, "p.png");
    const rendered = await runCli({ MOTIF_MODELS_DIR: models }, "render", "--model", "saffron", "--seed", "3", "--size", "64", "--out", out);
    expect(rendered.code, rendered.output).to.equal(0);
    expect((await readFile(out)).subarray(1, 4).toString()).to.equal("PNG");
  });

  it("register: pins weights and card and registers both digests and the training lineage on chain", async () => {
    const chain = await remoteChainWithMotif();
    try {
      await registerOn(chain);
    } finally {
      await chain.close();
    }
  });

  async function registerOn(chain: Awaited<ReturnType<typeof remoteChainWithMotif>>) {
    const card = parseModelCard(await readFile(indigoCard));
    const config = { trainer: "motif-train/1.0.0", seed: 1, steps: 10 };
    const trained = { ...card, name: "indigo-trained", training: { dataRoot: `0x${"ab".repeat(32)}` as const, members: 12, config, configDigest: trainingConfigDigest(config), trainer: "motif-train/1.0.0" } };
    const cardFile = path.join(dir, "trained.card.json");
    await writeFile(cardFile, encodeModelCard(trained));
    const env = { MOTIF_RPC_URL: chain.url, MOTIF_WALLET_KEY: REGISTRAR_KEY, MOTIF_REGISTRY: chain.record.contracts.MotifModelRegistry, MOTIF_CERTIFICATE: chain.record.contracts.MotifCertificate };
    // the chain's weld is registered; indigo's weights are not yet
    const r = await runCli(env, "model", "register", "--card", cardFile, "--weights", indigoWeights, "--owner", STUDIO, "--royalty-bps", "700", "--store", path.join(dir, "ipfs"), "--json");
    expect(r.code, r.output).to.equal(0);
    const result = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as { modelId: number; cardDigest: string };
    const model = await getModel(createPublicClient({ transport: http(chain.url) }), { registry: chain.record.contracts.MotifModelRegistry, modelId: result.modelId });
    expect(model).to.deep.include({ owner: STUDIO, royaltyBps: 700, name: "indigo-trained", cardDigest: modelCardDigest(trained), weightsDigest: card.weights.digest });
    expect(model.training).to.deep.equal({ datasetId: null, dataRoot: `0x${"ab".repeat(32)}`, configDigest: trainingConfigDigest(config), trainer: "motif-train/1.0.0" });

    const again = await runCli(env, "model", "register", "--card", cardFile, "--weights", indigoWeights, "--owner", STUDIO, "--store", path.join(dir, "ipfs"));
    expect(again.code).to.not.equal(0);
    expect(again.output).to.contain("already registered");

    // a liar: madder's weights, a card claiming one training config, the registry given another
    const madderWeights = await readFile(path.join(MODELS_DIR, "madder.onnx"));
    const madderCard = parseModelCard(await readFile(path.join(MODELS_DIR, "madder.card.json")));
    const liar = { ...madderCard, name: "madder-liar", training: { ...trained.training, config: { ...config, steps: 11 }, configDigest: trainingConfigDigest({ ...config, steps: 11 }) } };
    const registrar = createWalletClient({ account: privateKeyToAccount(REGISTRAR_KEY), transport: http(chain.url) });
    const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
    await store.add(encodeModelCard(liar));
    await store.add(madderWeights);
    await chain.deployed.wait(await registerModel(registrar, { registry: chain.record.contracts.MotifModelRegistry, owner: STUDIO, weightsDigest: madderCard.weights.digest, royaltyBps: 0, name: "madder-liar", version: liar.version, cardDigest: modelCardDigest(liar), training: { ...trainingLineageOf(liar), configDigest: trainingConfigDigest(config) } }));

    // a pattern of each, minted from the CLI; an auditor follows pattern → model → card → training lineage
    const models = motifTempDir("cli-model-trained");
    await writeFile(path.join(models, "models.json"), "[]\n");
    await addModel(models, trained, await readFile(indigoWeights));
    await addModel(models, liar, madderWeights);
    const mint = async (model: string) => {
      const minted = await runCli({ ...chain.env, MOTIF_MODELS_DIR: models }, "mint", "--model", model, "--seed", "5", "--size", "64", "--store", path.join(dir, "ipfs"), "--json");
      expect(minted.code, minted.output).to.equal(0);
      return BigInt((JSON.parse(minted.stdout.trim().split("\n").at(-1)!) as { tokenId: string }).tokenId);
    };
    const honest = await mint("indigo-trained");
    const lying = await mint("madder-liar");
    const gateway = await buildGateway(new EmbeddedIpfs(path.join(dir, "ipfs")));
    const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
    try {
      const addresses = { certificate: chain.record.contracts.MotifCertificate, registry: chain.record.contracts.MotifModelRegistry, licensing: chain.record.contracts.MotifLicensing };
      const client = createPublicClient({ transport: http(chain.url) });
      const ok = await verifyCertificate(client, { addresses, tokenId: honest, gateway: url });
      const byId = (r: typeof ok, id: string) => r.items.find((i) => i.id === id)!;
      expect(byId(ok, "modelCard").status, byId(ok, "modelCard").reason).to.equal("passed");
      expect(byId(ok, "modelCard").evidence).to.include({ io: "motif.cppn/1", seamless: true, trained: true });
      expect(byId(ok, "training").status, byId(ok, "training").reason).to.equal("passed");
      expect(byId(ok, "training").evidence).to.include({ declared: true, certified: false, dataRoot: `0x${"ab".repeat(32)}`, members: 12, trainer: "motif-train/1.0.0" });
      expect(ok.passed, ok.summary).to.equal(true);
      const bad = await verifyCertificate(client, { addresses, tokenId: lying, gateway: url });
      expect(byId(bad, "training").status).to.equal("failed");
      expect(byId(bad, "training").reason).to.contain(`configDigest (card ${trainingConfigDigest({ ...config, steps: 11 })}, registry ${trainingConfigDigest(config)})`);
      expect(bad.passed).to.equal(false);
    } finally {
      await gateway.close();
    }
  }
});
