import { type Hex, encodeAbiParameters, hexToBigInt, keccak256, stringToBytes } from "viem";

const RECIPE_TAG = keccak256(stringToBytes("motif.recipe"));
const DATASET_TAG = keccak256(stringToBytes("motif.dataset"));
const tagged = (tag: Hex, digest: Hex) => hexToBigInt(keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "bytes32" }], [tag, digest])));

/**
 * The token id of the recipe certificate for canonical recipe JSON with sha-256 `recipeDigest`,
 * as `MotifCertificate.recipeIdOf` computes it (computed here, no RPC).
 *
 * @example
 * import { recipeIdOf } from "@motif/sdk";
 * const id = recipeIdOf("0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
 */
export function recipeIdOf(recipeDigest: Hex): bigint {
  return tagged(RECIPE_TAG, recipeDigest);
}

/**
 * The token id of the dataset certificate for Merkle root `root`, as `MotifCertificate.datasetIdOf`.
 *
 * @example
 * import { datasetIdOf } from "@motif/sdk";
 * const id = datasetIdOf("0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
 */
export function datasetIdOf(root: Hex): bigint {
  return tagged(DATASET_TAG, root);
}

/**
 * A token id as the 0x-prefixed 64-digit hex the CLI, API, metadata and reports print (the
 * content digest, for a pattern).
 *
 * @example
 * import { tokenIdHex } from "@motif/sdk";
 * tokenIdHex(255n); // "0x00…ff"
 */
export function tokenIdHex(id: bigint): Hex {
  return `0x${id.toString(16).padStart(64, "0")}`;
}
