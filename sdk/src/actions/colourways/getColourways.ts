import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type GetEventLogsErrorType, getEventLogs } from "../events/getEventLogs.js";

export type GetColourwaysParameters = {
  certificate: Address;
  /** The design. */
  designId: bigint;
  /** First block to read (default: the certificate contract's `deployBlock()`, one read). */
  fromBlock?: bigint;
  /** Last block to read (default: the latest block). */
  toBlock?: bigint;
  /** Widest `eth_getLogs` range asked per request (default 10,000, narrowed on the provider's word). */
  maxBlockRange?: bigint;
};
/** The design's colourways (token ids), in mint order. */
export type GetColourwaysReturnType = bigint[];
export type GetColourwaysErrorType = ReadContractErrorType | MotifContractErrorType | GetEventLogsErrorType;

/**
 * Every colourway of a design, from its `ColourwayMinted` events (the design is indexed), read in
 * pages from the certificate contract's deployment block, so hosted providers' `eth_getLogs` limits
 * are met on a long chain. A colourway stays in its family whoever owns it later.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getColourways } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const colourways = await getColourways(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", designId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82") });
 * console.log(colourways.length, "colourways");
 */
export async function getColourways(client: Client, p: GetColourwaysParameters): Promise<GetColourwaysReturnType> {
  let fromBlock = p.fromBlock;
  if (fromBlock === undefined) {
    try {
      fromBlock = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "deployBlock" });
    } catch (error) {
      return rethrowMotifError(error);
    }
  }
  const logs = await getEventLogs(client, {
    address: p.certificate,
    abi: motifCertificateAbi,
    eventName: "ColourwayMinted",
    args: { designId: p.designId },
    fromBlock,
    ...(p.toBlock !== undefined ? { toBlock: p.toBlock } : {}),
    ...(p.maxBlockRange !== undefined ? { maxBlockRange: p.maxBlockRange } : {}),
  });
  return logs.map((log) => log.args.tokenId!);
}
