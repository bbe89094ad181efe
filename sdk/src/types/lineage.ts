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
  /** Motif tile hash (repeat-aware fingerprint), 256 bits; zero for certificates attested before tile hashes. */
  tileHash: Hex;
  /** Account credited as the creator; receives ERC-2981 royalties. */
  creator: Address;
  /** Recipe certificate the pattern was rendered from, or 0n for none. */
  recipeId: bigint;
};

/** What a certificate certifies; the numbers are `CertificateKind` in `contracts/types/Lineage.sol`. */
export const CertificateKind = { Pattern: 0, Recipe: 1, Dataset: 2 } as const;
export type CertificateKind = (typeof CertificateKind)[keyof typeof CertificateKind];
/** The kind's name, as the SDK, CLI and metadata write it. */
export function certificateKindName(kind: number): "pattern" | "recipe" | "dataset" {
  if (kind === CertificateKind.Pattern) return "pattern";
  if (kind === CertificateKind.Recipe) return "recipe";
  if (kind === CertificateKind.Dataset) return "dataset";
  throw new RangeError(`certificate kind ${kind}: allowed 0 (pattern), 1 (recipe), 2 (dataset)`);
}

/** A certificate to mint: lineage plus the terms the attester approved. */
export type MintRequest = {
  lineage: Lineage;
  to: Address;
  royaltyBps: number;
  deadline: bigint;
  /** EIP-712 signature of the attester, or `0x` when the sender holds the attester role. */
  signature: Hex;
};
