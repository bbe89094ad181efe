import { BaseError } from "viem";

/**
 * The latest time a licence check takes: `isLicensed` and `requireLicensed` take their time as a
 * `uint48` (OpenZeppelin 5's ERC-6372 clock type), about 8.9 million years of unix seconds.
 */
export const MAX_CHECK_TIME = 2n ** 48n - 1n;

export type CheckTimeRangeErrorType = CheckTimeRangeError & { name: "CheckTimeRangeError" };

/** A licence-check time the contracts cannot take: negative, or past `MAX_CHECK_TIME`. */
export class CheckTimeRangeError extends BaseError {
  override name = "CheckTimeRangeError" as const;
  constructor(readonly time: bigint) {
    super(`time ${time} is outside 0..${MAX_CHECK_TIME} (unix seconds; a licence check takes a uint48 time).`);
  }
}

/** `time` in unix seconds (default: now) as the `uint48` the licence checks take; throws CheckTimeRangeError. */
export function checkTime(time?: bigint): number {
  const t = time ?? BigInt(Math.floor(Date.now() / 1000));
  if (t < 0n || t > MAX_CHECK_TIME) throw new CheckTimeRangeError(t);
  return Number(t);
}
