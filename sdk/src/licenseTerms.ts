import { structParameters } from "./generated/structs.js";
import { ALL_PRODUCT_CLASSES } from "./productClasses/index.js";
import { zeroOf } from "./structZero.js";
import type { LicenseTerms } from "./types/license.js";

/** Multicodec of a raw block: the legal text pinned as one raw block (`termsCodec` when not given). */
const RAW = 0x55;

/** What terms must name; every other field is optional (see {@link licenseTerms}). */
export type LicenseTermsParameters = Pick<LicenseTerms, "tokenId" | "regions" | "termsDigest"> & Partial<LicenseTerms>;

/**
 * `LicenseTerms` from the fields that matter to a deal: the certificate, the regions and the legal
 * text's digest are required; `classes` (fields of use, a mask over the Nice classes) is every class
 * unless given (`productClassMask(["bedding", "clothing"])`), `termsCodec` raw (0x55), and every other
 * field is its zero value (no flags, ETH, no usage or sales royalty, no advance, no unit cap, not
 * renewable). The zero values are derived from the
 * compiled contract's struct, so a field added to `LicenseTerms` reaches every caller of this
 * function at zero without a change to the caller.
 *
 * @example
 * import { keccak256, toHex } from "viem";
 * import { LicenseFlags, licenseTerms, regionMask } from "@motif/sdk";
 * const terms = licenseTerms({
 *   tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"),
 *   regions: regionMask(["DE", "FR"]),
 *   flags: LicenseFlags.COMMERCIAL,
 *   termsDigest: keccak256(toHex("licence text v1")),
 * });
 * console.log(terms.currency, terms.termsCodec); // 0x0000000000000000000000000000000000000000 85
 */
export function licenseTerms(p: LicenseTermsParameters): LicenseTerms {
  // a field given as `undefined` is a field not given: it takes its zero value too
  const given = Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined));
  return { ...(zeroOf(structParameters.LicenseTerms) as LicenseTerms), classes: ALL_PRODUCT_CLASSES, termsCodec: RAW, ...given };
}
