import type { Address, Hex } from "viem";

/**
 * The Motif indexer's HTTP API (`@motif/indexer`, on Ponder): what it answers, as JSON. Integers
 * beyond 2^53 (token ids, amounts, blocks) travel as decimal strings; the SDK's actions turn them
 * into bigints. The indexer's handlers are typed against these, so the two cannot drift.
 */

export type CertificateKindName = "pattern" | "recipe" | "dataset";

/** Sort orders of the gallery. */
export const GALLERY_SORTS = ["newest", "oldest", "most-licensed", "recently-licensed"] as const;
export type GallerySort = (typeof GALLERY_SORTS)[number];

/** Largest page the indexer returns. */
export const GALLERY_MAX_PAGE_SIZE = 100;

/** A gallery query: every field optional; filters combine with AND. */
export type GalleryQuery = {
  kind?: CertificateKindName;
  modelId?: number;
  creator?: Address;
  owner?: Address;
  /**
   * Has an on-chain offer covering this region (bit index in the frozen table) that the contract
   * would accept now: its owner's, uses and time left, open to anyone (or to `licensee`), and no
   * exclusive licence (or, for an exclusive offer, no grant) in its way…
   */
  region?: number;
  /** …for a licence window covering [from, to] (unix seconds; with `region` or alone). */
  from?: number;
  to?: number;
  /** Has an open exclusive offer in this region that the contract's exclusivity book would grant now. */
  exclusiveIn?: number;
  /**
   * The price an open offer charges now (a dynamic offer's current price, read from the contract),
   * in `currency`'s smallest unit (wei for ETH); offers in other currencies do not match.
   */
  minPrice?: bigint;
  maxPrice?: bigint;
  /** The currency of the price filters: an ERC-20's address, or ETH (the zero address, the default). */
  currency?: Address;
  /**
   * Who would accept: offers made privately to this account count too (an offer made to another
   * account never does; without it, only offers open to anyone).
   */
  licensee?: Address;
  /**
   * A colourway family: the design and its colourways (`mintColourway`), given the design's token
   * id or any colourway's (with the other filters, the family's members that match them).
   */
  family?: bigint;
  sort?: GallerySort;
  /** 1-based. */
  page?: number;
  pageSize?: number;
};

export type IndexedCertificateJson = {
  tokenId: string;
  kind: CertificateKindName;
  owner: Address;
  creator: Address;
  modelId: number;
  royaltyBps: number;
  metadataDigest: Hex;
  metadataCodec: number;
  seed: string | null;
  pdqHash: Hex | null;
  tileHash: Hex | null;
  recipeId: string | null;
  /** A colourway's design (`designOf`, fixed at its mint); null for any other certificate. */
  designId: string | null;
  /** A design's colourways so far (0 for any other certificate). */
  colourwayCount: number;
  kindDigest: Hex | null;
  members: number | null;
  edits: number;
  mintBlock: string;
  mintedAt: number;
  licenceCount: number;
  lastLicensedAt: number | null;
};

/** `indexedBlock`: the block the index has reached (Ponder's checkpoint), which the answer reflects. */
export type GalleryPageJson = { items: IndexedCertificateJson[]; total: number; page: number; pageSize: number; indexedBlock: string };

/** Largest page of `/v1/patterns`. */
export const PATTERNS_MAX_PAGE_SIZE = 10_000;

/** A pattern's perceptual hashes as minted (what screening and dataset export read). */
export type PatternSignalsJson = { tokenId: string; mintBlock: string; pdqHash: Hex; tileHash: Hex };

/**
 * A page of `/v1/patterns`: every pattern minted up to `upTo` (the indexed block when not asked),
 * oldest first, after a cursor; `next` is the cursor of the following page, null after the last.
 */
export type PatternsPageJson = { items: PatternSignalsJson[]; next: string | null; upTo: string; indexedBlock: string };

export type LicenceStatusName = "active" | "not-started" | "expired" | "revoked" | "transferred" | "breach";

export type IndexedLicenceJson = {
  licenseId: string;
  tokenId: string;
  licensee: Address;
  termsId: number;
  regions: Hex;
  exclusive: boolean;
  start: number;
  /** 1099511627775 (2^40 − 1) for a perpetual licence. */
  end: number;
  currency: Address;
  price: string;
  paid: string;
  renewals: number;
  units: string;
  /** Royalties paid by its usage reports (what the advance covered is not in it). */
  royalties: string;
  /** Its terms' product classes, a mask as 0x hex (bit n - 1 = Nice class n). */
  classes: Hex;
  /** Its terms' royalty on net sales, in basis points (0: none). */
  salesRoyaltyBps: number;
  /** Its terms' advance (minimum guarantee), paid at acceptance. */
  advance: string;
  /** What is left of the advance to recoup against royalties. */
  advanceRemaining: string;
  /** Net sales reported so far (the running total its sales royalty is charged on). */
  netSales: string;
  /** Royalties its reports accrued, the advance's part included. */
  royaltiesAccrued: string;
  /** At the indexer's latest block time. Whether a licence counts is `isLicensed` on the contract. */
  status: LicenceStatusName;
};

export type IndexedOfferJson = {
  offerId: string;
  licensor: Address;
  regions: Hex;
  exclusive: boolean;
  currency: Address;
  price: string;
  ceiling: string;
  windowStart: number;
  windowEnd: number;
  duration: number;
  maxUses: number;
  uses: number;
  deadline: number;
  licensee: Address;
  cancelled: boolean;
};

/**
 * One royalty-statement line (`UsageReported`): units and net sales in a region for one product class,
 * the royalty they accrued and the amount paid (the rest came out of the licence's advance).
 */
export type UsageReportJson = {
  licenseId: string;
  reporter: Address;
  /** Region bit index of the frozen table. */
  region: number;
  niceClass: number;
  units: string;
  netSales: string;
  royalty: string;
  amount: string;
  block: string;
  timestamp: number;
};

export type SettlementJson = { currency: Address; total: string; ownerShare: string; modelShare: string; recipeShare: string; datasetShare: string; protocolFee: string; block: string; timestamp: number };

/** Most colourways a history lists (the gallery's `family` filter pages through any number). */
export const HISTORY_MAX_COLOURWAYS = 100;

/**
 * A colourway family as a history gives it: the design, and its colourways oldest first (at most
 * `HISTORY_MAX_COLOURWAYS` of them; the design's `colourwayCount` has them all).
 */
export type FamilyJson = { design: IndexedCertificateJson; colourways: IndexedCertificateJson[] };

/** A pattern page's history: the certificate, its family, its licences, its offers, its revenue and its licences' usage reports. */
export type CertificateHistoryJson = {
  certificate: IndexedCertificateJson;
  /** Its colourway family (itself a design with colourways, or a colourway of one); null when it has none. */
  family: FamilyJson | null;
  licences: IndexedLicenceJson[];
  offers: IndexedOfferJson[];
  settlements: SettlementJson[];
  /** Every usage report of its licences, oldest first. */
  reports: UsageReportJson[];
  indexedBlock: string;
  indexedAt: number;
};

/**
 * `/v1/certificates/:id/licensed`: whether `licensee` may use the certificate in `region` (for Nice
 * class `niceClass`, or any class the licence covers when null) at `time`, by the indexed licences,
 * with the contract's `isLicensed` rules: the holder's own licences first (granted, window covering
 * `time`, units left, region and class in its terms), then for a colourway its design's licences
 * whose terms carry `LicenseFlags.ALL_COLOURWAYS`. `licenseId` is the one `isLicensed` names;
 * `covering` every licence that covers, in the order the contract looks at them.
 */
export type LicenceCoverJson = {
  tokenId: string;
  licensee: Address;
  region: number;
  niceClass: number | null;
  time: number;
  licensed: boolean;
  licenseId: string | null;
  /** "own": a licence of the certificate itself; "design": its design's all-colourways licence. */
  via: "own" | "design" | null;
  /** The certificate's design when it is a colourway (whose licences were asked too). */
  designId: string | null;
  covering: { licenseId: string; via: "own" | "design" }[];
  indexedBlock: string;
};
