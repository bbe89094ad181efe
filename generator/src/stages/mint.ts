import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { motifCertificateAbi } from "../../../sdk/src/abis/index.js";
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

/** Mint stage: one `mint` or a `mintBatch`, waited for; reverts surface as viem errors naming the custom error. */
export async function mint(minter: Minter, input: MintInput): Promise<MintOutput> {
  if (input.requests.length === 0) throw new RangeError("requests: at least one request is required");
  const common = { address: minter.certificate, abi: motifCertificateAbi, account: minter.wallet.account, chain: minter.wallet.chain } as const;
  // Simulate first so a revert surfaces with its decoded custom error before anything is sent.
  let transactionHash: Hex;
  if (input.requests.length === 1) {
    const { request } = await minter.publicClient.simulateContract({ ...common, functionName: "mint", args: [input.requests[0]!] });
    transactionHash = await minter.wallet.writeContract(request);
  } else {
    const { request } = await minter.publicClient.simulateContract({ ...common, functionName: "mintBatch", args: [input.requests] });
    transactionHash = await minter.wallet.writeContract(request);
  }
  const receipt = await minter.publicClient.waitForTransactionReceipt({ hash: transactionHash });
  if (receipt.status !== "success") throw new Error(`mint: transaction ${transactionHash} reverted`);
  return { transactionHash, blockNumber: receipt.blockNumber, tokenIds: input.requests.map((r) => BigInt(r.lineage.contentDigest)) };
}
