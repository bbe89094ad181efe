import { expect } from "chai";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getGallery, licenseTerms, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import type { RunningIndexer } from "../launch.mjs";
import { indexedChain } from "./helpers.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Audit of session 21 (8d03fd5..576f0cd), indexer part. Promise: "a certificate is listed iff one of
 * its offers would be accepted by the contract now and yields what was asked". Oracle: the contract
 * itself (acceptOffer simulated, from an account that holds no licence on the certificate).
 */
describe("audit session 21: gallery offer filters against the contract's acceptOffer", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  const hex = (s: string) => keccak256(toHex(s));
  let now = 0;
  let studio: Address;
  let a: bigint; // exclusive licence in FR granted; a non-exclusive FR offer still published
  let b: bigint; // non-exclusive licence in FR granted; an exclusive FR offer still published
  let c: bigint; // one open FR offer, private to another licensee (Offer.licensee set)
  const offersOf = new Map<bigint, bigint[]>();

  async function mint(tag: string) {
    const { deployed } = chain;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    return BigInt(lineage.contentDigest);
  }
  const offer = (tokenId: bigint, exclusive: boolean): Offer => ({
    terms: licenseTerms({ tokenId, regions: regionMask(["FR"]), flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0), currency: zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55 }),
    window: { start: 0, end: 0, duration: 30 * 86_400 },
    pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: exclusive ? 1 : 5,
    deadline: now + 7 * 86_400,
    nonce: 0n,
    licensee: zeroAddress,
  });

  const reason = (error: unknown) => {
    const e = error as { walk?: (f: (x: unknown) => boolean) => unknown; shortMessage?: string };
    const hit = e.walk?.((x) => (x as { data?: { errorName?: string } }).data?.errorName !== undefined) as { data?: { errorName?: string } } | undefined;
    return hit?.data?.errorName ?? (e.shortMessage ?? String(error)).split("\n")[0]!;
  };

  /** Why the contract refuses every offer of `tokenId` now (undefined when one of them is accepted). */
  async function whyRefused(tokenId: bigint): Promise<string | undefined> {
    const { deployed } = chain;
    const buyer = deployed.wallets[6]!.account; // no licence on anything
    const reasons: string[] = [];
    for (const offerId of offersOf.get(tokenId) ?? []) {
      try {
        await deployed.publicClient.simulateContract({ address: deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [offerId, parseEther("1")], value: parseEther("0.01"), account: buyer });
        return undefined;
      } catch (error) {
        reasons.push(`offer ${offerId}: ${reason(error)}`);
      }
    }
    return reasons.join("; ");
  }

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    const [, , s, o, l] = deployed.motif;
    studio = getAddress(s!.account.address);
    now = Number((await deployed.publicClient.getBlock()).timestamp);
    a = await mint("audit21-a");
    b = await mint("audit21-b");
    // a: exclusive FR (offer 1, accepted), non-exclusive FR (offer 2, open, uses left)
    await deployed.wait(await s!.publishOffer({ offer: offer(a, true) }));
    await deployed.wait(await s!.publishOffer({ offer: offer(a, false) }));
    await deployed.wait(await l!.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.01") }));
    // b: non-exclusive FR (offer 3, accepted), exclusive FR (offer 4, open)
    await deployed.wait(await s!.publishOffer({ offer: offer(b, false) }));
    await deployed.wait(await s!.publishOffer({ offer: offer(b, true) }));
    await deployed.wait(await o!.acceptOffer({ offerId: 3n, maxPrice: parseEther("0.01") }));
    c = await mint("audit21-c");
    await deployed.wait(await s!.publishOffer({ offer: { ...offer(c, false), licensee: getAddress(deployed.wallets[5]!.account.address) } }));
    offersOf.set(c, [5n]);
    offersOf.set(a, [1n, 2n]);
    offersOf.set(b, [3n, 4n]);
    ({ indexer, close } = await indexedChain(chain, "audit21"));
  });

  after(async () => {
    if (close !== undefined) await close();
    else await chain?.close();
  });

  // FINDING F1: an exclusive licence holding FR makes the contract refuse every other licence in FR
  // (Exclusivity.reserve: MotifLicensingExclusiveConflict), yet `region=FR` lists the certificate
  // through its open non-exclusive FR offer: offerOpen/regionBit never look at the licences.
  it("FINDING F1: region=FR does not list a certificate whose FR offers the contract refuses (an exclusive licence holds FR)", async () => {
    const page = await getGallery({ indexer: indexer.url, region: regionBit("FR"), pageSize: 100 });
    expect(page.items.map((x) => x.tokenId)).to.include(b); // b's open non-exclusive FR offer is accepted
    if (page.items.some((x) => x.tokenId === a)) {
      const why = await whyRefused(a);
      expect(why, `gallery region=FR lists certificate a but acceptOffer reverts for each of its offers: ${why}`).to.equal(undefined);
    }
  });

  // FINDING F2: a live non-exclusive licence in FR makes the contract refuse an exclusive FR licence
  // (MotifLicensingGrantConflict), yet `exclusiveIn=FR` lists the certificate: the SQL only asks
  // whether an EXCLUSIVE licence holds FR.
  it("FINDING F2: exclusiveIn=FR does not list a certificate whose exclusive FR offer the contract refuses (a non-exclusive licence is live in FR)", async () => {
    const page = await getGallery({ indexer: indexer.url, exclusiveIn: regionBit("FR"), pageSize: 100 });
    const ids = page.items.map((c) => c.tokenId);
    if (ids.includes(b)) {
      const why = await whyRefused(4n).catch(() => "?");
      let simulated: string | undefined;
      try {
        await chain.deployed.publicClient.simulateContract({ address: chain.deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [4n, parseEther("1")], value: parseEther("0.01"), account: chain.deployed.wallets[6]!.account });
      } catch (error) {
        simulated = reason(error);
      }
      expect.fail(`gallery exclusiveIn=FR lists certificate b (total ${page.total}) but its only exclusive FR offer (4) reverts: ${simulated ?? why}`);
    }
  });

  // FINDING F6: an offer published for one licensee (Offer.licensee set: `restricted`) is accepted
  // from that account only (MotifLicensingNotOfferLicensee), yet offerOpen never looks at `licensee`:
  // the gallery lists the certificate as licensable in FR to every visitor.
  it("FINDING F6: region=FR does not list a certificate whose only FR offer is private to another licensee", async () => {
    const page = await getGallery({ indexer: indexer.url, region: regionBit("FR"), pageSize: 100 });
    if (page.items.some((x) => x.tokenId === c)) {
      const why = await whyRefused(c);
      expect(why, `gallery region=FR lists certificate c but acceptOffer reverts for a visitor: ${why}`).to.equal(undefined);
    }
  });
});
