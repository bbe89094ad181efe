import { type Address, type Hex, isAddress } from "viem";

import { recipeIdOf, tokenIdHex } from "../ids.js";
import { cidV1, fail, hex32, int, kindDocument, obj, params, str } from "./check.js";

/**
 * The pinned metadata of a recipe certificate: ERC-721 name and description, and under `motif`
 * the recipe it certifies (its CID and digest, model, params and author), its id and the share of
 * its patterns' revenue its owner receives. Pinned as canonical JSON (`encodeCertificateMetadata`).
 */
export type RecipeCertificateMetadata = {
  name: string;
  description: string;
  motif: {
    version: 1;
    kind: "recipe";
    /** `recipeIdOf(author, digest)` as `tokenIdHex`. */
    recipeId: Hex;
    recipe: { cid: string; digest: Hex; model: { name: string; weightsDigest: Hex }; params: Record<string, number>; author: Address };
    /** Share of its patterns' licensing revenue, in basis points (0..2500). */
    shareBps: number;
  };
};

/** What a recipe certificate's metadata is built from: the recipe, where it is pinned and its share. */
export type RecipeMetadataInput = {
  recipe: { name: string; author: Address; model: { name: string; weightsDigest: Hex }; params: Record<string, number> };
  /** CIDv1 of the pinned recipe (one raw block: its digest is the recipe digest). */
  recipeCid: string;
  /** sha-256 of the recipe's canonical bytes. */
  recipeDigest: Hex;
  shareBps: number;
};

/**
 * The metadata document of a recipe certificate (see `RecipeCertificateMetadata`); checked with
 * `parseRecipeMetadata` on the way out, so a bad input throws `MetadataError` naming the field.
 *
 * @example
 * import { buildRecipeMetadata, encodeCertificateMetadata } from "@motif/sdk";
 * const doc = buildRecipeMetadata({
 *   recipe: { name: "Weld lattice", author: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", model: { name: "weld", weightsDigest: "0xaeece04dd3483d1850de2b321317e77231e38291de9087c24095ff254a0d712b" }, params: { scale: 3, sharpness: 6 } },
 *   recipeCid: "bafkreifdvsbta7zk6lgimbw6pzmhoo4pltsyjmsrnbxli5yn5illvdi5dq",
 *   recipeDigest: "0xa3ac83307f2af2cc8606de7e58773b8f5ce584b251686eb4770dea16ba8d1d1c",
 *   shareBps: 1000,
 * });
 * console.log(doc.name); // "Recipe: Weld lattice"
 * const bytes = encodeCertificateMetadata(doc); // what is pinned
 */
export function buildRecipeMetadata(input: RecipeMetadataInput): RecipeCertificateMetadata {
  const r = input.recipe;
  return parseRecipeMetadata({
    name: `Recipe: ${r.name}`,
    description: `A Motif recipe for ${r.model.name}: licensees render patterns from it; its owner receives ${input.shareBps / 100}% of their licensing revenue.`,
    motif: {
      version: 1,
      kind: "recipe",
      recipeId: tokenIdHex(recipeIdOf(r.author, input.recipeDigest)),
      recipe: { cid: input.recipeCid, digest: input.recipeDigest, model: r.model, params: r.params, author: r.author },
      shareBps: input.shareBps,
    },
  });
}

/**
 * Checks that `json` (a parsed document, its JSON text or its bytes) is a recipe certificate's
 * metadata and returns it typed; throws `MetadataError` naming the first bad field's path and what
 * was expected. Fields the type does not name are kept and ignored (as `parseCertificateMetadata`).
 */
export function parseRecipeMetadata(json: unknown): RecipeCertificateMetadata {
  const { d, m } = kindDocument(json, "recipe");
  hex32(m.recipeId, "motif.recipeId");
  const r = obj(m.recipe, "motif.recipe");
  cidV1(r.cid, "motif.recipe.cid");
  hex32(r.digest, "motif.recipe.digest");
  const model = obj(r.model, "motif.recipe.model");
  str(model.name, "motif.recipe.model.name");
  hex32(model.weightsDigest, "motif.recipe.model.weightsDigest");
  params(r.params, "motif.recipe.params");
  if (typeof r.author !== "string" || !isAddress(r.author, { strict: false })) fail("motif.recipe.author", "an address (0x and 40 hex digits)", r.author);
  int(m.shareBps, "motif.shareBps", 0, 10_000);
  return d as RecipeCertificateMetadata;
}
