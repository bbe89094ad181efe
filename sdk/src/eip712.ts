import type { Address, TypedDataDomain } from "viem";

import { eip712Types } from "./generated/eip712.js";

export { eip712TypeStrings, eip712Types } from "./generated/eip712.js";

/** EIP-712 types of a mint attestation, generated from `contracts/libraries/LineageHash.sol`. */
export const mintAttestationTypes = eip712Types.MintAttestation;

/** EIP-712 types of a colourway's mint attestation (the `MintAttestation` fields and the design), from `LineageHash.sol`. */
export const colourwayAttestationTypes = eip712Types.ColourwayAttestation;

/** The EIP-712 domain of a MotifCertificate deployment. */
export function certificateDomain(chainId: number, verifyingContract: Address): TypedDataDomain {
  return { name: "Motif Certificate", version: "1", chainId, verifyingContract };
}

/** EIP-712 types of a license offer, generated from `contracts/libraries/OfferHash.sol`. */
export const offerTypes = eip712Types.Offer;

/** The EIP-712 domain of a MotifLicensing deployment. */
export function licensingDomain(chainId: number, verifyingContract: Address): TypedDataDomain {
  return { name: "Motif Licensing", version: "1", chainId, verifyingContract };
}
