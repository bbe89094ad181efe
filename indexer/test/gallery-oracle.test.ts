import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getGallery, licenseTerms, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import { startIndexer, type RunningIndexer } from "../launch.mjs";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * The gallery's offer filters against the contract itself: a seeded mix of offers (exclusive or
 * not, relative or fixed windows, some private, some cancelled, some used up) and the licences
 * accepted from them (some refused by the exclusivity book, one certificate sold on), then for
 * every region asked for, the certificates `region=` and `exclusiveIn=` list are compared with what
 * `acceptOffer` from a visitor would do now, simulated on the chain (the oracle):
 * - sound: every certificate listed has an offer in that region the contract accepts now;
 * - complete for non-exclusive offers (the index has each exclusive licence exactly): every
 *   certificate with an acceptable non-exclusive offer there is listed. Exclusive offers may be left
 *   out where the contract's coarse summary of grants might refuse them (it errs that way too).
 */
describe("gallery offer filters against the contract (a seeded mix, simulated acceptances as the oracle)", function () {
  this.timeout(300_000);
  const REGIONS = ["FR", "DE", "IT", "JP", "US", "BR"] as const;
  const CERTIFICATES = 10;
  const hex = (s: string) => keccak256(toHex(s));
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let stateDir: string;
  let visitor: Address;
  const tokens: bigint[] = [];
  type Published = { offerId: bigint; tokenId: bigint; regions: readonly string[]; exclusive: boolean; private: boolean };
  const offers: Published[] = [];

  // a small seeded generator (mulberry32): the same mix on every run
  let seed = 0x5eed;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    const studio = deployed.motif[2]!;
    const buyers = deployed.motif.slice(3, 8);
    visitor = getAddress(deployed.wallets[9]!.account.address);
    const now = Number((await deployed.publicClient.getBlock()).timestamp);
    for (let i = 0; i < CERTIFICATES; i++) {
      const tag = `oracle-${i}`;
      const lineage = { contentDigest: hex(tag), metadataDigest: hex(`m-${tag}`), metadataCodec: 0x55, modelId: 1, seed: BigInt(i), paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator: studio.account.address, recipeId: 0n };
      await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio.account.address, royaltyBps: 0, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
      tokens.push(BigInt(lineage.contentDigest));
    }
    for (const tokenId of tokens) {
      const count = 1 + Math.floor(random() * 3);
      for (let k = 0; k < count; k++) {
        const regions = [...new Set([pick(REGIONS), pick(REGIONS)])];
        const exclusive = random() < 0.4;
        const isPrivate = random() < 0.15;
        const relative = random() < 0.5;
        const offer: Offer = {
          terms: licenseTerms({ tokenId, regions: regionMask(regions), flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0), currency: zeroAddress, termsDigest: hex("oracle terms"), termsCodec: 0x55 }),
          window: relative ? { start: 0, end: 0, duration: (10 + Math.floor(random() * 50)) * 86_400 } : { start: now + Math.floor(random() * 20) * 86_400, end: now + (30 + Math.floor(random() * 60)) * 86_400, duration: 0 },
          pricing: { price: parseEther("0.001"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
          maxUses: exclusive ? 1 : 1 + Math.floor(random() * 3),
          deadline: now + 30 * 86_400,
          nonce: 0n,
          licensee: isPrivate ? getAddress(buyers[0]!.account.address) : zeroAddress,
        };
        const receipt = await deployed.publicClient.waitForTransactionReceipt({ hash: await studio.publishOffer({ offer }) });
        const [published] = await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
        offers.push({ offerId: published!.args.offerId!, tokenId, regions, exclusive, private: isPrivate });
      }
    }
    // acceptances (some refused by the book: skipped), cancellations, one certificate sold on
    for (const o of offers) {
      const roll = random();
      if (roll < 0.15) await deployed.wait(await deployed.licensing.write.cancelOffer([o.offerId], { account: studio.account }));
      else if (roll < 0.7) {
        const buyer = o.private ? buyers[0]! : pick(buyers);
        try {
          await deployed.wait(await buyer.acceptOffer({ offerId: o.offerId, maxPrice: parseEther("0.001") }));
        } catch {
          // refused by the contract (a conflict, used up): the mix keeps whatever the chain allowed
        }
      }
    }
    await deployed.wait(await deployed.certificate.write.transferFrom([studio.account.address, buyers[4]!.account.address, tokens[0]!], { account: studio.account }));
    for (let i = 0; i < 32; i++) await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "evm_mine", params: [] }) });
    stateDir = mkdtempSync(path.join(tmpdir(), "motif-gallery-oracle-"));
    indexer = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: chain.record.startBlock, addresses: deployed.addresses, stateDir, port: 0, pollingMs: 200 });
    await indexer.ready(180_000);
  });

  after(async () => {
    await indexer?.stop();
    await chain?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  /** Whether `acceptOffer` from the visitor would succeed now (simulated: nothing is sent). */
  async function acceptable(offerId: bigint): Promise<boolean> {
    const { publicClient, addresses } = chain.deployed;
    const [, state] = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "getOffer", args: [offerId] });
    try {
      await publicClient.simulateContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [offerId, state.currentPrice], value: state.currentPrice, account: visitor });
      return true;
    } catch {
      return false;
    }
  }

  async function listed(q: { region?: number; exclusiveIn?: number }): Promise<Set<bigint>> {
    const page = await getGallery({ indexer: indexer.url, ...q, pageSize: 100 });
    expect(page.total).to.be.at.most(100);
    return new Set(page.items.map((c) => c.tokenId));
  }

  it("region= and exclusiveIn= list what the contract would grant now, region by region", async () => {
    const verdicts = new Map<bigint, boolean>();
    for (const o of offers) verdicts.set(o.offerId, o.private ? false : await acceptable(o.offerId));
    // the mix must exercise both answers, or the comparison proves nothing
    expect([...verdicts.values()].filter(Boolean).length, "offers acceptable now").to.be.greaterThan(2);
    expect([...verdicts.values()].filter((v) => !v).length, "offers refused now").to.be.greaterThan(2);
    for (const code of REGIONS) {
      const r = regionBit(code);
      const inRegion = offers.filter((o) => o.regions.includes(code));
      for (const [query, eligible] of [
        [{ region: r }, inRegion],
        [{ exclusiveIn: r }, inRegion.filter((o) => o.exclusive)],
      ] as const) {
        const got = await listed(query);
        const accepted = new Set(eligible.filter((o) => verdicts.get(o.offerId)).map((o) => o.tokenId));
        const mustList = new Set(eligible.filter((o) => verdicts.get(o.offerId) && !o.exclusive).map((o) => o.tokenId));
        const unsound = [...got].filter((t) => !accepted.has(t));
        const missing = [...mustList].filter((t) => !got.has(t));
        expect(unsound, `${JSON.stringify(query)} (${code}) lists certificates whose offers there the contract refuses now`).to.deep.equal([]);
        expect(missing, `${JSON.stringify(query)} (${code}) leaves out certificates with a non-exclusive offer there the contract accepts now`).to.deep.equal([]);
      }
    }
  });
});
