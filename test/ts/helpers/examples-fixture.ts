/**
 * The local stack the SDK's JSDoc `@example`s are written against (test/ts/examples.test.ts runs
 * every one of them here): chain 31337 with the contracts at their deterministic addresses
 * (`defaultAddresses(31337)`, sdk/src/deployments/31337.json), the shipped models registered, an IPFS
 * gateway, and a known state built the same way on every run, so that the literal values in the
 * examples — token ids that are content digests, licence ids, offer ids, recipe and dataset ids —
 * are real:
 *
 * - pattern `PATTERN` (`indigo`, seed 7, scale 2, sharpness 6, 256 px: rendering is deterministic,
 *   so its sha-256, the token id, is known), rendered, pinned and minted by the generator pipeline to
 *   account #1 (the generator, its creator and owner);
 * - offer 1 on it by #1: DE + FR, commercial + AI training + transferable + revocable for breach,
 *   90 days, renewable for 0.005 ETH, 0.01 ETH, 0.0001 ETH per unit; accepted by #2 (licence
 *   `LICENSE_2`, 10 units used in FR), #3 (`LICENSE_3`, flagged for breach by the arbiter #0) and #4
 *   (`LICENSE_4`, proposed for transfer to #3);
 * - recipe `RECIPE` (`indigo`, scale 3, sharpness 7) certified by its author #4 (share 15%), its
 *   offer 2 (FR + DE, a year) accepted by #2;
 * - dataset `DATASET`: #2's training dataset of the pattern in FR, exported, pinned and certified by #2.
 *
 * Accounts are Hardhat's well-known test accounts (#0 admin/deployer/arbiter, #1 generator).
 * The chain is served on an ephemeral loopback port (`rpcUrl`), the gateway too (`gatewayUrl`).
 */
import { startIndexer } from "@motif/indexer/launch";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { type Hex, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { certifyDataset, certifyRecipe } from "../../../generator/src/certify.js";
import { exportDataset } from "../../../generator/src/dataset/export.js";
import { EmbeddedIpfs } from "../../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../../generator/src/ipfs/gateway.js";
import { PinQueue } from "../../../generator/src/ipfs/resilient.js";
import { runPipeline } from "../../../generator/src/pipeline.js";
import { recipeBytes, validateRecipe } from "../../../generator/src/recipe/recipe.js";
import { loadManifest } from "../../../generator/src/render/render.js";
import { serveJsonRpc } from "../../../scripts/lib/chain-server.js";
import { deployMotif, registerShippedModels } from "../../../scripts/lib/deploy.js";
import { generatorPipeline } from "../../../scripts/lib/stack.js";
import { licenseTerms, LicenseFlags, type Offer, defaultAddresses, motifActions, motifLicensingAbi, recipeIdOf, regionMask } from "@motif/sdk";

export type ExamplesFixture = {
  rpcUrl: string;
  gatewayUrl: string;
  /** The Motif indexer (Ponder) over the fixture's chain, caught up with its state. */
  indexerUrl: string;
  /** The ids the fixture made (the examples name them as literals). */
  ids: {
    pattern: Hex;
    imageCid: string;
    metadataCid: string;
    offer: bigint;
    license2: bigint;
    license3: bigint;
    license4: bigint;
    recipeDigest: Hex;
    recipe: bigint;
    recipeOffer: bigint;
    dataset: bigint;
  };
  /** Puts the chain back to the state right after the fixture was built. */
  revert(): Promise<void>;
  close(): Promise<void>;
};


const hex = (id: bigint): Hex => `0x${id.toString(16).padStart(64, "0")}`;

export async function startExamplesFixture(): Promise<ExamplesFixture> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    closers.length = 0;
  };
  try {
    const dir = await mkdtemp(path.join(tmpdir(), "motif-examples-"));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    // The chain's clock runs 10 minutes behind the wall clock: a licence granted in the fixture has
    // begun when an example asks `isLicensed` about "now" (the wall clock), however fast blocks came.
    const connection = await network.create({ network: "default", override: { initialDate: new Date(Date.now() - 600_000) } });
    closers.push(() => connection.close());
    const server = await serveJsonRpc(connection.provider, 0);
    closers.push(() => server.close());

    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const chainId = await publicClient.getChainId();
    const [w0, w1, w2, w3, w4] = await viem.getWalletClients();
    const { record, registry } = await deployMotif(connection, { attesters: [w1!.account.address] });
    const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
    const expected = defaultAddresses(31337);
    if (chainId !== 31337 || JSON.stringify(addresses) !== JSON.stringify({ certificate: expected?.certificate, registry: expected?.registry, licensing: expected?.licensing })) {
      throw new Error(`the fixture deployed to ${JSON.stringify(addresses)} on chain ${chainId}, the examples name defaultAddresses(31337) = ${JSON.stringify(expected)}`);
    }
    const wait = async (hash: Hex) => {
      const r = await publicClient.waitForTransactionReceipt({ hash });
      if (r.status !== "success") throw new Error(`fixture transaction ${hash} reverted`);
      return r;
    };

    // The shipped models, as `npm start` registers them (ids 1, 2, 3 in manifest order).
    const manifest = await loadManifest();
    const modelIds = await registerShippedModels(registry, publicClient, { owner: getAddress(w0!.account.address), royaltyBps: 500 });

    // IPFS and its gateway.
    const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
    const pinQueue = new PinQueue(path.join(dir, "pin-queue"));
    const gateway = await buildGateway(store);
    closers.push(() => gateway.close());
    const gatewayUrl = await gateway.listen({ port: 0, host: "127.0.0.1" });

    // The pattern, through the generator pipeline (owner and creator: #1).
    const pipeline = await generatorPipeline({ store, pinQueue, generator: w1!, publicClient, chainId, deployment: record, modelIds });
    const result = await runPipeline(pipeline, { model: "indigo", seed: 7n, params: { scale: 2, sharpness: 6 }, width: 256, height: 256, name: "Indigo 7" });
    if (result.status !== "minted") throw new Error(`the fixture pattern was ${result.status}, not minted`);
    const pattern = result.rendered.contentDigest;

    const act = (w: typeof w0) => w!.extend(motifActions({ addresses }));
    const [admin, generator, a2, a3, a4] = [act(w0), act(w1), act(w2), act(w3), act(w4)];
    const publish = async (who: typeof admin, offer: Offer) => {
      const receipt = await wait(await who.publishOffer({ offer }));
      const [log] = await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
      return log!.args.offerId!;
    };
    const licenseOf = async (who: typeof admin, tokenId: bigint) => {
      const { licensed, licenseId } = await who.isLicensed({ tokenId, licensee: who.account.address, region: "FR" });
      if (!licensed) throw new Error(`fixture: ${who.account.address} holds no licence of ${hex(tokenId)} in FR`);
      return licenseId;
    };

    // Offer 1 on the pattern, accepted by #2, #3 and #4.
    const offer: Offer = {
      terms: licenseTerms({
        tokenId: BigInt(pattern),
        regions: regionMask(["DE", "FR"]),
        flags: LicenseFlags.COMMERCIAL | LicenseFlags.AI_TRAINING | LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH,
        currency: zeroAddress,
        unitRoyalty: parseEther("0.0001"),
        unitCap: 0n,
        renewalPrice: parseEther("0.005"),
        termsDigest: keccak256(toHex("Motif standard textile licence v1")),
        termsCodec: 0x55,
      }),
      window: { start: 0, end: 0, duration: 90 * 86400 },
      pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 10,
      deadline: 2 ** 32,
      nonce: 0n,
      licensee: zeroAddress,
    };
    const offerId = await publish(generator, offer);
    for (const who of [a2, a3, a4]) await wait(await who.acceptOffer({ offerId, maxPrice: offer.pricing.price }));
    const [license2, license3, license4] = [await licenseOf(a2, BigInt(pattern)), await licenseOf(a3, BigInt(pattern)), await licenseOf(a4, BigInt(pattern))];
    await wait(await a2.reportUsage({ licenseId: license2, licensee: a2.account.address, region: "FR", productClass: 24, units: 10n }));
    await wait(await admin.flagBreach({ licenseId: license3, evidenceDigest: keccak256(toHex("fixture evidence")) }));
    await wait(await a4.transferLicense({ licenseId: license4, to: a3.account.address }));

    // The recipe, certified by its author #4 and licensed to #2.
    const recipe = validateRecipe(
      { format: "motif-recipe/1", name: "Indigo lattice", author: getAddress(a4.account.address), model: { name: "indigo", weightsDigest: manifest[0]!.sha256 }, params: { scale: 3, sharpness: 7 } },
      manifest,
    );
    const recipeDigest = recipeBytes(recipe).digest;
    const certified = await certifyRecipe({ wallet: w4!, publicClient, certificate: addresses.certificate, store }, { recipe, modelId: modelIds.indigo!, shareBps: 1500, royaltyBps: 250 });
    const recipeId = recipeIdOf(recipe.author, recipeDigest);
    if (certified.tokenId !== recipeId) throw new Error("fixture: the recipe's id is not recipeIdOf(author, digest)");
    const recipeOffer = await publish(a4, { ...offer, terms: licenseTerms({ ...offer.terms, tokenId: recipeId, flags: LicenseFlags.COMMERCIAL, unitRoyalty: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("Motif standard recipe licence v1")) }), window: { start: 0, end: 0, duration: 365 * 86400 }, pricing: { ...offer.pricing, price: parseEther("0.02") } });
    await wait(await a2.acceptOffer({ offerId: recipeOffer, maxPrice: parseEther("0.02") }));

    // #2's training dataset of the pattern (licensed for AI training in FR), certified by #2.
    const exported = await exportDataset({ client: publicClient, addresses, licensee: getAddress(a2.account.address), region: "FR", tokenIds: [BigInt(pattern)], store });
    if (exported.manifest.members.length !== 1) throw new Error(`fixture: the dataset has ${exported.manifest.members.length} members (refused: ${JSON.stringify(exported.refused)})`);
    const dataset = await certifyDataset({ wallet: w2!, publicClient, certificate: addresses.certificate, store }, { manifest: exported.manifest, royaltyBps: 0 });

    let snapshot = (await connection.provider.request({ method: "evm_snapshot", params: [] })) as string;
    // The indexer, as `npm start` runs it; polling fast so it follows each example's revert.
    const indexer = await startIndexer({ rpcUrl: server.url, chainId, startBlock: record.startBlock, addresses, stateDir: path.join(dir, "index"), port: 0, pollingMs: 200 });
    closers.push(() => indexer.stop());
    await indexer.ready(180_000);
    return {
      rpcUrl: server.url,
      gatewayUrl,
      indexerUrl: indexer.url,
      ids: {
        pattern,
        imageCid: result.pinned.imageCid.toString(),
        metadataCid: result.pinned.metadataCid.toString(),
        offer: offerId,
        license2,
        license3,
        license4,
        recipeDigest,
        recipe: recipeId,
        recipeOffer,
        dataset: dataset.tokenId,
      },
      revert: async () => {
        const ok = await connection.provider.request({ method: "evm_revert", params: [snapshot] });
        if (ok !== true) throw new Error(`evm_revert(${snapshot}) failed`);
        snapshot = (await connection.provider.request({ method: "evm_snapshot", params: [] })) as string;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
