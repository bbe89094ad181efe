import { BaseError, UserRejectedRequestError } from "viem";
import { explainMotifError } from "@motif/sdk";

import { NoWalletError, WrongChainError } from "./wallet.js";

/**
 * A message a person can act on, for any error the page meets: the wallet's own states here, and
 * everything else (each contract revert, decoded by the SDK, with hex ids, region codes, ETH and
 * dates) in the SDK's words (`explainMotifError`).
 */
export function explain(error: unknown): string {
  if (error instanceof NoWalletError || error instanceof WrongChainError) return error.message;
  const rejected =
    error instanceof BaseError ? error.walk((e) => e instanceof UserRejectedRequestError || (e as { code?: number }).code === 4001) !== null : (error as { code?: number } | null)?.code === 4001;
  if (rejected) return "You rejected the request in your wallet. Nothing was signed or sent.";
  return explainMotifError(error);
}
