import { describeMotifError, MotifContractError, tokenIdHex } from "@motif/sdk";
import { RenderInputError } from "../render/render.js";
import type { BankMatch, BankScreenReport } from "../screen/banks.js";
import { RecipeRefusedError } from "./recipe.js";

/** Why a pattern was refused, as a code a program branches on. */
export type RefusalCode = "near-duplicate" | "invalid-request" | "model-not-registered" | "model-inactive" | "recipe" | "not-a-colourway";

/**
 * One refusal, the same code and words whichever path refused it (in-process, journaled batch,
 * queue worker or minter). Nothing of the pattern was minted; `matches` for a near-duplicate.
 */
export type Refusal = { code: RefusalCode | (string & {}); reason: string; matches?: BankMatch[] };

/** A refusal thrown by a stage (the runner returns near-duplicates, other refusals are thrown). */
export class PatternRefusedError extends Error {
  override name = "PatternRefusedError";
  constructor(readonly refusal: Refusal) {
    super(refusal.reason);
  }
}

/** The words of a near-duplicate refusal: the closest match, its bank, signal and transform. */
export function nearDuplicate(report: BankScreenReport): Refusal {
  const top = report.matches[0]!;
  return { code: "near-duplicate", reason: `near-duplicate of ${top.label} at distance ${top.distance} (bank ${top.bank}, ${top.signal}; ${top.transform})`, matches: report.matches };
}

/** The refusal of a model the registry does not know under this name on this chain. */
export const modelNotRegistered = (model: string): Refusal => ({
  code: "model-not-registered",
  reason: `model: "${model}" has no registry id on this chain (register its weights in MotifModelRegistry first)`,
});

/** The refusal of a pattern whose certificate exists already, credited to another creator (the same render minted elsewhere first). */
export const certifiedByAnother = (tokenId: bigint, creator: string): Refusal => ({
  code: "near-duplicate",
  reason: `near-duplicate of certificate ${tokenIdHex(tokenId)} at distance 0: the same image is certified, credited to ${creator}, not to this generator's creator`,
});

/** The contract's refusals of a colourway for its design's state (checked before rendering, changed since). */
const COLOURWAY_REFUSALS = new Set([
  "MotifCertificateColourwayOwnerMismatch",
  "MotifCertificateNotOwnerOrApproved",
  "MotifCertificateTooManyColourways",
  "MotifCertificateDesignIsColourway",
  "MotifCertificateUnknownDesign",
]);

/**
 * The one status/refusal mapping: the refusal an error stands for, or undefined for a failure that
 * is no fault of the request (a node down, a store unreachable) and may succeed when retried.
 */
export function refusalOf(error: unknown): Refusal | undefined {
  if (error instanceof PatternRefusedError) return error.refusal;
  if (error instanceof RenderInputError) return { code: "invalid-request", reason: error.message };
  if (error instanceof RecipeRefusedError) return { code: "recipe", reason: error.reason };
  if (error instanceof MotifContractError && error.errorName === "MotifCertificateModelNotActive") {
    // the contract's words without the call site, which differs between `mint` and `mintBatch`
    return { code: "model-inactive", reason: `${describeMotifError(error.errorName, error.args)} [${error.errorName}]` };
  }
  if (error instanceof MotifContractError && COLOURWAY_REFUSALS.has(error.errorName)) {
    // the design moved on between the colourway's check and its mint (sold, filled, approval withdrawn):
    // this colourway is refused, the rest of a batch goes on
    return { code: "not-a-colourway", reason: `${describeMotifError(error.errorName, error.args)} [${error.errorName}]` };
  }
  return undefined;
}

/** What became of one pattern, in the words every path journals and reports. */
export type PatternOutcome = { status: "refused"; code: Refusal["code"]; reason: string } | { status: "pinned" | "attested" | "minted"; already?: boolean };

/** The outcome of a run: its result's status, or the refusal its error stands for; other errors are rethrown. */
export async function outcomeOf(run: Promise<{ status: string; refusal?: Refusal; already?: boolean }>): Promise<PatternOutcome> {
  try {
    const r = await run;
    if (r.status === "refused") return { status: "refused", code: r.refusal!.code, reason: r.refusal!.reason };
    return { status: r.status as "pinned" | "attested" | "minted", ...(r.already === true ? { already: true } : {}) };
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal === undefined) throw error;
    return { status: "refused", code: refusal.code, reason: refusal.reason };
  }
}
