import { index, onchainTable } from "ponder";

/**
 * The index: a read model of Motif's events. It answers search and history; anything that decides
 * money or rights (isLicensed, prices, balances) is read from the contracts.
 */

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
    /** Recipe digest or dataset Merkle root. */
    kindDigest: t.hex(),
    members: t.integer(),
    recipeShareBps: t.integer(),
    edits: t.integer().notNull().default(0),
    mintBlock: t.bigint().notNull(),
    mintedAt: t.bigint().notNull(),
    licenceCount: t.integer().notNull().default(0),
    lastLicensedAt: t.bigint(),
  }),
  (table) => ({
    kindIdx: index().on(table.kind, table.mintBlock),
    modelIdx: index().on(table.modelId),
    creatorIdx: index().on(table.creator),
    ownerIdx: index().on(table.owner),
    licensedIdx: index().on(table.licenceCount),
  }),
);

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
}));

/** On-chain offers (`OfferPublished`, `OfferCancelled`). Acceptability now is the contract's to say (`getOffer`). */
export const offer = onchainTable(
  "offer",
  (t) => ({
    offerId: t.bigint().primaryKey(),
    tokenId: t.bigint().notNull(),
    licensor: t.hex().notNull(),
    termsId: t.integer().notNull(),
    regions: t.hex().notNull(),
    exclusive: t.boolean().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    ceiling: t.bigint().notNull(),
    windowStart: t.bigint().notNull(),
    windowEnd: t.bigint().notNull(),
    duration: t.bigint().notNull(),
    /** uint32, so not an integer column (4 bytes, signed): an offer open to anyone has 2^32 - 1. */
    maxUses: t.bigint().notNull(),
    uses: t.bigint().notNull().default(0n),
    deadline: t.bigint().notNull(),
    licensee: t.hex().notNull(),
    cancelled: t.boolean().notNull().default(false),
    publishedBlock: t.bigint().notNull(),
  }),
  (table) => ({ tokenIdx: index().on(table.tokenId), deadlineIdx: index().on(table.deadline) }),
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
    exclusive: t.boolean().notNull(),
    start: t.bigint().notNull(),
    end: t.bigint().notNull(),
    currency: t.hex().notNull(),
    price: t.bigint().notNull(),
    renewals: t.integer().notNull().default(0),
    paid: t.bigint().notNull(),
    units: t.bigint().notNull().default(0n),
    royalties: t.bigint().notNull().default(0n),
    /** granted, revoked or transferred (to `transferredTo`). Expiry is `end`, compared by the reader. */
    status: t.text().$type<"granted" | "revoked" | "transferred">().notNull(),
    breach: t.boolean().notNull().default(false),
    transferredTo: t.bigint(),
    grantedBlock: t.bigint().notNull(),
    grantedAt: t.bigint().notNull(),
  }),
  (table) => ({ tokenIdx: index().on(table.tokenId), licenseeIdx: index().on(table.licensee) }),
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
}));

/** Current holder of every token id (from `Transfer`; a mint's Transfer precedes its mint event). */
export const holder = onchainTable("holder", (t) => ({
  tokenId: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
}));
