import { ponder } from "ponder:registry";
import { certificate, holder, licence, model, offer, settlement, tally, terms, usageReport } from "ponder:schema";
import { eq, sql } from "ponder";
import { LicenseFlags } from "@motif/sdk";
import { type Address, encodeAbiParameters, keccak256, toHex, zeroAddress, zeroHash } from "viem";

/**
 * Event handlers: each Motif event updates the read model in ponder.schema.ts. Ponder runs them in
 * log order and undoes them on a reorg.
 */

const mask = (regions: bigint) => toHex(regions, { size: 32 });

/** The bit indexes set in a mask, in order. */
function regionBits(regions: bigint): number[] {
  const out: number[] = [];
  for (let r = 0; regions >> BigInt(r) !== 0n; r++) if (((regions >> BigInt(r)) & 1n) === 1n) out.push(r);
  return out;
}

/** The mask's words and blocks (see `maskColumns` in the schema). */
function maskParts(regions: bigint) {
  const word = (k: number) => BigInt.asIntN(64, (regions >> BigInt(64 * k)) & 0xffff_ffff_ffff_ffffn);
  let blocks = 0;
  for (let b = 0; b < 16; b++) if (((regions >> BigInt(16 * b)) & 0xffffn) !== 0n) blocks |= 1 << b;
  return { w0: word(0), w1: word(1), w2: word(2), w3: word(3), blocks };
}
const isExclusive = (flags: number) => (flags & LicenseFlags.EXCLUSIVE) !== 0;

/** The contract's MAX_LICENSES_PER_HOLDER: a holder's slots for one certificate. */
const HOLDER_SLOTS = 16;
/** A licence id is its slot's key (`GrantSlotLibrary.slotKey`: its low 16 bits clear) with the slot's generation in those bits. */
const GENERATION_MASK = 0xffffn;

/**
 * The holder slot (0..15) a licence id names: the index `i` whose key, keccak256 of (tokenId,
 * licensee, i) with its low 16 bits cleared, is the id's. `isLicensed` looks at a holder's slots in
 * this order and answers with the first that covers.
 */
function slotOf(licenseId: bigint, tokenId: bigint, licensee: Address): number {
  const key = licenseId & ~GENERATION_MASK;
  for (let i = 0; i < HOLDER_SLOTS; i++) {
    const k = BigInt(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "address" }, { type: "uint256" }], [tokenId, licensee, BigInt(i)])));
    if ((k & ~GENERATION_MASK) === key) return i;
  }
  throw new Error(`licence ${licenseId} is in none of ${licensee}'s ${HOLDER_SLOTS} slots for certificate ${tokenId}`);
}

// --- certificates ---------------------------------------------------------------------------

// A mint's Transfer comes before its CertificateMinted / RecipeMinted / DatasetMinted log.
ponder.on("MotifCertificate:Transfer", async ({ event, context }) => {
  const { from, to, id } = event.args;
  await context.db.insert(holder).values({ tokenId: id, owner: to }).onConflictDoUpdate({ owner: to });
  if (from !== zeroAddress) {
    await context.db.update(certificate, { tokenId: id }).set({ owner: to });
    // the certificate's offers are open only while their licensor owns it (none exist at a mint)
    await context.db.sql
      .update(offer)
      .set({ licensorOwns: sql`lower(${offer.licensor}) = ${to.toLowerCase()}` })
      .where(eq(offer.tokenId, id));
  }
});

type Db = Parameters<Parameters<typeof ponder.on>[1]>[0]["context"]["db"];
type Minted = Omit<typeof certificate.$inferInsert, "owner" | "mintBlock" | "mintedAt">;

/** A certificate row from its mint event, with its holder (from the mint's Transfer) and block. */
async function insertCertificate(db: Db, block: { number: bigint; timestamp: bigint }, row: Minted) {
  const owner = (await db.find(holder, { tokenId: row.tokenId }))?.owner ?? zeroAddress;
  await db.insert(certificate).values({ ...row, owner, mintBlock: block.number, mintedAt: block.timestamp });
  const kind = `kind:${row.kind}`;
  const model = `model:${row.modelId}`;
  const creator = `creator:${row.creator.toLowerCase()}`;
  // three counts a mint; a total over kinds sums three rows (see tallyKeys in the API)
  for (const key of [kind, `${kind}|${model}`, `${kind}|${creator}`]) {
    await db.insert(tally).values({ key, count: 1 }).onConflictDoUpdate((t) => ({ count: t.count + 1 }));
  }
}

ponder.on("MotifCertificate:CertificateMinted", async ({ event, context }) => {
  const a = event.args;
  await insertCertificate(context.db, event.block, {
    tokenId: a.tokenId,
    kind: "pattern",
    creator: a.creator,
    modelId: a.modelId,
    royaltyBps: a.royaltyBps,
    metadataDigest: a.metadataDigest,
    metadataCodec: a.metadataCodec,
    seed: a.seed,
    paramsHash: a.paramsHash,
    pdqHash: a.pdqHash,
    tileHash: a.tileHash,
    attester: a.attester,
  });
});

ponder.on("MotifCertificate:PatternFromRecipe", async ({ event, context }) => {
  await context.db.update(certificate, { tokenId: event.args.tokenId }).set({ recipeId: event.args.recipeId });
});

// A colourway's ColourwayMinted comes right after its CertificateMinted: the link, for good.
ponder.on("MotifCertificate:ColourwayMinted", async ({ event, context }) => {
  const { designId, tokenId } = event.args;
  await context.db.update(certificate, { tokenId }).set({ designId });
  await context.db.update(certificate, { tokenId: designId }).set((row) => ({ colourwayCount: row.colourwayCount + 1 }));
});

ponder.on("MotifCertificate:RecipeMinted", async ({ event, context }) => {
  const a = event.args;
  await insertCertificate(context.db, event.block, {
    tokenId: a.recipeId,
    kind: "recipe",
    creator: a.author,
    modelId: a.modelId,
    royaltyBps: a.royaltyBps,
    metadataDigest: a.metadataDigest,
    metadataCodec: a.metadataCodec,
    kindDigest: a.recipeDigest,
    shareBps: a.shareBps,
  });
});

ponder.on("MotifCertificate:DatasetMinted", async ({ event, context }) => {
  const a = event.args;
  await insertCertificate(context.db, event.block, {
    tokenId: a.datasetId,
    kind: "dataset",
    creator: a.curator,
    modelId: 0,
    royaltyBps: a.royaltyBps,
    metadataDigest: a.metadataDigest,
    metadataCodec: a.metadataCodec,
    kindDigest: a.root,
    members: a.members,
    shareBps: a.shareBps,
  });
});

ponder.on("MotifCertificate:EditLogged", async ({ event, context }) => {
  await context.db.update(certificate, { tokenId: event.args.tokenId }).set((row) => ({ edits: row.edits + 1 }));
});

// ERC-4906: `logEdit` with new metadata (the event carries no digest: the contract's storage, read
// at this block, has it)
ponder.on("MotifCertificate:MetadataUpdate", async ({ event, context }) => {
  const tokenId = event.args._tokenId;
  const { metadataDigest, metadataCodec } = await context.client.readContract({
    address: context.contracts.MotifCertificate.address as `0x${string}`,
    abi: context.contracts.MotifCertificate.abi,
    functionName: "certificate",
    args: [tokenId],
  });
  await context.db.update(certificate, { tokenId }).set({ metadataDigest, metadataCodec });
});

ponder.on("MotifCertificate:RoyaltyUpdated", async ({ event, context }) => {
  await context.db.update(certificate, { tokenId: event.args.tokenId }).set({ royaltyBps: event.args.newBps });
});

// --- models ---------------------------------------------------------------------------------

ponder.on("MotifModelRegistry:ModelRegistered", async ({ event, context }) => {
  const a = event.args;
  const declared = a.trainingConfigDigest !== zeroHash;
  await context.db.insert(model).values({
    modelId: a.modelId,
    owner: a.owner,
    name: a.name,
    version: a.version,
    royaltyBps: a.royaltyBps,
    weightsDigest: a.weightsDigest,
    cardDigest: a.cardDigest,
    trainingDatasetId: a.trainingDatasetId === 0n ? null : a.trainingDatasetId,
    trainingDataRoot: declared ? a.trainingDataRoot : null,
    trainingConfigDigest: declared ? a.trainingConfigDigest : null,
    trainer: declared ? a.trainer : null,
  });
});

ponder.on("MotifModelRegistry:ModelDeprecated", async ({ event, context }) => {
  await context.db.update(model, { modelId: event.args.modelId }).set({ deprecated: true });
});

ponder.on("MotifModelRegistry:ModelOwnershipTransferred", async ({ event, context }) => {
  await context.db.update(model, { modelId: event.args.modelId }).set({ owner: event.args.newOwner });
});

ponder.on("MotifModelRegistry:ModelRoyaltyUpdated", async ({ event, context }) => {
  await context.db.update(model, { modelId: event.args.modelId }).set({ royaltyBps: event.args.newBps });
});

// --- offers and licences --------------------------------------------------------------------

ponder.on("MotifLicensing:TermsRegistered", async ({ event, context }) => {
  const { termsId, tokenId, terms: t } = event.args;
  await context.db.insert(terms).values({
    termsId,
    tokenId,
    regions: mask(t.regions),
    flags: t.flags,
    exclusive: isExclusive(t.flags),
    currency: t.currency,
    unitRoyalty: t.unitRoyalty,
    unitCap: t.unitCap,
    renewalPrice: t.renewalPrice,
    classes: t.classes,
    salesRoyaltyBps: t.salesRoyaltyBps,
    advance: t.advance,
  });
});

ponder.on("MotifLicensing:OfferPublished", async ({ event, context }) => {
  const { offerId, tokenId, licensor, termsId, offer: o } = event.args;
  const c = await context.db.find(certificate, { tokenId });
  await context.db.insert(offer).values({
    offerId,
    tokenId,
    licensor,
    licensorOwns: c !== null && c.owner.toLowerCase() === licensor.toLowerCase(),
    kind: c?.kind ?? "pattern",
    modelId: c?.modelId ?? 0,
    creator: c?.creator ?? zeroAddress,
    mintBlock: c?.mintBlock ?? 0n,
    designId: c?.designId ?? null,
    termsId,
    regions: mask(o.terms.regions),
    ...maskParts(o.terms.regions),
    regionList: regionBits(o.terms.regions),
    exclusive: isExclusive(o.terms.flags),
    currency: o.terms.currency,
    price: o.pricing.price,
    ceiling: o.pricing.ceiling,
    windowStart: BigInt(o.window.start),
    windowEnd: BigInt(o.window.end),
    duration: BigInt(o.window.duration),
    maxUses: BigInt(o.maxUses),
    deadline: BigInt(o.deadline),
    licensee: o.licensee,
    publishedBlock: event.block.number,
  });
});

ponder.on("MotifLicensing:OfferCancelled", async ({ event, context }) => {
  await context.db.update(offer, { offerId: event.args.offerId }).set({ cancelled: true });
});

ponder.on("MotifLicensing:LicenseGranted", async ({ event, context }) => {
  const a = event.args;
  const t = await context.db.find(terms, { termsId: a.termsId });
  const slot = slotOf(a.licenseId, a.tokenId, a.licensee);
  await context.db.insert(licence).values({
    licenseId: a.licenseId,
    tokenId: a.tokenId,
    licensee: a.licensee,
    termsId: a.termsId,
    offerKey: a.offerKey,
    regions: t?.regions ?? mask(0n),
    ...maskParts(BigInt(t?.regions ?? 0)),
    exclusive: t?.exclusive ?? false,
    classes: t?.classes ?? 0n,
    salesRoyaltyBps: t?.salesRoyaltyBps ?? 0,
    advance: t?.advance ?? 0n,
    flags: t?.flags ?? 0,
    slot,
    start: BigInt(a.start),
    end: BigInt(a.end),
    currency: a.currency,
    price: a.price,
    paid: a.price,
    status: "granted",
    grantedBlock: event.block.number,
    grantedAt: event.block.timestamp,
  });
  // An on-chain offer's key is its id; a signed offer's is its EIP-712 digest (no row here).
  const offerId = BigInt(a.offerKey);
  if (offerId <= 0xffffffffffffffffn && (await context.db.find(offer, { offerId })) !== null) {
    await context.db.update(offer, { offerId }).set((row) => ({ uses: row.uses + 1n }));
  }
  await context.db
    .update(certificate, { tokenId: a.tokenId })
    .set((row) => ({ licenceCount: row.licenceCount + 1, lastLicensedAt: event.block.timestamp }));
});

ponder.on("MotifLicensing:LicenseRenewed", async ({ event, context }) => {
  const { licenseId, end, price } = event.args;
  await context.db.update(licence, { licenseId }).set((row) => ({ end: BigInt(end), renewals: row.renewals + 1, paid: row.paid + price }));
});

ponder.on("MotifLicensing:LicenseRevoked", async ({ event, context }) => {
  await context.db.update(licence, { licenseId: event.args.licenseId }).set({ status: "revoked" });
});

ponder.on("MotifLicensing:BreachFlagged", async ({ event, context }) => {
  await context.db.update(licence, { licenseId: event.args.licenseId }).set({ breach: true });
});

ponder.on("MotifLicensing:BreachCleared", async ({ event, context }) => {
  await context.db.update(licence, { licenseId: event.args.licenseId }).set({ breach: false });
});

ponder.on("MotifLicensing:LicenseTransferred", async ({ event, context }) => {
  const { fromId, toId, to } = event.args;
  const old = await context.db.find(licence, { licenseId: fromId });
  if (old === null) return;
  await context.db.update(licence, { licenseId: fromId }).set({ status: "transferred", transferredTo: toId });
  const slot = slotOf(toId, old.tokenId, to);
  await context.db.insert(licence).values({
    ...old,
    licenseId: toId,
    licensee: to,
    slot,
    status: "granted",
    transferredTo: null,
    grantedBlock: event.block.number,
    grantedAt: event.block.timestamp,
  });
});

ponder.on("MotifLicensing:UsageReported", async ({ event, context }) => {
  const { licenseId, reporter, region, niceClass, units, netSales, royalty, amount } = event.args;
  const row = await context.db.find(licence, { licenseId });
  await context.db.insert(usageReport).values({
    id: `${event.block.number}-${event.log.logIndex}`,
    licenseId,
    tokenId: row?.tokenId ?? 0n,
    reporter,
    region: Number(region),
    niceClass: Number(niceClass),
    units,
    netSales,
    royalty,
    amount,
    block: event.block.number,
    logIndex: event.log.logIndex,
    timestamp: event.block.timestamp,
  });
  if (row === null) return;
  // the report that uses the terms' last unit marks the licence exhausted (`used == unitCap`)
  const unitCap = (await context.db.find(terms, { termsId: row.termsId }))?.unitCap ?? 0n;
  await context.db.update(licence, { licenseId }).set((l) => ({
    units: l.units + units,
    exhausted: l.exhausted || (units !== 0n && unitCap !== 0n && l.units + units === unitCap),
    royalties: l.royalties + amount,
    netSales: l.netSales + netSales,
    royaltiesAccrued: l.royaltiesAccrued + royalty,
    // the royalty the advance covered: accrued less paid
    recouped: l.recouped + (royalty - amount),
  }));
});

ponder.on("MotifLicensing:RevenueSettled", async ({ event, context }) => {
  const a = event.args;
  await context.db.insert(settlement).values({
    id: `${event.block.number}-${event.log.logIndex}`,
    tokenId: a.tokenId,
    currency: a.currency,
    total: a.total,
    ownerShare: a.ownerShare,
    modelShare: a.modelShare,
    recipeShare: a.recipeShare,
    datasetShare: a.datasetShare,
    protocolFee: a.protocolFee,
    block: event.block.number,
    timestamp: event.block.timestamp,
  });
});
