import { type Address, BaseError, type Client, type ReadContractErrorType, erc20Abi, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import type { CurrencyUnit } from "../../termsInWords.js";

export type GetCurrencyUnitParameters = {
  /** An ERC-20 token, or the zero address for ETH. */
  currency: Address;
};
export type GetCurrencyUnitReturnType = CurrencyUnit;

export type NotAnErc20ErrorType = NotAnErc20Error & { name: "NotAnErc20Error" };

/** The address answers no ERC-20 `decimals()` (an account without code, or another contract). */
export class NotAnErc20Error extends BaseError {
  override name = "NotAnErc20Error" as const;
  constructor(readonly currency: Address, options: { cause?: Error } = {}) {
    super(`${currency} is not an ERC-20 token on this chain: it answers no decimals().`, options.cause ? { cause: options.cause } : {});
  }
}
export type GetCurrencyUnitErrorType = NotAnErc20ErrorType | ReadContractErrorType;

/**
 * How amounts of a licence's currency are written: ETH (18 decimals) for the zero address, else the
 * ERC-20 token's `decimals()` and `symbol()` (a token without a string symbol is named by its
 * address). Pass it to `termsInWords` / `amountInWords`, or to `parseUnits` to read an amount typed
 * in the token's units ("12.5" USDC is 12,500,000 base units).
 *
 * @example
 * import { createPublicClient, http, zeroAddress } from "viem";
 * import { getCurrencyUnit } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const unit = await getCurrencyUnit(client, { currency: zeroAddress });
 * console.log(unit.symbol, unit.decimals); // ETH 18
 */
export async function getCurrencyUnit(client: Client, p: GetCurrencyUnitParameters): Promise<GetCurrencyUnitReturnType> {
  if (p.currency === zeroAddress) return { symbol: "ETH", decimals: 18 };
  let decimals: number;
  try {
    decimals = await readContract(client, { address: p.currency, abi: erc20Abi, functionName: "decimals" });
  } catch (error) {
    throw new NotAnErc20Error(p.currency, { cause: error as Error });
  }
  let symbol: string;
  try {
    symbol = await readContract(client, { address: p.currency, abi: erc20Abi, functionName: "symbol" });
  } catch {
    symbol = `units of token ${p.currency}`;
  }
  return { symbol: symbol.trim() === "" ? `units of token ${p.currency}` : symbol, decimals };
}
