import type { CID } from "multiformats/cid";
import type { Account, Address, Chain, Hash, Hex, PublicClient, Transport, WalletClient } from "viem";
import { bytesToHex } from "viem";

import { type DatasetManifest, buildDatasetMetadata, buildRecipeMetadata, canonicalJson, datasetIdOf, encodeCertificateMetadata, mintDataset, mintRecipe, recipeIdOf } from "@motif/sdk";
import type { IpfsStore } from "./ipfs/embedded.js";
import { type Recipe, recipeBytes } from "./recipe/recipe.js";
import { landed } from "./stages/mint.js";

/** The author's or curator's wallet, and where its certificates go. */
export type Certifier = {
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  certificate: Address;
  store: IpfsStore;
};

export type Certified = { tokenId: bigint; metadataCid: CID; transactionHash: Hash };

/** Pins canonical JSON bytes (a metadata document's `encodeCertificateMetadata`, a manifest's `canonicalJson`) as one raw block. */
async function pinBytes(store: IpfsStore, bytes: Uint8Array): Promise<{ cid: CID; digest: Hex }> {
  const cid = await store.add(bytes);
  return { cid, digest: bytesToHex(cid.multihash.digest) };
}

async function sent(c: Certifier, hash: Hash, what: string): Promise<Hash> {
  await landed(c.publicClient, hash, what);
  return hash;
}

/**
 * Certifies a recipe from its author's wallet: pins the recipe (one raw block, CID digest = recipe
 * digest) and its ERC-721 metadata (`motif.kind: "recipe"`, the recipe's CID, model, params, share),
 * then `mintRecipe`. The wallet must be the recipe's `author`: an author certifies their own recipe.
 */
export async function certifyRecipe(
  c: Certifier,
  p: { recipe: Recipe; modelId: number; shareBps: number; royaltyBps: number },
): Promise<Certified & { recipeDigest: Hex; recipeCid: CID }> {
  const signer = c.wallet.account.address;
  if (signer.toLowerCase() !== p.recipe.author.toLowerCase()) {
    throw new RangeError(`author: the recipe names ${p.recipe.author}, but the signing account is ${signer}; an author certifies their own recipe`);
  }
  const { bytes, digest } = recipeBytes(p.recipe);
  const recipeCid = await c.store.add(bytes);
  const recipeId = recipeIdOf(p.recipe.author, digest);
  // the SDK's recipe metadata document (builder checks it; one encoder for every kind)
  const metadata = await pinBytes(c.store, encodeCertificateMetadata(buildRecipeMetadata({ recipe: p.recipe, recipeCid: recipeCid.toString(), recipeDigest: digest, shareBps: p.shareBps })));
  const hash = await mintRecipe(c.wallet, {
    certificate: c.certificate,
    modelId: p.modelId,
    recipeDigest: digest,
    metadataDigest: metadata.digest,
    metadataCodec: metadata.cid.code,
    royaltyBps: p.royaltyBps,
    shareBps: p.shareBps,
  });
  return { tokenId: recipeId, recipeDigest: digest, recipeCid, metadataCid: metadata.cid, transactionHash: await sent(c, hash, "mintRecipe") };
}

/**
 * Certifies a training dataset from its curator's wallet (the manifest's licensee): pins the manifest
 * (as `motif dataset export` did) and the ERC-721 metadata naming it (`motif.kind: "dataset"`), then
 * `mintDataset` with the manifest's Merkle root as the certificate's lineage.
 */
export async function certifyDataset(
  c: Certifier,
  p: { manifest: DatasetManifest; royaltyBps: number; name?: string; /** Share of the revenue of patterns made by models trained on it, 0..2500. */ shareBps?: number },
): Promise<Certified & { manifestCid: CID }> {
  const signer = c.wallet.account.address;
  if (signer.toLowerCase() !== p.manifest.licensee.toLowerCase()) {
    throw new RangeError(`licensee: the manifest was exported for ${p.manifest.licensee}, but the signing account is ${signer}; the licensee certifies its dataset`);
  }
  const manifest = await pinBytes(c.store, new TextEncoder().encode(canonicalJson(p.manifest)));
  const metadata = await pinBytes(c.store, encodeCertificateMetadata(buildDatasetMetadata({ manifest: p.manifest, manifestCid: manifest.cid.toString(), ...(p.name !== undefined ? { name: p.name } : {}) })));
  const hash = await mintDataset(c.wallet, {
    certificate: c.certificate,
    root: p.manifest.root,
    members: p.manifest.members.length,
    metadataDigest: metadata.digest,
    metadataCodec: metadata.cid.code,
    royaltyBps: p.royaltyBps,
    shareBps: p.shareBps ?? 0,
  });
  return { tokenId: datasetIdOf(p.manifest.licensee, p.manifest.root), manifestCid: manifest.cid, metadataCid: metadata.cid, transactionHash: await sent(c, hash, "mintDataset") };
}
