import { type Address, BaseError, type Client, type ReadContractErrorType, toHex } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type GetEventLogsErrorType, getEventLogs } from "../events/getEventLogs.js";
import type { Lineage } from "../../types/lineage.js";
import { CertificateKind } from "../../generated/constants.js";
import { tokenIdHex } from "../../ids.js";

function kindName(kind: number): string {
  const name = Object.entries(CertificateKind).find(([, v]) => v === kind)?.[0];
  return name === undefined ? `kind-${kind}` : name.toLowerCase();
}

export type GetCertificateParameters = { certificate: Address; tokenId: bigint };
export type GetCertificateReturnType = {
  tokenId: bigint;
  owner: Address;
  /** The attested lineage: storage plus the CertificateMinted event. */
  lineage: Lineage;
  royaltyBps: number;
  tokenURI: string;
  editHead: `0x${string}`;
  attester: Address;
  /** The block of the mint, which the certificate stores: its event is read from that one block. */
  mintBlock: bigint;
};
export type NotAPatternErrorType = NotAPatternError & { name: "NotAPatternError" };

/** `getCertificate` asked for a recipe or dataset certificate, which has no pattern lineage. */
export class NotAPatternError extends BaseError {
  override name = "NotAPatternError" as const;
  constructor(readonly tokenId: bigint, readonly kind: number) {
    const what = kindName(kind);
    super(`certificate ${tokenIdHex(tokenId)} is a ${what} certificate, not a pattern: read it with get${what === "recipe" ? "Recipe" : "DatasetManifest"}.`);
  }
}

export type MintEventMissingErrorType = MintEventMissingError & { name: "MintEventMissingError" };

/** The RPC node returned no `CertificateMinted` event in the block the certificate says it was minted in. */
export class MintEventMissingError extends BaseError {
  override name = "MintEventMissingError" as const;
  constructor(readonly tokenId: bigint, readonly mintBlock: bigint) {
    super(`certificate ${tokenIdHex(tokenId)} was minted in block ${mintBlock}, but the RPC node returned no CertificateMinted event there (has it pruned its logs?)`);
  }
}

export type GetCertificateErrorType =
  | ReadContractErrorType
  | MotifContractErrorType
  | GetEventLogsErrorType
  | NotAPatternErrorType
  | MintEventMissingErrorType;

/**
 * A certificate with its full lineage, read from storage and its mint event. The certificate
 * stores its mint block, so this is three requests however long the chain (`certificate`,
 * `tokenURI` and one `eth_getLogs` of that one block): no history is scanned.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getCertificate } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const cert = await getCertificate(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82") });
 */
export async function getCertificate(client: Client, p: GetCertificateParameters): Promise<GetCertificateReturnType> {
  try {
    const [stored, tokenURI] = await Promise.all([
      readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.tokenId] }),
      readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "tokenURI", args: [p.tokenId] }),
    ]);
    const [minted] = await getEventLogs(client, {
      address: p.certificate,
      abi: motifCertificateAbi,
      eventName: "CertificateMinted",
      args: { tokenId: p.tokenId },
      fromBlock: stored.mintBlock,
      toBlock: stored.mintBlock,
      first: true,
    });
    if (minted === undefined) {
      if (stored.kind !== CertificateKind.Pattern) throw new NotAPatternError(p.tokenId, stored.kind);
      throw new MintEventMissingError(p.tokenId, stored.mintBlock);
    }
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
      mintBlock: stored.mintBlock,
    };
  } catch (error) {
    return rethrowMotifError(error);
  }
}
