import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { keccak256, stringToBytes, verifyTypedData } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { type ColourwaySpec, certificateDomain, checkColourwaySpec, colourwayAttestationTypes, eip712TypeStrings, mintAttestationTypes, parseColourwayMap, renderParamsHash, tokenIdHex } from "@motif/sdk";
import { attest } from "../src/stages/attest.js";
import { runPipeline } from "../src/pipeline.js";
import { PatternRefusedError } from "../src/stages/refusal.js";
import { RenderInputError, closeRenderPools, render } from "../src/render/render.js";
import { recolourPixels } from "../src/render/recolour.js";
import { rerender } from "../src/render/rerender.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { testPipeline } from "../../test/ts/helpers/pipeline.js";
import type { DesignCertificate } from "../src/stages/colourway.js";

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
    const { pixels: out, moved } = recolourPixels(px.slice(), [
      { from: "#2d3047", to: "#1e5631" },
      { from: "#f4e9d8", to: "#f7d6d0" },
    ]);
    expect(moved, "navy, cream and the slate moved more than 4 levels; green did not").to.equal(3);
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
    expect(Array.from(recolourPixels(px.slice(), [{ from: "#2d3047", to: "#1e5631" }, { from: "#f4e9d8", to: "#f7d6d0" }]).pixels)).to.deep.equal(Array.from(out));
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
    const plain = { model: "indigo", seed: 11n, params: { scale: 2, sharpness: 4 }, width: 64, height: 64 };
    const px = await rgbOf((await render(plain)).png);
    const spec: ColourwaySpec = { design: DESIGN, map: [{ from: hex(px[0]!, px[1]!, px[2]!), to: "#a0f0a0" }] };
    const lineage = { ...plain, colourway: spec };
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

  it("checks a colourway against its design on chain (creator, model, seed, params) and screens it as family, not a copy; otherwise refuses it, naming why", async () => {
    const base = { model: "madder", seed: 21n, params: { scale: 2, sharpness: 4 }, width: 128, height: 128 };
    const config = testPipeline();
    const design = await runPipeline(config, base);
    expect(design.status).to.equal("pinned");
    // banked as a minted certificate is (label `certificate <id>`): what screening of the chain holds
    const designId = design.rendered.contentDigest;
    const label = `certificate ${tokenIdHex(BigInt(designId))}`;
    const rebank = () => {
      config.index = PdqIndex.build([{ hash: design.fingerprint.pdqHash.slice(2), label }]);
      config.banks = undefined;
    };
    rebank();
    // a recolour of the design's commonest colours: the same design to PDQ (luminance nearly kept)
    const { map } = await recolourOf(design.rendered.png, designId, 16);
    // the chain's word on the design, written out here: this creator's, madder (id 2), seed 21, the plain params' hash
    const onChain = { creator: config.creator, modelId: 2, seed: 21n, paramsHash: keccak256(stringToBytes(`{"scale":2,"sharpness":4}`)), colourways: [] as `0x${string}`[] };
    const chain = new Map<string, DesignCertificate>([[designId.toLowerCase(), onChain]]);
    config.designFamily = async (id) => chain.get(id.toLowerCase());
    const refusedFor = async (request: Parameters<typeof runPipeline>[1], c = config) =>
      runPipeline(c, request).then(
        (r) => (r.status === "refused" ? `near-duplicate: ${r.screen.matches[0]?.label}` : `${r.status}`),
        (e: unknown) => (e instanceof PatternRefusedError ? `${e.refusal.code}: ${e.refusal.reason}` : Promise.reject(e)),
      );
    const id = tokenIdHex(BigInt(designId));
    expect(await refusedFor({ ...base, colourway: { design: designId, map } }, { ...config, designFamily: undefined })).to.equal(
      `not-a-colourway: colourway.design: ${id} cannot be checked: a colourway needs chain access to read its design's certificate (MOTIF_RPC_URL)`,
    );
    expect(await refusedFor({ ...base, colourway: { design: `0x${"cd".repeat(32)}`, map } })).to.equal(`not-a-colourway: colourway.design: 0x${"cd".repeat(32)} is not a pattern certificate on this chain`);
    expect(await refusedFor({ ...base, seed: 22n, colourway: { design: designId, map } })).to.equal(`not-a-colourway: colourway.design: ${id} was rendered from seed 21, this request from seed 22`);
    expect(await refusedFor({ ...base, model: "indigo", colourway: { design: designId, map } })).to.equal(`not-a-colourway: colourway.design: ${id} was rendered by model id 2, this request by indigo (id 1)`);
    expect(await refusedFor({ ...base, params: { scale: 3, sharpness: 4 }, colourway: { design: designId, map } })).to.match(/^not-a-colourway: colourway\.design: 0x[0-9a-f]{64} was rendered with params \(and print spec\) hashing to 0x[0-9a-f]{64}, this request's hash to 0x[0-9a-f]{64}$/);
    chain.set(designId.toLowerCase(), { ...onChain, creator: "0x000000000000000000000000000000000000dEaD" });
    expect(await refusedFor({ ...base, colourway: { design: designId, map } })).to.match(/^not-a-colourway: .* is 0x000000000000000000000000000000000000dEaD's design, not this generator's creator's/);
    chain.set(designId.toLowerCase(), onChain);
    rebank();
    const family = await runPipeline(config, { ...base, colourway: { design: designId, map } });
    expect(family.status, JSON.stringify(family.screen)).to.equal("pinned");
    expect(family.screen.family?.map((m) => m.label)).to.deep.equal([label]);

    // minting (a minter configured): a design takes a colourway only from its owner (or an account it
    // approved), and a colourway goes to the design's owner: what the chain would refuse is refused
    // before rendering; a colourway its owner sends stops at the signed request, for the owner
    const generator = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
    const collector = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
    const minting = { ...config, minter: { wallet: { account: { address: generator } }, certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" } as never };
    chain.set(designId.toLowerCase(), { ...onChain, owner: collector, generatorAttests: true, generatorMayAdd: false });
    // the queue's minter signs nothing: it has no request to hand the owner
    expect(await refusedFor({ ...base, to: collector, colourway: { design: designId, map } }, { ...minting, attester: "minter" })).to.equal(
      `not-a-colourway: colourway.design: ${id} takes a colourway only from its owner ${collector} (or an account it approved): this path signs no request to hand over; run it where the generator signs (motif mint, the API) and the owner sends it`,
    );
    chain.set(designId.toLowerCase(), { ...onChain, owner: collector, generatorAttests: false, generatorMayAdd: false });
    expect(await refusedFor({ ...base, to: collector, colourway: { design: designId, map } }, minting)).to.equal(
      `not-a-colourway: colourway.design: ${id} cannot take a colourway attested by this generator: its account ${generator} holds no ATTESTER_ROLE on certificate contract 0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512, or the contract is paused`,
    );
    // a signing generator: rendered, pinned and attested (a ColourwayAttestation for the owner to send), never sent
    chain.set(designId.toLowerCase(), { ...onChain, owner: collector, generatorAttests: true, generatorMayAdd: false });
    rebank();
    const signer = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const signing = { ...config, minter: minting.minter, attester: { signer, chainId: 31337, certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as const } };
    // no recipient named: a colourway goes to its design's owner
    const owed = await runPipeline(signing, { ...base, colourway: { design: designId, map } });
    expect(owed.status).to.equal("attested");
    if (owed.status !== "attested") return;
    expect(owed.design?.id).to.equal(designId);
    expect(owed.request.to).to.equal(collector);
    const message = { lineage: owed.request.lineage, to: owed.request.to, royaltyBps: owed.request.royaltyBps, deadline: owed.request.deadline, designId: BigInt(designId) };
    expect(await verifyTypedData({ address: signer.address, domain: certificateDomain(31337, signing.attester.certificate), types: colourwayAttestationTypes, primaryType: "ColourwayAttestation", message, signature: owed.request.signature }), "signed for this design").to.equal(true);
    chain.set(designId.toLowerCase(), { ...onChain, owner: collector, generatorAttests: true, generatorMayAdd: false });
    expect(await refusedFor({ ...base, to: config.creator, colourway: { design: designId, map } }, minting)).to.equal(
      `not-a-colourway: colourway.design: ${id} is owned by ${collector}: a colourway is minted to its design's owner, this request to ${config.creator}`,
    );
    chain.set(designId.toLowerCase(), { ...onChain, colourways: Array.from({ length: 32 }, (_, i) => `0x${i.toString(16).padStart(64, "0")}` as `0x${string}`) });
    expect(await refusedFor({ ...base, colourway: { design: designId, map } })).to.equal(`not-a-colourway: colourway.design: ${id} already has 32 colourways, the most a design can have (32)`);
  });

  it("attests a colourway as a ColourwayAttestation naming its design: not valid as a plain MintAttestation (audit 28 F1)", async () => {
    const account = privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d");
    const attester = { signer: account, chainId: 31337, certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" as const };
    const lineage = { contentDigest: `0x${"11".repeat(32)}`, metadataDigest: `0x${"22".repeat(32)}`, metadataCodec: 0x55, modelId: 2, seed: 21n, paramsHash: `0x${"33".repeat(32)}`, pdqHash: `0x${"44".repeat(32)}`, tileHash: `0x${"55".repeat(32)}`, creator: account.address, recipeId: 0n } as const;
    const input = { lineage, to: account.address, royaltyBps: 500, deadline: 2n ** 40n };
    const designId = BigInt(DESIGN);
    const r = await attest(attester, { ...input, designId });
    const domain = certificateDomain(31337, attester.certificate);
    expect(await verifyTypedData({ address: account.address, domain, types: colourwayAttestationTypes, primaryType: "ColourwayAttestation", message: { ...input, designId }, signature: r.signature })).to.equal(true);
    expect(await verifyTypedData({ address: account.address, domain, types: mintAttestationTypes, primaryType: "MintAttestation", message: input, signature: r.signature })).to.equal(false);
    expect(await verifyTypedData({ address: account.address, domain, types: colourwayAttestationTypes, primaryType: "ColourwayAttestation", message: { ...input, designId: designId + 1n }, signature: r.signature })).to.equal(false);
    // the type string, written out: the plain attestation's fields, then the design
    expect(eip712TypeStrings.ColourwayAttestation.startsWith("ColourwayAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline,uint256 designId)Lineage(")).to.equal(true);
  });

  it("refuses a map that recolours nothing of the design (its from colours far from the design's pixels)", async () => {
    const base = { model: "madder", seed: 21n, params: { scale: 2, sharpness: 4 }, width: 64, height: 64 };
    const error = await render({ ...base, colourway: { design: DESIGN, map: [{ from: "#00ff00", to: "#0000ff" }] } }).then(() => expect.fail("rendered"), (e: unknown) => e as RenderInputError);
    expect(error.field).to.equal("colourway.map");
    expect(error.message).to.match(/^colourway\.map: moves \d+ of the design's 4096 pixels by more than 4 levels, under the 1% a colourway must recolour: map colours the design has$/);
  });
});
