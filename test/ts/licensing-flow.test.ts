import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { network } from "hardhat";
import { type Hex, getAddress, hashTypedData, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { licenseTerms, licensingDomain, offerTypes, LicenseFlags, type Offer, modelRegistration } from "@motif/sdk";
import { deployMotif } from "../../scripts/lib/deploy.js";

const table = JSON.parse(
  readFileSync(path.join(process.cwd(), "sdk", "src", "regions", "regions-v1.json"), "utf8"),
) as { regions: { alpha2: string; bit: number }[] };
const bit = (alpha2: string): number => {
  const r = table.regions.find((x) => x.alpha2 === alpha2);
  if (r === undefined) throw new Error(`unknown region ${alpha2}`);
  return r.bit;
};
const maskOf = (...codes: string[]): bigint => codes.reduce((m, c) => m | (1n << BigInt(bit(c))), 0n);

describe("licensing: signed offer → accept → isLicensed → usage → withdraw", function () {
  it("enforces regions and pays the split, with an offer signed by the licensor's wallet", async function () {
    const connection = await network.create();
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [admin, generator, licensorWallet, licenseeWallet] = await viem.getWalletClients();
    if (!admin || !generator || !licensorWallet || !licenseeWallet) throw new Error("need four accounts");
    const licensor = getAddress(licensorWallet.account.address);
    const licensee = getAddress(licenseeWallet.account.address);
    const modelOwner = getAddress(admin.account.address);

    const { registry, certificate, licensing } = await deployMotif(connection, {
      attesters: [generator.account.address],
    });
    await registry.write.registerModel([
      modelRegistration({
        owner: modelOwner,
        weightsDigest: keccak256(toHex("weights")),
        weightsCidDigest: keccak256(toHex("weights")),
        weightsCidCodec: 0x55,
        royaltyBps: 1000,
        name: "motif-cppn-madder",
        version: "2.0.0",
        cardDigest: keccak256(toHex("madder card")),
      }),
    ]);
    const contentDigest = keccak256(toHex("png bytes"));
    await certificate.write.mint(
      [
        {
          lineage: {
            contentDigest,
            metadataDigest: keccak256(toHex("metadata")),
            metadataCodec: 0x55,
            modelId: 1,
            seed: 7n,
            paramsHash: keccak256(toHex("{}")),
            pdqHash: keccak256(toHex("pdq")),
            tileHash: keccak256(toHex("tile")),
            creator: licensor,
            recipeId: 0n,
          },
          to: licensor,
          royaltyBps: 500,
          deadline: 2n ** 40n,
          signature: "0x",
        },
      ],
      { account: generator.account },
    );
    const tokenId = BigInt(contentDigest);

    // The licensor signs a 90-day EU offer in its wallet (no transaction).
    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({
        tokenId,
        regions: maskOf("DE", "ES", "FR", "IT"),
        flags: LicenseFlags.COMMERCIAL,
        currency: zeroAddress,
        unitRoyalty: parseEther("0.001"),
        unitCap: 1000n,
        renewalPrice: 0n,
        termsDigest: keccak256(toHex("legal text")),
        termsCodec: 0x55,
      }),
      window: { start: 0, end: 0, duration: 90 * 86400 },
      pricing: { price: parseEther("1"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 5,
      deadline: now + 86400,
      nonce: 1n,
      licensee: zeroAddress,
    };
    const chainId = await publicClient.getChainId();
    const typedData = {
      domain: licensingDomain(chainId, licensing.address),
      types: offerTypes,
      primaryType: "Offer",
      message: offer,
    } as const;
    const signature: Hex = await licensorWallet.signTypedData(typedData);
    expect(await licensing.read.offerDigest([offer])).to.equal(hashTypedData(typedData));

    // The licensee accepts from its wallet, bounding the price.
    const hash = await licensing.write.acceptSignedOffer([offer, signature, parseEther("1")], {
      account: licenseeWallet.account,
      value: parseEther("1"),
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).to.equal("success");
    const [granted] = await licensing.getEvents.LicenseGranted({}, { fromBlock: receipt.blockNumber });
    const licenseId = granted!.args.licenseId!;
    expect(granted!.args.licensee).to.equal(licensee);

    const t = Number((await publicClient.getBlock()).timestamp);
    expect(await licensing.read.isLicensed([tokenId, licensee, BigInt(bit("FR")), t])).to.deep.equal([true, licenseId]);
    expect(await licensing.read.isLicensed([tokenId, licensee, BigInt(bit("US")), t])).to.deep.equal([false, 0n]);
    try {
      await licensing.read.requireLicensed([tokenId, licensee, BigInt(bit("US")), t]);
      expect.fail("US is outside the offer");
    } catch (error) {
      expect(String(error)).to.contain("MotifLicensingRegionNotAllowed");
    }

    // Usage in France: 25 units at 0.001 ETH, split 90/10 with the model owner.
    await licensing.write.reportUsage([licenseId, licensee, BigInt(bit("FR")), 24, 25n, 0n], {
      account: licenseeWallet.account,
      value: parseEther("0.025"),
    });
    const usage = await licensing.getEvents.UsageReported({ licenseId }, { fromBlock: receipt.blockNumber });
    expect(usage.map((e) => e.args.units)).to.deep.equal([25n]);
    expect(await licensing.read.pending([tokenId, zeroAddress])).to.equal(parseEther("1.025"));
    await licensing.write.settle([tokenId, zeroAddress]);
    expect(await licensing.read.owed([licensor, zeroAddress])).to.equal(parseEther("0.9225"));
    expect(await licensing.read.owed([modelOwner, zeroAddress])).to.equal(parseEther("0.1025"));

    const before = await publicClient.getBalance({ address: licensor });
    const wHash = await licensing.write.withdraw([zeroAddress], { account: licensorWallet.account });
    const wReceipt = await publicClient.waitForTransactionReceipt({ hash: wHash });
    const after = await publicClient.getBalance({ address: licensor });
    expect(after - before + wReceipt.gasUsed * wReceipt.effectiveGasPrice).to.equal(parseEther("0.9225"));
  });
});
