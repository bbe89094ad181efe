import type { Address, Hex } from "viem";

/**
 * Where a pattern came from — the one lineage type shared by the contracts
 * (`contracts/types/Lineage.sol`), the SDK and the pinned metadata (`lineage`), field for field.
 */
export type Lineage = {
  /** sha-256 of the image bytes (PNG); also the certificate's token id. */
  contentDigest: Hex;
  /** sha2-256 digest inside the metadata CIDv1. */
  metadataDigest: Hex;
  /** Multicodec of the metadata CIDv1 (0x55 raw, 0x70 dag-pb, 0x71 dag-cbor, 0x0129 dag-json, 0x0200 json). */
  metadataCodec: number;
  /** Model id in the model registry. */
  modelId: number;
  /** Seed the generator rendered with (uint64). */
  seed: bigint;
  /** keccak-256 of the canonical params JSON. */
  paramsHash: Hex;
  /** PDQ perceptual hash, 256 bits. */
  pdqHash: Hex;
  /** Account credited as the creator; receives ERC-2981 royalties. */
  creator: Address;
};

/** A certificate to mint: lineage plus the terms the attester approved. */
export type MintRequest = {
  lineage: Lineage;
  to: Address;
  royaltyBps: number;
  deadline: bigint;
  /** EIP-712 signature of the attester, or `0x` when the sender holds the attester role. */
  signature: Hex;
};
