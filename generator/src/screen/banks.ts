import { hammingDistance256 } from "@motif/sdk";
import type { PdqDihedralResult } from "../pdq/pdq.js";
import { type IndexEntry, type IndexMatch, PdqIndex } from "./pdq-index.js";
import { type CandidateSignals, DEFAULT_THRESHOLDS, MAX_THRESHOLD, type QueryHash, SIGNAL_TYPES, type SignalType } from "./signals.js";

/**
 * Hash banks: named lists of works screening compares a candidate with, as Meta's
 * Hasher-Matcher-Actioner keeps banks of signals.
 *
 * - A **block** bank (the chain's certificates, a studio's archive, a registry of third-party works,
 *   an imported ThreatExchange list) refuses a candidate within its threshold of an entry.
 * - An **allow** bank holds known false positives: works that match block entries but are not copies
 *   of them (a plain stripe every studio draws, a licensed reuse). The rule, exactly: a match of the
 *   candidate's query hash q (one transform of one signal) with block entry E is **cleared** when the
 *   same q is within the allow bank's threshold of an allow entry A of the same signal, and A itself is
 *   within the block bank's threshold of E (A is a known false positive *of E*), and q is strictly closer
 *   to A than to E (the candidate is the false positive, not a copy of the work). A candidate is cleared
 *   when every one of its block matches is cleared. An allow entry therefore never clears a match with
 *   another work than the ones it matches itself, nor a match through another signal.
 *
 * Every bank has its own threshold per signal (inclusive Hamming distance, 0..MAX_THRESHOLD).
 */
export type BankKind = "block" | "allow";

export const BANK_KINDS: readonly BankKind[] = ["block", "allow"];

/** The chain's certificates: the default bank, rebuilt from `CertificateMinted` events, never removed. */
export const CERTIFICATES_BANK = "certificates";

/** A bank name: letters, digits, `_` and `-`, 1..64 characters, starting with a letter or digit. */
export const BANK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** One entry: a signal, its 64-hex-digit hash, and what it is (label). */
export type BankEntry = { signal: SignalType; hash: string; label: string };

export type Thresholds = Record<SignalType, number>;

export type BankSettings = { name: string; kind: BankKind; thresholds: Thresholds };

/** A bank's input error, in words, naming the field (and the line of a file). */
export class BankError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "BankError";
  }
}

/** No bank of that name: the message lists the known banks. */
export class UnknownBankError extends BankError {
  constructor(name: string, known: readonly string[]) {
    super("name", `name: no bank "${name}"; known banks: ${known.join(", ")}`);
    this.name = "UnknownBankError";
  }
}

/** Throws unless `name` is a valid bank name. */
export function checkBankName(name: unknown, field = "name"): string {
  if (typeof name !== "string" || !BANK_NAME.test(name)) {
    throw new BankError(field, `${field}: "${String(name).slice(0, 80)}" is not a bank name (1..64 letters, digits, "_" or "-", starting with a letter or digit)`);
  }
  return name;
}

/** Throws unless `value` is a threshold (integer 0..MAX_THRESHOLD). */
export function checkThreshold(value: unknown, field: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_THRESHOLD) {
    throw new BankError(field, `${field}: ${JSON.stringify(value)} is not a threshold; expected an integer Hamming distance in 0..${MAX_THRESHOLD}`);
  }
  return value;
}

/** Throws unless `signal` is a signal type. */
export function checkSignal(signal: unknown, field = "signal"): SignalType {
  if (typeof signal !== "string" || !(SIGNAL_TYPES as readonly string[]).includes(signal)) {
    throw new BankError(field, `${field}: "${String(signal).slice(0, 40)}" is not a signal type; expected one of ${SIGNAL_TYPES.join(", ")}`);
  }
  return signal as SignalType;
}

const HEX64 = /^[0-9a-fA-F]{64}$/;

/** Throws unless `hash` is 64 hex digits; returns it in lower case. */
export function checkHash(hash: unknown, field = "hash"): string {
  if (typeof hash !== "string" || !HEX64.test(hash)) {
    throw new BankError(field, `${field}: expected 64 hex digits (a 256-bit hash), got "${String(hash).slice(0, 80)}"`);
  }
  return hash.toLowerCase();
}

/** Parses `pdq=N,tile=N` (either or both) over `base`; throws naming the signal and the range. */
export function parseThresholds(spec: string, base: Thresholds = { ...DEFAULT_THRESHOLDS }, field = "--threshold"): Thresholds {
  const out = { ...base };
  for (const part of spec.split(",")) {
    const m = /^\s*([a-z]+)\s*=\s*(\S+)\s*$/.exec(part);
    if (m === null) throw new BankError(field, `${field}: "${part}" is not signal=N (e.g. pdq=28,tile=36)`);
    const signal = checkSignal(m[1], field);
    const n = Number(m[2]);
    if (!/^\d+$/.test(m[2]!) || n > MAX_THRESHOLD) throw new BankError(field, `${field}: ${signal}=${m[2]} is not a threshold; expected an integer Hamming distance in 0..${MAX_THRESHOLD}`);
    out[signal] = n;
  }
  return out;
}

/** The index's exact query answers up to its own bound; above it, the brute-force scan (same result). */
function queryIndex(index: PdqIndex, hash: string, maxDistance: number): IndexMatch[] {
  try {
    return index.query(hash, maxDistance);
  } catch (error) {
    if (error instanceof RangeError && /maxDistance/.test(error.message)) return index.scan(hash, maxDistance);
    throw error;
  }
}

/** One bank: its settings and one index per signal it holds. */
export class Bank {
  readonly name: string;
  readonly kind: BankKind;
  readonly thresholds: Thresholds;
  private readonly indexes: Partial<Record<SignalType, PdqIndex>>;
  /** Labels `forget` took out (lower case). */
  private readonly forgotten = new Set<string>();

  constructor(settings: BankSettings, indexes: Partial<Record<SignalType, PdqIndex>> = {}) {
    this.name = checkBankName(settings.name);
    this.kind = settings.kind;
    this.thresholds = { ...DEFAULT_THRESHOLDS, ...settings.thresholds };
    for (const s of SIGNAL_TYPES) checkThreshold(this.thresholds[s], `thresholds.${s}`);
    this.indexes = { ...indexes };
  }

  /** A bank holding `entries` (checked: signal, 64 hex digits). */
  static fromEntries(settings: BankSettings, entries: Iterable<BankEntry>): Bank {
    const per: Partial<Record<SignalType, IndexEntry[]>> = {};
    for (const e of entries) (per[e.signal] ??= []).push({ hash: e.hash, label: e.label });
    const indexes: Partial<Record<SignalType, PdqIndex>> = {};
    for (const s of SIGNAL_TYPES) if (per[s] !== undefined) indexes[s] = PdqIndex.build(per[s]!);
    return new Bank(settings, indexes);
  }

  /** Entries per signal (less those `forget` took out). */
  get sizes(): Record<SignalType, number> {
    const count = (s: SignalType) => (this.forgotten.size === 0 ? (this.indexes[s]?.size ?? 0) : (this.indexes[s]?.entries() ?? []).filter((e) => !this.forgotten.has(e.label.toLowerCase())).length);
    return Object.fromEntries(SIGNAL_TYPES.map((s) => [s, count(s)])) as Record<SignalType, number>;
  }

  get size(): number {
    const sizes = this.sizes;
    return SIGNAL_TYPES.reduce((n, s) => n + sizes[s], 0);
  }

  /** The index of one signal (shared: the certificates bank's PDQ index is the pipeline's). */
  index(signal: SignalType): PdqIndex | undefined {
    return this.indexes[signal];
  }

  /** Adds an entry (in memory; the bank store persists banks). */
  add(entry: BankEntry): void {
    (this.indexes[entry.signal] ??= PdqIndex.build([])).add({ hash: entry.hash, label: entry.label });
  }

  /** Entries within this bank's threshold of `hash` for `signal` (or within `maxDistance`). */
  query(signal: SignalType, hash: string, maxDistance = this.thresholds[signal]): IndexMatch[] {
    const index = this.indexes[signal];
    const found = index === undefined || index.size === 0 ? [] : queryIndex(index, hash, maxDistance);
    return this.forgotten.size === 0 ? found : found.filter((m) => !this.forgotten.has(m.label.toLowerCase()));
  }

  /**
   * Takes every entry labelled `label` out of this bank's queries, entries and sizes (in memory: an
   * index only grows; what reads `index(signal)` itself still sees them). A batch rerun's entries of
   * patterns signed before a crash are taken out so (`runBatch`).
   */
  forget(label: string): void {
    this.forgotten.add(label.toLowerCase());
  }

  *entries(): Generator<BankEntry> {
    for (const s of SIGNAL_TYPES) for (const e of this.indexes[s]?.entries() ?? []) if (!this.forgotten.has(e.label.toLowerCase())) yield { signal: s, hash: e.hash, label: e.label };
  }

  settings(): BankSettings {
    return { name: this.name, kind: this.kind, thresholds: { ...this.thresholds } };
  }
}

/** Where a live set of banks comes from: a fixed list, or a bank store that reloads on change. */
export class BankSet {
  private banks = new Map<string, Bank>();

  /** `certificates`: the chain's certificates bank (its PDQ index is the pipeline's `index`). */
  constructor(readonly certificates: Bank, others: Iterable<Bank> = []) {
    if (certificates.name !== CERTIFICATES_BANK || certificates.kind !== "block") throw new BankError("certificates", `certificates: the default bank must be the block bank "${CERTIFICATES_BANK}"`);
    this.replace(others);
  }

  /** A set with the certificates bank over `index` (PDQ) and `tile` (tile hashes, when given), and no other bank. */
  static ofIndex(index: PdqIndex, thresholds: Thresholds = { ...DEFAULT_THRESHOLDS }, tile?: PdqIndex): BankSet {
    return new BankSet(new Bank({ name: CERTIFICATES_BANK, kind: "block", thresholds }, { pdq: index, ...(tile !== undefined ? { tile } : {}) }));
  }

  /**
   * A cleared pattern joins the certificates bank: its PDQ hash and, when it has a reliable one, its
   * tile hash. `design`: the pattern is a colourway of that design (its token id), so a sibling
   * screened later in this process, before the chain lists this one among the design's colourways,
   * meets it as family (`familyOf`).
   */
  remember(label: string, pdqHash: string, tileHash?: string, design?: bigint): void {
    this.certificates.add({ signal: "pdq", hash: pdqHash, label });
    if (tileHash !== undefined) this.certificates.add({ signal: "tile", hash: tileHash, label });
    if (design !== undefined) this.designs.set(label.toLowerCase(), design);
  }

  /** The design a remembered colourway's entry (`label`) belongs to; undefined for any other entry. */
  familyOf(label: string): bigint | undefined {
    return this.designs.get(label.toLowerCase());
  }

  private readonly designs = new Map<string, bigint>();

  /** Replaces every bank but the certificates (what a reload of the store does). */
  replace(others: Iterable<Bank>, certificateThresholds?: Thresholds): void {
    const next = new Map<string, Bank>();
    for (const b of others) {
      if (b.name === CERTIFICATES_BANK) throw new BankError("name", `name: "${CERTIFICATES_BANK}" is the chain's bank, rebuilt from its events`);
      next.set(b.name, b);
    }
    this.banks = next;
    if (certificateThresholds !== undefined) Object.assign(this.certificates.thresholds, certificateThresholds);
  }

  get(name: string): Bank | undefined {
    return name === CERTIFICATES_BANK ? this.certificates : this.banks.get(name);
  }

  /** Every bank, the certificates first, then by name. */
  list(): Bank[] {
    return [this.certificates, ...[...this.banks.values()].sort((a, b) => a.name.localeCompare(b.name))];
  }

  names(): string[] {
    return this.list().map((b) => b.name);
  }
}

/** A PDQ dihedral variant (the eight hashes of `pdqDihedral*`). */
export type DihedralVariant = Exclude<keyof PdqDihedralResult, "quality">;

/**
 * The transform of an original that a candidate's PDQ variant reveals, in words: a candidate whose
 * `rotate90` variant matches a work is that work rotated 90° clockwise (checked against sharp's own
 * rotations and mirrors in generator/test/banks.test.ts; the ThreatExchange fixture `bridge-2-rotate-90.jpg`
 * is the original rotated 90° counter-clockwise).
 */
export const PDQ_VARIANT_WORDS: Readonly<Record<DihedralVariant, string>> = {
  original: "as is",
  rotate90: "rotated 90° clockwise",
  rotate180: "rotated 180°",
  rotate270: "rotated 90° counter-clockwise",
  flipY: "mirrored left-right",
  flipX: "mirrored top-bottom",
  flipMinus1: "mirrored on the main diagonal",
  flipPlus1: "mirrored on the anti-diagonal",
};

const VARIANTS = Object.keys(PDQ_VARIANT_WORDS) as DihedralVariant[];

/** The PDQ query hashes of a candidate: its eight dihedral variants with their transform in words. */
export function pdqQueries(pdq: PdqDihedralResult): Array<QueryHash & { variant: DihedralVariant }> {
  return VARIANTS.map((variant) => ({ hash: pdq[variant], transform: PDQ_VARIANT_WORDS[variant], variant }));
}

/** A candidate's match with one bank entry. */
export type BankMatch = {
  bank: string;
  signal: SignalType;
  label: string;
  /** The matched entry's hash. */
  hash: string;
  distance: number;
  /** The bank's threshold for this signal. */
  threshold: number;
  /** The transform of the entry the candidate is, in words ("as is", "rotated 90° clockwise", …). */
  transform: string;
  /** For PDQ: the candidate's dihedral variant that matched. */
  variant?: DihedralVariant;
};

/** A block match cleared by an allow-list entry. */
export type AllowedMatch = BankMatch & { allowedBy: { bank: string; label: string; hash: string; distance: number } };

/** The screening: cleared when no block match is left once the allow-lists are applied. */
export type BankScreenReport = {
  cleared: boolean;
  /** The certificates bank's PDQ threshold (each match carries its own bank's threshold). */
  maxDistance: number;
  /** Block matches not cleared by an allow-list: one per bank entry, its closest transform, closest first. */
  matches: BankMatch[];
  /** Block matches an allow-list entry cleared (rule in banks.ts). */
  allowed: AllowedMatch[];
};

type Query = QueryHash & { variant?: DihedralVariant };

/** Screens a candidate's signals against every bank of `set` (rule above). */
export function screenBanks(set: BankSet, signals: { [S in SignalType]?: readonly Query[] }): BankScreenReport {
  const banks = set.list();
  const allowBanks = banks.filter((b) => b.kind === "allow");
  const open = new Map<string, BankMatch>();
  const cleared = new Map<string, AllowedMatch>();
  for (const signal of SIGNAL_TYPES) {
    const queries = signals[signal];
    if (queries === undefined) continue;
    for (const q of queries) {
      const hash = checkHash(q.hash, `${signal} query hash`);
      let allowHits: Array<{ bank: Bank; match: IndexMatch }> | undefined;
      for (const bank of banks) {
        if (bank.kind !== "block") continue;
        for (const m of bank.query(signal, hash)) {
          const match: BankMatch = {
            bank: bank.name,
            signal,
            label: m.label,
            hash: m.hash,
            distance: m.distance,
            threshold: bank.thresholds[signal],
            transform: q.transform,
            ...(q.variant !== undefined ? { variant: q.variant } : {}),
          };
          const key = `${bank.name}\u0000${signal}\u0000${m.hash}\u0000${m.label}`;
          allowHits ??= allowBanks.flatMap((a) => a.query(signal, hash).map((match) => ({ bank: a, match })));
          // the candidate must be closer to the known false positive than to the work: an exact copy of E
          // stays a copy of E even when a false positive of E was allow-listed
          const by = allowHits.find((a) => a.match.distance < m.distance && hammingDistance256(a.match.hash, m.hash) <= bank.thresholds[signal]);
          if (by === undefined) {
            const seen = open.get(key);
            if (seen === undefined || match.distance < seen.distance) open.set(key, match);
          } else {
            const seen = cleared.get(key);
            if (seen === undefined || match.distance < seen.distance) {
              cleared.set(key, { ...match, allowedBy: { bank: by.bank.name, label: by.match.label, hash: by.match.hash, distance: by.match.distance } });
            }
          }
        }
      }
    }
  }
  // an entry matched through one transform that no allow entry clears stays a match
  for (const key of open.keys()) cleared.delete(key);
  const order = (a: BankMatch, b: BankMatch) => a.distance - b.distance || a.bank.localeCompare(b.bank) || a.label.localeCompare(b.label);
  const matches = [...open.values()].sort(order);
  return { cleared: matches.length === 0, maxDistance: set.certificates.thresholds.pdq, matches, allowed: [...cleared.values()].sort(order) };
}

/** `CandidateSignals` from the fingerprint stage's output: PDQ's eight variants, and the tile hashes when present. */
export function candidateSignals(fp: { pdq: PdqDihedralResult; tile?: readonly QueryHash[] }): CandidateSignals & { pdq: Query[] } {
  return { pdq: pdqQueries(fp.pdq), ...(fp.tile !== undefined ? { tile: [...fp.tile] } : {}) };
}
