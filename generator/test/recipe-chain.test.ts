import { expect } from "chai";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Hex, createPublicClient, createWalletClient, getAddress, http, keccak256, parseEther, toHex, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { buildApi } from "../src/api/server.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { buildGateway } from "../src/ipfs/gateway.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import {
  licenseTerms,
  CertificateKind,
  EU_MEMBERS,
  LicenseFlags,
  MotifContractError,
  NotARecipeError,
  type Offer,
  motifActions,
  motifCertificateAbi,
  motifLicensingAbi,
  recipeIdOf,
  regionMask,
  getCertificateMetadata,
  verifyCertificate,
} from "@motif/sdk";
import { runCli } from "../../test/ts/helpers/cli.js";
import { ATTESTER_KEY, remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat accounts #4 (the recipe's author), #5 (a designer who licenses it), #6 (a stranger and a buyer).
const AUTHOR_KEY = "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a";
const DESIGNER_KEY = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const STRANGER_KEY = "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e";

const lastJson = <T>(stdout: string): T => JSON.parse(stdout.trim().split("\n").at(-1)!) as T;

describe("recipe certificates: certified by the author, licensed, rendered from, paid a share", function () {
  this.timeout(240_000);

  it("a licensed designer renders from a recipe, the lineage names it, and its owner is paid its share of the pattern's sales", async () => {
    const chain = await remoteChainWithMotif();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-recipe-chain-"));
    const storeDir = path.join(dir, "ipfs");
    const publicClient = createPublicClient({ transport: http(chain.url) });
    const wallet = (key: Hex) => createWalletClient({ account: privateKeyToAccount(key), transport: http(chain.url) });
    const addresses = { certificate: chain.record.contracts.MotifCertificate, registry: chain.record.contracts.MotifModelRegistry, licensing: chain.record.contracts.MotifLicensing };
    const author = wallet(AUTHOR_KEY).extend(motifActions({ addresses }));
    const designer = wallet(DESIGNER_KEY).extend(motifActions({ addresses }));
    const stranger = wallet(STRANGER_KEY).extend(motifActions({ addresses }));
    const env = { ...chain.env, MOTIF_LICENSING: addresses.licensing };
    const wait = (hash: Hex) => publicClient.waitForTransactionReceipt({ hash });
    try {
      // The author writes the recipe and certifies it with a 20% share; nobody else can certify it.
      const file = path.join(dir, "weld-lattice.json");
      const created = await runCli({}, "recipe", "create", "--model", "weld", "--name", "Weld lattice", "--author", author.account.address, "--scale", "3", "--sharpness", "6", "--out", file);
      expect(created.code, created.output).to.equal(0);
      const { recipeDigest } = lastJson<{ recipeDigest: Hex }>(created.stdout);
      const notAuthor = await runCli({ ...env, MOTIF_WALLET_KEY: DESIGNER_KEY }, "recipe", "mint", file, "--store", storeDir);
      expect(notAuthor.code).to.equal(2);
      expect(notAuthor.stderr).to.contain("an author certifies their own recipe");
      const badShare = await runCli({ ...env, MOTIF_WALLET_KEY: AUTHOR_KEY }, "recipe", "mint", file, "--share-bps", "2600");
      expect(badShare.code).to.equal(2);
      expect(badShare.stderr).to.contain('--share-bps: "2600" is not an integer in 0..2500');
      const minted = await runCli({ ...env, MOTIF_WALLET_KEY: AUTHOR_KEY }, "recipe", "mint", file, "--share-bps", "2000", "--store", storeDir, "--json");
      expect(minted.code, minted.output).to.equal(0);
      const { recipeId: recipeIdHex } = lastJson<{ recipeId: Hex }>(minted.stdout);
      const recipeId = BigInt(recipeIdHex);
      expect(recipeId).to.equal(recipeIdOf(author.account.address, recipeDigest));
      expect(await publicClient.readContract({ address: addresses.certificate, abi: motifCertificateAbi, functionName: "recipeIdOf", args: [author.account.address, recipeDigest] })).to.equal(recipeId);
      const [certified] = await designer.getMotifEvents({ kind: "recipes", fromBlock: 0n });
      expect(certified!.args).to.include({ recipeId, author: getAddress(author.account.address), recipeDigest, shareBps: 2000 });
      const recipe = await designer.getRecipe({ recipeId });
      expect(recipe).to.include({ author: getAddress(author.account.address), owner: getAddress(author.account.address), modelId: 1, shareBps: 2000, recipeDigest });
      const twice = await runCli({ ...env, MOTIF_WALLET_KEY: AUTHOR_KEY }, "recipe", "mint", file, "--store", storeDir);
      expect(twice.code).to.equal(1);
      expect(twice.stderr).to.contain("MotifCertificateAlreadyCertified");

      // A recipe its author never certified cannot be rendered from on chain.
      const uncertified = path.join(dir, "uncertified.json");
      await runCli({}, "recipe", "create", "--model", "weld", "--name", "Never certified", "--author", author.account.address, "--scale", "2", "--sharpness", "3", "--out", uncertified);
      const notCertified = await runCli(env, "mint", "--recipe", uncertified, "--region", "FR", "--seed", "5", "--size", "96", "--store", storeDir, "--json");
      expect(notCertified.code).to.equal(1);
      expect(lastJson<{ reason: string }>(notCertified.stdout).reason).to.contain("is not certified on this chain by its author");

      // Without a license the designer is refused before anything is rendered, with the reason.
      const mintFrom = (region: string, seed: string, to: Hex) =>
        runCli(env, "mint", "--recipe", file, "--region", region, "--seed", seed, "--size", "96", "--to", to, "--store", storeDir, "--json");
      const unlicensed = await mintFrom("FR", "5", designer.account.address);
      expect(unlicensed.code, unlicensed.output).to.equal(1);
      expect(lastJson<{ reason: string }>(unlicensed.stdout).reason).to.contain("may not render from recipe").and.contain("MotifLicensingNotLicensed");

      // The author licenses the recipe for the EU, like any certificate; the designer accepts.
      const now = Number((await publicClient.getBlock()).timestamp);
      const offerOn = (tokenId: bigint, price: bigint): Offer => ({
        terms: licenseTerms({ tokenId, regions: regionMask(EU_MEMBERS), flags: LicenseFlags.COMMERCIAL, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("terms")), termsCodec: 0x55 }),
        window: { start: 0, end: 0, duration: 30 * 86400 },
        pricing: { price, ceiling: 0n, decayWindow: 0, demandCap: 0 },
        maxUses: 5,
        deadline: now + 86400,
        nonce: 0n,
        licensee: zeroAddress,
      });
      const publish = async (who: typeof author, offer: Offer) => {
        const receipt = await wait(await who.publishOffer({ offer }));
        const [e] = await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
        return e!.args.offerId!;
      };
      await wait(await designer.acceptOffer({ offerId: await publish(author, offerOn(recipeId, parseEther("0.05"))), maxPrice: parseEther("0.05") }));
      const chainNow = (await publicClient.getBlock()).timestamp;
      const check = await designer.checkRecipeLicense({ recipeId, creator: designer.account.address, region: "FR", time: chainNow });
      expect(check.allowed, "reason" in check ? check.reason : "").to.equal(true);

      // Outside the licensed regions: still refused, naming the region.
      const us = await mintFrom("US", "5", designer.account.address);
      expect(us.code).to.equal(1);
      expect(lastJson<{ reason: string }>(us.stdout).reason).to.contain("MotifLicensingRegionNotAllowed");

      const ok = await mintFrom("FR", "5", designer.account.address);
      expect(ok.code, ok.output).to.equal(0);
      const made = lastJson<{ tokenId: Hex; recipeId: Hex }>(ok.stdout);
      expect(BigInt(made.recipeId)).to.equal(recipeId);
      const patternId = BigInt(made.tokenId);
      const stored = await publicClient.readContract({ address: addresses.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [patternId] });
      expect(stored.kind).to.equal(CertificateKind.Pattern);
      expect(stored.recipeId).to.equal(recipeId);
      expect((await designer.getCertificate({ tokenId: patternId })).lineage.recipeId).to.equal(recipeId);
      // the pattern was rendered with the recipe's params
      const explicit = await runCli({}, "render", "--model", "weld", "--scale", "3", "--sharpness", "6", "--seed", "5", "--size", "96", "--out", path.join(dir, "x.png"), "--json");
      expect(lastJson<{ contentDigest: Hex }>(explicit.stdout).contentDigest).to.equal(made.tokenId);
      try {
        await designer.getRecipe({ recipeId: patternId });
        expect.fail("a pattern is not a recipe");
      } catch (error) {
        expect(error).to.be.instanceOf(NotARecipeError);
      }

      // The designer sells a 1 ETH license of the pattern; settling pays the recipe's owner 20%.
      await wait(await stranger.acceptOffer({ offerId: await publish(designer, offerOn(patternId, parseEther("1"))), maxPrice: parseEther("1") }));
      const settleReceipt = await wait(await stranger.writeContract({ chain: null, address: addresses.licensing, abi: motifLicensingAbi, functionName: "settle", args: [patternId, zeroAddress] }));
      const [settled] = await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "RevenueSettled", fromBlock: settleReceipt.blockNumber, toBlock: settleReceipt.blockNumber });
      expect(settled!.args).to.include({ total: parseEther("1"), recipeShare: parseEther("0.2"), ownerShare: parseEther("0.8"), modelShare: 0n, protocolFee: 0n });
      const owed = (who: Hex) => publicClient.readContract({ address: addresses.licensing, abi: motifLicensingAbi, functionName: "owed", args: [who, zeroAddress] });
      expect(await owed(author.account.address)).to.equal(parseEther("0.2"));
      expect(await owed(designer.account.address)).to.equal(parseEther("0.8"));
      // the recipe's own license sale is the recipe certificate's revenue, settled to its owner
      await wait(await stranger.writeContract({ chain: null, address: addresses.licensing, abi: motifLicensingAbi, functionName: "settle", args: [recipeId, zeroAddress] }));
      expect(await owed(author.account.address)).to.equal(parseEther("0.25"));

      // An auditor sees the recipe in the verification report, fetched and checked by its CID.
      const gateway = await buildGateway(new EmbeddedIpfs(storeDir));
      const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
      try {
        const report = await verifyCertificate(publicClient, { addresses, tokenId: patternId, gateway: url });
        const recipeItem = report.items.find((i) => i.id === "recipe")!;
        expect(recipeItem.status, recipeItem.reason).to.equal("passed");
        expect(recipeItem.evidence).to.include({ shareBps: 2000, author: getAddress(author.account.address) });
        expect(report.items.find((i) => i.id === "metadata")!.status).to.equal("passed");
        // the recipe certificate's metadata, parsed and typed by its kind on chain (issue 17 §3)
        const recipeDoc = await getCertificateMetadata(publicClient, { certificate: addresses.certificate, tokenId: recipeId, gateway: url });
        if (recipeDoc.kind !== "recipe") throw new Error(`kind ${recipeDoc.kind}`);
        expect(recipeDoc.metadata.motif).to.deep.include({ recipeId: recipeIdHex, shareBps: 2000 });
        expect(recipeDoc.metadata.motif.recipe).to.deep.include({ digest: recipeDigest, params: { scale: 3, sharpness: 6 }, author: getAddress(author.account.address) });
        const patternDoc = await getCertificateMetadata(publicClient, { certificate: addresses.certificate, tokenId: patternId, gateway: url });
        expect(patternDoc.kind).to.equal("pattern");
        if (patternDoc.kind === "pattern") expect(patternDoc.metadata.motif.lineage.recipeId).to.equal(recipeIdHex);
      } finally {
        await gateway.close();
      }

      // Through the HTTP API: a stranger without a license gets 403 with the reason; nothing is minted.
      const store = new EmbeddedIpfs(storeDir);
      const generator = wallet(ATTESTER_KEY);
      const api = await buildApi({
        keys: [{ key: "k", name: "t", tier: "studio", requestsPerMinute: 600, maxPixelsPerRequest: 1 << 20 }],
        pipeline: {
          store,
          index: PdqIndex.build([]),
          attester: { signer: { client: generator, account: generator.account }, chainId: 31337, certificate: addresses.certificate },
          minter: { wallet: generator, publicClient: publicClient as never, certificate: addresses.certificate },
          recipes: { client: publicClient, certificate: addresses.certificate, licensing: addresses.licensing },
          modelIds: { weld: 1 },
          creator: getAddress(generator.account.address),
          royaltyBps: 0,
          attestationTtl: 3600,
          generator: { name: "g", version: "1" },
        },
      });
      try {
        const recipeJson = JSON.parse(readFileSync(file, "utf8")) as unknown;
        const post = (body: unknown) => api.inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": "k" }, payload: body as object });
        const refused = await post({ recipe: recipeJson, region: "FR", seed: "9", width: 64, height: 64, to: stranger.account.address, mint: true });
        expect(refused.statusCode, refused.body).to.equal(403);
        expect(refused.json()).to.include({ error: "recipe_not_licensed" });
        expect(refused.json().message).to.contain("MotifLicensingNotLicensed");
        const both = await post({ recipe: recipeJson, region: "FR", model: "weld", params: { scale: 2, sharpness: 4 }, seed: "9", width: 64, height: 64 });
        expect(both.statusCode).to.equal(400);
        expect(both.json().field).to.equal("body.recipe");
        const noRegion = await post({ recipe: recipeJson, seed: "9", width: 64, height: 64 });
        expect(noRegion.statusCode).to.equal(400);
        const accepted = await post({ recipe: recipeJson, region: "DE", seed: "10", width: 64, height: 64, to: designer.account.address, mint: true });
        expect(accepted.statusCode, accepted.body).to.equal(201);
        expect(BigInt(accepted.json().recipeId)).to.equal(recipeId);
      } finally {
        await api.close();
      }
    } catch (error) {
      if (error instanceof MotifContractError) throw new Error(error.message);
      throw error;
    } finally {
      await chain.close();
    }
  });
});
