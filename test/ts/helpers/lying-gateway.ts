import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { CarReader, CarWriter } from "@ipld/car";
import type { CID } from "multiformats/cid";

export type Block = { cid: CID; bytes: Uint8Array };

/** Writes a CARv1 of `blocks` under `roots` (in the given order). */
export async function carOf(roots: CID[], blocks: Block[]): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create(roots);
  const chunks: Uint8Array[] = [];
  const collected = (async () => {
    for await (const c of out) chunks.push(c);
  })();
  for (const b of blocks) await writer.put(b);
  await writer.close();
  await collected;
  return new Uint8Array(Buffer.concat(chunks));
}

/**
 * A gateway in front of `upstream` that passes every CAR it answers through `tamper` (swap, drop or
 * add blocks); other answers go through unchanged.
 */
export async function carTamperingGateway(upstream: string, tamper: (root: CID, blocks: Block[]) => Block[]) {
  const server = createServer(async (req, res) => {
    const r = await fetch(`${upstream}${req.url}`, { headers: { accept: String(req.headers.accept ?? "") } });
    const body = new Uint8Array(await r.arrayBuffer());
    if (!r.ok || !String(r.headers.get("content-type")).includes("car")) {
      res.statusCode = r.status;
      return res.end(Buffer.from(body));
    }
    const reader = await CarReader.fromBytes(body);
    const roots = await reader.getRoots();
    const blocks: Block[] = [];
    for await (const b of reader.blocks()) blocks.push(b);
    res.setHeader("content-type", "application/vnd.ipld.car; version=1");
    res.end(Buffer.from(await carOf(roots, tamper(roots[0]!, blocks))));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Deterministic pseudo-random bytes (incompressible, so every 256 KiB chunk differs). */
export const bytesOf = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) out[i] = (s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 24;
  return out;
};
