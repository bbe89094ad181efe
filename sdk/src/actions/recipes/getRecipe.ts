import type { Address, Client, Hex, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { tokenIdHex } from "../../ids.js";
import { CertificateKind, certificateKindName } from "../../types/lineage.js";

export type GetRecipeParameters = { certificate: Address; recipeId: bigint };
export type GetRecipeReturnType = {
  recipeId: bigint;
  owner: Address;
  author: Address;
  modelId: number;
  /** sha-256 of the canonical recipe JSON. */
  recipeDigest: Hex;
  /** The owner's share of revenue of patterns rendered from it, in basis points. */
  shareBps: number;
  royaltyBps: number;
  tokenURI: string;
};
export type GetRecipeErrorType = ReadContractErrorType | MotifContractErrorType | NotARecipeError;

/** The token exists but certifies a pattern or a dataset, not a recipe. */
export class NotARecipeError extends Error {
  override name = "NotARecipeError";
  constructor(readonly recipeId: bigint, readonly kind: string) {
    super(`token ${tokenIdHex(recipeId)} is a ${kind} certificate, not a recipe`);
  }
}

/**
 * A recipe certificate: author, owner, model, recipe digest, revenue share. Throws MotifContractError
 * (MotifCertificateNonexistentToken) for an unknown id and NotARecipeError for another kind.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getRecipe, recipeIdOf } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const recipe = await getRecipe(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", recipeId: recipeIdOf("0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65", "0xd1da7ae9bc109fd742b2e1b638bf3801acbed778b670388079095551dcb41224") });
 */
export async function getRecipe(client: Client, p: GetRecipeParameters): Promise<GetRecipeReturnType> {
  const recipe = await readRecipe(client, p);
  try {
    return { ...recipe, tokenURI: await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "tokenURI", args: [p.recipeId] }) };
  } catch (error) {
    return rethrowMotifError(error);
  }
}

/**
 * `getRecipe` without the token URI: one read (what a licence check before each render needs).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { readRecipe } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const { owner, shareBps } = await readRecipe(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", recipeId: BigInt("0x6d6f7469665243507d39c14f7599cb38ad1543845de6850ca1786e27f0bfd26f") });
 */
export async function readRecipe(client: Client, p: GetRecipeParameters): Promise<Omit<GetRecipeReturnType, "tokenURI">> {
  let v;
  try {
    v = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.recipeId] });
  } catch (error) {
    return rethrowMotifError(error);
  }
  if (v.kind !== CertificateKind.Recipe) throw new NotARecipeError(p.recipeId, certificateKindName(v.kind));
  return { recipeId: p.recipeId, owner: v.owner, author: v.creator, modelId: v.modelId, recipeDigest: v.kindDigest, shareBps: v.shareBps, royaltyBps: v.royaltyBps };
}
