import type { Address, TypedDataDomain } from "viem";

/** EIP-712 types of a mint attestation; must match `contracts/libraries/LineageHash.sol`. */
export const mintAttestationTypes = {
  Lineage: [
    { name: "contentDigest", type: "bytes32" },
    { name: "metadataDigest", type: "bytes32" },
    { name: "metadataCodec", type: "uint16" },
    { name: "modelId", type: "uint32" },
    { name: "seed", type: "uint64" },
    { name: "paramsHash", type: "bytes32" },
    { name: "pdqHash", type: "bytes32" },
    { name: "creator", type: "address" },
  ],
  MintAttestation: [
    { name: "lineage", type: "Lineage" },
    { name: "to", type: "address" },
    { name: "royaltyBps", type: "uint16" },
    { name: "deadline", type: "uint64" },
  ],
} as const;

/** The EIP-712 domain of a MotifCertificate deployment. */
export function certificateDomain(chainId: number, verifyingContract: Address): TypedDataDomain {
  return { name: "Motif Certificate", version: "1", chainId, verifyingContract };
}
