import type { Address, Hex } from "viem";

/** `LicenseFlags` bits (contracts/types/License.sol). */
export const LicenseFlags = {
  COMMERCIAL: 1 << 0,
  DERIVATIVES: 1 << 1,
  AI_TRAINING: 1 << 2,
  SUBLICENSABLE: 1 << 3,
  TRANSFERABLE: 1 << 4,
  EXCLUSIVE: 1 << 5,
  REVOCABLE_FOR_BREACH: 1 << 6,
} as const;

/** Window end that never comes (`MotifLicensing.PERPETUAL`). */
export const PERPETUAL = 2 ** 40 - 1;

/** A license offer, field for field as `Offer` in contracts/types/License.sol. */
export type Offer = {
  terms: {
    tokenId: bigint;
    regions: bigint;
    flags: number;
    currency: Address;
    unitRoyalty: bigint; // uint96
    unitCap: bigint;
    renewalPrice: bigint;
    termsDigest: Hex;
    termsCodec: number;
  };
  window: { start: number; end: number; duration: number };
  pricing: { price: bigint; ceiling: bigint; decayWindow: number; demandCap: number };
  maxUses: number;
  deadline: number;
  nonce: bigint;
  /** The only account that may accept it (a deal negotiated with one buyer); `zeroAddress` = anyone. Signed. */
  licensee: Address;
};
