import { expect } from "chai";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { EU_MEMBERS, LicenseFlags, type Offer, getCertificateHistory, licenseTerms, motifLicensingAbi, regionMask } from "@motif/sdk";
import type { RunningIndexer } from "../launch.mjs";
import { indexedChain } from "./helpers.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Usage reports in the index: every `UsageReported` is a row (region, product class, units, net sales,
 * royalty accrued, amount paid), and a licence carries its running net sales and what is left of its
 * advance. Oracle: amounts worked out by hand from the terms (5% of net sales, 0.001 ETH a unit, a
 * 0.3 ETH advance recouped first), and the contract's own `getLicense` for the running totals.
 */
describe("indexer: usage reports with product class and net sales, a licence's running net sales and advance", function () {
  this.timeout(300_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  const hex = (s: string) => keccak256(toHex(s));
  let tokenId: bigint;
  let licenseId: bigint;
  let licensee: Address;

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    const { deployed } = chain;
    const [, , s, , l] = deployed.motif;
    const studio = getAddress(s!.account.address);
    licensee = getAddress(l!.account.address);
    const lineage = { contentDigest: hex("linen"), metadataDigest: hex("meta-linen"), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex("p-linen"), pdqHash: hex("q-linen"), tileHash: hex("t-linen"), creator: studio, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    tokenId = BigInt(lineage.contentDigest);
    const now = Number((await deployed.publicClient.getBlock()).timestamp);
    // bedding (Nice 24, bit 23) and clothing (Nice 25, bit 24), exclusive in the EU: 0.001 ETH a unit,
    // 5% of net sales, a 0.3 ETH advance
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(EU_MEMBERS), classes: (1n << 23n) | (1n << 24n), flags: LicenseFlags.COMMERCIAL | LicenseFlags.EXCLUSIVE, unitRoyalty: parseEther("0.001"), salesRoyaltyBps: 500, advance: parseEther("0.3"), termsDigest: hex("legal") }),
      window: { start: 0, end: 0, duration: 730 * 86_400 },
      pricing: { price: parseEther("0.05"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 1,
      deadline: now + 7 * 86_400,
      nonce: 0n,
      licensee: zeroAddress,
    };
    await deployed.wait(await s!.publishOffer({ offer }));
    const receipt = await deployed.wait(await l!.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.05") }));
    licenseId = (await deployed.publicClient.getContractEvents({ address: deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }))[0]!.args.licenseId!;
    const report = async (region: string, productClass: number, units: bigint, netSales: bigint) =>
      deployed.wait(await l!.reportUsage({ licenseId, licensee, region, productClass, units, netSales }));
    await report("FR", 24, 100n, 0n); // 100 units: 0.1 ETH, from the advance (0.2 ETH left)
    await report("DE", 24, 0n, parseEther("2")); // 5% of 2 ETH: 0.1 ETH, from the advance (0.1 ETH left)
    await report("IT", 25, 50n, parseEther("3")); // 0.05 + 0.15 = 0.2 ETH: 0.1 ETH from the advance, 0.1 ETH paid
    await report("FR", 25, 0n, parseEther("1")); // 0.05 ETH, all paid
    ({ indexer, close } = await indexedChain(chain, "usage"));
  });

  after(async () => {
    await close?.();
  });

  it("stores each report with its region, class, units, net sales, royalty and amount paid, oldest first", async () => {
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId });
    const E = 10n ** 15n; // 0.001 ETH
    // region bit indexes of the frozen table: FR 74, DE 56, IT 109
    expect(h.reports.map((r) => [r.licenseId, r.reporter, r.region, r.niceClass, r.units, r.netSales, r.royalty, r.amount])).to.deep.equal([
      [licenseId, licensee, 74, 24, 100n, 0n, 100n * E, 0n],
      [licenseId, licensee, 56, 24, 0n, 2000n * E, 100n * E, 0n],
      [licenseId, licensee, 109, 25, 50n, 3000n * E, 200n * E, 100n * E],
      [licenseId, licensee, 74, 25, 0n, 1000n * E, 50n * E, 50n * E],
    ]);
    for (const r of h.reports) expect(r.block > 0n && r.timestamp > 0).to.equal(true);
  });

  it("keeps the licence's running net sales, royalties and advance remaining, as the contract has them", async () => {
    const h = await getCertificateHistory({ indexer: indexer.url, tokenId });
    const l = h.licences.find((x) => x.licenseId === licenseId)!;
    expect({ classes: l.classes, salesRoyaltyBps: l.salesRoyaltyBps, advance: l.advance, units: l.units, netSales: l.netSales, royaltiesAccrued: l.royaltiesAccrued, royalties: l.royalties, advanceRemaining: l.advanceRemaining, paid: l.paid }).to.deep.equal({
      classes: 0x180_0000n,
      salesRoyaltyBps: 500,
      advance: parseEther("0.3"),
      units: 150n,
      netSales: parseEther("6"),
      royaltiesAccrued: parseEther("0.45"),
      royalties: parseEther("0.15"),
      advanceRemaining: 0n,
      paid: parseEther("0.35"), // the price and the advance, at acceptance
    });
    const onChain = await chain.deployed.publicClient.readContract({ address: chain.deployed.addresses.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [licenseId] });
    expect([onChain.netSales, onChain.advanceRemaining, onChain.unitsUsed]).to.deep.equal([l.netSales, l.advanceRemaining, l.units]);
  });
});
