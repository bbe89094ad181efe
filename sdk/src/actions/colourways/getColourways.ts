import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";

export type GetColourwaysParameters = {
  certificate: Address;
  /** The design. */
  designId: bigint;
};
/** The design's colourways (token ids), in mint order; empty for a design without colourways. */
export type GetColourwaysReturnType = readonly bigint[];
export type GetColourwaysErrorType = ReadContractErrorType | MotifContractErrorType;

/**
 * Every colourway of a design, in mint order, in one read (`colourwaysOf`: a design lists its
 * colourways, at most `MAX_COLOURWAYS`), so no log range is scanned however long the chain. A family
 * has one owner: its colourways move with the design.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getColourways } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const colourways = await getColourways(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", designId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82") });
 * console.log(colourways.length, "colourways");
 */
export async function getColourways(client: Client, p: GetColourwaysParameters): Promise<GetColourwaysReturnType> {
  try {
    return await readContract(client, {
      address: p.certificate,
      abi: motifCertificateAbi,
      functionName: "colourwaysOf",
      args: [p.designId],
    });
  } catch (error) {
    return rethrowMotifError(error);
  }
}
