import { expect } from "chai";
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFile, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { concat, encodeAbiParameters, keccak256 } from "viem";

import { parseModelCard, trainingConfigDigest, trainingFilesRoot } from "@motif/sdk";
import type { Hex } from "viem";
import { checkModel } from "../src/model/check.js";
import { stratifiedSplit } from "../src/train/quality.js";
import { decodeImage } from "../src/pdq/decode.js";
import { EXAMPLE_SET, EXAMPLE_STYLES, exampleFileName, exampleSwatch, swatchBytes } from "../src/train/examples.js";
import { type StyleFeatures, styleDistance, styleDistanceTerms, styleFeatures } from "../src/train/style.js";
import { STUDIO_QUICK, TrainInputError, checkTrainConfig, configOfCard, swatchFile, swatchOf, trainStudioModel } from "../src/train/studio.js";
import { runCli } from "../../test/ts/helpers/cli.js";
import { motifTempDir } from "../../test/ts/helpers/pipeline.js";
import type { FamilyQuality } from "./train-quality-family.js";

const EXAMPLES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "examples", "swatches");
const sha = (b: Uint8Array): Hex => `0x${createHash("sha256").update(b).digest("hex")}`;

/** A PNG of raw 8-bit pixels, written by sharp (not the project's encoder). */
const pngOf = (data: Uint8Array, width: number, height: number, channels: 1 | 3 | 4) => sharp(Buffer.from(data), { raw: { width, height, channels } }).png().toBuffer();

describe("studio training: the example swatches (issue 19 §2)", () => {
  it("the committed files are what the repo makes, decoded by libvips: 5 families × 8 swatches of 96 px, CC0", async () => {
    for (const style of EXAMPLE_STYLES) {
      const files = (await readdir(path.join(EXAMPLES, style))).sort();
      expect(files, style).to.deep.equal(Array.from({ length: EXAMPLE_SET.count }, (_, i) => exampleFileName(i)));
      for (let i = 0; i < EXAMPLE_SET.count; i++) {
        const img = await decodeImage(await readFile(path.join(EXAMPLES, style, exampleFileName(i))));
        expect([img.width, img.height, img.channels], `${style} ${i}`).to.deep.equal([96, 96, 3]);
        expect(Buffer.from(img.data).equals(Buffer.from(swatchBytes(exampleSwatch(style, i)))), `${style}/${exampleFileName(i)} is not what exampleSwatch makes: run npm run swatches`).to.equal(true);
      }
    }
    expect(await readFile(path.join(EXAMPLES, "LICENSE"), "utf8")).to.contain("CC0-1.0");
  });
});

describe("studio training: the raw training files' Merkle root (SDK trainingFilesRoot)", () => {
  // the tree built by hand: leaf = keccak(keccak(abi.encode(bytes32))), pairs sorted, an odd node carried up
  const leaf = (d: Hex) => keccak256(keccak256(encodeAbiParameters([{ type: "bytes32" }], [d])));
  const pair = (a: Hex, b: Hex) => (BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a])));
  const digests = ["a", "b", "c"].map((s) => sha(new TextEncoder().encode(s)));

  it("equals the hand-built tree for 1, 2 and 3 files, whatever the order; a repeated file counts once", () => {
    const [a, b, c] = digests.map(leaf) as [Hex, Hex, Hex];
    expect(trainingFilesRoot([digests[0]!])).to.equal(a);
    expect(trainingFilesRoot([digests[0]!, digests[1]!])).to.equal(pair(a, b));
    const sorted = [a, b, c].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1));
    const three = pair(pair(sorted[0]!, sorted[1]!), sorted[2]!);
    expect(trainingFilesRoot(digests)).to.equal(three);
    expect(trainingFilesRoot([...digests].reverse())).to.equal(three);
    expect(trainingFilesRoot([...digests, digests[1]!.toUpperCase().replace("0X", "0x") as Hex])).to.equal(three);
  });

  it("refuses no file, and a digest that is not 32 bytes of hex, naming it", () => {
    expect(() => trainingFilesRoot([])).to.throw(RangeError, "at least one file");
    expect(() => trainingFilesRoot(["0x1234"])).to.throw(RangeError, '"0x1234" is not a sha-256 digest');
  });
});

describe("studio training: a file as a swatch", () => {
  it("area-averages a larger swatch down exactly (2×2 blocks), crops a long one to its centred square, expands grey", async () => {
    // 8×4 RGB: the centred square is columns 2..5; at px 2 each output pixel is the mean of a 2×2 block
    const data = Uint8Array.from({ length: 8 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const s = await swatchOf(swatchFile("wide.png", await pngOf(data, 8, 4, 3)), 2, 2);
    expect(s.side).to.equal(2);
    for (let Y = 0; Y < 2; Y++) for (let X = 0; X < 2; X++) for (let c = 0; c < 3; c++) {
      let sum = 0;
      for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) sum += data[((2 * Y + dy) * 8 + 2 + 2 * X + dx) * 3 + c]!;
      expect(s.rgb[(Y * 2 + X) * 3 + c], `pixel ${X},${Y} channel ${c}`).to.be.closeTo(sum / 4 / 255, 1e-12);
    }
    const grey = await swatchOf(swatchFile("grey.png", await pngOf(Uint8Array.from([0, 51, 102, 255]), 2, 2, 1)), 8, 2);
    expect(Array.from(grey.rgb.subarray(3, 6))).to.deep.equal([0.2, 0.2, 0.2]);
  });

  it("refuses a swatch smaller than the training crop, and a file that is not an image, naming the file", async () => {
    const small = await pngOf(new Uint8Array(16 * 16 * 3), 16, 16, 3);
    const error = await swatchOf(swatchFile("tiny.png", small), 128, 32).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(TrainInputError);
    expect((error as Error).message).to.equal("tiny.png: 16×16 px is smaller than the 32-px training crop");
    const notImage = await swatchOf(swatchFile("notes.png", new TextEncoder().encode("hello")), 128, 32).catch((e: unknown) => e);
    expect((notImage as Error).message).to.match(/^notes\.png: not a readable image/);
  });

  it("checks every field of a config against its range", () => {
    expect(() => checkTrainConfig({ ...STUDIO_QUICK, crop: 48 })).to.throw(TrainInputError, "config.crop: 48 is not a power of two");
    expect(() => checkTrainConfig({ ...STUDIO_QUICK, steps: 0 })).to.throw(TrainInputError, "config.steps: 0 is not an integer in 1..100000");
    expect(() => checkTrainConfig({ ...STUDIO_QUICK, dilations: [1, 16] })).to.throw(TrainInputError, "config.dilations: [1,16] must be 1..8 distinct integers from 1 with 2·d below the 32-px crop");
    expect(() => checkTrainConfig({ ...STUDIO_QUICK, hidden: 32 })).to.throw(TrainInputError, "config.frequencies: the motif.cppn/1 family is built with");
    expect(() => checkTrainConfig({ ...STUDIO_QUICK, swatchPx: 16 })).to.throw(TrainInputError, "config.swatchPx: 16 is not an integer in 32..512");
    expect(() => checkTrainConfig({ ...STUDIO_QUICK, colourwayGap: -1 })).to.throw(TrainInputError, "config.colourwayGap: -1 is not a number in 0..10");
  });
});

describe("studio training: the style distance", () => {
  let features: Record<string, StyleFeatures[]>;
  before(async () => {
    features = {};
    for (const style of EXAMPLE_STYLES) features[style] = Array.from({ length: EXAMPLE_SET.count }, (_, i) => styleFeatures(exampleSwatch(style, i).rgb, 96));
  });

  it("is zero from an image to itself and symmetric", () => {
    const [a, b] = [features.plaid![0]!, features.dot![3]!];
    expect(styleDistance(a, a)).to.equal(0);
    expect(styleDistance(a, b)).to.be.closeTo(styleDistance(b, a), 1e-12);
  });

  it("tells the five families apart: each swatch's nearest other swatch is of its own family (leave one out; at most 2 of 40 wrong)", () => {
    const all = EXAMPLE_STYLES.flatMap((s) => features[s]!.map((f) => ({ s, f })));
    const wrong: string[] = [];
    for (const [i, x] of all.entries()) {
      let best = { d: Infinity, s: "" };
      for (const [j, y] of all.entries()) if (i !== j) best = Math.min(best.d, styleDistance(x.f, y.f)) === best.d ? best : { d: styleDistance(x.f, y.f), s: y.s };
      if (best.s !== x.s) wrong.push(`${x.s} ${i % EXAMPLE_SET.count} → ${best.s}`);
    }
    expect(wrong.length, wrong.join("; ")).to.be.at.most(2);
  });

  it("sees a circular shift of a swatch as the same style, a recolouring as farther, and a blur by its spectral term", () => {
    const src = exampleSwatch("ikat", 2);
    const shifted = new Float64Array(src.rgb.length);
    const blurred = new Float64Array(src.rgb.length);
    const recoloured = new Float64Array(src.rgb.length);
    for (let y = 0; y < 96; y++) for (let x = 0; x < 96; x++) for (let c = 0; c < 3; c++) {
      const at = (xx: number, yy: number) => src.rgb[((((yy + 96) % 96) * 96 + ((xx + 96) % 96)) * 3) + c]!;
      shifted[(y * 96 + x) * 3 + c] = at(x + 17, y + 40);
      blurred[(y * 96 + x) * 3 + c] = (at(x - 1, y) + at(x, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1)) / 5;
      recoloured[(y * 96 + x) * 3 + c] = src.rgb[(y * 96 + x) * 3 + ((c + 1) % 3)]!;
    }
    const f = styleFeatures(src.rgb, 96);
    const dShift = styleDistance(f, styleFeatures(shifted, 96));
    const dRecolour = styleDistance(f, styleFeatures(recoloured, 96));
    expect(dShift, "a shift keeps the style").to.be.below(styleDistance(f, features.ikat![5]!));
    expect(dRecolour).to.be.above(dShift * 2);
    const terms = styleDistanceTerms(f, styleFeatures(blurred, 96));
    expect(terms.spectral, "blurring moves energy out of the high octaves").to.be.above(styleDistanceTerms(f, styleFeatures(shifted, 96)).spectral);
  });
});

describe("motif model train | retrain (issue 19 §2, the seconds-long configuration)", function () {
  this.timeout(300_000);
  // made in before(): the run's TMPDIR (removed after the run) is set by the root hooks, after describe bodies run
  let dir = "";
  let out = "";
  before(() => {
    dir = motifTempDir("train");
    out = path.join(dir, "dots.onnx");
  });
  let card: ReturnType<typeof parseModelCard>;

  it("trains on a swatch folder: an ONNX file and its card with the lineage, which passes its check", async () => {
    const r = await runCli({}, "model", "train", "--swatches", path.join(EXAMPLES, "dot"), "--name", "dot-studio", "--version", "0.1.0", "--out", out, "--quick", "--steps", "12", "--json");
    expect(r.code, r.output).to.equal(0);
    const summary = JSON.parse(r.stdout) as { weightsDigest: Hex; card: string; dataRoot: Hex; members: number };
    const bytes = await readFile(out);
    card = parseModelCard(await readFile(path.join(dir, "dots.card.json")));
    expect(summary.card).to.equal(path.join(dir, "dots.card.json"));
    expect(card.weights.digest).to.equal(sha(bytes));
    expect(summary.weightsDigest).to.equal(sha(bytes));
    // the lineage, from the files themselves
    const digests = await Promise.all((await readdir(path.join(EXAMPLES, "dot"))).filter((f) => f.endsWith(".png")).map(async (f) => sha(await readFile(path.join(EXAMPLES, "dot", f)))));
    expect(card.training!.dataRoot).to.equal(trainingFilesRoot(digests));
    expect(card.training!.members).to.equal(8);
    expect(card.training!.trainer).to.equal("motif-train/1.1.0");
    expect(card.training!.configDigest).to.equal(trainingConfigDigest(card.training!.config));
    expect(configOfCard(card)).to.deep.include({ steps: 12, crop: 32, swatchPx: 96 });
    expect((await checkModel(card, bytes)).every((i) => i.passed)).to.equal(true);
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).to.deep.equal([]);
  });

  it("gives the same weights for the same files under other names and in another order; retrain reproduces them (exit 0) and tells other data apart (exit 1)", async () => {
    const renamed = path.join(dir, "renamed");
    await mkdir(renamed);
    const names = (await readdir(path.join(EXAMPLES, "dot"))).filter((f) => f.endsWith(".png"));
    for (const [i, f] of names.entries()) await copyFile(path.join(EXAMPLES, "dot", f), path.join(renamed, `swatch-${String.fromCharCode(122 - i)}.png`));
    await writeFile(path.join(renamed, "notes.txt"), "not an image: left out");
    const again = await runCli({}, "model", "train", "--swatches", renamed, "--name", "dot-studio", "--version", "0.1.0", "--out", path.join(dir, "again.onnx"), "--quick", "--steps", "12", "--json");
    expect(again.code, again.output).to.equal(0);
    expect(sha(await readFile(path.join(dir, "again.onnx")))).to.equal(card.weights.digest);

    const same = await runCli({}, "model", "retrain", "--card", path.join(dir, "dots.card.json"), "--swatches", renamed, "--json");
    expect(same.code, same.output).to.equal(0);
    expect(JSON.parse(same.stdout)).to.deep.include({ reproduced: true });
    // one swatch left out: another root, other weights
    await writeFile(path.join(renamed, "swatch-z.png"), await readFile(path.join(EXAMPLES, "plaid", "01.png")));
    const other = await runCli({}, "model", "retrain", "--card", path.join(dir, "dots.card.json"), "--swatches", renamed);
    expect(other.code, other.output).to.equal(1);
    expect(other.stdout).to.match(/^NOT reproduced: the data given has root 0x[0-9a-f]{64}, the card says /);
  });

  it("refuses bad input with the flag or file and what is expected, writing nothing", async () => {
    const none = await runCli({}, "model", "train", "--swatches", path.join(dir, "missing"), "--name", "x", "--out", path.join(dir, "x.onnx"), "--quick");
    expect(none.code).to.equal(2);
    expect(none.stderr).to.contain(`--swatches: ${path.join(dir, "missing")} is not a readable folder`);
    const smallDir = path.join(dir, "small");
    await mkdir(smallDir);
    await writeFile(path.join(smallDir, "a.png"), await pngOf(new Uint8Array(20 * 20 * 3), 20, 20, 3));
    const small = await runCli({}, "model", "train", "--swatches", smallDir, "--name", "x", "--out", path.join(dir, "x.onnx"), "--quick");
    expect(small.code).to.equal(2);
    expect(small.stderr).to.contain("a.png: 20×20 px is smaller than the 32-px training crop");
    const both = await runCli({}, "model", "train", "--name", "x", "--out", path.join(dir, "x.onnx"));
    expect(both.stderr).to.contain("--swatches DIR or --dataset MANIFEST.json: exactly one is required");
    const steps = await runCli({}, "model", "train", "--swatches", smallDir, "--name", "x", "--out", path.join(dir, "x.onnx"), "--steps", "0");
    expect(steps.stderr).to.contain('--steps: "0" is not an integer in 1..100000');
    const untrained = await runCli({}, "model", "retrain", "--card", path.join(EXAMPLES, "..", "..", "models", "indigo.card.json"), "--swatches", smallDir);
    expect(untrained.code).to.equal(2);
    expect(untrained.stderr).to.contain("model indigo 1.0.0 was not trained");
    expect((await readdir(dir)).filter((f) => f.startsWith("x."))).to.deep.equal([]);
  });

  it("npx motif model train stops on SIGINT and SIGTERM between steps: exit 0, nothing written", async () => {
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      const target = path.join(dir, `stopped-${signal}.onnx`);
      const child = spawn("npx", ["motif", "model", "train", "--swatches", path.join(EXAMPLES, "stripe"), "--name", "x", "--out", target, "--quick", "--steps", "100000"], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
      try {
        for (let i = 0; i < 600 && !/step \d+\/100000/.test(output) && child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
        expect(output, output).to.match(/step \d+\/100000/);
        child.kill(signal);
        expect(await exited, `${signal}: ${output}`).to.equal(0);
      } finally {
        if (child.exitCode === null) child.kill("SIGKILL");
      }
      expect(output).to.match(/training stopped after step \d+ of 100000; no model was made; .* was not written/);
      expect((await readdir(dir)).filter((f) => f.startsWith(`stopped-${signal}`))).to.deep.equal([]);
    }
  });

  it("IMLE pairing (--pairing imle): deterministic, other weights than nearest pairing, recorded in the card and re-run from it", async () => {
    const files = await Promise.all(["01.png", "05.png", "07.png"].map(async (f) => swatchFile(f, await readFile(path.join(EXAMPLES, "dot", f)))));
    const imle = { ...STUDIO_QUICK, steps: 4, pairing: "imle" as const };
    const [a, b] = [await trainStudioModel({ files, name: "dots", version: "1.0.0", config: imle }), await trainStudioModel({ files: [...files].reverse(), name: "dots", version: "1.0.0", config: imle })];
    expect(a.weightsDigest).to.equal(b.weightsDigest);
    expect((await trainStudioModel({ files, name: "dots", version: "1.0.0", config: { ...imle, pairing: "nearest" } })).weightsDigest).to.not.equal(a.weightsDigest);
    expect(a.card.training!.config).to.include({ pairing: "imle", candidates: 8 });
    expect(configOfCard(a.card)).to.deep.include({ pairing: "imle", candidates: 8 });
    expect(() => checkTrainConfig({ ...imle, pairing: "random" as never })).to.throw(TrainInputError, 'config.pairing: "random" is not "nearest" or "imle"');
  });

  it("names a dataset certificate when trained on a dataset's member images, and refuses a file that is not a member", async () => {
    const files = await Promise.all(["01.png", "02.png"].map(async (f) => swatchFile(f, await readFile(path.join(EXAMPLES, "floral", f)))));
    const dataset = { id: `0x${"ab".repeat(32)}` as Hex, root: `0x${"cd".repeat(32)}` as Hex, imageDigests: files.map((f) => f.digest) };
    const m = await trainStudioModel({ files, name: "floral", version: "1.0.0", config: { ...STUDIO_QUICK, steps: 2 }, dataset });
    expect(m.card.training).to.deep.include({ datasetId: dataset.id, dataRoot: dataset.root, members: 2 });
    const stranger = swatchFile("stranger.png", await readFile(path.join(EXAMPLES, "dot", "01.png")));
    const error = await trainStudioModel({ files: [...files, stranger], name: "floral", version: "1.0.0", config: { ...STUDIO_QUICK, steps: 2 }, dataset }).catch((e: unknown) => e);
    expect((error as Error).message).to.equal(`stranger.png: sha-256 ${stranger.digest} is not the image of a member of dataset ${dataset.id}`);
  });
});

describe("studio training: quality, measured by the style distance (issue 19 §2)", function () {
  this.timeout(600_000);

  it("the held-out split is stratified by colourway: each colourway gives its share of the held-out swatches, its last ones", async () => {
    // two colourways made here, interleaved in file order: 5 cream-ground swatches (files a0…a4) and
    // 3 navy-ground ones (b0…b2), each ground with a few dots of the other colour. By hand: 3 held
    // out of 8 = 1.875 cream + 1.125 navy → 2 cream (a3, a4) and 1 navy (b2)
    const side = 96;
    const swatch = async (ground: number[], dot: number[], seed: number) => {
      const data = new Uint8Array(side * side * 3);
      for (let y = 0; y < side; y++) for (let x = 0; x < side; x++) {
        const c = (x + seed * 7) % 24 < 4 && (y + seed * 5) % 24 < 4 ? dot : ground;
        data.set(c, (y * side + x) * 3);
      }
      return pngOf(data, side, side, 3);
    };
    const cream = [244, 233, 216];
    const navy = [45, 48, 71];
    const order = ["a0", "b0", "a1", "a2", "b1", "a3", "b2", "a4"];
    const files = await Promise.all(order.map(async (name, i) => swatchFile(`${name}.png`, await (name.startsWith("a") ? swatch(cream, navy, i) : swatch(navy, cream, i)))));
    const split = await stratifiedSplit(files, { ...STUDIO_QUICK, steps: 300 }, 3);
    expect(split.held.map((f) => f.name)).to.deep.equal(["a3.png", "b2.png", "a4.png"]);
    expect(split.train.map((f) => f.name)).to.deep.equal(["a0.png", "b0.png", "a1.png", "a2.png", "b1.png"]);
    // one colourway: the last three, a plain split
    const one = await stratifiedSplit(files.filter((f) => f.name.startsWith("a")), { ...STUDIO_QUICK, steps: 300 }, 2);
    expect(one.held.map((f) => f.name)).to.deep.equal(["a3.png", "a4.png"]);
    await stratifiedSplit(files, STUDIO_QUICK, 8).then(
      () => expect.fail("8 of 8 held out"),
      (e: unknown) => expect((e as Error).message).to.equal("held: 8 is not 1 to 7"),
    );
  });

  /**
   * Per family: 8 swatches, 3 held out by a split stratified by colourway (`stratifiedSplit`; one
   * colourway: the last 3). The trained model (300 steps of the quick configuration), the same family
   * untrained (the trainer's starting point: the swatches' palette and frequencies, drawn weights) and
   * a shipped brand model each render 8 seeds at 96 px; each is scored by the mean distance from a
   * sample to its nearest swatch. The trained model must be the closest, on the training swatches and
   * on the held-out ones; with several colourways every swatch, held out or not, must also have a
   * trained sample nearer than any untrained one (no colourway left out). All five families are
   * measured in `npm run bench`; `npm test` trains two: plaid (one colourway: the plain split) and
   * dot (two colourways: the stratified split and the coverage check); `npm run test:deep`
   * (MOTIF_TEST_DEEP=1) floral too. The families train side by side, each in a process of its own
   * (train-quality-family.ts), started together by the first of these tests: training is
   * single-threaded, and CI has two cores.
   */
  const FAMILIES = process.env.MOTIF_TEST_DEEP === "1" ? (["plaid", "floral", "dot"] as const) : (["plaid", "dot"] as const);
  const children = new Set<ChildProcess>();
  let measured: Record<string, Promise<FamilyQuality>> | undefined;
  const measure = (family: string): Promise<FamilyQuality> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", path.join(path.dirname(fileURLToPath(import.meta.url)), "train-quality-family.ts"), family], { stdio: ["ignore", "pipe", "pipe"] });
      children.add(child);
      let stdout = "";
      let stderr = "";
      child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        children.delete(child);
        if (code === 0) resolve(JSON.parse(stdout) as FamilyQuality);
        else reject(new Error(`${family}: the measuring process exited with ${code}\n${stderr}`));
      });
    });
  const quality = (family: string) => {
    measured ??= Object.fromEntries(FAMILIES.map((f) => [f, measure(f)]));
    for (const p of Object.values(measured)) p.catch(() => {}); // each test awaits (and reports) its own
    return measured[family]!;
  };
  after(() => {
    for (const child of children) child.kill("SIGKILL");
  });

  for (const family of FAMILIES) {
    it(`${family}: the trained model is nearer the swatches than the untrained one and the brand model, held-out swatches too`, async () => {
      const { scores, colourways, covered } = await quality(family);
      const table = JSON.stringify(scores);
      expect(scores.trained.train, table).to.be.below(Math.min(scores.untrained.train, scores.madder.train));
      expect(scores.trained.held, table).to.be.below(Math.min(scores.untrained.held, scores.madder.held));
      if (colourways > 1) {
        // motif-train/1.0.0 paired without colourways and sent every latent to the commoner ground
        expect(covered, JSON.stringify(covered)).to.have.length(8);
        for (const c of covered) expect(c.trained, JSON.stringify(covered)).to.be.below(c.untrained);
      }
    });
  }
});

