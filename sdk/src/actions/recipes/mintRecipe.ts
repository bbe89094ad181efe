import type { Account, Address, Chain, Client, Hash, Hex, Transport, WriteContractErrorType } from "viem";

import { motifCertificateAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type MintRecipeParameters = {
  certificate: Address;
  /** Model the recipe is for; must be active. */
  modelId: number;
  /** sha-256 of the canonical `motif-recipe/1` JSON (the digest of its raw CID). */
  recipeDigest: Hex;
  /** Digest and codec of the recipe certificate's metadata CIDv1. */
  metadataDigest: Hex;
  metadataCodec: number;
  /** ERC-2981 royalty on sales of the recipe certificate (≤ 1000). */
  royaltyBps: number;
  /** Share of the licensing revenue of every pattern rendered from the recipe (≤ 2500). */
  shareBps: number;
};
export type MintRecipeReturnType = Hash;
export type MintRecipeErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Certifies a recipe from the client's account, its author (token id `recipeIdOf(author, recipeDigest)`).
 * Refusals throw MotifContractError, e.g. MotifCertificateRecipeShareTooHigh(shareBps, 2500) or
 * MotifCertificateAlreadyCertified(recipeId).
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { mintRecipe } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await mintRecipe(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", modelId: 1, recipeDigest: "0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", metadataDigest: "0x2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", metadataCodec: 0x55, royaltyBps: 250, shareBps: 1500 });
 */
export function mintRecipe(client: Client<Transport, Chain | undefined, Account>, p: MintRecipeParameters): Promise<MintRecipeReturnType> {
  return simulateAndWrite(client, {
    address: p.certificate,
    abi: motifCertificateAbi,
    functionName: "mintRecipe",
    args: [
      {
        modelId: p.modelId,
        recipeDigest: p.recipeDigest,
        metadataDigest: p.metadataDigest,
        metadataCodec: p.metadataCodec,
        royaltyBps: p.royaltyBps,
        shareBps: p.shareBps,
      },
    ],
  });
}
