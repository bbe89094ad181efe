// Contract errors in words: every custom error of the Motif ABIs (and any added later) as a sentence
// a person can act on. Browser-safe: viem and the SDK's JSON tables only.
import {
  type Abi,
  type AbiFunction,
  type AbiParameter,
  type Address,
  BaseError,
  CallExecutionError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  EstimateGasExecutionError,
  type Hex,
  InsufficientFundsError,
  TransactionExecutionError,
  UserRejectedRequestError,
  decodeErrorResult,
  formatEther,
  getAddress,
  isAddress,
  isHex,
  zeroAddress,
} from "viem";

import { motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi } from "./abis/index.js";
import { EU_MEMBERS, REGION_COUNT, WORLDWIDE, regionMask, regionsOf, region as regionOf } from "./regions/index.js";
import { productClassLabel, productClassMaskLabel } from "./productClasses/index.js";
import { tokenIdHex } from "./ids.js";
import { CertificateKind, LicenseFlags, LicenseStatus, ModelStatus, MotifCertificateConstants, MotifLicensingConstants, MotifModelRegistryConstants } from "./generated/constants.js";
import type { MotifErrorName, MotifErrorOf } from "./generated/errors.js";
import { PERPETUAL } from "./types/license.js";

type AbiError = Extract<Abi[number], { type: "error" }>;

/** Every error any Motif contract can revert with (the three ABIs together, each name once). */
export const motifErrorsAbi: readonly AbiError[] = (() => {
  const seen = new Map<string, AbiError>();
  for (const abi of [motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi] as readonly Abi[]) {
    for (const item of abi) if (item.type === "error") seen.set(`${item.name}/${item.inputs.length}`, item);
  }
  return [...seen.values()];
})();

const hex64 = tokenIdHex;
const grouped = (v: bigint) => v.toLocaleString("en-US");
/** A count or plain number: grouped decimal while it is readable, else 0x hex (never a run of 60 digits). */
const num = (v: bigint) => (v < 10n ** 15n && v > -(10n ** 15n) ? grouped(v) : v < 0n ? `-${hex64(-v)}` : hex64(v));
/** "licenseId" → ["license", "id"]; "maxBps" → ["max", "bps"]; "ERC20" stays one word. */
const words = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((w) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : w.toLowerCase()));
/** An argument's name as a label: "licenseId" → "licence", "tokenId" → "token", "maxBps" → "max". */
const label = (name: string) => {
  const w = words(name).filter((x, i, all) => !(i === all.length - 1 && all.length > 1 && (x === "id" || x === "bps")));
  return w.map((x) => (x === "license" ? "licence" : x)).join(" ") || "value";
};

/** The contracts' roles by their hash (the generated constants), named as the contracts name them. */
const ROLES = new Map<string, string>(
  [MotifCertificateConstants, MotifLicensingConstants, MotifModelRegistryConstants].flatMap((c) => Object.entries(c).filter(([k]) => k.endsWith("_ROLE")).map(([k, v]) => [String(v).toLowerCase(), k] as [string, string])),
);
/** Each enum member in words, keyed by its Solidity name: a member added to the contracts fails `tsc` here. */
const ENUM_WORDS: { [E in keyof typeof ENUM_VALUES]: Record<keyof (typeof ENUM_VALUES)[E], string> } = {
  ModelStatus: { None: "none (never registered)", Active: "active", Deprecated: "deprecated" },
  CertificateKind: { Pattern: "pattern", Recipe: "recipe", Dataset: "dataset" },
  LicenseStatus: { None: "none", Active: "active", Revoked: "revoked", Transferred: "transferred" },
};
const ENUM_VALUES = { ModelStatus, CertificateKind, LicenseStatus };
/** The words of an enum's value, or undefined for an enum or value this SDK does not know. */
const enumWords = (enumName: string, value: number): string | undefined => {
  const values = (ENUM_VALUES as Record<string, Record<string, number>>)[enumName];
  const member = values && Object.entries(values).find(([, v]) => v === value)?.[0];
  return member === undefined ? undefined : (ENUM_WORDS as Record<string, Record<string, string>>)[enumName]?.[member];
};
/** The single flags (not `ALL`), by name. */
const FLAG_NAMES = (Object.entries(LicenseFlags) as Array<[string, number]>).filter(([, bit]) => bit > 0 && (bit & (bit - 1)) === 0);
const EU_MASK = regionMask(EU_MEMBERS);

/** A region bit as "United States (US)", or why it is none. */
export function regionLabel(bit: bigint | number): string {
  const n = Number(bit);
  if (!Number.isInteger(n) || n < 0 || n >= REGION_COUNT) return `region bit ${String(bit)} (not in the table of ${REGION_COUNT} regions)`;
  const r = regionOf(n);
  return `${r.name} (${r.alpha2})`;
}

/** A region mask as "worldwide", "the 27 EU member states" or its ISO codes. */
export function regionMaskLabel(mask: bigint): string {
  if (mask === 0n) return "no region";
  if (mask === WORLDWIDE) return "worldwide";
  if (mask === EU_MASK) return "the 27 EU member states";
  const reserved = mask >> BigInt(REGION_COUNT);
  const inTable = regionsOf(mask & WORLDWIDE).map((r) => r.alpha2);
  const shown = inTable.length > 12 ? `${inTable.length} regions (${inTable.slice(0, 12).join(", ")}, …)` : inTable.join(", ");
  return reserved !== 0n ? `${shown ? `${shown} and ` : ""}reserved bits above ${REGION_COUNT - 1}` : shown;
}

/** A unix time as "2026-12-04 10:16 UTC". */
export function unixTimeLabel(t: bigint | number): string {
  const n = Number(t);
  if (n === 0) return "none (0)";
  if (n === PERPETUAL) return "never (perpetual)";
  if (!Number.isFinite(n) || n < 0 || n > 8.64e12) return `time ${num(BigInt(t))} (not a date)`;
  const iso = new Date(n * 1000).toISOString(); // years past 9999 read "+010000-…": cut at the "T", not at a fixed place
  const at = iso.indexOf("T");
  return `${iso.slice(0, at)} ${iso.slice(at + 1, at + 6)} UTC`;
}

type Ctx = { currency?: string; errorName?: string };
const AMOUNT = /^(price|maxPrice|sent|due|amount|expected|received|ceiling|floor|fee|renewalPrice|balance|owed|cost|paid)$/i;
const TIME = /^(start|end|newEnd|maxEnd|deadline|timestamp|time|at|until|expiry|expires|validFrom|validUntil|now)$/i;
const DURATION = /^(duration|maxDuration|decayWindow|period|renewalPeriod)$/i;

/** A length of time in seconds as "90 days (7,776,000 s)", "45 s". */
function durationLabel(seconds: bigint | number): string {
  const v = BigInt(seconds);
  const day = 86_400n;
  if (v < 60n) return `${v} s`;
  if (v % day === 0n) return `${grouped(v / day)} day${v === day ? "" : "s"} (${grouped(v)} s)`;
  if (v >= day) return `about ${grouped(v / day)} days (${grouped(v)} s)`;
  return `${grouped(v)} s`;
}

/** One value of an error or call, in words, by its ABI name and type. */
function formatValue(p: AbiParameter, value: unknown, ctx: Ctx): string {
  const name = p.name ?? "";
  const internal = (p as { internalType?: string }).internalType ?? "";
  if (p.type === "address" && typeof value === "string") {
    if (/^(currency|token)$/i.test(name) && value.toLowerCase() === zeroAddress) return "ETH";
    try {
      return getAddress(value);
    } catch {
      return value;
    }
  }
  if (p.type === "bool") return value ? "yes" : "no";
  if (p.type === "string") return JSON.stringify(String(value));
  if (p.type.startsWith("bytes") && typeof value === "string") {
    if (/role/i.test(name)) return ROLES.get(value.toLowerCase() as Hex) ?? value;
    return value.length > 2 + 64 * 2 ? `${value.slice(0, 66)}… (${(value.length - 2) / 2} bytes)` : value;
  }
  if (/^u?int\d*$/.test(p.type) && (typeof value === "bigint" || typeof value === "number")) {
    const v = BigInt(value);
    const enumName = /^enum (\w+)/.exec(internal)?.[1] ?? (name === "kind" ? "CertificateKind" : name === "status" ? "ModelStatus" : undefined);
    if (enumName !== undefined) return enumWords(enumName, Number(v)) ?? `${enumName} ${v}`;
    if (/^(tokenId|recipeId|datasetId|licenseId|patternId|certificateId|designId|familyDesignId)$/i.test(name) || /TokenId$/.test(name)) return hex64(v);
    if (/^(region|regionBit)$/i.test(name)) return regionLabel(v);
    if (/^(regions|mask|regionMask|allowedRegions)$/i.test(name)) return regionMaskLabel(v);
    if (/^niceClass$/i.test(name)) return v >= 1n && v <= 45n ? productClassLabel(Number(v)) : `class ${num(v)}`;
    if (/^(classes|allowedClasses)$/i.test(name)) return productClassMaskLabel(v);
    if (/bps$/i.test(name)) return `${Number(v) / 100}%`;
    if (/^(flags?|allowedFlags)$/i.test(name)) {
      const names = FLAG_NAMES.filter(([, bit]) => (Number(v) & bit) !== 0).map(([n]) => n);
      const unknown = FLAG_NAMES.reduce((rest, [, bit]) => rest & ~BigInt(bit), v);
      if (unknown !== 0n) names.push(`unknown bits 0x${unknown.toString(16)}`);
      return names.length > 0 ? names.join(" | ") : `flag ${v}`;
    }
    if (DURATION.test(name)) return durationLabel(v);
    // "value" is an amount where the error is about the value sent (…UnexpectedValue, …WrongValue)
    if (AMOUNT.test(name) || (name === "value" && /Value$/.test(ctx.errorName ?? ""))) {
      const cur = ctx.currency;
      if (v >= 10n ** 36n || v < 0n) return `${num(v)} wei`;
      return cur === undefined || cur === "ETH" ? `${formatEther(v)} ETH` : `${v < 10n ** 36n ? grouped(v) : num(v)} base units of token ${cur}`;
    }
    if (TIME.test(name) || (p.type === "uint40" && !/units|count|uses/i.test(name))) return unixTimeLabel(v);
    if (/Id$/.test(name)) return v < 2n ** 53n ? `#${v}` : hex64(v);
    return num(v);
  }
  if (Array.isArray(value) && /\]$/.test(p.type)) return `[${value.map((x) => formatValue({ ...p, type: p.type.replace(/\[\d*\]$/, "") } as AbiParameter, x, ctx)).join(", ")}]`;
  const components = (p as { components?: readonly AbiParameter[] }).components;
  if (p.type === "tuple" && components !== undefined && value !== null && typeof value === "object") {
    // a struct, field by field (viem decodes a named tuple to an object, an unnamed one to an array)
    const field = (c: AbiParameter, i: number) => (Array.isArray(value) ? value[i] : (value as Record<string, unknown>)[c.name ?? ""]);
    return `{${components.map((c, i) => `${label(c.name || `field${i}`)} ${formatValue(c, field(c, i), ctx)}`).join(", ")}}`;
  }
  if (typeof value === "bigint") return num(value);
  if (value !== null && typeof value === "object") return "{…}";
  return String(value);
}

type Named = Record<string, string> & { _: string[] };
/** The error's arguments in words, by name (and in order under `_`). */
function named(inputs: readonly AbiParameter[], args: readonly unknown[], ctx: Ctx): Named {
  const out = { _: [] as string[] } as Named;
  inputs.forEach((p, i) => {
    const v = formatValue(p, args[i], ctx);
    if (p.name) out[p.name] = v;
    out._.push(`${label(p.name || `arg${i}`)} ${v}`);
  });
  return out;
}

/** Specific sentences for the errors people meet most; `a` holds each argument in words, by name. */
/** An error's arguments in words, by their Solidity names (`_`: all of them, in order). */
type Words<N extends MotifErrorName> = { readonly [K in keyof MotifErrorOf<N>["args"]]: string } & { readonly _: readonly string[] };
/**
 * A sentence for every Motif custom error, keyed by the generated union: an error added to the
 * contracts, or an argument renamed, fails `tsc` here until it has its words.
 */
const SENTENCES: { [N in MotifErrorName]: (a: Words<N>) => string } = {
  MotifLicensingRegionNotAllowed: (a) => `Licence ${a.licenseId} does not cover ${a.region}.`,
  MotifLicensingNotLicensed: (a) => `${a.licensee} holds no licence for certificate ${a.tokenId}.`,
  MotifLicensingNotYetValid: (a) => `Licence ${a.licenseId} starts at ${a.start}; it is not valid yet (asked for ${a.time}).`,
  MotifLicensingExpired: (a) => `Licence ${a.licenseId} ended at ${a.end} (asked for ${a.time}).`,
  MotifLicensingRevoked: (a) => `Licence ${a.licenseId} was revoked.`,
  MotifLicensingUnitsExhausted: (a) => `All ${a.unitCap} units of licence ${a.licenseId} are used.`,
  MotifLicensingUnitCapExceeded: (a) => `That would exceed the cap of licence ${a.licenseId}: ${a.used} of ${a.cap} units used, ${a.units} more asked.`,
  MotifLicensingUnknownLicense: (a) => `There is no licence ${a.licenseId}.`,
  MotifLicensingUnknownOffer: (a) => `There is no offer ${a.offerId}.`,
  MotifLicensingOfferExpired: (a) => `The offer could be accepted until ${a.deadline}; it has expired (now ${a.timestamp}).`,
  MotifLicensingOfferUsedUp: (a) => `The offer has been accepted its maximum ${a.maxUses} times.`,
  MotifLicensingOfferInactive: (a) => `The offer is no longer active: ${a.licensor} no longer owns the certificate, or withdrew the offer.`,
  MotifLicensingOfferCancelled: () => "The licensor cancelled this offer.",
  MotifLicensingPriceAboveMax: (a) => `The price is now ${a.price}, above the ${a.maxPrice} you agreed to.`,
  MotifLicensingWrongValue: (a) => `Wrong amount sent: ${a.sent}, due ${a.due}.`,
  MotifLicensingExclusiveConflict: (a) => `Exclusive licence ${a.licenseId} already covers ${a.regions} for ${a.classes} of certificate ${a.tokenId} between ${a.start} and ${a.end}.`,
  MotifLicensingGrantConflict: (a) => `Licences already granted for certificate ${a.tokenId} in ${a.regions} for ${a.classes} between ${a.start} and ${a.end} prevent this exclusive licence.`,
  MotifLicensingClassNotAllowed: (a) => `Licence ${a.licenseId} does not cover products of ${a.niceClass}.`,
  MotifLicensingInvalidClass: (a) => `Product ${a.niceClass} does not exist; Nice classes run from 1 to ${a.maxClass}.`,
  MotifLicensingInvalidClasses: (a) => `The product classes ${a.classes} are not allowed: name at least one of the ${a.allowedClasses}.`,
  MotifLicensingSalesRoyaltyTooHigh: (a) => `A sales royalty of ${a.bps} is above the ${a.maxBps} maximum.`,
  MotifLicensingStatementsClosed: (a) => `Net sales of licence ${a.licenseId} could be reported until ${a.closedAt} (a year after its window ended); it is now ${a.time}.`,
  MotifLicensingNoSalesRoyalty: (a) => `The terms of licence ${a.licenseId} carry no royalty on net sales; report units instead.`,
  MotifLicensingInvalidNetSales: (a) => `Net sales of ${a.netSales} are more than licence's running total can take (${a.maxNetSales} more).`,
  MotifLicensingNotLicensee: (a) => `Only the licensee of licence ${a.licenseId} (or a reporter it approved) may do this, not ${a.caller}.`,
  MotifLicensingNotCertificateOwner: (a) => `Only the owner of certificate ${a.tokenId} (${a.owner}) may do this, not ${a.caller}.`,
  MotifLicensingNotAllowedByTerms: (a) => `The terms of licence ${a.licenseId} do not allow this (${a.flag} is not granted).`,
  MotifLicensingNothingOwed: (a) => `Nothing to withdraw: ${a.account} is owed nothing in ${a.currency}.`,
  MotifLicensingInvalidFlags: (a) => `The licence flags ${a.flags} include bits no flag defines; the flags are ${a.allowedFlags}.`,
  MotifLicensingEmptyTermsDigest: () => "The terms digest is zero: the terms must name their legal text (the digest of its CID).",
  MotifLicensingUnsupportedTermsCodec: (a) => `Terms codec ${a.codec} is not a supported CID codec (raw, dag-pb, dag-cbor, dag-json, json).`,
  MotifLicensingCurrencyNotContract: (a) => `The currency ${a.currency} is not a contract; use address 0 for ETH or an ERC-20 token's address.`,
  MotifLicensingRelativeWindowEnd: (a) => `A window of ${a.duration} from acceptance must leave its end at 0, not ${a.end}.`,
  MotifLicensingDurationTooLong: (a) => `A window of ${a.duration} runs past the last time a licence can end; the longest allowed now is ${a.maxDuration}.`,
  MotifLicensingPerpetualRenewalPrice: (a) => `A perpetual licence has nothing to renew: the renewal price must be 0, not ${a.renewalPrice}.`,
  MotifLicensingCeilingBelowFloor: (a) => `The price ceiling ${a.ceiling} is below the floor price ${a.floor}; dynamic pricing needs ceiling ≥ floor.`,
  MotifLicensingInvalidDecayWindow: (a) => `Dynamic pricing needs a decay window of at least 1 second, not ${a.decayWindow}.`,
  MotifLicensingInvalidDemandCap: (a) => `Dynamic pricing needs a demand cap of at least 1 sale, not ${a.demandCap}.`,
  MotifLicensingInvalidMaxUses: (a) => `An offer must allow 1 to ${a.maxAllowed} acceptances, not ${a.maxUses}${a.maxAllowed === "1" ? " (an exclusive offer allows exactly one)" : ""}.`,
  MotifLicensingDeadlinePassed: (a) => `The offer's deadline ${a.deadline} has already passed (now ${a.timestamp}).`,
  MotifLicensingUnknownTerms: (a) => `There are no terms ${a.termsId}; ${a.termsCount === "0" ? "none are stored yet" : `terms ids run from 1 to ${a.termsCount}`}.`,
  MotifLicensingInvalidUnits: (a) => `A usage report must count at most ${a.maxUnits.startsWith("0x") ? grouped(BigInt(a.maxUnits)) : a.maxUnits} units (and report units or net sales), not ${a.units}.`,
  MotifLicensingRenewalEndTooLate: (a) => `Renewing licence ${a.licenseId} would end it at ${a.newEnd}, after the last time a licence can end (${a.maxEnd}).`,
  MotifLicensingSelfTransfer: (a) => `Licence ${a.licenseId} cannot be offered to its own licensee ${a.to}.`,
  MotifLicensingAmountTooLarge: (a) => `A payment of ${a.amount} is above the most one payment can carry (2^128 − 1 base units).`,
  MotifLicensingInvalidFeeRecipient: (a) => `The protocol fee recipient must be a non-zero address, not ${a.recipient}.`,
  MotifLicensingInvalidAdmin: (a) => `The admin must be a non-zero address, not ${a.admin}.`,
  MotifLicensingInvalidCertificate: (a) => `The certificate contract must be a non-zero address, not ${a.certificate}.`,
  MotifLicensingInvalidRegistry: (a) => `The model registry must be a non-zero address, not ${a.registry}.`,
  MotifLicensingInvalidWindow: (a) => `The window from ${a.start} to ${a.end} is empty or reversed.`,
  MotifLicensingBreachNotFlagged: (a) => `Licence ${a.licenseId} may only be revoked after an arbiter flags a breach.`,
  MotifLicensingPerpetual: (a) => `Licence ${a.licenseId} is perpetual; it cannot be renewed.`,
  MotifLicensingFeeTooHigh: (a) => `A protocol fee of ${a.feeBps} is above the ${a.maxBps} maximum.`,
  MotifRegionInvalid: (a) => `${a.region} is not a region.`,
  MotifRegionMaskEmpty: () => "No region was given; a licence needs at least one.",
  MotifRegionMaskReserved: (a) => `The region mask uses ${a.mask}; only the ${REGION_COUNT} regions of the table may be set.`,
  MotifCertificateNonexistentToken: (a) => `There is no certificate ${a.tokenId}.`,
  MotifCertificateAlreadyCertified: (a) => `Certificate ${a.tokenId} already exists; the same content cannot be certified twice.`,
  MotifCertificateDuplicateContent: (a) => `This image (content digest ${a.contentDigest}) is already certified.`,
  MotifCertificateAttestationExpired: (a) => `The generator's attestation expired at ${a.deadline} (now ${a.timestamp}); generate again.`,
  MotifCertificateModelNotActive: (a) => `Model ${a.modelId} is ${a.status}, not active.`,
  MotifCertificateNotOwnerOrApproved: (a) => `${a.caller} neither owns certificate ${a.tokenId} nor is approved for it.`,
  MotifCertificateNotCreator: (a) => `Only the creator of certificate ${a.tokenId} may do this, not ${a.caller}.`,
  MotifCertificateNotARecipe: (a) => `Certificate ${a.tokenId} is a ${a.kind}, not a recipe.`,
  MotifCertificateRecipeModelMismatch: (a) => `Recipe ${a.recipeId} is for model ${a.recipeModelId}, not model ${a.modelId}.`,
  MotifCertificateUnknownDesign: (a) => `There is no certificate ${a.designId} to make a colourway of.`,
  MotifCertificateDesignNotAPattern: (a) => `Certificate ${a.designId} is a ${a.kind}, not a pattern: only a pattern design has colourways.`,
  MotifCertificateDesignIsColourway: (a) => `Certificate ${a.designId} is itself a colourway of design ${a.familyDesignId}: name that design instead (families are one level deep).`,
  MotifCertificateColourwayModelMismatch: (a) => `Design ${a.designId} was rendered with model ${a.designModelId}; a colourway of it must name that model, not model ${a.modelId}.`,
  MotifCertificateColourwayCreatorMismatch: (a) => `Design ${a.designId} is credited to ${a.designCreator}; a colourway of it must credit the same creator, not ${a.creator}.`,
  MotifCertificateColourwayOwnerMismatch: (a) => `A colourway of design ${a.designId} is minted to the design's owner ${a.designOwner}, not to ${a.to}.`,
  MotifCertificateColourwayMovesWithItsDesign: (a) => `Colourway ${a.colourwayId} cannot be transferred on its own: a design and its colourways have one owner, so transfer design ${a.designId} and every colourway moves with it.`,
  MotifCertificateTooManyColourways: (a) => `Design ${a.designId} already has ${a.maxColourways} colourways, the most a design can have.`,
  MotifLicensingNotForColourways: (a) => `Licence ${a.licenseId} is of the design of colourway ${a.tokenId}, but its terms do not cover colourways (ALL_COLOURWAYS): it covers the design only.`,
  MotifCertificateRoyaltyTooHigh: (a) => `A royalty of ${a.royaltyBps} is above the ${a.maxBps} maximum.`,
  MotifCertificateRoyaltyIncrease: (a) => `The royalty of certificate ${a.tokenId} may only go down: it is ${a.currentBps}, ${a.requestedBps} asked.`,
  MotifCertificateRecipeShareTooHigh: (a) => `A recipe share of ${a.shareBps} is above the ${a.maxBps} maximum.`,
  MotifCertificateUnauthorizedAttester: (a) => `${a.account} is not a registered generator (it lacks the attester role).`,
  MotifCertificateInvalidSignature: () => "The generator's attestation signature does not match this mint.",
  MotifCertificateZeroField: (a) => `${a.field} must not be zero.`,
  MotifModelRegistryUnknownModel: (a) => `There is no model ${a.modelId}.`,
  MotifModelRegistryNotModelOwner: (a) => `Only the owner of model ${a.modelId} may do this, not ${a.caller}.`,
  MotifModelRegistryDuplicateWeights: (a) => `These weights (${a.weightsDigest}) are already registered as model ${a.existingModelId}.`,
  MotifModelRegistryRoyaltyTooHigh: (a) => `A model royalty of ${a.royaltyBps} is above the ${a.maxBps} maximum.`,
  MotifModelRegistryAlreadyDeprecated: (a) => `Model ${a.modelId} is already deprecated.`,
  AccessControlUnauthorizedAccount: (a) => `${a.account} lacks the role ${a.neededRole}.`,
  EnforcedPause: () => "Minting is paused.",
  TokenDoesNotExist: () => "There is no such certificate.",
  NotOwnerNorApproved: () => "The sender neither owns this certificate nor is approved for it.",
  ReentrancyGuardReentrantCall: () => "A call tried to re-enter the contract.",
  AccessControlBadConfirmation: () => "A role can only be renounced by the account that holds it, naming itself.",
  AccountBalanceOverflow: () => "That account would hold more certificates than the contract can count.",
  BalanceQueryForZeroAddress: () => "The zero address owns no certificates; ask about a real account.",
  ExpectedPause: () => "Minting is not paused.",
  InvalidShortString: () => "A name stored as a short string is malformed.",
  StringTooLong: (a) => `The text ${a.str} is too long to store as a short string.`,
  TokenAlreadyExists: () => "That certificate already exists.",
  TransferFromIncorrectOwner: () => "The certificate is not owned by the account it is being transferred from.",
  TransferToNonERC721ReceiverImplementer: () => "The recipient is a contract that does not accept ERC-721 certificates.",
  TransferToZeroAddress: () => "A certificate cannot be transferred to the zero address.",
  SafeERC20FailedOperation: (a) => `The token ${a.token} refused the transfer.`,
  MotifCertificateInvalidBatchLength: (a) => `A batch of ${a.length} certificates is empty or above the ${a.maxLength} maximum.`,
  MotifCertificateInvalidMemberCount: (a) => `A dataset of ${a.members} members is empty or above the ${a.maxMembers} maximum.`,
  MotifCertificateReservedId: (a) => `Id ${a.tokenId} lies in the reserved id space ${a.prefix} (recipes and datasets); it cannot be a pattern.`,
  MotifCertificateUnexpectedValue: (a) => `This call takes no payment; ${a.value} was sent.`,
  MotifCertificateModelIdTooLarge: (a) => `Model ${a.modelId} is above ${a.maxModelId}, the highest model id a certificate can record.`,
  MotifCertificateTooManyCreators: (a) => `All ${a.maxCreators} creator ids a certificate can record are taken; a new creator cannot mint on this contract.`,
  MotifCertificateMintBlockTooLate: (a) => `The chain is at block ${a.blockNumber}, past block ${a.lastBlock}, the last one this certificate contract can record a mint in.`,
  MotifCertificateUnsupportedCodec: (a) => `Codec ${a.codec} is not a supported CID codec (raw, dag-pb, dag-cbor, dag-json, json).`,
  MotifLicensingBreachFlagged: (a) => `Licence ${a.licenseId} has a breach flagged; it cannot move or renew until an arbiter clears it.`,
  MotifLicensingEthTransferFailed: (a) => `Sending ${a.amount} to ${a.account} failed.`,
  MotifLicensingExclusiveLimit: (a) => `Certificate ${a.tokenId} already has the maximum ${a.max} exclusive licences that have not ended.`,
  MotifLicensingFeeOnTransfer: (a) => `The token ${a.token} delivered ${a.received} instead of ${a.expected}; fee-on-transfer tokens are not accepted.`,
  MotifLicensingHolderLimit: (a) => `${a.licensee} already holds the maximum ${a.max} licences of certificate ${a.tokenId}.`,
  MotifLicensingInvalidSignature: () => "The licensor's signature does not match this offer.",
  MotifLicensingNoTransferPending: (a) => `No transfer of licence ${a.licenseId} to ${a.caller} is pending (pending: ${a.pendingTo}).`,
  MotifLicensingNotOfferLicensee: (a) => `This offer is only for ${a.licensee}, not ${a.caller}.`,
  MotifLicensingRenewalTooEarly: (a) => `Licence ${a.licenseId} can be renewed from ${a.opensAt} (its last period; it ends at ${a.end}).`,
  MotifLicensingTransferred: (a) => `Licence ${a.licenseId} was transferred to another licensee.`,
  MotifModelRegistryInvalidLength: (a) => `The model's ${a.field} is ${a.length} bytes; it must be 1 to ${a.maxLength}.`,
  MotifModelRegistryNotPendingOwner: (a) => `${a.caller} is not the pending owner of model ${a.modelId}.`,
  MotifModelRegistryRoyaltyIncrease: (a) => `The royalty share of model ${a.modelId} may only go down: it is ${a.currentBps}, ${a.requestedBps} asked.`,
  MotifModelRegistryUnsupportedCodec: (a) => `Codec ${a.codec} is not a supported CID codec for weights.`,
  MotifModelRegistryZeroDigest: (a) => `The model's ${a.field} must not be zero.`,
  MotifModelRegistryZeroOwner: () => "A model needs an owner (not the zero address).",
  MotifCertificateDatasetShareTooHigh: (a) => `A dataset share of ${a.shareBps} is above the ${a.maxBps} maximum.`,
  MotifModelRegistryLicensingUnset: () => "The registry cannot check a training dataset yet: its licensing contract is not set (the admin calls setLicensing once after deploying).",
  MotifModelRegistryLicensingAlreadySet: (a) => `The registry's licensing contract is already set, to ${a.current}.`,
  MotifModelRegistryInvalidLicensing: (a) => `${a.licensing} is not a Motif licensing contract bound to this registry.`,
  MotifModelRegistryNotADataset: (a) => `Certificate ${a.datasetId} is a ${a.kind}, not a dataset; a model can only name a dataset certificate as its training data.`,
  MotifModelRegistryDataRootMismatch: (a) => `The declared training data root ${a.declared} is not dataset ${a.datasetId}'s root ${a.certified}.`,
  MotifModelRegistryTrainingNotLicensed: (a) => `${a.owner} neither owns dataset ${a.datasetId} nor holds a live AI-training licence of it, so a model of theirs cannot claim to be trained on it.`,
};

/** Which contract an error comes from, in words, by its name's prefix. */
const source = (errorName: string) =>
  errorName.startsWith("MotifLicensing") ? ["Motif licensing", errorName.slice(14)]
  : errorName.startsWith("MotifCertificate") ? ["Motif certificate", errorName.slice(16)]
  : errorName.startsWith("MotifModelRegistry") ? ["Motif model registry", errorName.slice(18)]
  : errorName.startsWith("MotifRegion") ? ["Motif regions", errorName.slice(11)]
  : ["The contract", errorName];

/**
 * One Motif custom error, decoded, as a sentence: token and licence ids in 0x hex (64 digits),
 * regions by ISO code, amounts in ETH, times as UTC dates. Errors without a sentence of their own
 * (e.g. added to the contracts later) are worded from their ABI's argument names and types.
 *
 * @example
 * import { describeMotifError } from "@motif/sdk";
 * describeMotifError("MotifLicensingRegionNotAllowed", [1n, 233n]); // "Licence 0x…01 does not cover United States (US)."
 */
export function describeMotifError(
  errorName: string,
  args: readonly unknown[] = [],
  abiItem?: { inputs: readonly AbiParameter[] },
  context: { currency?: Address } = {},
): string {
  // the currency of the call (an offer's terms), for amounts the error carries without one
  const ctx: Ctx = context.currency === undefined ? {} : { currency: context.currency === zeroAddress ? "ETH" : getAddress(context.currency) };
  const item = (abiItem?.inputs.length === args.length ? abiItem : undefined) ?? motifErrorsAbi.find((e) => e.name === errorName && e.inputs.length === args.length) ?? motifErrorsAbi.find((e) => e.name === errorName);
  const inputs: readonly AbiParameter[] = item?.inputs ?? args.map((_, i) => ({ name: `arg${i}`, type: typeof args[i] === "bigint" ? "uint256" : typeof args[i] === "boolean" ? "bool" : "string" }) as AbiParameter);
  const currencyArg = inputs.findIndex((p) => p.type === "address" && /^(currency|token)$/i.test(p.name ?? ""));
  const c: Ctx = { ...ctx, errorName, ...(currencyArg >= 0 && typeof args[currencyArg] === "string" ? { currency: formatValue(inputs[currencyArg]!, args[currencyArg], {}) } : {}) };
  const a = named(inputs, args, c);
  const specific = (SENTENCES as unknown as Record<string, ((a: Named) => string) | undefined>)[errorName];
  if (specific !== undefined) {
    const sentence = specific(a);
    // a sentence naming an argument the ABI no longer has falls back to the generic wording
    if (!sentence.includes("undefined")) return sentence;
  }
  const [from, rest] = source(errorName);
  const what = words(rest!).join(" ") || errorName;
  return `${from} refused: ${what}${a._.length > 0 ? ` (${a._.join(", ")})` : ""}.`;
}

type CallSite = { functionName?: string; read?: boolean; call?: string; currency?: Address };

/** The payment currency a call names: an offer's `terms.currency` (or a `currency` field), if any. */
function currencyOfArgs(args: readonly unknown[]): Address | undefined {
  for (const a of args) {
    if (a === null || typeof a !== "object") continue;
    const o = a as { terms?: { currency?: unknown }; offer?: { terms?: { currency?: unknown } }; currency?: unknown };
    const c = o.terms?.currency ?? o.offer?.terms?.currency ?? o.currency;
    if (typeof c === "string" && isAddress(c)) return c;
  }
  return undefined;
}

/** The function a viem error was calling, whether it was a read (eth_call of a view) and its args in words. */
function callSite(error: BaseError): CallSite {
  const fe = error.walk((e) => e instanceof ContractFunctionExecutionError) as ContractFunctionExecutionError | null;
  if (fe !== null) {
    const fn = (fe.abi as Abi).find((x): x is AbiFunction => x.type === "function" && x.name === fe.functionName);
    const read = fn === undefined ? undefined : fn.stateMutability === "view" || fn.stateMutability === "pure";
    const args = (fe.args ?? []) as readonly unknown[];
    const shown = fn?.inputs
      .map((p, i) => (/^(tuple|bytes)$/.test(p.type) || p.type.endsWith("]") ? undefined : `${label(p.name || `arg${i}`)} ${formatValue(p, args[i], {})}`))
      .filter((x): x is string => x !== undefined);
    const currency = currencyOfArgs(args);
    return { functionName: fe.functionName, ...(read !== undefined ? { read } : {}), ...(shown && shown.length > 0 ? { call: shown.join(", ") } : {}), ...(currency !== undefined ? { currency } : {}) };
  }
  if (error.walk((e) => e instanceof TransactionExecutionError || e instanceof EstimateGasExecutionError)) return { read: false };
  if (error.walk((e) => e instanceof CallExecutionError)) return { read: true };
  return {};
}

/** The revert data a viem error carries, decoded with every Motif error (whatever ABI the call used). */
function decodedRevert(error: BaseError): { errorName: string; args: readonly unknown[]; abiItem?: { inputs: readonly AbiParameter[] } } | { reason: string } | { none: true } | undefined {
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null;
  if (revert?.data?.errorName !== undefined && revert.data.errorName !== "Error" && revert.data.errorName !== "Panic") {
    // the ABI item the call decoded it with names the arguments, even of an error newer than this SDK
    return { errorName: revert.data.errorName, args: (revert.data.args ?? []) as readonly unknown[], abiItem: revert.data.abiItem as { inputs: readonly AbiParameter[] } };
  }
  const raw = revert?.raw ?? (error.walk((e) => isHex((e as { data?: unknown }).data) && ((e as { data: Hex }).data.length >= 10)) as { data?: Hex } | null)?.data;
  if (raw !== undefined && raw.length >= 10) {
    try {
      const d = decodeErrorResult({ abi: motifErrorsAbi as Abi, data: raw });
      return { errorName: d.errorName, args: (d.args ?? []) as readonly unknown[], abiItem: d.abiItem as { inputs: readonly AbiParameter[] } };
    } catch {
      /* not a Motif error */
    }
  }
  if (revert?.reason !== undefined) return { reason: revert.reason };
  if (revert !== null) return { none: true };
  return undefined;
}

/**
 * Any error the SDK, viem or a wallet throws, as a sentence a person can act on. A Motif custom
 * error (from any of the three contracts, a transaction or a read) is worded by
 * `describeMotifError` and named in brackets; a read that reverts says so (it refused no
 * transaction); a rejected signature, missing funds and other viem errors get their short message,
 * never viem's boilerplate (docs link, version, raw call arguments).
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { defaultAddresses, explainMotifError, motifActions } from "@motif/sdk";
 * const motif = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") })
 *   .extend(motifActions({ addresses: defaultAddresses(31337)! }));
 * const tokenId = BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82");
 * try { await motif.requireLicensed({ tokenId, licensee: motif.account.address, region: "US" }); }
 * catch (error) { console.error(explainMotifError(error)); } // "Licence 0x… does not cover United States (US). [MotifLicensingRegionNotAllowed; reading requireLicensed]"
 */
export function explainMotifError(error: unknown): string {
  if (error instanceof BaseError) {
    const motif = error as BaseError & { errorName?: unknown; args?: unknown };
    const site = callSite(error);
    const own = error.name === "MotifContractError" && typeof motif.errorName === "string" && Array.isArray(motif.args) ? { errorName: motif.errorName, args: motif.args as readonly unknown[] } : undefined;
    const decoded: ReturnType<typeof decodedRevert> = decodedRevert(error) ?? own;
    const fn = site.functionName;
    const where = site.read === true ? `reading ${fn ?? "the contract"}` : site.read === false ? `the contract refused the transaction${fn ? ` ${fn}` : ""}` : fn ? `calling ${fn}` : "";
    const about = site.call !== undefined ? ` (${site.call})` : "";
    if (decoded !== undefined && "errorName" in decoded) {
      let sentence = describeMotifError(decoded.errorName, decoded.args, decoded.abiItem, site.currency !== undefined ? { currency: site.currency } : {});
      // an error without arguments (e.g. ERC-721's TokenDoesNotExist) names what was asked
      if (decoded.args.length === 0 && about !== "") sentence = `${sentence.replace(/\.$/, "")}${about}.`;
      return `${sentence} [${decoded.errorName}${where ? `; ${where}` : ""}]`;
    }
    if (decoded !== undefined && "reason" in decoded) {
      return `${site.read === false ? "The contract refused the transaction" : "The contract reverted"}: ${decoded.reason}${fn ? ` [${site.read === false ? "" : "reading "}${fn}${about}]` : ""}`;
    }
    if (decoded !== undefined) {
      return site.read === false
        ? `The contract refused the transaction${fn ? ` ${fn}` : ""}${about} without giving a reason.`
        : `Reading ${fn ?? "the contract"}${about} reverted without a reason (is the address a Motif contract on this chain?).`;
    }
    if (error.walk((e) => e instanceof UserRejectedRequestError || (e as { code?: number }).code === 4001)) return "The request was rejected in the wallet. Nothing was signed or sent.";
    if (error.walk((e) => e instanceof InsufficientFundsError) || /insufficient funds/i.test(error.message)) return "The account cannot pay for this (value plus gas).";
    // the short message and viem's one-line details (e.g. "fetch failed"), never its docs/version lines
    const details = error.details?.split("\n")[0]?.trim();
    // the host a failed request went to (never the rest of its URL: RPC URLs carry API keys)
    const url = (error.walk((e) => typeof (e as { url?: unknown }).url === "string") as { url?: string } | null)?.url;
    let host: string | undefined;
    try {
      host = url !== undefined ? new URL(url).host : undefined;
    } catch {
      host = undefined;
    }
    const said = details && details !== error.shortMessage && !/\d{60,}/.test(details) ? `${error.shortMessage} (${details})` : error.shortMessage;
    return host ? `${said} [${host}]` : said;
  }
  if ((error as { code?: number } | null)?.code === 4001) return "The request was rejected in the wallet. Nothing was signed or sent.";
  if (error instanceof Error) return error.message;
  return String(error);
}
