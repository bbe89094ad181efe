import { type Abi, BaseError, ContractFunctionRevertedError, type Hex, decodeErrorResult } from "viem";

import { describeMotifError, explainMotifError, motifErrorsAbi } from "./explain.js";
import type { MotifErrorName, MotifErrorOf, MotifErrorUnion } from "./generated/errors.js";

export type { MotifErrorName, MotifErrorOf, MotifErrorUnion } from "./generated/errors.js";
export { motifErrorArgNames } from "./generated/errors.js";

export type MotifContractErrorType = MotifContractError & { name: "MotifContractError" };

/** A Motif error's positional arguments by their ABI names (the error's declaration in Solidity). */
export function namedMotifErrorArgs<N extends MotifErrorName>(errorName: N, args: readonly unknown[]): MotifErrorOf<N>["args"] {
  const item = motifErrorsAbi.find((e) => e.name === errorName && e.inputs.length === args.length);
  return Object.fromEntries(args.map((v, i) => [item?.inputs[i]?.name || `arg${i}`, v])) as MotifErrorOf<N>["args"];
}

/**
 * A Motif contract reverted with one of its custom errors. `data` is the error, typed over every Motif
 * custom error (as viem's `ContractFunctionRevertedError.data`): its name and its arguments by their
 * Solidity names, so `if (e.data.errorName === "MotifLicensingRegionNotAllowed") e.data.args.region`
 * type-checks and a renamed argument does not. `errorName` and the positional `args` stay as they were.
 */
export class MotifContractError<E extends MotifErrorUnion = MotifErrorUnion> extends BaseError {
  override name = "MotifContractError" as const;
  /** The error and its arguments by name. */
  readonly data: E;
  constructor(
    readonly errorName: E["errorName"],
    /** The arguments in declaration order. */
    readonly args: readonly unknown[],
    cause?: BaseError,
  ) {
    // in words (hex ids, region codes, ETH, dates) with the error's name: never raw 78-digit decimals
    super(cause !== undefined ? explainMotifError(cause) : `${describeMotifError(errorName, args)} [${errorName}]`, cause !== undefined ? { cause } : {});
    this.data = { errorName, args: namedMotifErrorArgs(errorName, args) } as unknown as E;
  }

  /** `error instanceof MotifContractError` narrows to the union of Motif errors (not to `MotifContractError<any>`). */
  static override [Symbol.hasInstance](value: unknown): value is MotifContractError {
    return Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** Whether `error` is a MotifContractError, of the error `errorName` when given (narrows `data.args`). */
export function isMotifError<N extends MotifErrorName = MotifErrorName>(error: unknown, errorName?: N): error is MotifContractError<MotifErrorOf<N>> {
  return error instanceof MotifContractError && (errorName === undefined || error.errorName === errorName);
}

const isMotifErrorName = (name: string, arity: number): name is MotifErrorName => motifErrorsAbi.some((e) => e.name === name && e.inputs.length === arity);

/**
 * The Motif custom error a viem error carries (decoded with the three Motif ABIs), or undefined when
 * it carries none (no revert data, `Error(string)`, `Panic`, or an error no Motif contract declares).
 */
export function motifErrorOf(error: unknown): MotifContractError | undefined {
  if (error instanceof MotifContractError) return error;
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError);
    if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
    let decoded: { errorName: string; args: readonly unknown[] } | undefined;
    const raw: Hex | undefined = revert.raw;
    if (raw !== undefined && raw.length >= 10) {
      try {
        const d = decodeErrorResult({ abi: motifErrorsAbi as Abi, data: raw });
        decoded = { errorName: d.errorName, args: (d.args ?? []) as readonly unknown[] };
      } catch {
        decoded = undefined;
      }
    } else if (revert.data?.errorName !== undefined) {
      decoded = { errorName: revert.data.errorName, args: (revert.data.args ?? []) as readonly unknown[] };
    }
    if (decoded !== undefined && isMotifErrorName(decoded.errorName, decoded.args.length)) return new MotifContractError(decoded.errorName, decoded.args, error);
  }
  return undefined;
}

/** Rethrows a viem error as MotifContractError when it carries a decoded Motif custom error. */
export function rethrowMotifError(error: unknown): never {
  throw motifErrorOf(error) ?? error;
}
