import { type Address, type Client, type ReadContractErrorType, toHex } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type GetEventLogsErrorType, getEventLogs } from "../events/getEventLogs.js";
import type { Lineage } from "../../types/lineage.js";

export type GetCertificateParameters = { certificate: Address; tokenId: bigint; fromBlock?: bigint };
export type GetCertificateReturnType = {
  tokenId: bigint;
  owner: Address;
  /** The attested lineage: storage plus the CertificateMinted event. */
  lineage: Lineage;
  royaltyBps: number;
  tokenURI: string;
  editHead: `0x${string}`;
  attester: Address;
  mintBlock: bigint;
};
export type GetCertificateErrorType = ReadContractErrorType | MotifContractErrorType | GetEventLogsErrorType;

/**
 * A certificate with its full lineage, read from storage and its mint event.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getCertificate } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const cert = await getCertificate(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82") });
 */
export async function getCertificate(client: Client, p: GetCertificateParameters): Promise<GetCertificateReturnType> {
  try {
    const stored = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.tokenId] });
    const tokenURI = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "tokenURI", args: [p.tokenId] });
    const [minted] = await getEventLogs(client, {
      address: p.certificate,
      abi: motifCertificateAbi,
      eventName: "CertificateMinted",
      args: { tokenId: p.tokenId },
      fromBlock: p.fromBlock ?? 0n,
      first: true,
    });
    if (minted === undefined) throw new Error(`certificate ${p.tokenId}: no CertificateMinted event found from block ${p.fromBlock ?? 0n}`);
    const e = minted.args;
    return {
      tokenId: p.tokenId,
      owner: stored.owner,
      lineage: {
        contentDigest: toHex(p.tokenId, { size: 32 }),
        metadataDigest: e.metadataDigest!,
        metadataCodec: e.metadataCodec!,
        modelId: e.modelId!,
        seed: e.seed!,
        paramsHash: e.paramsHash!,
        pdqHash: e.pdqHash!,
        tileHash: e.tileHash!,
        creator: e.creator!,
        recipeId: stored.recipeId,
      },
      royaltyBps: stored.royaltyBps,
      tokenURI,
      editHead: stored.editHead,
      attester: e.attester!,
      mintBlock: minted.blockNumber,
    };
  } catch (error) {
    return rethrowMotifError(error);
  }
}
