/**
 * The whole Motif story against a running stack, step by step, as data for a report:
 * register a model → generate a batch (one deliberate near-duplicate is refused) → pin → mint →
 * an exclusive EU offer for 90 days and a non-exclusive worldwide signed offer → licensees accept →
 * usage in an allowed region succeeds and elsewhere is refused with its reason → a textile-grade
 * deal (bedding only, exclusive in the EU for two years, an advance recouped before 5% of net sales is
 * paid) → royalties split and
 * withdrawn → the worldwide licensee exports a training dataset (only patterns licensed for AI
 * training) → an auditor verifies a certificate, re-render included.
 */
import { createHash } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Account, type Address, type Chain, type Hex, type PublicClient, type Transport, type WalletClient, createWalletClient, formatEther, http, getAddress, keccak256, parseEther, stringify, toHex, zeroAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

import { brandModelCard, buildCppnModel } from "../../generator/src/model/cppn.js";
import { addModel } from "../../generator/src/model/manifest.js";
import type { BrandSpec } from "../../generator/src/model/cppn.js";
import { decodeImage, pdqHashImage } from "../../generator/src/pdq/index.js";
import { type PatternResult, type PipelineConfig, runPipeline } from "../../generator/src/pipeline.js";
import { commonColours } from "../../generator/src/render/recolour.js";
import { rerender } from "../../generator/src/render/rerender.js";
import { exportDataset } from "../../generator/src/dataset/export.js";
import { STUDIO_QUICK, retrainWeightsDigest, swatchFile, trainStudioModel } from "../../generator/src/train/studio.js";
import { CID } from "multiformats/cid";
import { certifyDataset, certifyRecipe } from "../../generator/src/certify.js";
import { recipeBytes, validateRecipe } from "../../generator/src/recipe/recipe.js";
import { RecipeRefusedError } from "../../generator/src/stages/recipe.js";
import { fingerprint } from "../../generator/src/stages/fingerprint.js";
import { screen } from "../../generator/src/screen/screen.js";
import sharp from "sharp";
import { getEventLogs, licenseTerms, termsInWords, productClassesInWords, regionsInWords, bpsInWords, niceClass, productClassMask, EU_MEMBERS, LicenseFlags, addressesOf, MotifContractError, type Offer, type VerificationReport, type VerificationStatus, WORLDWIDE, explainMotifError, motifActions, motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi, recipeIdOf, region, regionMask, verifyCertificate, verifyDataset, tokenIdHex, encodeModelCard, trainingLineageOf } from "@motif/sdk";
import type { DeploymentRecord } from "../../generator/src/deployment.js";

type Wallet = WalletClient<Transport, Chain | undefined, Account>;

export type StoryContext = {
  publicClient: PublicClient;
  /** #0 admin, #1 generator (attester and creator); more are made and funded when missing. */
  wallets: Wallet[];
  deployment: DeploymentRecord;
  /** The stack's pipeline: store, pin queue, index and the generator's keys. */
  pipeline: PipelineConfig;
  gateway: string;
  /** The chain's JSON-RPC URL (for accounts the demo makes itself). */
  rpcUrl: string;
  /** Where the demo writes its fine-tuned model. */
  workDir: string;
  /** Seeds start here (a new run makes new patterns; default: from the clock). */
  seed?: bigint;
  patterns?: number;
  size?: number;
  progress?: (event: { step: string; done: number; total: number; label: string }) => void;
};

export type StoryReport = {
  chainId: number;
  accounts: { admin: Address; generator: Address; studio: Address; licenseeEu: Address; licenseeWorld: Address };
  model: { name: string; id: number; weightsDigest: Hex; weightsCid: string; owner: Address; royaltyBps: number; newlyRegistered: boolean };
  /** The seed asked for, and the first one used (later when an earlier run on this chain used it). */
  seeds: { requested: string; first: string };
  batch: Array<{ label: string; seed: string; status: PatternResult["status"]; tokenId?: Hex; imageCid?: string; metadataCid?: string; refusedBecause?: { label: string; distance: number } }>;
  /** Copies of pattern 1 a copier would try (another tile origin, rotated): each refused, by which signal. */
  copies: Array<{ label: string; cleared: boolean; match?: { signal: string; label: string; distance: number; transform: string } }>;
  offers: {
    exclusiveEu: { offerId: string; tokenId: Hex; regions: number; days: number; price: string; licensee: Address; otherBuyerRefused: string };
    worldwide: { digest: Hex; tokenId: Hex; regions: number; price: string } };
  licenses: { eu: { licenseId: string; licensee: Address }; world: { licenseId: string; licensee: Address } };
  usage: { allowed: { region: string; units: string; royaltyPaid: string }; refused: { region: string; error: string; args: string[]; reason: string } };
  /**
   * A textile-grade deal: the studio licenses a pattern of its own for bedding (Nice 24) only,
   * exclusively in the EU for two years, with an advance and a royalty on net sales; the mill reports
   * units and net sales, the advance is recouped first and then royalties are paid.
   */
  textile: {
    tokenId: Hex;
    offerId: string;
    licensor: Address;
    licensee: Address;
    licenseId: Hex;
    classes: string;
    regions: string;
    days: number;
    price: string;
    advance: string;
    salesRoyalty: string;
    /** What the mill paid at acceptance: the price and the advance. */
    paidAtAcceptance: string;
    /** The terms in words, as the web page and the CLI say them. */
    terms: string[];
    /** isLicensed with a product class: bedding yes, clothing no. */
    licensedFor: { bedding: boolean; clothing: boolean };
    /** A colourway of the design (its commonest colours recoloured), minted into its family: the all-colourways licence covers it. */
    colourway: { tokenId: Hex; designId: Hex; map: string[]; licensedForBedding: boolean };
    reports: Array<{ region: string; niceClass: number; units: string; netSales: string; royalty: string; fromAdvance: string; paid: string; advanceRemaining: string }>;
    netSalesTotal: string;
  };
  royalties: { settled: Array<{ tokenId: Hex; total: string; owner: string; model: string; recipe: string; protocol: string }>; withdrawn: Array<{ who: string; amount: string }> };
  recipe: {
    recipeId: Hex;
    name: string;
    author: Address;
    shareBps: number;
    newlyCertified: boolean;
    licensee: Address;
    refused: { licensee: Address; region: string; reason: string };
    pattern: Hex;
    split: { total: string; owner: string; model: string; recipe: string; protocol: string };
  };
  dataset: { root: Hex; manifestCid: string; members: Hex[]; refused: Array<{ tokenId: Hex; reason: string }>; verified: boolean; datasetId: Hex; certifiedBy: Address };
  /** A model trained on the dataset by the studio (licensed for AI training), its pattern, and the sale paying the dataset's curator. */
  trainedModel: {
    name: string;
    id: number;
    newlyRegistered: boolean;
    weightsDigest: Hex;
    cardDigest: Hex;
    palette: string[];
    training: { datasetId: Hex; dataRoot: Hex; members: number; configDigest: Hex; trainer: string; steps: number; seconds: number };
    trainingLicence: { licensee: Address; price: string };
    pattern: Hex;
    split: { total: string; owner: string; model: string; recipe: string; dataset: string; protocol: string };
    curator: Address;
    audit: { passed: boolean; summary: string; chain: Array<{ id: string; status: VerificationStatus; reason?: string; evidence: Record<string, unknown> }> };
  };
  audit: {
    tokenId: Hex;
    passed: boolean;
    summary: string;
    notChecked: Array<{ id: string; reason: string }>;
    warnings: Array<{ id: string; reason: string }>;
    items: Array<{ id: string; title: string; status: VerificationStatus; reason?: string; evidence: Record<string, unknown> }>;
  };
};

/** The demo's "fine-tuned" model: a studio's own brand, registered and owned by the studio. */
export const DEMO_BRAND: BrandSpec = {
  name: "saffron",
  version: "1.0.0",
  weightSeed: 0x5aff,
  palette: [
    [244, 196, 48],
    [214, 122, 32],
    [150, 40, 30],
    [250, 238, 210],
    [40, 60, 80],
  ],
};

const hexId = tokenIdHex;
// ids (licence ids are 256-bit) in 0x hex, small numbers (a region bit) in decimal
const jsonArgs = (args: readonly unknown[]) => args.map((a) => (typeof a === "bigint" ? (a < 2n ** 53n ? a.toString() : tokenIdHex(a)) : String(a)));

export async function runStory(ctx: StoryContext): Promise<StoryReport> {
  const { publicClient, deployment } = ctx;
  const addresses = addressesOf(deployment);
  const wait = async (hash: Hex) => {
    const r = await publicClient.waitForTransactionReceipt({ hash });
    if (r.status !== "success") throw new Error(`transaction ${hash} reverted`);
    return r;
  };
  const wallets = [...ctx.wallets];
  // Five roles; on a chain with fewer funded accounts, fresh ones are funded by the admin.
  while (wallets.length < 5) {
    const account = privateKeyToAccount(generatePrivateKey());
    const funder = wallets[0]!;
    // enough for every role's payments in the story (the EU licensee's: two licences, an advance, royalties) and their gas
    await wait(await funder.sendTransaction({ account: funder.account, chain: funder.chain, to: account.address, value: parseEther("1") }));
    // a hosted RPC's rate limit (HTTP 429) is waited out: viem retries with a doubling delay (0.2 s … 6.4 s)
    wallets.push(createWalletClient({ account, chain: funder.chain, transport: http(ctx.rpcUrl, { retryCount: 6, retryDelay: 200 }) }));
  }
  const [admin, generator, studio, licenseeEu, licenseeWorld] = wallets.slice(0, 5).map((w) => w.extend(motifActions({ addresses })));
  const addr = (w: { account: Account }) => getAddress(w.account.address);
  const progress = ctx.progress ?? (() => {});

  // 1. A studio registers its fine-tuned model (weights pinned to IPFS, the owner shares royalties).
  const weights = buildCppnModel(DEMO_BRAND);
  const weightsDigest: Hex = `0x${createHash("sha256").update(weights).digest("hex")}`;
  const modelsDir = path.join(ctx.workDir, "models");
  await mkdir(modelsDir, { recursive: true });
  const manifestEntry = await addModel(modelsDir, brandModelCard(DEMO_BRAND, weights), weights);
  const weightsCid = await ctx.pipeline.store.add(weights);
  await ctx.pipeline.store.add(await readFile(path.join(modelsDir, manifestEntry.card)));
  let modelId = await publicClient.readContract({ address: addresses.registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [weightsDigest] });
  const newlyRegistered = modelId === 0;
  if (newlyRegistered) {
    await wait(await admin!.registerModel({ owner: addr(studio!), weightsDigest, royaltyBps: 1000, name: DEMO_BRAND.name, version: DEMO_BRAND.version, cardDigest: manifestEntry.cardDigest }));
    modelId = await publicClient.readContract({ address: addresses.registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [weightsDigest] });
  }
  const model = await admin!.getModel({ modelId });

  // 2. Generate a batch; the last request is the first pattern with its sharpness nudged: a near-duplicate.
  const pipeline: PipelineConfig = { ...ctx.pipeline, modelsDir, modelIds: { ...ctx.pipeline.modelIds, [DEMO_BRAND.name]: modelId } };
  const n = ctx.patterns ?? 5;
  const size = ctx.size ?? 256;
  // A second run with the same --seed on the same chain: its patterns are certified already (the
  // screen would refuse them all), so the story moves on to seeds no earlier run of this model used
  // (steps of 1,000 from the requested one: the same seed always leads to the same sequence).
  const requestedSeed = ctx.seed ?? BigInt(Date.now());
  const usedSeeds = new Set(
    (await getEventLogs(publicClient, { address: addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", args: { modelId }, fromBlock: 0n })).map((l) => l.args.seed!),
  );
  const offsets = [...Array.from({ length: n }, (_, i) => BigInt(i)), 100n, 101n, 102n]; // the batch, the two renders from the recipe, the textile pattern
  let seed0 = requestedSeed;
  while (offsets.some((d) => usedSeeds.has(seed0 + d))) seed0 += 1000n;
  const requests = Array.from({ length: n }, (_, i) => ({ seed: seed0 + BigInt(i), width: size, scale: 1 + (i % 4), sharpness: 6, label: `pattern ${i + 1}` }));
  requests.push({ ...requests[0]!, sharpness: 6.5, label: "pattern 1 with sharpness 6.5 instead of 6 (near-duplicate)" });
  const batch: StoryReport["batch"] = [];
  const minted: bigint[] = [];
  let firstPng: Uint8Array | undefined;
  for (const [i, r] of requests.entries()) {
    progress({ step: "generate", done: i, total: requests.length, label: r.label });
    const result = await runPipeline(pipeline, { model: DEMO_BRAND.name, seed: r.seed, params: { scale: r.scale, sharpness: r.sharpness }, width: r.width, height: r.width, name: `Saffron ${r.seed}` });
    const line: StoryReport["batch"][number] = { label: r.label, seed: r.seed.toString(), status: result.status };
    if (i === 0) firstPng = result.rendered.png;
    if (result.status === "refused") {
      const m = result.screen.matches[0]!;
      line.refusedBecause = { label: m.label, distance: m.distance };
    } else {
      line.imageCid = result.pinned.imageCid.toString();
      line.metadataCid = result.pinned.metadataCid.toString();
      if (result.status === "minted") {
        line.tokenId = result.rendered.contentDigest;
        minted.push(BigInt(result.rendered.contentDigest));
      }
    }
    batch.push(line);
  }
  progress({ step: "generate", done: requests.length, total: requests.length, label: "done" });
  // A copier's dodges of PDQ: pattern 1 from another tile origin, and rotated 90° and shifted. The
  // tile hash (any origin, repeat or rotation) refuses both; PDQ alone would clear them.
  const copies: StoryReport["copies"] = [];
  {
    const w = size;
    const shifted = async (img: ReturnType<typeof sharp>, dx: number, dy: number) =>
      sharp(await img.extend({ right: w, bottom: w, extendWith: "repeat" }).png().toBuffer()).extract({ left: dx, top: dy, width: w, height: w }).png().toBuffer();
    const attempts: Array<[string, Uint8Array]> = [
      ["pattern 1 from another tile origin (shifted by a third and a fifth of the tile)", await shifted(sharp(firstPng!), Math.round(w / 3), Math.round(w / 5))],
      ["pattern 1 rotated 90° and shifted", await shifted(sharp(await sharp(firstPng!).rotate(90).png().toBuffer()), Math.round(w / 2), Math.round(w / 7))],
    ];
    for (const [label, png] of attempts) {
      const fp = await fingerprint({ png });
      const report = screen(pipeline.banks ?? pipeline.index, { pdq: fp.pdq, tile: fp.tile });
      const m = report.matches[0];
      copies.push({ label, cleared: report.cleared, ...(m !== undefined ? { match: { signal: m.signal ?? "pdq", label: m.label, distance: m.distance, transform: m.transform ?? "" } } : {}) });
    }
    if (copies.some((c) => c.cleared)) throw new Error(`a copy of pattern 1 cleared screening: ${copies.filter((c) => c.cleared).map((c) => c.label).join("; ")}`);
  }
  if (minted.length < 2) throw new Error(`only ${minted.length} patterns were minted; the story needs two`);
  const [tokenA, tokenB] = [minted[0]!, minted[1]!];
  const creator = generator!; // the generator mints to its creator account, the certificates' owner

  // 3. Offers: an exclusive EU licence for 90 days on A (on-chain), negotiated with the EU licensee and
  // naming it as the only buyer; a worldwide non-exclusive one on B (signed, open to anyone).
  const now = Number((await publicClient.getBlock()).timestamp);
  const euMask = regionMask(EU_MEMBERS);
  const exclusive: Offer = {
    terms: licenseTerms({ tokenId: tokenA, regions: euMask, flags: LicenseFlags.COMMERCIAL | LicenseFlags.EXCLUSIVE, currency: zeroAddress, unitRoyalty: parseEther("0.0001"), unitCap: 10_000n, renewalPrice: parseEther("0.02"), termsDigest: keccak256(toHex("Motif standard textile licence v1")), termsCodec: 0x55 }),
    window: { start: 0, end: 0, duration: 90 * 86400 },
    pricing: { price: parseEther("0.05"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: 1,
    deadline: now + 7 * 86400,
    nonce: 0n,
    licensee: addr(licenseeEu!),
  };
  const published = await wait(await creator.publishOffer({ offer: exclusive }));
  const offerLog = (await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: published.blockNumber, toBlock: published.blockNumber }))[0]!;
  const offerId = offerLog.args.offerId!;
  const worldwide: Offer = {
    terms: licenseTerms({ tokenId: tokenB, regions: WORLDWIDE, flags: LicenseFlags.COMMERCIAL | LicenseFlags.AI_TRAINING, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("Motif standard digital licence v1")), termsCodec: 0x55 }),
    window: { start: 0, end: 0, duration: 365 * 86400 },
    pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: 100,
    deadline: now + 7 * 86400,
    nonce: BigInt(now),
    licensee: zeroAddress,
  };
  const signed = await creator.signOffer({ offer: worldwide });
  const signedDigest = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "offerDigest", args: [worldwide] });

  // 4. Licensees accept from their wallets; another account cannot take the exclusive deal first.
  let otherBuyerRefused: string | undefined;
  try {
    await licenseeWorld!.acceptOffer({ offerId, maxPrice: exclusive.pricing.price });
  } catch (error) {
    if (!(error instanceof MotifContractError) || error.errorName !== "MotifLicensingNotOfferLicensee") throw error;
    otherBuyerRefused = error.errorName;
  }
  if (otherBuyerRefused === undefined) throw new Error("another account took the exclusive offer negotiated for the EU licensee");
  progress({ step: "license", done: 0, total: 2, label: "accepting the exclusive EU offer" });
  await wait(await licenseeEu!.acceptOffer({ offerId, maxPrice: exclusive.pricing.price }));
  progress({ step: "license", done: 1, total: 2, label: "accepting the signed worldwide offer" });
  await wait(await licenseeWorld!.acceptOffer({ signed, maxPrice: worldwide.pricing.price }));
  progress({ step: "license", done: 2, total: 2, label: "done" });
  const t = BigInt((await publicClient.getBlock()).timestamp);
  const eu = await licenseeEu!.isLicensed({ tokenId: tokenA, licensee: addr(licenseeEu!), region: "FR", time: t });
  const world = await licenseeWorld!.isLicensed({ tokenId: tokenB, licensee: addr(licenseeWorld!), region: "JP", time: t });
  if (!eu.licensed || !world.licensed) throw new Error("an accepted licence does not answer isLicensed");

  // 5. Usage: 1,200 units in France are fine; in the United States the contract refuses, saying why.
  const units = 1200n;
  await wait(await licenseeEu!.reportUsage({ licenseId: eu.licenseId, licensee: addr(licenseeEu!), region: "FR", productClass: 24, units }));
  let refused: StoryReport["usage"]["refused"] | undefined;
  try {
    await licenseeEu!.reportUsage({ licenseId: eu.licenseId, licensee: addr(licenseeEu!), region: "US", productClass: 24, units: 10n });
  } catch (error) {
    if (!(error instanceof MotifContractError)) throw error;
    // the contract's reason in the SDK's words: licence id in hex, region by its code
    refused = { region: "US", error: error.errorName, args: jsonArgs(error.args), reason: explainMotifError(error) };
  }
  if (refused === undefined) throw new Error("usage in the United States was not refused");

  const publishOffer = async (who: typeof creator, offer: Offer) => {
    const receipt = await wait(await who.publishOffer({ offer }));
    return (await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }))[0]!.args.offerId!;
  };
  const plainOffer = (tokenId: bigint, price: bigint, at: number): Offer => ({
    terms: licenseTerms({ tokenId, regions: euMask, flags: LicenseFlags.COMMERCIAL, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("Motif standard recipe licence v1")), termsCodec: 0x55 }),
    window: { start: 0, end: 0, duration: 365 * 86400 },
    pricing: { price, ceiling: 0n, decayWindow: 0, demandCap: 0 },
    maxUses: 10,
    deadline: at + 7 * 86400,
    nonce: 0n,
    licensee: zeroAddress,
  });

  // 6. A textile-grade deal: the studio has a pattern of its own rendered and licenses it to the EU
  // licensee (a mill) for bedding only (Nice 24), exclusively in the EU member states for two years,
  // with an advance and 5% of net sales; the mill reports units and net sales: the royalties come out
  // of the advance until it is recouped, then they are paid.
  progress({ step: "textile", done: 0, total: 3, label: "rendering the studio's bedding pattern" });
  const textileResult = await runPipeline(pipeline, { model: DEMO_BRAND.name, seed: seed0 + 102n, params: { scale: 4, sharpness: 5 }, width: size, height: size, to: addr(studio!), name: `Saffron bedding ${seed0 + 102n}` });
  if (textileResult.status !== "minted") throw new Error(`the studio's bedding pattern was ${textileResult.status}, not minted`);
  const tokenT = BigInt(textileResult.rendered.contentDigest);
  const textileAt = Number((await publicClient.getBlock()).timestamp);
  const bedding = niceClass("bedding");
  const textileOffer: Offer = {
    ...plainOffer(tokenT, parseEther("0.02"), textileAt),
    terms: licenseTerms({ tokenId: tokenT, regions: euMask, classes: productClassMask([bedding]), flags: LicenseFlags.COMMERCIAL | LicenseFlags.EXCLUSIVE | LicenseFlags.ALL_COLOURWAYS, salesRoyaltyBps: 500, advance: parseEther("0.01"), termsDigest: keccak256(toHex("Motif textile licence v1: bedding, all colourways")) }),
    window: { start: 0, end: 0, duration: 730 * 86400 },
    maxUses: 1,
    licensee: addr(licenseeEu!),
  };
  progress({ step: "textile", done: 1, total: 3, label: "the mill accepts the bedding licence" });
  const textileOfferId = await publishOffer(studio!, textileOffer);
  const textileAccepted = await wait(await licenseeEu!.acceptOffer({ offerId: textileOfferId, maxPrice: textileOffer.pricing.price }));
  const [textileGrant] = await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId: tokenT }, fromBlock: textileAccepted.blockNumber, toBlock: textileAccepted.blockNumber });
  const textileLicence = textileGrant!.args.licenseId!;
  const textileNow = BigInt((await publicClient.getBlock()).timestamp);
  const licensedFor = async (productClass: string) => (await licenseeEu!.isLicensed({ tokenId: tokenT, licensee: addr(licenseeEu!), region: "FR", productClass, time: textileNow })).licensed;
  const textileLicensedFor = { bedding: await licensedFor("bedding"), clothing: await licensedFor("clothing") };
  if (!textileLicensedFor.bedding || textileLicensedFor.clothing) throw new Error(`the bedding licence answers isLicensed for bedding ${textileLicensedFor.bedding}, for clothing ${textileLicensedFor.clothing}`);
  // a colourway of the bedding design: its two commonest colours recoloured, checked against the design
  // on chain; the all-colourways licence covers it. A colourway joins a family only from the design's
  // owner (it never leaves it): the generator signs the colourway's request, the studio, which holds
  // the design, sends it (no approval of the generator's key needed)
  const [ground, figure] = commonColours((await decodeImage(textileResult.rendered.png)).data, 2);
  const colourwayMap = [
    { from: ground!, to: "#1e5631" },
    { from: figure!, to: "#f7d6d0" },
  ];
  const colourwayResult = await runPipeline(pipeline, { model: DEMO_BRAND.name, seed: seed0 + 102n, params: { scale: 4, sharpness: 5 }, width: size, height: size, to: addr(studio!), name: `Saffron bedding ${seed0 + 102n}, forest colourway`, colourway: { design: hexId(tokenT), map: colourwayMap } });
  if (colourwayResult.status !== "attested" || colourwayResult.design?.id !== hexId(tokenT)) throw new Error(`the bedding colourway was ${colourwayResult.status}, not attested for the studio to send`);
  await wait(await studio!.mintColourway({ request: colourwayResult.request, designId: tokenT }));
  const tokenC = BigInt(colourwayResult.rendered.contentDigest);
  const colourwayNow = BigInt((await publicClient.getBlock()).timestamp);
  const colourwayLicensed = (await licenseeEu!.isLicensed({ tokenId: tokenC, licensee: addr(licenseeEu!), region: "FR", productClass: "bedding", time: colourwayNow })).licensed;
  if (!colourwayLicensed) throw new Error("the all-colourways bedding licence does not cover the design's colourway");
  progress({ step: "textile", done: 2, total: 3, label: "the mill reports units and net sales" });
  const eth = (wei: bigint) => `${formatEther(wei)} ETH`;
  const textileReports: StoryReport["textile"]["reports"] = [];
  // two statements: 0.1 ETH of sales (0.005 ETH royalty, all from the advance), then 0.3 ETH (0.015 ETH:
  // the advance's last 0.005 ETH, then 0.01 ETH paid)
  for (const [regionCode, units, netSales] of [["FR", 1_000n, parseEther("0.1")], ["DE", 2_500n, parseEther("0.3")]] as const) {
    const reported = await wait(await licenseeEu!.reportUsage({ licenseId: textileLicence, licensee: addr(licenseeEu!), region: regionCode, productClass: bedding, units, netSales }));
    const [line] = await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "UsageReported", args: { licenseId: textileLicence }, fromBlock: reported.blockNumber, toBlock: reported.blockNumber });
    const { royalty, amount } = line!.args;
    const after = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [textileLicence] });
    textileReports.push({ region: regionCode, niceClass: bedding, units: units.toString(), netSales: eth(netSales), royalty: eth(royalty!), fromAdvance: eth(royalty! - amount!), paid: eth(amount!), advanceRemaining: eth(after.advanceRemaining) });
  }
  const textileState = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [textileLicence] });
  if (textileState.advanceRemaining !== 0n) throw new Error(`the bedding licence's advance is not recouped (${eth(textileState.advanceRemaining)} left)`);
  progress({ step: "textile", done: 3, total: 3, label: "done" });
  const textile: StoryReport["textile"] = {
    tokenId: hexId(tokenT),
    offerId: textileOfferId.toString(),
    licensor: addr(studio!),
    licensee: addr(licenseeEu!),
    licenseId: hexId(textileLicence),
    classes: productClassesInWords(textileOffer.terms.classes),
    regions: regionsInWords(textileOffer.terms.regions),
    days: 730,
    price: eth(textileOffer.pricing.price),
    advance: eth(textileOffer.terms.advance),
    salesRoyalty: bpsInWords(textileOffer.terms.salesRoyaltyBps),
    paidAtAcceptance: eth(textileGrant!.args.price!),
    terms: termsInWords(textileOffer, textileOffer.pricing.price),
    licensedFor: textileLicensedFor,
    colourway: { tokenId: hexId(tokenC), designId: hexId(tokenT), map: colourwayMap.map((p) => `${p.from} → ${p.to}`), licensedForBedding: colourwayLicensed },
    reports: textileReports,
    netSalesTotal: eth(textileState.netSales),
  };

  // 7. Royalties: revenue split between the certificate owner, the model owner and the protocol; pulled.
  const before = await publicClient.getBlockNumber();
  await wait(await creator.withdraw({ settle: [tokenA, tokenB] }));
  const settledLogs = await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "RevenueSettled", fromBlock: before + 1n });
  const withdrawn: StoryReport["royalties"]["withdrawn"] = [];
  const owedStudio = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "owed", args: [addr(studio!), zeroAddress] });
  if (owedStudio > 0n) await wait(await studio!.withdraw({}));
  for (const log of await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "Withdrawn", fromBlock: before + 1n })) {
    const who = log.args.account === addr(creator) ? "certificate owner (creator)" : log.args.account === addr(studio!) ? "model owner (studio)" : log.args.account!;
    withdrawn.push({ who, amount: `${formatEther(log.args.amount!)} ETH` });
  }

  // 8. Recipes: the studio certifies a recipe for its model, with a 15% share of every pattern made
  // from it, and licenses it for the EU; the EU licensee (licensed) has a pattern rendered from it,
  // the worldwide licensee (not licensed) is refused before anything is rendered; a sale of the new
  // pattern then pays its owner, the model owner and the recipe owner.
  progress({ step: "recipe", done: 0, total: 3, label: "certifying a recipe" });
  const recipe = validateRecipe(
    { format: "motif-recipe/1", name: `Saffron lattice ${seed0}`, author: addr(studio!), model: { name: DEMO_BRAND.name, weightsDigest }, params: { scale: 3, sharpness: 7 } },
    [manifestEntry],
  );
  const recipeId = recipeIdOf(recipe.author, recipeBytes(recipe).digest);
  const recipeOwner = await publicClient.readContract({ address: addresses.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [recipeId] }).catch(() => undefined);
  if (recipeOwner === undefined) {
    await certifyRecipe({ wallet: studio!, publicClient, certificate: addresses.certificate, store: ctx.pipeline.store }, { recipe, modelId, shareBps: 1500, royaltyBps: 250 });
  }
  const recipeAt = Number((await publicClient.getBlock()).timestamp);
  await wait(await licenseeEu!.acceptOffer({ offerId: await publishOffer(studio!, plainOffer(recipeId, parseEther("0.02"), recipeAt)), maxPrice: parseEther("0.02") }));
  progress({ step: "recipe", done: 1, total: 3, label: "rendering from the recipe" });
  const fromRecipe = (to: typeof creator, regionCode: string, seed: bigint) =>
    runPipeline(pipeline, { model: DEMO_BRAND.name, seed, params: recipe.params, width: size, height: size, to: addr(to), name: `${recipe.name} #${seed}`, recipe: { recipe, region: regionCode } });
  let recipeRefusal: string | undefined;
  try {
    await fromRecipe(licenseeWorld!, "JP", seed0 + 100n);
  } catch (error) {
    if (!(error instanceof RecipeRefusedError)) throw error;
    recipeRefusal = error.reason;
  }
  if (recipeRefusal === undefined) throw new Error("rendering from the recipe without a licence was not refused");
  const recipeResult = await fromRecipe(licenseeEu!, "FR", seed0 + 101n);
  if (recipeResult.status !== "minted") throw new Error(`the pattern from the recipe was ${recipeResult.status}, not minted`);
  const recipePattern = BigInt(recipeResult.rendered.contentDigest);
  progress({ step: "recipe", done: 2, total: 3, label: "selling a licence of the pattern made from the recipe" });
  await wait(await licenseeWorld!.acceptOffer({ offerId: await publishOffer(licenseeEu!, plainOffer(recipePattern, parseEther("0.04"), recipeAt)), maxPrice: parseEther("0.04") }));
  const beforeRecipeSettle = await publicClient.getBlockNumber();
  await wait(await licenseeEu!.withdraw({ settle: [recipePattern] }));
  const [recipeSettled] = await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "RevenueSettled", args: { tokenId: recipePattern }, fromBlock: beforeRecipeSettle + 1n });
  if (recipeSettled === undefined) throw new Error("the sale of the pattern made from the recipe was not settled");
  progress({ step: "recipe", done: 3, total: 3, label: "done" });

  // 9. The worldwide licensee exports a training dataset: B (licensed for AI training) goes in; A
  // (licensed to someone else, exclusively) is refused with its reason; the dataset verifies, and
  // the licensee certifies it on chain (a dataset certificate whose lineage is the Merkle root).
  progress({ step: "dataset", done: 0, total: 1, label: "exporting a training dataset" });
  const exported = await exportDataset({
    client: publicClient,
    addresses: { certificate: addresses.certificate, licensing: addresses.licensing },
    licensee: addr(licenseeWorld!),
    region: "JP",
    tokenIds: [tokenB, tokenA],
    store: ctx.pipeline.store,
  });
  const datasetCert = await certifyDataset({ wallet: licenseeWorld!, publicClient, certificate: addresses.certificate, store: ctx.pipeline.store }, { manifest: exported.manifest, royaltyBps: 0, shareBps: 2000 }).catch(async (error: unknown) => {
    // the same root certified by an earlier run on this chain: it is that certificate
    if (error instanceof MotifContractError && error.errorName === "MotifCertificateAlreadyCertified") return undefined;
    throw error;
  });
  const datasetCheck = await verifyDataset(publicClient, { licensing: addresses.licensing, certificate: addresses.certificate, manifest: exported.manifest });
  if (datasetCheck.certificate?.exists !== true) throw new Error(`dataset ${exported.manifest.root} is not certified after minting (${datasetCert?.transactionHash ?? "earlier run"})`);
  progress({ step: "dataset", done: 1, total: 1, label: "done" });

  // 10. A studio model trained on that dataset: the studio licenses the dataset certificate for AI
  // training from its curator, trains a model on the members' images (the seconds-long config),
  // registers it with its lineage (dataset, root, config digest, trainer) and renders a pattern from
  // it; a licence sale of that pattern pays the dataset's curator its share.
  progress({ step: "studio", done: 0, total: 4, label: "training a model on the dataset" });
  const datasetId = BigInt(datasetCheck.certificate.datasetId);
  const trainingFiles = await Promise.all(exported.manifest.members.map(async (m) => swatchFile(`member ${m.tokenId}`, await ctx.pipeline.store.cat(CID.parse(m.imageCid)))));
  const trained = await trainStudioModel({
    files: trainingFiles,
    name: "atelier",
    version: "1.0.0",
    config: STUDIO_QUICK,
    dataset: { id: tokenIdHex(datasetId), root: exported.manifest.root, imageDigests: exported.manifest.members.flatMap((m) => [m.imageDigest, m.tokenId]) },
  });
  const trainedEntry = await addModel(modelsDir, trained.card, trained.onnx);
  await ctx.pipeline.store.add(trained.onnx);
  await ctx.pipeline.store.add(encodeModelCard(trained.card));
  progress({ step: "studio", done: 1, total: 4, label: "licensing the dataset for AI training, registering the model" });
  let trainedModelId = await publicClient.readContract({ address: addresses.registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [trained.weightsDigest] });
  const trainedNewly = trainedModelId === 0;
  const trainingLicencePrice = parseEther("0.01");
  if (trainedNewly) {
    const at = Number((await publicClient.getBlock()).timestamp);
    const trainingOffer: Offer = {
      ...plainOffer(datasetId, trainingLicencePrice, at),
      terms: licenseTerms({ tokenId: datasetId, regions: WORLDWIDE, flags: LicenseFlags.AI_TRAINING, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("Motif dataset training licence v1")), termsCodec: 0x55 }),
    };
    await wait(await studio!.acceptOffer({ offerId: await publishOffer(licenseeWorld!, trainingOffer), maxPrice: trainingLicencePrice }));
    await wait(await admin!.registerModel({ owner: addr(studio!), weightsDigest: trained.weightsDigest, royaltyBps: 1000, name: trained.card.name, version: trained.card.version, cardDigest: trainedEntry.cardDigest, training: trainingLineageOf(trained.card) }));
    trainedModelId = await publicClient.readContract({ address: addresses.registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [trained.weightsDigest] });
  }
  progress({ step: "studio", done: 2, total: 4, label: "rendering a pattern from the trained model" });
  const trainedSeed = seed0 + 200n;
  const trainedResult = await runPipeline({ ...pipeline, modelIds: { ...pipeline.modelIds, [trained.card.name]: trainedModelId } }, { model: trained.card.name, seed: trainedSeed, params: { scale: 2, sharpness: 4 }, width: size, height: size, name: `Atelier ${trainedSeed}` });
  if (trainedResult.status !== "minted") throw new Error(`the pattern from the trained model was ${trainedResult.status}, not minted`);
  const trainedPattern = BigInt(trainedResult.rendered.contentDigest);
  progress({ step: "studio", done: 3, total: 4, label: "selling a licence of it; the dataset's curator is paid" });
  const curatorOwedBefore = await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "owed", args: [addr(licenseeWorld!), zeroAddress] });
  const trainedAt = Number((await publicClient.getBlock()).timestamp);
  await wait(await licenseeEu!.acceptOffer({ offerId: await publishOffer(creator, plainOffer(trainedPattern, parseEther("0.03"), trainedAt)), maxPrice: parseEther("0.03") }));
  const beforeTrainedSettle = await publicClient.getBlockNumber();
  await wait(await creator.withdraw({ settle: [trainedPattern] }));
  const [trainedSettled] = await getEventLogs(publicClient, { address: addresses.licensing, abi: motifLicensingAbi, eventName: "RevenueSettled", args: { tokenId: trainedPattern }, fromBlock: beforeTrainedSettle + 1n });
  if (trainedSettled === undefined) throw new Error("the sale of the pattern made by the trained model was not settled");
  const curatorOwed = (await publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "owed", args: [addr(licenseeWorld!), zeroAddress] })) - curatorOwedBefore;
  if (trainedSettled.args.datasetShare! === 0n || curatorOwed < trainedSettled.args.datasetShare!) throw new Error(`the dataset's curator was not paid its share (${formatEther(trainedSettled.args.datasetShare!)} ETH settled, ${formatEther(curatorOwed)} ETH owed)`);
  const trainedAudit = await verifyCertificate(publicClient, {
    addresses,
    tokenId: trainedPattern,
    gateway: ctx.gateway,
    pdq: async (bytes) => (await pdqHashImage(bytes)).hash,
    decode: (bytes) => decodeImage(bytes),
    rerender,
    // the seconds-long config re-runs in seconds: the auditor re-trains and compares the weights
    retrain: retrainWeightsDigest,
  });
  progress({ step: "studio", done: 4, total: 4, label: "done" });

  // 11. An auditor verifies certificate A from the chain and the gateway, re-rendering it.
  progress({ step: "audit", done: 0, total: 1, label: "verifying" });
  const report: VerificationReport = await verifyCertificate(publicClient, {
    addresses,
    tokenId: tokenA,
    gateway: ctx.gateway,
    pdq: async (bytes) => (await pdqHashImage(bytes)).hash,
    decode: (bytes) => decodeImage(bytes),
    rerender,
  });
  progress({ step: "audit", done: 1, total: 1, label: "done" });

  return {
    seeds: { requested: requestedSeed.toString(), first: seed0.toString() },
    chainId: await publicClient.getChainId(),
    accounts: { admin: addr(admin!), generator: addr(generator!), studio: addr(studio!), licenseeEu: addr(licenseeEu!), licenseeWorld: addr(licenseeWorld!) },
    model: { name: DEMO_BRAND.name, id: modelId, weightsDigest, weightsCid: weightsCid.toString(), owner: model.owner, royaltyBps: model.royaltyBps, newlyRegistered },
    batch,
    copies,
    offers: {
      exclusiveEu: { offerId: offerId.toString(), tokenId: hexId(tokenA), regions: EU_MEMBERS.length, days: 90, price: `${formatEther(exclusive.pricing.price)} ETH`, licensee: exclusive.licensee, otherBuyerRefused },
      worldwide: { digest: signedDigest, tokenId: hexId(tokenB), regions: 249, price: `${formatEther(worldwide.pricing.price)} ETH` },
    },
    licenses: { eu: { licenseId: eu.licenseId.toString(), licensee: addr(licenseeEu!) }, world: { licenseId: world.licenseId.toString(), licensee: addr(licenseeWorld!) } },
    usage: { allowed: { region: "FR", units: units.toString(), royaltyPaid: `${formatEther(units * exclusive.terms.unitRoyalty)} ETH` }, refused },
    textile,
    royalties: {
      settled: settledLogs.map((l) => ({
        tokenId: hexId(l.args.tokenId!),
        total: `${formatEther(l.args.total!)} ETH`,
        owner: `${formatEther(l.args.ownerShare!)} ETH`,
        model: `${formatEther(l.args.modelShare!)} ETH`,
        recipe: `${formatEther(l.args.recipeShare!)} ETH`,
        protocol: `${formatEther(l.args.protocolFee!)} ETH`,
      })),
      withdrawn,
    },
    recipe: {
      recipeId: hexId(recipeId),
      name: recipe.name,
      author: recipe.author,
      shareBps: 1500,
      newlyCertified: recipeOwner === undefined,
      licensee: addr(licenseeEu!),
      refused: { licensee: addr(licenseeWorld!), region: "JP", reason: recipeRefusal },
      pattern: hexId(recipePattern),
      split: {
        total: `${formatEther(recipeSettled.args.total!)} ETH`,
        owner: `${formatEther(recipeSettled.args.ownerShare!)} ETH`,
        model: `${formatEther(recipeSettled.args.modelShare!)} ETH`,
        recipe: `${formatEther(recipeSettled.args.recipeShare!)} ETH`,
        protocol: `${formatEther(recipeSettled.args.protocolFee!)} ETH`,
      },
    },
    dataset: {
      root: exported.manifest.root,
      manifestCid: exported.manifestCid.toString(),
      members: exported.manifest.members.map((m) => m.tokenId),
      refused: exported.refused,
      verified: datasetCheck.passed,
      datasetId: datasetCheck.certificate.datasetId,
      certifiedBy: datasetCheck.certificate.curator!,
    },
    trainedModel: {
      name: trained.card.name,
      id: trainedModelId,
      newlyRegistered: trainedNewly,
      weightsDigest: trained.weightsDigest,
      cardDigest: trainedEntry.cardDigest,
      palette: trained.result.palette.srgb.map((c) => `#${c.map((v) => v.toString(16).padStart(2, "0")).join("")}`),
      training: { datasetId: tokenIdHex(datasetId), dataRoot: trained.dataRoot, members: trained.card.training!.members, configDigest: trained.card.training!.configDigest, trainer: trained.card.training!.trainer, steps: STUDIO_QUICK.steps, seconds: Math.round(trained.result.seconds * 10) / 10 },
      trainingLicence: { licensee: addr(studio!), price: `${formatEther(trainingLicencePrice)} ETH` },
      pattern: hexId(trainedPattern),
      split: {
        total: `${formatEther(trainedSettled.args.total!)} ETH`,
        owner: `${formatEther(trainedSettled.args.ownerShare!)} ETH`,
        model: `${formatEther(trainedSettled.args.modelShare!)} ETH`,
        recipe: `${formatEther(trainedSettled.args.recipeShare!)} ETH`,
        dataset: `${formatEther(trainedSettled.args.datasetShare!)} ETH`,
        protocol: `${formatEther(trainedSettled.args.protocolFee!)} ETH`,
      },
      curator: addr(licenseeWorld!),
      audit: {
        passed: trainedAudit.passed,
        summary: trainedAudit.summary,
        chain: trainedAudit.items.filter((i) => ["model", "modelStatus", "modelCard", "training", "retraining", "rerender"].includes(i.id)).map((i) => ({ id: i.id, status: i.status, ...(i.reason !== undefined ? { reason: i.reason } : {}), evidence: JSON.parse(stringify(i.evidence)) as Record<string, unknown> })),
      },
    },
    audit: {
      tokenId: hexId(tokenA),
      passed: report.passed,
      summary: report.summary,
      notChecked: report.notChecked,
      warnings: report.warnings,
      items: report.items.map((i) => ({ id: i.id, title: i.title, status: i.status, ...(i.reason !== undefined ? { reason: i.reason } : {}), evidence: JSON.parse(stringify(i.evidence)) as Record<string, unknown> })),
    },
  };
}
