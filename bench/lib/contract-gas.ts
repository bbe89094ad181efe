/**
 * The contract gas figures (transaction gas, 21,000 base included) measured on a fresh in-process
 * chain, in one run so every figure shares the same state: what `npm run bench` prints and what the
 * gas snapshot test (`test/ts/gas-snapshot.test.ts`) holds to `test/gas-snapshot.json`.
 */
import type { NetworkConnection } from "hardhat/types/network";
import { type Address, type Hex, encodeFunctionData, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { LicenseFlags, licenseTerms, productClassMask, certificateDomain, colourwayAttestationTypes, licensingDomain, mintAttestationTypes, offerTypes, type Offer, type MintRequest, modelRegistration } from "@motif/sdk";
import { deployMotif } from "../../scripts/lib/deploy.js";

export type GasRecord = (name: string, value: number | bigint, note: string, goal?: number) => void;

/** Deploys Motif on `connection` and records every tracked figure through `record`. */
export async function measureContractGas(connection: NetworkConnection, record: GasRecord): Promise<void> {
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, attesterWallet, creatorA] = await viem.getWalletClients();
  if (!admin || !attesterWallet || !creatorA) throw new Error("bench needs three accounts");
  const attester = attesterWallet;

  const { registry, certificate, licensing } = await deployMotif(connection, {
    attesters: [attester.account.address],
  });
  await registry.write.registerModel([
    modelRegistration({
      owner: admin.account.address,
      weightsDigest: keccak256(toHex("bench weights")),
      weightsCidDigest: keccak256(toHex("bench weights")),
      weightsCidCodec: 0x55,
      royaltyBps: 500,
      name: "bench-model",
      version: "1",
      cardDigest: keccak256(toHex("bench card")),
    }),
  ]);
  const baseline = await viem.deployContract("OzMintBaseline");
  const chainId = await publicClient.getChainId();

  let counter = 0n;
  const unique = (): Hex => keccak256(toHex(`bench-${counter++}`));
  const freshAccount = (): Address => getAddress(`0x${unique().slice(26)}`);
  const gasOf = async (hash: Hex) => (await publicClient.waitForTransactionReceipt({ hash })).gasUsed;

  async function request(to: Address, creator: Address, signed = true, recipeId = 0n, designId?: bigint): Promise<MintRequest> {
    const message = {
      lineage: {
        contentDigest: unique(),
        metadataDigest: unique(),
        metadataCodec: 0x55,
        modelId: 1,
        seed: 0xfedcba9876543210n,
        paramsHash: unique(),
        pdqHash: unique(),
        tileHash: unique(),
        creator,
        recipeId,
      },
      to,
      royaltyBps: 500,
      deadline: 2n ** 40n,
    };
    const domain = certificateDomain(chainId, certificate.address);
    const signature: Hex = !signed
      ? "0x"
      : designId === undefined
        ? await attester.signTypedData({ domain, types: mintAttestationTypes, primaryType: "MintAttestation", message })
        : await attester.signTypedData({ domain, types: colourwayAttestationTypes, primaryType: "ColourwayAttestation", message: { ...message, designId } });
    return { ...message, signature };
  }

  // Baseline: a bare OpenZeppelin ERC-721 _mint, to a new owner and to an existing one.
  const ozNew = await gasOf(await baseline.write.mint([freshAccount(), 1n]));
  const holder = freshAccount();
  await baseline.write.mint([holder, 2n]);
  const ozExisting = await gasOf(await baseline.write.mint([holder, 3n]));
  record("gas.baseline.ozMint.newOwner", ozNew, "bare OZ ERC721 _mint, recipient with no token");
  record("gas.baseline.ozMint", ozExisting, "bare OZ ERC721 _mint, recipient holding one");

  // Certificates. Warm up the first creator (its one-time id) before the steady-state figures.
  const creator = getAddress(creatorA.account.address);
  const firstCreator = await gasOf(await certificate.write.mint([await request(freshAccount(), creator)]));
  record("gas.certificate.mint.firstCreator", firstCreator, "signed mint, new owner, creator's first certificate");
  const mintNew = await gasOf(await certificate.write.mint([await request(freshAccount(), creator)]));
  record("gas.certificate.mint.newOwner", mintNew, "signed mint with full lineage, new owner");
  const owner = freshAccount();
  await certificate.write.mint([await request(owner, creator)]);
  const mintExisting = await gasOf(await certificate.write.mint([await request(owner, creator)]));
  record("gas.certificate.mint", mintExisting, "signed mint with full lineage, owner holding one");
  const mintByAttester = await gasOf(
    await certificate.write.mint([await request(owner, creator, false)], { account: attester.account }),
  );
  record("gas.certificate.mint.attesterCaller", mintByAttester, "unsigned mint sent by the attester, owner holding one");
  const batch: MintRequest[] = [];
  for (let i = 0; i < 10; i++) batch.push(await request(owner, creator));
  const batch10 = await gasOf(await certificate.write.mintBatch([batch]));
  record("gas.certificate.mintBatch10", batch10, "signed batch of 10, owner holding some");
  record("gas.certificate.mintBatch10.perCertificate", batch10 / 10n, "the batch of 10, per certificate");
  record("ratio.certificate.mint.vsOzMint", round(Number(mintExisting) / Number(ozExisting)), "existing owner", 1.6);
  record("ratio.certificate.mint.newOwner.vsOzMint", round(Number(mintNew) / Number(ozNew)), "new owner", 1.6);
  record(
    "ratio.certificate.mintBatch10.perCertificate.vsOzMint",
    round(Number(batch10 / 10n) / Number(ozExisting)),
    "batched, existing owner",
  );

  // Recipes: the author certifies one (creator id known); a pattern naming it stores one more slot.
  const recipeRegistration = { modelId: 1, recipeDigest: unique(), metadataDigest: unique(), metadataCodec: 0x55, royaltyBps: 250, shareBps: 1500 };
  const recipeGas = await gasOf(await certificate.write.mintRecipe([recipeRegistration], { account: creatorA.account }));
  record("gas.certificate.mintRecipe", recipeGas, "the author certifies a recipe (its creator id known)");
  const recipeId = await certificate.read.recipeIdOf([creatorA.account.address, recipeRegistration.recipeDigest]);
  const fromRecipeGas = await gasOf(await certificate.write.mint([await request(owner, creator, true, recipeId)]));
  record("gas.certificate.mint.fromRecipe", fromRecipeGas, "signed mint of a pattern rendered from a recipe, owner holding one");
  const datasetGas = await gasOf(
    await certificate.write.mintDataset([{ root: unique(), members: 1000, metadataDigest: unique(), metadataCodec: 0x55, royaltyBps: 0, shareBps: 0 }], { account: creatorA.account }),
  );
  record("gas.certificate.mintDataset", datasetGas, "a licensee certifies a dataset (its creator id known)");

  // Licensing. The licensor owns a certificate; payees already hold balances (steady state).
  const licensor = creatorA;
  const licensedRequest = await request(getAddress(licensor.account.address), creator, true, recipeId);
  await certificate.write.mint([licensedRequest]);
  const licensedToken = BigInt(licensedRequest.lineage.contentDigest);
  const eu = [56n, 67n, 74n, 109n].reduce((m, b) => m | (1n << b), 0n); // DE ES FR IT
  const blockTime = Number((await publicClient.getBlock()).timestamp);
  const offer: Offer = {
    terms: licenseTerms({
      tokenId: licensedToken,
      regions: eu,
      flags: 1,
      currency: zeroAddress,
      unitRoyalty: parseEther("0.0001"),
      unitCap: 0n,
      classes: productClassMask(["bedding", "clothing"]), // Nice 24 + 25
      advance: parseEther("0.001"), // recouped by the first 10 units
      salesRoyaltyBps: 500,
      renewalPrice: 0n,
      termsDigest: keccak256(toHex("bench legal text")),
      termsCodec: 0x55,
    }),
    window: { start: 0, end: 0, duration: 90 * 86400 },
    pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: 1000,
    deadline: blockTime + 30 * 86400,
    nonce: 1n,
    licensee: zeroAddress,
  };
  await licensing.write.publishOffer([offer], { account: licensor.account });
  const buyer = async () => {
    const account = freshAccount();
    await connection.provider.request({ method: "hardhat_setBalance", params: [account, toHex(parseEther("10"))] });
    await connection.provider.request({ method: "hardhat_impersonateAccount", params: [account] });
    return account;
  };
  const price = parseEther("0.01");
  const paid = price + offer.terms.advance; // the advance is paid at acceptance, on top of the price
  await licensing.write.acceptOffer([1n, price], { account: await buyer(), value: paid });
  await licensing.write.settle([licensedToken, zeroAddress]); // steady state: payees hold balances
  const buyerA = await buyer();
  const acceptGas = await gasOf(await licensing.write.acceptOffer([1n, price], { account: buyerA, value: paid }));
  record("gas.licensing.acceptOffer", acceptGas, "accept an on-chain offer (ETH) with product classes and an advance, buyer's first license (goal 95k)", 95_000);

  const signedOffer: Offer = { ...offer, nonce: 2n };
  const offerSignature = await licensor.signTypedData({
    domain: licensingDomain(chainId, licensing.address),
    types: offerTypes,
    primaryType: "Offer",
    message: signedOffer,
  });
  const signedFirst = await gasOf(
    await licensing.write.acceptSignedOffer([signedOffer, offerSignature, price], { account: await buyer(), value: paid }),
  );
  record("gas.licensing.acceptSignedOffer.first", signedFirst, "accept a signed offer, first use (stores its terms)");
  const signedRepeat = await gasOf(
    await licensing.write.acceptSignedOffer([signedOffer, offerSignature, price], { account: await buyer(), value: paid }),
  );
  record("gas.licensing.acceptSignedOffer", signedRepeat, "accept a signed offer already used once (goal 96k: as acceptOffer, plus the per-signer state key)", 96_000);

  const probe = await viem.deployContract("LicenseCheckProbe");
  const now = BigInt((await publicClient.getBlock()).timestamp);
  const [checkWarm, licensedWarm] = await probe.read.measure([licensing.address, licensedToken, buyerA, 74n, now, true]);
  const [checkCold] = await probe.read.measure([licensing.address, licensedToken, buyerA, 74n, now, false]);
  if (!licensedWarm) throw new Error("bench: the probe's licensee should be licensed in FR");
  // Execution gas of the view itself: what eth_estimateGas charges beyond the transaction's intrinsic
  // cost (21,000 + calldata), i.e. dispatch, decoding, hashing and the two cold storage reads.
  const checkArgs = [licensedToken, buyerA, 74n, Number(now)] as const;
  const checkData = encodeFunctionData({ abi: licensing.abi, functionName: "isLicensed", args: checkArgs });
  const checkEstimate = await publicClient.estimateGas({ to: licensing.address, data: checkData });
  record(
    "gas.licensing.isLicensed",
    checkEstimate - intrinsicGas(checkData),
    "isLicensed execution (cold storage), estimateGas minus intrinsic",
    6_000,
  );
  record("gas.licensing.isLicensed.fromContract", checkWarm, "the same asked by a contract: + its call and ABI overhead (the goal: what an integrator pays)", 6_000);
  record("gas.licensing.isLicensed.coldAccount", checkCold, "the same as the caller's first touch of the contract");
  const [classWarm, licensedInClass] = await probe.read.measureInClass([licensing.address, licensedToken, buyerA, 74n, 24n, now]);
  if (!licensedInClass) throw new Error("bench: the probe's licensee should be licensed in FR for class 24");
  const classData = encodeFunctionData({ abi: licensing.abi, functionName: "isLicensed", args: [licensedToken, buyerA, 74n, 24, Number(now)] });
  const classEstimate = await publicClient.estimateGas({ to: licensing.address, data: classData });
  record("gas.licensing.isLicensed.inClass", classEstimate - intrinsicGas(classData), "isLicensed with a product class (Nice 24), cold storage, estimateGas minus intrinsic", 6_000);
  // issue 20's goal is the cold check above; from a contract the class costs ~270 gas more than the
  // check without one (two more selector comparisons, the uint8's decoding, the class bit): no goal
  record("gas.licensing.isLicensed.inClass.fromContract", classWarm, "the same asked by a contract");

  const licenseId = await licensing.read.licenseIdOf([licensedToken, buyerA, 0n]);
  const units = 10n;
  const usageValue = units * offer.terms.unitRoyalty;
  // the first 10 units use the advance up (nothing to pay); then the royalty is charged
  await licensing.write.reportUsage([licenseId, buyerA, 74n, 24, units, 0n], { account: buyerA });
  const usageGas = await gasOf(
    await licensing.write.reportUsage([licenseId, buyerA, 56n, 24, units, 0n], { account: buyerA, value: usageValue }),
  );
  record("gas.licensing.reportUsage", usageGas, "report 10 units of class 24 and pay their royalty (ETH), the advance used up", 50_000);
  const sales = parseEther("2");
  const salesValue = (sales * 500n) / 10_000n;
  await licensing.write.reportUsage([licenseId, buyerA, 74n, 25, 0n, sales], { account: buyerA, value: salesValue });
  const salesGas = await gasOf(
    await licensing.write.reportUsage([licenseId, buyerA, 56n, 25, 0n, sales], { account: buyerA, value: salesValue }),
  );
  record("gas.licensing.reportSales", salesGas, "report 2 ETH of net sales of class 25 and pay the 5% royalty (ETH), the advance used up", 50_000);
  const settleGas = await gasOf(await licensing.write.settle([licensedToken, zeroAddress]));
  record("gas.licensing.settle", settleGas, "split a pattern's pending revenue (owner, model owner, recipe owner, fee)");
  const withdrawGas = await gasOf(await licensing.write.withdraw([zeroAddress], { account: licensor.account }));
  record("gas.licensing.withdraw", withdrawGas, "withdraw ETH owed to the certificate owner");

  // Colourways (issue 20 §1), measured last so the figures above keep their state. The licensor
  // mints a colourway of the licensed pattern (a signed request sent by the design's owner).
  const colourwayRequest = await request(getAddress(licensor.account.address), creator, true, 0n, licensedToken);
  const colourwayGas = await gasOf(
    await certificate.write.mintColourway([colourwayRequest, licensedToken], { account: licensor.account }),
  );
  record("gas.certificate.mintColourway", colourwayGas, "signed mint of a colourway, sent by its design's owner (holding some)");
  const colourway = BigInt(colourwayRequest.lineage.contentDigest);
  const colourwayOffer: Offer = { ...offer, terms: { ...offer.terms, tokenId: colourway } };
  await licensing.write.publishOffer([colourwayOffer], { account: licensor.account });
  const colourwayOfferId = await licensing.read.lastOfferId();
  await licensing.write.acceptOffer([colourwayOfferId, price], { account: await buyer(), value: paid });
  const colourwayAccept = await gasOf(
    await licensing.write.acceptOffer([colourwayOfferId, price], { account: await buyer(), value: paid }),
  );
  record("gas.licensing.acceptOffer.colourway", colourwayAccept, "accept a colourway's on-chain offer (as acceptOffer; the grant is booked in its design's exclusivity book)");
  // A licence of the design whose terms cover all its colourways answers for the colourway.
  const familyOffer: Offer = { ...offer, terms: { ...offer.terms, flags: 1 | LicenseFlags.ALL_COLOURWAYS } };
  await licensing.write.publishOffer([familyOffer], { account: licensor.account });
  const familyLicensee = await buyer();
  await licensing.write.acceptOffer([await licensing.read.lastOfferId(), price], { account: familyLicensee, value: paid });
  const at = Number((await publicClient.getBlock()).timestamp);
  const viaDesignData = encodeFunctionData({ abi: licensing.abi, functionName: "isLicensed", args: [colourway, familyLicensee, 74n, at] });
  const [viaDesign] = await publicClient.readContract({ address: licensing.address, abi: licensing.abi, functionName: "isLicensed", args: [colourway, familyLicensee, 74n, at] });
  if (!viaDesign) throw new Error("bench: the design's all-colourways licence should cover the colourway in FR");
  const viaDesignGas = (await publicClient.estimateGas({ to: licensing.address, data: viaDesignData })) - intrinsicGas(viaDesignData);
  record("gas.licensing.isLicensed.viaDesign", viaDesignGas, "isLicensed of a colourway through its design's all-colourways licence (the miss path: designOf, then the design's licence), estimateGas minus intrinsic");
  const missData = encodeFunctionData({ abi: licensing.abi, functionName: "isLicensed", args: [licensedToken, freshAccount(), 74n, at] });
  const missGas = (await publicClient.estimateGas({ to: licensing.address, data: missData })) - intrinsicGas(missData);
  record("gas.licensing.isLicensed.notLicensed", missGas, "isLicensed of a pattern nobody licensed to the account (the miss path now asks the certificate's designOf), estimateGas minus intrinsic");

  // Families have one owner: a design's transfer carries its colourways; other transfers pay one read.
  const secondRequest = await request(getAddress(licensor.account.address), creator, true, 0n, licensedToken);
  const secondGas = await gasOf(await certificate.write.mintColourway([secondRequest, licensedToken], { account: licensor.account }));
  record("gas.certificate.mintColourway.second", secondGas, "signed mint of a design's second colourway (the design's list already started)");
  const plainRequest = await request(getAddress(licensor.account.address), creator);
  await certificate.write.mint([plainRequest]);
  const licensorAddress = getAddress(licensor.account.address);
  const plainTransfer = await gasOf(
    await certificate.write.transferFrom([licensorAddress, owner, BigInt(plainRequest.lineage.contentDigest)], { account: licensor.account }),
  );
  record("gas.certificate.transfer", plainTransfer, "transferFrom of a certificate outside any family, to an account holding some");
  const familyTransfer = await gasOf(
    await certificate.write.transferFrom([licensorAddress, owner, licensedToken], { account: licensor.account }),
  );
  record("gas.certificate.transfer.designWith2Colourways", familyTransfer, "transferFrom of a design with two colourways: all three move (a Transfer event each)");
}

/** Intrinsic gas of a call with `data`: 21,000 + 16 per non-zero and 4 per zero calldata byte. */
function intrinsicGas(data: Hex): bigint {
  let gas = 21_000n;
  for (let i = 2; i < data.length; i += 2) gas += data.slice(i, i + 2) === "00" ? 4n : 16n;
  return gas;
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
