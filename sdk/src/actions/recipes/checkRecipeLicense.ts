import type { Address, Client } from "viem";

import { type RegionInput, type UnknownRegionErrorType } from "../../regions/index.js";
import type { CheckTimeRangeErrorType } from "../../checkTime.js";
import { type MotifContractErrorType, MotifContractError } from "../../errors.js";
import { tokenIdHex } from "../../ids.js";
import { requireLicensed } from "../licensing/requireLicensed.js";
import { type GetRecipeErrorType, readRecipe } from "./getRecipe.js";

export type CheckRecipeLicenseParameters = {
  certificate: Address;
  licensing: Address;
  recipeId: bigint;
  /** The creator who wants to render from the recipe. */
  creator: Address;
  /** Where the creator renders (any ISO 3166-1 code). */
  region: RegionInput;
  /** Unix seconds; default now. */
  time?: bigint;
};
export type CheckRecipeLicenseReturnType =
  | { allowed: true; modelId: number; shareBps: number; via: "owner" | "license"; licenseId: bigint }
  | { allowed: false; modelId: number; shareBps: number; reason: string };
export type CheckRecipeLicenseErrorType = GetRecipeErrorType | MotifContractErrorType | UnknownRegionErrorType | CheckTimeRangeErrorType;

/**
 * Whether `creator` may render from recipe `recipeId` in `region` at `time`: it owns the recipe
 * certificate, or a license for it covers that region and time. A refusal says why (the contract's
 * reason: not licensed, expired, region not allowed, revoked…). The generator checks this before it
 * attests a pattern whose lineage names the recipe.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { checkRecipeLicense } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const r = await checkRecipeLicense(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", recipeId: BigInt("0x6d6f7469665243507d39c14f7599cb38ad1543845de6850ca1786e27f0bfd26f"), creator: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", region: "FR" });
 * console.log(r.allowed ? "allowed" : r.reason); // "allowed"
 */
export async function checkRecipeLicense(client: Client, p: CheckRecipeLicenseParameters): Promise<CheckRecipeLicenseReturnType> {
  const recipe = await readRecipe(client, { certificate: p.certificate, recipeId: p.recipeId });
  const base = { modelId: recipe.modelId, shareBps: recipe.shareBps };
  if (recipe.owner.toLowerCase() === p.creator.toLowerCase()) return { ...base, allowed: true, via: "owner", licenseId: 0n };
  try {
    const licenseId = await requireLicensed(client, { licensing: p.licensing, tokenId: p.recipeId, licensee: p.creator, region: p.region, time: p.time });
    return { ...base, allowed: true, via: "license", licenseId };
  } catch (error) {
    if (error instanceof MotifContractError) {
      return { ...base, allowed: false, reason: `${p.creator} may not render from recipe ${tokenIdHex(p.recipeId)}: ${error.shortMessage}` };
    }
    throw error;
  }
}
