import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { type Address, type Client, type Hex, bytesToHex, concat, hexToBytes, keccak256, toHex, zeroHash } from "viem";
import { getBlock, readContract } from "viem/actions";

import { getEventLogs } from "../actions/events/getEventLogs.js";

import { motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi } from "../abis/index.js";
import { getCertificate } from "../actions/certificates/getCertificate.js";
import { getRecipe } from "../actions/recipes/getRecipe.js";
import { motifErrorOf } from "../errors.js";
import { tokenIdHex } from "../ids.js";
import { fetchVerified } from "../ipfs/fetchVerified.js";
import { checkModelParams } from "../params/modelParams.js";
import type { ColourwaySpec } from "../params/colourway.js";
import { type PrintSpec, describePrintSpec, pixelsPerMetre, pngPhysOf, renderParamsHash } from "../params/printSpec.js";
import type { ModelCard } from "../metadata/modelCard.js";
import { getModelCard } from "../actions/models/getModelCard.js";
import { getDatasetManifest } from "../actions/datasets/getDatasetManifest.js";
import { type DatasetManifest, verifyDataset } from "../actions/datasets/verifyDataset.js";
import { type C2paAction, type CertificateMetadata, parseCertificateMetadata } from "../metadata/certificateMetadata.js";
import { hammingDistance256 } from "../hamming.js";
import { sha256Digest } from "../ipfs/sha256.js";
import type { RawImage } from "../pdq/pdq.js";
import { TILE_MIN_ENERGY, TILE_MIN_SPREAD, TILE_VERIFY_TOLERANCE, tileHashPixels } from "../tile/tileHash.js";

/**
 * What became of one check:
 * - `passed`: checked, and it holds;
 * - `failed`: checked, and it does not hold (`reason` says why): the certificate is not verified;
 * - `notChecked`: not checked (`reason` says why: a piece the caller did not give, such as a PDQ
 *   hasher or a renderer, or an earlier item that failed); the verdict names it but still passes;
 * - `warning`: checked, holds, but something a buyer should know changed since minting (a model
 *   deprecated, licences expired); it never fails the verdict.
 */
export type VerificationStatus = "passed" | "failed" | "notChecked" | "warning";

/** One line of a verification report. `reason` is set for every status but `passed`. */
export type VerificationItem = { id: string; title: string; status: VerificationStatus; evidence: Record<string, unknown>; reason?: string };

export type VerificationReport = {
  tokenId: bigint;
  /** True when no item failed (items not checked and warnings are listed, not failures). */
  passed: boolean;
  /** Items not checked, with why. */
  notChecked: { id: string; reason: string }[];
  /** Items that passed with a warning. */
  warnings: { id: string; reason: string }[];
  /** The verdict in one sentence: verified or not, and what was not checked. */
  summary: string;
  items: VerificationItem[];
};

/** A request to re-render a pattern: the weights (fetched by their CID and checked against the registry) and the lineage's render inputs. */
export type RerenderRequest = {
  weights: Uint8Array;
  model: string;
  seed: bigint;
  params: Record<string, number>;
  width: number;
  height: number;
  /** The print spec of the lineage (repeat, size, DPI): the re-render must use it (absent: a plain render). */
  print?: PrintSpec;
  /** The colourway of the lineage (design and colour map): the re-render must recolour by it (absent: none). */
  colourway?: ColourwaySpec;
  /** The model's verified card (its I/O contract, latent and behaviour), when the modelCard item passed. */
  card?: ModelCard;
};

/** What a re-run of a model's training gets: its verified card, and its dataset's member images, each checked against its CID. */
export type RetrainRequest = { card: ModelCard; datasetId: bigint; dataRoot: Hex; images: Array<{ tokenId: Hex; imageDigest: Hex; bytes: Uint8Array }> };

export type VerifyCertificateParameters = {
  addresses: { certificate: Address; registry: Address; licensing: Address };
  tokenId: bigint;
  /** A trustless IPFS gateway (raw blocks and CARs); nothing it returns is trusted unverified. */
  gateway: string;
  /**
   * PDQ hasher: encoded image bytes (PNG) → 64 hex digits. Without it the `pdq` item is not checked,
   * and the re-render is compared byte for byte only. In a browser pass the SDK's `browserPdq`
   * (decodes with `createImageBitmap`); in Node the generator's `pdqHashImage` (sharp);
   * `pdqHashPixels` hashes decoded pixels anywhere.
   */
  pdq?: (image: Uint8Array) => Promise<string>;
  /**
   * Renderer: re-renders the pattern from the registered weights and returns the encoded image
   * (Node: the generator's `render`; a browser: a generator API's `/v1/render`). Without it the
   * `rerender` item is not checked.
   */
  rerender?: (request: RerenderRequest) => Promise<Uint8Array>;
  /**
   * Image decoder: encoded bytes → 8-bit pixels, for the `tile` item (the tile hash is computed from
   * pixels by the SDK's `tileHashPixels`). A browser: the SDK's `decodeImageInBrowser`; Node: the
   * generator's `decodeImage` (sharp). Without it the `tile` item is not checked.
   */
  decode?: (image: Uint8Array) => Promise<RawImage>;
  /**
   * Trainer (optional, slow: minutes at a studio's full configuration): re-runs the model's training
   * on its dataset certificate's member images with the card's config and returns the weights'
   * sha-256 (Node: the generator's `retrainWeightsDigest`), or undefined when it cannot re-run that
   * card's trainer. Without it, for another trainer, or for a model trained on data that is not a
   * dataset certificate, the `retraining` item is not checked.
   */
  retrain?: (request: RetrainRequest) => Promise<Hex | undefined>;
};
export type VerifyCertificateReturnType = VerificationReport;

const CID_RE = /^ipfs:\/\/(b[a-z2-7]+)$/;
const MODEL_ACTIVE = 1;
const MODEL_DEPRECATED = 2;
const LICENSE_ACTIVE = 1;
const PERPETUAL = 2n ** 40n - 1n;

/** `o[key]` when `o` is an object (any JSON value may come back from a gateway). */
const field = (o: unknown, key: string): unknown => (typeof o === "object" && o !== null ? (o as Record<string, unknown>)[key] : undefined);
/** The `motif.lineage` fields of any JSON value, each `unknown` until compared. */
const lineageFields = (doc: unknown): Record<string, unknown> => {
  const lineage = field(field(doc, "motif"), "lineage");
  return typeof lineage === "object" && lineage !== null ? (lineage as Record<string, unknown>) : {};
};
/** A metadata `recipeId` as a number to compare with the chain's (absent: 0; not a number: -1, which matches none). */
const recipeIdOfField = (v: unknown): bigint => {
  if (v === undefined) return 0n;
  try {
    return typeof v === "string" ? BigInt(v) : -1n;
  } catch {
    return -1n;
  }
};
/** Every action of the document's `c2pa.actions` assertions. */
const c2paActions = (doc: CertificateMetadata): C2paAction[] =>
  doc.c2pa.assertions.flatMap((a) => (a.label === "c2pa.actions" ? (a.data as { actions: C2paAction[] }).actions : []));

/** Thrown inside a check: the item is not checked, for this reason. */
class NotChecked {
  constructor(readonly reason: string) {}
}
/** Returned by a check: the item holds, with a warning. */
type Checked = Record<string, unknown> | { evidence: Record<string, unknown>; warning: string };

/**
 * An auditor's check of a certificate from nothing but a chain RPC and an IPFS gateway, item by
 * item with evidence; each item `passed`, `failed`, `notChecked` (with why) or `warning`:
 *
 * | id | checks |
 * | --- | --- |
 * | `attestation` | the attester held the role, and the model was registered and active, at mint time |
 * | `metadata` | the metadata fetched by its CID hashes to the on-chain digest; its lineage equals the on-chain lineage; it is a pattern's metadata document (`parseCertificateMetadata`: a bad field is named) |
 * | `model` | every model field of the metadata (model id, name, version, weights digest, in the lineage, the C2PA action and the attributes) equals the model registry's |
 * | `modelStatus` | warning when the model was deprecated after minting |
 * | `modelCard` | the model card fetched by its registered digest names the registered weights, name and version, and declares the pattern's params |
 * | `training` | the card's training lineage equals the registry's; for a dataset certificate, its manifest's members each had a live AI-training licence to its curator (`verifyDataset`) |
 * | `retraining` | (trained models) re-running the training on the dataset certificate's member images (each fetched and checked by its CID) with the card's config gives the registered weights digest; not checked for raw-root training data or without `retrain` |
 * | `recipe` | (patterns from a recipe) the recipe certificate is for the same model and the recipe's params (with the pattern's print spec, if any) hash to the lineage's |
 * | `image` | the image fetched by its CID (every block of a chunked file checked) hashes to the on-chain content digest; a print tile's PNG states its DPI (`pHYs`) |
 * | `pdq` | PDQ recomputed from the image equals the on-chain PDQ (needs `pdq`) |
 * | `tile` | the tile hash recomputed from the image is within `TILE_VERIFY_TOLERANCE` bits of the attested one; for a certificate attested before tile hashes (zero), computed on the fly and reported (needs `decode`) |
 * | `rerender` | the weights fetched by their CID match the registered digest, the metadata's params and print spec hash to the lineage's `paramsHash`, and re-rendering with them reproduces the image (needs `rerender`) |
 * | `editLog` | `EditLogged` events replay to the on-chain head, and the metadata's edit log lists every edit up to the one that set it |
 * | `licenses` | licence history from events (grants, usage, revenue), summed; warning when licences have expired |
 *
 * Every byte from the gateway is checked against its CID (`fetchVerified`): raw blocks and chunked
 * UnixFS files (images of print size, weights) alike.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { verifyCertificate } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const report = await verifyCertificate(client, {
 *   addresses: { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707" },
 *   tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"),
 *   gateway: "http://127.0.0.1:8081",
 *   // optional, to check everything: a PDQ hasher, an image decoder and a renderer (see `pdq`, `decode` and `rerender`)
 *   // pdq: async (png) => (await pdqHashImage(png)).hash,
 *   // decode: decodeImage,
 *   // rerender: async (r) => (await render(r, { modelBytes: r.weights })).png,
 * });
 * console.log(report.summary); // "verified; not checked: pdq (no PDQ hasher given (pass `pdq`)), tile (no image decoder given (pass `decode`)), rerender (no renderer given (pass `rerender`))"
 * for (const item of report.items) console.log(item.status, item.title, item.reason ?? "");
 */
export async function verifyCertificate(client: Client, p: VerifyCertificateParameters): Promise<VerifyCertificateReturnType> {
  const items: VerificationItem[] = [];
  const item = async (id: string, title: string, check: () => Promise<Checked>) => {
    try {
      const out = await check();
      if ("warning" in out && typeof out.warning === "string" && "evidence" in out) {
        items.push({ id, title, status: "warning", evidence: out.evidence as Record<string, unknown>, reason: out.warning });
      } else {
        items.push({ id, title, status: "passed", evidence: out });
      }
    } catch (error) {
      if (error instanceof NotChecked) items.push({ id, title, status: "notChecked", evidence: {}, reason: error.reason });
      else items.push({ id, title, status: "failed", evidence: {}, reason: (error as Error).message.split("\n")[0]! });
    }
  };
  const passedItem = (id: string) => items.find((i) => i.id === id)?.status === "passed";
  const cert = await getCertificate(client, { certificate: p.addresses.certificate, tokenId: p.tokenId });
  const l = cert.lineage;
  const atMint = { blockNumber: cert.mintBlock };

  await item("attestation", "Attester was a registered generator and the model registered and active at mint time", async () => {
    const role = await readContract(client, { address: p.addresses.certificate, abi: motifCertificateAbi, functionName: "ATTESTER_ROLE" });
    const wasAttester = await readContract(client, { address: p.addresses.certificate, abi: motifCertificateAbi, functionName: "hasRole", args: [role, cert.attester], ...atMint });
    if (!wasAttester) throw new Error(`${cert.attester} did not hold the attester role at block ${cert.mintBlock}`);
    const status = await readContract(client, { address: p.addresses.registry, abi: motifModelRegistryAbi, functionName: "modelStatus", args: [l.modelId], ...atMint });
    if (status !== MODEL_ACTIVE) throw new Error(`model ${l.modelId} was not active at block ${cert.mintBlock} (status ${status})`);
    return { attester: cert.attester, modelId: l.modelId, mintBlock: cert.mintBlock };
  });

  let metadata: CertificateMetadata | undefined;
  await item("metadata", "Metadata fetched by its CID hashes to that CID, and its lineage equals the on-chain lineage", async () => {
    const cid = CID_RE.exec(cert.tokenURI)?.[1];
    if (cid === undefined) throw new Error(`tokenURI ${cert.tokenURI} is not ipfs://<CIDv1>`);
    const stored = await readContract(client, { address: p.addresses.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.tokenId] });
    const bytes = await fetchVerified(p.gateway, { cid, codec: stored.metadataCodec, digest: stored.metadataDigest });
    let json: unknown;
    try {
      json = JSON.parse(new TextDecoder().decode(bytes));
    } catch {
      throw new Error(`the metadata ${cid} matches its CID but is not JSON`);
    }
    // The lineage first, read field by field from whatever came back: the chain's claims are what an
    // auditor asks about, so a document that differs from them says so before any shape error.
    const m = lineageFields(json);
    const mismatches: string[] = [];
    if (m.contentDigest !== l.contentDigest) mismatches.push("contentDigest");
    if (m.modelId !== l.modelId) mismatches.push("modelId");
    if (m.seed !== l.seed.toString()) mismatches.push("seed");
    if (m.paramsHash !== l.paramsHash) mismatches.push("paramsHash");
    if (field(m.pdq, "hash") !== l.pdqHash) mismatches.push("pdqHash");
    // tile hashes came later: metadata without one matches a zero tileHash only
    if ((field(m.tile, "hash") ?? zeroHash) !== l.tileHash) mismatches.push("tileHash");
    if (String(m.creator).toLowerCase() !== l.creator.toLowerCase()) mismatches.push("creator");
    if (recipeIdOfField(m.recipeId) !== l.recipeId) mismatches.push("recipeId");
    if (mismatches.length > 0) throw new Error(`metadata lineage differs from the chain in ${mismatches.join(", ")}`);
    // Then the whole document, against the SDK's schema (MetadataError names the field).
    metadata = parseCertificateMetadata(json);
    return { metadataCid: cid, bytes: bytes.length };
  });

  const registered = await readContract(client, { address: p.addresses.registry, abi: motifModelRegistryAbi, functionName: "getModel", args: [l.modelId] }).catch((error: Error) => error);
  const registeredModel = () => {
    if (registered instanceof Error) throw new Error(`model ${l.modelId} could not be read from the registry (${registered.message.split("\n")[0]})`);
    return registered;
  };

  await item("model", "Every model field of the metadata (id, name, version, weights digest) equals the model registry's", async () => {
    if (metadata === undefined) throw new NotChecked("no verified metadata to compare (see the metadata item)");
    const model = registeredModel();
    const label = `${model.name} ${model.version}`;
    const mismatches: string[] = [];
    const same = (field: string, claimed: unknown, registered: string, caseless = false) => {
      const a = String(claimed);
      if (caseless ? a.toLowerCase() !== registered.toLowerCase() : a !== registered) mismatches.push(`${field} is ${claimed === undefined ? "missing" : JSON.stringify(claimed)}, registered ${JSON.stringify(registered)}`);
    };
    const lm = metadata.motif.lineage.model;
    same("motif.lineage.model.name", lm.name, model.name);
    same("motif.lineage.model.version", lm.version, model.version);
    same("motif.lineage.model.weightsDigest", lm.weightsDigest, model.weightsDigest, true);
    const actions = c2paActions(metadata);
    actions.forEach((a, i) => {
      const params = a.parameters;
      if (params === undefined) return;
      if (params.model !== undefined) same(`c2pa actions[${i}].parameters.model`, params.model, label);
      if (params.weightsDigest !== undefined) same(`c2pa actions[${i}].parameters.weightsDigest`, params.weightsDigest, model.weightsDigest, true);
    });
    for (const a of metadata.attributes) {
      if (a.trait_type === "Model") same(`attributes "Model"`, a.value, label);
    }
    if (mismatches.length > 0) throw new Error(`metadata names another model than registered id ${l.modelId}: ${mismatches.join("; ")}`);
    return { modelId: l.modelId, name: model.name, version: model.version, weightsDigest: model.weightsDigest, c2paActions: actions.length };
  });

  await item("modelStatus", "The model is still active (a warning when deprecated since minting)", async () => {
    const model = registeredModel();
    if (model.status === MODEL_DEPRECATED) {
      const [deprecated] = await getEventLogs(client, { address: p.addresses.registry, abi: motifModelRegistryAbi, eventName: "ModelDeprecated", args: { modelId: l.modelId }, fromBlock: cert.mintBlock, first: true });
      const when = deprecated?.blockNumber !== undefined && deprecated.blockNumber !== null ? ` at block ${deprecated.blockNumber}` : "";
      return {
        evidence: { modelId: l.modelId, status: "deprecated", ...(when ? { deprecatedAtBlock: deprecated!.blockNumber } : {}) },
        warning: `model ${l.modelId} (${model.name} ${model.version}) was deprecated${when}, after this certificate was minted at block ${cert.mintBlock}: no new patterns are minted from it`,
      };
    }
    if (model.status !== MODEL_ACTIVE) throw new Error(`model ${l.modelId} has status ${model.status} (neither active nor deprecated)`);
    return { modelId: l.modelId, status: "active" };
  });

  let card: ModelCard | undefined;
  let trainingManifest: DatasetManifest | undefined;
  await item("modelCard", "The model's card, fetched by its registered digest, describes these weights and the pattern's params", async () => {
    const model = registeredModel();
    const fetched = await getModelCard({ cardDigest: model.cardDigest, gateway: p.gateway });
    const cardCid = fetched.cardCid;
    card = fetched.card;
    if (card.weights.digest.toLowerCase() !== model.weightsDigest.toLowerCase()) throw new Error(`the card describes weights ${card.weights.digest}, the registry ${model.weightsDigest}`);
    if (card.name !== model.name || card.version !== model.version) throw new Error(`the card names "${card.name} ${card.version}", the registry "${model.name} ${model.version}"`);
    if (metadata !== undefined) checkModelParams(card.params, metadata.motif.lineage.params, card.name);
    return { cardCid, io: card.io, seamless: card.behaviour.seamless, params: card.params.map((d) => d.name), trained: card.training !== null };
  });

  await item("training", "The model's training lineage: its card and the registry agree, and a training dataset certificate's members were each licensed for AI training", async () => {
    const model = registeredModel();
    if (card === undefined) throw new NotChecked("no verified model card (see the modelCard item)");
    const t = model.training;
    const declared = t.configDigest !== zeroHash;
    if (card.training === null) {
      if (declared) throw new Error(`the registry records training data ${t.dataRoot}, the card none`);
      return { declared: false };
    }
    const c = card.training;
    const mismatches: string[] = [];
    if (c.dataRoot.toLowerCase() !== t.dataRoot.toLowerCase()) mismatches.push(`dataRoot (card ${c.dataRoot}, registry ${t.dataRoot})`);
    if (c.configDigest.toLowerCase() !== t.configDigest.toLowerCase()) mismatches.push(`configDigest (card ${c.configDigest}, registry ${t.configDigest})`);
    if (c.trainer !== t.trainer) mismatches.push(`trainer (card "${c.trainer}", registry "${t.trainer}")`);
    if ((c.datasetId === undefined ? 0n : BigInt(c.datasetId)) !== t.datasetId) mismatches.push(`datasetId (card ${c.datasetId ?? "none"}, registry ${t.datasetId === 0n ? "none" : tokenIdHex(t.datasetId)})`);
    if (mismatches.length > 0) throw new Error(`the card and the registry differ in ${mismatches.join("; ")}`);
    if (t.datasetId === 0n) return { declared: true, dataRoot: t.dataRoot, certified: false, members: c.members, trainer: t.trainer };
    const { manifest } = await getDatasetManifest(client, { certificate: p.addresses.certificate, datasetId: t.datasetId, gateway: p.gateway });
    const report = await verifyDataset(client, { licensing: p.addresses.licensing, manifest, certificate: p.addresses.certificate });
    const unlicensed = report.members.filter((x) => !x.inclusion || !x.licensed);
    if (!report.root.passed) throw new Error(`dataset ${tokenIdHex(t.datasetId)}: its manifest's members give root ${report.root.recomputed}, not ${report.root.claimed}`);
    if (c.members !== manifest.members.length) throw new Error(`the card says ${c.members} training images, dataset ${tokenIdHex(t.datasetId)} has ${manifest.members.length}`);
    if (unlicensed.length > 0) throw new Error(`dataset ${tokenIdHex(t.datasetId)}: ${unlicensed.length} of ${report.members.length} members not licensed for AI training to its curator (${unlicensed.slice(0, 3).map((x) => `${x.tokenId}: ${x.reason ?? "not in the tree"}`).join("; ")})`);
    trainingManifest = manifest;
    return { declared: true, dataRoot: t.dataRoot, certified: true, datasetId: tokenIdHex(t.datasetId), members: report.members.length, trainer: t.trainer };
  });

  // only for a model whose verified card declares training (a drawn model has nothing to re-run)
  const trainedCard = (card as ModelCard | undefined)?.training != null ? card! : undefined;
  if (trainedCard !== undefined) await item("retraining", "Re-running the model's training on its dataset's member images with its card's config gives the registered weights", async () => {
    const model = registeredModel();
    const card = trainedCard;
    if (card.training === null) throw new NotChecked("the model was not trained (its card declares no training)");
    if (trainingManifest === undefined) throw new NotChecked(model.training.datasetId === 0n ? "the training data is a raw Merkle root, not a dataset certificate: only the studio holds the files (it can re-run `motif model retrain`)" : "no verified dataset manifest (see the training item)");
    if (p.retrain === undefined) throw new NotChecked("no trainer given (pass `retrain`; slow)");
    const images = [];
    for (const m of trainingManifest.members) {
      const parsed = CID.parse(m.imageCid);
      images.push({ tokenId: m.tokenId, imageDigest: m.imageDigest, bytes: await fetchVerified(p.gateway, { cid: m.imageCid, codec: parsed.code, digest: bytesToHex(parsed.multihash.digest) }) });
    }
    const returned = await p.retrain({ card, datasetId: model.training.datasetId, dataRoot: model.training.dataRoot, images });
    if (returned === undefined) throw new NotChecked(`the trainer given cannot re-run "${card.training.trainer}" (the model was trained elsewhere)`);
    const digest = returned.toLowerCase();
    if (digest !== model.weightsDigest.toLowerCase()) throw new Error(`retraining on the ${images.length} member image(s) gives weights ${digest}, the registry has ${model.weightsDigest}`);
    return { weightsDigest: digest, images: images.length, trainer: card.training.trainer, configDigest: card.training.configDigest };
  });

  if (l.recipeId !== 0n) {
    await item("recipe", "Recipe certificate in the lineage is for the same model, and the recipe fetched by its CID hashes to its digest and gives the pattern's params", async () => {
      const recipe = await getRecipe(client, { certificate: p.addresses.certificate, recipeId: l.recipeId });
      if (recipe.modelId !== l.modelId) throw new Error(`recipe ${tokenIdHex(l.recipeId)} is for model ${recipe.modelId}, the pattern used model ${l.modelId}`);
      const cid = metadata?.motif.lineage.recipe?.cid;
      if (cid === undefined) throw new Error("metadata names no recipe CID (motif.lineage.recipe.cid)");
      const parsed = CID.parse(cid);
      // a raw block's CID digest is the recipe digest; a chunked file is checked block by block, then as a whole
      const bytes = await fetchVerified(p.gateway, { cid, codec: parsed.code, digest: parsed.code === 0x55 ? recipe.recipeDigest : bytesToHex(parsed.multihash.digest) });
      const recipeSha = await sha256Digest(bytes);
      if (recipeSha !== recipe.recipeDigest) throw new Error(`the recipe fetched by ${cid} hashes to ${recipeSha}, the recipe certificate's digest is ${recipe.recipeDigest}`);
      const doc = JSON.parse(new TextDecoder().decode(bytes)) as { params?: Record<string, number> };
      // rendered for print: the lineage's hash covers the recipe's params with the print spec
      const paramsHash = renderParamsHash(doc.params ?? {}, metadata?.motif.lineage.print, metadata?.motif.lineage.colourway);
      if (paramsHash !== l.paramsHash) throw new Error(`the recipe's params${metadata?.motif.lineage.print !== undefined ? " with the print spec" : ""} hash to ${paramsHash}, the pattern's lineage has ${l.paramsHash}`);
      return { recipeId: tokenIdHex(l.recipeId), recipeCid: cid, author: recipe.author, owner: recipe.owner, shareBps: recipe.shareBps };
    });
  }

  let image: Uint8Array | undefined;
  await item("image", "Image fetched by its CID (every block checked) hashes to the on-chain content digest", async () => {
    if (metadata === undefined) throw new NotChecked("no verified metadata to find the image in (see the metadata item)");
    const cid = CID_RE.exec(metadata.image)?.[1];
    if (cid === undefined) throw new Error(`metadata image ${metadata.image} is not ipfs://<CIDv1>`);
    const parsed = CID.parse(cid);
    const bytes = await fetchVerified(p.gateway, { cid, codec: parsed.code, digest: bytesToHex(parsed.multihash.digest) });
    const digest = await sha256Digest(bytes);
    if (digest !== l.contentDigest) throw new Error(`image sha-256 ${digest} differs from the content digest ${l.contentDigest}`);
    image = bytes;
    const print = metadata.motif.lineage.print;
    if (print !== undefined) {
      // the file a mill prints from must say its resolution: PNG pHYs, pixels per metre, unit metre
      const phys = pngPhysOf(bytes);
      const want = pixelsPerMetre(print.dpi);
      if (phys === undefined || phys.unit !== 1 || phys.x !== want || phys.y !== want) {
        throw new Error(`the PNG's pHYs chunk is ${phys === undefined ? "missing" : `${phys.x}x${phys.y} per ${phys.unit === 1 ? "metre" : "unit"}`}; the print spec's ${print.dpi} DPI is ${want} pixels per metre`);
      }
    }
    return { imageCid: cid, sha256: digest, bytes: bytes.length, blocks: parsed.code === 0x55 ? 1 : "chunked (dag-pb), every block checked", ...(print !== undefined ? { print: describePrintSpec(print) } : {}) };
  });

  await item("pdq", "PDQ recomputed from the image equals the on-chain PDQ", async () => {
    if (p.pdq === undefined) throw new NotChecked("no PDQ hasher given (pass `pdq`)");
    if (image === undefined) throw new NotChecked("no verified image to hash (see the image item)");
    const pdq = `0x${(await p.pdq(image)).replace(/^0x/, "")}`;
    if (pdq !== l.pdqHash) throw new Error(`PDQ ${pdq} differs from the on-chain ${l.pdqHash}`);
    return { pdq };
  });

  await item("tile", "Tile hash recomputed from the image matches the attested tile hash", async () => {
    if (p.decode === undefined) throw new NotChecked("no image decoder given (pass `decode`)");
    if (image === undefined) throw new NotChecked("no verified image to hash (see the image item)");
    const pixels = await p.decode(image);
    if (pixels.width < 8 || pixels.height < 8) {
      if (l.tileHash !== zeroHash) throw new Error(`tile hash ${l.tileHash} attested for a ${pixels.width}x${pixels.height} image, under the 8x8 a tile hash needs`);
      return { attested: false, note: `none attested, none expected: the image is ${pixels.width}x${pixels.height}, under the 8x8 a tile hash needs; screening relies on PDQ for it` };
    }
    const computed = tileHashPixels(pixels);
    const tileHash = `0x${computed.hash}`;
    if (l.tileHash === zeroHash) {
      const note = computed.reliable
        ? "certified before tile hashes: computed on the fly (screening can use it; nothing to compare)"
        : computed.spread < TILE_MIN_SPREAD
          ? `none attested, none expected: the image's spectrum is too sparse for a tile hash (${computed.spread} of 256 frequencies hold 95% of its energy, under ${TILE_MIN_SPREAD}: plain stripes); screening relies on PDQ for it`
          : `none attested, none expected: the image is nearly flat (structure energy ${computed.energy}, under ${TILE_MIN_ENERGY}); screening relies on PDQ for it`;
      return { attested: false, note, tileHash, period: computed.period };
    }
    const distance = hammingDistance256(computed.hash, l.tileHash.slice(2));
    if (distance > TILE_VERIFY_TOLERANCE) {
      // a certificate made while an earlier reading was current attests the hash as it was then read
      // (`TileHashReading`): newest first
      for (const reading of [2, 1] as const) {
        const before = tileHashPixels(pixels, { reading });
        if (before.hash === computed.hash) continue;
        const beforeDistance = hammingDistance256(before.hash, l.tileHash.slice(2));
        if (beforeDistance > TILE_VERIFY_TOLERANCE) continue;
        const evidence = { attested: true, tileHash: `0x${before.hash}`, reading, distance: beforeDistance, period: before.period, today: tileHash };
        // as telling as it was then (the image item binds the bytes): reading 3 changed only how an
        // elongated image's period is searched and how a fractional period's windows are read
        if (reading === 2) return { ...evidence, note: `matches as read before December 2026 (reading 2: one period window, an elongated image's short side searched at the long side's reduction), when the certificate was made; today's tile hash is ${tileHash}` };
        // a warning, not a pass: such tiles then hashed nearly alike (the parity pattern), so the match
        // says little of which half-drop or brick design this is (the image item binds the bytes)
        return {
          evidence,
          warning: `the attested tile hash matches this image's only as computed before step 4b (a half-drop or brick tile): such tiles then hashed nearly alike, so it tells this design from few others; today's tile hash is ${tileHash}`,
        };
      }
      throw new Error(`tile hash ${tileHash} is ${distance} bits from the attested ${l.tileHash} (at most ${TILE_VERIFY_TOLERANCE} allowed)`);
    }
    return { attested: true, tileHash, distance, period: computed.period };
  });

  await item("rerender", "Model fetched by its weights CID matches the registered digest, and re-rendering reproduces the image", async () => {
    if (p.rerender === undefined) throw new NotChecked("no renderer given (pass `rerender`)");
    if (metadata === undefined) throw new NotChecked("no verified metadata to read the render parameters from (see the metadata item)");
    const model = registeredModel();
    const weightsCid = CID.createV1(model.weightsCidCodec, Digest.create(0x12, hexToBytes(model.weightsCidDigest))).toString();
    const weights = await fetchVerified(p.gateway, { cid: weightsCid, codec: model.weightsCidCodec, digest: model.weightsCidDigest });
    const weightsSha = await sha256Digest(weights);
    if (weightsSha !== model.weightsDigest) throw new Error(`weights hash to ${weightsSha}, registered ${model.weightsDigest}`);
    const m = metadata.motif.lineage;
    const params = m.params;
    // a print spec and a colourway are part of the hashed params: a document that drops or alters them fails here
    const paramsHash = renderParamsHash(params, m.print, m.colourway);
    const extras = [m.print !== undefined ? "print spec" : "", m.colourway !== undefined ? "colourway" : ""].filter((x) => x !== "");
    if (paramsHash !== l.paramsHash) throw new Error(`metadata params${extras.length > 0 ? ` and ${extras.join(" and ")}` : ""} hash to ${paramsHash}, on-chain ${l.paramsHash}`);
    const png = await p.rerender({ weights, model: model.name, seed: l.seed, params, width: m.width, height: m.height, ...(m.print !== undefined ? { print: m.print } : {}), ...(m.colourway !== undefined ? { colourway: m.colourway } : {}), ...(card !== undefined ? { card } : {}) });
    const rerenderedDigest = await sha256Digest(png);
    const identicalBytes = rerenderedDigest === l.contentDigest;
    if (identicalBytes) return { weightsCid, identicalBytes, pixelDigest: rerenderedDigest };
    if (p.pdq === undefined) throw new NotChecked(`the re-render differs byte for byte (${rerenderedDigest}) and no PDQ hasher was given to compare it perceptually (pass \`pdq\`)`);
    const distance = hammingDistance256((await p.pdq(png)).replace(/^0x/, ""), l.pdqHash.slice(2));
    if (distance > 8) throw new Error(`re-render differs: PDQ distance ${distance} > 8`);
    return { weightsCid, pdqDistance: distance, pixelDigest: rerenderedDigest, identicalBytes };
  });

  await item("editLog", "Edit-log events replay to the on-chain head, and the metadata's edit log lists every edit up to the one that set it", async () => {
    const edits = await getEventLogs(client, { address: p.addresses.certificate, abi: motifCertificateAbi, eventName: "EditLogged", args: { tokenId: p.tokenId }, fromBlock: cert.mintBlock });
    let head: Hex = zeroHash;
    for (const e of edits) head = keccak256(concat([head, e.args.stepDigest!]));
    if (head !== cert.editHead) throw new Error(`replayed head ${head} differs from the on-chain ${cert.editHead}`);
    // The edit that set the current metadata: `logEdit` emits `MetadataUpdate` right after its `EditLogged`.
    const updates = (await getEventLogs(client, { address: p.addresses.certificate, abi: motifCertificateAbi, eventName: "MetadataUpdate", fromBlock: cert.mintBlock })).filter(
      (u) => u.args._tokenId === p.tokenId,
    );
    let setBy = -1;
    for (const u of updates) {
      const i = edits.findIndex((e) => e.transactionHash === u.transactionHash && e.logIndex === u.logIndex! - 1);
      if (i > setBy) setBy = i;
    }
    const expected = edits.slice(0, setBy + 1).map((e) => e.args.stepDigest!.toLowerCase());
    if (!passedItem("metadata") || metadata === undefined) {
      throw new NotChecked(`the chain's ${edits.length} edits replay to the head, but there is no verified metadata to compare its edit log with (see the metadata item)`);
    }
    const claimed = metadata.motif.lineage.editLog;
    const setter = setBy < 0 ? "the mint" : `edit ${setBy + 1} (transaction ${edits[setBy]!.transactionHash})`;
    if (!Array.isArray(claimed)) {
      throw new Error(`the metadata has no edit log (motif.lineage.editLog); set by ${setter}, it must list the chain's ${expected.length} edits up to it`);
    }
    const listed = claimed.map((s) => s.toLowerCase());
    const firstDiff = expected.findIndex((s, i) => listed[i] !== s);
    if (firstDiff >= 0 || listed.length !== expected.length) {
      const where =
        firstDiff >= 0
          ? `edit ${firstDiff + 1} on chain is ${expected[firstDiff]}, the metadata's edit log has ${listed[firstDiff] ?? "nothing"} there`
          : `it lists ${listed.length - expected.length} more step(s) than were logged on chain`;
      throw new Error(`the metadata's edit log (${listed.length} steps) differs from the chain's ${expected.length} edits up to ${setter}, which set this metadata: ${where}`);
    }
    return { steps: edits.length, head, metadataSteps: expected.length, metadataSetBy: setBy < 0 ? "mint" : edits[setBy]!.transactionHash };
  });

  await item("licenses", "License history from events (grants, usage, revenue), summed; a warning when licences have expired", async () => {
    const grants = await getEventLogs(client, { address: p.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId: p.tokenId }, fromBlock: cert.mintBlock });
    const ids = grants.map((g) => g.args.licenseId!);
    let units = 0n;
    let usageRevenue = 0n;
    if (ids.length > 0) {
      const usage = await getEventLogs(client, { address: p.addresses.licensing, abi: motifLicensingAbi, eventName: "UsageReported", args: { licenseId: ids }, fromBlock: cert.mintBlock });
      for (const u of usage) {
        units += u.args.units!;
        usageRevenue += u.args.amount!;
      }
    }
    const sales = grants.reduce((s, g) => s + g.args.price!, 0n);
    const evidence: Record<string, unknown> = { licenses: grants.length, unitsReported: units.toString(), salesRevenue: sales.toString(), usageRevenue: usageRevenue.toString(), currencyOfFirst: grants[0]?.args.currency ?? toHex(0, { size: 20 }) };
    if (ids.length === 0) return evidence;
    const now = (await getBlock(client, { blockTag: "latest" })).timestamp;
    const expired: { licenseId: Hex; end: string }[] = [];
    let superseded = 0;
    for (const id of ids) {
      // A licence whose holder's slot was reused after it ended, was revoked or moved away reads as
      // unknown: it is over, which is history, not a failure of the certificate.
      const license = await readContract(client, { address: p.addresses.licensing, abi: motifLicensingAbi, functionName: "getLicense", args: [id] }).catch((error: unknown) => {
        if (motifErrorOf(error)?.errorName === "MotifLicensingUnknownLicense") return undefined;
        throw error;
      });
      if (license === undefined) {
        superseded++;
        continue;
      }
      const end = BigInt(license.end);
      if (license.status === LICENSE_ACTIVE && end !== PERPETUAL && end <= now) expired.push({ licenseId: tokenIdHex(id), end: new Date(Number(end) * 1000).toISOString() });
    }
    evidence.expired = expired;
    evidence.superseded = superseded;
    if (expired.length === 0) return evidence;
    return {
      evidence,
      warning: `${expired.length} of ${ids.length} licence${ids.length === 1 ? "" : "s"} have expired: ${expired.map((e) => `${e.licenseId} (ended ${e.end})`).join(", ")}`,
    };
  });

  const failed = items.filter((i) => i.status === "failed");
  const notChecked = items.filter((i) => i.status === "notChecked").map((i) => ({ id: i.id, reason: i.reason! }));
  const warnings = items.filter((i) => i.status === "warning").map((i) => ({ id: i.id, reason: i.reason! }));
  const summary = [
    failed.length === 0 ? "verified" : `NOT verified: failed ${failed.map((i) => `${i.id} (${i.reason})`).join(", ")}`,
    ...(notChecked.length > 0 ? [`not checked: ${notChecked.map((n) => `${n.id} (${n.reason})`).join(", ")}`] : []),
    ...(warnings.length > 0 ? [`warnings: ${warnings.map((w) => `${w.id} (${w.reason})`).join(", ")}`] : []),
  ].join("; ");
  return { tokenId: p.tokenId, passed: failed.length === 0, notChecked, warnings, summary, items };
}
