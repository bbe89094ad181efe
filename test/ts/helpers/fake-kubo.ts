import { mkdtemp } from "node:fs/promises";
import { type IncomingMessage, type ServerResponse, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { CID } from "multiformats/cid";

import { EmbeddedIpfs } from "../../../generator/src/ipfs/embedded.js";

/**
 * A stand-in Kubo RPC endpoint on loopback (no Kubo can be installed here): it serves the
 * calls the adapter makes from an embedded store and records the options each add asked for.
 */
export async function fakeKubo() {
  const backing = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-fake-kubo-")));
  const addParams: URLSearchParams[] = [];
  const body = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
    });
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const arg = url.searchParams.get("arg");
    try {
      if (url.pathname === "/api/v0/add") {
        addParams.push(url.searchParams);
        const boundary = /boundary=(.+)$/.exec(req.headers["content-type"] ?? "")![1]!;
        const raw = await body(req);
        const start = raw.indexOf("\r\n\r\n") + 4;
        const end = raw.lastIndexOf(`\r\n--${boundary}`);
        const cid = await backing.add(new Uint8Array(raw.subarray(start, end)));
        res.end(JSON.stringify({ Name: cid.toString(), Hash: cid.toString(), Size: String(end - start) }) + "\n");
      } else if (url.pathname === "/api/v0/cat") {
        res.end(Buffer.from(await backing.cat(CID.parse(arg!))));
      } else if (url.pathname === "/api/v0/block/stat") {
        if (!(await backing.has(CID.parse(arg!)))) throw new Error("block not found locally");
        res.end(JSON.stringify({ Key: arg, Size: 1 }));
      } else if (url.pathname === "/api/v0/block/get") {
        res.end(Buffer.from(await backing.block(CID.parse(arg!))));
      } else if (url.pathname === "/api/v0/dag/export") {
        res.end(Buffer.from(await backing.exportCar([CID.parse(arg!)])));
      } else {
        res.statusCode = 404;
        res.end("404 page not found");
      }
    } catch (error) {
      res.statusCode = 500;
      res.end(JSON.stringify({ Message: (error as Error).message, Code: 0, Type: "error" }));
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, addParams, backing, close: () => new Promise<void>((r) => server.close(() => r())) };
}
