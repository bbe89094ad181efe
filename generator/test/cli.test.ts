import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const root = process.cwd();
const fixtures = path.join("test", "fixtures", "pdq");

function motif(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, "generator", "bin", "motif.mjs"), ...args], { cwd: root, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npx motif runs from compiled JavaScript", function () {
  this.timeout(300_000);
  // A resolve hook in the child that refuses tsx, any .ts file and the heavy modules: the oracle is
  // Node's own module loader, not the CLI's word.
  const HEAVY = /^(tsx|onnxruntime-node|sharp|viem|bullmq|ioredis|fastify|@motif\/sdk)(\/|$)|\.ts$/;
  const hooks = `export async function resolve(s, c, next) { if (${HEAVY}.test(s)) throw new Error("motif --help loaded " + s); return next(s, c); }`;
  const preload = `data:text/javascript,${encodeURIComponent(`import { register } from "node:module"; register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hooks)}`)});`)}`;
  const help = () => spawnSync(process.execPath, ["--import", preload, path.join(root, "generator", "bin", "motif.mjs"), "--help"], { cwd: os.tmpdir(), encoding: "utf8" });

  it("--help answers from generator/dist without tsx, TypeScript, the SDK, viem, onnxruntime or sharp", () => {
    let r = help();
    if (r.status !== 0 && /motif --help loaded tsx/.test(r.stderr)) {
      // sources newer than the last build (a working checkout): build as `npm install` / `npm run build` do
      for (const script of ["build:sdk", "build:generator"]) spawnSync("npm", ["run", "--silent", script], { cwd: root, stdio: "ignore" });
      r = help();
    }
    expect(r.stderr).to.equal("");
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^usage: motif <command> \[options\]/);
    for (const name of ["render", "pdq", "screen", "bank", "pin", "mint", "serve", "batch", "verify", "worker", "dataset", "recipe"]) expect(r.stdout).to.match(new RegExp(`^  ${name} +\\S`, "m"));
  });

  it("npx motif runs the workspace's linked bin at once, without installing the project into npm's cache", () => {
    // A bin declared by the root package itself makes `npm exec` install the project into its npx cache
    // (an `_npx` folder, Arborist loading the whole tree: a second per call); the `@motif/generator`
    // bin linked into node_modules/.bin runs directly. The oracle is npm's cache, in a fresh folder.
    const cache = mkdtempSync(path.join(os.tmpdir(), "motif-npm-cache-"));
    try {
      const r = spawnSync("npx", ["motif", "--help"], { cwd: root, encoding: "utf8", env: { ...process.env, npm_config_cache: cache } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^usage: motif <command> \[options\]/);
      expect(existsSync(path.join(cache, "_npx")), "npm installed the project into its npx cache").to.equal(false);
      expect(realpathSync(path.join(root, "node_modules", ".bin", "motif"))).to.equal(path.join(realpathSync(root), "generator", "bin", "motif.mjs"));
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  it("a command loads what it needs on demand: render --help names its flags, pdq hashes a file", () => {
    const render = motif("render", "--help");
    expect(render.code).to.equal(0);
    expect(render.stdout + render.stderr).to.contain("--seed");
    const pdq = motif("pdq", path.join(fixtures, "plasma-64.png"));
    expect(pdq.code, pdq.stderr).to.equal(0);
    expect(pdq.stdout).to.match(/^2b82a94fed7475e914a5b8f1803e48b3e57b24cf4646b3a4d097681b47c99a7c,100,/);
  });
});

describe("npx motif pdq", function () {
  this.timeout(60_000);

  it("prints <hash>,<quality>,<file> per file, reports bad files and exits 1, hashing the rest", () => {
    const good = path.join(fixtures, "plasma-64.png");
    const r = motif("pdq", good, "missing.png", "README.md", path.join(fixtures, "swirl-512.png"));
    expect(r.code).to.equal(1);
    expect(r.stdout.trim().split("\n")).to.deep.equal([
      `2b82a94fed7475e914a5b8f1803e48b3e57b24cf4646b3a4d097681b47c99a7c,100,${good}`,
      `2621c1d5f0135f11076bdc4cbf9957b322bbbe47df68431ca5f310f3184b288b,100,${path.join(fixtures, "swirl-512.png")}`,
    ]);
    expect(r.stderr).to.contain("missing.png: not a readable image");
    expect(r.stderr).to.contain("README.md: not a readable image");
  });

  it("flags quality below 50 as unreliable", () => {
    const r = motif("pdq", path.join(fixtures, "tiny-4.png"));
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^0{64},0,/);
    expect(r.stderr).to.contain("quality 0 is below 50; the hash is unreliable");
  });

  it("offers full resolution, dihedral and JSON output", () => {
    const file = path.join(fixtures, "pen-and-coaster.png");
    const full = motif("pdq", "--fullres", "--json", file);
    expect(JSON.parse(full.stdout)).to.deep.equal({
      file,
      hash: "1f811b9d267fbc6693c0c7f30e041f9df49b836303e10f067fcdfc12c02d01f9",
      quality: 100,
    });
    const dihedral = motif("pdq", "--dihedral", path.join(fixtures, "bridge-1-original.jpg"));
    expect(dihedral.stdout.split(",")).to.have.length(10);
  });

  it("rejects bad usage with exit 2 and says what is wrong", () => {
    expect(motif("pdq").stderr).to.contain("FILE: at least one image file is required");
    expect(motif("pdq").code).to.equal(2);
    expect(motif("pdq", "--bogus", "x").code).to.equal(2);
    const unknown = motif("paint");
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('unknown command "paint"');
  });
});

describe("npx motif render / screen / pin", function () {
  this.timeout(60_000);
  // made in before(), not at load time: the run's temp folder (the root hooks' TMPDIR) exists only then
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "motif-cli-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("render writes a PNG and reports its content digest; bad input writes nothing and names the field", () => {
    const out = path.join(dir, "p.png");
    const r = motif("render", "--model", "weld", "--seed", "9", "--size", "96", "--out", out, "--json");
    expect(r.code, r.stderr).to.equal(0);
    const result = JSON.parse(r.stdout);
    expect(result).to.include({ file: out, model: "weld", seed: "9", width: 96, height: 96 });
    expect(existsSync(out)).to.equal(true);
    const bad = path.join(dir, "bad.png");
    for (const [args, message] of [
      [["--model", "cobalt", "--seed", "1"], 'model: unknown model "cobalt"'],
      [["--model", "weld", "--seed=-3"], '--seed: "-3" is not an integer in 0..2^64-1'],
      [["--model", "weld", "--seed", "1", "--size", "9000"], '--size: "9000" is not an integer in 1..8192'],
      [["--model", "weld", "--seed", "1", "--sharpness", "NaN"], '--sharpness: "NaN" is not a number in 0.25..32'],
    ] as const) {
      const f = motif("render", ...args, "--out", bad);
      expect(f.code, message).to.equal(2);
      expect(f.stderr).to.contain(message);
      expect(existsSync(bad)).to.equal(false);
    }
  });

  it("screen flags a match against an imported list and clears other work", () => {
    const a = path.join(dir, "a.png");
    const b = path.join(dir, "b.png");
    motif("render", "--model", "indigo", "--seed", "1", "--size", "128", "--out", a);
    motif("render", "--model", "madder", "--seed", "2", "--size", "128", "--out", b);
    const hash = motif("pdq", a).stdout.split(",")[0]!;
    const index = path.join(dir, "works.csv");
    writeFileSync(index, `hash,label\n${hash},registered work 17\n`);
    const r = motif("screen", "--index", index, a, b);
    expect(r.code).to.equal(1);
    expect(r.stdout).to.contain(`${a}: matches "registered work 17" at distance 0`);
    expect(r.stdout).to.contain(`${b}: cleared`);
  });

  it("pin prints the Kubo-style CID and writes a CAR", () => {
    const file = path.join(dir, "data.bin");
    writeFileSync(file, "");
    const car = path.join(dir, "out.car");
    const r = motif("pin", "--store", path.join(dir, "ipfs"), "--car", car, file);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku ${file}\n`);
    expect(readFileSync(car).length).to.be.greaterThan(0);
  });
});
