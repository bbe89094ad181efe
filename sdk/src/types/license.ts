// The licence types and values, generated from the compiled contracts (scripts/generate-abis.ts).
import { MotifLicensingConstants } from "../generated/constants.js";

/** `LicenseFlags` bits (contracts/types/License.sol), `ALL` included. */
export { LicenseFlags, LicenseStatus } from "../generated/constants.js";
/** A license offer, field for field as `Offer` in contracts/types/License.sol (`licensee`: the only account that may accept it; `zeroAddress` = anyone). */
export type { License, LicenseTerms, LicenseWindow, Offer, Pricing } from "../generated/structs.js";

/** Window end that never comes (`MotifLicensing.PERPETUAL`). */
export const PERPETUAL = MotifLicensingConstants.PERPETUAL;
