import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import {
  licenseTerms,
  MotifContractError,
  REGIONS,
  UnknownRegionError,
  WORLDWIDE,
  motifActions,
  region,
  regionBit,
  regionMask,
  regionsOf,
  type MotifEventLog,
  type Offer,
} from "@motif/sdk";
import { deployedMotif } from "../../test/ts/helpers/deployed.js";

describe("SDK: regions helper", () => {
  it("maps alpha-2, alpha-3 and numeric codes to the frozen bit index and back", () => {
    expect(regionBit("FR")).to.equal(74);
    expect(regionBit("fra")).to.equal(74);
    expect(regionBit("250")).to.equal(74);
    expect(region(74).alpha2).to.equal("FR");
    expect(regionsOf(regionMask(["US", "DE", "FR"])).map((r) => r.alpha2)).to.deep.equal(["DE", "FR", "US"]);
    expect(regionsOf(WORLDWIDE)).to.have.length(249);
    expect(REGIONS).to.have.length(249);
  });

  it("throws a typed error for unknown codes and reserved bits", () => {
    for (const bad of ["XX", "ZZZ", "999", 249, -1, 1.5] as const) {
      expect(() => regionBit(bad), String(bad)).to.throw(UnknownRegionError);
    }
    expect(() => regionsOf(1n << 250n)).to.throw(UnknownRegionError);
  });
});

describe("SDK: the publishable package (@motif/sdk, built by npm run build)", () => {
  it("exports the actions from dist/ with type declarations, loadable by plain Node", async () => {
    const pkg = JSON.parse(readFileSync(path.join(process.cwd(), "sdk", "package.json"), "utf8"));
    expect(pkg.name).to.equal("@motif/sdk");
    expect(pkg.exports["."]).to.deep.equal({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    const { execFileSync } = await import("node:child_process");
    const out = execFileSync("node", ["-e", 'import("./sdk/dist/index.js").then(m => console.log(typeof m.motifActions, typeof m.isLicensed, m.regionBit("FR")))'], {
      cwd: process.cwd(),
      encoding: "utf8",
    });
    expect(out.trim()).to.equal("function function 74");
    expect(readFileSync(path.join(process.cwd(), "sdk", "dist", "index.d.ts"), "utf8")).to.contain("motifActions");
  });
});

describe("SDK: the browser entry imports nothing Node-only", () => {
  it("reaches no node: or built-in module from sdk/src/index.ts", () => {
    const builtins = /^(node:|fs$|path$|os$|crypto$|child_process$|http$|https$|net$|zlib$|url$|stream$)/;
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, "utf8");
      for (const m of source.matchAll(/(?:import|export)[^"']*?from\s+["']([^"']+)["']/g)) {
        const spec = m[1]!;
        expect(builtins.test(spec), `${path.relative(process.cwd(), file)} imports ${spec}`).to.equal(false);
        if (spec.startsWith(".") && !spec.endsWith(".json")) visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts")));
      }
    };
    visit(path.join(process.cwd(), "sdk", "src", "index.ts"));
    expect(seen.size).to.be.greaterThan(10);
  });
});

describe("SDK: register → mint → sign offer → accept → isLicensed → usage → withdraw", function () {
  this.timeout(120_000);

  it("runs the licensing story through the decorated clients, with typed errors", async () => {
    const { viem, publicClient, certificate, addresses, motif, wait } = await deployedMotif();
    const [admin, , licensor, licensee] = [motif[0]!, motif[1]!, motif[2]!, motif[3]!];
    const reader = publicClient.extend(motifActions({ addresses }));

    const weights = keccak256(toHex("sdk weights"));
    await wait(await admin.registerModel({ owner: getAddress(admin.account.address), weightsDigest: weights, royaltyBps: 1000, name: "sdk-model", version: "1", cardDigest: keccak256(toHex("sdk-model card")) }));
    expect(await reader.getModel({ modelId: 1 })).to.include({ status: "active", royaltyBps: 1000, name: "sdk-model" });
    try {
      await admin.registerModel({ owner: getAddress(admin.account.address), weightsDigest: weights, royaltyBps: 1, name: "again", version: "1", cardDigest: keccak256(toHex("again card")) });
      expect.fail("duplicate weights must be refused");
    } catch (error) {
      expect(error).to.be.instanceOf(MotifContractError);
      expect((error as MotifContractError).errorName).to.equal("MotifModelRegistryDuplicateWeights");
      expect((error as MotifContractError).args).to.deep.equal([weights, 1]);
    }

    // A certificate owned by the licensor (minted by the attester directly).
    const contentDigest = keccak256(toHex("sdk pattern"));
    const licensorAddress = getAddress(licensor.account.address);
    await wait(
      await certificate.write.mint(
        [
          {
            lineage: { contentDigest, metadataDigest: keccak256(toHex("meta")), metadataCodec: 0x55, modelId: 1, seed: 9n, paramsHash: keccak256(toHex("{}")), pdqHash: keccak256(toHex("pdq")), tileHash: keccak256(toHex("tile")), creator: licensorAddress, recipeId: 0n },
            to: licensorAddress,
            royaltyBps: 300,
            deadline: 2n ** 40n,
            signature: "0x",
          },
        ],
        { account: motif[1]!.account },
      ),
    );
    const tokenId = BigInt(contentDigest);
    const cert = await reader.getCertificate({ tokenId });
    expect(cert.owner).to.equal(licensorAddress);
    expect(cert.lineage.seed).to.equal(9n);

    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(["DE", "FR", "IT", "ES"]), flags: 1, currency: zeroAddress, unitRoyalty: parseEther("0.001"), unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("legal")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 30 * 86400 },
      pricing: { price: parseEther("1"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 3,
      deadline: now + 3600,
      nonce: 1n,
      licensee: zeroAddress,
    };
    const signed = await licensor.signOffer({ offer });
    const receipt = await wait(await licensee.acceptOffer({ signed, maxPrice: parseEther("1.5") }));
    expect(receipt.status).to.equal("success");
    const licenseeAddress = getAddress(licensee.account.address);
    const t = BigInt((await publicClient.getBlock()).timestamp);
    const fr = await reader.isLicensed({ tokenId, licensee: licenseeAddress, region: "FR", time: t });
    expect(fr.licensed).to.equal(true);
    expect((await reader.isLicensed({ tokenId, licensee: licenseeAddress, region: "USA", time: t })).licensed).to.equal(false);
    expect((await reader.isLicensed({ tokenId, licensee: licenseeAddress, region: "FR", time: t + 31n * 86400n })).licensed).to.equal(false);
    try {
      await reader.requireLicensed({ tokenId, licensee: licenseeAddress, region: "US", time: t });
      expect.fail("US is outside the license");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingRegionNotAllowed");
      expect((error as MotifContractError).args).to.deep.equal([fr.licenseId, BigInt(regionBit("US"))]);
    }

    await wait(await licensee.reportUsage({ licenseId: fr.licenseId, licensee: licenseeAddress, region: "DE", productClass: 24, units: 10n }));
    try {
      await licensee.reportUsage({ licenseId: fr.licenseId, licensee: licenseeAddress, region: "JP", productClass: 24, units: 1n });
      expect.fail("JP is outside the license");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingRegionNotAllowed");
    }

    // Sale 1 ETH (0.5 ETH excess credited back to the licensee) + usage 0.01 ETH, 10% to the model owner.
    const w = await wait(await licensor.withdraw({ settle: [tokenId] }));
    const licensing = await viem.getContractAt("MotifLicensing", addresses.licensing);
    const [withdrawn] = await licensing.getEvents.Withdrawn({ account: licensorAddress }, { fromBlock: w.blockNumber, toBlock: w.blockNumber });
    expect(withdrawn!.args.amount).to.equal(parseEther("0.909"));
    await wait(await licensee.withdraw());
    try {
      await licensee.withdraw();
      expect.fail("nothing left to withdraw");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingNothingOwed");
    }
  });
});

describe("SDK: attest → mint, published offers, renewal, revocation, deprecation", function () {
  this.timeout(120_000);

  it("covers the remaining write actions and their typed errors", async () => {
    const { publicClient, motif, wait } = await deployedMotif();
    const [admin, generator, licensor, licensee] = motif;
    const licensorAddress = getAddress(licensor!.account.address);
    const licenseeAddress = getAddress(licensee!.account.address);

    await wait(await admin!.registerModel({ owner: getAddress(admin!.account.address), weightsDigest: keccak256(toHex("w2")), royaltyBps: 0, name: "m", version: "1", cardDigest: keccak256(toHex("w2 card")) }));
    const lineage = { contentDigest: keccak256(toHex("img")), metadataDigest: keccak256(toHex("md")), metadataCodec: 0x55, modelId: 1, seed: 1n, paramsHash: keccak256(toHex("p")), pdqHash: keccak256(toHex("q")), tileHash: keccak256(toHex("tile")), creator: licensorAddress, recipeId: 0n };
    const request = await generator!.attestLineage({ lineage, to: licensorAddress, royaltyBps: 250, deadline: 2n ** 40n });
    await wait(await licensee!.mintCertificates({ requests: [request] })); // anyone may submit an attested mint
    try {
      await licensee!.mintCertificates({ requests: [request] });
      expect.fail("replayed attestation");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifCertificateDuplicateContent");
      expect((error as MotifContractError).args).to.deep.equal([lineage.contentDigest]);
    }
    const tokenId = BigInt(lineage.contentDigest);
    expect((await licensor!.getCertificate({ tokenId })).owner).to.equal(licensorAddress);

    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(["JP"]), flags: 64 | 16, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: parseEther("0.1"), termsDigest: keccak256(toHex("legal")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 86400 },
      pricing: { price: parseEther("0.2"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 2,
      deadline: now + 3600,
      nonce: 0n,
      licensee: zeroAddress,
    };
    await wait(await licensor!.publishOffer({ offer }));
    try {
      await licensee!.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.1") });
      expect.fail("price above max");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingPriceAboveMax");
      expect((error as MotifContractError).args).to.deep.equal([parseEther("0.2"), parseEther("0.1")]);
    }
    try {
      await licensee!.acceptOffer({ offerId: 9n, maxPrice: 1n });
      expect.fail("unknown offer");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingUnknownOffer");
    }
    // A watcher started before the grant sees it, decoded, once.
    const grantsSeen: MotifEventLog[] = [];
    const unwatchGrants = licensor!.watchMotifEvents({ kind: "licenses", pollingInterval: 50, onLogs: (logs) => grantsSeen.push(...logs) });
    await wait(await licensee!.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.2") }));
    for (let i = 0; i < 100 && grantsSeen.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
    unwatchGrants();
    expect(grantsSeen.map((g) => [g.eventName, g.args.licensee])).to.deep.equal([["LicenseGranted", licenseeAddress]]);
    const t = BigInt((await publicClient.getBlock()).timestamp);
    const { licenseId } = await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "JP", time: t });
    await wait(await licensee!.renewLicense({ licenseId, maxPrice: parseEther("0.1") }));
    expect((await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "JP", time: t + 86400n + 10n })).licensed).to.equal(true);
    try {
      await licensee!.renewLicense({ licenseId, maxPrice: parseEther("0.1") });
      expect.fail("a second renewal at once would stack a period ahead");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingRenewalTooEarly");
    }
    // A transfer is only a proposal until the recipient takes it; the licensee can withdraw it.
    const generatorAddress = getAddress(generator!.account.address);
    await wait(await licensee!.transferLicense({ licenseId, to: generatorAddress }));
    expect((await licensee!.isLicensed({ tokenId, licensee: generatorAddress, region: "JP", time: t })).licensed).to.equal(false);
    await wait(await licensee!.transferLicense({ licenseId, to: zeroAddress }));
    try {
      await generator!.acceptLicenseTransfer({ licenseId });
      expect.fail("withdrawn proposal");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingNoTransferPending");
    }
    // A flag raised in error is cleared by the arbiter.
    await wait(await admin!.flagBreach({ licenseId, evidenceDigest: keccak256(toHex("mistake")) }));
    await wait(await admin!.clearBreach({ licenseId }));
    // The signer cancels its own signed offer.
    const signedOffer = await licensor!.signOffer({ offer: { ...offer, nonce: 5n } });
    await wait(await licensor!.cancelSignedOffer({ offer: signedOffer.offer }));
    try {
      await licensee!.acceptOffer({ signed: signedOffer, maxPrice: parseEther("0.2") });
      expect.fail("cancelled signed offer");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingOfferCancelled");
    }

    try {
      await licensor!.revokeLicense({ licenseId });
      expect.fail("revocation needs a flagged breach");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifLicensingBreachNotFlagged");
    }
    await wait(await admin!.flagBreach({ licenseId, evidenceDigest: keccak256(toHex("evidence")) }));
    await wait(await licensor!.revokeLicense({ licenseId }));
    expect((await licensee!.isLicensed({ tokenId, licensee: licenseeAddress, region: "JP", time: t })).licensed).to.equal(false);

    // Royalty, edit log and typed event queries.
    expect(await licensor!.royaltyInfo({ tokenId, salePrice: 10_000n })).to.deep.equal({ receiver: licensorAddress, amount: 250n });
    const step = keccak256(toHex("recolour"));
    await wait(await licensor!.logEdit({ tokenId, stepDigest: step }));
    expect((await licensor!.getCertificate({ tokenId })).editHead).to.equal(keccak256(`0x${"00".repeat(32)}${step.slice(2)}`));
    try {
      await licensee!.logEdit({ tokenId, stepDigest: step });
      expect.fail("only the owner logs edits");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifCertificateNotOwnerOrApproved");
    }
    const mints = await licensor!.getMotifEvents({ kind: "mints" });
    expect(mints).to.have.length(1);
    const grants = await licensor!.getMotifEvents({ kind: "licenses" });
    expect(grants.map((g) => g.args.licensee)).to.deep.equal([licenseeAddress]);

    await wait(await admin!.deprecateModel({ modelId: 1 }));
    expect((await admin!.getModel({ modelId: 1 })).status).to.equal("deprecated");
    const late = await generator!.attestLineage({ lineage: { ...lineage, contentDigest: keccak256(toHex("img2")) }, to: licensorAddress, royaltyBps: 0, deadline: 2n ** 40n });
    try {
      await generator!.mintCertificates({ requests: [late] });
      expect.fail("deprecated model");
    } catch (error) {
      expect((error as MotifContractError).errorName).to.equal("MotifCertificateModelNotActive");
    }
  });
});
