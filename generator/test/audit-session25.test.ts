import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { copyFile, readFile, readdir, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import zlib from "node:zlib";
import { CID } from "multiformats/cid";
import sharp from "sharp";

import { network } from "hardhat";
import { type Hex, getAddress, keccak256, toHex, zeroAddress } from "viem";

import { type ModelCard, type Offer, LicenseFlags, datasetMerkleRoot, encodeModelCard, licenseTerms, modelCardDigest, modelRegistration, motifActions, parseModelCard, regionMask, tokenIdHex, trainingConfigDigest, trainingLineageOf, verifyCertificate } from "@motif/sdk";
import { certifyDataset } from "../src/certify.js";
import { exportDataset } from "../src/dataset/export.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { addModel, loadManifestSync } from "../src/model/manifest.js";
import { ImageTooLargeError, decodeImage } from "../src/pdq/decode.js";
import { runPipeline } from "../src/pipeline.js";
import { MODELS_DIR } from "../src/render/render.js";
import { STUDIO_DEFAULTS, STUDIO_QUICK, type StudioTrainConfig, TrainInputError, configOfCard, readSwatchFolder, retrainWeightsDigest, swatchFile, swatchOf, trainStudioModel } from "../src/train/studio.js";
import { deployMotif } from "../../scripts/lib/deploy.js";
import { runCli } from "../../test/ts/helpers/cli.js";
import { motifTempDir } from "../../test/ts/helpers/pipeline.js";
import { trainingChain } from "./training-chain.js";

// Session 25 audit of the studio-training change (e6eadaf..43282ab, issue 19 §2/§3): motif model
// train/retrain, trainStudioModel/swatchOf/configOfCard, trainingFilesRoot, verifyCertificate's
// retraining item. Each FINDING fails on the audited code; each PROBE (held) passes. Oracles are the
// promises of docs/design/studio-training.md, docs/model-io.md, the CLI help and the JSDoc.

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "examples", "swatches");
const sha = (b: Uint8Array): Hex => `0x${createHash("sha256").update(b).digest("hex")}`;
const rawPng = (data: Uint8Array, width: number, height: number, channels: 1 | 3 | 4) => sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer();
const exampleFiles = async (family: string, n = 8) => Promise.all(Array.from({ length: n }, async (_, i) => swatchFile(`${family}/0${i + 1}.png`, await readFile(path.join(EXAMPLES, family, `0${i + 1}.png`)))));

/** A card whose training config is `config` (configDigest recomputed, so it parses): what an attacker registers. */
async function cardWithConfig(config: Record<string, unknown>): Promise<ModelCard> {
  const base = await trainStudioModel({ files: (await exampleFiles("dot", 2)), name: "probe", version: "1.0.0", config: { ...STUDIO_QUICK, steps: 1 } });
  return parseModelCard({ ...base.card, training: { ...base.card.training!, config, configDigest: trainingConfigDigest(config) } });
}

/** A PNG written chunk by chunk (16-bit samples, or a header declaring any size). */
function pngChunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(td));
  return Buffer.concat([len, td, crc]);
}
function png16(w: number, h: number, sample: (x: number, y: number, c: number) => number): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr[8] = 16;
  ihdr[9] = 2;
  const raw = Buffer.alloc(h * (1 + w * 6));
  let o = 0;
  for (let y = 0; y < h; y++) {
    raw[o++] = 0;
    for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) (raw.writeUInt16BE(sample(x, y, c), o), (o += 2));
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk("IHDR", ihdr), pngChunk("IDAT", zlib.deflateSync(raw)), pngChunk("IEND", Buffer.alloc(0))]);
}

describe("audit session 25: a file as a swatch, and the training config a card carries", function () {
  this.timeout(120_000);

  it("FINDING swatchOf reads past the image: a 109-px swatch area-averaged to swatchPx 100 (a config checkTrainConfig accepts) gets NaN pixels, and the trained model a #NaNNaNNaN palette colour — (Y+1)·(side/out) rounds above side, so the loop reads a row/column outside the image", async () => {
    const side = 109;
    const png = await rawPng(new Uint8Array(side * side * 3).fill(128), side, side, 3);
    const s = await swatchOf(swatchFile("grey-109.png", png), 100, 64);
    const nan = Array.from(s.rgb).filter((v) => Number.isNaN(v)).length;
    // the oracle: a uniform grey image area-averages to that grey everywhere
    expect({ nanSamples: nan, of: s.rgb.length }).to.deep.equal({ nanSamples: 0, of: 30_000 });
    // every output sample of a uniform 128-grey swatch is 128/255 (to float64 rounding)
    for (let i = 0; i < s.rgb.length; i++) expect(s.rgb[i], `sample ${i}`).to.be.closeTo(128 / 255, 1e-12);
    const m = await trainStudioModel({ files: [swatchFile("grey-109.png", png)], name: "grey", version: "1.0.0", config: { ...STUDIO_QUICK, swatchPx: 100, steps: 1 } });
    expect(m.card.description, "the card's palette").to.not.contain("NaN");
  });

  it("FINDING configOfCard takes strings, booleans and arrays for lr, sharpness and spectral (a card's config is re-run as given): the range checks `v > 0 && v <= 1` coerce, so a malformed config is accepted instead of refused naming the field", async () => {
    const bad = { ...STUDIO_QUICK, lr: "0.01", sharpness: "4", spectral: [] } as unknown as Record<string, unknown>;
    const card = await cardWithConfig(bad);
    const error = (() => {
      try {
        configOfCard(card);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error, `configOfCard accepted lr ${JSON.stringify(bad.lr)}, sharpness ${JSON.stringify(bad.sharpness)}, spectral ${JSON.stringify(bad.spectral)}`).to.be.instanceOf(TrainInputError);
  });

  it("FINDING no cost limit on a card's config: configOfCard (what `motif verify --retrain` and `motif model retrain` run) accepts 100,000 steps × batch 64 × 256-px crops × swatchPx 1024 × 400 dilations — years of CPU (the full config, ~7 min, × >1,000,000) and 25 MiB of float64 per swatch, so a malicious registered card ties up any auditor who re-trains it", async () => {
    const dilations = Array.from({ length: 400 }, () => 1);
    const evil: StudioTrainConfig = { ...STUDIO_DEFAULTS, steps: 100_000, batch: 64, crop: 256, tile: 1024, swatchPx: 1024, colourDirections: 256, patchDirections: 256, dilations };
    // per-step work ∝ batch · crop² · (1 + dilations); steps multiply it
    const cost = (c: StudioTrainConfig) => c.steps * c.batch * c.crop ** 2 * (1 + c.dilations.length);
    const ratio = cost(evil) / cost(STUDIO_DEFAULTS);
    const card = await cardWithConfig(evil as unknown as Record<string, unknown>);
    let accepted = true;
    try {
      configOfCard(card);
    } catch (e) {
      accepted = !(e instanceof TrainInputError);
    }
    expect({ accepted, timesTheFullConfig: Math.round(ratio) }, "a card config this far above the full configuration must be refused before training").to.deep.include({ accepted: false });
  });

  it("FINDING a symlinked swatch is silently left out: readSwatchFolder keeps only Dirent.isFile(), so a folder of links to the same 8 files trains on none (or, mixed, on a subset) — 'the same files under any names' give other weights or an error", async () => {
    const dir = motifTempDir("a25-links");
    const mixed = motifTempDir("a25-mixed");
    const names = (await readdir(path.join(EXAMPLES, "dot"))).filter((f) => f.endsWith(".png")).sort();
    for (const [i, f] of names.entries()) {
      await symlink(path.join(EXAMPLES, "dot", f), path.join(dir, f));
      if (i % 2 === 0) await copyFile(path.join(EXAMPLES, "dot", f), path.join(mixed, f));
      else await symlink(path.join(EXAMPLES, "dot", f), path.join(mixed, f));
    }
    const expected = (await exampleFiles("dot")).map((f) => f.digest).sort();
    const read = async (d: string): Promise<string[]> => {
      try {
        return (await readSwatchFolder(d)).map((f) => f.digest).sort();
      } catch (e) {
        return [`error: ${(e as Error).message}`];
      }
    };
    expect({ links: await read(dir), mixed: await read(mixed) }).to.deep.equal({ links: expected, mixed: expected });
  });

  it("FINDING a stop that arrives during the last step is ignored: trainStudioModel checks its signal only before a step, so an abort seen after the final step (or while the ONNX is built) still returns the model — the CLI then writes it and exits 0 though SIGINT/SIGTERM promised 'nothing written'", async () => {
    const controller = new AbortController();
    const steps = 3;
    const outcome = await trainStudioModel({ files: await exampleFiles("dot", 2), name: "s", version: "1.0.0", config: { ...STUDIO_QUICK, steps }, signal: controller.signal, onStep: (step) => step === steps - 1 && controller.abort() }).then(
      () => "model returned",
      (e: unknown) => (e as Error).name,
    );
    expect(outcome, "aborted before the result existed").to.equal("TrainAbortedError");
  });

  it("PROBE (held): the pixel budget applies to swatches (a PNG header declaring 20000×20000 is refused undecoded), and a 16-bit PNG is brought to 8 bits by its high byte", async () => {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(20_000, 0);
    ihdr.writeUInt32BE(20_000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const bomb = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), pngChunk("IHDR", ihdr), pngChunk("IDAT", zlib.deflateSync(Buffer.alloc(1024))), pngChunk("IEND", Buffer.alloc(0))]);
    const error = await swatchOf(swatchFile("bomb.png", bomb), 128, 64).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(ImageTooLargeError);
    const wide = png16(64, 64, (_x, _y, c) => [0x80ff, 0x1000, 0xffff][c]!);
    expect(Array.from((await decodeImage(wide)).data.subarray(0, 3))).to.deep.equal([0x80, 0x10, 0xff]);
    const s = await swatchOf(swatchFile("wide.png", wide), 32, 32);
    expect(Array.from(s.rgb.subarray(0, 3))).to.deep.equal([0x80 / 255, 0x10 / 255, 1]);
  });

  it("PROBE (held): the same files under other names, in another order, given twice, give byte-identical weights; description and licence do not change them; the dataset check is case-blind and a repeated non-member is still refused", async () => {
    const files = await exampleFiles("stripe", 4);
    const config = { ...STUDIO_QUICK, steps: 3 };
    const a = await trainStudioModel({ files, name: "s", version: "1.0.0", config });
    const renamed = [...files].reverse().map((f, i) => swatchFile(`z${i}.webp`, f.bytes));
    const b = await trainStudioModel({ files: [...renamed, renamed[1]!], name: "s", version: "1.0.0", config, description: "other words", licence: { id: "CC0-1.0", text: "public" } });
    expect(b.weightsDigest).to.equal(a.weightsDigest);
    expect(b.card.training!.dataRoot).to.equal(a.card.training!.dataRoot);
    expect(b.card.training!.members).to.equal(4);
    const dataset = { id: `0x${"ab".repeat(32)}` as Hex, root: `0x${"cd".repeat(32)}` as Hex, imageDigests: files.map((f) => f.digest.toUpperCase().replace("0X", "0x") as Hex) };
    expect((await trainStudioModel({ files, name: "s", version: "1.0.0", config, dataset })).weightsDigest).to.equal(a.weightsDigest);
    const stranger = swatchFile("x.png", await readFile(path.join(EXAMPLES, "plaid", "01.png")));
    const refused = await trainStudioModel({ files: [...files, stranger, stranger], name: "s", version: "1.0.0", config, dataset }).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(TrainInputError);
  });
});

describe("audit session 25: motif model train | retrain on the command line", function () {
  this.timeout(120_000);
  const quick = ["--quick", "--steps", "2"];

  it("FINDING a stopped retrain exits 0 — the code for 'reproduced': SIGTERM (a CI timeout) or Ctrl-C during `motif model retrain` of a card that would NOT reproduce ends with exit 0, so `motif model retrain … && deploy` goes ahead", async () => {
    const dir = motifTempDir("a25-retrain-stop");
    // a card whose weights no re-run gives (another config's), its steps raised so the run lasts until stopped
    const card = await cardWithConfig({ ...STUDIO_QUICK, steps: 100_000 } as unknown as Record<string, unknown>);
    const cardFile = path.join(dir, "c.card.json");
    await writeFile(cardFile, encodeModelCard(card));
    const baseline = process.listenerCount("SIGTERM");
    let stopped = false;
    const poll = setInterval(() => {
      // the command's own handler is installed: deliver the signal to it (listeners only, not the process)
      if (!stopped && process.listenerCount("SIGTERM") > baseline) {
        stopped = true;
        setTimeout(() => (process as NodeJS.EventEmitter).emit("SIGTERM", "SIGTERM"), 300);
      }
    }, 20);
    let r;
    try {
      r = await runCli({}, "model", "retrain", "--card", cardFile, "--swatches", path.join(EXAMPLES, "dot"));
    } finally {
      clearInterval(poll);
    }
    expect(r.stderr).to.match(/training stopped after step \d+ of 100000/);
    expect(r.code, `a retrain stopped before its end proved nothing; exit ${r.code} reads as "reproduced"\n${r.output}`).to.not.equal(0);
  });

  it("FINDING a failed card write leaves the ONNX file: with --card in a folder that does not exist, train writes --out first, then fails on the card — 'nothing written' on bad input does not hold, and the error names a .tmp path, not --card", async () => {
    const dir = motifTempDir("a25-card-missing");
    const out = path.join(dir, "m.onnx");
    const r = await runCli({}, "model", "train", "--swatches", path.join(EXAMPLES, "dot"), "--name", "m", "--out", out, "--card", path.join(dir, "no-such-folder", "m.card.json"), ...quick);
    expect(r.code).to.not.equal(0);
    expect({ onnxLeft: existsSync(out), namesFlag: r.stderr.includes("--card") }, r.output).to.deep.equal({ onnxLeft: false, namesFlag: true });
  });

  it("FINDING --card equal to --out: train writes the ONNX, then the card over it, and reports success (exit 0) with a weights digest the file at --out no longer has", async () => {
    const dir = motifTempDir("a25-card-out");
    const out = path.join(dir, "m.onnx");
    const r = await runCli({}, "model", "train", "--swatches", path.join(EXAMPLES, "dot"), "--name", "m", "--out", out, "--card", out, ...quick, "--json");
    const onDisk = existsSync(out) ? sha(await readFile(out)) : "absent";
    const claimed = r.code === 0 ? (JSON.parse(r.stdout) as { weightsDigest: Hex }).weightsDigest : undefined;
    // either refused as a usage error, or the file at --out is the model it reports
    expect(r.code === 2 || onDisk === claimed, `exit ${r.code}; --out holds ${onDisk}, reported weights ${claimed}`).to.equal(true);
  });

  it("FINDING an invalid --name is refused only after the whole training (minutes at the full config): the card check runs at the end, so bad input is not caught before work starts", async () => {
    const dir = motifTempDir("a25-late-name");
    const r = await runCli({}, "model", "train", "--swatches", path.join(EXAMPLES, "dot"), "--name", "n".repeat(65), "--out", path.join(dir, "m.onnx"), "--quick", "--steps", "5");
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain("--name");
    expect(r.stderr, "training ran before the name was checked").to.not.match(/step \d+\/5/);
  });

  it("PROBE (held): motif dataset mint --share-bps is 0..2500, refused before any key or chain is needed", async () => {
    const dir = motifTempDir("a25-share");
    await writeFile(path.join(dir, "m.json"), JSON.stringify({ format: "motif-dataset/1", licensee: zeroAddress, region: "FR", time: "0", root: `0x${"cd".repeat(32)}`, members: [] }));
    const r = await runCli({ MOTIF_RPC_URL: "", MOTIF_WALLET_KEY: "" }, "dataset", "mint", "--manifest", path.join(dir, "m.json"), "--share-bps", "2501");
    expect(r.code).to.equal(2);
    expect(r.stderr).to.contain('--share-bps: "2501" is not an integer in 0..2500');
  });

  it("FINDING --dataset trusts the manifest's root: a hand-made manifest listing any stored images as 'members' under another dataset's root trains, and the card names that dataset (dataRoot and datasetId) though its members are not those files — the root is never recomputed from the members", async () => {
    const dir = motifTempDir("a25-forged");
    const storeDir = path.join(dir, "ipfs");
    const store = new EmbeddedIpfs(storeDir);
    const members = [];
    for (const f of ["01.png", "02.png"]) {
      const bytes = await readFile(path.join(EXAMPLES, "plaid", f));
      const cid = await store.add(bytes);
      members.push({ tokenId: sha(bytes), imageCid: cid.toString(), imageDigest: sha(bytes), metadataCid: cid.toString(), licenseId: "1", proof: [] as Hex[] });
    }
    const claimedRoot = `0x${"cd".repeat(32)}` as Hex; // some certified dataset's root
    const recomputed = datasetMerkleRoot(members.map((m) => ({ tokenId: BigInt(m.tokenId), imageDigest: m.imageDigest, licenseId: 1n })));
    const manifest = { format: "motif-dataset/1", licensee: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8", region: "FR", time: "0", root: claimedRoot, members };
    await writeFile(path.join(dir, "m.json"), JSON.stringify(manifest));
    const out = path.join(dir, "m.onnx");
    const r = await runCli({}, "model", "train", "--dataset", path.join(dir, "m.json"), "--store", storeDir, "--name", "forged", "--out", out, ...quick, "--json");
    const card = existsSync(path.join(dir, "m.card.json")) ? parseModelCard(await readFile(path.join(dir, "m.card.json"))) : undefined;
    expect(recomputed).to.not.equal(claimedRoot);
    expect({ code: r.code, cardRoot: card?.training?.dataRoot ?? "no card" }, `the members give root ${recomputed}; ${r.output}`).to.deep.equal({ code: 2, cardRoot: "no card" });
  });
});

describe("audit session 25: verifyCertificate's retraining item on a chain", function () {
  this.timeout(300_000);
  // one chain: a certified one-member dataset (an indigo pattern licensed to its curator for AI
  // training), a model trained on it by trainStudioModel and one trained elsewhere, a pattern of each
  let items: (tokenId: bigint) => Promise<Awaited<ReturnType<typeof verifyCertificate>>["items"]>;
  let close: () => Promise<void>;
  let trained: Awaited<ReturnType<typeof trainStudioModel>>;
  let trainedPattern: bigint;
  let torchPattern: bigint;

  before(async () => {
    const chain = await trainingChain("a25");
    const { publicClient, addresses, store, register, mint, curatorW, defaults } = chain;
    const { exported, datasetIdHex } = await chain.licensedDataset();

    // trained by Motif's trainer on the member's image, as `motif model train --dataset` does
    const images = await Promise.all(exported.manifest.members.map(async (m) => swatchFile(`member ${m.tokenId}`, await store.cat(CID.parse(m.imageCid)))));
    trained = await trainStudioModel({ files: images, name: "atelier-a25", version: "1.0.0", config: { ...STUDIO_QUICK, steps: 3 }, dataset: { id: datasetIdHex, root: exported.manifest.root, imageDigests: exported.manifest.members.flatMap((m) => [m.imageDigest, m.tokenId]) } });
    const trainedId = await register(trained.card, trained.onnx, curatorW!.account.address);
    trainedPattern = await mint("atelier-a25", { "atelier-a25": trainedId }, 12n, { scale: 2, sharpness: 4 });

    // trained elsewhere (PyTorch) on the same dataset: an honest card with its own trainer and config
    const torchConfig = { framework: "pytorch-2.3", epochs: 40, optimiser: "adamw", lr: 0.0003 };
    const weld = parseModelCard(await readFile(path.join(MODELS_DIR, "weld.card.json")));
    const torchCard = parseModelCard({ ...weld, name: "weld-torch", training: { dataRoot: exported.manifest.root, datasetId: datasetIdHex, members: 1, config: torchConfig, configDigest: trainingConfigDigest(torchConfig), trainer: "pytorch-2.3/atelier" } });
    const torchId = await register(torchCard, await readFile(path.join(MODELS_DIR, "weld.onnx")), curatorW!.account.address);
    torchPattern = await mint("weld-torch", { "weld-torch": torchId }, 13n, defaults("weld"));

    const gateway = await buildGateway(store);
    const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
    close = () => gateway.close();
    // what `motif verify TOKEN --retrain` passes
    items = async (tokenId) => (await verifyCertificate(publicClient, { addresses, tokenId, gateway: url, retrain: retrainWeightsDigest })).items;
  });
  after(async () => close?.());

  it("PROBE (held): a model trained by trainStudioModel on a certified dataset's member image re-trains (images fetched by CID) to its registered weights: retraining passed", async () => {
    const all = await items(trainedPattern);
    const r = all.find((i) => i.id === "retraining")!;
    expect([r.status, r.reason]).to.deep.equal(["passed", undefined]);
    expect(r.evidence).to.include({ weightsDigest: trained.weightsDigest, images: 1 });
    expect(all.find((i) => i.id === "training")!.status).to.equal("passed");
  });

  it("FINDING retraining FAILS (not 'not checked') for a model trained by another trainer: `motif verify --retrain` passes retrainWeightsDigest, which throws on a trainer other than motif-train/1.0.0, so an honest PyTorch-trained model on a dataset certificate (docs/model-io.md: 'trained anywhere') fails verification, exit 1", async () => {
    const all = await items(torchPattern);
    expect(all.find((i) => i.id === "training")!.status, "the PyTorch model's lineage itself verifies").to.equal("passed");
    const r = all.find((i) => i.id === "retraining")!;
    expect({ status: r.status, reason: r.reason }, "a trainer this verifier cannot run is 'not checked', not a failed certificate").to.deep.include({ status: "notChecked" });
  });
});
