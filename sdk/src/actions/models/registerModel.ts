import type { Account, Address, Chain, Client, Hash, Hex, Transport, WriteContractErrorType } from "viem";

import { motifModelRegistryAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { type ModelRegistration, type TrainingLineage, structParameters } from "../../generated/structs.js";
import { zeroOf } from "../../structZero.js";
import { simulateAndWrite } from "../write.js";

/** Multicodec of a raw block (weights pinned as one raw block). */
const RAW = 0x55;

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
  /** sha-256 of the model card's canonical bytes (`modelCardDigest`). */
  cardDigest: Hex;
  /** What it was trained on (`trainingLineageOf(card)`); undeclared when left out. */
  training?: TrainingLineage;
};
export type RegisterModelReturnType = Hash;
export type RegisterModelErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * The registry's `ModelRegistration` struct from the parameters: a raw-block weights CID unless
 * given, and an undeclared training lineage (all zero) unless given.
 */
export function modelRegistration(p: Omit<RegisterModelParameters, "registry">): ModelRegistration {
  return {
    owner: p.owner,
    weightsDigest: p.weightsDigest,
    weightsCidDigest: p.weightsCidDigest ?? p.weightsDigest,
    weightsCidCodec: p.weightsCidCodec ?? RAW,
    royaltyBps: p.royaltyBps,
    name: p.name,
    version: p.version,
    cardDigest: p.cardDigest,
    training: p.training ?? (zeroOf(structParameters.TrainingLineage) as TrainingLineage),
  };
}

/**
 * Registers a model (needs the registrar role) with its card and training lineage. Refusals throw
 * MotifContractError, e.g. MotifModelRegistryDuplicateWeights(weightsDigest, existingModelId) or
 * MotifModelRegistryTrainingNotLicensed(datasetId, owner) when the owner may not train on the dataset.
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { registerModel } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"), transport: http("http://127.0.0.1:8545") });
 * await registerModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", owner: client.account.address, weightsDigest: "0x7d5f0d5c1f0e6a9a3b0a2e64c8b5e3f1c9d4a7b2e6f8a1c3d5e7f9b2a4c6e8d0", cardDigest: "0x1f0e6a9a3b0a2e64c8b5e3f1c9d4a7b2e6f8a1c3d5e7f9b2a4c6e8d07d5f0d5c", royaltyBps: 500, name: "saffron", version: "1.0.0" });
 */
export function registerModel(
  client: Client<Transport, Chain | undefined, Account>,
  p: RegisterModelParameters,
): Promise<RegisterModelReturnType> {
  const { registry, ...rest } = p;
  return simulateAndWrite(client, {
    address: registry,
    abi: motifModelRegistryAbi,
    functionName: "registerModel",
    args: [modelRegistration(rest)],
  });
}
