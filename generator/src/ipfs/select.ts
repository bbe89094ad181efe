import path from "node:path";

import { EmbeddedIpfs, type IpfsStore } from "./embedded.js";
import { kuboFromEnv } from "./kubo.js";
import { PinQueue, RetryingStore } from "./resilient.js";

/**
 * The store the environment asks for: a Kubo node at MOTIF_IPFS_API (with retries and backoff), or
 * the embedded store in `embeddedDir`. Both give the same CIDs for the same bytes.
 */
export function selectStore(embeddedDir: string, env = process.env): { store: IpfsStore; kind: string; pinQueue: PinQueue } {
  const kubo = kuboFromEnv(env);
  const pinQueue = new PinQueue(path.join(path.dirname(embeddedDir), "pin-queue"));
  if (kubo !== undefined) return { store: new RetryingStore(kubo), kind: `kubo ${kubo.url}`, pinQueue };
  return { store: new EmbeddedIpfs(embeddedDir), kind: `embedded ${embeddedDir}`, pinQueue };
}
