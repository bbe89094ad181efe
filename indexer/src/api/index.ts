import { db, publicClients } from "ponder:api";
import schema from "ponder:schema";
import { Hono } from "hono";
import { and, asc, client, count, desc, eq, graphql, inArray, sql } from "ponder";
import { maxUint256, zeroAddress } from "viem";
import {
  GALLERY_MAX_PAGE_SIZE,
  GALLERY_SORTS,
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
 * (a pattern page's licences, offers and revenue), plus Ponder's `/graphql` and `/sql/*` for
 * anything else. Answers are read-only views of the index; money and rights come from the contracts.
 */
const app = new Hono();
app.use("/sql/*", client({ db, schema }));
app.use("/graphql", graphql({ db, schema }));

const PERPETUAL = 2n ** 40n - 1n;
const CERTIFICATE_KINDS = ["pattern", "recipe", "dataset"] as const;

class BadQuery extends Error {}

/** The latest block's time and number (cached a second: one RPC call per second at most). */
let head: { at: number; block: bigint; time: bigint } | undefined;
async function chainHead(): Promise<{ block: bigint; time: bigint }> {
  if (head === undefined || Date.now() - head.at > 1_000) {
    const b = await publicClients["motif"].getBlock();
    head = { at: Date.now(), block: b.number, time: b.timestamp };
  }
  return head;
}

/**
 * The block the index has reached (Ponder's checkpoint, as its own /status says): what an answer
 * reflects. The chain's head can be ahead of it by the blocks not yet indexed.
 */
let indexed: { at: number; block: bigint } | undefined;
async function indexedBlock(): Promise<bigint> {
  // cached a second, as chainHead: not one extra HTTP request per query
  if (indexed === undefined || Date.now() - indexed.at > 1_000) {
    const port = process.env.PORT ?? "42069";
    const status = (await (await fetch(`http://127.0.0.1:${port}/status`)).json()) as Record<string, { block?: { number: number } }>;
    indexed = { at: Date.now(), block: BigInt(status["motif"]?.block?.number ?? 0) };
  }
  return indexed.block;
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

const hasRegion = (mask: `0x${string}`, region: number) => ((BigInt(mask) >> BigInt(region)) & 1n) === 1n;

type OfferRow = typeof schema.offer.$inferSelect;
type LicenceRow = typeof schema.licence.$inferSelect;
type CertificateRow = typeof schema.certificate.$inferSelect;

/**
 * Whether an offer accepted at some time `a` in [now, deadline] yields a licence covering [from, to].
 * The contract grants `[s, e)` with `s = max(windowStart, a)` and `e = duration ? s + duration :
 * windowEnd`. A start no later than `from` needs `max(windowStart, now) <= from`; a relative window
 * ends latest when accepted as late as allowed, at `min(from, deadline)`.
 */
function offerCovers(o: OfferRow, now: bigint, from: bigint, to: bigint): boolean {
  const earliest = o.windowStart > now ? o.windowStart : now;
  if (earliest > from) return false;
  if (o.duration !== 0n) {
    const a = from < o.deadline ? from : o.deadline;
    const s = o.windowStart > a ? o.windowStart : a;
    return to < s + o.duration;
  }
  return o.windowEnd === PERPETUAL || to < o.windowEnd;
}

/**
 * Whether the chain would accept the offer now: published by the certificate's current owner, not
 * cancelled, uses left, before its deadline, and (an absolute window) not ended.
 */
const isOpen = (o: OfferRow, now: bigint, owner: string) =>
  !o.cancelled &&
  o.uses < o.maxUses &&
  o.deadline > now &&
  o.licensor.toLowerCase() === owner.toLowerCase() &&
  (o.duration !== 0n || o.windowEnd === PERPETUAL || o.windowEnd > (o.windowStart > now ? o.windowStart : now));

/** Whether a licence holds its regions exclusively now or later: granted, window not ended (a breach flag does not free it; revocation does). */
const holdsExclusive = (l: LicenceRow, now: bigint) => l.exclusive && l.status === "granted" && (l.end === PERPETUAL || l.end > now);

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

app.get("/v1/gallery", async (c) => {
  try {
    const q = c.req.query();
    const kind = q.kind;
    if (kind !== undefined && kind !== "" && !(CERTIFICATE_KINDS as readonly string[]).includes(kind)) {
      throw new BadQuery(`kind must be one of ${CERTIFICATE_KINDS.join(", ")}; got "${kind}"`);
    }
    const sort = (q.sort === undefined || q.sort === "" ? "newest" : q.sort) as GallerySort;
    if (!GALLERY_SORTS.includes(sort)) throw new BadQuery(`sort must be one of ${GALLERY_SORTS.join(", ")}; got "${q.sort}"`);
    const modelId = intParam(q, "modelId", 1, 2 ** 32 - 1);
    const creator = addressParam(q, "creator");
    const owner = addressParam(q, "owner");
    const region = intParam(q, "region", 0, REGION_COUNT - 1);
    const exclusiveIn = intParam(q, "exclusiveIn", 0, REGION_COUNT - 1);
    const from = intParam(q, "from", 0, 2 ** 40 - 1);
    const to = intParam(q, "to", 0, 2 ** 40 - 1);
    if (from !== undefined && to !== undefined && to < from) throw new BadQuery(`to (${to}) must not be before from (${from})`);
    const minPrice = bigParam(q, "minPrice");
    const maxPrice = bigParam(q, "maxPrice");
    const currency = addressParam(q, "currency") ?? zeroAddress;
    const page = intParam(q, "page", 1, 1_000_000) ?? 1;
    const pageSize = intParam(q, "pageSize", 1, GALLERY_MAX_PAGE_SIZE) ?? 24;

    const where: ReturnType<typeof eq>[] = [];
    if (kind) where.push(eq(schema.certificate.kind, kind as (typeof CERTIFICATE_KINDS)[number]));
    if (modelId !== undefined) where.push(eq(schema.certificate.modelId, modelId));
    if (creator !== undefined) where.push(eq(schema.certificate.creator, creator));
    if (owner !== undefined) where.push(eq(schema.certificate.owner, owner));

    const [{ time: now }, block] = await Promise.all([chainHead(), indexedBlock()]);
    // Offer-based filters: narrowed in SQL to offers still before their deadline, then by mask and window here.
    const offerFilter = region !== undefined || from !== undefined || to !== undefined || exclusiveIn !== undefined || minPrice !== undefined || maxPrice !== undefined;
    if (offerFilter) {
      const offers = await db.select().from(schema.offer).where(and(eq(schema.offer.cancelled, false)));
      const owners = new Map<bigint, string>();
      const tokenIds = [...new Set(offers.map((o) => o.tokenId))];
      for (let i = 0; i < tokenIds.length; i += 1_000) {
        const rows = await db.select({ tokenId: schema.certificate.tokenId, owner: schema.certificate.owner }).from(schema.certificate).where(inArray(schema.certificate.tokenId, tokenIds.slice(i, i + 1_000)));
        for (const r of rows) owners.set(r.tokenId, r.owner);
      }
      const fromS = BigInt(from ?? to ?? Number(now));
      const toS = BigInt(to ?? from ?? Number(now));
      let matching = offers.filter((o) => isOpen(o, now, owners.get(o.tokenId) ?? ""));
      if (region !== undefined) matching = matching.filter((o) => hasRegion(o.regions, region));
      if (from !== undefined || to !== undefined) matching = matching.filter((o) => offerCovers(o, now, fromS, toS));
      if (minPrice !== undefined || maxPrice !== undefined) {
        // prices compare within one currency (ETH unless `currency` names an ERC-20); a dynamic
        // offer's price now is the contract's (`currentPrice`), not its floor
        matching = matching.filter((o) => o.currency.toLowerCase() === currency);
        const dynamic = matching.filter((o) => o.ceiling !== 0n);
        const prices = new Map<bigint, bigint>(matching.map((o) => [o.offerId, o.price]));
        if (dynamic.length > 0) {
          const licensing = process.env.MOTIF_LICENSING as `0x${string}`;
          const now = await publicClients["motif"].multicall({
            contracts: dynamic.map((o) => ({ address: licensing, abi: motifLicensingAbi, functionName: "currentPrice" as const, args: [o.offerId] as const })),
            allowFailure: false,
          }).catch(async () => Promise.all(dynamic.map((o) => publicClients["motif"].readContract({ address: licensing, abi: motifLicensingAbi, functionName: "currentPrice", args: [o.offerId] }))));
          dynamic.forEach((o, i) => prices.set(o.offerId, now[i] as bigint));
        }
        matching = matching.filter((o) => {
          const price = prices.get(o.offerId)!;
          return (minPrice === undefined || price >= minPrice) && (maxPrice === undefined || price <= maxPrice);
        });
      }
      if (exclusiveIn !== undefined) {
        matching = matching.filter((o) => o.exclusive && hasRegion(o.regions, exclusiveIn));
        const held = await db.select().from(schema.licence).where(and(eq(schema.licence.exclusive, true), eq(schema.licence.status, "granted")));
        const taken = new Set(held.filter((l) => holdsExclusive(l, now) && hasRegion(l.regions, exclusiveIn)).map((l) => l.tokenId));
        matching = matching.filter((o) => !taken.has(o.tokenId));
      }
      const ids = [...new Set(matching.map((o) => o.tokenId))];
      if (ids.length === 0) return c.json({ items: [], total: 0, page, pageSize, indexedBlock: block.toString() } satisfies GalleryPageJson);
      where.push(inArray(schema.certificate.tokenId, ids));
    }

    const condition = where.length === 0 ? undefined : and(...where);
    const order = {
      newest: [desc(schema.certificate.mintBlock), desc(schema.certificate.tokenId)],
      oldest: [asc(schema.certificate.mintBlock), asc(schema.certificate.tokenId)],
      "most-licensed": [desc(schema.certificate.licenceCount), desc(schema.certificate.mintBlock)],
      // never-licensed certificates last (PostgreSQL puts NULLs first in a descending order)
      "recently-licensed": [sql`${schema.certificate.lastLicensedAt} desc nulls last`, desc(schema.certificate.mintBlock)],
    }[sort];
    const [rows, [total]] = await Promise.all([
      db.select().from(schema.certificate).where(condition).orderBy(...order).limit(pageSize).offset((page - 1) * pageSize),
      db.select({ n: count() }).from(schema.certificate).where(condition),
    ]);
    return c.json({ items: rows.map(certificateJson), total: Number(total?.n ?? 0), page, pageSize, indexedBlock: block.toString() } satisfies GalleryPageJson);
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
  if (cert === undefined) {
    return c.json({ error: "NotIndexed", message: `certificate 0x${tokenId.toString(16).padStart(64, "0")} is not in the index (not minted, or minted after the indexed block)` }, 404);
  }
  const [{ time: now }, block] = await Promise.all([chainHead(), indexedBlock()]);
  const [licences, offers, settlements] = await Promise.all([
    db.select().from(schema.licence).where(eq(schema.licence.tokenId, tokenId)).orderBy(asc(schema.licence.grantedBlock)),
    db.select().from(schema.offer).where(eq(schema.offer.tokenId, tokenId)).orderBy(asc(schema.offer.offerId)),
    db.select().from(schema.settlement).where(eq(schema.settlement.tokenId, tokenId)).orderBy(asc(schema.settlement.block)),
  ]);
  return c.json({
    certificate: certificateJson(cert),
    licences: licences.map((l) => licenceJson(l, now)),
    offers: offers.map(offerJson),
    settlements: settlements.map((s) => ({
      currency: s.currency, total: s.total.toString(), ownerShare: s.ownerShare.toString(), modelShare: s.modelShare.toString(),
      recipeShare: s.recipeShare.toString(), protocolFee: s.protocolFee.toString(), block: s.block.toString(), timestamp: Number(s.timestamp),
    })),
    indexedBlock: block.toString(),
    indexedAt: Number(now),
  } satisfies CertificateHistoryJson);
});

export default app;
