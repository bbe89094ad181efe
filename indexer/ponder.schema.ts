import { type PgColumnsBuilders, index, onchainTable } from "ponder";

/**
 * The index: a read model of Motif's events. It answers search and history; anything that decides
 * money or rights (isLicensed, prices, balances) is read from the contracts.
 */

type ColumnBuilders = PgColumnsBuilders;

/**
 * A region mask as the SQL compares it: its four 64-bit words (`w0` = regions 0..63; int8, so the
 * top bit reads negative, which `&` does not mind) for exact intersections, and its 16-region
 * blocks (bit b set when any region 16b..16b+15 is: the granularity of the contract's summary of
 * non-exclusive grants).
 */
const maskColumns = (t: ColumnBuilders) => ({
  w0: t.int8({ mode: "bigint" }).notNull(),
  w1: t.int8({ mode: "bigint" }).notNull(),
  w2: t.int8({ mode: "bigint" }).notNull(),
  w3: t.int8({ mode: "bigint" }).notNull(),
  blocks: t.integer().notNull(),
});

/** Every certificate: patterns, recipes and datasets. */
export const certificate = onchainTable(
  "certificate",
  (t) => ({
    tokenId: t.bigint().primaryKey(),
    kind: t.text().$type<"pattern" | "recipe" | "dataset">().notNull(),
    owner: t.hex().notNull(),
    creator: t.hex().notNull(),
    /** 0 for datasets (no model). */
    modelId: t.integer().notNull(),
    royaltyBps: t.integer().notNull(),
    metadataDigest: t.hex().notNull(),
    metadataCodec: t.integer().notNull(),
    /** Patterns: the lineage in the mint event. */
    seed: t.bigint(),
    paramsHash: t.hex(),
    pdqHash: t.hex(),
    tileHash: t.hex(),
    attester: t.hex(),
    /** Patterns rendered from a recipe. */
    recipeId: t.bigint(),
    /** A colourway's design (`ColourwayMinted`, fixed for good); null for any other certificate. */
    designId: t.bigint(),
    /** A design's colourways so far (0 for any other certificate). */
    colourwayCount: t.integer().notNull().default(0),
    /** Recipe digest or dataset Merkle root. */
    kindDigest: t.hex(),
    members: t.integer(),
    /** Recipe: its share of derived patterns' revenue; dataset: of patterns of models trained on it. */
    shareBps: t.integer(),
    edits: t.integer().notNull().default(0),
    mintBlock: t.int8({ mode: "bigint" }).notNull(),
    mintedAt: t.int8({ mode: "bigint" }).notNull(),
    licenceCount: t.integer().notNull().default(0),
    lastLicensedAt: t.int8({ mode: "bigint" }),
  }),
  // each gallery order (and each filter with it) is an index walked from one end: a page is read
  // without sorting the table; the token id breaks ties, so pages never overlap
  (table) => ({
    newestIdx: index().on(table.mintBlock, table.tokenId),
    kindIdx: index().on(table.kind, table.mintBlock, table.tokenId),
    modelIdx: index().on(table.modelId, table.mintBlock, table.tokenId),
    creatorIdx: index().on(table.creator, table.mintBlock, table.tokenId),
    ownerIdx: index().on(table.owner, table.mintBlock, table.tokenId),
    licensedIdx: index().on(table.licenceCount, table.mintBlock, table.tokenId),
    recentIdx: index().on(table.lastLicensedAt.desc().nullsLast(), table.mintBlock.desc(), table.tokenId.desc()),
    // a family's colourways in mint order (the gallery's `family` filter, a history's family)
    familyIdx: index().on(table.designId, table.mintBlock, table.tokenId),
  }),
);

/**
 * Running counts of certificates, kept by the mint handlers: a gallery total without counting
 * 100,000 rows. Keys: `kind:<kind>`, `kind:<kind>|model:<id>`, `kind:<kind>|creator:<address>`
 * (a total over every kind sums the three kinds' rows).
 */
export const tally = onchainTable("tally", (t) => ({
  key: t.text().primaryKey(),
  count: t.integer().notNull(),
}));

/** Stored licence terms (`TermsRegistered`). */
export const terms = onchainTable("terms", (t) => ({
  termsId: t.integer().primaryKey(),
  tokenId: t.bigint().notNull(),
  /** The region mask, as 0x-hex of 32 bytes (bit i = region i of the frozen table). */
  regions: t.hex().notNull(),
  flags: t.integer().notNull(),
  exclusive: t.boolean().notNull(),
  currency: t.hex().notNull(),
  unitRoyalty: t.bigint().notNull(),
  unitCap: t.bigint().notNull(),
  renewalPrice: t.bigint().notNull(),
  /** Fields of use: the product-class mask (bit n - 1 = Nice class n). */
  classes: t.bigint().notNull(),
  /** Royalty on net sales, in basis points (0: none). */
  salesRoyaltyBps: t.integer().notNull(),
  /** Advance (minimum guarantee) paid at acceptance and recouped against royalties (0: none). */
  advance: t.bigint().notNull(),
}));

/**
 * On-chain offers (`OfferPublished`, `OfferCancelled`). Acceptability now is the contract's to say
 * (`getOffer`). An offer row carries what the gallery filters and orders by (its certificate's kind,
 * model, creator, mint block; whether its licensor still owns the certificate), so a search over
 * offers never joins 100,000 certificates; times and counts are int8, compared fast.
 */
export const offer = onchainTable(
  "offer",
  (t) => ({
    offerId: t.bigint().primaryKey(),
    tokenId: t.bigint().notNull(),
    licensor: t.hex().notNull(),
    /** Whether the licensor owns the certificate now (an offer outlives a transfer, but the contract refuses it). */
    licensorOwns: t.boolean().notNull(),
    kind: t.text().$type<"pattern" | "recipe" | "dataset">().notNull(),
    modelId: t.integer().notNull(),
    creator: t.hex().notNull(),
    mintBlock: t.int8({ mode: "bigint" }).notNull(),
    /** Its certificate's design when that is a colourway (the gallery's `family` filter). */
    designId: t.bigint(),
    termsId: t.integer().notNull(),
    regions: t.hex().notNull(),
    ...maskColumns(t),
    /** The regions' bit indexes: a region search reads only the offers naming it (a GIN index). */
    regionList: t.integer().array().notNull(),
    exclusive: t.boolean().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    ceiling: t.bigint().notNull(),
    windowStart: t.int8({ mode: "bigint" }).notNull(),
    windowEnd: t.int8({ mode: "bigint" }).notNull(),
    duration: t.int8({ mode: "bigint" }).notNull(),
    /** uint32, so not an integer column (4 bytes, signed): an offer open to anyone has 2^32 - 1. */
    maxUses: t.int8({ mode: "bigint" }).notNull(),
    uses: t.int8({ mode: "bigint" }).notNull().default(0n),
    deadline: t.int8({ mode: "bigint" }).notNull(),
    licensee: t.hex().notNull(),
    cancelled: t.boolean().notNull().default(false),
    publishedBlock: t.bigint().notNull(),
  }),
  (table) => ({
    tokenIdx: index().on(table.tokenId),
    designIdx: index().on(table.designId),
    deadlineIdx: index().on(table.deadline),
    regionIdx: index().using("gin", table.regionList),
  }),
);

/** Licences granted, with what happened to them since. */
export const licence = onchainTable(
  "licence",
  (t) => ({
    licenseId: t.bigint().primaryKey(),
    tokenId: t.bigint().notNull(),
    licensee: t.hex().notNull(),
    termsId: t.integer().notNull(),
    offerKey: t.hex().notNull(),
    regions: t.hex().notNull(),
    ...maskColumns(t),
    exclusive: t.boolean().notNull(),
    start: t.int8({ mode: "bigint" }).notNull(),
    end: t.int8({ mode: "bigint" }).notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    renewals: t.integer().notNull().default(0),
    paid: t.bigint().notNull(),
    units: t.bigint().notNull().default(0n),
    /** Royalties paid by its reports (what the advance covered is not in it). */
    royalties: t.bigint().notNull().default(0n),
    /** Its terms' product classes, sales royalty and advance (copied from `terms` at grant). */
    classes: t.bigint().notNull().default(0n),
    salesRoyaltyBps: t.integer().notNull().default(0),
    advance: t.bigint().notNull().default(0n),
    /** Its terms' `LicenseFlags` (copied at grant): `ALL_COLOURWAYS` on a design's licence covers its colourways. */
    flags: t.integer().notNull().default(0),
    /**
     * The licensee's slot for the certificate (0..15) the licence holds: the order in which
     * `isLicensed` looks at a holder's licences. A later licence in the same slot (a higher
     * generation, the id's low 16 bits) replaced it: it answers nothing any more.
     */
    slot: t.integer().notNull().default(0),
    /** A report used its terms' last unit (the contract's exhausted mark): it covers nothing from then on. */
    exhausted: t.boolean().notNull().default(false),
    /** Running totals of its reports: net sales, royalties accrued, and the part of the advance recouped. */
    netSales: t.bigint().notNull().default(0n),
    royaltiesAccrued: t.bigint().notNull().default(0n),
    recouped: t.bigint().notNull().default(0n),
    /** granted, revoked or transferred (to `transferredTo`). Expiry is `end`, compared by the reader. */
    status: t.text().$type<"granted" | "revoked" | "transferred">().notNull(),
    breach: t.boolean().notNull().default(false),
    transferredTo: t.bigint(),
    grantedBlock: t.bigint().notNull(),
    grantedAt: t.bigint().notNull(),
  }),
  (table) => ({
    tokenIdx: index().on(table.tokenId, table.exclusive, table.grantedBlock),
    // the certificates with an exclusive licence, found without reading every licence
    exclusiveIdx: index().on(table.exclusive, table.tokenId),
    licenseeIdx: index().on(table.licensee),
    // a holder's licences of one certificate: what the cover check (`isLicensed`'s answer) reads
    holderIdx: index().on(table.tokenId, table.licensee),
  }),
);

/**
 * One royalty-statement line per `UsageReported`: where, which product class, units and net sales,
 * the royalty they accrued and the amount paid (the rest came out of the advance).
 */
export const usageReport = onchainTable(
  "usage_report",
  (t) => ({
    id: t.text().primaryKey(),
    licenseId: t.bigint().notNull(),
    tokenId: t.bigint().notNull(),
    reporter: t.hex().notNull(),
    /** Region bit index of the frozen table. */
    region: t.integer().notNull(),
    niceClass: t.integer().notNull(),
    units: t.bigint().notNull(),
    netSales: t.bigint().notNull(),
    royalty: t.bigint().notNull(),
    amount: t.bigint().notNull(),
    block: t.bigint().notNull(),
    logIndex: t.integer().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ tokenIdx: index().on(table.tokenId, table.block, table.logIndex), licenceIdx: index().on(table.licenseId) }),
);

/** Revenue split per certificate (`RevenueSettled`). */
export const settlement = onchainTable(
  "settlement",
  (t) => ({
    id: t.text().primaryKey(),
    tokenId: t.bigint().notNull(),
    currency: t.hex().notNull(),
    total: t.bigint().notNull(),
    ownerShare: t.bigint().notNull(),
    modelShare: t.bigint().notNull(),
    recipeShare: t.bigint().notNull(),
    datasetShare: t.bigint().notNull(),
    protocolFee: t.bigint().notNull(),
    block: t.bigint().notNull(),
    timestamp: t.bigint().notNull(),
  }),
  (table) => ({ tokenIdx: index().on(table.tokenId) }),
);

/** Registered models. */
export const model = onchainTable("model", (t) => ({
  modelId: t.integer().primaryKey(),
  owner: t.hex().notNull(),
  name: t.text().notNull(),
  version: t.text().notNull(),
  royaltyBps: t.integer().notNull(),
  deprecated: t.boolean().notNull().default(false),
  weightsDigest: t.hex().notNull(),
  /** sha-256 of its model card's canonical bytes. */
  cardDigest: t.hex().notNull(),
  /** Training lineage (null / zero when undeclared): dataset certificate, data root, config digest, trainer. */
  trainingDatasetId: t.bigint(),
  trainingDataRoot: t.hex(),
  trainingConfigDigest: t.hex(),
  trainer: t.text(),
}));

/** Current holder of every token id (from `Transfer`; a mint's Transfer precedes its mint event). */
export const holder = onchainTable("holder", (t) => ({
  tokenId: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
}));
