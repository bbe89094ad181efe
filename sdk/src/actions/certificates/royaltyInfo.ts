import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";

export type RoyaltyInfoParameters = { certificate: Address; tokenId: bigint; salePrice: bigint };
export type RoyaltyInfoReturnType = { receiver: Address; amount: bigint };
export type RoyaltyInfoErrorType = ReadContractErrorType | MotifContractErrorType;

/**
 * ERC-2981 royalty of a sale: the creator and the amount.
 *
 * @example
 * import { createPublicClient, http, parseEther } from "viem";
 * import { royaltyInfo } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const { receiver, amount } = await royaltyInfo(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), salePrice: parseEther("1") });
 */
export async function royaltyInfo(client: Client, p: RoyaltyInfoParameters): Promise<RoyaltyInfoReturnType> {
  try {
    const [receiver, amount] = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "royaltyInfo", args: [p.tokenId, p.salePrice] });
    return { receiver, amount };
  } catch (error) {
    return rethrowMotifError(error);
  }
}
