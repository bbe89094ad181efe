/// <reference lib="dom" />
import { expect } from "chai";
import { parseEther, zeroAddress } from "viem";

import { LicenseFlags, type Offer, licenseTerms } from "@motif/sdk";
import { productClassesInWords, termsInWords } from "../src/terms.js";

/**
 * The pattern page's offer words (`termsInWords`, said by the SDK) for real offers, against
 * sentences written out by hand: the product classes by their Nice numbers and headings, the advance
 * and what is paid at acceptance, the sales royalty as a percentage, exclusivity per region and class.
 */
describe("offer terms in words (web pattern page)", () => {
  // the classes by their bits (class n = bit n - 1), written out rather than computed by the SDK
  const BEDDING = 1n << 23n; // Nice 24
  const CLOTHING = 1n << 24n; // Nice 25
  const EVERY_CLASS = (1n << 45n) - 1n;
  // three regions by their bits in the frozen ISO 3166-1 table
  const DE = 1n << 56n;
  const FR = 1n << 74n;
  const IT = 1n << 109n;
  const LICENSEE = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
  const DEADLINE = 1_767_225_600; // 2026-01-01 00:00 UTC
  const DIGEST = `0x${"11".repeat(32)}` as const;

  const offer = (terms: Partial<Offer["terms"]>, extra: Partial<Offer> = {}): Offer => ({
    terms: licenseTerms({ tokenId: 7n, regions: DE | FR | IT, termsDigest: DIGEST, ...terms }),
    window: { start: 0, end: 0, duration: 730 * 86_400 },
    pricing: { price: parseEther("0.05"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: 1,
    deadline: DEADLINE,
    nonce: 0n,
    licensee: zeroAddress,
    ...extra,
  });

  it("a textile-grade deal: bedding only, exclusive in those regions for that class, an advance and 5% of net sales", () => {
    const textile = offer(
      { classes: BEDDING, flags: LicenseFlags.COMMERCIAL | LicenseFlags.EXCLUSIVE, salesRoyaltyBps: 500, advance: parseEther("0.5") },
      { licensee: LICENSEE },
    );
    expect(termsInWords(textile, parseEther("0.05"))).to.deep.equal([
      "Exclusive, commercial licence in Germany, France, Italy, for class 24 (Textiles and substitutes for textiles). Exclusive in those regions for those classes: no other licence of the pattern may share a region and a class with it while it runs.",
      "Runs for 730 days from the moment you accept.",
      "Price 0.05 ETH, plus 5% of net sales. An advance of 0.5 ETH paid at acceptance, recouped against royalties before any is charged (0.55 ETH in all at acceptance).",
      "no derivatives; no AI training; not sublicensable; not transferable.",
      `Only ${LICENSEE} may accept it (a deal negotiated with that buyer); anyone else is refused.`,
      "Offer open until 2026-01-01 00:00 UTC.",
    ]);
  });

  it("bedding and clothing at 2.5% of net sales on top of a unit royalty and cap; no advance is said when there is none", () => {
    const words = termsInWords(offer({ classes: BEDDING | CLOTHING, flags: LicenseFlags.COMMERCIAL, unitRoyalty: parseEther("0.0001"), unitCap: 500n, salesRoyaltyBps: 250 }), parseEther("0.02"));
    expect(words[0]).to.equal("Non-exclusive, commercial licence in Germany, France, Italy, for class 24 (Textiles and substitutes for textiles) and class 25 (Clothing, footwear, headwear).");
    expect(words[2]).to.equal("Price 0.02 ETH, plus 0.0001 ETH per unit produced, plus 2.5% of net sales, up to 500 units.");
  });

  it("every class (the default), said as every product class; no sales royalty, no advance", () => {
    const words = termsInWords(offer({ flags: LicenseFlags.COMMERCIAL, unitRoyalty: parseEther("0.0001"), unitCap: 500n }), parseEther("0.02"));
    expect(words[0]).to.equal("Non-exclusive, commercial licence in Germany, France, Italy, for every product class (all 45 Nice classes).");
    expect(words[2]).to.equal("Price 0.02 ETH, plus 0.0001 ETH per unit produced, up to 500 units.");
    expect(productClassesInWords(EVERY_CLASS)).to.equal("every product class (all 45 Nice classes)");
  });

  it("an exclusive worldwide licence for every class but two, its renewal after its advance; basis points to two decimals", () => {
    const allBut = EVERY_CLASS & ~(1n << 8n) & ~(1n << 41n); // not Nice 9 nor Nice 42
    const words = termsInWords(
      offer({ regions: (1n << 249n) - 1n, classes: allBut, flags: LicenseFlags.COMMERCIAL | LicenseFlags.EXCLUSIVE, salesRoyaltyBps: 1234, advance: parseEther("1.25"), renewalPrice: parseEther("0.1") }),
      parseEther("2"),
    );
    expect(words[0]).to.equal(
      "Exclusive, commercial licence in worldwide (all 249 regions), for every product class except class 9 (Scientific, audiovisual and computer apparatus) and class 42 (Scientific and technological services). Exclusive in those regions for those classes: no other licence of the pattern may share a region and a class with it while it runs.",
    );
    expect(words[2]).to.equal(
      "Price 2 ETH, plus 12.34% of net sales. An advance of 1.25 ETH paid at acceptance, recouped against royalties before any is charged (3.25 ETH in all at acceptance). Renewal costs 0.1 ETH for one more period, bought by the licensee in the licence's last period.",
    );
    expect(termsInWords(offer({ classes: BEDDING, salesRoyaltyBps: 1 }), 0n)[2]).to.equal("Price 0 ETH, plus 0.01% of net sales.");
    expect(termsInWords(offer({ classes: BEDDING, salesRoyaltyBps: 5000 }), 0n)[2]).to.equal("Price 0 ETH, plus 50% of net sales.");
    expect(termsInWords(offer({ classes: BEDDING, salesRoyaltyBps: 1010 }), 0n)[2]).to.equal("Price 0 ETH, plus 10.1% of net sales.");
  });
});
