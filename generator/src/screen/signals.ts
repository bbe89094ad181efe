/**
 * The signals screening compares. Both are 256-bit binary hashes (64 hex digits) compared by Hamming
 * distance, so one index structure serves both:
 *
 * - `pdq`: Meta's PDQ, bit-exact with the reference — the interchange format of hash-sharing programs
 *   (ThreatExchange, HMA). Made for photos: a shifted or re-tiled seamless pattern defeats it.
 * - `tile`: Motif's repeat-aware fingerprint of a seamless pattern — the same for any tile origin,
 *   repeat count or scale, and made robust to the eight rotations/mirrors, JPEG, blur, noise and a
 *   colourway change (see `generator/src/tile/`).
 */
import { TILE_MATCH_DISTANCE } from "@motif/sdk";

export type SignalType = "pdq" | "tile";

export const SIGNAL_TYPES: readonly SignalType[] = ["pdq", "tile"];

/** Default match thresholds (Hamming distance, inclusive) per signal type. */
export const DEFAULT_THRESHOLDS: Readonly<Record<SignalType, number>> = {
  pdq: 31,
  tile: TILE_MATCH_DISTANCE, // 48: every transform of bench/tile.ts caught, no false match in 4.5 M pairs
};

/** Largest threshold any bank may set: the index answers exactly up to here. */
export const MAX_THRESHOLD = 64;

/** One hash a candidate is looked up by, and the transform of the original it would reveal. */
export type QueryHash = { hash: string; transform: string };

/** A candidate's lookups per signal: PDQ's eight dihedral variants; the tile hash's variants when computed. */
export type CandidateSignals = { [S in SignalType]?: QueryHash[] };
