import { expect } from "chai";
import { getAddress, hashTypedData, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { licenseTerms, MotifContractError, licensingDomain, motifLicensingAbi, offerTypes, regionMask, verifyCertificate, type Offer } from "@motif/sdk";
import { deployedMotif } from "./helpers/deployed.js";

// Audit of issue 15 (72bc2e7), PROMISES THAT HELD: an offer signed in a wallet with the SDK's
// EIP-712 `offerTypes` (viem) and naming its licensee is accepted by the contract for that licensee
// only; viem's digest of the offer equals the contract's `offerDigest`.
describe("Audit issue 15: EIP-712 offer with a named licensee, signed by viem with the SDK types", function () {
  this.timeout(120_000);

  it("the named licensee accepts; another account is refused; digests agree", async () => {
    const { publicClient, addresses, motif, wait } = await deployedMotif();
    const [admin, generator, licensor, licensee, other] = motif;
    const licensorAddress = getAddress(licensor!.account.address);
    const licenseeAddress = getAddress(licensee!.account.address);

    await wait(await admin!.registerModel({ owner: getAddress(admin!.account.address), weightsDigest: keccak256(toHex("audit w")), royaltyBps: 0, name: "m", version: "1", cardDigest: keccak256(toHex("audit card")) }));
    const lineage = { contentDigest: keccak256(toHex("audit img")), metadataDigest: keccak256(toHex("md")), metadataCodec: 0x55, modelId: 1, seed: 1n, paramsHash: keccak256(toHex("p")), pdqHash: keccak256(toHex("q")), tileHash: keccak256(toHex("tile")), creator: licensorAddress, recipeId: 0n };
    const request = await generator!.attestLineage({ lineage, to: licensorAddress, royaltyBps: 250, deadline: 2n ** 40n });
    await wait(await generator!.mintCertificates({ requests: [request] }));
    const tokenId = BigInt(lineage.contentDigest);

    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(["FR"]), flags: 1 | 32, currency: "0x0000000000000000000000000000000000000000", unitRoyalty: 7n, unitCap: 9n, renewalPrice: 3n, termsDigest: keccak256(toHex("legal")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 30 * 86400 },
      pricing: { price: parseEther("0.01"), ceiling: parseEther("0.02"), decayWindow: 3600, demandCap: 4 },
      maxUses: 1,
      deadline: now + 3600,
      nonce: 77n,
      licensee: licenseeAddress,
    };
    const signed = await licensor!.signOffer({ offer });
    const chainId = await publicClient.getChainId();
    const viemDigest = hashTypedData({ domain: licensingDomain(chainId, addresses.licensing), types: offerTypes, primaryType: "Offer", message: offer });
    const contractDigest = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "offerDigest", args: [offer] });
    expect(contractDigest).to.equal(viemDigest);

    try {
      await other!.acceptOffer({ signed, maxPrice: parseEther("0.02") });
      expect.fail("another account must be refused");
    } catch (error) {
      expect(error).to.be.instanceOf(MotifContractError);
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingNotOfferLicensee");
    }
    const receipt = await wait(await licensee!.acceptOffer({ signed, maxPrice: parseEther("0.02") }));
    expect(receipt.status).to.equal("success");
    const t = BigInt((await publicClient.getBlock()).timestamp);
    expect((await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "FR", time: t })).licensed).to.equal(true);
  });
});

// Audit of issue 15 (72bc2e7), FINDING 6 (medium, regression of slot reuse): `verifyCertificate`'s
// "licenses" item reads `getLicense` for every `LicenseGranted` id; once a licensee's ended licence
// slot is reused by its next purchase, the old id reads MotifLicensingUnknownLicense and the item
// FAILS, so the certificate fails its own audit after ordinary use (buy, let it end, buy again).
// Expected: the item passes (or warns about the expired licence); a superseded id is history, not
// a failure. This test fails on 72bc2e7.
describe("Audit issue 15: a certificate's audit survives a licensee's reused slot", function () {
  this.timeout(120_000);

  it("verifyCertificate's licenses item does not fail after a licence ended and its slot was reused", async () => {
    const { viem, publicClient, addresses, motif, wait } = await deployedMotif();
    const testClient = await viem.getTestClient();
    const [admin, generator, licensor, licensee] = motif;
    const licensorAddress = getAddress(licensor!.account.address);

    await wait(await admin!.registerModel({ owner: getAddress(admin!.account.address), weightsDigest: keccak256(toHex("audit w6")), royaltyBps: 0, name: "m", version: "1", cardDigest: keccak256(toHex("audit card")) }));
    const lineage = { contentDigest: keccak256(toHex("audit img 6")), metadataDigest: keccak256(toHex("md")), metadataCodec: 0x55, modelId: 1, seed: 1n, paramsHash: keccak256(toHex("p")), pdqHash: keccak256(toHex("q")), tileHash: keccak256(toHex("tile")), creator: licensorAddress, recipeId: 0n };
    const request = await generator!.attestLineage({ lineage, to: licensorAddress, royaltyBps: 250, deadline: 2n ** 40n });
    await wait(await generator!.mintCertificates({ requests: [request] }));
    const tokenId = BigInt(lineage.contentDigest);

    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(["FR"]), flags: 1, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("legal")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 86400 },
      pricing: { price: 0n, ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 5,
      deadline: now + 30 * 86400,
      nonce: 0n,
      licensee: zeroAddress,
    };
    await wait(await licensor!.publishOffer({ offer }));
    await wait(await licensee!.acceptOffer({ offerId: 1n, maxPrice: 0n }));
    await testClient.increaseTime({ seconds: 2 * 86400 }); // the one-day licence ended
    await testClient.mine({ blocks: 1 });
    await wait(await licensee!.acceptOffer({ offerId: 1n, maxPrice: 0n })); // reuses its slot

    // The gateway is unreachable: only the chain-only "licenses" item is looked at.
    const report = await verifyCertificate(publicClient, { addresses, tokenId, gateway: "http://127.0.0.1:9" });
    const licenses = report.items.find((i) => i.id === "licenses");
    expect(licenses, "licenses item").to.not.equal(undefined);
    expect(licenses!.status, `licenses item: ${licenses!.reason ?? ""}`).to.not.equal("failed");
  });
});
