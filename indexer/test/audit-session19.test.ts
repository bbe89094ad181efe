import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Address, createPublicClient, getAddress, http, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getCertificate, getCertificateHistory, getGallery, licenseTerms, motifCertificateAbi, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import { startIndexer, type RunningIndexer } from "../launch.mjs";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Audit of session 19 (a5cf4af..29b66ca), indexer part: does `/v1/gallery` give the chain's own
 * answers, and `/v1/certificates/:id/history` the chain's own history? Oracles: the chain's logs
 * and views read with viem (`simulateContract` of acceptOffer = "can this offer be accepted now",
 * `currentPrice`, LicenseGranted logs), never the indexer. Each scenario has its own region so
 * they do not see each other. Tests marked `// FINDING Fn` FAIL on the audited code; the others held.
 *
 * Timeline: everything is set up at T0, the chain then moves 2 days on (T1 = T0 + 2 d), the indexer
 * starts and every query is asked at T1. The last test moves time again (it must stay last).
 */
describe("audit session 19: the indexer against the chain's own state", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let stateDir: string;
  const hex = (s: string) => keccak256(toHex(s));
  const DAY = 86_400;
  let T0 = 0;
  let T1 = 0;

  const rpc = (method: string, params: unknown[] = []) =>
    fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then(async (r) => ((await r.json()) as { result: unknown }).result);

  let seq = 0;
  async function mint(creator: Address) {
    const { deployed } = chain;
    const tag = `audit19-${seq++}`;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: creator, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    allToks.push(BigInt(lineage.contentDigest));
    return BigInt(lineage.contentDigest);
  }

  type OfferOpts = { flags?: number; currency?: Address; price?: bigint; ceiling?: bigint; decayWindow?: number; demandCap?: number; window?: Offer["window"]; maxUses?: number; deadline?: number; renewalPrice?: bigint };
  function offer(tokenId: bigint, regions: readonly string[], o: OfferOpts = {}): Offer {
    const flags = LicenseFlags.COMMERCIAL | (o.flags ?? 0);
    return {
      terms: licenseTerms({ tokenId, regions: regionMask(regions), flags, currency: o.currency ?? zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55, renewalPrice: o.renewalPrice ?? 0n }),
      window: o.window ?? { start: 0, end: 0, duration: 30 * DAY },
      pricing: { price: o.price ?? parseEther("0.01"), ceiling: o.ceiling ?? 0n, decayWindow: o.decayWindow ?? 0, demandCap: o.demandCap ?? 0 },
      maxUses: o.maxUses ?? ((flags & LicenseFlags.EXCLUSIVE) !== 0 ? 1 : 5),
      deadline: o.deadline ?? T0 + 7 * DAY,
      nonce: 0n,
      licensee: zeroAddress,
    };
  }

  const wallet = (i: number) => chain.deployed.wallets[i]!;
  const L = () => chain.deployed.addresses.licensing;
  async function publish(owner: number, o: Offer): Promise<bigint> {
    const { deployed } = chain;
    await deployed.wait(await deployed.licensing.write.publishOffer([o], { account: wallet(owner).account }));
    return deployed.publicClient.readContract({ address: L(), abi: motifLicensingAbi, functionName: "lastOfferId" });
  }
  async function accept(buyer: number, offerId: bigint, value: bigint) {
    const { deployed } = chain;
    const receipt = await deployed.wait(await deployed.licensing.write.acceptOffer([offerId, value], { account: wallet(buyer).account, value }));
    const [granted] = await deployed.publicClient.getContractEvents({ address: L(), abi: motifLicensingAbi, eventName: "LicenseGranted", blockHash: receipt.blockHash });
    return granted!.args;
  }
  /** The chain's answer to "can `buyer` accept offer `offerId` now?" (an eth_call of acceptOffer). */
  async function acceptable(offerId: bigint, buyer = 12): Promise<true | string> {
    const { deployed } = chain;
    try {
      await deployed.publicClient.simulateContract({ address: L(), abi: motifLicensingAbi, functionName: "acceptOffer", args: [offerId, parseEther("100")], value: parseEther("100"), account: wallet(buyer).account });
      return true;
    } catch (error) {
      return ((error as Error).message.match(/MotifLicensing\w+/) ?? [(error as Error).message.slice(0, 200)])[0]!;
    }
  }

  const ids = (items: { tokenId: bigint }[]) => items.map((c) => c.tokenId);
  const S = 2; // studio (certificate owner)
  const O = 3; // other
  const B = 4; // licensee

  // scenario tokens and offers
  let neverLicensed: bigint;
  let breachTok: bigint, breachOffer2: bigint;
  let endedWindowTok: bigint, endedWindowOffer: bigint;
  let pastStartTok: bigint, pastStartOffer: bigint;
  let relPastStartTok: bigint, relPastStartOffer: bigint;
  let afterDeadlineTok: bigint, afterDeadlineOffer: bigint;
  let erc20Tok: bigint, erc20Offer: bigint, token: Address;
  let dynTok: bigint, dynOffer: bigint;
  let expiredExclTok: bigint, expiredExclOffer2: bigint;
  let movedTok: bigint;
  let movedExclTok: bigint, movedExclOffer: bigint;
  let editedTok: bigint, signedTok: bigint, lateTok: bigint, recipeTok: bigint, datasetTok: bigint;
  let atReady: { total: number; indexedBlock: bigint; statusBlock: number; head: bigint };
  const allToks: bigint[] = [];
  let transferTok: bigint, transferFromId: bigint, transferToId: bigint;
  let revokeTok: bigint, revokedId: bigint, renewedId: bigint, expiredId: bigint;

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    const studio = getAddress(wallet(S).account.address);
    T0 = Number((await deployed.publicClient.getBlock()).timestamp);

    // F3: an exclusive licence in BR flagged for breach still holds BR on chain
    breachTok = await mint(studio);
    const excl = LicenseFlags.EXCLUSIVE | LicenseFlags.REVOCABLE_FOR_BREACH;
    const first = await accept(B, await publish(S, offer(breachTok, ["BR"], { flags: excl })), parseEther("0.01"));
    await deployed.wait(await deployed.licensing.write.flagBreach([first.licenseId!, hex("evidence")], { account: wallet(0).account }));
    breachOffer2 = await publish(S, offer(breachTok, ["BR"], { flags: excl }));

    // F4: an absolute window ending at T0 + 1 h, deadline T0 + 7 d (JP)
    endedWindowTok = await mint(studio);
    endedWindowOffer = await publish(S, offer(endedWindowTok, ["JP"], { window: { start: 0, end: T0 + 3_600, duration: 0 } }));

    // F5: an absolute window [T0 + 1 h, T0 + 60 d) (IT), and a relative one starting at T0 + 1 h for 10 days (PT)
    pastStartTok = await mint(studio);
    pastStartOffer = await publish(S, offer(pastStartTok, ["IT"], { window: { start: T0 + 3_600, end: T0 + 60 * DAY, duration: 0 }, deadline: T0 + 30 * DAY }));
    relPastStartTok = await mint(studio);
    relPastStartOffer = await publish(S, offer(relPastStartTok, ["PT"], { window: { start: T0 + 3_600, end: 0, duration: 10 * DAY }, deadline: T0 + 30 * DAY }));

    // F6: a relative 30-day window starting at acceptance, acceptable until T0 + 5 d (ES)
    afterDeadlineTok = await mint(studio);
    afterDeadlineOffer = await publish(S, offer(afterDeadlineTok, ["ES"], { deadline: T0 + 5 * DAY }));

    // F7/F9: an offer priced 1,000 tokens (6 decimals) of an ERC-20 (GB), accepted once
    const mock = await deployed.viem.deployContract("MockERC20");
    token = getAddress(mock.address);
    erc20Tok = await mint(studio);
    erc20Offer = await publish(S, offer(erc20Tok, ["GB"], { currency: token, price: 1_000_000_000n }));
    await deployed.wait(await mock.write.mint!([wallet(B).account.address, 10n ** 12n]));
    await deployed.wait(await mock.write.approve!([L(), 10n ** 12n], { account: wallet(B).account }));
    await deployed.wait(await deployed.licensing.write.acceptOffer([erc20Offer, 1_000_000_000n], { account: wallet(B).account }));

    // F8: a dynamic price, 0.1 ETH floor to 1 ETH at 2 recent sales, sold twice (NL)
    dynTok = await mint(studio);
    dynOffer = await publish(S, offer(dynTok, ["NL"], { price: parseEther("0.1"), ceiling: parseEther("1"), decayWindow: 7 * DAY, demandCap: 2, maxUses: 10 }));
    await accept(B, dynOffer, parseEther("1"));
    await accept(O, dynOffer, parseEther("1"));

    // held: an exclusive licence in CA that ended at T0 + 1 h no longer blocks a second exclusive offer
    expiredExclTok = await mint(studio);
    await accept(B, await publish(S, offer(expiredExclTok, ["CA"], { flags: LicenseFlags.EXCLUSIVE, window: { start: 0, end: T0 + 3_600, duration: 0 } })), parseEther("0.01"));
    expiredExclOffer2 = await publish(S, offer(expiredExclTok, ["CA"], { flags: LicenseFlags.EXCLUSIVE }));

    // held: an offer published by the previous owner (SE) no longer counts once the certificate moved
    movedTok = await mint(studio);
    await publish(S, offer(movedTok, ["SE"]));
    await deployed.wait(await deployed.certificate.write.transferFrom([studio, getAddress(wallet(O).account.address), movedTok], { account: wallet(S).account }));

    // F11: an exclusive offer (KR) published by the previous owner of a certificate since transferred
    movedExclTok = await mint(studio);
    movedExclOffer = await publish(S, offer(movedExclTok, ["KR"], { flags: LicenseFlags.EXCLUSIVE }));
    await deployed.wait(await deployed.certificate.write.transferFrom([studio, getAddress(wallet(O).account.address), movedExclTok], { account: wallet(S).account }));

    // held: a transferable licence moved from B to O (MX)
    transferTok = await mint(studio);
    const t = await accept(B, await publish(S, offer(transferTok, ["MX"], { flags: LicenseFlags.TRANSFERABLE })), parseEther("0.01"));
    transferFromId = t.licenseId!;
    await deployed.wait(await deployed.licensing.write.transferLicense([transferFromId, wallet(O).account.address], { account: wallet(B).account }));
    const moved = await deployed.wait(await deployed.licensing.write.acceptLicenseTransfer([transferFromId], { account: wallet(O).account }));
    const [tr] = await deployed.publicClient.getContractEvents({ address: L(), abi: motifLicensingAbi, eventName: "LicenseTransferred", blockHash: moved.blockHash });
    transferToId = tr!.args.toId!;

    // held: revoked, renewed (+ usage), expired licences and a settlement on one certificate (AU)
    revokeTok = await mint(studio);
    revokedId = (await accept(B, await publish(S, offer(revokeTok, ["AU"], { flags: LicenseFlags.REVOCABLE_FOR_BREACH })), parseEther("0.01"))).licenseId!;
    await deployed.wait(await deployed.licensing.write.flagBreach([revokedId, hex("e")], { account: wallet(0).account }));
    await deployed.wait(await deployed.licensing.write.revoke([revokedId], { account: wallet(S).account }));
    renewedId = (await accept(O, await publish(S, offer(revokeTok, ["AU"], { renewalPrice: parseEther("0.02"), window: { start: 0, end: 0, duration: 30 * DAY } })), parseEther("0.01"))).licenseId!;
    await deployed.wait(await deployed.licensing.write.renew([renewedId, parseEther("0.02")], { account: wallet(O).account, value: parseEther("0.02") }));
    await deployed.wait(await deployed.licensing.write.reportUsage([renewedId, wallet(O).account.address, BigInt(regionBit("AU")), 24, 7n, 0n], { account: wallet(O).account }));
    expiredId = (await accept(12, await publish(S, offer(revokeTok, ["AU"], { window: { start: 0, end: T0 + 3_600, duration: 0 } })), parseEther("0.01"))).licenseId!;
    await deployed.wait(await deployed.licensing.write.settle([revokeTok, zeroAddress], { account: wallet(S).account }));

    // F12: a certificate whose owner logged an edit with new metadata (dag-json), and a lower royalty
    editedTok = await mint(studio);
    await deployed.wait(await deployed.certificate.write.logEdit([editedTok, hex("step-1"), hex("meta-after-edit"), 0x0129], { account: wallet(S).account }));
    await deployed.wait(await deployed.certificate.write.setRoyalty([editedTok, 50], { account: wallet(S).account }));

    // held: a signed offer accepted twice (its offerKey is an EIP-712 digest, not an offer id) (DK)
    signedTok = await mint(studio);
    await publish(S, offer(signedTok, ["DK"]));
    const signedOffer = { ...offer(signedTok, ["DK"]), nonce: 1n };
    const signed = await deployed.motif[S]!.signOffer({ offer: signedOffer });
    await deployed.wait(await deployed.motif[B]!.acceptOffer({ signed, maxPrice: parseEther("0.01") }));
    await deployed.wait(await deployed.motif[O]!.acceptOffer({ signed, maxPrice: parseEther("0.01") }));

    // held (SDK getCertificate): a recipe and a dataset certificate
    await deployed.wait(await deployed.motif[S]!.mintRecipe({ modelId: 1, recipeDigest: hex("recipe"), metadataDigest: hex("meta-recipe"), metadataCodec: 0x55, royaltyBps: 0, shareBps: 100 }));
    recipeTok = await deployed.publicClient.readContract({ address: deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "recipeIdOf", args: [studio, hex("recipe")] });
    await deployed.wait(await deployed.motif[S]!.mintDataset({ root: hex("root"), members: 3, metadataDigest: hex("meta-dataset"), metadataCodec: 0x55, royaltyBps: 0 }));
    datasetTok = await deployed.publicClient.readContract({ address: deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "datasetIdOf", args: [studio, hex("root")] });
    allToks.push(recipeTok, datasetTok);

    // the newest certificate, never licensed (F2)
    neverLicensed = await mint(studio);

    // two days on
    await rpc("evm_increaseTime", [2 * DAY]);
    for (let i = 0; i < 32; i++) await rpc("evm_mine");
    T1 = Number((await deployed.publicClient.getBlock()).timestamp);
    // F13: one more certificate, in the last 30 blocks when the indexer starts
    lateTok = await mint(studio);

    stateDir = mkdtempSync(path.join(tmpdir(), "motif-audit19-"));
    indexer = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: chain.record.startBlock, addresses: deployed.addresses, stateDir, port: 0, pollingMs: 200 });
    await indexer.ready(180_000);
    // what the gallery says right after /ready (the web page and npm start take /ready as "caught up")
    const g = await getGallery({ indexer: indexer.url, pageSize: 100 });
    const status = (await (await fetch(`${indexer.url}/status`)).json()) as { motif: { block: { number: number } } };
    atReady = { total: g.total, indexedBlock: g.indexedBlock, statusBlock: status.motif.block.number, head: await deployed.publicClient.getBlockNumber() };
  });

  /** Waits until Ponder's own checkpoint (/status) has reached the chain's head. */
  async function caughtUp(ms = 60_000) {
    const head = await chain.deployed.publicClient.getBlockNumber();
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const st = (await (await fetch(`${indexer.url}/status`)).json()) as { motif?: { block: { number: number } } };
      if (st.motif !== undefined && BigInt(st.motif.block.number) >= head) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`the indexer did not reach block ${head} within ${ms} ms`);
  }

  // FINDING F13 (medium): /ready answers 200 once Ponder's historical backfill is done, i.e. up to the
  // block 30 below the head (Ponder's finality depth); the last 30 blocks are applied later, in
  // realtime. The web page (data.ts indexerReady: "Whether the stack's indexer has caught up") and
  // npm start ("indexer: caught up") switch to the index at /ready, and the API's `indexedBlock` is
  // the chain's head read over RPC (chainHead()), not the block the index has reached: right after
  // /ready the gallery misses the recent certificates while claiming to be at the head. Fix: report
  // Ponder's checkpoint (the _ponder_checkpoint table / /status) as indexedBlock, and have the web
  // page / stack wait until that checkpoint reaches the head (or compare them) before trusting the index.
  it("FINDING F13: right after /ready the gallery holds every certificate up to the block it says it indexed", async () => {
    expect(
      { indexedBlockIsIndexed: atReady.indexedBlock <= BigInt(atReady.statusBlock), certificates: atReady.total },
      `gallery says indexedBlock ${atReady.indexedBlock}; Ponder's checkpoint is ${atReady.statusBlock} (head ${atReady.head}); the chain has ${allToks.length} certificates, the last (0x${lateTok.toString(16).slice(0, 8)}…) in the last 30 blocks`,
    ).to.deep.equal({ indexedBlockIsIndexed: true, certificates: allToks.length });
  });

  after(async () => {
    await indexer?.stop();
    await chain?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  // FINDING F2 (medium): sort=recently-licensed orders by `lastLicensedAt DESC`, and PostgreSQL
  // (and PGlite) put NULLs first in a DESC order: every never-licensed certificate comes before
  // every licensed one. Fix: `desc(...).nullsLast()` (sql`${col} desc nulls last`).
  it("FINDING F2: sort=recently-licensed starts with the certificate the chain licensed last", async () => {
    const grants = await chain.deployed.publicClient.getContractEvents({ address: L(), abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: 0n });
    const last = grants.at(-1)!.args.tokenId!;
    const page = await getGallery({ indexer: indexer.url, sort: "recently-licensed", pageSize: 1 });
    expect(page.items[0]!.tokenId, `first item has lastLicensedAt ${page.items[0]!.lastLicensedAt}, licenceCount ${page.items[0]!.licenceCount}`).to.equal(last);
  });

  // FINDING F3 (medium): exclusiveIn leaves out of "taken" an exclusive licence with a breach
  // flagged (licenceStatus says "breach", not "active"), but on chain a flagged licence keeps its
  // exclusivity until it is revoked: the gallery offers an exclusive the contract refuses
  // (MotifLicensingExclusiveConflict). Fix: count `breach` licences as taken (test status ===
  // "granted" and the window, not licenceStatus's display value).
  it("FINDING F3: exclusiveIn lists only certificates whose open exclusive offer the chain would accept there", async () => {
    const page = await getGallery({ indexer: indexer.url, exclusiveIn: regionBit("BR") });
    const chainSays = await acceptable(breachOffer2);
    expect(chainSays, "oracle: the second exclusive BR offer").to.equal("MotifLicensingExclusiveConflict");
    expect(ids(page.items), "the indexer offers an exclusive in BR the chain refuses").to.not.include(breachTok);
  });

  // FINDING F4 (medium): `isOpen` ignores an absolute window's end: an offer whose window ended
  // (deadline still ahead) counts as open for region / price / exclusiveIn filters, while the chain
  // refuses it (MotifLicensingInvalidWindow). Fix: in isOpen, require `duration != 0 || windowEnd > now`
  // (windowEnd === PERPETUAL included).
  it("FINDING F4: region lists no certificate whose only offer's window has ended", async () => {
    const page = await getGallery({ indexer: indexer.url, region: regionBit("JP") });
    expect(await acceptable(endedWindowOffer), "oracle").to.equal("MotifLicensingInvalidWindow");
    expect(ids(page.items), "listed though the chain refuses its offer").to.not.include(endedWindowTok);
  });

  // FINDING F5 (medium): offerCovers takes an offer's window start as the licence start even when it
  // is in the past, but a licence starts at max(window start, acceptance time): (a) a `from` between
  // the window start and now is reported covered though no licence accepted now can cover it; (b) a
  // relative (duration) offer whose start has passed gets end = windowStart + duration instead of
  // acceptance + duration, so later `to` dates are wrongly refused. Fix: start = max(windowStart, now)
  // (for windowStart != 0 as for 0), end = duration ? start + duration : windowEnd.
  it("FINDING F5a: a from date before now is not covered by an offer whose window start has passed (IT)", async () => {
    const from = T0 + 3 * 3_600; // after the window's start, before now (T1 = T0 + 2 d)
    const to = T1 + 10 * DAY;
    const page = await getGallery({ indexer: indexer.url, region: regionBit("IT"), from, to });
    // oracle: accept the offer now and read the licence the chain grants
    const g = await accept(13, pastStartOffer, parseEther("0.01"));
    const covers = g.start! <= from && to < g.end!;
    expect(covers, `the chain's licence is [${g.start}, ${g.end}), asked [${from}, ${to}]`).to.equal(false);
    expect(ids(page.items), "the indexer says an open offer covers these dates").to.not.include(pastStartTok);
  });

  it("FINDING F5b: a relative offer whose start has passed covers `to` up to acceptance + duration (PT)", async () => {
    const from = T1 + 3_600;
    const to = T1 + 9 * DAY + 12 * 3_600;
    const page = await getGallery({ indexer: indexer.url, region: regionBit("PT"), from, to });
    const g = await accept(13, relPastStartOffer, parseEther("0.01"));
    expect(g.start! <= from && to < g.end!, `oracle: the chain's licence [${g.start}, ${g.end}) covers [${from}, ${to}]`).to.equal(true);
    expect(ids(page.items), "the indexer says no open offer covers these dates").to.include(relPastStartTok);
  });

  // FINDING F7 (medium): minPrice/maxPrice compare raw amounts whatever the offer's currency; the
  // query has no currency, and the web page sends "Max price (ETH)" as wei (parseEther): a certificate
  // whose only offer costs 1,000 tokens of an ERC-20 (10^9 units) is listed under "at most 0.001 ETH".
  // Fix: a `currency` query parameter (default ETH, address(0)) that the price filters apply to.
  it("FINDING F7: a max price in wei (the web page's 'Max price (ETH)') lists only offers priced in ETH", async () => {
    const maxPrice = parseEther("0.001"); // what web/src/pages/gallery.ts queryOf sends for "0.001"
    const page = await getGallery({ indexer: indexer.url, region: regionBit("GB"), maxPrice });
    const [o] = await chain.deployed.publicClient.readContract({ address: L(), abi: motifLicensingAbi, functionName: "getOffer", args: [erc20Offer] });
    expect(o.terms.currency, "oracle: the only GB offer is in the ERC-20").to.equal(token);
    expect(ids(page.items), "listed under 0.001 ETH though its only offer costs 1,000 ERC-20 tokens").to.not.include(erc20Tok);
  });

  // FINDING F8 (low): price filters use the offer's floor price (`o.price`), not the price the chain
  // charges now (`currentPrice`, dynamic pricing after sales). The SDK type says "floor price", but
  // the web page's "Max price" is a budget. Fix: filter on the current price (store demand/lastSale
  // from LicenseGranted and apply DemandPricing), or name the filter "floor price" in the UI.
  it("FINDING F8: maxPrice lists only certificates with an open offer the chain prices at most maxPrice now", async () => {
    const maxPrice = parseEther("0.2");
    const page = await getGallery({ indexer: indexer.url, region: regionBit("NL"), maxPrice });
    const now = await chain.deployed.publicClient.readContract({ address: L(), abi: motifLicensingAbi, functionName: "currentPrice", args: [dynOffer] });
    expect(now > maxPrice, `oracle: currentPrice ${now}`).to.equal(true);
    expect(ids(page.items), `listed under ${maxPrice} wei though the chain charges ${now}`).to.not.include(dynTok);
  });

  // FINDING F9 (low): getCertificateHistory checksums licensee / licensor / settlement currency but
  // not a licence's or an offer's `currency` (lower-case from the index). Fix: getAddress(l.currency),
  // getAddress(o.currency) in sdk/src/indexer/actions.ts.
  it("FINDING F9: getCertificateHistory returns checksummed currencies (licences and offers)", async () => {
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId: erc20Tok });
    expect(h.licences.map((l) => l.currency), "licence currency").to.deep.equal([token]);
    expect(h.offers.map((o) => o.currency), "offer currency").to.deep.equal([token]);
  });

  // FINDING F10 (low): a decimal token id above 2^256 - 1 (78 digits pass the pattern) is answered
  // 404 "not in the index" (with a 65-hex-digit id) instead of 400 naming the range. Fix: check
  // BigInt(raw) <= maxUint256 and answer 400.
  it("FINDING F10: a token id above 2^256 - 1 is refused with 400", async () => {
    const r = await fetch(`${indexer.url}/v1/certificates/${"9".repeat(78)}/history`);
    const body = (await r.json()) as { message: string };
    expect(r.status, body.message).to.equal(400);
  });

  /** web/src/pages/licences.ts, imported by a computed path so that the root typecheck (no DOM lib) does not follow it. */
  const webLicences = "../../web/src/pages/licences.js";
  const exclusivityInWords = async (h: Awaited<ReturnType<typeof getCertificateHistory>>): Promise<string[]> =>
    ((await import(webLicences)) as { exclusivity: (history: typeof h) => { words: string[] } }).exclusivity(h).words;

  // FINDING F11 (medium, web): the pattern / certificate page's "An exclusive licence is still
  // possible in …" (web/src/pages/licences.ts exclusivityInWords) counts every uncancelled exclusive
  // offer before its deadline: (a) one published by a previous owner (the chain refuses it:
  // MotifLicensingOfferInactive), (b) in a region held by an exclusive licence with a breach flagged
  // (status "breach", left out of `live`; the chain refuses: MotifLicensingExclusiveConflict), and
  // an absolute window that has ended. Fix: filter offers by licensor === history.certificate.owner
  // and window end, and count "breach" licences as held (better: let the indexer answer it).
  it("FINDING F11a: the page says no exclusive is possible where the only exclusive offer is a previous owner's (KR)", async () => {
    expect(await acceptable(movedExclOffer), "oracle").to.equal("MotifLicensingOfferInactive");
    const words = await exclusivityInWords(await getCertificateHistory({ indexer: indexer.url, tokenId: movedExclTok }));
    expect(words.join(" ")).to.contain("No exclusive licence is on offer in a region still free.");
  });

  it("FINDING F11b: the page says no exclusive is possible where a breach-flagged exclusive licence holds the region (BR)", async () => {
    expect(await acceptable(breachOffer2), "oracle").to.equal("MotifLicensingExclusiveConflict");
    const words = await exclusivityInWords(await getCertificateHistory({ indexer: indexer.url, tokenId: breachTok }));
    expect(words.join(" ")).to.contain("No exclusive licence is on offer in a region still free.");
  });

  // --- held ----------------------------------------------------------------------------------

  it("held: an exclusive licence that has ended does not block exclusiveIn (CA), and the chain agrees", async () => {
    const page = await getGallery({ indexer: indexer.url, exclusiveIn: regionBit("CA") });
    expect(await acceptable(expiredExclOffer2)).to.equal(true);
    expect(ids(page.items)).to.deep.equal([expiredExclTok]);
  });

  it("held: an offer by a previous owner is not open (SE); owner filter by checksummed address", async () => {
    expect((await getGallery({ indexer: indexer.url, region: regionBit("SE") })).total).to.equal(0);
    const other = getAddress(wallet(O).account.address);
    const owned = await getGallery({ indexer: indexer.url, owner: other });
    expect(ids(owned.items)).to.deep.equal([movedExclTok, movedTok]); // newest first
    expect(owned.items.every((c) => c.owner === other)).to.equal(true);
  });

  it("held: a transferred licence: the old one 'transferred', the new one active for the new holder", async () => {
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId: transferTok });
    const byId = new Map(h.licences.map((l) => [l.licenseId, l]));
    expect(byId.get(transferFromId)?.status).to.equal("transferred");
    expect(byId.get(transferToId)?.status).to.equal("active");
    expect(byId.get(transferToId)?.licensee).to.equal(getAddress(wallet(O).account.address));
  });

  it("held: revoked, renewed (with units) and expired licences and a settlement, as the chain logged them", async () => {
    const { publicClient } = chain.deployed;
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId: revokeTok });
    const byId = new Map(h.licences.map((l) => [l.licenseId, l]));
    expect(byId.get(revokedId)?.status).to.equal("revoked");
    expect(byId.get(expiredId)?.status).to.equal("expired");
    const [renewed] = await publicClient.getContractEvents({ address: L(), abi: motifLicensingAbi, eventName: "LicenseRenewed", args: { licenseId: renewedId }, fromBlock: 0n });
    const r = byId.get(renewedId)!;
    expect([r.renewals, r.end, r.units, r.paid]).to.deep.equal([1, renewed!.args.end, 7n, parseEther("0.03")]);
    const settled = await publicClient.getContractEvents({ address: L(), abi: motifLicensingAbi, eventName: "RevenueSettled", args: { tokenId: revokeTok }, fromBlock: 0n });
    expect(h.settlements.map((s) => [s.total, s.ownerShare, s.block])).to.deep.equal(settled.map((s) => [s.args.total, s.args.ownerShare, s.blockNumber]));
  });

  it("held: paging beyond the last page, the largest page, and malformed inputs", async () => {
    const all = await getGallery({ indexer: indexer.url, pageSize: 100 });
    const beyond = await getGallery({ indexer: indexer.url, pageSize: 100, page: 2 });
    expect([beyond.items.length, beyond.total]).to.deep.equal([0, all.total]);
    expect((await getGallery({ indexer: indexer.url, page: 1_000_000, pageSize: 100 })).items).to.deep.equal([]);
    for (const q of ["page=1000001", "page=0", "pageSize=101", "from=-1", "to=1099511627776", "creator=0x'%20OR%201=1--", "minPrice=1e18", "modelId=1.5", "region=FR", "kind=PATTERN", "from=10&to=5", "exclusiveIn=249"]) {
      const r = await fetch(`${indexer.url}/v1/gallery?${q}`);
      expect(r.status, q).to.equal(400);
    }
    const hexId = `0x${transferTok.toString(16)}`;
    const [a, b] = await Promise.all([fetch(`${indexer.url}/v1/certificates/${hexId}/history`).then((r) => r.json()), fetch(`${indexer.url}/v1/certificates/${transferTok}/history`).then((r) => r.json())]);
    // the same certificate either way; what block each answer reflects may differ (another block in between)
    const strip = ({ indexedAt: _at, indexedBlock: _block, ...rest }: Record<string, unknown>) => rest;
    expect(strip(a)).to.deep.equal(strip(b));
    const missing = await fetch(`${indexer.url}/v1/certificates/0x1234/history`);
    expect(missing.status).to.equal(404);
  });

  // FINDING F12 (medium): logEdit with new metadata changes the certificate's metadata digest and
  // codec on chain (certificate(), tokenURI), but the index keeps the mint's: EditLogged carries no
  // digest and MetadataUpdate (ERC-4906) is not handled, so the gallery and history serve a stale
  // metadataDigest / metadataCodec. Fix: on MetadataUpdate (or EditLogged), read certificate(tokenId)
  // with context.client.readContract and update metadataDigest / metadataCodec.
  it("FINDING F12: after logEdit with new metadata the index has the chain's metadata digest and codec", async () => {
    const onChain = await chain.deployed.publicClient.readContract({ address: chain.deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [editedTok] });
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId: editedTok });
    expect(h.certificate.edits, "edits").to.equal(1);
    expect(h.certificate.royaltyBps, "royalty (RoyaltyUpdated)").to.equal(onChain.royaltyBps);
    expect([h.certificate.metadataDigest, h.certificate.metadataCodec], "metadata digest and codec").to.deep.equal([onChain.metadataDigest, onChain.metadataCodec]);
  });

  it("held: signed offers (digest keys) touch no on-chain offer: every offer's uses and cancelled flag are the chain's", async () => {
    const { publicClient } = chain.deployed;
    await caughtUp(); // offers were accepted by the tests above
    const signedLicences = (await getCertificateHistory({ indexer: indexer.url, tokenId: signedTok })).licences;
    expect(signedLicences.length, "two licences from the signed offer").to.equal(2);
    let checked = 0;
    for (const tokenId of allToks) {
      const h = await getCertificateHistory({ indexer: indexer.url, tokenId });
      for (const o of h.offers) {
        const [, state] = await publicClient.readContract({ address: L(), abi: motifLicensingAbi, functionName: "getOffer", args: [o.offerId] });
        expect([o.uses, o.cancelled], `offer ${o.offerId}`).to.deep.equal([state.uses, state.cancelled]);
        checked++;
      }
    }
    expect(checked).to.be.greaterThan(10);
  });

  it("held: the launcher refuses a port taken (on any address) before starting Ponder", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, resolve)); // all addresses, as `listen(port)` does
    const { port } = server.address() as { port: number };
    const dir = mkdtempSync(path.join(tmpdir(), "motif-audit19-port-"));
    try {
      const error = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: 0, addresses: chain.deployed.addresses, stateDir: dir, port }).then(
        async (i) => (await i.stop(), undefined),
        (e: unknown) => e as Error,
      );
      expect(error?.message).to.match(new RegExp(`port ${port} on 127.0.0.1 is in use`));
    } finally {
      await new Promise((resolve) => server.close(resolve));
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("held (SDK): getCertificate reads one eth_getLogs of the mint block alone; recipe / dataset ids refused in words", async () => {
    const ranges: unknown[] = [];
    const client = createPublicClient({
      transport: http(chain.url, {
        onFetchRequest: async (request) => {
          const body = JSON.parse(await request.clone().text()) as { method: string; params: unknown[] } | { method: string; params: unknown[] }[];
          for (const call of Array.isArray(body) ? body : [body]) if (call.method === "eth_getLogs") ranges.push(call.params[0]);
        },
      }),
    });
    const certificate = chain.deployed.addresses.certificate;
    const mintBlock = await chain.deployed.publicClient.readContract({ address: certificate, abi: motifCertificateAbi, functionName: "mintBlockOf", args: [editedTok] });
    const c = await getCertificate(client, { certificate, tokenId: editedTok });
    expect(c.mintBlock).to.equal(mintBlock);
    expect(ranges.map((f) => { const { address, fromBlock, toBlock } = f as { address: string; fromBlock: string; toBlock: string }; return { address: address.toLowerCase(), fromBlock, toBlock }; })).to.deep.equal([
      { address: certificate.toLowerCase(), fromBlock: toHex(mintBlock), toBlock: toHex(mintBlock) },
    ]);
    const r = (await getCertificate(client, { certificate, tokenId: recipeTok }).catch((e: unknown) => e)) as Error;
    expect(r.message).to.contain("is a recipe certificate, not a pattern: read it with getRecipe");
    const d = (await getCertificate(client, { certificate, tokenId: datasetTok }).catch((e: unknown) => e)) as Error;
    expect(d.message).to.contain("is a dataset certificate, not a pattern: read it with getDatasetManifest");
  });

  it("held: a gallery certificate's mintBlock is the contract's mintBlockOf", async () => {
    const page = await getGallery({ indexer: indexer.url, pageSize: 100 });
    for (const c of page.items.slice(0, 5)) {
      const b = await chain.deployed.publicClient.readContract({ address: chain.deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "mintBlockOf", args: [c.tokenId] });
      expect(c.mintBlock).to.equal(b);
    }
  });

  // FINDING F6 (medium): an offer whose licence starts at acceptance (window start 0) can be accepted
  // up to its deadline, so it covers dates after the deadline (accepted at the deadline: [deadline,
  // deadline + duration)); offerCovers returns false as soon as `from > deadline`. Fix: for
  // windowStart 0 take start = min(from, deadline) (and >= now). MUST STAY LAST: it moves time.
  it("FINDING F6: a from date after a relative offer's deadline is covered by a licence accepted at the deadline (ES)", async () => {
    const from = T0 + 6 * DAY;
    const to = T0 + 7 * DAY;
    const page = await getGallery({ indexer: indexer.url, region: regionBit("ES"), from, to });
    await rpc("evm_setNextBlockTimestamp", [toHex(T0 + 5 * DAY)]);
    const g = await accept(13, afterDeadlineOffer, parseEther("0.01"));
    expect(g.start! <= from && to < g.end!, `oracle: the chain's licence [${g.start}, ${g.end}) covers [${from}, ${to}]`).to.equal(true);
    expect(ids(page.items), "the indexer says no open offer covers these dates").to.include(afterDeadlineTok);
  });
});

