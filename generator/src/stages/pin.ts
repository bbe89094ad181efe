import type { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";
import { type Hex, bytesToHex } from "viem";

import type { IpfsStore } from "../ipfs/embedded.js";
import { type PinQueue, pinDurably } from "../ipfs/resilient.js";
import { type MetadataInput, buildMetadata } from "../metadata/metadata.js";

/** Stage input: the rendered image and what its metadata must say (minus the image CID). */
export type PinInput = { png: Uint8Array; metadata: Omit<MetadataInput, "imageCid"> };

/** Stage output: both CIDs, the metadata bytes, and the metadata CID's parts as stored on-chain. */
export type PinOutput = {
  imageCid: CID;
  metadataCid: CID;
  metadata: Uint8Array;
  /** `Lineage.metadataDigest` and `Lineage.metadataCodec` of the certificate. */
  metadataDigest: Hex;
  metadataCodec: number;
};

/** Metadata above this would span several blocks; it must stay one raw block (codec raw). */
export const MAX_METADATA_BYTES = 262_144;

/**
 * Pin stage: image first, then the metadata naming it. With a queue, each file is recorded on disk
 * before it is sent, and stays there if the store fails, so a pattern is never lost. The metadata is one raw block, so its CID's
 * digest is the sha-256 of the metadata bytes: anyone can check it against the certificate's
 * stored digest without trusting a gateway.
 */
export async function pin(store: IpfsStore, input: PinInput, queue?: PinQueue): Promise<PinOutput> {
  const add = (name: string, bytes: Uint8Array) => (queue === undefined ? store.add(bytes) : pinDurably(store, queue, name, bytes));
  const digest = input.metadata.lineage.contentDigest;
  const imageCid = await add(`${digest}.png`, input.png);
  const metadata = buildMetadata({ ...input.metadata, imageCid: imageCid.toString() });
  if (metadata.length > MAX_METADATA_BYTES) {
    throw new RangeError(`metadata: ${metadata.length} bytes exceeds ${MAX_METADATA_BYTES} (one block)`);
  }
  const metadataCid = await add(`${digest}.json`, metadata);
  if (metadataCid.code !== raw.code) throw new Error(`metadata: expected a raw CID, got codec 0x${metadataCid.code.toString(16)}`);
  return {
    imageCid,
    metadataCid,
    metadata,
    metadataDigest: bytesToHex(metadataCid.multihash.digest),
    metadataCodec: metadataCid.code,
  };
}
