import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";
import { zeroHash } from "viem";

import { motifModelRegistryAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import type { Model } from "../../generated/structs.js";

export type GetModelParameters = { registry: Address; modelId: number };
export type GetModelReturnType = {
  modelId: number;
  owner: Address;
  royaltyBps: number;
  status: "active" | "deprecated";
  registeredAt: number;
  weightsDigest: `0x${string}`;
  weightsCidDigest: `0x${string}`;
  weightsCidCodec: number;
  name: string;
  version: string;
  /** sha-256 of the model card's canonical bytes (`modelCardDigest`). */
  cardDigest: `0x${string}`;
  /** What it was trained on; null when its registration declared nothing. */
  training: { datasetId: bigint | null; dataRoot: `0x${string}`; configDigest: `0x${string}`; trainer: string } | null;
};
export type GetModelErrorType = ReadContractErrorType | MotifContractErrorType;

/**
 * A registered model. An unknown id throws MotifContractError (MotifModelRegistryUnknownModel).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getModel } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const model = await getModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", modelId: 1 });
 */
export async function getModel(client: Client, p: GetModelParameters): Promise<GetModelReturnType> {
  try {
    const m = await readContract(client, { address: p.registry, abi: motifModelRegistryAbi, functionName: "getModel", args: [p.modelId] });
    return modelOf(p.modelId, m);
  } catch (error) {
    return rethrowMotifError(error);
  }
}

/** The registry's `Model` struct as `getModel` returns it (status in words, training null when undeclared). */
export function modelOf(
  modelId: number,
  m: Model,
): GetModelReturnType {
  return {
    modelId,
    owner: m.owner,
    royaltyBps: m.royaltyBps,
    status: m.status === 2 ? "deprecated" : "active",
    registeredAt: m.registeredAt,
    weightsDigest: m.weightsDigest,
    weightsCidDigest: m.weightsCidDigest,
    weightsCidCodec: m.weightsCidCodec,
    name: m.name,
    version: m.version,
    cardDigest: m.cardDigest,
    training:
      m.training.configDigest === zeroHash
        ? null
        : { datasetId: m.training.datasetId === 0n ? null : m.training.datasetId, dataRoot: m.training.dataRoot, configDigest: m.training.configDigest, trainer: m.training.trainer },
  };
}
