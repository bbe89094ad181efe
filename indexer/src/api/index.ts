import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { type Context, Hono } from "hono";
import { and, asc, client, count, desc, eq, graphql, inArray, or, sql } from "ponder";
import { type Address, maxUint256, zeroAddress } from "viem";
import {
  type FamilyJson,
  GALLERY_MAX_PAGE_SIZE,
  GALLERY_SORTS,
  HISTORY_MAX_COLOURWAYS,
  type LicenceCoverJson,
  LicenseFlags,
  PATTERNS_MAX_PAGE_SIZE,
  type PatternsPageJson,
  REGION_COUNT,
  type CertificateHistoryJson,
  type GalleryPageJson,
  type GallerySort,
  type IndexedCertificateJson,
  type IndexedLicenceJson,
  type IndexedOfferJson,
  type LicenceStatusName,
  motifLicensingAbi,
} from "@motif/sdk";

/**
 * The indexer's HTTP API: `/v1/gallery` (search, filters, paging), `/v1/certificates/:id/history`
 * (a pattern page's family, licences, offers and revenue), `/v1/certificates/:id/licensed` (which
 * indexed licences cover a use, by `isLicensed`'s rules), `/v1/patterns`, plus Ponder's `/graphql`
 * and `/sql/*` for anything else. Answers are read-only views of the index; money and rights come from the contracts.
 */
/** A SQL fragment (drizzle's, through Ponder). */
type SQL = ReturnType<typeof sql>;

const app = new Hono();
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

const PERPETUAL = 2n ** 40n - 1n;
const CERTIFICATE_KINDS = ["pattern", "recipe", "dataset"] as const;

class BadQuery extends Error {}

/**
 * A value read at most once a second: concurrent requests share one read (one RPC or /status call a
 * second at most, however many queries arrive).
 */
function cachedForASecond<T>(read: () => Promise<T>): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (cached === undefined || Date.now() - cached.at > 1_000) {
      const value = read();
      cached = { at: Date.now(), value };
      value.catch(() => {
        if (cached?.value === value) cached = undefined; // a failed read is not kept
      });
    }
    return cached.value;
  };
}

/** The latest block's time and number. */
const chainHead = cachedForASecond(async () => {
  const b = await publicClients["motif"].getBlock();
  return { block: b.number, time: b.timestamp };
});

/**
 * The block the index has reached (Ponder's checkpoint, as its own /status says): what an answer
 * reflects. Read after the answer's rows, never cached: the checkpoint only grows (a reorg moves it
 * back, and /status with it), so no row in an answer is newer than the block it names, and no answer
 * names a block a reorg removed. The chain's head can be ahead of it by the blocks not yet indexed.
 */
async function indexedBlock(): Promise<bigint> {
  const port = process.env.PORT ?? "42069";
  const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Record<string, { block?: { number: number } }>;
  return BigInt(status["motif"]?.block?.number ?? 0);
}

function intParam(q: Record<string, string>, name: string, min: number, max: number): number | undefined {
  const raw = q[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new BadQuery(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
  }
  return Number(raw);
}

function bigParam(q: Record<string, string>, name: string): bigint | undefined {
  const raw = q[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,78}$/.test(raw)) throw new BadQuery(`${name} must be a whole number of the currency's smallest unit (wei for ETH); got "${raw}"`);
  return BigInt(raw);
}

function addressParam(q: Record<string, string>, name: string): `0x${string}` | undefined {
  const raw = q[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^0x[0-9a-fA-F]{40}$/.test(raw)) throw new BadQuery(`${name} must be a 0x-prefixed 20-byte address; got "${raw}"`);
  return raw.toLowerCase() as `0x${string}`;
}

/** A token id: 0x-hex (up to 32 bytes) or decimal. */
function parseTokenId(name: string, raw: string): bigint {
  if (!/^(0x[0-9a-fA-F]{1,64}|\d{1,78})$/.test(raw)) throw new BadQuery(`${name} must be 0x-hex (up to 32 bytes) or decimal; got "${raw}"`);
  const id = BigInt(raw);
  if (id > maxUint256) throw new BadQuery(`${name} must be at most 2^256 − 1 (78 decimal digits up to 115792…639935); got "${raw}"`);
  return id;
}

function tokenIdParam(q: Record<string, string>, name: string): bigint | undefined {
  const raw = q[name];
  if (raw === undefined || raw === "") return undefined;
  return parseTokenId(name, raw);
}

const num = (n: bigint) => sql.raw(n.toString());

/** Whether the offer names region `r` (its region list holds it: an indexed containment test). */
const namesRegion = (r: number): SQL => {
  if (!Number.isInteger(r) || r < 0 || r >= 256) throw new RangeError(`region bit ${r} is outside a 32-byte mask`);
  return sql`${schema.offer.regionList} @> array[${sql.raw(String(r))}]::integer[]`;
};

/**
 * Whether the chain would accept an offer at `t`, the earliest second an acceptance can land in
 * (the next block's: the head's time + 1), as `acceptOffer` checks: not cancelled, uses left, not
 * past its deadline, and a window the contract would grant (a relative window always; an absolute
 * one that ends after it starts, `max(windowStart, t)`). That its licensor still owns the
 * certificate is the caller's join.
 */
function offerOpen(t: bigint): SQL {
  const o = schema.offer;
  return sql`not ${o.cancelled} and ${o.uses} < ${o.maxUses} and ${o.deadline} >= ${num(t)} and (${o.duration} <> 0 or ${o.windowEnd} = ${num(PERPETUAL)} or ${o.windowEnd} > greatest(${o.windowStart}, ${num(t)}))`;
}

/**
 * Whether an offer accepted at some time `a` in [now, deadline] yields a licence covering [from, to].
 * The contract grants `[s, e)` with `s = max(windowStart, a)` and `e = duration ? s + duration :
 * windowEnd`. A start no later than `from` needs `max(windowStart, now) <= from`; a relative window
 * ends latest when accepted as late as allowed, at `min(from, deadline)`.
 */
function offerCovers(now: bigint, from: bigint, to: bigint): SQL {
  const o = schema.offer;
  return sql`greatest(${o.windowStart}, ${num(now)}) <= ${num(from)} and (case when ${o.duration} <> 0 then ${num(to)} < greatest(${o.windowStart}, least(${num(from)}, ${o.deadline})) + ${o.duration} else (${o.windowEnd} = ${num(PERPETUAL)} or ${num(to)} < ${o.windowEnd}) end)`;
}

const DAY = 86_400n;
/** The contract's MAX_EXCLUSIVES: live exclusive licences a certificate can hold at once. */
const MAX_EXCLUSIVES = 8;
/** The contract's MAX_LICENSES_PER_HOLDER: live licences one account can hold of one certificate. */
const MAX_LICENSES_PER_HOLDER = 16;
/** `Exclusivity.NEVER_DAY`: a grant's end day from here on (2149) counts as never ending in the contract's summary. */
const NEVER_DAY = 0xffffn;

/**
 * When the rules below are checked: the acceptance they assume. Now, or with dates the latest
 * acceptance that can still cover them, `max(now, min(from, deadline))` (a relative window reaches
 * furthest then; `offerCovers`), so a listed offer is one that acceptance would be granted.
 */
const acceptedAt = (now: bigint, from: bigint | undefined): SQL =>
  from === undefined ? num(now) : sql`greatest(${num(now)}, least(${num(from)}, ${schema.offer.deadline}))`;

/** The window `[s, e)` an offer's licence gets if accepted at `at` (the contract's rule): `s = max(windowStart, at)`. */
const startIfAccepted = (at: SQL): SQL => sql`greatest(${schema.offer.windowStart}, ${at})`;
const endIfAccepted = (at: SQL): SQL =>
  sql`(case when ${schema.offer.duration} <> 0 then greatest(${schema.offer.windowStart}, ${at}) + ${schema.offer.duration} else ${schema.offer.windowEnd} end)`;

/** A relative window still fits before PERPETUAL when accepted at `at` (`MotifLicensingDurationTooLong` otherwise). */
const durationFits = (at: SQL): SQL => sql`(${schema.offer.duration} = 0 or ${startIfAccepted(at)} + ${schema.offer.duration} < ${num(PERPETUAL)})`;

/** Whether the offer's and the licence's masks share a region (their 64-bit words, exactly). */
const masksIntersect = (): SQL => {
  const [o, l] = [schema.offer, schema.licence];
  return sql`((${o.w0} & ${l.w0}) <> 0 or (${o.w1} & ${l.w1}) <> 0 or (${o.w2} & ${l.w2}) <> 0 or (${o.w3} & ${l.w3}) <> 0)`;
};

/** An exclusive licence the contract still counts at `at`: granted (a breach flag does not free it; revocation does), not ended. */
const liveExclusive = (now: bigint, at: SQL): SQL => {
  const L = schema.licence;
  return sql`${L.exclusive} and ${L.status} = 'granted' and (${L.end} = ${num(PERPETUAL)} or (${L.end} > ${num(now)} and ${L.end} > ${at}))`;
};

/**
 * Whether accepting the offer at `at` would meet a live exclusive licence (the contract's
 * `MotifLicensingExclusiveConflict`): sharing a region and a second of the window. Exact: the
 * contract keeps each exclusive licence's own entry.
 */
function exclusiveConflict(now: bigint, at: SQL): SQL {
  const L = schema.licence;
  const live = liveExclusive(now, at);
  // the certificates with an exclusive licence live now first (one hashed set, not correlated: most offers stop there)
  return sql`(${schema.offer.tokenId} in (select ${L.tokenId} from ${L} where ${liveExclusive(now, num(now))}) and exists (select 1 from ${L} where ${L.tokenId} = ${schema.offer.tokenId} and ${live} and ${masksIntersect()} and ${L.start} < ${endIfAccepted(at)} and ${startIfAccepted(at)} < ${L.end}))`;
}

/** Whether the certificate's exclusive entries are all taken at `at` (`MotifLicensingExclusiveLimit` for a new exclusive licence). */
function exclusivesFull(now: bigint, at: SQL): SQL {
  const L = schema.licence;
  const live = liveExclusive(now, at);
  return sql`(${schema.offer.tokenId} in (select ${L.tokenId} from ${L} where ${liveExclusive(now, num(now))}) and (select count(*) from ${L} where ${L.tokenId} = ${schema.offer.tokenId} and ${live}) >= ${sql.raw(String(MAX_EXCLUSIVES))})`;
}

/**
 * Whether accepting an exclusive offer at `at` could meet the certificate's non-exclusive grants
 * (the contract's `MotifLicensingGrantConflict`). The contract keeps only a summary of them (the
 * union of their regions, the hull of their windows, and per block of 16 regions the day the last
 * one ends — from day 0xffff on, never —, never shrunk by a revocation), so this errs the same way: a grant of any status touching
 * a block the offer touches whose end day is after the start, and one starting before the end.
 */
function grantConflict(at: SQL): SQL {
  const [O, L] = [schema.offer, schema.licence];
  const s = startIfAccepted(at);
  const endDay = sql`((${L.end} + ${num(DAY - 1n)}) / ${num(DAY)})`;
  return sql`(exists (select 1 from ${L} where ${L.tokenId} = ${O.tokenId} and not ${L.exclusive} and (${L.blocks} & ${O.blocks}) <> 0 and (${L.end} = ${num(PERPETUAL)} or ${endDay} >= ${num(NEVER_DAY)} or ${endDay} * ${num(DAY)} > ${s})) and exists (select 1 from ${L} where ${L.tokenId} = ${O.tokenId} and not ${L.exclusive} and ${L.start} < ${endIfAccepted(at)}))`;
}

/** Whether `licensee` holds MAX_LICENSES_PER_HOLDER licences of the offer's certificate still live at `at` (granted, not ended). */
function holderFull(licensee: Address, at: SQL): SQL {
  const L = schema.licence;
  return sql`((select count(*) from ${L} where ${L.tokenId} = ${schema.offer.tokenId} and ${L.licensee} = ${licensee} and ${L.status} = 'granted' and (${L.end} = ${num(PERPETUAL)} or ${L.end} > ${at})) >= ${sql.raw(String(MAX_LICENSES_PER_HOLDER))})`;
}

/**
 * The running counts (`tally` rows) whose sum answers a filter on certificates alone: one row per
 * kind asked for (all three when none is); undefined when none is kept for that combination (an
 * owner, or a model with a creator): then the rows are counted.
 */
function tallyKeys(f: { kind: string | undefined; modelId: number | undefined; creator: string | undefined; owner: string | undefined }): string[] | undefined {
  if (f.owner !== undefined || (f.modelId !== undefined && f.creator !== undefined)) return undefined;
  const suffix = f.modelId !== undefined ? `|model:${f.modelId}` : f.creator !== undefined ? `|creator:${f.creator}` : "";
  return (f.kind ? [f.kind] : CERTIFICATE_KINDS).map((k) => `kind:${k}${suffix}`);
}

/** Dynamic offers' prices now, from the contract (`currentPrice`), one multicall. */
async function currentPrices(offerIds: bigint[]): Promise<[bigint, bigint][]> {
  if (offerIds.length === 0) return [];
  const licensing = process.env.MOTIF_LICENSING as `0x${string}`;
  const chain = publicClients["motif"];
  const prices = await chain
    .multicall({ contracts: offerIds.map((id) => ({ address: licensing, abi: motifLicensingAbi, functionName: "currentPrice" as const, args: [id] as const })), allowFailure: false })
    .catch(async () => Promise.all(offerIds.map((id) => chain.readContract({ address: licensing, abi: motifLicensingAbi, functionName: "currentPrice", args: [id] }))));
  return offerIds.map((id, i) => [id, prices[i] as bigint]);
}

type LicenceRow = typeof schema.licence.$inferSelect;
type OfferRow = typeof schema.offer.$inferSelect;
type CertificateRow = typeof schema.certificate.$inferSelect;

function licenceStatus(l: LicenceRow, now: bigint): LicenceStatusName {
  if (l.status === "revoked" || l.status === "transferred") return l.status;
  if (l.breach) return "breach";
  if (now < l.start) return "not-started";
  if (l.end !== PERPETUAL && now >= l.end) return "expired";
  return "active";
}

function certificateJson(c: CertificateRow): IndexedCertificateJson {
  return {
    tokenId: c.tokenId.toString(),
    kind: c.kind,
    owner: c.owner,
    creator: c.creator,
    modelId: c.modelId,
    royaltyBps: c.royaltyBps,
    metadataDigest: c.metadataDigest,
    metadataCodec: c.metadataCodec,
    seed: c.seed === null ? null : c.seed.toString(),
    pdqHash: c.pdqHash,
    tileHash: c.tileHash,
    recipeId: c.recipeId === null ? null : c.recipeId.toString(),
    designId: c.designId === null ? null : c.designId.toString(),
    colourwayCount: c.colourwayCount,
    kindDigest: c.kindDigest,
    members: c.members,
    edits: c.edits,
    mintBlock: c.mintBlock.toString(),
    mintedAt: Number(c.mintedAt),
    licenceCount: c.licenceCount,
    lastLicensedAt: c.lastLicensedAt === null ? null : Number(c.lastLicensedAt),
  };
}

const licenceJson = (l: LicenceRow, now: bigint): IndexedLicenceJson => ({
  licenseId: l.licenseId.toString(),
  tokenId: l.tokenId.toString(),
  licensee: l.licensee,
  termsId: l.termsId,
  regions: l.regions,
  exclusive: l.exclusive,
  start: Number(l.start),
  end: Number(l.end),
  currency: l.currency,
  price: l.price.toString(),
  paid: l.paid.toString(),
  renewals: l.renewals,
  units: l.units.toString(),
  royalties: l.royalties.toString(),
  classes: `0x${l.classes.toString(16)}`,
  salesRoyaltyBps: l.salesRoyaltyBps,
  advance: l.advance.toString(),
  advanceRemaining: (l.advance - l.recouped).toString(),
  netSales: l.netSales.toString(),
  royaltiesAccrued: l.royaltiesAccrued.toString(),
  status: licenceStatus(l, now),
});

const offerJson = (o: OfferRow): IndexedOfferJson => ({
  offerId: o.offerId.toString(),
  licensor: o.licensor,
  regions: o.regions,
  exclusive: o.exclusive,
  currency: o.currency,
  price: o.price.toString(),
  ceiling: o.ceiling.toString(),
  windowStart: Number(o.windowStart),
  windowEnd: Number(o.windowEnd),
  duration: Number(o.duration),
  maxUses: Number(o.maxUses),
  uses: Number(o.uses),
  deadline: Number(o.deadline),
  licensee: o.licensee,
  cancelled: o.cancelled,
});

/** The design of the family `tokenId` belongs to: its design when it is a colourway, else itself. */
async function designOfFamily(tokenId: bigint): Promise<bigint> {
  const [row] = await db.select({ designId: schema.certificate.designId }).from(schema.certificate).where(eq(schema.certificate.tokenId, tokenId));
  return row?.designId ?? tokenId;
}

/** A licence id's generation: its slot's count of licences so far (the id's low 16 bits). */
const generation = (licenseId: bigint) => licenseId & 0xffffn;

/** A certificate's family (see `FamilyJson`), or null when it is neither a design with colourways nor a colourway. */
async function familyJson(cert: CertificateRow): Promise<FamilyJson | null> {
  const C = schema.certificate;
  const designId = cert.designId ?? (cert.colourwayCount > 0 ? cert.tokenId : undefined);
  if (designId === undefined) return null;
  const [design, colourways] = await Promise.all([
    cert.designId === null ? Promise.resolve([cert]) : db.select().from(C).where(eq(C.tokenId, designId)),
    db.select().from(C).where(eq(C.designId, designId)).orderBy(asc(C.mintBlock), asc(C.tokenId)).limit(HISTORY_MAX_COLOURWAYS),
  ]);
  // a colourway's design is always indexed before it (its mint came first)
  return design[0] === undefined ? null : { design: certificateJson(design[0]), colourways: colourways.map(certificateJson) };
}

/**
 * The licences that cover `licensee`'s use of `tokenId` in `region` (for `niceClass`, 0 = any) at
 * `time`, as `isLicensed` decides (`MotifLicensing._isLicensed`, `LicenseReasons.coversViaDesign`),
 * in the order it looks at them: the holder's own licences by slot; then, for a colourway, its
 * design's licences by slot whose terms carry `ALL_COLOURWAYS`. A licence covers when it is granted
 * (not revoked or transferred away), still its slot's (not replaced by a later one), has units left, its window holds
 * `time` (`start <= time`, before `end` unless perpetual), its classes hold the class and its
 * regions the region. A breach flag does not stop it (the contract's check ignores it).
 */
async function coveringLicences(tokenId: bigint, designId: bigint | null, licensee: Address, region: number, niceClass: number, time: bigint) {
  const L = schema.licence;
  // every licence the holder ever had of the certificate (a few): a slot's licence is the latest
  // generation there, the earlier ones were replaced (a reused slot answers for its new licence only)
  const holders = async (id: bigint) => {
    const rows = await db.select().from(L).where(and(eq(L.tokenId, id), eq(L.licensee, licensee))).orderBy(asc(L.slot));
    const latest = new Map<number, bigint>();
    for (const l of rows) if ((latest.get(l.slot) ?? -1n) < generation(l.licenseId)) latest.set(l.slot, generation(l.licenseId));
    return rows.filter((l) => generation(l.licenseId) === latest.get(l.slot) && l.status === "granted" && !l.exhausted);
  };
  const covers = (l: LicenceRow) =>
    l.start <= time &&
    (l.end === PERPETUAL || time < l.end) &&
    (niceClass === 0 || ((l.classes >> BigInt(niceClass - 1)) & 1n) === 1n) &&
    ((BigInt(l.regions) >> BigInt(region)) & 1n) === 1n;
  const [own, ofDesign] = await Promise.all([holders(tokenId), designId === null ? Promise.resolve([]) : holders(designId)]);
  return [
    ...own.filter(covers).map((l) => ({ licenseId: l.licenseId.toString(), via: "own" as const })),
    ...ofDesign.filter((l) => (l.flags & LicenseFlags.ALL_COLOURWAYS) !== 0 && covers(l)).map((l) => ({ licenseId: l.licenseId.toString(), via: "design" as const })),
  ];
}

app.get("/v1/gallery", async (c) => {
  try {
    const q = c.req.query();
    const kind = q.kind;
    if (kind !== undefined && kind !== "" && !(CERTIFICATE_KINDS as readonly string[]).includes(kind)) {
      throw new BadQuery(`kind must be one of ${CERTIFICATE_KINDS.join(", ")}; got "${kind}"`);
    }
    const sort = (q.sort === undefined || q.sort === "" ? "newest" : q.sort) as GallerySort;
    if (!GALLERY_SORTS.includes(sort)) throw new BadQuery(`sort must be one of ${GALLERY_SORTS.join(", ")}; got "${q.sort}"`);
    // a certificate holds a model id in 22 bits (CertificateData): no certificate names a larger one
    const modelId = intParam(q, "modelId", 1, 2 ** 22 - 1);
    const creator = addressParam(q, "creator");
    const owner = addressParam(q, "owner");
    const licensee = addressParam(q, "licensee");
    const region = intParam(q, "region", 0, REGION_COUNT - 1);
    const exclusiveIn = intParam(q, "exclusiveIn", 0, REGION_COUNT - 1);
    const from = intParam(q, "from", 0, 2 ** 40 - 1);
    const to = intParam(q, "to", 0, 2 ** 40 - 1);
    if (from !== undefined && to !== undefined && to < from) throw new BadQuery(`to (${to}) must not be before from (${from})`);
    const minPrice = bigParam(q, "minPrice");
    const maxPrice = bigParam(q, "maxPrice");
    const currency = addressParam(q, "currency") ?? zeroAddress;
    const familyOf = tokenIdParam(q, "family");
    const page = intParam(q, "page", 1, 1_000_000) ?? 1;
    const pageSize = intParam(q, "pageSize", 1, GALLERY_MAX_PAGE_SIZE) ?? 24;

    const C = schema.certificate;
    const O = schema.offer;
    // a family by its design: a colourway named stands for its design's family
    const family = familyOf === undefined ? undefined : await designOfFamily(familyOf);
    const { time: now } = await chainHead();
    // the block the answer reflects, read once its rows are (see indexedBlock)
    const reply = async (rows: CertificateRow[], total: number) =>
      c.json({ items: rows.map(certificateJson), total, page, pageSize, indexedBlock: (await indexedBlock()).toString() } satisfies GalleryPageJson);
    const offset = (page - 1) * pageSize;
    const order = {
      newest: [desc(C.mintBlock), desc(C.tokenId)],
      oldest: [asc(C.mintBlock), asc(C.tokenId)],
      "most-licensed": [desc(C.licenceCount), desc(C.mintBlock), desc(C.tokenId)],
      // never-licensed certificates last (PostgreSQL puts NULLs first in a descending order)
      "recently-licensed": [sql`${C.lastLicensedAt} desc nulls last`, desc(C.mintBlock), desc(C.tokenId)],
    }[sort];

    const offerFilter = region !== undefined || from !== undefined || to !== undefined || exclusiveIn !== undefined || minPrice !== undefined || maxPrice !== undefined;
    if (!offerFilter) {
      // certificates alone: a page is an index walk; the total a running count where one is kept
      const where = and(
        kind ? eq(C.kind, kind as (typeof CERTIFICATE_KINDS)[number]) : undefined,
        modelId !== undefined ? eq(C.modelId, modelId) : undefined,
        creator !== undefined ? eq(C.creator, creator) : undefined,
        owner !== undefined ? eq(C.owner, owner) : undefined,
        family !== undefined ? or(eq(C.tokenId, family), eq(C.designId, family)) : undefined,
      );
      // a family's members are counted (a few rows, through the family index)
      const keys = family === undefined ? tallyKeys({ kind, modelId, creator, owner }) : undefined;
      const [rows, total] = await Promise.all([
        db.select().from(C).where(where).orderBy(...order).limit(pageSize).offset(offset),
        keys === undefined
          ? db.select({ n: count() }).from(C).where(where).then(([r]) => Number(r?.n ?? 0))
          : db.select({ n: schema.tally.count }).from(schema.tally).where(inArray(schema.tally.key, keys)).then((rows) => rows.reduce((a, r) => a + r.n, 0)),
      ]);
      return reply(rows, total);
    }

    // Offer-based filters, in SQL over the offer table alone (an offer row carries its certificate's
    // kind, model, creator and mint block): a certificate matches when one of its offers would be
    // accepted from the next block on and yields what was asked (the contract's rules: offerOpen,
    // offerCovers). An acceptance lands in a later block than the head, at `now + 1` at the earliest.
    const next = now + 1n;
    const at = acceptedAt(next, from !== undefined || to !== undefined ? BigInt(from ?? to!) : undefined);
    const conditions: SQL[] = [
      sql`${O.licensorOwns}`,
      offerOpen(next),
      // an offer made to one licensee is open to it alone
      licensee === undefined ? sql`${O.licensee} = ${zeroAddress}` : sql`${O.licensee} in (${zeroAddress}, ${licensee})`,
      // what the contract would refuse at that acceptance: a window past PERPETUAL, an exclusive
      // licence there, or (an exclusive offer) grants there or every exclusive entry taken
      durationFits(at),
      sql`not ${exclusiveConflict(next, at)}`,
      sql`not (${O.exclusive} and (${grantConflict(at)} or ${exclusivesFull(next, at)}))`,
    ];
    // the visitor can take no more licences of a certificate of which it holds 16 live ones
    // (`MotifLicensingHolderLimit`: a slot frees when its licence ends, is revoked or moves away)
    if (licensee !== undefined) conditions.push(sql`not ${holderFull(licensee, at)}`);
    if (kind) conditions.push(eq(O.kind, kind as (typeof CERTIFICATE_KINDS)[number]));
    if (modelId !== undefined) conditions.push(eq(O.modelId, modelId));
    if (creator !== undefined) conditions.push(eq(O.creator, creator));
    // the licensor owns the certificate: an owner filter is a licensor filter
    if (owner !== undefined) conditions.push(eq(O.licensor, owner));
    if (family !== undefined) conditions.push(or(eq(O.tokenId, family), eq(O.designId, family))!);
    // the offers naming the region, through the region list's GIN index (the mask's bit, the same fact)
    if (region !== undefined) conditions.push(namesRegion(region));
    if (from !== undefined || to !== undefined) conditions.push(offerCovers(next, BigInt(from ?? to!), BigInt(to ?? from!)));
    // an exclusive offer there that the book would grant now (the conflicts above)
    if (exclusiveIn !== undefined) conditions.push(sql`${O.exclusive} and ${namesRegion(exclusiveIn)}`);
    if (minPrice !== undefined || maxPrice !== undefined) {
      // prices compare within one currency (ETH unless `currency` names an ERC-20); a dynamic
      // offer's price now is the contract's (`currentPrice`), not its floor
      conditions.push(eq(O.currency, currency));
      const inRange = (price: bigint) => (minPrice === undefined || price >= minPrice) && (maxPrice === undefined || price <= maxPrice);
      const dynamic = await db.select({ offerId: O.offerId }).from(O).where(and(...conditions, sql`${O.ceiling} <> 0`));
      const passing = (await currentPrices(dynamic.map((d) => d.offerId))).filter(([, price]) => inRange(price)).map(([id]) => id);
      const staticRange = and(
        sql`${O.ceiling} = 0`,
        minPrice === undefined ? undefined : sql`${O.price} >= ${num(minPrice)}`,
        maxPrice === undefined ? undefined : sql`${O.price} <= ${num(maxPrice)}`,
      )!;
      conditions.push(passing.length === 0 ? staticRange : or(staticRange, inArray(O.offerId, passing))!);
    }
    const matching = and(...conditions)!;

    if (sort === "newest" || sort === "oldest") {
      // the matching certificates ordered by mint block from the offers themselves; the total with the page
      const m = db.selectDistinct({ tokenId: O.tokenId, mintBlock: O.mintBlock }).from(O).where(matching).as("m");
      const dir = sort === "newest" ? desc : asc;
      const ids = await db
        .select({ tokenId: m.tokenId, total: sql<string>`count(*) over ()` })
        .from(m)
        .orderBy(dir(m.mintBlock), dir(m.tokenId))
        .limit(pageSize)
        .offset(offset);
      const total = ids.length > 0 ? Number(ids[0]!.total) : Number((await db.select({ n: count() }).from(m))[0]?.n ?? 0);
      if (ids.length === 0) return reply([], total);
      const rows = await db.select().from(C).where(inArray(C.tokenId, ids.map((r) => r.tokenId)));
      const byId = new Map(rows.map((r) => [r.tokenId, r]));
      return reply(ids.map((r) => byId.get(r.tokenId)).filter((r) => r !== undefined), total);
    }
    // the licence-count orders live on the certificate: the certificates with a matching offer
    const where = sql`exists (select 1 from ${O} where ${O.tokenId} = ${C.tokenId} and ${matching})`;
    const [rows, [total]] = await Promise.all([
      db.select().from(C).where(where).orderBy(...order).limit(pageSize).offset(offset),
      db.select({ n: count() }).from(C).where(where),
    ]);
    return reply(rows, Number(total?.n ?? 0));
  } catch (error) {
    if (error instanceof BadQuery) return c.json({ error: "BadQuery", message: error.message }, 400);
    throw error;
  }
});

app.get("/v1/patterns", async (c) => {
  try {
    const q = c.req.query();
    const limit = intParam(q, "limit", 1, PATTERNS_MAX_PAGE_SIZE) ?? PATTERNS_MAX_PAGE_SIZE;
    const block = await indexedBlock();
    let upTo = block;
    if (q.upTo !== undefined && q.upTo !== "") {
      if (!/^\d{1,15}$/.test(q.upTo)) throw new BadQuery(`upTo must be a block number (a whole number); got "${q.upTo}"`);
      upTo = BigInt(q.upTo);
      if (upTo > block) throw new BadQuery(`upTo (block ${upTo}) is past the block the index has reached (${block}): patterns minted there may be missing`);
    }
    let after: [bigint, bigint] | undefined;
    if (q.after !== undefined && q.after !== "") {
      const m = /^(\d{1,15}):(\d{1,78})$/.exec(q.after);
      if (m === null) throw new BadQuery(`after must be a cursor "<block>:<token id>" as the previous page's next gave it; got "${q.after}"`);
      after = [BigInt(m[1]!), BigInt(m[2]!)];
    }
    const C = schema.certificate;
    const rows = await db
      .select({ tokenId: C.tokenId, mintBlock: C.mintBlock, pdqHash: C.pdqHash, tileHash: C.tileHash })
      .from(C)
      .where(and(eq(C.kind, "pattern"), sql`${C.mintBlock} <= ${num(upTo)}`, after === undefined ? undefined : sql`(${C.mintBlock}, ${C.tokenId}) > (${num(after[0])}, ${num(after[1])})`))
      .orderBy(asc(C.kind), asc(C.mintBlock), asc(C.tokenId))
      .limit(limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json({
      items: page.map((r) => ({ tokenId: r.tokenId.toString(), mintBlock: r.mintBlock.toString(), pdqHash: r.pdqHash!, tileHash: r.tileHash! })),
      next: rows.length > limit && last !== undefined ? `${last.mintBlock}:${last.tokenId}` : null,
      upTo: upTo.toString(),
      indexedBlock: block.toString(),
    } satisfies PatternsPageJson);
  } catch (error) {
    if (error instanceof BadQuery) return c.json({ error: "BadQuery", message: error.message }, 400);
    throw error;
  }
});

const notIndexed = (c: Context, tokenId: bigint) =>
  c.json({ error: "NotIndexed", message: `certificate 0x${tokenId.toString(16).padStart(64, "0")} is not in the index (not minted, or minted after the indexed block)` }, 404);

/**
 * Whether `licensee` may use the certificate in `region` (for Nice class `class`, 1..45, or any) at
 * `time` (unix seconds; default the latest block's), by the indexed licences and the contract's
 * `isLicensed` rules: a colourway is covered by its own licences, else by its design's licences whose
 * terms carry ALL_COLOURWAYS (`LicenceCoverJson`). Money and rights are still the contract's to say:
 * this answers as of the indexed block.
 */
app.get("/v1/certificates/:id/licensed", async (c) => {
  try {
    const q = c.req.query();
    const tokenId = parseTokenId("the token id", c.req.param("id"));
    const licensee = addressParam(q, "licensee");
    if (licensee === undefined) throw new BadQuery("licensee is required: the 0x-prefixed 20-byte address of the account using the certificate");
    const region = intParam(q, "region", 0, REGION_COUNT - 1);
    if (region === undefined) throw new BadQuery(`region is required: a region bit index of the frozen table, 0 to ${REGION_COUNT - 1}`);
    const niceClass = intParam(q, "class", 1, 45);
    const asked = intParam(q, "time", 0, 2 ** 48 - 1);
    const [cert] = await db.select({ designId: schema.certificate.designId }).from(schema.certificate).where(eq(schema.certificate.tokenId, tokenId));
    if (cert === undefined) return notIndexed(c, tokenId);
    const time = asked !== undefined ? BigInt(asked) : (await chainHead()).time;
    const covering = await coveringLicences(tokenId, cert.designId, licensee, region, niceClass ?? 0, time);
    return c.json({
      tokenId: tokenId.toString(),
      licensee,
      region,
      niceClass: niceClass ?? null,
      time: Number(time),
      licensed: covering.length > 0,
      licenseId: covering[0]?.licenseId ?? null,
      via: covering[0]?.via ?? null,
      designId: cert.designId === null ? null : cert.designId.toString(),
      covering,
      indexedBlock: (await indexedBlock()).toString(),
    } satisfies LicenceCoverJson);
  } catch (error) {
    if (error instanceof BadQuery) return c.json({ error: "BadQuery", message: error.message }, 400);
    throw error;
  }
});

app.get("/v1/certificates/:id/history", async (c) => {
  const raw = c.req.param("id");
  if (!/^(0x[0-9a-fA-F]{1,64}|\d{1,78})$/.test(raw)) {
    return c.json({ error: "BadQuery", message: `the token id must be 0x-hex (up to 32 bytes) or decimal; got "${raw}"` }, 400);
  }
  const tokenId = BigInt(raw);
  if (tokenId > maxUint256) {
    return c.json({ error: "BadQuery", message: `the token id must be at most 2^256 − 1 (78 decimal digits up to 115792…639935); got "${raw}"` }, 400);
  }
  const [cert] = await db.select().from(schema.certificate).where(eq(schema.certificate.tokenId, tokenId));
  if (cert === undefined) return notIndexed(c, tokenId);
  const { time: now } = await chainHead();
  const R = schema.usageReport;
  const [family, licences, offers, settlements, reports] = await Promise.all([
    familyJson(cert),
    db.select().from(schema.licence).where(eq(schema.licence.tokenId, tokenId)).orderBy(asc(schema.licence.grantedBlock)),
    db.select().from(schema.offer).where(eq(schema.offer.tokenId, tokenId)).orderBy(asc(schema.offer.offerId)),
    db.select().from(schema.settlement).where(eq(schema.settlement.tokenId, tokenId)).orderBy(asc(schema.settlement.block)),
    db.select().from(R).where(eq(R.tokenId, tokenId)).orderBy(asc(R.block), asc(R.logIndex)),
  ]);
  return c.json({
    certificate: certificateJson(cert),
    family,
    licences: licences.map((l) => licenceJson(l, now)),
    offers: offers.map(offerJson),
    settlements: settlements.map((s) => ({
      currency: s.currency, total: s.total.toString(), ownerShare: s.ownerShare.toString(), modelShare: s.modelShare.toString(),
      recipeShare: s.recipeShare.toString(), datasetShare: s.datasetShare.toString(), protocolFee: s.protocolFee.toString(), block: s.block.toString(), timestamp: Number(s.timestamp),
    })),
    reports: reports.map((r) => ({
      licenseId: r.licenseId.toString(), reporter: r.reporter, region: r.region, niceClass: r.niceClass, units: r.units.toString(), netSales: r.netSales.toString(),
      royalty: r.royalty.toString(), amount: r.amount.toString(), block: r.block.toString(), timestamp: Number(r.timestamp),
    })),
    indexedBlock: (await indexedBlock()).toString(),
    indexedAt: Number(now),
  } satisfies CertificateHistoryJson);
});

export default app;
