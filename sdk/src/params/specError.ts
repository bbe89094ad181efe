import { BaseError } from "viem";

/** A bad field of a spec in a request (`field` its path, `detail` what is allowed): the message is "field: detail". */
export abstract class SpecFieldError extends BaseError {
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}
