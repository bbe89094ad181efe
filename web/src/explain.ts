import { BaseError, UserRejectedRequestError } from "viem";
import { MotifContractError, REGION_COUNT, region } from "@motif/sdk";

import { NoWalletError, WrongChainError } from "./wallet.js";

const regionName = (bit: unknown) => {
  try {
    const r = region(Number(bit));
    return `${r.name} (${r.alpha2})`;
  } catch {
    return `region ${String(bit)} (not in the table of ${REGION_COUNT})`;
  }
};
const when = (t: unknown) => new Date(Number(t) * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** Plain words for the contracts' custom errors (the SDK decodes them with their values). */
const WORDS: Record<string, (a: readonly unknown[]) => string> = {
  MotifLicensingRegionNotAllowed: (a) => `Your licence does not cover ${regionName(a[1])}.`,
  MotifLicensingNotLicensed: () => "This account holds no licence for this pattern.",
  MotifLicensingNotYetValid: (a) => `The licence starts at ${when(a[1])}; it is not valid yet.`,
  MotifLicensingExpired: (a) => `The licence ended at ${when(a[1])}.`,
  MotifLicensingRevoked: () => "The licence was revoked.",
  MotifLicensingUnitsExhausted: (a) => `All ${String(a[1])} units of the licence are used.`,
  MotifLicensingUnitCapExceeded: (a) => `That would exceed the licence's cap: ${String(a[1])} of ${String(a[3])} units used, ${String(a[2])} more asked.`,
  MotifLicensingOfferExpired: (a) => `The offer could be accepted until ${when(a[1])}; it has expired.`,
  MotifLicensingOfferUsedUp: (a) => `The offer has been accepted its maximum ${String(a[1])} times.`,
  MotifLicensingOfferInactive: () => "The offer is no longer active (the certificate changed hands or the offer was withdrawn).",
  MotifLicensingOfferCancelled: () => "The licensor cancelled this offer.",
  MotifLicensingPriceAboveMax: (a) => `The price is now ${String(a[0])} wei, above the ${String(a[1])} wei you agreed to.`,
  MotifLicensingExclusiveConflict: () => "An exclusive licence already covers some of these regions in this period.",
  MotifLicensingGrantConflict: () => "Licences already granted in these regions and period prevent this exclusive licence.",
  MotifLicensingNotLicensee: () => "Only the licensee (or an approved reporter) may do this.",
  MotifLicensingWrongValue: (a) => `Wrong amount sent: ${String(a[0])} wei, due ${String(a[1])} wei.`,
  MotifLicensingNothingOwed: () => "Nothing to withdraw.",
  MotifCertificateDuplicateContent: () => "This image is already certified.",
  MotifCertificateAttestationExpired: (a) => `The generator's attestation expired at ${when(a[0])}; generate again.`,
  MotifCertificateModelNotActive: (a) => `Model #${String(a[0])} is not active.`,
};

/** A message a person can act on, for any error the page meets. */
export function explain(error: unknown): string {
  if (error instanceof NoWalletError || error instanceof WrongChainError) return error.message;
  if (error instanceof MotifContractError) {
    const words = WORDS[error.errorName];
    return `${words ? words(error.args) : "The contract refused the transaction."} [${error.shortMessage}]`;
  }
  if (error instanceof BaseError) {
    const rejected = error.walk((e) => e instanceof UserRejectedRequestError || (e as { code?: number }).code === 4001);
    if (rejected) return "You rejected the request in your wallet. Nothing was signed or sent.";
    if (/insufficient funds/i.test(error.message)) return "Your account cannot pay for this (price plus gas).";
    return error.shortMessage;
  }
  if ((error as { code?: number }).code === 4001) return "You rejected the request in your wallet. Nothing was signed or sent.";
  return (error as Error).message ?? String(error);
}
