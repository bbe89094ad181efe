import type { Account, Address, Chain, Client, Hash, Hex, Transport, WriteContractErrorType } from "viem";

import { motifCertificateAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type MintDatasetParameters = {
  certificate: Address;
  /** The dataset's Merkle root (`datasetMerkleRoot`), its lineage. */
  root: Hex;
  /** Number of members. */
  members: number;
  /** Digest and codec of the dataset certificate's metadata CIDv1 (which names the manifest). */
  metadataDigest: Hex;
  metadataCodec: number;
  /** ERC-2981 royalty on sales of the dataset certificate (≤ 1000). */
  royaltyBps: number;
  /** Share of the licensing revenue of patterns made by models trained on it (≤ 2500); 0 when left out. */
  shareBps?: number;
};
export type MintDatasetReturnType = Hash;
export type MintDatasetErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Certifies a training dataset from the client's account, its curator (token id `datasetIdOf(curator, root)`).
 * Refusals throw MotifContractError, e.g. MotifCertificateAlreadyCertified(datasetId).
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { mintDataset } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await mintDataset(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", root: "0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", members: 3, metadataDigest: "0x2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", metadataCodec: 0x55, royaltyBps: 0 });
 */
export function mintDataset(client: Client<Transport, Chain | undefined, Account>, p: MintDatasetParameters): Promise<MintDatasetReturnType> {
  return simulateAndWrite(client, {
    address: p.certificate,
    abi: motifCertificateAbi,
    functionName: "mintDataset",
    args: [{ root: p.root, members: p.members, metadataDigest: p.metadataDigest, metadataCodec: p.metadataCodec, royaltyBps: p.royaltyBps, shareBps: p.shareBps ?? 0 }],
  });
}
