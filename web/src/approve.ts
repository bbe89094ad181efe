import { type Address, BaseError, ContractFunctionRevertedError, type PublicClient, erc20Abi } from "viem";

/**
 * The approvals that let `spender` take exactly `amount` of `token` from `owner`, whose allowance
 * to it is `allowance` now: none when it suffices; else one approval of `amount`, or, for a token
 * that changes a non-zero allowance only through zero (Tether's USDT, KNC and others revert such an
 * approve), first one of zero. Whether the token is such is asked of the token itself: a dry run of
 * the approval (`eth_call`), only when some allowance is left over, so a token without the rule
 * costs no extra transaction.
 */
export async function approvalsFor(
  client: Pick<PublicClient, "simulateContract">,
  p: { token: Address; owner: Address; spender: Address; allowance: bigint; amount: bigint },
): Promise<bigint[]> {
  if (p.allowance >= p.amount) return [];
  if (p.allowance === 0n) return [p.amount];
  try {
    await client.simulateContract({ account: p.owner, address: p.token, abi: erc20Abi, functionName: "approve", args: [p.spender, p.amount] });
    return [p.amount];
  } catch (error) {
    // only the token's own refusal says so; a node that did not answer is said as it is (audit 32 W1)
    if (error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionRevertedError) !== null) return [0n, p.amount];
    throw error;
  }
}
