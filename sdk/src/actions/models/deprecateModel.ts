import type { Account, Address, Chain, Client, Hash, Transport, WriteContractErrorType } from "viem";

import { motifModelRegistryAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type DeprecateModelParameters = { registry: Address; modelId: number };
export type DeprecateModelReturnType = Hash;
export type DeprecateModelErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * The model owner deprecates a model: no new certificate may name it; its record stays.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { deprecateModel } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), transport: http("http://127.0.0.1:8545") });
 * await deprecateModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", modelId: 1 });
 */
export function deprecateModel(client: Client<Transport, Chain | undefined, Account>, p: DeprecateModelParameters): Promise<DeprecateModelReturnType> {
  return simulateAndWrite(client, { address: p.registry, abi: motifModelRegistryAbi, functionName: "deprecateModel", args: [p.modelId] });
}
