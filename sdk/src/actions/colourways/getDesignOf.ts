import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";

export type GetDesignOfParameters = { certificate: Address; tokenId: bigint };
/** The design whose colourway the token is, or `0n` when it is none (a design, a plain pattern, a recipe, a dataset, an id never minted). */
export type GetDesignOfReturnType = bigint;
export type GetDesignOfErrorType = ReadContractErrorType | MotifContractErrorType;

/**
 * The design a certificate is a colourway of (`designOf`), fixed at its mint whoever owns it later;
 * `0n` for any other token.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getDesignOf } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const designId = await getDesignOf(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82") });
 * console.log(designId === 0n ? "a design or a plain pattern" : `a colourway of ${designId}`);
 */
export async function getDesignOf(client: Client, p: GetDesignOfParameters): Promise<GetDesignOfReturnType> {
  try {
    return await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "designOf", args: [p.tokenId] });
  } catch (error) {
    return rethrowMotifError(error);
  }
}
