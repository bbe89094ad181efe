import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { keccak256, stringToBytes } from "viem";

import { type ColourwaySpec, checkColourwaySpec, parseColourwayMap, renderParamsHash, tokenIdHex } from "@motif/sdk";
import { runPipeline } from "../src/pipeline.js";
import { RenderInputError, closeRenderPools, render } from "../src/render/render.js";
import { recolourPixels } from "../src/render/recolour.js";
import { rerender } from "../src/render/rerender.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { testPipeline } from "../../test/ts/helpers/pipeline.js";

const run = promisify(execFile);
const CLI = path.join(process.cwd(), "generator", "bin", "motif.mjs");
const sha = (bytes: Uint8Array) => `0x${createHash("sha256").update(bytes).digest("hex")}`;
const rgbOf = async (png: Uint8Array) => new Uint8Array((await sharp(png).raw().toBuffer({ resolveWithObject: true })).data);
const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;
const DESIGN = `0x${"ab".repeat(32)}` as const;

describe("colourways: a design recoloured (motif-recolour/1), in the lineage, screened as family (issue 20 §1)", function () {
  this.timeout(300_000);
  after(closeRenderPools);

  it("moves a from colour to its to colour, leaves far colours alone, blends between (the rule in words, checked on chosen pixels)", () => {
    // pixels: exactly navy, exactly cream, pure green (far from both), and a slate near navy
    const px = Uint8Array.from([45, 48, 71, 244, 233, 216, 0, 200, 0, 60, 62, 85]);
    const out = recolourPixels(px.slice(), [
      { from: "#2d3047", to: "#1e5631" },
      { from: "#f4e9d8", to: "#f7d6d0" },
    ]);
    const at = (i: number) => Array.from(out.subarray(3 * i, 3 * i + 3));
    const near = (a: number[], b: number[], tol: number) => a.every((v, i) => Math.abs(v - b[i]!) <= tol);
    expect(near(at(0), [0x1e, 0x56, 0x31], 1), `navy → forest: ${hex(...(at(0) as [number, number, number]))}`).to.equal(true);
    expect(near(at(1), [0xf7, 0xd6, 0xd0], 1), `cream → blush: ${hex(...(at(1) as [number, number, number]))}`).to.equal(true);
    expect(at(2), "green, far from both").to.deep.equal([0, 200, 0]);
    // the slate moves the way navy does (greener, less blue), by less than navy's whole move
    const [r, g, b] = at(3) as [number, number, number];
    expect(g, `slate: ${hex(r, g, b)}`).to.be.above(62).and.below(62 + (0x56 - 48));
    expect(b, `slate: ${hex(r, g, b)}`).to.be.below(85).and.above(85 - (71 - 0x31));
    // deterministic
    expect(Array.from(recolourPixels(px.slice(), [{ from: "#2d3047", to: "#1e5631" }, { from: "#f4e9d8", to: "#f7d6d0" }]))).to.deep.equal(Array.from(out));
  });

  it("renders a colourway: the design's pixels recoloured, a paramsHash over params and colourway by the canonical JSON, re-rendered byte for byte", async () => {
    const base = { model: "indigo", seed: 7n, params: { scale: 2, sharpness: 4 }, width: 96, height: 96 };
    const design = await render(base);
    const designRgb = await rgbOf(design.png);
    // the design's commonest colour becomes red
    const counts = new Map<string, number>();
    for (let i = 0; i < designRgb.length; i += 3) {
      const c = hex(designRgb[i]!, designRgb[i + 1]!, designRgb[i + 2]!);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const [top] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const spec: ColourwaySpec = { design: DESIGN, map: [{ from: top, to: "#d01010" }] };
    const colourway = await render({ ...base, colourway: spec });
    expect(colourway.contentDigest).to.not.equal(design.contentDigest);
    expect(colourway.colourway).to.deep.equal(spec);
    // the oracle for the hash: keccak-256 of the canonical JSON written out by hand (sorted keys)
    const canonical = `{"colourway":{"design":"${DESIGN}","map":[{"from":"${top}","to":"#d01010"}]},"params":{"scale":2,"sharpness":4}}`;
    expect(colourway.paramsHash).to.equal(keccak256(stringToBytes(canonical)));
    expect(colourway.paramsHash).to.equal(renderParamsHash(base.params, undefined, spec));
    expect(design.paramsHash, "the design's hash is the plain params'").to.equal(renderParamsHash(base.params));
    // every pixel that was the commonest colour is now red (within rounding)
    const rgb = await rgbOf(colourway.png);
    let moved = 0;
    for (let i = 0; i < rgb.length; i += 3) {
      if (hex(designRgb[i]!, designRgb[i + 1]!, designRgb[i + 2]!) !== top) continue;
      expect(Math.abs(rgb[i]! - 0xd0) + Math.abs(rgb[i + 1]! - 0x10) + Math.abs(rgb[i + 2]! - 0x10)).to.be.at.most(3);
      moved++;
    }
    expect(moved).to.be.greaterThan(0);
    // an auditor's re-render from the lineage gives the same bytes
    const again = await render({ ...base, colourway: { design: `0x${"AB".repeat(32)}`, map: [{ from: top.toUpperCase(), to: "#D01010" }] } });
    expect(again.contentDigest, "case in the spec changes nothing (canonical lower case)").to.equal(colourway.contentDigest);
  });

  it("the auditor's rerender reproduces a colourway from its lineage", async () => {
    const { readFile } = await import("node:fs/promises");
    const { MODELS_DIR } = await import("../src/render/render.js");
    const spec: ColourwaySpec = { design: DESIGN, map: [{ from: "#203050", to: "#a0f0a0" }] };
    const lineage = { model: "indigo", seed: 11n, params: { scale: 2, sharpness: 4 }, width: 64, height: 64, colourway: spec };
    const minted = await render(lineage);
    const weights = new Uint8Array(await readFile(path.join(MODELS_DIR, "indigo.onnx")));
    expect(sha(await rerender({ ...lineage, weights }))).to.equal(minted.contentDigest);
    expect(sha(await rerender({ ...lineage, colourway: undefined, weights } as never)), "without the colourway: the design, not this").to.not.equal(minted.contentDigest);
  });

  it("refuses a bad colourway naming the field: render, SDK check and the CLI flags", async () => {
    const base = { model: "indigo", seed: 1n, params: { scale: 2, sharpness: 4 }, width: 32, height: 32 };
    const refused = async (colourway: unknown) => render({ ...base, colourway: colourway as ColourwaySpec }).then(() => expect.fail("rendered"), (e: unknown) => e as RenderInputError);
    expect((await refused({ design: "0x12", map: [{ from: "#000000", to: "#ffffff" }] })).field).to.equal("colourway.design");
    expect((await refused({ design: DESIGN, map: [] })).message).to.equal("colourway.map: expected 1 to 16 pairs { from, to }, got 0");
    expect((await refused({ design: DESIGN, map: [{ from: "#000000", to: "#000000" }] })).message).to.equal("colourway.map[0].to: #000000 is its from colour: a pair must change a colour");
    expect((await refused({ design: DESIGN, map: [{ from: "#000000", to: "#111111" }, { from: "#000000", to: "#222222" }] })).message).to.equal("colourway.map[1].from: #000000 is already mapped by colourway.map[0]");
    expect(() => checkColourwaySpec({ design: DESIGN, map: [{ from: "#000000", to: "red" }] })).to.throw('colourway.map[0].to: "red" is not a colour; expected #rrggbb');
    expect(parseColourwayMap("#2d3047:#1e5631, #f4e9d8:#f7d6d0")).to.deep.equal([{ from: "#2d3047", to: "#1e5631" }, { from: "#f4e9d8", to: "#f7d6d0" }]);
    const cli = (args: string[]) => run(process.execPath, [CLI, "render", "--model", "indigo", "--seed", "1", "--size", "32", "--out", "/nonexistent/never.png", ...args]).then(() => expect.fail("exit 0"), (e: { code: number; stderr: string }) => e);
    const noMap = await cli(["--colourway-of", DESIGN]);
    expect(noMap.code).to.equal(2);
    expect(noMap.stderr).to.contain("--recolour: required with --colourway-of");
    const badPair = await cli(["--colourway-of", DESIGN, "--recolour", "#2d3047:#1e5631,#f4e9d8"]);
    expect(badPair.code).to.equal(2);
    expect(badPair.stderr).to.contain('--recolour: pair 2: "#f4e9d8" is not from:to');
    const badId = await cli(["--colourway-of", "0xabc", "--recolour", "#2d3047:#1e5631"]);
    expect(badId.stderr).to.contain('--colourway-of: "0xabc" is not a certificate id');
  });

  it("screens a colourway as family of its own creator's design, not as a copy; another design claimed, another studio's design, or no chain to ask: refused", async () => {
    const base = { model: "madder", seed: 21n, params: { scale: 2, sharpness: 4 }, width: 128, height: 128 };
    const config = testPipeline();
    const design = await runPipeline(config, base);
    expect(design.status).to.equal("pinned");
    // banked as a minted certificate is (label `certificate <id>`): what screening of the chain holds
    const designId = design.rendered.contentDigest;
    const label = `certificate ${tokenIdHex(BigInt(designId))}`;
    const sibling = `0x${"ef".repeat(32)}` as const;
    const rebank = () => {
      config.index = PdqIndex.build([{ hash: design.fingerprint.pdqHash.slice(2), label }]);
      config.banks = undefined;
    };
    rebank();
    // a slight recolour: the same design to PDQ (luminance nearly kept)
    const designRgb = await rgbOf(design.rendered.png);
    const c = hex(designRgb[0]!, designRgb[1]!, designRgb[2]!);
    const shifted = hex(Math.min(255, designRgb[0]! + 12), designRgb[1]!, Math.max(0, designRgb[2]! - 12));
    const map = [{ from: c, to: shifted }];
    const asked: string[] = [];
    const chain = new Map([[designId.toLowerCase(), { creator: config.creator, colourways: [sibling] }]]);
    config.designFamily = async (id) => (asked.push(id), chain.get(id.toLowerCase()));

    const noChain = await runPipeline({ ...config, designFamily: undefined }, { ...base, colourway: { design: designId, map } });
    expect(noChain.status, "nothing to ask whose design it is").to.equal("refused");
    const other = await runPipeline(config, { ...base, colourway: { design: `0x${"cd".repeat(32)}`, map } });
    expect(other.status, "claims a design that is not the one it copies").to.equal("refused");
    chain.set(designId.toLowerCase(), { creator: "0x000000000000000000000000000000000000dEaD", colourways: [] });
    const theirs = await runPipeline(config, { ...base, colourway: { design: designId, map } });
    expect(theirs.status, "another studio's design recoloured is a copy of it").to.equal("refused");
    chain.set(designId.toLowerCase(), { creator: config.creator, colourways: [sibling] });
    rebank();
    const family = await runPipeline(config, { ...base, colourway: { design: designId, map } });
    expect(family.status, JSON.stringify(family.screen)).to.equal("pinned");
    expect(family.screen.family?.map((m) => m.label)).to.deep.equal([label]);
    expect(asked.map((a) => a.toLowerCase())).to.include(designId.toLowerCase());
  });
});
