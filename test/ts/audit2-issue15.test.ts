/**
 * Audit 2 of issue 15 (services and verification): attacks on what the change promises.
 *
 * "findings": each test FAILS on the code audited (commit 689c930) and states the behaviour that
 * would make it pass. "held": probes of the same promises that the code withstood (they pass).
 * Everything runs on loopback; temp folders are removed in `after`.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request as httpRequest, createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { identity } from "multiformats/hashes/identity";
import { sha256 } from "multiformats/hashes/sha2";
import { base32upper } from "multiformats/bases/base32";
import sharp from "sharp";
import { bytesToHex } from "viem";

import { buildApi } from "../../generator/src/api/server.js";
import { UsageMeter } from "../../generator/src/api/usage.js";
import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { ImageTooLargeError, decodeImage } from "../../generator/src/pdq/decode.js";
import type { PipelineConfig } from "../../generator/src/pipeline.js";
import { serveStatic, stackApiKey } from "../../scripts/lib/stack.js";
import { IpfsVerificationError, fetchVerified, decodeImageInBrowser } from "@motif/sdk";
import { carOf } from "./helpers/lying-gateway.js";
import { testPipeline } from "./helpers/pipeline.js";

const KEY = "k-audit2-issue15";
const key = { key: KEY, name: "audit2", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 4096 * 4096 };
const render = { model: "indigo", seed: "7", params: { scale: 2, sharpness: 4 }, width: 64, height: 64 };

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), "motif-audit2-"));
  dirs.push(d);
  return d;
};
const pipeline = (store = new EmbeddedIpfs(tempDir())): PipelineConfig => testPipeline(store);

/** Runs `fn` with MOTIF_MAX_IMAGE_PIXELS set, restoring the environment after. */
async function withPixelLimit<T>(limit: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.MOTIF_MAX_IMAGE_PIXELS;
  process.env.MOTIF_MAX_IMAGE_PIXELS = limit;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.MOTIF_MAX_IMAGE_PIXELS;
    else process.env.MOTIF_MAX_IMAGE_PIXELS = saved;
  }
}

/** An HTTP server on loopback answering every request with `handler`. */
async function loopback(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A gateway that answers every request with this CAR. */
const carGateway = (car: Uint8Array) =>
  loopback((_req, res) => {
    res.setHeader("content-type", "application/vnd.ipld.car; version=1");
    res.end(Buffer.from(car));
  });

type Block = { cid: CID; bytes: Uint8Array };
const rawBlock = async (bytes: Uint8Array): Promise<Block> => ({ cid: CID.createV1(0x55, await sha256.digest(bytes)), bytes });
/** A UnixFS file node linking `links` (child CID and the size the node records for it). */
const fileNode = async (links: { cid: CID; size: number }[], data?: Uint8Array): Promise<Block> => {
  const bytes = dagPb.encode(
    dagPb.prepare({
      Data: new UnixFS({ type: "file", blockSizes: links.map((l) => BigInt(l.size)), ...(data !== undefined ? { data } : {}) }).marshal(),
      Links: links.map((l) => ({ Hash: l.cid, Tsize: l.size })),
    }),
  );
  return { cid: CID.createV1(dagPb.code, await sha256.digest(bytes)), bytes };
};
const dagTarget = (cid: CID) => ({ cid: cid.toString(), codec: dagPb.code, digest: bytesToHex(cid.multihash.digest) });

describe("audit 2, issue 15: services and verification", function () {
  this.timeout(120_000);
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  describe("findings (each fails on the audited code)", () => {
    it("F1 fetchVerified refuses, within seconds, a 6 KB CAR whose DAG re-links the same subtree at every level (2^35 bytes declared, 2^35 leaf visits)", async () => {
      // Expected: the walk visits each distinct block once (memoised by CID) and refuses a file
      // larger than a bound before assembling it, so a gateway cannot make the verifier walk 2^40
      // leaves. Today the walk re-visits every shared subtree: depth 22 already takes ~25 s, and the
      // walk is synchronous (a browser tab or `motif verify` freezes). Run in a child process so the
      // test can kill it.
      // 29 levels that each link the level below twice (2^29 bytes: ipfs-unixfs cannot encode a
      // block size between 2^30 and 2^32), under a root that links the top level 64 times: 2^35 bytes
      let child = await rawBlock(new TextEncoder().encode("x"));
      const blocks = [child];
      let size = 1;
      for (let d = 0; d < 29; d++) {
        child = await fileNode([
          { cid: child.cid, size },
          { cid: child.cid, size },
        ]);
        blocks.push(child);
        size *= 2;
      }
      const top = child;
      child = await fileNode(Array.from({ length: 64 }, () => ({ cid: top.cid, size })));
      blocks.push(child);
      const car = await carOf([child.cid], blocks.reverse());
      expect(car.length).to.be.below(8000);
      const gateway = await carGateway(car);
      const dir = tempDir();
      const script = path.join(dir, "walk.mts");
      const sdk = pathToFileURL(path.resolve("sdk/src/ipfs/fetchVerified.ts")).href;
      writeFileSync(
        script,
        `import { fetchVerified } from ${JSON.stringify(sdk)};
try {
  const out = await fetchVerified(${JSON.stringify(gateway.url)}, ${JSON.stringify(dagTarget(child.cid))});
  console.log("returned " + out.length);
} catch (e) {
  console.log("refused " + e.name + ": " + e.message.split("\\n")[0]);
}
`,
      );
      const started = Date.now();
      const result = await new Promise<{ out: string; killed: boolean }>((resolve) => {
        const proc = spawn(process.execPath, ["--import", "tsx", script], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
        proc.stderr.on("data", (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => proc.kill("SIGKILL"), 20_000);
        proc.on("exit", (_code, signal) => {
          clearTimeout(timer);
          resolve({ out, killed: signal === "SIGKILL" });
        });
      });
      await gateway.close();
      expect(result.killed, `still walking the DAG after ${Math.round((Date.now() - started) / 1000)} s (killed); output: ${result.out}`).to.equal(false);
      expect(result.out).to.match(/^refused IpfsVerificationError/m);
    });

    it("F2 POST /v1/screen refuses an SVG whose embedded data: PNG holds more pixels than MOTIF_MAX_IMAGE_PIXELS (the header check sees 16x16)", async () => {
      // Expected: 413 (or 400: only PNG and JPEG, as the schema says) without decoding the embedded
      // image. Today checkImageSize reads the SVG's 16x16 and librsvg then decodes the embedded
      // 3000x3000 PNG (at 6000² a 105 KB upload takes ~400 MB): the pixel budget is bypassed.
      const inner = await sharp({ create: { width: 3000, height: 3000, channels: 3, background: { r: 0, g: 0, b: 0 } } })
        .png({ compressionLevel: 9 })
        .toBuffer();
      const svg = Buffer.from(
        `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="16" height="16"><image width="16" height="16" xlink:href="data:image/png;base64,${inner.toString("base64")}"/></svg>`,
      );
      const app = await buildApi({ keys: [key], pipeline: pipeline() });
      try {
        const r = await withPixelLimit("10000", () => app.inject({ method: "POST", url: "/v1/screen", headers: { "x-api-key": KEY }, payload: { image: svg.toString("base64") } }));
        expect(r.statusCode, `an image of 9,000,000 embedded pixels was decoded under a 10,000-pixel limit: ${r.body.slice(0, 200)}`).to.be.oneOf([400, 413]);
        expect(r.json()).to.include({ field: "body.image" });
      } finally {
        await app.close();
      }
    });

    it("F3 the stack's web server refuses /config.json (which holds the API key) to a request for another host name (DNS rebinding)", async () => {
      // Expected: 403/421 unless the Host header is the server's own loopback name (127.0.0.1:port,
      // localhost:port). Today any Host is served: a page on attacker.example whose DNS rebinds to
      // 127.0.0.1 reads the key same-origin, then calls the API the same way (the API checks no Host
      // either), so "CORS only for the stack's own web origin" does not keep other pages out.
      const root = tempDir();
      writeFileSync(path.join(root, "index.html"), "<!doctype html>");
      const web = await serveStatic(root, 0, { "/config.json": JSON.stringify({ apiKey: "motif_secret_key_of_this_stack" }) });
      const port = new URL(web.url).port;
      const get = (host: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          const req = httpRequest({ host: "127.0.0.1", port, path: "/config.json", headers: { host } }, (res) => {
            let body = "";
            res.on("data", (d: Buffer) => (body += d.toString()));
            res.on("end", () => resolve({ status: res.statusCode!, body }));
          });
          req.on("error", reject);
          req.end();
        });
      try {
        expect((await get(`127.0.0.1:${port}`)).status).to.equal(200); // the stack's own page
        const rebound = await get(`rebind.attacker.example:${port}`);
        expect(rebound.body, "the API key was served to another host name").not.to.contain("motif_secret_key_of_this_stack");
        expect(rebound.status).to.be.oneOf([403, 421]);
      } finally {
        await web.close();
      }
    });

    it("F4 a restart re-uses an API key file others can read without making it mode 600", async () => {
      // Expected: the key kept in <state>/api-key is mode 600 after every start (chmod on reuse, or
      // a refusal in words), as "mode 600" promises. Today writeFile's mode applies only when the
      // file is created: a key file left world-readable (copied, restored from a backup, made by
      // hand) stays so while the stack keeps using it.
      const state = tempDir();
      const file = path.join(state, "api-key");
      writeFileSync(file, "motif_0123456789abcdefghijklmnopqrstuv\n");
      chmodSync(file, 0o644);
      const apiKey = await stackApiKey(state, {}, "local");
      expect(apiKey).to.equal("motif_0123456789abcdefghijklmnopqrstuv");
      expect((statSync(file).mode & 0o777).toString(8), "mode of the API key file after a restart").to.equal("600");
    });

    it("F5 decodeImageInBrowser (browserPdq, the web page's verifier) refuses a PNG declaring 16384² pixels before handing it to createImageBitmap", async () => {
      // Expected: the header's pixel count is checked against a budget (8192² by default, as in the
      // generator) and a PdqDecodeError names it, before any decode. Today the bytes go straight to
      // createImageBitmap and an OffscreenCanvas of the declared size: a gateway-served bomb (its
      // digest is the on-chain one only if the attester minted it, but `browserPdq` is documented
      // for any image) takes a 1 GiB canvas in the auditor's tab.
      const ihdr = Buffer.alloc(13);
      ihdr.writeUInt32BE(16384, 0);
      ihdr.writeUInt32BE(16384, 4);
      ihdr[8] = 8; // bit depth
      ihdr[9] = 0; // greyscale
      const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), Buffer.from([0, 0, 0, 13]), Buffer.from("IHDR"), ihdr, Buffer.alloc(4)]);
      const g = globalThis as Record<string, unknown>;
      const saved = { createImageBitmap: g.createImageBitmap, OffscreenCanvas: g.OffscreenCanvas };
      let decodes = 0;
      g.createImageBitmap = async () => {
        decodes++;
        throw new Error("stub: the browser decoder was called");
      };
      g.OffscreenCanvas = class {
        constructor() {
          throw new Error("stub: a canvas was allocated");
        }
      };
      try {
        const error = await decodeImageInBrowser(new Uint8Array(png)).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(decodes, "createImageBitmap was called on a 16384² image").to.equal(0);
        expect(error?.message).to.match(/pixel/);
      } finally {
        g.createImageBitmap = saved.createImageBitmap;
        g.OffscreenCanvas = saved.OffscreenCanvas;
      }
    });

    it("F6 fetchVerified stops reading a raw block's answer past the largest block size instead of buffering whatever the gateway streams", async () => {
      // Expected: a raw block (at most 2 MiB in IPFS, 256 KiB as Kubo adds them) is refused once the
      // answer passes that size, reading no further. Today the whole answer is buffered before the
      // hash check (a hostile gateway streams gigabytes into the verifier's memory).
      const target = await rawBlock(new TextEncoder().encode("a raw block"));
      let sent = 0;
      const total = 96 * 1024 * 1024;
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      const gateway = await loopback((_req, res) => {
        res.writeHead(200, { "content-type": "application/vnd.ipld.raw" });
        const pump = () => {
          while (sent < total) {
            sent += chunk.length;
            if (!res.write(chunk)) return void res.once("drain", pump);
          }
          res.end();
        };
        res.on("close", () => (sent = Math.min(sent, total)));
        pump();
      });
      try {
        const error = await fetchVerified(gateway.url, { cid: target.cid.toString(), codec: 0x55, digest: bytesToHex(target.cid.multihash.digest) }).then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error).to.be.instanceOf(IpfsVerificationError);
        expect(sent, `${sent / 1024 / 1024} MiB read from the gateway for one raw block`).to.be.below(16 * 1024 * 1024);
      } finally {
        await gateway.close();
      }
    });
  });

  describe("held (probes the code withstood; these pass)", () => {
    it("weightsCid tricks: a dag-pb, CIDv0 or identity CID of the registered weights is refused; an upper-case base32 CID is refused or the same block; a store whose bytes differ from the CID answers 502", async () => {
      const store = new EmbeddedIpfs(tempDir());
      const indigo = readFileSync(path.join("generator", "models", "indigo.onnx"));
      const cid = await store.add(indigo);
      expect(cid.code).to.equal(0x55);
      const app = await buildApi({ keys: [key], pipeline: pipeline(store) });
      const post = (weightsCid: string) => app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weightsCid } });
      expect((await post(CID.createV1(dagPb.code, cid.multihash).toString())).statusCode).to.equal(400);
      expect((await post(CID.createV0(cid.multihash as Digest.Digest<0x12, number>).toString())).statusCode).to.equal(400);
      expect((await post(CID.createV1(0x55, identity.digest(indigo.subarray(0, 64))).toString())).statusCode).to.equal(400);
      // upper-case base32 ("B…"): not parsed (400), so no second spelling of a CID reaches the store
      expect((await post(cid.toString(base32upper))).statusCode).to.be.oneOf([200, 400]);
      await app.close();
      // a store that answers other bytes for the registered CID
      const other = readFileSync(path.join("generator", "models", "weld.onnx"));
      const lying = Object.assign(Object.create(store) as EmbeddedIpfs, { has: async () => true, cat: async () => new Uint8Array(other) });
      const app2 = await buildApi({ keys: [key], pipeline: pipeline(lying) });
      const r = await app2.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload: { ...render, weightsCid: cid.toString() } });
      expect(r.statusCode).to.equal(502);
      expect(r.json()).to.include({ error: "store_corrupt" });
      await app2.close();
    });

    it("the concurrency slot frees after renders that fail (unknown model, an unrunnable upload)", async () => {
      const app = await buildApi({ keys: [{ ...key, maxConcurrentRenders: 1 }], pipeline: pipeline(), allowWeightUploads: true });
      const post = (payload: object) => app.inject({ method: "POST", url: "/v1/render", headers: { "x-api-key": KEY }, payload });
      for (let i = 0; i < 3; i++) {
        expect((await post({ ...render, model: "nope" })).statusCode).to.equal(400);
        expect((await post({ ...render, weights: Buffer.from("not an onnx graph").toString("base64") })).statusCode).to.equal(400);
      }
      expect((await post(render)).statusCode).to.equal(200);
      await app.close();
    });

    it("CORS: a null origin, a look-alike origin and a preflight from elsewhere get no grant", async () => {
      const app = await buildApi({ keys: [key], pipeline: pipeline(), corsOrigins: ["http://127.0.0.1:5173"] });
      for (const origin of ["null", "http://127.0.0.1:5173/", "http://127.0.0.1:51730", "HTTP://127.0.0.1:5173", "http://127.0.0.1:5173.attacker.example"]) {
        const get = await app.inject({ method: "GET", url: "/v1/usage", headers: { "x-api-key": KEY, origin } });
        expect(get.headers["access-control-allow-origin"], origin).to.equal(undefined);
        const pre = await app.inject({ method: "OPTIONS", url: "/v1/render", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "x-api-key" } });
        expect(pre.headers["access-control-allow-origin"], origin).to.equal(undefined);
        expect(pre.headers["access-control-allow-headers"], origin).to.equal(undefined);
      }
      await app.close();
    });

    it("fetchVerified: an identity-hash link, a lying blockSize, an unlinked extra block and a 70-level chain are refused; a duplicated block is harmless", async () => {
      const leaf = await rawBlock(new TextEncoder().encode("leaf"));
      const refused = async (car: Uint8Array, root: CID, words: RegExp) => {
        const gw = await carGateway(car);
        try {
          const e = await fetchVerified(gw.url, dagTarget(root)).then(
            () => undefined,
            (x: Error) => x,
          );
          expect(e, String(words)).to.be.instanceOf(IpfsVerificationError);
          expect(e!.message).to.match(words);
        } finally {
          await gw.close();
        }
      };
      // identity link: its bytes travel in the CID, nothing to check against a sha2-256 DAG
      const idCid = CID.createV1(0x55, identity.digest(new TextEncoder().encode("evil")));
      const withId = await fileNode([{ cid: idCid, size: 4 }]);
      await refused(await carOf([withId.cid], [withId, { cid: idCid, bytes: new TextEncoder().encode("evil") }]), withId.cid, /hash 0x0|missing block/);
      // blockSizes lie
      const lying = await fileNode([{ cid: leaf.cid, size: 5 }]);
      await refused(await carOf([lying.cid], [lying, leaf]), lying.cid, /records 5/);
      // extra block
      const good = await fileNode([{ cid: leaf.cid, size: 4 }]);
      const extra = await rawBlock(new TextEncoder().encode("extra"));
      await refused(await carOf([good.cid], [good, leaf, extra]), good.cid, /not part of the DAG/);
      // deep chain
      let node = leaf;
      const chain = [leaf];
      for (let i = 0; i < 70; i++) {
        node = await fileNode([{ cid: node.cid, size: 4 }]);
        chain.push(node);
      }
      await refused(await carOf([node.cid], chain.reverse()), node.cid, /deeper than 64/);
      // the same block twice in the CAR: same bytes, nothing else
      const gw = await carGateway(await carOf([good.cid], [good, leaf, leaf]));
      try {
        expect(new TextDecoder().decode(await fetchVerified(gw.url, dagTarget(good.cid)))).to.equal("leaf");
      } finally {
        await gw.close();
      }
    });

    it("header bombs in JPEG and GIF: refused from the header (JPEG SOF 60000²) or only the real frame decoded (GIF screen 65535²)", async () => {
      // JPEG: a real 8x8 file whose SOF0 declares 60000x60000
      const jpeg = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } }).jpeg().toBuffer());
      const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
      jpeg.writeUInt16BE(60000, sof + 5);
      jpeg.writeUInt16BE(60000, sof + 7);
      const e1 = await decodeImage(jpeg).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(e1).to.be.instanceOf(ImageTooLargeError);
      // GIF: logical screen 65535x65535 over an 8x8 frame: libvips decodes the frame, never the screen
      const gif = Buffer.from(await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 9, g: 9, b: 9 } } }).gif().toBuffer());
      gif.writeUInt16LE(65535, 6);
      gif.writeUInt16LE(65535, 8);
      const g = await withPixelLimit("10000", () => decodeImage(gif));
      expect(g.width * g.height).to.equal(64);
    });

    it("usage journal: a torn last line (crash mid-append) is skipped, every complete line counted, appends after it parse", async () => {
      const file = path.join(tempDir(), "usage.jsonl");
      const meter = UsageMeter.open(file);
      meter.add("a", { requests: 1 });
      meter.add("a", { requests: 1, pixelsRendered: 10 });
      writeFileSync(file, readFileSync(file, "utf8") + '{"k":"abc","requ', { flag: "w" });
      const again = UsageMeter.open(file);
      expect(again.get("a")).to.include({ requests: 2, pixelsRendered: 10 });
      again.add("a", { requests: 1 });
      expect(UsageMeter.open(file).get("a")).to.include({ requests: 3, pixelsRendered: 10 });
    });
  });
});
