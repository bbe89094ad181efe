import type { Account, Address, Chain, Hex, PublicClient, Transport, WalletClient } from "viem";

import { mintCertificates, type MintRequest } from "@motif/sdk";

/** Stage input: attested requests (one transaction for all of them). */
export type MintInput = { requests: MintRequest[] };

/** Stage output: the transaction and the token ids (= content digests), in request order. */
export type MintOutput = { transactionHash: Hex; blockNumber: bigint; tokenIds: bigint[] };

export type Minter = {
  wallet: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  certificate: Address;
};

/** A node refused the transaction for its nonce: another sender of the same key got there first. */
export function isNonceConflict(error: unknown): boolean {
  const e = error as { name?: string; message?: string; walk?: (fn: (e: unknown) => boolean) => unknown };
  const nonceError = e.walk?.((x) => (x as { name?: string }).name === "NonceTooLowError" || (x as { name?: string }).name === "NonceTooHighError");
  return nonceError !== undefined && nonceError !== null ? true : /nonce too low|nonce has already been used|replacement transaction underpriced|already known/i.test(String(e.message));
}

/** Mint stage: the SDK's `mintCertificates` (one `mint` or a `mintBatch`, simulated first so a revert
 * surfaces as MotifContractError naming the custom error), waited for. The generator's key may be
 * shared (an API server and a batch): a transaction the node refuses for its nonce was never
 * accepted, so it is simulated and sent again with a fresh nonce, a few times. */
export async function mint(minter: Minter, input: MintInput, nonceRetries = 8): Promise<MintOutput> {
  let transactionHash: Hex;
  for (let attempt = 0; ; attempt++) {
    try {
      transactionHash = await mintCertificates(minter.wallet, { certificate: minter.certificate, requests: input.requests });
      break;
    } catch (error) {
      if (attempt >= nonceRetries || !isNonceConflict(error)) throw error;
      await new Promise((r) => setTimeout(r, 25 * 2 ** Math.min(attempt, 5) * (0.5 + Math.random())));
    }
  }
  const receipt = await minter.publicClient.waitForTransactionReceipt({ hash: transactionHash });
  if (receipt.status !== "success") throw new Error(`mint: transaction ${transactionHash} reverted`);
  return { transactionHash, blockNumber: receipt.blockNumber, tokenIds: input.requests.map((r) => BigInt(r.lineage.contentDigest)) };
}
