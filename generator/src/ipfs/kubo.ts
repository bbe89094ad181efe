import { create, type KuboRPCClient } from "kubo-rpc-client";
import type { CID } from "multiformats/cid";

import type { IpfsStore } from "./embedded.js";

/**
 * A Kubo node over its RPC API (kubo-rpc-client, the maintained successor of ipfs-http-client),
 * used when `MOTIF_IPFS_API` is set. Adds with the same settings as the embedded store (CIDv1, raw
 * leaves, 256 KiB chunks, balanced DAG — Kubo's own defaults), so both give the same CIDs; pins what
 * it adds. Wrap it in `RetryingStore` and give the pipeline a `PinQueue` for outages.
 */
export class KuboIpfs implements IpfsStore {
  private readonly client: KuboRPCClient;

  constructor(readonly url: string) {
    this.client = create({ url });
  }

  async add(bytes: Uint8Array): Promise<CID> {
    const { cid } = await this.client.add(bytes, { cidVersion: 1, rawLeaves: true, chunker: "size-262144", pin: true });
    return cid;
  }

  async cat(cid: CID): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const part of this.client.cat(cid)) parts.push(part);
    return new Uint8Array(Buffer.concat(parts));
  }

  async has(cid: CID): Promise<boolean> {
    try {
      // offline: only what the node holds; never wait on the network for an answer
      await this.client.block.stat(cid, { searchParams: new URLSearchParams({ offline: "true" }), timeout: 10_000 });
      return true;
    } catch {
      return false;
    }
  }

  async block(cid: CID): Promise<Uint8Array> {
    return this.client.block.get(cid, { timeout: 30_000 });
  }

  async exportCar(roots: CID[]): Promise<Uint8Array> {
    if (roots.length !== 1) throw new RangeError(`roots: Kubo exports one DAG per CAR, got ${roots.length}`);
    const parts: Uint8Array[] = [];
    for await (const part of this.client.dag.export(roots[0]!)) parts.push(part);
    return new Uint8Array(Buffer.concat(parts));
  }
}

/** The store the environment asks for: Kubo at MOTIF_IPFS_API, else undefined (use the embedded one). */
export function kuboFromEnv(env = process.env): KuboIpfs | undefined {
  const url = env.MOTIF_IPFS_API;
  return url === undefined || url === "" ? undefined : new KuboIpfs(url);
}
