import type { Account, Address, Chain, Client, Hash, Hex, Transport, WriteContractErrorType } from "viem";

import { motifModelRegistryAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type RegisterModelParameters = {
  registry: Address;
  owner: Address;
  /** sha-256 of the ONNX file. */
  weightsDigest: Hex;
  /** Digest and codec of the weights' CIDv1 (one raw block: the same digest, codec 0x55). */
  weightsCidDigest?: Hex;
  weightsCidCodec?: number;
  /** Share of license sales and usage royalties, in basis points (≤ 2500). */
  royaltyBps: number;
  name: string;
  version: string;
};
export type RegisterModelReturnType = Hash;
export type RegisterModelErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Registers a model (needs the registrar role). Refusals throw MotifContractError, e.g.
 * MotifModelRegistryDuplicateWeights(weightsDigest, existingModelId).
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { registerModel } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), transport: http("http://127.0.0.1:8545") });
 * await registerModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", owner: client.account.address, weightsDigest: "0x7d5f0d5c1f0e6a9a3b0a2e64c8b5e3f1c9d4a7b2e6f8a1c3d5e7f9b2a4c6e8d0", royaltyBps: 500, name: "saffron", version: "1.0.0" });
 */
export function registerModel(
  client: Client<Transport, Chain | undefined, Account>,
  p: RegisterModelParameters,
): Promise<RegisterModelReturnType> {
  return simulateAndWrite(client, {
    address: p.registry,
    abi: motifModelRegistryAbi,
    functionName: "registerModel",
    args: [
      {
        owner: p.owner,
        weightsDigest: p.weightsDigest,
        weightsCidDigest: p.weightsCidDigest ?? p.weightsDigest,
        weightsCidCodec: p.weightsCidCodec ?? 0x55,
        royaltyBps: p.royaltyBps,
        name: p.name,
        version: p.version,
      },
    ],
  });
}
