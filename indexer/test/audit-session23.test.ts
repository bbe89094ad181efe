import { expect } from "chai";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getCertificateHistory, getGallery, licenseTerms, motifLicensingAbi, regionBit } from "@motif/sdk";
import type { RunningIndexer } from "../launch.mjs";
import { indexedChain } from "./helpers.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Audit session 23 (change 8d321f7~1..65dd09d: the gallery's offer filters and the pattern page's
 * "exclusive still possible" check every rule at the acceptance they assume; MAX_EXCLUSIVES and the
 * PERPETUAL window rule). Promise: an offer is listed only if `acceptOffer` from that visitor would
 * succeed now (or, with dates, at `max(now, min(from, deadline))`). Oracle: the contract itself, a
 * simulated `acceptOffer` from the visitor at the time in question; never the indexer's code.
 */
describe("audit session 23: gallery offer filters and the pattern page against the contract", function () {
  this.timeout(300_000);
  const DAY = 86_400;
  const PERPETUAL = 2 ** 40 - 1;
  /** The contract's grant summary keeps a block's end day in 16 bits: day 0xffff (2149-04-13) and later read as "never". */
  const NEVER_DAY = 0xffff;
  const hex = (s: string) => keccak256(toHex(s));
  const EDGE_BITS = [0, 63, 64, 127, 128, 191, 192, 248] as const;
  const NEIGHBOURS = [1, 62, 65, 126, 129, 190, 193, 247] as const;
  const webLicences = "../../web/src/pages/licences.js";
  type Exclusivity = (history: Awaited<ReturnType<typeof getCertificateHistory>>) => { words: string[]; free: bigint };

  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  let now = 0;
  let studio: Address;
  let visitor: Address;

  // F1/F2: non-exclusive grants ending in block FR's (day >= 0xffff) and in another block (perpetual); an exclusive FR offer starting after the first ends
  let capCert = 0n;
  let capOffer = 0n;
  let capControl = 0n; // the same, grant A ending one day earlier (day 0xfffe): accepted
  let capControlOffer = 0n;
  // F3: an offer made to the visitor, who already holds 16 live licences of the certificate (MAX_LICENSES_PER_HOLDER)
  let holderCert = 0n;
  let holderOffer = 0n;
  // F4/F5: offers that pass every rule at the head's second T but fail at any later one (the rules are checked at T, acceptance is at T + 1 at the earliest)
  let T = 0;
  const boundary: { name: string; cert: bigint; offer: bigint; bit: number }[] = [];
  // probes
  let edgeCert = 0n;
  const edgeOffers = new Map<number, bigint>();
  let transferCert = 0n;
  let transferKept = 0n; // the studio's offer, valid again once the certificate is back
  let transferGone = 0n; // the interim owner's offer
  let expiryCert = 0n;
  let expiryOffer = 0n;
  let expiryEnd = 0;
  const deadlineProbe: { cert: bigint; offer: bigint; deadline: number }[] = [];

  const rpc = (method: string, params: unknown[] = []) =>
    fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then((r) => r.json() as Promise<{ result: unknown; error?: unknown }>);
  const head = async () => Number((await chain.deployed.publicClient.getBlock()).timestamp);

  async function mint(tag: string) {
    const { deployed } = chain;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    return BigInt(lineage.contentDigest);
  }
  const makeOffer = (tokenId: bigint, regions: bigint, exclusive: boolean, window: Offer["window"], extra: { maxUses?: number; licensee?: Address; deadline?: number } = {}): Offer => ({
    terms: licenseTerms({ tokenId, regions, flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0), currency: zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55 }),
    window,
    pricing: { price: parseEther("0.001"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: extra.maxUses ?? (exclusive ? 1 : 5),
    deadline: extra.deadline ?? now + 30 * DAY,
    nonce: 0n,
    licensee: extra.licensee ?? zeroAddress,
  });
  async function publish(o: Offer, by = 2): Promise<bigint> {
    const { deployed } = chain;
    const receipt = await deployed.publicClient.waitForTransactionReceipt({ hash: await deployed.motif[by]!.publishOffer({ offer: o }) });
    const [published] = await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    return published!.args.offerId!;
  }
  async function accept(offerId: bigint, by = 3) {
    const { deployed } = chain;
    await deployed.wait(await deployed.motif[by]!.acceptOffer({ offerId, maxPrice: parseEther("0.001") }));
  }
  const bit = (b: number) => 1n << BigInt(b);
  const reason = (error: unknown) => {
    const e = error as { walk?: (f: (x: unknown) => boolean) => unknown; shortMessage?: string };
    const hit = e.walk?.((x) => (x as { data?: { errorName?: string } }).data?.errorName !== undefined) as { data?: { errorName?: string } } | undefined;
    return hit?.data?.errorName ?? (e.shortMessage ?? String(error)).split("\n")[0]!;
  };
  /** Why `acceptOffer` from `from` is refused at the latest block (undefined when it succeeds; simulated). */
  async function whyRefused(offerId: bigint, from: Address = visitor): Promise<string | undefined> {
    const { publicClient, addresses } = chain.deployed;
    try {
      await publicClient.simulateContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [offerId, parseEther("1")], value: parseEther("0.001"), account: from });
      return undefined;
    } catch (error) {
      return reason(error);
    }
  }
  /** Why `acceptOffer` is refused in a block at exactly `time` (a snapshot: mined there, simulated, reverted). */
  async function whyRefusedAt(offerId: bigint, time: number, from: Address = visitor): Promise<string | undefined> {
    const snap = (await rpc("evm_snapshot")).result;
    try {
      await rpc("evm_setNextBlockTimestamp", [time]);
      await rpc("evm_mine");
      expect(await head()).to.equal(time);
      return await whyRefused(offerId, from);
    } finally {
      await rpc("evm_revert", [snap]);
    }
  }
  /** The indexer reads the head's time at most once a second: past that, its `now` is the head's again (after a reverted snapshot). */
  const settle = () => new Promise((r) => setTimeout(r, 1_100));
  /** Why the visitor's own send of `acceptOffer` now fails (a snapshot: sent through the SDK, mined, reverted). */
  async function whySendFails(offerId: bigint): Promise<string | undefined> {
    const { deployed } = chain;
    const snap = (await rpc("evm_snapshot")).result;
    try {
      const receipt = await deployed.wait(await deployed.motif[9]!.acceptOffer({ offerId, maxPrice: parseEther("0.001") }));
      return receipt.status === "success" ? undefined : "reverted";
    } catch (error) {
      return reason(error);
    } finally {
      await rpc("evm_revert", [snap]);
    }
  }
  const listed = async (q: Omit<Parameters<typeof getGallery>[0], "indexer">) => (await getGallery({ ...q, indexer: indexer.url, pageSize: 100 })).items.map((c) => c.tokenId);

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    studio = getAddress(deployed.motif[2]!.account.address);
    visitor = getAddress(deployed.wallets[9]!.account.address);
    now = await head();

    // F1/F2: grant A (non-exclusive FR, ends at day 0xffff: the summary's "never"), grant B (non-exclusive US,
    // another block, perpetual: keeps the hull open); an exclusive FR offer for [0xffff days, + 30 days)
    capCert = await mint("audit23-cap");
    const capEnd = NEVER_DAY * DAY;
    // one use each: the grants' own offers are then used up, and region=FR has only the exclusive offer to list
    await accept(await publish(makeOffer(capCert, bit(regionBit("FR")), false, { start: now + 60, end: capEnd, duration: 0 }, { maxUses: 1 })));
    await accept(await publish(makeOffer(capCert, bit(regionBit("US")), false, { start: now + 60, end: PERPETUAL, duration: 0 }, { maxUses: 1 })));
    capOffer = await publish(makeOffer(capCert, bit(regionBit("FR")), true, { start: capEnd, end: capEnd + 30 * DAY, duration: 0 }));
    capControl = await mint("audit23-cap-control");
    await accept(await publish(makeOffer(capControl, bit(regionBit("FR")), false, { start: now + 60, end: capEnd - DAY, duration: 0 })));
    await accept(await publish(makeOffer(capControl, bit(regionBit("US")), false, { start: now + 60, end: PERPETUAL, duration: 0 })));
    capControlOffer = await publish(makeOffer(capControl, bit(regionBit("FR")), true, { start: capEnd, end: capEnd + 30 * DAY, duration: 0 }));

    // F3: an offer made to the visitor (JP, perpetual, 20 uses); the visitor takes 16 licences from it
    holderCert = await mint("audit23-holder");
    holderOffer = await publish(makeOffer(holderCert, bit(regionBit("JP")), false, { start: 0, end: PERPETUAL, duration: 0 }, { maxUses: 20, licensee: visitor }));
    for (let i = 0; i < 16; i++) await accept(holderOffer, 9);

    // probe: exclusive perpetual licences at each word/block edge bit; non-exclusive offers at each edge bit and next to it
    edgeCert = await mint("audit23-edge");
    for (const b of EDGE_BITS) await accept(await publish(makeOffer(edgeCert, bit(b), true, { start: 0, end: PERPETUAL, duration: 0 })));
    for (const b of [...EDGE_BITS, ...NEIGHBOURS]) edgeOffers.set(b, await publish(makeOffer(edgeCert, bit(b), false, { start: 0, end: 0, duration: 10 * DAY })));

    // probe: transfers of the token: the studio's FR offer, the certificate to another owner, its DE offer, the certificate back
    transferCert = await mint("audit23-transfer");
    transferKept = await publish(makeOffer(transferCert, bit(regionBit("FR")), false, { start: 0, end: 0, duration: 10 * DAY }));
    const other = deployed.wallets[4]!.account;
    await deployed.wait(await deployed.certificate.write.transferFrom([studio, other.address, transferCert], { account: deployed.wallets[2]!.account }));
    transferGone = await publish(makeOffer(transferCert, bit(regionBit("DE")), false, { start: 0, end: 0, duration: 10 * DAY }), 4);
    await deployed.wait(await deployed.certificate.write.transferFrom([other.address, studio, transferCert], { account: other }));

    // probe: an exclusive GB licence [now + 1 day, now + 3 days); a non-exclusive perpetual GB offer
    expiryCert = await mint("audit23-expiry");
    expiryEnd = now + 3 * DAY;
    await accept(await publish(makeOffer(expiryCert, bit(regionBit("GB")), true, { start: now + DAY, end: expiryEnd, duration: 0 })));
    expiryOffer = await publish(makeOffer(expiryCert, bit(regionBit("GB")), false, { start: 0, end: PERPETUAL, duration: 0 }));

    // probe: offers whose deadline is before `from`: an exclusive IT licence [now + 2 days, now + 4 days); relative
    // non-exclusive IT offers of 10 days with deadlines now + 5 days (accepted then: after the licence) and now + 3 days
    for (const days of [5, 3]) {
      const cert = await mint(`audit23-deadline-${days}`);
      await accept(await publish(makeOffer(cert, bit(regionBit("IT")), true, { start: now + 2 * DAY, end: now + 4 * DAY, duration: 0 })));
      const deadline = now + days * DAY;
      deadlineProbe.push({ cert, deadline, offer: await publish(makeOffer(cert, bit(regionBit("IT")), false, { start: 0, end: 0, duration: 10 * DAY }, { deadline })) });
    }

    // F4/F5, last: the head's second T is set; three exclusive offers that pass every rule at T and none at T + 1
    T = (await head()) + 1_000;
    // (a) BR: an exclusive licence [T + 1 day, T + 2 days); a relative exclusive BR offer of 1 day (at T: [T, T + 1 day), touching it)
    const abut = await mint("audit23-boundary-abut");
    await accept(await publish(makeOffer(abut, bit(regionBit("BR")), true, { start: T + DAY, end: T + 2 * DAY, duration: 0 })));
    const abutOffer = await publish(makeOffer(abut, bit(regionBit("BR")), true, { start: 0, end: 0, duration: DAY }));
    // (b) CA: an absolute window [0, T + 1), published at T - 1
    const ends = await mint("audit23-boundary-ends");
    const fits = await mint("audit23-boundary-fits");
    await rpc("evm_setNextBlockTimestamp", [T - 1]);
    const endsOffer = await publish(makeOffer(ends, bit(regionBit("CA")), true, { start: 0, end: T + 1, duration: 0 }));
    // (c) KR: a relative window of PERPETUAL - 1 - T seconds, published at T (T + duration = PERPETUAL - 1: it fits at T only)
    await rpc("evm_setNextBlockTimestamp", [T]);
    const fitsOffer = await publish(makeOffer(fits, bit(regionBit("KR")), true, { start: 0, end: 0, duration: PERPETUAL - 1 - T }));
    expect(await head()).to.equal(T);
    boundary.push({ name: "relative window touching a future exclusive licence", cert: abut, offer: abutOffer, bit: regionBit("BR") });
    boundary.push({ name: "absolute window ending at T + 1", cert: ends, offer: endsOffer, bit: regionBit("CA") });
    boundary.push({ name: "relative window reaching PERPETUAL - 1 from T", cert: fits, offer: fitsOffer, bit: regionBit("KR") });

    ({ indexer, close } = await indexedChain(chain, "audit23"));
  });

  after(async () => {
    if (close !== undefined) await close();
    else await chain?.close();
  });

  // FINDING F4 (first: it needs the head at T, before any other test mines). The gallery checks its
  // rules at `now`, the head's own second T (offerOpen: windowEnd > max(windowStart, now);
  // durationFits: max(windowStart, now) + duration < PERPETUAL; exclusiveConflict / grantConflict
  // with the window [max(windowStart, now), ...)). No acceptance can happen at T: the next block is
  // at T + 1 at the earliest (its deadline rule, deadline > now, already assumes exactly that). Each
  // of these offers passes at T and is refused at T + 1 and at every later second.
  it("FINDING F4: region= / exclusiveIn= list no offer that every acceptance from the next block on refuses (rules checked at the head's second)", async () => {
    expect(await head(), "the head is still at T").to.equal(T);
    await settle();
    const hits = new Map<string, string[]>();
    for (const b of boundary) {
      const qs: string[] = [];
      for (const q of [{ region: b.bit }, { exclusiveIn: b.bit }]) if ((await listed(q)).includes(b.cert)) qs.push(JSON.stringify(q));
      hits.set(b.name, qs);
    }
    const failures: string[] = [];
    for (const b of boundary) {
      if (hits.get(b.name)!.length === 0) continue;
      const simulated = await whyRefused(b.offer); // eth_call on the head (at T), as the visitor's wallet checks before sending
      const sent = await whySendFails(b.offer);
      const next = await whyRefusedAt(b.offer, T + 1);
      const later = await whyRefusedAt(b.offer, T + 60);
      if (next !== undefined && later !== undefined) failures.push(`${b.name}: listed by ${hits.get(b.name)!.join(", ")} at T=${T}; acceptOffer(${b.offer}) simulated on the head: ${simulated ?? "accepted"}; sent by the visitor: ${sent ?? "accepted"}; at T+1: ${next}; at T+60: ${later}`);
    }
    expect(failures, failures.join("\n")).to.deep.equal([]);
  });

  // FINDING F5: the pattern page's exclusivity() takes `now` = indexedAt (the head's second) the same way.
  it("FINDING F5: the pattern page names no region whose only exclusive offer every acceptance from the next block on refuses", async () => {
    expect(await head(), "the head is still at T").to.equal(T);
    await settle();
    const { exclusivity } = (await import(webLicences)) as { exclusivity: Exclusivity };
    const pages = new Map<string, { words: string[]; free: bigint }>();
    for (const b of boundary) {
      const h = await getCertificateHistory({ indexer: indexer.url, tokenId: b.cert });
      expect(h.indexedAt, "the page's now is T").to.equal(T);
      pages.set(b.name, exclusivity(h));
    }
    const failures: string[] = [];
    for (const b of boundary) {
      const { words, free } = pages.get(b.name)!;
      if (free === 0n) continue;
      const next = await whyRefusedAt(b.offer, T + 1);
      const later = await whyRefusedAt(b.offer, T + 60);
      if (next !== undefined && later !== undefined) failures.push(`${b.name}: page says "${words.at(-1)}"; acceptOffer(${b.offer}) at T+1: ${next}; at T+60: ${later}`);
    }
    expect(failures, failures.join("\n")).to.deep.equal([]);
  });

  // FINDING F1: the contract's summary of non-exclusive grants keeps each 16-region block's last end
  // day in 16 bits and reads day 0xffff (2149-04-13) and later as NEVER_DAY: "never ends"
  // (Exclusivity.raiseBlockEnds caps it, liveGrantRegions treats it as live whatever the start).
  // grantConflict compares ceil(end / day) * day > start instead, without the cap: a grant in FR's
  // block ending at day 0xffff, an exclusive FR offer starting then, a grant in another block keeping
  // the hull open: MotifLicensingGrantConflict, yet exclusiveIn=FR lists it.
  it("FINDING F1: exclusiveIn= / region= do not list an exclusive offer whose block's grant ends at day 0xffff or later (the summary's NEVER_DAY)", async () => {
    // control: a day earlier the contract grants it (and the gallery lists it): the cap is the only difference
    expect(await whyRefused(capControlOffer), "control: grant A ending at day 0xfffe").to.equal(undefined);
    expect(await listed({ exclusiveIn: regionBit("FR") }), "control listed").to.include(capControl);
    const why = await whyRefused(capOffer);
    for (const q of [{ exclusiveIn: regionBit("FR") }, { region: regionBit("FR") }]) {
      if ((await listed(q)).includes(capCert)) expect.fail(`gallery ${JSON.stringify(q)} lists the certificate, but acceptOffer(${capOffer}) from a visitor reverts: ${why ?? "(accepted)"}`);
    }
  });

  // FINDING F2: the pattern page's lateGrant (Math.ceil(l.end / DAY) * DAY > start) has no cap either.
  it("FINDING F2: the pattern page names no region where a grant ending at day 0xffff or later refuses the exclusive offer", async () => {
    const { exclusivity } = (await import(webLicences)) as { exclusivity: Exclusivity };
    const { words, free } = exclusivity(await getCertificateHistory({ indexer: indexer.url, tokenId: capCert }));
    const why = await whyRefused(capOffer);
    if (free !== 0n) expect.fail(`page says "${words.at(-1)}" (free 0x${free.toString(16)}), but the only exclusive offer (${capOffer}) reverts: ${why ?? "(accepted)"}`);
  });

  // FINDING F3: `licensee=` is the visitor the answer is for (it opens the offers made to it), but the
  // contract also refuses a visitor holding MAX_LICENSES_PER_HOLDER (16) live licences of the
  // certificate (MotifLicensing._freeSlot: MotifLicensingHolderLimit), which no filter counts. An offer
  // made to the visitor alone, with uses left: listed for licensee=, acceptable by no one.
  it("FINDING F3: region=&licensee= does not list an offer the visitor cannot accept for holding 16 live licences of the certificate", async () => {
    const why = await whyRefused(holderOffer, visitor);
    const failures: string[] = [];
    for (const who of [visitor, visitor.toLowerCase() as Address]) {
      const q = { region: regionBit("JP"), licensee: who };
      if ((await listed(q)).includes(holderCert)) failures.push(`gallery ${JSON.stringify(q)} lists the certificate; acceptOffer(${holderOffer}) from ${who}: ${why ?? "(accepted)"}`);
    }
    expect(failures, failures.join("\n")).to.deep.equal([]);
  });

  it("PROBE (held): exclusive licences at word/block edge bits refuse the non-exclusive offers there and no other (region=)", async () => {
    for (const b of EDGE_BITS) {
      expect(await whyRefused(edgeOffers.get(b)!), `offer at edge bit ${b}`).to.equal("MotifLicensingExclusiveConflict");
      expect(await listed({ region: b }), `region=${b}`).to.not.include(edgeCert);
    }
    for (const b of NEIGHBOURS) {
      expect(await whyRefused(edgeOffers.get(b)!), `offer at bit ${b}`).to.equal(undefined);
      expect(await listed({ region: b }), `region=${b}`).to.include(edgeCert);
    }
  });

  it("PROBE (held): after the token leaves and comes back, its owner's offer is listed and the interim owner's is not", async () => {
    expect(await whyRefused(transferKept)).to.equal(undefined);
    expect(await whyRefused(transferGone)).to.equal("MotifLicensingOfferInactive");
    expect(await listed({ region: regionBit("FR") })).to.include(transferCert);
    expect(await listed({ region: regionBit("DE") })).to.not.include(transferCert);
  });

  it("PROBE (held): with from = an exclusive licence's end (acceptance then: it has ended) the offer is listed and accepted; a second earlier it is not listed", async () => {
    const atEnd = await listed({ region: regionBit("GB"), from: expiryEnd, to: expiryEnd + 100 });
    const before = await listed({ region: regionBit("GB"), from: expiryEnd - 1, to: expiryEnd + 100 });
    if (atEnd.includes(expiryCert)) expect(await whyRefusedAt(expiryOffer, expiryEnd), "accepted at from").to.equal(undefined);
    if (before.includes(expiryCert)) expect(await whyRefusedAt(expiryOffer, expiryEnd - 1), "accepted at from").to.equal(undefined);
  });

  it("PROBE (held): with a deadline before `from`, an offer is listed only if accepted at its deadline (after the exclusive licence) and its window covers the dates", async () => {
    const from = now + 6 * DAY;
    const ids = await listed({ region: regionBit("IT"), from, to: from + 3600 });
    expect(ids, "deadline after the licence: listed").to.include(deadlineProbe[0]!.cert);
    for (const p of deadlineProbe) if (ids.includes(p.cert)) expect(await whyRefusedAt(p.offer, p.deadline), `accepted at its deadline ${p.deadline}`).to.equal(undefined);
  });
});
