import type { Address, Hex } from "viem";

import type { Lineage, MintRequest } from "@motif/sdk";
import type { MetadataInput } from "../metadata/metadata.js";
import type { PipelineConfig } from "../pipeline.js";
import type { RenderOutput } from "../render/render.js";
import type { FingerprintOutput } from "./fingerprint.js";
import type { PinOutput } from "./pin.js";
import type { RecipeClearOutput } from "./recipe.js";
import { modelNotRegistered, PatternRefusedError } from "./refusal.js";

const ZERO_HASH = `0x${"0".repeat(64)}` as const;

/** What a lineage is built from: the render (its image bytes are not needed), fingerprint and recipe. */
export type LineageSource = {
  rendered: Omit<RenderOutput, "png">;
  fingerprint: Pick<FingerprintOutput, "pdq" | "pdqHash" | "tileHash" | "tileResult">;
  recipe?: Pick<RecipeClearOutput, "recipeId" | "recipeDigest" | "recipeCid"> | undefined;
};

type LineageConfig = Pick<PipelineConfig, "modelIds" | "creator">;

/** The registry id of the rendered model, or the refusal that names it. */
export function modelIdOf(config: Pick<PipelineConfig, "modelIds">, model: string): number {
  const id = config.modelIds[model];
  if (id === undefined) throw new PatternRefusedError(modelNotRegistered(model));
  return id;
}

/** The tile hash the lineage records: zero when the image has no reliable tile hash. */
const tileHashOf = (fp: LineageSource["fingerprint"]): Hex => (fp.tileResult.reliable ? fp.tileHash : ZERO_HASH);

/** The lineage of the pinned metadata document (all but the image CID, which the pin stage adds). */
export function metadataLineage(config: LineageConfig, s: LineageSource): MetadataInput["lineage"] {
  const { rendered, fingerprint: fp, recipe } = s;
  return {
    contentDigest: rendered.contentDigest,
    modelId: modelIdOf(config, rendered.model.name),
    modelName: rendered.model.name,
    modelVersion: rendered.model.version,
    weightsDigest: rendered.model.sha256,
    seed: rendered.seed,
    params: JSON.parse(rendered.canonicalParams) as Record<string, number>,
    ...(rendered.print !== undefined ? { print: rendered.print } : {}),
    ...(rendered.colourway !== undefined ? { colourway: rendered.colourway } : {}),
    paramsHash: rendered.paramsHash,
    pdqHash: fp.pdqHash,
    pdqQuality: fp.pdq.quality,
    ...(fp.tileResult.reliable ? { tile: { hash: fp.tileHash, period: fp.tileResult.period } } : {}),
    width: rendered.width,
    height: rendered.height,
    creator: config.creator,
    editLog: [],
    ...(recipe !== undefined ? { recipe: { id: recipe.recipeId, digest: recipe.recipeDigest, cid: recipe.recipeCid.toString() } } : {}),
  };
}

/** The on-chain lineage (`contracts/types/Lineage.sol`) of a pinned pattern: the one builder every path uses. */
export function chainLineage(config: LineageConfig, s: LineageSource & { pinned: Pick<PinOutput, "metadataDigest" | "metadataCodec"> }): Lineage {
  return {
    contentDigest: s.rendered.contentDigest,
    metadataDigest: s.pinned.metadataDigest,
    metadataCodec: s.pinned.metadataCodec,
    modelId: modelIdOf(config, s.rendered.model.name),
    seed: s.rendered.seed,
    paramsHash: s.rendered.paramsHash,
    pdqHash: s.fingerprint.pdqHash,
    tileHash: tileHashOf(s.fingerprint),
    creator: config.creator,
    recipeId: s.recipe?.recipeId ?? 0n,
  };
}

/** A deadline far enough away never to expire: for requests the attester sends itself, unsigned. */
export const NO_DEADLINE = 2n ** 63n;

/**
 * The one `MintRequest` assembly: lineage, first owner, royalty and deadline, with the attester's
 * signature, or "0x" for a request the attester mints itself.
 */
export function mintRequestOf(p: { lineage: Lineage; to: Address; royaltyBps: number; deadline: bigint; signature?: Hex }): MintRequest {
  return { lineage: p.lineage, to: p.to, royaltyBps: p.royaltyBps, deadline: p.deadline, signature: p.signature ?? "0x" };
}
