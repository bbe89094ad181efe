import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { type Hex, hexToBytes } from "viem";

import { type FetchVerifiedErrorType, fetchVerified } from "../../ipfs/fetchVerified.js";
import type { MetadataErrorType } from "../../metadata/check.js";
import { type ModelCard, parseModelCard } from "../../metadata/modelCard.js";

/** Multicodec of a raw block: a card is pinned as one. */
const RAW = 0x55;
const SHA2_256 = 0x12;

export type GetModelCardParameters = {
  /** The registered card digest (`getModel(...).cardDigest`). */
  cardDigest: Hex;
  /** A trustless IPFS gateway. */
  gateway: string;
};
export type GetModelCardReturnType = { card: ModelCard; cardCid: string };
export type GetModelCardErrorType = FetchVerifiedErrorType | MetadataErrorType;

/**
 * A model's card by its registered digest, trusting no gateway: fetched as the raw block that
 * digest names, checked against it, and parsed (`MetadataError` names a bad field).
 *
 * @example
 * import { getModelCard } from "@motif/sdk";
 * const { card } = await getModelCard({ cardDigest: "0x45b704ec2cc08c06d9a922e4edbef43c5b0584d14dcc8db72ca8a931575e56de", gateway: "http://127.0.0.1:8081" });
 * console.log(card.io, card.params.map((p) => p.name));
 */
export async function getModelCard(p: GetModelCardParameters): Promise<GetModelCardReturnType> {
  const cardCid = CID.createV1(RAW, Digest.create(SHA2_256, hexToBytes(p.cardDigest))).toString();
  const bytes = await fetchVerified(p.gateway, { cid: cardCid, codec: RAW, digest: p.cardDigest });
  return { card: parseModelCard(bytes), cardCid };
}
