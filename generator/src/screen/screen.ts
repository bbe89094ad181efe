import { PDQ_MATCH_DISTANCE, type PdqDihedralResult } from "../pdq/pdq.js";
import type { IndexMatch, PdqIndex } from "./pdq-index.js";

export type DihedralVariant = Exclude<keyof PdqDihedralResult, "quality">;

const VARIANTS: DihedralVariant[] = [
  "original",
  "rotate90",
  "rotate180",
  "rotate270",
  "flipX",
  "flipY",
  "flipPlus1",
  "flipMinus1",
];

/** Stage input: the candidate pattern's eight dihedral PDQ hashes. */
export type ScreenInput = { pdq: PdqDihedralResult };

/** Stage output: cleared when nothing indexed is within the threshold of any variant. */
export type ScreenReport = {
  cleared: boolean;
  maxDistance: number;
  /** One line per matched work: the closest variant, closest first. */
  matches: Array<IndexMatch & { variant: DihedralVariant }>;
};

/**
 * Screening before clearance: the pattern and its seven rotations/mirrors are looked up in the
 * near-duplicate index (certificates already minted plus imported third-party works). A rotated or
 * mirrored copy of an indexed work is still a copy.
 */
export function screen(index: PdqIndex, input: ScreenInput, maxDistance = PDQ_MATCH_DISTANCE): ScreenReport {
  const best = new Map<string, IndexMatch & { variant: DihedralVariant }>();
  for (const variant of VARIANTS) {
    for (const m of index.query(input.pdq[variant], maxDistance)) {
      const key = `${m.hash}\u0000${m.label}`;
      const seen = best.get(key);
      if (seen === undefined || m.distance < seen.distance) best.set(key, { ...m, variant });
    }
  }
  const matches = [...best.values()].sort((a, b) => a.distance - b.distance || a.label.localeCompare(b.label));
  return { cleared: matches.length === 0, maxDistance, matches };
}
