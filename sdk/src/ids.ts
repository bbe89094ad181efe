import { type Address, type Hex, encodeAbiParameters, hexToBigInt, keccak256, stringToBytes } from "viem";

const RECIPE_TAG = keccak256(stringToBytes("motif.recipe"));
const DATASET_TAG = keccak256(stringToBytes("motif.dataset"));
/** Top 64 bits of every recipe id (ASCII "motifRCP"), `MotifCertificate.RECIPE_ID_PREFIX`. */
export const RECIPE_ID_PREFIX = 0x6d6f746966524350n;
/** Top 64 bits of every dataset id (ASCII "motifDST"), `MotifCertificate.DATASET_ID_PREFIX`. */
export const DATASET_ID_PREFIX = 0x6d6f746966445354n;
const BODY = (1n << 192n) - 1n;
// Each kind of id has its own space: a pattern id is an image's sha-256, which the contract refuses
// when it starts with a reserved prefix; recipe and dataset ids are keccak under a tag, in their prefix.
const tagged = (prefix: bigint, tag: Hex, account: Address, digest: Hex) =>
  (prefix << 192n) |
  (hexToBigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }, { type: "bytes32" }], [tag, account, digest]))) & BODY);

/**
 * The token id of the recipe certificate for canonical recipe JSON with sha-256 `recipeDigest`
 * certified by `author` (the recipe's `author` field), as `MotifCertificate.recipeIdOf` computes it
 * (computed here, no RPC). The author is part of the id: a copy certified by someone else has another.
 *
 * @example
 * import { recipeIdOf } from "@motif/sdk";
 * const id = recipeIdOf("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0xd1da7ae9bc109fd742b2e1b638bf3801acbed778b670388079095551dcb41224");
 */
export function recipeIdOf(author: Address, recipeDigest: Hex): bigint {
  return tagged(RECIPE_ID_PREFIX, RECIPE_TAG, author, recipeDigest);
}

/**
 * The token id of the dataset certificate for Merkle root `root` certified by `curator` (the
 * manifest's licensee), as `MotifCertificate.datasetIdOf`.
 *
 * @example
 * import { datasetIdOf } from "@motif/sdk";
 * const id = datasetIdOf("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
 */
export function datasetIdOf(curator: Address, root: Hex): bigint {
  return tagged(DATASET_ID_PREFIX, DATASET_TAG, curator, root);
}

/**
 * A token id as the 0x-prefixed 64-digit hex the CLI, API, metadata and reports print (the
 * content digest, for a pattern).
 *
 * @example
 * import { tokenIdHex } from "@motif/sdk";
 * console.log(tokenIdHex(255n)); // "0x00…ff"
 */
export function tokenIdHex(id: bigint): Hex {
  return `0x${id.toString(16).padStart(64, "0")}`;
}
