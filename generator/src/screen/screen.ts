import { PDQ_MATCH_DISTANCE, type PdqDihedralResult } from "../pdq/pdq.js";
import { type BankMatch, type BankScreenReport, BankSet, type DihedralVariant, candidateSignals, screenBanks } from "./banks.js";
import { PdqIndex } from "./pdq-index.js";
import { DEFAULT_THRESHOLDS, type QueryHash } from "./signals.js";

export type { DihedralVariant };

/**
 * Stage input: the candidate pattern's eight dihedral PDQ hashes and, when the fingerprint stage
 * computed them, its tile fingerprint's query hashes (each with its transform in words).
 */
export type ScreenInput = { pdq: PdqDihedralResult; tile?: readonly QueryHash[] };

/**
 * Stage output: cleared when no block bank holds a work within its threshold of any variant, once
 * the allow-lists are applied. Each match names the bank, the label, the distance, the signal and
 * the transform (`variant` too for PDQ); `allowed` lists the matches an allow-list cleared.
 */
/** The screening; for a colourway, `family` lists the matches with its design's family it cleared (not copies). */
export type ScreenReport = BankScreenReport & { family?: BankMatch[] };

/**
 * Screening before clearance: the pattern and its seven rotations/mirrors (and its tile hashes) are
 * looked up in every bank: the chain's certificates, studio archives, third-party registries,
 * imported ThreatExchange/HMA lists; allow-lists clear known false positives (rule in banks.ts).
 * A rotated or mirrored copy of a banked work is still a copy.
 *
 * Given a bare `PdqIndex` (the certificates alone), screens against it at `maxDistance`.
 */
export function screen(source: PdqIndex | BankSet, input: ScreenInput, maxDistance = PDQ_MATCH_DISTANCE): ScreenReport {
  const set = source instanceof PdqIndex ? BankSet.ofIndex(source, { ...DEFAULT_THRESHOLDS, pdq: maxDistance }) : source;
  return screenBanks(set, candidateSignals(input));
}
