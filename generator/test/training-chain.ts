import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, keccak256, toHex, zeroAddress } from "viem";

import { type ModelCard, type Offer, LicenseFlags, encodeModelCard, licenseTerms, modelCardDigest, modelRegistration, motifActions, parseModelCard, regionMask, tokenIdHex, trainingLineageOf } from "@motif/sdk";
import { certifyDataset } from "../src/certify.js";
import { exportDataset } from "../src/dataset/export.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { addModel, loadManifestSync } from "../src/model/manifest.js";
import { runPipeline } from "../src/pipeline.js";
import { MODELS_DIR } from "../src/render/render.js";
import { deployMotif } from "../../scripts/lib/deploy.js";
import { chainTestPipeline, motifTempDir } from "../../test/ts/helpers/pipeline.js";

/**
 * A chain for the training-lineage tests: Motif deployed, an IPFS store and a models folder;
 * `register` pins and registers a card's weights, `mint` renders and mints through the pipeline, and
 * `licensedDataset` mints an indigo pattern, licenses it for AI training to the curator (account #2)
 * and has the curator export and certify it as a dataset.
 */
export async function trainingChain(label: string) {
  const connection = await network.create();
  const publicClient = await connection.viem.getPublicClient();
  const [adminW, generatorW, curatorW] = await connection.viem.getWalletClients();
  const { registry, record } = await deployMotif(connection, { attesters: [generatorW!.account.address] });
  const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
  const [owner, curator] = [generatorW!, curatorW!].map((w) => w.extend(motifActions({ addresses })));
  const store = new EmbeddedIpfs(motifTempDir(`${label}-chain-ipfs`));
  const modelsDir = motifTempDir(`${label}-chain-models`);
  await writeFile(path.join(modelsDir, "models.json"), "[]\n");
  const shipped = loadManifestSync(MODELS_DIR);
  const chainId = await publicClient.getChainId();
  const now = (await publicClient.getBlock()).timestamp;

  /** Pins weights and card, adds them to the models folder and registers them (the card's lineage as is); the model id. */
  const register = async (card: ModelCard, weights: Uint8Array, modelOwner: string): Promise<number> => {
    const weightsCid = await store.add(weights);
    await store.add(encodeModelCard(card));
    await addModel(modelsDir, card, weights);
    await publicClient.waitForTransactionReceipt({
      hash: await registry.write.registerModel([
        modelRegistration({ owner: getAddress(modelOwner), weightsDigest: card.weights.digest, weightsCidDigest: toHex(weightsCid.multihash.digest), weightsCidCodec: weightsCid.code, royaltyBps: 0, name: card.name, version: card.version, cardDigest: modelCardDigest(card), ...(card.training !== null ? { training: trainingLineageOf(card) } : {}) }),
      ]),
    });
    return Number(await registry.read.modelIdByWeights([card.weights.digest]));
  };
  /** A shipped model's weights (by its card's digest). */
  const shippedWeights = (card: ModelCard) => readFile(path.join(MODELS_DIR, shipped.find((m) => m.sha256 === card.weights.digest)!.file));
  const defaults = (name: string) => Object.fromEntries(shipped.find((m) => m.name === name)!.params.map((d) => [d.name, d.default]));
  /** Renders and mints a 64² pattern; its token id. */
  const mint = async (model: string, modelIds: Record<string, number>, seed: bigint, params: Record<string, number> = defaults("indigo")): Promise<bigint> => {
    const result = await runPipeline(chainTestPipeline({ store, generator: generatorW!, publicClient, chainId, certificate: addresses.certificate, modelIds, now, modelsDir }), { model, seed, params, width: 64, height: 64 });
    if (result.status !== "minted") throw new Error(`mint ${model}: ${result.status}`);
    return BigInt(result.rendered.contentDigest);
  };
  /** An indigo pattern licensed for AI training to the curator, exported and certified by it as a one-member dataset. */
  const licensedDataset = async () => {
    const indigoCard = parseModelCard(await readFile(path.join(MODELS_DIR, "indigo.card.json")));
    const indigoId = await register(indigoCard, await shippedWeights(indigoCard), adminW!.account.address);
    const member = await mint("indigo", { indigo: indigoId }, 11n);
    const offer: Offer = {
      terms: licenseTerms({ tokenId: member, regions: regionMask(["FR"]), flags: LicenseFlags.AI_TRAINING, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("training terms")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 365 * 86400 },
      pricing: { price: 0n, ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 1,
      deadline: Number(now) + 3600,
      nonce: 1n,
      licensee: zeroAddress,
    };
    await publicClient.waitForTransactionReceipt({ hash: await curator!.acceptOffer({ signed: await owner!.signOffer({ offer }), maxPrice: 0n }) });
    const exported = await exportDataset({ client: publicClient, addresses, licensee: getAddress(curatorW!.account.address), region: "FR", tokenIds: [member], store });
    const dataset = await certifyDataset({ wallet: curatorW!, publicClient, certificate: addresses.certificate, store }, { manifest: exported.manifest, royaltyBps: 0 });
    return { member, exported, dataset, datasetIdHex: tokenIdHex(dataset.tokenId) };
  };
  return { connection, publicClient, adminW: adminW!, generatorW: generatorW!, curatorW: curatorW!, registry, addresses, store, modelsDir, shipped, register, shippedWeights, defaults, mint, licensedDataset };
}
