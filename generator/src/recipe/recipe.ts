import { createHash } from "node:crypto";
import { type Address, type Hex, getAddress, isAddress, isHex } from "viem";

import { ModelParamsError, canonicalJson, checkModelParams } from "@motif/sdk";
import type { ModelManifestEntry, RenderParams } from "../render/render.js";

/**
 * A recipe: the canonical configuration a designer sells beside (or instead of) patterns — which
 * model, with which style params — as canonical JSON pinned as one raw block, so its CID digest is
 * its sha-256 (`recipeDigest`), the value a recipe certificate will carry on-chain (issue 9).
 */
export type Recipe = {
  format: "motif-recipe/1";
  name: string;
  author: Address;
  model: { name: string; weightsDigest: Hex };
  params: RenderParams;
};

/** A bad recipe: names the field and what is allowed. */
export class RecipeError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "RecipeError";
  }
}

/** Checks a parsed recipe field by field (types, ranges, the model known with these very weights). */
export function validateRecipe(value: unknown, manifest: readonly ModelManifestEntry[]): Recipe {
  const r = value as Partial<Recipe> | null;
  if (r === null || typeof r !== "object" || Array.isArray(r)) throw new RecipeError("recipe", "expected a JSON object");
  if (r.format !== "motif-recipe/1") throw new RecipeError("format", `"${String(r.format)}" is not motif-recipe/1`);
  if (typeof r.name !== "string" || r.name.length < 1 || r.name.length > 100) throw new RecipeError("name", "a string of 1..100 characters");
  if (typeof r.author !== "string" || !isAddress(r.author)) throw new RecipeError("author", "a 0x-prefixed 20-byte address");
  const m = r.model;
  if (m === undefined || typeof m !== "object") throw new RecipeError("model", "expected { name, weightsDigest }");
  const entry = manifest.find((e) => e.name === m.name);
  if (entry === undefined) throw new RecipeError("model.name", `unknown model "${String(m.name)}"; known: ${manifest.map((e) => e.name).join(", ")}`);
  if (typeof m.weightsDigest !== "string" || !isHex(m.weightsDigest) || m.weightsDigest.length !== 66) throw new RecipeError("model.weightsDigest", "a 0x-prefixed 32-byte sha-256");
  if (m.weightsDigest.toLowerCase() !== entry.sha256.toLowerCase()) {
    throw new RecipeError("model.weightsDigest", `${m.weightsDigest} is not the weights of ${entry.name} ${entry.version} (${entry.sha256}): the recipe was made for other weights`);
  }
  // every param the model declares, in range (the manifest entry's declarations)
  let params: Record<string, number>;
  try {
    params = checkModelParams(entry.params, r.params, entry.name);
  } catch (error) {
    if (error instanceof ModelParamsError) throw new RecipeError(error.field, error.detail);
    throw error;
  }
  const extra = Object.keys(r).filter((k) => !["format", "name", "author", "model", "params"].includes(k));
  if (extra.length > 0) throw new RecipeError(extra[0]!, "is not a recipe field");
  return { format: "motif-recipe/1", name: r.name, author: getAddress(r.author), model: { name: entry.name, weightsDigest: entry.sha256 }, params };
}

/** The recipe's canonical bytes (what is pinned) and their sha-256 (the recipe digest). */
export function recipeBytes(recipe: Recipe): { bytes: Uint8Array; digest: Hex } {
  const bytes = new TextEncoder().encode(canonicalJson(recipe));
  return { bytes, digest: `0x${createHash("sha256").update(bytes).digest("hex")}` };
}
