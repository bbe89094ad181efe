import { type Address, type PublicClient, bytesToHex, zeroAddress } from "viem";
import { CID } from "multiformats/cid";
import { type GalleryQuery, type GetCertificateHistoryReturnType, type IndexedCertificate, getCertificateHistory, getGallery, type CertificateMetadata, type GetCertificateReturnType, tokenIdHex, type Offer, addressesOf, fetchVerified, getCertificate, isMotifError, motifErrorOf, getCertificateMetadata, motifCertificateAbi, motifLicensingAbi, getMotifEvents, getEventLogs, getColourways, getDesignOf } from "@motif/sdk";

import type { WebConfig } from "./config.js";

export { addressesOf };

/** Token ids of every certificate, newest first, from the mint events. */
export async function certificateIds(client: PublicClient, cfg: WebConfig): Promise<bigint[]> {
  const logs = await getMotifEvents(client, { kind: "mints", addresses: addressesOf(cfg), fromBlock: BigInt(cfg.startBlock) });
  return logs.map((l) => l.args.tokenId as bigint).reverse();
}

/** Blocks the index may trail the chain's head by (about one poll) and still answer the page. */
const INDEX_LAG = 2n;

/**
 * Whether the stack's indexer has caught up (its backfill done and its checkpoint within a poll of
 * the chain's head); else the page reads the chain itself.
 */
export async function indexerReady(cfg: WebConfig, client?: PublicClient): Promise<boolean> {
  if (cfg.indexer === undefined) return false;
  // one answer per second for the whole page (a gallery asks once per card)
  const key = client === undefined ? "plain" : "head";
  const cached = readiness.get(key);
  if (cached !== undefined && Date.now() - cached.at < 1_000) return cached.ready;
  const ready = askReady(cfg, client);
  readiness.set(key, { at: Date.now(), ready });
  return ready;
}

const readiness = new Map<string, { at: number; ready: Promise<boolean> }>();

async function askReady(cfg: WebConfig, client?: PublicClient): Promise<boolean> {
  if (!(await fetch(`${cfg.indexer}/ready`).then((r) => r.ok, () => false))) return false;
  if (client === undefined) return true;
  const [status, head] = await Promise.all([
    fetch(`${cfg.indexer}/status`).then((r) => r.json() as Promise<Record<string, { block?: { number: number } }>>, () => ({}) as Record<string, { block?: { number: number } }>),
    client.getBlockNumber(),
  ]);
  return BigInt(status["motif"]?.block?.number ?? -1) + INDEX_LAG >= head;
}

export type GalleryPage = { items: Pick<IndexedCertificate, "tokenId" | "kind" | "creator" | "owner" | "modelId" | "licenceCount">[]; total: number; page: number; pageSize: number; source: "indexer" | "chain" };

/**
 * One page of the gallery: from the indexer when it is caught up (every filter and sort), else from
 * the chain's mint events (patterns, newest first; filters need the indexer).
 */
export async function galleryPage(client: PublicClient, cfg: WebConfig, q: GalleryQuery): Promise<GalleryPage> {
  const page = q.page ?? 1;
  const pageSize = q.pageSize ?? 24;
  if (await indexerReady(cfg, client)) {
    const r = await getGallery({ indexer: cfg.indexer!, ...q, page, pageSize });
    return { ...r, source: "indexer" };
  }
  const filtered = Object.entries(q).some(([k, v]) => v !== undefined && !["page", "pageSize", "sort", "kind"].includes(k)) || (q.kind !== undefined && q.kind !== "pattern") || (q.sort !== undefined && q.sort !== "newest");
  if (filtered) throw new Error("Search and filters need the indexer, which is not running or still catching up; clear the filters to list patterns from the chain.");
  const ids = await certificateIds(client, cfg);
  const items = ids.slice((page - 1) * pageSize, page * pageSize).map((tokenId) => ({ tokenId, kind: "pattern" as const, creator: zeroAddress, owner: zeroAddress, modelId: 0, licenceCount: 0 }));
  return { items, total: ids.length, page, pageSize, source: "chain" };
}

/** A certificate's licences, offers and revenue from the indexer; undefined without a caught-up indexer. */
export async function certificateHistory(cfg: WebConfig, tokenId: bigint, client?: PublicClient): Promise<GetCertificateHistoryReturnType | undefined> {
  if (!(await indexerReady(cfg, client))) return undefined;
  return getCertificateHistory({ indexer: cfg.indexer!, tokenId });
}

/** `metadata` is checked against the SDK's schema (`getCertificateMetadata` parses it by the certificate's kind: a `MetadataError` names a bad field). */
export type Pattern = { cert: GetCertificateReturnType; metadata: CertificateMetadata; imageUrl: string };

const images = new Map<string, Promise<string>>();

/** A certificate, its metadata and its image — both fetched from the gateway and checked against their CIDs. */
export async function loadPattern(client: PublicClient, cfg: WebConfig, tokenId: bigint): Promise<Pattern> {
  const addresses = addressesOf(cfg);
  const [cert, document] = await Promise.all([
    getCertificate(client, { certificate: addresses.certificate, tokenId }),
    getCertificateMetadata(client, { certificate: addresses.certificate, tokenId, gateway: cfg.gateway }),
  ]);
  if (document.kind !== "pattern") throw new Error(`certificate ${tokenIdHex(tokenId)} is a ${document.kind} certificate, not a pattern's`);
  const metadata = document.metadata;
  const image = metadata.image;
  let url = images.get(image);
  if (url === undefined) {
    url = (async () => {
      const cid = CID.parse(image.replace(/^ipfs:\/\//, ""));
      const bytes = await fetchVerified(cfg.gateway, { cid: cid.toString(), codec: cid.code, digest: bytesToHex(cid.multihash.digest) });
      return URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: "image/png" }));
    })();
    images.set(image, url);
  }
  return { cert, metadata, imageUrl: await url };
}

/** A design's family: the design and its colourways (mint order), from any member's id. */
export async function colourwayFamily(client: PublicClient, cfg: WebConfig, tokenId: bigint): Promise<{ designId: bigint; members: bigint[] }> {
  const certificate = addressesOf(cfg).certificate;
  const design = await getDesignOf(client, { certificate, tokenId });
  const designId = design === 0n ? tokenId : design;
  const colourways = await getColourways(client, { certificate, designId });
  return { designId, members: [designId, ...colourways] };
}

export type OnChainOffer = { offerId: bigint; licensor: Address; offer: Offer; price: bigint };

/**
 * The certificate's on-chain offers that can still be accepted (published by its current owner, not
 * cancelled, not used up, deadline after the latest block): their ids from the indexer (or, while it
 * catches up, the certificate's own `OfferPublished` events, filtered by token, paged), then each
 * offer's state and price now read from the contract (`getOffer`): the chain decides what is open.
 */
export async function openOffers(client: PublicClient, cfg: WebConfig, tokenId: bigint): Promise<OnChainOffer[]> {
  const address = cfg.contracts.MotifLicensing;
  // the offer ids: from the indexer when it has caught up (no log scan), else the token's OfferPublished events
  const offerIds = async (): Promise<bigint[]> => {
    const history = await certificateHistory(cfg, tokenId, client).catch(() => undefined);
    // the index up to the block it reached, then the few blocks after it from the chain
    const fromBlock = history === undefined ? BigInt(cfg.startBlock) : history.indexedBlock + 1n;
    const head = await client.getBlockNumber({ cacheTime: 0 }); // not viem's 4-second cache: the block just mined counts
    const logs = fromBlock > head ? [] : await getEventLogs(client, { address, abi: motifLicensingAbi, eventName: "OfferPublished", args: { tokenId }, fromBlock, toBlock: head });
    return [...new Set([...(history?.offers.map((o) => o.offerId) ?? []), ...logs.map((l) => l.args.offerId!)])];
  };
  const [ids, block, owner] = await Promise.all([
    offerIds(),
    client.getBlock(),
    client.readContract({ address: cfg.contracts.MotifCertificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [tokenId] }),
  ]);
  const published = ids.map((offerId) => ({ args: { offerId } }));
  const read = await Promise.all(
    published.map((p) => client.readContract({ address, abi: motifLicensingAbi, functionName: "getOffer", args: [p.args.offerId] })),
  );
  const out: OnChainOffer[] = [];
  published.forEach((p, i) => {
    const [offer, state] = read[i]!;
    // acceptable in a later block: still the owner's, before its deadline, uses left
    const open = !state.cancelled && state.licensor === owner && offer.deadline > Number(block.timestamp) && state.uses < offer.maxUses;
    if (open) out.push({ offerId: p.args.offerId, licensor: state.licensor, offer: offer as Offer, price: state.currentPrice });
  });
  return out;
}

/**
 * Licences that `licensee` holds on `tokenId`: granted to it or transferred to it, in event order.
 * A licence whose slot now holds a newer one (ended, revoked or transferred away, then reused) reads
 * as unknown and is left out.
 */
export async function licensesOf(client: PublicClient, cfg: WebConfig, tokenId: bigint, licensee: Address) {
  const address = cfg.contracts.MotifLicensing;
  // the licences the index holds for this licensee (granted or transferred to it), then the blocks
  // after the index's from the chain; without a caught-up index, the chain from the start block
  const history = await certificateHistory(cfg, tokenId, client).catch(() => undefined);
  const fromBlock = history === undefined ? BigInt(cfg.startBlock) : history.indexedBlock + 1n;
  const head = await client.getBlockNumber({ cacheTime: 0 }); // not viem's 4-second cache: the block just mined counts
  const [grants, received] = fromBlock > head ? [[], []] : await Promise.all([
    getEventLogs(client, { address, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId, licensee }, fromBlock, toBlock: head }),
    getEventLogs(client, { address, abi: motifLicensingAbi, eventName: "LicenseTransferred", args: { to: licensee }, fromBlock, toBlock: head }),
  ]);
  const indexed = history?.licences.filter((l) => l.licensee.toLowerCase() === licensee.toLowerCase()).map((l) => l.licenseId) ?? [];
  const ids = [...new Set([...indexed, ...grants.map((g) => g.args.licenseId!), ...received.map((t) => t.args.toId!)])];
  const found = await Promise.all(
    ids.map(async (licenseId) => {
      const license = await client.readContract({ address, abi: motifLicensingAbi, functionName: "getLicense", args: [licenseId] }).catch((error: unknown) => {
        if (isMotifError(motifErrorOf(error), "MotifLicensingUnknownLicense")) return undefined; // the name is checked by tsc against the contracts' errors
        throw error; // anything but "superseded" is a real failure
      });
      if (license === undefined || license.tokenId !== tokenId) return undefined;
      const terms = await client.readContract({ address, abi: motifLicensingAbi, functionName: "getTerms", args: [license.termsId] });
      return { licenseId, license, terms };
    }),
  );
  return found.filter((l) => l !== undefined);
}
