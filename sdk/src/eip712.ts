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
    { name: "tileHash", type: "bytes32" },
    { name: "creator", type: "address" },
    { name: "recipeId", type: "uint256" },
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

/** EIP-712 types of a license offer; must match `contracts/libraries/OfferHash.sol`. */
export const offerTypes = {
  Offer: [
    { name: "terms", type: "LicenseTerms" },
    { name: "window", type: "LicenseWindow" },
    { name: "pricing", type: "Pricing" },
    { name: "maxUses", type: "uint32" },
    { name: "deadline", type: "uint40" },
    { name: "nonce", type: "uint256" },
    { name: "licensee", type: "address" },
  ],
  LicenseTerms: [
    { name: "tokenId", type: "uint256" },
    { name: "regions", type: "uint256" },
    { name: "flags", type: "uint16" },
    { name: "currency", type: "address" },
    { name: "unitRoyalty", type: "uint96" },
    { name: "unitCap", type: "uint56" },
    { name: "renewalPrice", type: "uint128" },
    { name: "termsDigest", type: "bytes32" },
    { name: "termsCodec", type: "uint16" },
  ],
  LicenseWindow: [
    { name: "start", type: "uint40" },
    { name: "end", type: "uint40" },
    { name: "duration", type: "uint40" },
  ],
  Pricing: [
    { name: "price", type: "uint128" },
    { name: "ceiling", type: "uint128" },
    { name: "decayWindow", type: "uint32" },
    { name: "demandCap", type: "uint16" },
  ],
} as const;

/** The EIP-712 domain of a MotifLicensing deployment. */
export function licensingDomain(chainId: number, verifyingContract: Address): TypedDataDomain {
  return { name: "Motif Licensing", version: "1", chainId, verifyingContract };
}
