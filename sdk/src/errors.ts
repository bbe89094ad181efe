import { BaseError, ContractFunctionRevertedError } from "viem";

import { describeMotifError, explainMotifError } from "./explain.js";

export type MotifContractErrorType = MotifContractError & { name: "MotifContractError" };

/**
 * A Motif contract reverted with one of its custom errors: `errorName` is the error
 * (e.g. "MotifLicensingRegionNotAllowed") and `args` its decoded values.
 */
export class MotifContractError extends BaseError {
  override name = "MotifContractError" as const;
  constructor(
    readonly errorName: string,
    readonly args: readonly unknown[],
    cause?: BaseError,
  ) {
    // in words (hex ids, region codes, ETH, dates) with the error's name: never raw 78-digit decimals
    super(cause !== undefined ? explainMotifError(cause) : `${describeMotifError(errorName, args)} [${errorName}]`, cause !== undefined ? { cause } : {});
  }
}

/** The Motif custom error a viem error carries (decoded), or undefined when it carries none. */
export function motifErrorOf(error: unknown): MotifContractError | undefined {
  if (error instanceof MotifContractError) return error;
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (revert instanceof ContractFunctionRevertedError && revert.data?.errorName !== undefined) {
      return new MotifContractError(revert.data.errorName, revert.data.args ?? [], error);
    }
  }
  return undefined;
}

/** Rethrows a viem error as MotifContractError when it carries a decoded custom error. */
export function rethrowMotifError(error: unknown): never {
  throw motifErrorOf(error) ?? error;
}
