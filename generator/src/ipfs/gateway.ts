import Fastify, { type FastifyInstance } from "fastify";
import { CID } from "multiformats/cid";

import type { IpfsStore } from "./embedded.js";

/**
 * A read-only trustless HTTP gateway over a store (the embedded one, or a Kubo node's blocks) (the subset of the IPFS trustless
 * gateway spec that verifiers need): `GET /ipfs/<cid>?format=raw` (or `Accept:
 * application/vnd.ipld.raw`) returns the block itself, `?format=car` a CAR of the DAG. Clients
 * check what they receive against the CID; they never have to trust this server.
 */
export async function buildGateway(store: IpfsStore): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  // the web page (another loopback origin) reads blocks and checks them against their CIDs
  app.addHook("onSend", async (_request, reply) => {
    reply.header("access-control-allow-origin", "*");
  });
  app.get<{ Params: { cid: string }; Querystring: { format?: string } }>("/ipfs/:cid", async (request, reply) => {
    let cid: CID;
    try {
      cid = CID.parse(request.params.cid);
    } catch {
      return reply.code(400).send({ error: "invalid_cid", message: `"${request.params.cid}" is not a CID` });
    }
    const accept = String(request.headers.accept ?? "");
    const format = request.query.format ?? (accept.includes("application/vnd.ipld.car") ? "car" : accept.includes("application/vnd.ipld.raw") ? "raw" : undefined);
    if (format !== "raw" && format !== "car") {
      return reply.code(406).send({ error: "not_acceptable", message: "format: this gateway serves only verifiable responses: raw or car" });
    }
    if (!(await store.has(cid))) return reply.code(404).send({ error: "not_found", message: `${cid} is not in this store` });
    reply.header("x-content-type-options", "nosniff").header("cache-control", "public, max-age=29030400, immutable");
    if (format === "raw") return reply.type("application/vnd.ipld.raw").send(Buffer.from(await store.block(cid)));
    return reply.type("application/vnd.ipld.car; version=1").send(Buffer.from(await store.exportCar([cid])));
  });
  return app;
}
