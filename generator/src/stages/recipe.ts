import type { CID } from "multiformats/cid";
import type { Address, Client, Hex } from "viem";
import { getBlock } from "viem/actions";

import { checkRecipeLicense, MotifContractError, recipeIdOf, tokenIdHex } from "@motif/sdk";
import type { IpfsStore } from "../ipfs/embedded.js";
import { type Recipe, recipeBytes } from "../recipe/recipe.js";
import { defineStage } from "./stage.js";

/** Chain access for recipe checks: the certificate (recipe certificates) and licensing contracts. */
export type RecipeGate = { client: Client; certificate: Address; licensing: Address };

/** Stage input: the recipe to render from, who renders from it (the pattern's first owner), where, and the model ids on chain. */
/** `time` defaults to the latest block's. */
export type RecipeClearInput = { recipe: Recipe; licensee: Address; region: string; modelIds: Record<string, number>; time?: bigint };

/** Stage output: the recipe certificate the pattern's lineage names, and the pinned recipe. */
export type RecipeClearOutput = { recipeId: bigint; recipeDigest: Hex; recipeCid: CID; modelId: number; via: "owner" | "license"; licenseId: bigint; shareBps: number };

/** Rendering from this recipe is not allowed; `reason` says why (nothing was rendered or pinned). */
export class RecipeRefusedError extends Error {
  override name = "RecipeRefusedError";
  constructor(
    readonly recipeId: bigint,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Recipe stage (before render): the recipe must be certified on chain (`motif recipe mint`), for
 * the model the generator will use, and the licensee (the pattern's first owner) must own it or
 * hold a license for it that covers `region` now (`checkRecipeLicense`). Only then is the recipe pinned (one raw block, CID
 * digest = recipe digest) and its id returned for the lineage; otherwise RecipeRefusedError.
 */
export async function clearRecipe(gate: RecipeGate, store: IpfsStore, input: RecipeClearInput): Promise<RecipeClearOutput> {
  const { bytes, digest } = recipeBytes(input.recipe);
  const recipeId = recipeIdOf(input.recipe.author, digest);
  const idHex = tokenIdHex(recipeId);
  let check;
  try {
    // the chain's clock, not this machine's: the license is checked where it will be enforced
    const time = input.time ?? (await getBlock(gate.client)).timestamp;
    check = await checkRecipeLicense(gate.client, { certificate: gate.certificate, licensing: gate.licensing, recipeId, creator: input.licensee, region: input.region, time });
  } catch (error) {
    if (error instanceof MotifContractError && error.errorName === "MotifCertificateNonexistentToken") {
      throw new RecipeRefusedError(recipeId, `recipe ${digest} is not certified on this chain by its author ${input.recipe.author} (recipe id ${idHex}): the author mints it first with \`npx motif recipe mint\``);
    }
    throw error;
  }
  if (!check.allowed) throw new RecipeRefusedError(recipeId, check.reason);
  const modelId = input.modelIds[input.recipe.model.name];
  if (modelId !== check.modelId) {
    throw new RecipeRefusedError(recipeId, `recipe ${idHex} is certified for model ${check.modelId}, but "${input.recipe.model.name}" is model ${modelId ?? "unregistered"} here`);
  }
  const recipeCid = await store.add(bytes);
  return { recipeId, recipeDigest: digest, recipeCid, modelId, via: check.via, licenseId: check.licenseId, shareBps: check.shareBps };
}

/**
 * The recipe stage of the pipeline (before render), for a request that renders from a recipe: the
 * recipe must be cleared for the pattern's first owner (`to`, default the creator) in its region.
 */
export const recipeStage = defineStage({
  name: "recipe",
  needs: [],
  applies: (ctx) => ctx.request.recipe !== undefined,
  async run(ctx, { config }) {
    const { recipe, region } = ctx.request.recipe!;
    if (config.recipes === undefined) throw new RecipeRefusedError(0n, "recipe: rendering from a recipe needs chain access to check its certificate and license (MOTIF_RPC_URL)");
    return { recipe: await clearRecipe(config.recipes, config.store, { recipe, licensee: ctx.request.to ?? config.creator, region, modelIds: config.modelIds, time: config.now?.() }) };
  },
});
