import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";
import { type Address, type Client, type Hex, bytesToHex, concat, hexToBytes, keccak256, toHex, zeroHash } from "viem";
import { getContractEvents, readContract } from "viem/actions";

import { motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi } from "../abis/index.js";
import { getCertificate } from "../actions/certificates/getCertificate.js";
import { getRecipe } from "../actions/recipes/getRecipe.js";
import { tokenIdHex } from "../ids.js";
import { fetchVerified } from "../ipfs/fetchVerified.js";
import { canonicalJson } from "../canonical.js";
import { hammingDistance256 } from "../hamming.js";
import { sha256Digest } from "../ipfs/sha256.js";

/** One line of a verification report. */
export type VerificationItem = { id: string; title: string; passed: boolean; evidence: Record<string, unknown>; reason?: string };

export type VerificationReport = { tokenId: bigint; passed: boolean; items: VerificationItem[] };

export type VerifyCertificateParameters = {
  addresses: { certificate: Address; registry: Address; licensing: Address };
  tokenId: bigint;
  /** A trustless IPFS gateway (raw blocks); nothing it returns is trusted unverified. */
  gateway: string;
  /** PDQ of image bytes, 64 hex digits (Node callers pass the generator's; browsers may omit it). */
  pdq?: (image: Uint8Array) => Promise<string>;
  /** Re-renders a pattern with the given model weights (Node callers pass the generator's renderer). */
  rerender?: (request: { weights: Uint8Array; model: string; seed: bigint; params: Record<string, number>; width: number; height: number }) => Promise<Uint8Array>;
  fromBlock?: bigint;
};

const CID_RE = /^ipfs:\/\/(b[a-z2-7]+)$/;

/**
 * An auditor's check of a certificate from nothing but a chain RPC and an IPFS gateway, item by
 * item with evidence: attester and model at mint time, metadata and image against their on-chain
 * digests (fetched trustlessly), PDQ, edit log replay, license history.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { verifyCertificate } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const report = await verifyCertificate(client, {
 *   addresses: { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", licensing: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0" },
 *   tokenId: 1n,
 *   gateway: "http://127.0.0.1:8081",
 * });
 * for (const item of report.items) console.log(item.passed ? "pass" : "FAIL", item.title, item.reason ?? "");
 */
export async function verifyCertificate(client: Client, p: VerifyCertificateParameters): Promise<VerificationReport> {
  const items: VerificationItem[] = [];
  const item = async (id: string, title: string, check: () => Promise<Record<string, unknown>>) => {
    try {
      items.push({ id, title, passed: true, evidence: await check() });
    } catch (error) {
      items.push({ id, title, passed: false, evidence: {}, reason: (error as Error).message.split("\n")[0]! });
    }
  };
  const cert = await getCertificate(client, { certificate: p.addresses.certificate, tokenId: p.tokenId, ...(p.fromBlock !== undefined ? { fromBlock: p.fromBlock } : {}) });
  const l = cert.lineage;

  await item("attestation", "Attester was a registered generator and the model registered and active at mint time", async () => {
    const role = await readContract(client, { address: p.addresses.certificate, abi: motifCertificateAbi, functionName: "ATTESTER_ROLE" });
    const atMint = { blockNumber: cert.mintBlock };
    const wasAttester = await readContract(client, { address: p.addresses.certificate, abi: motifCertificateAbi, functionName: "hasRole", args: [role, cert.attester], ...atMint });
    if (!wasAttester) throw new Error(`${cert.attester} did not hold the attester role at block ${cert.mintBlock}`);
    const status = await readContract(client, { address: p.addresses.registry, abi: motifModelRegistryAbi, functionName: "modelStatus", args: [l.modelId], ...atMint });
    if (status !== 1) throw new Error(`model ${l.modelId} was not active at block ${cert.mintBlock} (status ${status})`);
    return { attester: cert.attester, modelId: l.modelId, mintBlock: cert.mintBlock };
  });

  let metadata: Record<string, any> | undefined;
  await item("metadata", "Metadata fetched by its CID hashes to that CID, and its lineage equals the on-chain lineage", async () => {
    const cid = CID_RE.exec(cert.tokenURI)?.[1];
    if (cid === undefined) throw new Error(`tokenURI ${cert.tokenURI} is not ipfs://<CIDv1>`);
    const stored = await readContract(client, { address: p.addresses.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.tokenId] });
    const bytes = await fetchVerified(p.gateway, { cid, codec: stored.metadataCodec, digest: stored.metadataDigest });
    metadata = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, any>;
    const m = metadata.motif?.lineage;
    const mismatches: string[] = [];
    if (m?.contentDigest !== l.contentDigest) mismatches.push("contentDigest");
    if (m?.modelId !== l.modelId) mismatches.push("modelId");
    if (m?.seed !== l.seed.toString()) mismatches.push("seed");
    if (m?.paramsHash !== l.paramsHash) mismatches.push("paramsHash");
    if (m?.pdq?.hash !== l.pdqHash) mismatches.push("pdqHash");
    if (String(m?.creator).toLowerCase() !== l.creator.toLowerCase()) mismatches.push("creator");
    if ((m?.recipeId === undefined ? 0n : BigInt(m.recipeId)) !== l.recipeId) mismatches.push("recipeId");
    if (mismatches.length > 0) throw new Error(`metadata lineage differs from the chain in ${mismatches.join(", ")}`);
    return { metadataCid: cid, bytes: bytes.length };
  });

  if (l.recipeId !== 0n) {
    await item("recipe", "Recipe certificate in the lineage is for the same model, and the recipe fetched by its CID hashes to its digest and gives the pattern's params", async () => {
      const recipe = await getRecipe(client, { certificate: p.addresses.certificate, recipeId: l.recipeId });
      if (recipe.modelId !== l.modelId) throw new Error(`recipe ${tokenIdHex(l.recipeId)} is for model ${recipe.modelId}, the pattern used model ${l.modelId}`);
      const cid = metadata?.motif?.lineage?.recipe?.cid;
      if (typeof cid !== "string") throw new Error("metadata names no recipe CID (motif.lineage.recipe.cid)");
      const bytes = await fetchVerified(p.gateway, { cid, codec: 0x55, digest: recipe.recipeDigest });
      const doc = JSON.parse(new TextDecoder().decode(bytes)) as { params?: Record<string, number> };
      const paramsHash = keccak256(toHex(canonicalJson(doc.params ?? {})));
      if (paramsHash !== l.paramsHash) throw new Error(`the recipe's params hash to ${paramsHash}, the pattern's lineage has ${l.paramsHash}`);
      return { recipeId: tokenIdHex(l.recipeId), recipeCid: cid, author: recipe.author, owner: recipe.owner, shareBps: recipe.shareBps };
    });
  }

  await item("image", "Image bytes hash to the on-chain content digest, and PDQ recomputed equals the on-chain PDQ", async () => {
    if (metadata === undefined) throw new Error("no verified metadata to find the image in");
    const cid = CID_RE.exec(String(metadata.image))?.[1];
    if (cid === undefined) throw new Error(`metadata image ${metadata.image} is not ipfs://<CIDv1>`);
    const parsed = CID.parse(cid);
    const bytes = await fetchVerified(p.gateway, { cid, codec: parsed.code, digest: bytesToHex(parsed.multihash.digest) });
    const digest = await sha256Digest(bytes);
    if (digest !== l.contentDigest) throw new Error(`image sha-256 ${digest} differs from the content digest ${l.contentDigest}`);
    const evidence: Record<string, unknown> = { imageCid: cid, sha256: digest };
    if (p.pdq !== undefined) {
      const pdq = `0x${await p.pdq(bytes)}`;
      if (pdq !== l.pdqHash) throw new Error(`PDQ ${pdq} differs from the on-chain ${l.pdqHash}`);
      evidence.pdq = pdq;
    } else {
      evidence.pdq = "not recomputed (no PDQ hasher given)";
    }
    return evidence;
  });

  await item("rerender", "Model fetched by its weights CID matches the registered digest, and re-rendering reproduces the image", async () => {
    if (p.rerender === undefined || p.pdq === undefined) throw new Error("skipped: needs a renderer and a PDQ hasher (npx motif verify provides both)");
    if (metadata === undefined) throw new Error("no verified metadata to read the render parameters from");
    const model = await readContract(client, { address: p.addresses.registry, abi: motifModelRegistryAbi, functionName: "getModel", args: [l.modelId] });
    const weightsCid = CID.createV1(model.weightsCidCodec, Digest.create(0x12, hexToBytes(model.weightsCidDigest))).toString();
    const weights = await fetchVerified(p.gateway, { cid: weightsCid, codec: model.weightsCidCodec, digest: model.weightsCidDigest });
    const weightsSha = await sha256Digest(weights);
    if (weightsSha !== model.weightsDigest) throw new Error(`weights hash to ${weightsSha}, registered ${model.weightsDigest}`);
    const m = metadata.motif.lineage;
    const params = m.params as Record<string, number>;
    const paramsHash = keccak256(toHex(canonicalJson(params)));
    if (paramsHash !== l.paramsHash) throw new Error(`metadata params hash to ${paramsHash}, on-chain ${l.paramsHash}`);
    const png = await p.rerender({ weights, model: m.model.name, seed: l.seed, params, width: m.width, height: m.height });
    const rerenderedDigest = await sha256Digest(png);
    const distance = hammingDistance256(await p.pdq(png), l.pdqHash.slice(2));
    if (distance > 8) throw new Error(`re-render differs: PDQ distance ${distance} > 8`);
    return { weightsCid, pdqDistance: distance, pixelDigest: rerenderedDigest, identicalBytes: rerenderedDigest === l.contentDigest };
  });

  await item("editLog", "Edit-log events replay to the on-chain head", async () => {
    const edits = await getContractEvents(client, { address: p.addresses.certificate, abi: motifCertificateAbi, eventName: "EditLogged", args: { tokenId: p.tokenId }, fromBlock: cert.mintBlock });
    let head: Hex = zeroHash;
    for (const e of edits) head = keccak256(concat([head, e.args.stepDigest!]));
    if (head !== cert.editHead) throw new Error(`replayed head ${head} differs from the on-chain ${cert.editHead}`);
    return { steps: edits.length, head };
  });

  await item("licenses", "License history from events (grants, usage, revenue), summed", async () => {
    const grants = await getContractEvents(client, { address: p.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId: p.tokenId }, fromBlock: cert.mintBlock });
    const ids = grants.map((g) => g.args.licenseId!);
    let units = 0n;
    let usageRevenue = 0n;
    if (ids.length > 0) {
      const usage = await getContractEvents(client, { address: p.addresses.licensing, abi: motifLicensingAbi, eventName: "UsageReported", args: { licenseId: ids }, fromBlock: cert.mintBlock });
      for (const u of usage) {
        units += u.args.units!;
        usageRevenue += u.args.amount!;
      }
    }
    const sales = grants.reduce((s, g) => s + g.args.price!, 0n);
    return { licenses: grants.length, unitsReported: units.toString(), salesRevenue: sales.toString(), usageRevenue: usageRevenue.toString(), currencyOfFirst: grants[0]?.args.currency ?? toHex(0, { size: 20 }) };
  });

  return { tokenId: p.tokenId, passed: items.every((i) => i.passed), items };
}
