import type { Address, Hex } from "viem";

import { tokenIdHex } from "@motif/sdk";
import { canonicalJson } from "./canonical.js";

/** IPTC digital source type of media made by a trained model. */
export const TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

/** Everything the metadata records about a pattern's origin (the `motif.lineage` block). */
export type MetadataLineage = {
  contentDigest: Hex;
  modelId: number;
  modelName: string;
  modelVersion: string;
  weightsDigest: Hex;
  seed: bigint;
  params: Record<string, number>;
  paramsHash: Hex;
  pdqHash: Hex;
  pdqQuality: number;
  /** The tile hash and the period it found (absent in metadata pinned before tile hashes). */
  tile?: { hash: Hex; period: { x: number; y: number } };
  width: number;
  height: number;
  creator: Address;
  /** Human edit steps, oldest first: digests chained on-chain as `head' = keccak256(head, step)`. */
  editLog: Hex[];
  /** The certified recipe the pattern was rendered from (absent: none, recipeId 0 on chain). */
  recipe?: { id: bigint; digest: Hex; cid: string };
};

export type MetadataInput = {
  name: string;
  description: string;
  imageCid: string;
  lineage: MetadataLineage;
  generator: { name: string; version: string };
};

/**
 * ERC-721 metadata of a pattern, with its full lineage under `motif` and a C2PA-shaped
 * `c2pa.actions` assertion (`c2pa.created`, IPTC `trainedAlgorithmicMedia`). Returned as canonical
 * JSON bytes (sorted keys): the same pattern always gives the same bytes, hence the same CID.
 */
export function buildMetadata(input: MetadataInput): Uint8Array {
  const l = input.lineage;
  const seed = l.seed.toString();
  const doc = {
    name: input.name,
    description: input.description,
    image: `ipfs://${input.imageCid}`,
    attributes: [
      { trait_type: "Model", value: `${l.modelName} ${l.modelVersion}` },
      { trait_type: "Seed", value: seed },
      ...Object.entries(l.params)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => ({ trait_type: `Param: ${k}`, value: v })),
      { trait_type: "Size", value: `${l.width}x${l.height}` },
    ],
    motif: {
      version: 1,
      lineage: {
        contentDigest: l.contentDigest,
        modelId: l.modelId,
        model: { name: l.modelName, version: l.modelVersion, weightsDigest: l.weightsDigest },
        seed,
        params: l.params,
        paramsHash: l.paramsHash,
        pdq: { hash: l.pdqHash, quality: l.pdqQuality },
        ...(l.tile !== undefined ? { tile: l.tile } : {}),
        width: l.width,
        height: l.height,
        creator: l.creator,
        editLog: l.editLog,
        ...(l.recipe !== undefined
          ? { recipeId: tokenIdHex(l.recipe.id), recipe: { cid: l.recipe.cid, digest: l.recipe.digest } }
          : {}),
      },
    },
    c2pa: {
      assertions: [
        {
          label: "c2pa.actions",
          data: {
            actions: [
              {
                action: "c2pa.created",
                digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
                softwareAgent: `${input.generator.name} ${input.generator.version}`,
                parameters: {
                  model: `${l.modelName} ${l.modelVersion}`,
                  weightsDigest: l.weightsDigest,
                  seed,
                  params: l.params,
                },
              },
            ],
          },
        },
      ],
    },
  };
  return new TextEncoder().encode(canonicalJson(doc));
}
