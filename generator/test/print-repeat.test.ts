import { expect } from "chai";
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";

import { type PrintSpec, PRINT_LIMITS, REPEAT_TYPES, checkPrintSpec, encodeRenderParams, pngPhysOf, printPixels, renderParamsHash } from "@motif/sdk";
import { type ApiKey, buildApi } from "../src/api/server.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { RenderInputError, closeRenderPools, render } from "../src/render/render.js";
import { tiffOfPng } from "../src/render/tiff.js";
import { testPipeline } from "../../test/ts/helpers/pipeline.js";
import { descendants, leftRunning, npxMotif } from "../../test/ts/helpers/procs.js";
import { type Repeat, type Tile, seamScores, seamless } from "./seams.js";

const run = promisify(execFile);
const CLI = path.join(process.cwd(), "generator", "bin", "motif.mjs");

const sha = (bytes: Uint8Array) => `0x${createHash("sha256").update(bytes).digest("hex")}`;
async function decode(png: Uint8Array): Promise<Tile> {
  const { data, info } = await sharp(png, { limitInputPixels: false }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height, channels: info.channels };
}
/** The PNG without its pHYs chunk, cut out by hand (length, type, body, CRC). */
function withoutPhys(png: Uint8Array): Uint8Array {
  const b = Buffer.from(png);
  for (let o = 8; o < b.length; ) {
    const length = b.readUInt32BE(o);
    if (b.toString("latin1", o + 4, o + 8) === "pHYs") return new Uint8Array(Buffer.concat([b.subarray(0, o), b.subarray(o + 12 + length)]));
    o += 12 + length;
  }
  return png;
}

/** 64 cm at 300 DPI: 64 / 2.54 × 300 = 7559.06 px. */
const PRINT_64CM: Omit<PrintSpec, "repeat"> = { sizeCm: 64, dpi: 300 };
const SIDE = 7559;
/** 17.34 cm at 300 DPI: 2,048 px, where half-drop, brick and mirror are shown seamless (a seam does not depend on the tile's size). */
const PRINT_17CM: Omit<PrintSpec, "repeat"> = { sizeCm: 17.34, dpi: 300 };
const SMALL = 2048;

/**
 * The file's 7,559² print render, rendered once and read by every test that needs it (seconds of CPU):
 * the block print of weld seed 64 (its pHYs against the plain render, seamless as a block, the TIFF
 * export). A 64 cm half-drop is rendered, minted and verified in test/ts/print-verify.test.ts.
 */
const once = <T>(make: () => Promise<T>) => {
  let made: Promise<T> | undefined;
  return { get: () => (made ??= make()), drop: () => void (made = undefined) };
};
const fullBlock = once(() => render({ model: "weld", seed: 64n, params: { scale: 3, sharpness: 6 }, width: SIDE, height: SIDE, print: { repeat: "block", ...PRINT_64CM } }));

describe("print repeats: tiles seamless under block, half-drop, brick and mirror, at 64 cm and 300 DPI", function () {
  this.timeout(900_000);
  after(async () => {
    fullBlock.drop();
    await closeRenderPools();
  });

  it("sizes a tile as round(cm / 2.54 × DPI): 64 cm at 300 DPI is 7,559 px, against exact rational arithmetic", () => {
    expect(printPixels(64, 300)).to.equal(SIDE);
    // the oracle: cm in hundredths over 254 hundredths an inch, times DPI, rounded half up, in BigInt
    for (const dpi of [72, 150, 254, 300, 360, 600, 1200]) {
      for (let h = 50; h <= 50_000; h += 13) {
        const num = BigInt(h) * BigInt(dpi);
        const want = Number((2n * num + 254n) / 508n);
        expect(printPixels(h / 100, dpi), `${h / 100} cm at ${dpi}`).to.equal(want);
      }
    }
  });

  it("a render without a print spec keeps its exact bytes (the certificates already minted still verify), and a block print differs only by its pHYs chunk", async () => {
    // digests rendered by the code before print specs existed (commit 80621e4)
    const small = await render({ model: "indigo", seed: 7n, params: { scale: 2, sharpness: 6 }, width: 256, height: 256 });
    expect(small.contentDigest).to.equal("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82");
    expect(pngPhysOf(small.png)).to.equal(undefined);
    expect(small.paramsHash).to.equal(renderParamsHash({ scale: 2, sharpness: 6 }));
    const plain = await render({ model: "weld", seed: 64n, params: { scale: 3, sharpness: 6 }, width: SIDE, height: SIDE });
    expect(plain.contentDigest).to.equal("0x186cb87ce8d77eb451dc7458fae296c96cdbb57ec7a4e4949ce514c733f490ea");
    const block = await fullBlock.get();
    expect(sha(withoutPhys(block.png))).to.equal(plain.contentDigest);
    expect(block.contentDigest).to.not.equal(plain.contentDigest);
    expect(pngPhysOf(block.png)).to.deep.equal({ x: 11_811, y: 11_811, unit: 1 });
    const meta = await sharp(block.png).metadata();
    expect(meta.density).to.equal(300); // libvips reads the pHYs chunk back as 300 DPI
    // the print spec is in the hashed params; a plain render's hash is the params' alone, as before
    expect(block.paramsHash).to.equal(renderParamsHash({ scale: 3, sharpness: 6 }, block.print));
    expect(block.paramsHash).to.not.equal(plain.paramsHash);
    expect(encodeRenderParams({ scale: 3, sharpness: 6 }, block.print)).to.equal('{"params":{"scale":3,"sharpness":6},"print":{"dpi":300,"repeat":"block","sizeCm":64}}');
  });

  // block at 64 cm and 300 DPI (weld seed 64's, above), half-drop, brick and mirror at 2,048²
  for (const repeat of REPEAT_TYPES) {
    const side = repeat === "block" ? SIDE : SMALL;
    it(`renders a ${side.toLocaleString("en")}² ${repeat} tile that is seamless laid out as ${repeat}${repeat === "half-drop" || repeat === "brick" ? ", and not as a block" : ""}`, async () => {
      const out =
        repeat === "block" ? await fullBlock.get() : await render({ model: "madder", seed: 20n, params: { scale: 3, sharpness: 3 }, width: SMALL, height: SMALL, print: { repeat, ...PRINT_17CM } });
      expect([out.width, out.height]).to.deep.equal([side, side]);
      expect(out.print).to.deep.equal({ repeat, ...(side === SIDE ? PRINT_64CM : PRINT_17CM) });
      const tile = await decode(out.png);
      const s = seamScores(tile, repeat);
      expect(seamless(s.right, s.insideX), `right seam ${s.right} vs inside ${s.insideX}`).to.equal(true);
      expect(seamless(s.down, s.insideY), `bottom seam ${s.down} vs inside ${s.insideY}`).to.equal(true);
      if (repeat === "half-drop" || repeat === "brick") {
        // the control: the same tile laid out as a block shows the seam its repeat hides
        const asBlock = seamScores(tile, "block");
        expect(seamless(repeat === "half-drop" ? asBlock.right : asBlock.down, repeat === "half-drop" ? s.insideX : s.insideY), `${repeat} tile as a block`).to.equal(false);
      }
      if (repeat === "mirror") {
        // no crease: the tile's slope at its edges is flat, so its reflection meets it with second differences below the inside's
        expect(s.right).to.be.below(s.insideX / 2);
        expect(s.down).to.be.below(s.insideY / 2);
      }
      if (repeat === "block") {
        const plainSeams = seamScores(tile, "half-drop");
        expect(seamless(plainSeams.right, s.insideX), "a block tile laid out as a half-drop").to.equal(false);
      }
    });
  }

  it("the oracle has teeth at a smaller size: a block tile is not seamless as a half-drop or a brick, and creases as a mirror", async () => {
    const block = await decode((await render({ model: "indigo", seed: 11n, params: { scale: 1, sharpness: 2 }, width: 1024, height: 1024 })).png);
    const asBlock = seamScores(block, "block");
    expect(seamless(asBlock.right, asBlock.insideX) && seamless(asBlock.down, asBlock.insideY)).to.equal(true);
    expect(seamless(seamScores(block, "half-drop").right, asBlock.insideX)).to.equal(false);
    expect(seamless(seamScores(block, "brick").down, asBlock.insideY)).to.equal(false);
    // any tile meets its mirror image without a jump, but a sloped edge makes a crease: larger than the inside's curvature
    const creased = seamScores(block, "mirror");
    expect(creased.right).to.be.above(creased.insideX);
    const mirror = await decode((await render({ model: "indigo", seed: 11n, params: { scale: 1, sharpness: 2 }, width: 1024, height: 1024, print: { repeat: "mirror", sizeCm: 8.67, dpi: 300 } })).png);
    const flat = seamScores(mirror, "mirror");
    expect(flat.right).to.be.below(flat.insideX / 2);
  });

  it("an odd side drops by ⌊side / 2⌋ px, and renders the same bytes on one thread and on three", async () => {
    for (const repeat of ["half-drop", "brick", "mirror"] as const) {
      // 1.01 cm at 300 DPI: 119 px, odd
      const input = { model: "weld", seed: 5n, params: { scale: 1, sharpness: 2 }, width: 119, height: 119, print: { repeat, sizeCm: 1.01, dpi: 300 } };
      const one = await render(input, { threads: 1 });
      const three = await render(input, { threads: 3 });
      expect(three.contentDigest, repeat).to.equal(one.contentDigest);
      const s = seamScores(await decode(one.png), repeat);
      expect(seamless(s.right, s.insideX) && seamless(s.down, s.insideY), `${repeat} at 119 px: ${JSON.stringify(s)}`).to.equal(true);
    }
  });

  it("refuses bad print specs naming the field and the allowed range, before rendering", async () => {
    const base = { model: "indigo", seed: 1n, params: { scale: 2, sharpness: 4 }, width: 236, height: 236 };
    const cases: Array<[unknown, string, RegExp]> = [
      [{ repeat: "zigzag", sizeCm: 2, dpi: 300 }, "print.repeat", /"zigzag" is not a repeat; expected one of block, half-drop, brick, mirror/],
      [{ repeat: "block", sizeCm: 0, dpi: 300 }, "print.sizeCm", /0 is not a number of centimetres in 0.5..500/],
      [{ repeat: "block", sizeCm: -64, dpi: 300 }, "print.sizeCm", /in 0.5..500/],
      [{ repeat: "block", sizeCm: 2.005, dpi: 300 }, "print.sizeCm", /at most two decimals/],
      [{ repeat: "block", sizeCm: 80, dpi: 300 }, "print.sizeCm", /80 cm at 300 DPI is 9449 px, over the 8192 px a render may have: at most 69.36 cm at 300 DPI/],
      [{ repeat: "block", sizeCm: 2, dpi: 30 }, "print.dpi", /30 is not an integer in 50..1200/],
      [{ repeat: "block", sizeCm: 2, dpi: 1201 }, "print.dpi", /in 50..1200/],
      [{ repeat: "block", sizeCm: 2, dpi: 300.5 }, "print.dpi", /in 50..1200/],
      [{ repeat: "block", sizeCm: 2, dpi: 300, bleed: 1 }, "print.bleed", /not a print spec field/],
      [{ repeat: "block", sizeCm: 2.5, dpi: 300 }, "width", /236 px, but the print spec's 2.5 cm at 300 DPI is a square tile of 295 px/],
    ];
    for (const [print, field, message] of cases) {
      const error = await render({ ...base, print: print as PrintSpec }).catch((e: unknown) => e);
      expect(error, field).to.be.instanceOf(RenderInputError);
      expect((error as RenderInputError).field).to.equal(field);
      expect((error as Error).message).to.match(message);
    }
    expect(PRINT_LIMITS.pixels.max).to.equal(8192);
    expect(() => checkPrintSpec({ repeat: "mirror", sizeCm: 69.36, dpi: 300 })).to.not.throw();
  });

  it("exports a baseline TIFF of the same pixels at its DPI (read back by libvips, and its tags by hand), streamed", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-tiff-"));
    try {
      const out = await fullBlock.get();
      const file = path.join(dir, "tile.tif");
      const chunks: Buffer[] = [];
      let largest = 0;
      for await (const c of tiffOfPng(out.png, 300)) {
        chunks.push(c as Buffer);
        largest = Math.max(largest, (c as Buffer).length);
      }
      await writeFile(file, Buffer.concat(chunks));
      chunks.length = 0;
      expect(largest).to.be.below(1 << 20); // a strip at a time, never the whole image
      const meta = await sharp(file, { limitInputPixels: false }).metadata();
      expect(meta).to.include({ format: "tiff", width: SIDE, height: SIDE, density: 300, resolutionUnit: "inch", channels: 3, depth: "uchar" });
      const [fromTiff, fromPng] = await Promise.all([sharp(file, { limitInputPixels: false }).raw().toBuffer(), sharp(out.png, { limitInputPixels: false }).raw().toBuffer()]);
      expect(fromTiff.equals(fromPng), "the TIFF's pixels are the PNG's").to.equal(true);
      // the tags by hand: XResolution and YResolution exactly 300/1, ResolutionUnit 2 (inch), no compression
      const tif = await readFile(file);
      expect(tif.toString("latin1", 0, 2)).to.equal("II");
      const ifd = tif.readUInt32LE(4);
      const tags = new Map<number, { type: number; count: number; value: number }>();
      for (let i = 0; i < tif.readUInt16LE(ifd); i++) {
        const e = ifd + 2 + 12 * i;
        tags.set(tif.readUInt16LE(e), { type: tif.readUInt16LE(e + 2), count: tif.readUInt32LE(e + 4), value: tif.readUInt32LE(e + 8) });
      }
      for (const tag of [282, 283]) {
        const at = tags.get(tag)!.value;
        expect([tif.readUInt32LE(at), tif.readUInt32LE(at + 4)], `tag ${tag}`).to.deep.equal([300, 1]);
      }
      expect(tags.get(296)!.value & 0xffff).to.equal(2);
      expect(tags.get(259)!.value & 0xffff).to.equal(1);
      expect(tif.length).to.be.above(SIDE * SIDE * 3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("motif render --repeat --size-cm --dpi --tiff writes both files; bad flags exit 2 naming the flag and its range, writing nothing", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-print-cli-"));
    try {
      const png = path.join(dir, "t.png");
      const tif = path.join(dir, "t.tif");
      const { stdout } = await run(process.execPath, [CLI, "render", "--model", "weld", "--seed", "3", "--repeat", "brick", "--size-cm", "3", "--dpi", "150", "--out", png, "--tiff", tif, "--json"]);
      const result = JSON.parse(stdout);
      expect(result).to.deep.include({ width: 177, height: 177, print: { repeat: "brick", sizeCm: 3, dpi: 150 }, tiff: tif });
      const direct = await render({ model: "weld", seed: 3n, params: { scale: 2, sharpness: 4 }, width: 177, height: 177, print: { repeat: "brick", sizeCm: 3, dpi: 150 } });
      expect(result.contentDigest).to.equal(direct.contentDigest);
      expect(result.paramsHash).to.equal(direct.paramsHash);
      expect((await sharp(tif).metadata()).density).to.equal(150);
      const bad: Array<[string[], string]> = [
        [["--repeat", "herringbone", "--size-cm", "3", "--dpi", "150"], '--repeat: "herringbone" is not a repeat; expected one of block, half-drop, brick, mirror'],
        [["--size-cm", "0", "--dpi", "150"], "--size-cm: 0 is not a number of centimetres in 0.5..500"],
        [["--size-cm", "64", "--dpi", "1000"], "--size-cm: 64 cm at 1000 DPI is 25197 px, over the 8192 px a render may have: at most 20.8 cm at 1000 DPI"],
        [["--size-cm", "3", "--dpi", "ten"], '--dpi: "ten" is not an integer in 50..1200'],
        [["--repeat", "mirror", "--dpi", "300"], "--size-cm: required with --repeat and --dpi"],
        [["--size-cm", "3", "--dpi", "150", "--size", "512"], "--size: not with --size-cm and --dpi"],
        [["--tiff", path.join(dir, "x.tif")], "--tiff: needs --size-cm and --dpi"],
      ];
      // the bad invocations side by side (each is a process start-up, most of its second)
      const failures = await Promise.all(
        bad.map(([flags]) =>
          run(process.execPath, [CLI, "render", "--model", "weld", "--seed", "3", "--out", path.join(dir, "bad.png"), ...flags]).then(
            () => undefined,
            (e: { code: number; stderr: string }) => e,
          ),
        ),
      );
      for (const [i, [flags, words]] of bad.entries()) {
        expect(failures[i]?.code, flags.join(" ")).to.equal(2);
        expect(failures[i]!.stderr).to.contain(words);
      }
      expect((await readdir(dir)).sort()).to.deep.equal(["t.png", "t.tif"]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("motif render of a 64 cm tile with --tiff stopped by SIGTERM or SIGINT: exit 0, neither file written, no process left", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const dir = await mkdtemp(path.join(os.tmpdir(), "motif-print-stop-"));
      try {
        // 7,559 px a row: 8 rows a band, 945 bands
        const r = await npxMotif(["render", "--model", "madder", "--seed", "3", "--repeat", "mirror", "--size-cm", "64", "--dpi", "300", "--out", path.join(dir, "t.png"), "--tiff", path.join(dir, "t.tif"), "--progress"], { MOTIF_RENDER_THREADS: "2" }, /band 2\/945/);
        const tree = descendants(r.child.pid!);
        r.child.kill(signal);
        expect(await r.exited, `${signal}: ${r.output()}`).to.equal(0);
        expect(r.output()).to.match(new RegExp(`motif render: stopped by ${signal} after \\d+ of 945 bands; nothing written`));
        expect(await readdir(dir), "nothing written").to.deep.equal([]);
        expect(await leftRunning(tree), `left running after ${signal}`).to.deep.equal([]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }
  });

  it("POST /v1/render takes print (width and height then optional) and format tiff; a bad print is a 400 naming the field and range", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-print-api-"));
    const key: ApiKey = { key: "k-print", name: "Mill", tier: "studio", requestsPerMinute: 1000, maxPixelsPerRequest: 8192 * 8192 };
    const app = await buildApi({ keys: [key], pipeline: testPipeline(new EmbeddedIpfs(dir)) });
    try {
      const post = (payload: object, url = "/v1/render") => app.inject({ method: "POST", url, headers: { "x-api-key": key.key }, payload });
      const body = { model: "indigo", seed: "4", params: { scale: 3, sharpness: 4 }, print: { repeat: "half-drop", sizeCm: 2.5, dpi: 200 } };
      const direct = await render({ model: "indigo", seed: 4n, params: { scale: 3, sharpness: 4 }, width: 197, height: 197, print: { repeat: "half-drop", sizeCm: 2.5, dpi: 200 } });
      const png = await post(body);
      expect(png.statusCode, png.body).to.equal(200);
      expect(png.headers["content-type"]).to.equal("image/png");
      expect(png.headers["x-content-digest"]).to.equal(direct.contentDigest);
      expect(pngPhysOf(png.rawPayload)).to.deep.equal({ x: 7874, y: 7874, unit: 1 });
      const tiff = await post({ ...body, format: "tiff" });
      expect(tiff.statusCode, tiff.body).to.equal(200);
      expect(tiff.headers["content-type"]).to.equal("image/tiff");
      expect((await sharp(tiff.rawPayload).metadata()).density).to.equal(200);
      expect((await sharp(tiff.rawPayload).raw().toBuffer()).equals(await sharp(direct.png).raw().toBuffer())).to.equal(true);
      const cases: Array<[object, string, string]> = [
        [{ ...body, print: { ...body.print, repeat: "ogee" } }, "body.print.repeat", "expected one of block, half-drop, brick, mirror"],
        [{ ...body, print: { ...body.print, sizeCm: -1 } }, "body.print.sizeCm", "in 0.5..500"],
        [{ ...body, print: { ...body.print, sizeCm: 110 } }, "body.print.sizeCm", "110 cm at 200 DPI is 8661 px, over the 8192 px a render may have: at most 104.04 cm at 200 DPI"],
        [{ ...body, print: { ...body.print, dpi: 0 } }, "body.print.dpi", "an integer in 50..1200"],
        [{ ...body, print: { ...body.print, dpi: "300" } }, "body.print.dpi", "an integer in 50..1200"],
        [{ ...body, print: { ...body.print, extra: 1 } }, "body.print.extra", "not a print spec field"],
        [{ ...body, width: 200 }, "body.width", "the print spec's 2.5 cm at 200 DPI is a square tile of 197 px"],
        [{ ...body, print: undefined, width: 64, height: 64, format: "tiff" }, "body.format", "tiff needs body.print"],
      ];
      for (const [payload, field, words] of cases) {
        const r = await post(payload);
        expect(r.statusCode, `${field}: ${r.body}`).to.equal(400);
        expect(r.json().field, r.body).to.equal(field);
        expect(r.json().message, r.body).to.contain(words);
      }
      // a pattern for print: pinned with its print spec in the metadata
      const created = await post({ ...body, seed: "5" }, "/v1/patterns");
      expect(created.statusCode, created.body).to.equal(201);
      const meta = await app.inject({ method: "GET", url: `/v1/patterns/${created.json().metadataCid}`, headers: { "x-api-key": key.key } });
      expect(meta.json().motif.lineage.print).to.deep.equal({ repeat: "half-drop", sizeCm: 2.5, dpi: 200 });
      expect(meta.json().motif.lineage.paramsHash).to.equal(renderParamsHash({ scale: 3, sharpness: 4 }, { repeat: "half-drop", sizeCm: 2.5, dpi: 200 }));
      expect(meta.json().attributes).to.deep.include({ trait_type: "Repeat", value: "half-drop" });
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
