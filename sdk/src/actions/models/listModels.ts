import type { Address, Client, MulticallErrorType, ReadContractErrorType } from "viem";
import { multicall, readContract } from "viem/actions";

import { motifModelRegistryAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type GetModelReturnType, modelOf } from "./getModel.js";

export type ListModelsParameters = { registry: Address };
export type ListModelsReturnType = GetModelReturnType[];
export type ListModelsErrorType = ReadContractErrorType | MulticallErrorType | MotifContractErrorType;

/**
 * Every registered model, by id (ids are sequential from 1; a model is never erased): the count,
 * then every record, in one multicall where the client's chain has Multicall3 (one request; viem
 * splits a long list into a few batches), else one call per model.
 * No event history is read, so it answers on any chain behind any RPC.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { listModels } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const models = await listModels(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3" });
 * console.log(models.map((m) => `${m.modelId} ${m.name} ${m.version}`));
 */
export async function listModels(client: Client, p: ListModelsParameters): Promise<ListModelsReturnType> {
  try {
    const count = await readContract(client, { address: p.registry, abi: motifModelRegistryAbi, functionName: "modelCount" });
    if (count === 0) return [];
    const ids = Array.from({ length: count }, (_, i) => i + 1);
    const calls = ids.map((modelId) => ({ address: p.registry, abi: motifModelRegistryAbi, functionName: "getModel" as const, args: [modelId] as const }));
    // one multicall where the chain has Multicall3; else one call per model (a local chain)
    const records = client.chain?.contracts?.multicall3 !== undefined ? await multicall(client, { allowFailure: false, contracts: calls }) : await Promise.all(calls.map((c) => readContract(client, c)));
    return records.map((m, i) => modelOf(ids[i]!, m));
  } catch (error) {
    return rethrowMotifError(error);
  }
}
