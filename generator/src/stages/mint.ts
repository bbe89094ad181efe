import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { mintCertificates } from "../../../sdk/src/actions/certificates/mintCertificates.js";
import type { MintRequest } from "../../../sdk/src/types/lineage.js";

/** Stage input: attested requests (one transaction for all of them). */
export type MintInput = { requests: MintRequest[] };

/** Stage output: the transaction and the token ids (= content digests), in request order. */
export type MintOutput = { transactionHash: Hex; blockNumber: bigint; tokenIds: bigint[] };

export type Minter = {
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  certificate: Address;
};

/** Mint stage: the SDK's `mintCertificates` (one `mint` or a `mintBatch`, simulated first so a revert
 * surfaces as MotifContractError naming the custom error), waited for. */
export async function mint(minter: Minter, input: MintInput): Promise<MintOutput> {
  const transactionHash = await mintCertificates(minter.wallet, { certificate: minter.certificate, requests: input.requests });
  const receipt = await minter.publicClient.waitForTransactionReceipt({ hash: transactionHash });
  if (receipt.status !== "success") throw new Error(`mint: transaction ${transactionHash} reverted`);
  return { transactionHash, blockNumber: receipt.blockNumber, tokenIds: input.requests.map((r) => BigInt(r.lineage.contentDigest)) };
}
