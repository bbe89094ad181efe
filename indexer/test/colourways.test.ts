import { expect } from "chai";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getCertificateHistory, getColourways, getDesignOf, getGallery, getLicenceCover, licenseTerms, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import type { RunningIndexer } from "../launch.mjs";
import { indexedChain } from "./helpers.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Colourway families in the index (`ColourwayMinted`): each certificate's design, a design's
 * colourways in a history and the gallery's `family` filter, against the chain's own `designOf` and
 * `ColourwayMinted` logs (`getDesignOf`, `getColourways`). And `/v1/certificates/:id/licensed`
 * (`getLicenceCover`) against the contract's `isLicensed`, asked the same questions on one family:
 * a design licence covering all colourways, a design-only licence, a colourway's own licence, a
 * design licence with its single unit used up, one not yet started; every answer (licensed and the
 * licence named) must be the contract's.
 */
describe("indexer: colourway families and licence cover as the contract's isLicensed answers", function () {
  this.timeout(600_000);
  const DAY = 86_400;
  const hex = (s: string) => keccak256(toHex(s));
  const BEDDING = 24; // Nice class 24 (bit 23)
  const CLOTHING = 25; // Nice class 25 (bit 24)
  const RUGS = 27;

  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  let studio: Address;
  let design = 0n;
  let colourways: bigint[] = [];
  let plain = 0n;
  /** Accounts: `all` holds a design licence with ALL_COLOURWAYS, `designOnly` one without, `own` a colourway's own licence, `spent` an all-colourways licence whose one unit is used, `later` one starting in a week. */
  const who: Record<"all" | "designOnly" | "own" | "spent" | "later" | "nobody", Address> = {} as never;
  let now = 0;
  /** The head's time once every licence is granted (`now` is before the first). */
  let granted = 0;
  /** The 16 one-day licences of the plain pattern, then the 17th that reused slot 0; when the 16 ran and when the 17th was granted. */
  const manyLicences: bigint[] = [];
  let manyFrom = 0;
  let manyAt = 0;

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    const m = deployed.motif;
    const s = m[2]!;
    studio = getAddress(s.account.address);
    const attester = deployed.wallets[1]!.account;
    const lineage = (name: string) => ({ contentDigest: hex(name), metadataDigest: hex(`meta-${name}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex("p"), pdqHash: hex(`q-${name}`), tileHash: hex("t"), creator: studio, recipeId: 0n });
    const request = (name: string) => ({ lineage: lineage(name), to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" as const });
    // the design, then two colourways (the attester sends them unsigned: the studio approved it as its
    // operator, as only an owner or an account it approved adds a colourway), a plain pattern between them
    await deployed.wait(await deployed.certificate.write.setApprovalForAll([attester.address, true], { account: s.account }));
    await deployed.wait(await deployed.certificate.write.mint([request("toile")], { account: attester }));
    design = BigInt(hex("toile"));
    await deployed.wait(await deployed.certificate.write.mintColourway([request("toile-madder"), design], { account: attester }));
    await deployed.wait(await deployed.certificate.write.mint([request("stripe")], { account: attester }));
    plain = BigInt(hex("stripe"));
    await deployed.wait(await deployed.certificate.write.mintColourway([request("toile-indigo"), design], { account: attester }));
    colourways = [BigInt(hex("toile-madder")), BigInt(hex("toile-indigo"))];

    now = Number((await deployed.publicClient.getBlock()).timestamp);
    const offer = (tokenId: bigint, regions: readonly string[], classes: number[], flags: number, extra: Partial<Offer> & { unitCap?: bigint } = {}): Offer => ({
      terms: licenseTerms({ tokenId, regions: regionMask(regions), classes: classes.reduce((a, c) => a | (1n << BigInt(c - 1)), 0n), flags: LicenseFlags.COMMERCIAL | flags, unitCap: extra.unitCap ?? 0n, termsDigest: hex("legal") }),
      window: extra.window ?? { start: 0, end: 0, duration: 365 * DAY },
      pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 10,
      deadline: now + 30 * DAY,
      nonce: 0n,
      licensee: zeroAddress,
    });
    const accounts = { all: m[4]!, designOnly: m[5]!, own: m[6]!, spent: m[7]!, later: m[8]!, nobody: m[9]! };
    for (const [k, w] of Object.entries(accounts)) who[k as keyof typeof who] = getAddress(w.account.address);
    let offerId = 0n;
    const publish = async (o: Offer) => {
      await deployed.wait(await s.publishOffer({ offer: o }));
      return ++offerId;
    };
    const accept = async (w: (typeof m)[number], id: bigint) => {
      const receipt = await deployed.wait(await w.acceptOffer({ offerId: id, maxPrice: parseEther("0.01") }));
      return (await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }))[0]!.args.licenseId!;
    };
    // the design's offers: all colourways (FR, DE; bedding), design only (FR; bedding and clothing)
    const allOffer = await publish(offer(design, ["FR", "DE"], [BEDDING], LicenseFlags.ALL_COLOURWAYS));
    const designOnlyOffer = await publish(offer(design, ["FR"], [BEDDING, CLOTHING], 0));
    // the first colourway's own offer (JP; rugs), and the plain pattern's (JP)
    const ownOffer = await publish(offer(colourways[0]!, ["JP"], [RUGS], 0));
    await publish(offer(plain, ["JP"], [RUGS], 0));
    // an all-colourways licence capped at one unit, and one whose window opens in a week
    const spentOffer = await publish(offer(design, ["FR"], [BEDDING], LicenseFlags.ALL_COLOURWAYS, { unitCap: 1n }));
    const laterOffer = await publish(offer(design, ["DE"], [BEDDING], LicenseFlags.ALL_COLOURWAYS, { window: { start: now + 7 * DAY, end: now + 60 * DAY, duration: 0 } }));
    await accept(accounts.all, allOffer);
    await accept(accounts.designOnly, designOnlyOffer);
    await accept(accounts.own, ownOffer);
    // `all` also holds the design-only licence: its own design licence in its first slot, covering FR clothing for the design alone
    await accept(accounts.all, designOnlyOffer);
    const spent = await accept(accounts.spent, spentOffer);
    await accept(accounts.later, laterOffer);
    await deployed.wait(await accounts.spent.reportUsage({ licenseId: spent, licensee: who.spent, region: "FR", productClass: BEDDING, units: 1n, netSales: 0n }));
    granted = Number((await deployed.publicClient.getBlock()).timestamp);

    // slot reuse: `many` takes 16 one-day licences of the plain pattern (every slot it has for it),
    // and once they ended a 17th, which reuses the slot of the one that ended first (slot 0)
    const manyOffer = await publish({ ...offer(plain, ["FR"], [BEDDING], 0, { window: { start: 0, end: 0, duration: DAY } }), maxUses: 20 });
    const many = m[10]!;
    for (let i = 0; i < 16; i++) manyLicences.push(await accept(many, manyOffer));
    manyFrom = Number((await deployed.publicClient.getBlock()).timestamp);
    await deployed.publicClient.request({ method: "evm_increaseTime" as never, params: [2 * DAY] as never });
    await deployed.publicClient.request({ method: "evm_mine" as never, params: [] as never });
    manyLicences.push(await accept(many, manyOffer));
    manyAt = Number((await deployed.publicClient.getBlock()).timestamp);
    ({ indexer, close } = await indexedChain(chain, "colourways"));
  });

  after(async () => {
    await close?.();
  });

  it("stores each certificate's design as designOf says, and a design's colourways as its ColourwayMinted logs list them", async () => {
    const client = chain.deployed.publicClient;
    const certificate = chain.deployed.addresses.certificate;
    const onChain = await getColourways(client, { certificate, designId: design });
    expect(onChain).to.deep.equal(colourways); // the oracle itself, in mint order
    for (const id of [design, plain, ...colourways]) {
      const h = await getCertificateHistory({ indexer: indexer.url, tokenId: id });
      const designOf = await getDesignOf(client, { certificate, tokenId: id });
      expect(h.certificate.designId, `designId of ${id}`).to.equal(designOf === 0n ? null : designOf);
      expect(h.certificate.colourwayCount, `colourwayCount of ${id}`).to.equal(id === design ? onChain.length : 0);
      if (id === plain) {
        expect(h.family).to.equal(null);
        continue;
      }
      // the design and its colourways, oldest first, whichever member is asked
      expect(h.family?.design.tokenId, `family of ${id}`).to.equal(design);
      expect(h.family?.colourways.map((c) => c.tokenId)).to.deep.equal(onChain);
      expect(h.family?.colourways.every((c) => c.designId === design)).to.equal(true);
    }
  });

  it("filters the gallery by family (named by its design or any colourway), with other filters and the offer filters", async () => {
    const ids = (page: Awaited<ReturnType<typeof getGallery>>) => page.items.map((c) => c.tokenId);
    for (const member of [design, colourways[1]!]) {
      const page = await getGallery({ indexer: indexer.url, family: member, sort: "oldest" });
      expect(ids(page), `family=${member}`).to.deep.equal([design, ...colourways]);
      expect(page.total).to.equal(3);
    }
    const paged = await getGallery({ indexer: indexer.url, family: design, sort: "newest", pageSize: 2, page: 2 });
    expect([ids(paged), paged.total]).to.deep.equal([[design], 3]);
    expect(ids(await getGallery({ indexer: indexer.url, family: plain }))).to.deep.equal([plain]);
    // an offer in JP: the first colourway's and the plain pattern's; in the family only the colourway's
    expect(new Set(ids(await getGallery({ indexer: indexer.url, region: regionBit("JP") })))).to.deep.equal(new Set([colourways[0], plain]));
    expect(ids(await getGallery({ indexer: indexer.url, region: regionBit("JP"), family: design }))).to.deep.equal([colourways[0]]);
    // a bad family id is refused, naming the field
    const bad = await fetch(`${indexer.url}/v1/gallery?family=0xzz`);
    expect(bad.status).to.equal(400);
    expect(((await bad.json()) as { message: string }).message).to.match(/^family must be 0x-hex/);
  });

  it("answers which licence covers a use as isLicensed does: a design's all-colourways licence covers its colourways, a design-only licence and a colourway's own licence do not reach further", async () => {
    const { deployed } = chain;
    const regions = ["FR", "DE", "JP"].map((r) => regionBit(r));
    const classes = [undefined, BEDDING, CLOTHING, RUGS];
    const times = [now, granted, now + 8 * DAY, now + 400 * DAY];
    type Q = { tokenId: bigint; licensee: Address; region: number; niceClass: number | undefined; time: number };
    const questions: Q[] = [];
    for (const tokenId of [design, ...colourways, plain])
      for (const licensee of Object.values(who)) for (const region of regions) for (const niceClass of classes) for (const time of times) questions.push({ tokenId, licensee, region, niceClass, time });
    const ask = async (q: Q) => {
      const [licensed, licenseId] =
        q.niceClass === undefined
          ? await deployed.publicClient.readContract({ address: deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "isLicensed", args: [q.tokenId, q.licensee, BigInt(q.region), q.time] })
          : await deployed.publicClient.readContract({ address: deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "isLicensed", args: [q.tokenId, q.licensee, BigInt(q.region), q.niceClass, q.time] });
      const { niceClass, ...rest } = q;
      const cover = await getLicenceCover({ indexer: indexer.url, ...rest, ...(niceClass !== undefined ? { niceClass } : {}) });
      return { q, chain: { licensed, licenseId: licensed ? licenseId : null }, index: cover };
    };
    const answers: Awaited<ReturnType<typeof ask>>[] = [];
    for (let i = 0; i < questions.length; i += 16) answers.push(...(await Promise.all(questions.slice(i, i + 16).map(ask))));
    const mismatches = answers.filter((a) => a.chain.licensed !== a.index.licensed || a.chain.licenseId !== a.index.licenseId);
    const show = (a: (typeof answers)[number]) => `${JSON.stringify(a.q, (_, v) => (typeof v === "bigint" ? `0x${v.toString(16).slice(0, 8)}` : v))}: chain ${a.chain.licensed}/${a.chain.licenseId}, index ${a.index.licensed}/${a.index.licenseId} (${a.index.via})`;
    expect(mismatches.map(show), `${mismatches.length} of ${answers.length} answers differ`).to.deep.equal([]);

    // the questions are not vacuous: each kind of answer occurs, and the licence named is the one described
    const isColourway = (id: bigint) => colourways.includes(id);
    const viaDesign = answers.filter((a) => a.chain.licensed && isColourway(a.q.tokenId) && a.index.via === "design");
    expect(viaDesign.length, "colourways covered by a design licence").to.be.greaterThan(0);
    expect(new Set(viaDesign.map((a) => a.q.licensee))).to.deep.equal(new Set([who.all, who.later]));
    expect(viaDesign.every((a) => a.index.designId === design)).to.equal(true);
    expect(answers.filter((a) => a.chain.licensed && a.q.tokenId === colourways[0] && a.q.licensee === who.own).length, "the colourway's own licence").to.be.greaterThan(0);
    expect(answers.filter((a) => a.chain.licensed && a.q.tokenId === design && a.q.licensee === who.designOnly).length, "the design-only licence on its design").to.be.greaterThan(0);
    // and what must not be covered is not, on the chain and the index alike
    expect(answers.filter((a) => a.chain.licensed && isColourway(a.q.tokenId) && a.q.licensee === who.designOnly), "a design-only licence on a colourway").to.deep.equal([]);
    expect(answers.filter((a) => a.chain.licensed && a.q.tokenId === colourways[1] && a.q.licensee === who.own), "a colourway's licence on its sibling").to.deep.equal([]);
    expect(answers.filter((a) => a.chain.licensed && a.q.licensee === who.spent), "an all-colourways licence with no units left").to.deep.equal([]);
    expect(answers.filter((a) => a.chain.licensed && a.q.time === now), "before any licence started").to.deep.equal([]);
    expect(answers.filter((a) => a.chain.licensed && a.q.licensee === who.later && a.q.time === granted), "a licence not yet started").to.deep.equal([]);
    expect(answers.filter((a) => a.chain.licensed && a.q.licensee === who.later && a.q.time === now + 8 * DAY).length, "the same a week later").to.be.greaterThan(0);
    // `all` holds a design-only licence too: FR clothing is covered for the design, not for its colourways
    const fr = regionBit("FR");
    const clothing = (tokenId: bigint) => answers.find((a) => a.q.tokenId === tokenId && a.q.licensee === who.all && a.q.region === fr && a.q.niceClass === CLOTHING && a.q.time === granted)!;
    expect([clothing(design).chain.licensed, clothing(colourways[0]!).chain.licensed]).to.deep.equal([true, false]);
    // FR bedding for a colourway: covered by the all-colourways licence, also listed among `covering`
    const bedding = answers.find((a) => a.q.tokenId === colourways[1] && a.q.licensee === who.all && a.q.region === fr && a.q.niceClass === BEDDING && a.q.time === granted)!;
    expect(bedding.index.covering.map((c) => c.via)).to.deep.equal(["design"]);
    // FR bedding for the design itself: both of `all`'s licences cover; the one named is the contract's pick (its first slot)
    const both = answers.find((a) => a.q.tokenId === design && a.q.licensee === who.all && a.q.region === fr && a.q.niceClass === BEDDING && a.q.time === granted)!;
    expect(both.index.covering.map((c) => c.via)).to.deep.equal(["own", "own"]);
    expect(both.index.licenseId).to.equal(both.chain.licenseId);
  });

  it("a reused slot answers for its new licence only: the replaced licence covers nothing, even inside its window", async () => {
    const { deployed } = chain;
    const many = getAddress(deployed.wallets[10]!.account.address);
    // the 17th licence took slot 0 (its id the first one's slot key, one generation on)
    expect(manyLicences[16]! & ~0xffffn).to.equal(manyLicences[0]! & ~0xffffn);
    expect(manyLicences[16]! & 0xffffn).to.equal((manyLicences[0]! & 0xffffn) + 1n);
    const fr = regionBit("FR");
    for (const time of [manyFrom, manyFrom + DAY / 2, manyAt, manyAt + DAY / 2, manyAt + 2 * DAY]) {
      const [licensed, licenseId] = await deployed.publicClient.readContract({ address: deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "isLicensed", args: [plain, many, BigInt(fr), time] });
      const cover = await getLicenceCover({ indexer: indexer.url, tokenId: plain, licensee: many, region: fr, time });
      expect([cover.licensed, cover.licenseId], `at ${time}`).to.deep.equal([licensed, licensed ? licenseId : null]);
      // the oracle's own words: inside the 16's windows slot 1's licence (slot 0's was replaced), later the 17th
      if (time === manyFrom) expect(licenseId).to.equal(manyLicences[1]);
      if (time === manyAt) expect(licenseId).to.equal(manyLicences[16]);
    }
  });

  it("refuses a bad question in words naming the field", async () => {
    const url = (q: string) => `${indexer.url}/v1/certificates/0x${design.toString(16)}/licensed?${q}`;
    const cases: [string, RegExp][] = [
      [`region=74`, /^licensee is required/],
      [`licensee=${who.all}`, /^region is required/],
      [`licensee=${who.all}&region=249`, /^region must be a whole number from 0 to 248/],
      [`licensee=${who.all}&region=74&class=0`, /^class must be a whole number from 1 to 45/],
      [`licensee=0x12&region=74`, /^licensee must be a 0x-prefixed 20-byte address/],
    ];
    for (const [q, message] of cases) {
      const r = await fetch(url(q));
      expect(r.status, q).to.equal(400);
      expect(((await r.json()) as { message: string }).message, q).to.match(message);
    }
    const unknown = await fetch(`${indexer.url}/v1/certificates/0x1234/licensed?licensee=${who.all}&region=74`);
    expect(unknown.status).to.equal(404);
  });
});
