import { type Address, BaseError, type Hex, getAddress } from "viem";

import { GALLERY_MAX_PAGE_SIZE, PATTERNS_MAX_PAGE_SIZE, type PatternsPageJson, type CertificateHistoryJson, type LicenceCoverJson, type GalleryPageJson, type GalleryQuery, type IndexedCertificateJson, type IndexedLicenceJson, type IndexedOfferJson, type SettlementJson, type UsageReportJson } from "./types.js";

/** A certificate as the indexer has it, with bigints and checksummed addresses. */
export type IndexedCertificate = Omit<IndexedCertificateJson, "tokenId" | "seed" | "recipeId" | "designId" | "mintBlock"> & {
  tokenId: bigint;
  seed: bigint | null;
  recipeId: bigint | null;
  designId: bigint | null;
  mintBlock: bigint;
};
/** The amounts of a licence the indexer sends as decimal strings. */
type LicenceAmount = "price" | "paid" | "units" | "royalties" | "advance" | "advanceRemaining" | "netSales" | "royaltiesAccrued";
export type IndexedLicence = Omit<IndexedLicenceJson, "licenseId" | "tokenId" | "regions" | "classes" | LicenceAmount> & {
  licenseId: bigint;
  tokenId: bigint;
  regions: bigint;
  classes: bigint;
} & Record<LicenceAmount, bigint>;
export type UsageReport = Omit<UsageReportJson, "licenseId" | "units" | "netSales" | "royalty" | "amount" | "block"> & {
  licenseId: bigint;
  units: bigint;
  netSales: bigint;
  royalty: bigint;
  amount: bigint;
  block: bigint;
};
export type IndexedOffer = Omit<IndexedOfferJson, "offerId" | "regions" | "price" | "ceiling"> & { offerId: bigint; regions: bigint; price: bigint; ceiling: bigint };
export type Settlement = Omit<SettlementJson, "total" | "ownerShare" | "modelShare" | "recipeShare" | "datasetShare" | "protocolFee" | "block"> & {
  total: bigint;
  ownerShare: bigint;
  modelShare: bigint;
  recipeShare: bigint;
  datasetShare: bigint;
  protocolFee: bigint;
  block: bigint;
};

export type IndexerErrorType = IndexerError & { name: "IndexerError" };
/** The indexer refused a query (status 400 names the field and its range) or could not be reached. */
export class IndexerError extends BaseError {
  readonly status: number | undefined;
  constructor(message: string, opts: { status?: number; cause?: Error } = {}) {
    super(message, { ...(opts.cause ? { cause: opts.cause } : {}), name: "IndexerError" });
    this.status = opts.status;
  }
}

async function getJson<T>(indexer: string, path: string, fetchImpl: typeof fetch = fetch): Promise<T> {
  const url = `${indexer.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (error) {
    throw new IndexerError(`the indexer at ${indexer} could not be reached (${(error as Error).message})`, { cause: error as Error });
  }
  const body = (await response.json().catch(() => undefined)) as (T & { message?: string }) | undefined;
  if (!response.ok || body === undefined) {
    throw new IndexerError(body?.message ?? `the indexer answered HTTP ${response.status} for ${path}`, { status: response.status });
  }
  return body;
}

const certificateOf = (c: IndexedCertificateJson): IndexedCertificate => ({
  ...c,
  owner: getAddress(c.owner),
  creator: getAddress(c.creator),
  tokenId: BigInt(c.tokenId),
  seed: c.seed === null ? null : BigInt(c.seed),
  recipeId: c.recipeId === null ? null : BigInt(c.recipeId),
  // an indexer from before colourways sends neither field
  designId: c.designId === null || c.designId === undefined ? null : BigInt(c.designId),
  colourwayCount: c.colourwayCount ?? 0,
  mintBlock: BigInt(c.mintBlock),
});

export type GetGalleryParameters = GalleryQuery & { indexer: string; fetch?: typeof fetch };
export type GetGalleryReturnType = { items: IndexedCertificate[]; total: number; page: number; pageSize: number; indexedBlock: bigint };
export type GetGalleryErrorType = IndexerErrorType;

/**
 * One page of the gallery from the Motif indexer: search and filter certificates by kind, model,
 * creator, owner, region and dates an open offer covers, exclusivity still available in a region,
 * and price; sorted newest, oldest, most or most recently licensed.
 *
 * @example
 * import { getGallery } from "@motif/sdk";
 * const page = await getGallery({ indexer: "http://127.0.0.1:42069", kind: "pattern", sort: "most-licensed", pageSize: 12 });
 * for (const c of page.items) console.log(`0x${c.tokenId.toString(16)} by ${c.creator}: ${c.licenceCount} licence(s)`);
 * console.log(`${page.total} pattern(s)`); // "1 pattern(s)"
 */
export async function getGallery(p: GetGalleryParameters): Promise<GetGalleryReturnType> {
  const { indexer, fetch: fetchImpl, ...query } = p;
  if (query.pageSize !== undefined && (query.pageSize < 1 || query.pageSize > GALLERY_MAX_PAGE_SIZE)) {
    throw new IndexerError(`pageSize must be from 1 to ${GALLERY_MAX_PAGE_SIZE}; got ${query.pageSize}`);
  }
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) search.set(k, String(v));
  const page = await getJson<GalleryPageJson>(indexer, `/v1/gallery?${search}`, fetchImpl);
  return { ...page, items: page.items.map(certificateOf), indexedBlock: BigInt(page.indexedBlock) };
}

export type GetCertificateHistoryParameters = { indexer: string; tokenId: bigint; fetch?: typeof fetch };
export type GetCertificateHistoryReturnType = {
  certificate: IndexedCertificate;
  /** Its colourway family: the design and its colourways, oldest first (null when it has none). */
  family: { design: IndexedCertificate; colourways: IndexedCertificate[] } | null;
  licences: IndexedLicence[];
  offers: IndexedOffer[];
  settlements: Settlement[];
  reports: UsageReport[];
  indexedBlock: bigint;
  indexedAt: number;
};
export type GetCertificateHistoryErrorType = IndexerErrorType;

/**
 * A pattern page's history from the Motif indexer: its colourway family (the design and its
 * colourways, when it is or has one), the licences granted (licensee, regions, product
 * classes, window, exclusive or not, status at the indexed block, net sales and advance remaining), its
 * on-chain offers, its revenue settlements and every usage report of its licences (region, class,
 * units, net sales, royalty accrued, amount paid).
 * Whether a licence counts now is the contract's answer (`isLicensed`), not this one.
 *
 * @example
 * import { getCertificateHistory } from "@motif/sdk";
 * const history = await getCertificateHistory({ indexer: "http://127.0.0.1:42069", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82") });
 * for (const l of history.licences) console.log(`${l.licensee}: ${l.exclusive ? "exclusive" : "non-exclusive"}, ${l.status}`);
 * console.log(`${history.licences.length} licence(s) granted`); // "… licence(s) granted"
 */
export async function getCertificateHistory(p: GetCertificateHistoryParameters): Promise<GetCertificateHistoryReturnType> {
  const h = await getJson<CertificateHistoryJson>(p.indexer, `/v1/certificates/0x${p.tokenId.toString(16)}/history`, p.fetch);
  return {
    certificate: certificateOf(h.certificate),
    family: h.family === null || h.family === undefined ? null : { design: certificateOf(h.family.design), colourways: h.family.colourways.map(certificateOf) },
    licences: h.licences.map((l) => ({
      ...l, licensee: getAddress(l.licensee), currency: getAddress(l.currency), licenseId: BigInt(l.licenseId), tokenId: BigInt(l.tokenId), regions: BigInt(l.regions as Hex), price: BigInt(l.price),
      paid: BigInt(l.paid), units: BigInt(l.units), royalties: BigInt(l.royalties), classes: BigInt(l.classes), advance: BigInt(l.advance), advanceRemaining: BigInt(l.advanceRemaining),
      netSales: BigInt(l.netSales), royaltiesAccrued: BigInt(l.royaltiesAccrued),
    })),
    offers: h.offers.map((o) => ({ ...o, licensor: getAddress(o.licensor), licensee: getAddress(o.licensee), currency: getAddress(o.currency), offerId: BigInt(o.offerId), regions: BigInt(o.regions as Hex), price: BigInt(o.price), ceiling: BigInt(o.ceiling) })),
    settlements: h.settlements.map((s) => ({
      ...s, currency: getAddress(s.currency), total: BigInt(s.total), ownerShare: BigInt(s.ownerShare), modelShare: BigInt(s.modelShare), recipeShare: BigInt(s.recipeShare), datasetShare: BigInt(s.datasetShare),
      protocolFee: BigInt(s.protocolFee), block: BigInt(s.block),
    })),
    reports: h.reports.map((r) => ({
      ...r, reporter: getAddress(r.reporter), licenseId: BigInt(r.licenseId), units: BigInt(r.units), netSales: BigInt(r.netSales), royalty: BigInt(r.royalty), amount: BigInt(r.amount), block: BigInt(r.block),
    })),
    indexedBlock: BigInt(h.indexedBlock),
    indexedAt: h.indexedAt,
  };
}

export type GetLicenceCoverParameters = {
  indexer: string;
  tokenId: bigint;
  licensee: Address;
  /** Region bit index of the frozen table (0..248). */
  region: number;
  /** Nice class (1..45); absent: any class the licence covers. */
  niceClass?: number;
  /** Unix seconds; default the chain's latest block time. */
  time?: number;
  fetch?: typeof fetch;
};
export type GetLicenceCoverReturnType = Omit<LicenceCoverJson, "tokenId" | "licenseId" | "designId" | "covering" | "indexedBlock"> & {
  tokenId: bigint;
  licenseId: bigint | null;
  designId: bigint | null;
  covering: { licenseId: bigint; via: "own" | "design" }[];
  indexedBlock: bigint;
};
export type GetLicenceCoverErrorType = IndexerErrorType;

/**
 * Which indexed licences cover `licensee`'s use of a certificate in a region (and product class) at a
 * time, by the contract's `isLicensed` rules: its own licences, then, for a colourway, its design's
 * licences whose terms carry `LicenseFlags.ALL_COLOURWAYS`. `licenseId` is the licence `isLicensed`
 * would name. An answer as of `indexedBlock`: a decision about money or rights asks the contract.
 */
export async function getLicenceCover(p: GetLicenceCoverParameters): Promise<GetLicenceCoverReturnType> {
  const search = new URLSearchParams({ licensee: p.licensee, region: String(p.region) });
  if (p.niceClass !== undefined) search.set("class", String(p.niceClass));
  if (p.time !== undefined) search.set("time", String(p.time));
  const r = await getJson<LicenceCoverJson>(p.indexer, `/v1/certificates/0x${p.tokenId.toString(16)}/licensed?${search}`, p.fetch);
  return {
    ...r,
    licensee: getAddress(r.licensee),
    tokenId: BigInt(r.tokenId),
    licenseId: r.licenseId === null ? null : BigInt(r.licenseId),
    designId: r.designId === null ? null : BigInt(r.designId),
    covering: r.covering.map((x) => ({ licenseId: BigInt(x.licenseId), via: x.via })),
    indexedBlock: BigInt(r.indexedBlock),
  };
}

export type PatternSignals = { tokenId: bigint; mintBlock: bigint; pdqHash: Hex; tileHash: Hex };
export type ListPatternsParameters = {
  indexer: string;
  /** Only patterns minted at or before this block (default: the block the index has reached, given back as `upTo`). */
  upTo?: bigint;
  /** Page size, 1 to 10,000 per request (default 10,000). */
  pageSize?: number;
  fetch?: typeof fetch;
};
/** Every pattern minted up to `upTo`, oldest first; the chain from `upTo + 1` on is the caller's to read. */
export type ListPatternsReturnType = { items: PatternSignals[]; upTo: bigint };
export type ListPatternsErrorType = IndexerErrorType;

/**
 * Every pattern the index holds up to one block, with its perceptual hashes (PDQ and tile), paged
 * as the indexer serves them (10,000 a request): what rebuilding a screening bank or exporting every
 * certificate needs, without reading the chain's history. Patterns minted after `upTo` are not in
 * the answer even when the index reaches them while it pages, so the chain's logs from `upTo + 1`
 * complete it exactly.
 *
 * @example
 * import { listPatterns } from "@motif/sdk";
 * const { items, upTo } = await listPatterns({ indexer: "http://127.0.0.1:42069" });
 * console.log(`${items.length} pattern(s) minted up to block ${upTo}`); // "… pattern(s) minted up to block …"
 */
export async function listPatterns(p: ListPatternsParameters): Promise<ListPatternsReturnType> {
  const pageSize = p.pageSize ?? PATTERNS_MAX_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > PATTERNS_MAX_PAGE_SIZE) {
    throw new IndexerError(`pageSize must be a whole number from 1 to ${PATTERNS_MAX_PAGE_SIZE}; got ${pageSize}`);
  }
  const items: PatternSignals[] = [];
  let upTo = p.upTo;
  let after: string | null = null;
  do {
    const search = new URLSearchParams({ limit: String(pageSize) });
    if (upTo !== undefined) search.set("upTo", upTo.toString());
    if (after !== null) search.set("after", after);
    const page: PatternsPageJson = await getJson<PatternsPageJson>(p.indexer, `/v1/patterns?${search}`, p.fetch);
    upTo ??= BigInt(page.upTo);
    for (const i of page.items) items.push({ tokenId: BigInt(i.tokenId), mintBlock: BigInt(i.mintBlock), pdqHash: i.pdqHash, tileHash: i.tileHash });
    after = page.next;
  } while (after !== null);
  return { items, upTo: upTo! };
}
