import { expect } from "chai";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getCertificateHistory, getGallery, licenseTerms, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import type { RunningIndexer } from "../launch.mjs";
import { indexedChain } from "./helpers.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Audit session 22 (change 74b29d1..8a76808: region search through `regionList`, the pattern page's
 * "exclusive still possible" following the gallery's rule). Each finding: the gallery / page claims
 * an offer the contract would accept now, and a simulated `acceptOffer` from a visitor says otherwise.
 */
describe("audit session 22: gallery region search and the pattern page against the contract", function () {
  this.timeout(300_000);
  const DAY = 86_400;
  const hex = (s: string) => keccak256(toHex(s));
  // region bits at word and block edges, and one more in the middle
  const EDGE_BITS = [0, 63, 64, 127, 128, 191, 192, 248] as const;
  const NINTH = 100;
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  let now = 0;
  let studio: Address;
  let visitor: Address;
  let full: bigint; // 8 live exclusive licences (MAX_EXCLUSIVES), a 9th exclusive offer in a free region
  let ninthOffer = 0n;
  let held: bigint; // an exclusive FR licence in a future window; a non-exclusive relative FR offer
  let heldOffer = 0n;
  let edge: bigint; // non-exclusive offers at each edge bit, all open
  const edgeOffers = new Map<number, bigint>();
  let long: bigint; // an exclusive JP offer whose relative duration fits PERPETUAL only when published
  let longOffer = 0n;

  async function mint(tag: string) {
    const { deployed } = chain;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    return BigInt(lineage.contentDigest);
  }
  const offer = (tokenId: bigint, regions: bigint, exclusive: boolean, window: Offer["window"] = { start: 0, end: 0, duration: 30 * DAY }): Offer => ({
    terms: licenseTerms({ tokenId, regions, flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0), currency: zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55 }),
    window,
    pricing: { price: parseEther("0.001"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: exclusive ? 1 : 5,
    deadline: now + 30 * DAY,
    nonce: 0n,
    licensee: zeroAddress,
  });
  async function publish(o: Offer): Promise<bigint> {
    const { deployed } = chain;
    const s = deployed.motif[2]!;
    const receipt = await deployed.publicClient.waitForTransactionReceipt({ hash: await s.publishOffer({ offer: o }) });
    const [published] = await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    return published!.args.offerId!;
  }
  const reason = (error: unknown) => {
    const e = error as { walk?: (f: (x: unknown) => boolean) => unknown; shortMessage?: string };
    const hit = e.walk?.((x) => (x as { data?: { errorName?: string } }).data?.errorName !== undefined) as { data?: { errorName?: string } } | undefined;
    return hit?.data?.errorName ?? (e.shortMessage ?? String(error)).split("\n")[0]!;
  };
  /** Why `acceptOffer` from the visitor is refused now (undefined when it would succeed; simulated). */
  async function whyRefused(offerId: bigint): Promise<string | undefined> {
    const { publicClient, addresses } = chain.deployed;
    try {
      await publicClient.simulateContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [offerId, parseEther("1")], value: parseEther("0.001"), account: visitor });
      return undefined;
    } catch (error) {
      return reason(error);
    }
  }
  const rpc = (method: string, params: unknown[] = []) =>
    fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then((r) => r.json() as Promise<{ result: unknown }>);
  const listed = async (q: Omit<Parameters<typeof getGallery>[0], "indexer">) => (await getGallery({ ...q, indexer: indexer.url, pageSize: 100 })).items.map((c) => c.tokenId);

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    studio = getAddress(deployed.motif[2]!.account.address);
    visitor = getAddress(deployed.wallets[9]!.account.address);
    const buyer = deployed.motif[3]!;
    now = Number((await deployed.publicClient.getBlock()).timestamp);

    // full: 8 exclusive licences, one per edge bit (disjoint regions), then a 9th exclusive offer elsewhere
    full = await mint("audit22-full");
    for (const bit of EDGE_BITS) {
      const id = await publish(offer(full, 1n << BigInt(bit), true));
      await deployed.wait(await buyer.acceptOffer({ offerId: id, maxPrice: parseEther("0.001") }));
    }
    ninthOffer = await publish(offer(full, 1n << BigInt(NINTH), true));

    // held: an exclusive FR licence for [now + 15 days, now + 16 days) (absolute window, not started);
    // a non-exclusive FR offer of 10 days (relative): accepted now it ends before the licence starts
    held = await mint("audit22-held");
    const hs = now + 15 * DAY;
    const exclOffer = await publish(offer(held, regionMask(["FR"]), true, { start: hs, end: hs + DAY, duration: 0 }));
    await deployed.wait(await buyer.acceptOffer({ offerId: exclOffer, maxPrice: parseEther("0.001") }));
    heldOffer = await publish(offer(held, regionMask(["FR"]), false, { start: 0, end: 0, duration: 10 * DAY }));

    // edge: a non-exclusive offer at each edge bit (probe: region= finds each through regionList)
    edge = await mint("audit22-edge");
    for (const bit of EDGE_BITS) edgeOffers.set(bit, await publish(offer(edge, 1n << BigInt(bit), false)));

    // long: a relative exclusive JP offer of PERPETUAL - 1 - T days' worth of seconds, published at T
    // (publishOffer checks T + duration < PERPETUAL); any later acceptance has s + duration >= PERPETUAL
    long = await mint("audit22-long");
    const t = Number((await deployed.publicClient.getBlock()).timestamp) + 10;
    await rpc("evm_setNextBlockTimestamp", [t]);
    longOffer = await publish(offer(long, regionMask(["JP"]), true, { start: 0, end: 0, duration: 2 ** 40 - 1 - 1 - t }));
    await rpc("evm_mine"); // the head moves on a second: "now" (the gallery's and the simulation's) is past T

    ({ indexer, close } = await indexedChain(chain, "audit22"));
  });

  after(async () => {
    if (close !== undefined) await close();
    else await chain?.close();
  });

  it("PROBE (held): region= at word/block edge bits lists the certificate with an open non-exclusive offer there, and the full certificate's used-up exclusive offers nowhere", async () => {
    for (const bit of EDGE_BITS) {
      expect(await whyRefused(edgeOffers.get(bit)!), `edge offer at bit ${bit}`).to.equal(undefined);
      const ids = await listed({ region: bit });
      expect(ids, `region=${bit}`).to.include(edge);
      expect(ids, `region=${bit}`).to.not.include(full);
      expect(await listed({ exclusiveIn: bit }), `exclusiveIn=${bit}`).to.not.include(full);
    }
  });

  // FINDING F1: the contract keeps at most MAX_EXCLUSIVES (8) live exclusive entries per certificate
  // (Exclusivity._record: MotifLicensingExclusiveLimit). With 8 live exclusive licences in disjoint
  // regions, an exclusive offer in a 9th, free region is refused, yet exclusiveIn= (and region=)
  // list the certificate: exclusiveConflict / grantConflict never count the live exclusive licences.
  it("FINDING F1: exclusiveIn= does not list a certificate whose 8 exclusive entries are all live (MAX_EXCLUSIVES)", async () => {
    const why = await whyRefused(ninthOffer);
    for (const q of [{ exclusiveIn: NINTH }, { region: NINTH }]) {
      const ids = await listed(q);
      if (ids.includes(full)) expect.fail(`gallery ${JSON.stringify(q)} lists the certificate, but acceptOffer(${ninthOffer}) from a visitor reverts: ${why ?? "(accepted)"}`);
    }
  });

  // FINDING F2: the pattern page's "An exclusive licence is still possible in …" (web/src/pages/
  // licences.ts exclusivity) names the 9th region too: the same missing MAX_EXCLUSIVES rule.
  it("FINDING F2: the pattern page names no region where the contract refuses every exclusive offer (MAX_EXCLUSIVES full)", async () => {
    const webLicences = "../../web/src/pages/licences.js";
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId: full });
    const { words, free } = ((await import(webLicences)) as { exclusivity: (history: typeof h) => { words: string[]; free: bigint } }).exclusivity(h);
    const why = await whyRefused(ninthOffer);
    if (free !== 0n) expect.fail(`page says "${words.at(-1)}" (free mask 0x${free.toString(16)}), but the only open exclusive offer (${ninthOffer}) reverts: ${why ?? "(accepted)"}`);
  });

  // FINDING F4: a relative offer's duration is checked at publication (T + duration < PERPETUAL) and
  // again at acceptance (_window: s + duration >= PERPETUAL reverts MotifLicensingDurationTooLong),
  // but offerOpen takes every relative window as grantable: an offer of duration PERPETUAL - 1 - T is
  // refused at every later second, yet region= and exclusiveIn= list it.
  it("FINDING F4: region=JP / exclusiveIn=JP do not list a relative offer whose duration no longer fits before PERPETUAL", async () => {
    const why = await whyRefused(longOffer);
    for (const q of [{ region: regionBit("JP") }, { exclusiveIn: regionBit("JP") }]) {
      const ids = await listed(q);
      if (ids.includes(long)) expect.fail(`gallery ${JSON.stringify(q)} lists the certificate, but acceptOffer(${longOffer}) from a visitor reverts: ${why ?? "(accepted)"}`);
    }
  });

  // FINDING F5: the pattern page's exclusivity() keeps every relative exclusive offer too
  // ("o.duration !== 0 ||"): it names JP as still possible for the same offer.
  it("FINDING F5: the pattern page names no region whose only exclusive offer's duration no longer fits before PERPETUAL", async () => {
    const webLicences = "../../web/src/pages/licences.js";
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId: long });
    const { words, free } = ((await import(webLicences)) as { exclusivity: (history: typeof h) => { words: string[]; free: bigint } }).exclusivity(h);
    const why = await whyRefused(longOffer);
    if (free !== 0n) expect.fail(`page says "${words.at(-1)}", but the only exclusive offer (${longOffer}) reverts: ${why ?? "(accepted)"}`);
  });

  // FINDING F3: with from/to the gallery promises an offer that, accepted at some time, yields a
  // licence covering [from, to] (offerCovers), but checks the exclusivity book only for the window
  // accepted NOW. An exclusive FR licence holding [from, to] makes every covering licence conflict
  // (MotifLicensingExclusiveConflict at any acceptance time), yet region=FR&from&to lists it.
  // Last: it moves the chain's time (snapshot, reverted).
  it("FINDING F3: region=FR&from&to does not list a certificate whose FR window [from, to] an exclusive licence holds", async () => {
    const from = now + 15 * DAY;
    const to = from + 3600;
    const ids = await listed({ region: regionBit("FR"), from, to });
    if (!ids.includes(held)) return;
    // the only covering acceptances are at a in (to - 10 days, from]: accept at `from`, simulated
    const snap = (await rpc("evm_snapshot")).result;
    let atFrom: string | undefined;
    try {
      const latest = Number((await chain.deployed.publicClient.getBlock()).timestamp);
      await rpc("evm_increaseTime", [from - latest - 1]);
      await rpc("evm_mine");
      atFrom = await whyRefused(heldOffer);
    } finally {
      await rpc("evm_revert", [snap]);
    }
    const nowWhy = await whyRefused(heldOffer);
    expect.fail(`gallery region=FR&from=${from}&to=${to} lists the certificate; accepted now (${nowWhy ?? "accepted"}) its licence is [now, now + 10 days), not covering; accepted at from: ${atFrom ?? "accepted"}`);
  });
});

/**
 * Probes (held unless a finding says otherwise): renewals, transfers, breach-then-revoke, future and
 * perpetual windows, a revoked perpetual grant, against simulated acceptances (the oracle).
 */
describe("audit session 22 probes: renewals, transfers, revocations, perpetual windows against the contract", function () {
  this.timeout(300_000);
  const DAY = 86_400;
  const PERPETUAL = 2 ** 40 - 1;
  const hex = (s: string) => keccak256(toHex(s));
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  let now = 0;
  let visitor: Address;
  type Published = { offerId: bigint; tokenId: bigint; regions: number[]; exclusive: boolean };
  const offers: Published[] = [];
  const BITS = { FR: regionBit("FR"), DE: regionBit("DE"), JP: regionBit("JP"), FAR: 200 };

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    const s = deployed.motif[2]!;
    const buyer = deployed.motif[3]!;
    const other = deployed.motif[4]!;
    const studio = getAddress(s.account.address);
    visitor = getAddress(deployed.wallets[9]!.account.address);
    now = Number((await deployed.publicClient.getBlock()).timestamp);
    const mint = async (tag: string) => {
      const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio, recipeId: 0n };
      await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
      return BigInt(lineage.contentDigest);
    };
    const publish = async (tokenId: bigint, bits: number[], exclusive: boolean, window: Offer["window"], extra: { flags?: number; renewalPrice?: bigint } = {}) => {
      const regions = bits.reduce((m, b) => m | (1n << BigInt(b)), 0n);
      const o: Offer = {
        terms: licenseTerms({ tokenId, regions, flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0) | (extra.flags ?? 0), currency: zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55, renewalPrice: extra.renewalPrice }),
        window,
        pricing: { price: parseEther("0.001"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
        maxUses: exclusive ? 1 : 5,
        deadline: now + 30 * DAY,
        nonce: 0n,
        licensee: zeroAddress,
      };
      const receipt = await deployed.publicClient.waitForTransactionReceipt({ hash: await s.publishOffer({ offer: o }) });
      const [ev] = await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
      offers.push({ offerId: ev!.args.offerId!, tokenId, regions: bits, exclusive });
      return ev!.args.offerId!;
    };
    const accept = async (who: typeof buyer, offerId: bigint) => {
      const receipt = await deployed.publicClient.waitForTransactionReceipt({ hash: await who.acceptOffer({ offerId, maxPrice: parseEther("0.001") }) });
      const [ev] = await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
      return ev!.args.licenseId!;
    };
    const rel = (days: number) => ({ start: 0, end: 0, duration: days * DAY });
    const abs = (from: number, to: number) => ({ start: from, end: to, duration: 0 });

    // renewal: an exclusive FR licence of 10 days renewed to 20; a non-exclusive FR offer for days 12..20
    const r = await mint("probe-renew");
    const lr = await accept(buyer, await publish(r, [BITS.FR], true, rel(10), { renewalPrice: parseEther("0.001") }));
    await publish(r, [BITS.FR], false, abs(now + 12 * DAY, now + 20 * DAY));
    await deployed.wait(await deployed.licensing.write.renew([lr, parseEther("0.001")], { account: buyer.account, value: parseEther("0.001") }));
    // transfer: an exclusive FR licence moved to another holder; a non-exclusive FR offer and an exclusive DE one
    const t = await mint("probe-transfer");
    const lt = await accept(buyer, await publish(t, [BITS.FR], true, rel(10), { flags: LicenseFlags.TRANSFERABLE }));
    await deployed.wait(await deployed.licensing.write.transferLicense([lt, other.account.address], { account: buyer.account }));
    await deployed.wait(await deployed.licensing.write.acceptLicenseTransfer([lt], { account: other.account }));
    await publish(t, [BITS.FR], false, rel(5));
    await publish(t, [BITS.DE], true, rel(5));
    // breach flagged then revoked: the exclusive FR licence frees FR
    const v = await mint("probe-revoke");
    const lv = await accept(buyer, await publish(v, [BITS.FR], true, rel(10), { flags: LicenseFlags.REVOCABLE_FOR_BREACH }));
    await publish(v, [BITS.FR], false, rel(5));
    await publish(v, [BITS.FR], true, rel(5));
    await deployed.wait(await deployed.licensing.write.flagBreach([lv, hex("evidence")], { account: deployed.wallets[0]!.account }));
    await deployed.wait(await deployed.licensing.write.revoke([lv], { account: s.account }));
    // a perpetual non-exclusive FR grant, flagged and revoked: the grant summary still refuses exclusives in FR's block
    const p = await mint("probe-perpetual-grant");
    const lp = await accept(buyer, await publish(p, [BITS.FR], false, abs(now + 60, PERPETUAL), { flags: LicenseFlags.REVOCABLE_FOR_BREACH }));
    await deployed.wait(await deployed.licensing.write.flagBreach([lp, hex("evidence")], { account: deployed.wallets[0]!.account }));
    await deployed.wait(await deployed.licensing.write.revoke([lp], { account: s.account }));
    await publish(p, [BITS.FR], true, rel(5));
    await publish(p, [BITS.FAR], true, rel(5));
    // a perpetual exclusive JP licence starting in 5 days; non-exclusive JP offers of 3 and 10 days
    const f = await mint("probe-future-perpetual");
    await accept(buyer, await publish(f, [BITS.JP], true, abs(now + 5 * DAY, PERPETUAL)));
    await publish(f, [BITS.JP], false, rel(3));
    await publish(f, [BITS.JP, BITS.FAR], false, rel(10));

    ({ indexer, close } = await indexedChain(chain, "audit22p"));
  });

  after(async () => {
    if (close !== undefined) await close();
    else await chain?.close();
  });

  async function acceptable(offerId: bigint): Promise<boolean> {
    const { publicClient, addresses } = chain.deployed;
    try {
      await publicClient.simulateContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [offerId, parseEther("1")], value: parseEther("0.001"), account: visitor });
      return true;
    } catch {
      return false;
    }
  }

  it("PROBE (held): region= and exclusiveIn= are sound, and complete for non-exclusive offers, after renewals, transfers, revocations and perpetual windows", async () => {
    const verdicts = new Map<bigint, boolean>();
    for (const o of offers) verdicts.set(o.offerId, await acceptable(o.offerId));
    for (const [code, r] of Object.entries(BITS)) {
      const inRegion = offers.filter((o) => o.regions.includes(r));
      for (const [query, eligible] of [
        [{ region: r }, inRegion],
        [{ exclusiveIn: r }, inRegion.filter((o) => o.exclusive)],
      ] as const) {
        const got = new Set((await getGallery({ indexer: indexer.url, ...query, pageSize: 100 })).items.map((c) => c.tokenId));
        const accepted = new Set(eligible.filter((o) => verdicts.get(o.offerId)).map((o) => o.tokenId));
        const mustList = new Set(eligible.filter((o) => verdicts.get(o.offerId) && !o.exclusive).map((o) => o.tokenId));
        expect([...got].filter((t) => !accepted.has(t)), `${JSON.stringify(query)} (${code}) unsound`).to.deep.equal([]);
        expect([...mustList].filter((t) => !got.has(t)), `${JSON.stringify(query)} (${code}) incomplete`).to.deep.equal([]);
      }
    }
    // the mix exercises both answers
    expect([...verdicts.values()].filter(Boolean).length).to.be.greaterThan(2);
    expect([...verdicts.values()].filter((v) => !v).length).to.be.greaterThan(2);
  });

  it("PROBE (held): the pattern page names only regions with an exclusive offer the contract accepts now", async () => {
    const webLicences = "../../web/src/pages/licences.js";
    const tokens = [...new Set(offers.map((o) => o.tokenId))];
    for (const tokenId of tokens) {
      const h = await getCertificateHistory({ indexer: indexer.url, tokenId });
      const { free } = ((await import(webLicences)) as { exclusivity: (history: typeof h) => { free: bigint } }).exclusivity(h);
      let possible = 0n;
      for (const o of offers.filter((x) => x.tokenId === tokenId && x.exclusive)) if (await acceptable(o.offerId)) possible |= o.regions.reduce((m, b) => m | (1n << BigInt(b)), 0n);
      expect(free & ~possible, `token ${tokenId.toString(16).slice(0, 8)}: page says possible where no exclusive offer is accepted`).to.equal(0n);
    }
  });
});
