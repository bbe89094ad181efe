import { expect } from "chai";
import { decodeAbiParameters, encodeAbiParameters, keccak256, toHex, zeroAddress } from "viem";

import { LicenseFlags, licenseTerms, regionMask, structParameters } from "@motif/sdk";

describe("licenseTerms: the deal's fields, every other field of the compiled struct at zero", () => {
  const required = { tokenId: 7n, regions: regionMask(["DE", "FR"]), termsDigest: keccak256(toHex("licence text v1")) };

  it("fills the rest with the values a hand-written literal would use (every class, ETH, no royalty, no advance, no cap, not renewable, raw codec)", () => {
    const allClasses = (1n << 45n) - 1n; // Nice classes 1..45, bits 0..44
    expect(licenseTerms(required)).to.deep.equal({
      ...required,
      classes: allClasses,
      flags: 0,
      currency: zeroAddress,
      unitRoyalty: 0n,
      unitCap: 0n,
      salesRoyaltyBps: 0,
      advance: 0n,
      renewalPrice: 0n,
      termsCodec: 0x55,
    });
  });

  it("has exactly the struct's fields, each encodable as its ABI type (the oracle: viem's encoder over the compiled ABI)", () => {
    const terms = licenseTerms({ ...required, flags: LicenseFlags.COMMERCIAL, unitCap: 1000n });
    expect(Object.keys(terms).sort()).to.deep.equal(structParameters.LicenseTerms.components.map((c) => c.name).sort());
    const [decoded] = decodeAbiParameters([structParameters.LicenseTerms], encodeAbiParameters([structParameters.LicenseTerms], [terms]));
    expect(decoded).to.deep.equal(terms);
  });

  it("keeps what the caller gives, zeros and the codec included", () => {
    expect(licenseTerms({ ...required, termsCodec: 0x70, renewalPrice: 5n, flags: 0 })).to.include({ termsCodec: 0x70, renewalPrice: 5n, flags: 0 });
  });
});
