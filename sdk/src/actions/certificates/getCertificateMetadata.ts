import type { Address, Client, ReadContractErrorType } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { type FetchVerifiedErrorType, IpfsVerificationError, fetchVerified } from "../../ipfs/fetchVerified.js";
import type { MetadataErrorType } from "../../metadata/check.js";
import { type MotifCertificateMetadata, parseMotifMetadata } from "../../metadata/motifMetadata.js";
import { certificateKindName } from "../../types/lineage.js";

export type GetCertificateMetadataParameters = { certificate: Address; tokenId: bigint; gateway: string };
/** The document, parsed and typed by the certificate's kind on chain: narrow on `kind`. */
export type GetCertificateMetadataReturnType = { tokenURI: string } & MotifCertificateMetadata;
export type GetCertificateMetadataErrorType = ReadContractErrorType | MotifContractErrorType | FetchVerifiedErrorType | MetadataErrorType;

/**
 * tokenURI → metadata: reads the certificate's metadata CID and kind, fetches the document from a
 * trustless gateway, checking its bytes against the on-chain digest (throws IpfsVerificationError
 * on tampered content), and parses it as the metadata of that kind (`parseMotifMetadata`: a pattern's
 * lineage and C2PA, a recipe's or a dataset's; throws `MetadataError` naming a bad field).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getCertificateMetadata } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const doc = await getCertificateMetadata(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), gateway: "http://127.0.0.1:8081" });
 * if (doc.kind === "pattern") console.log(doc.metadata.motif.lineage.seed);
 */
export async function getCertificateMetadata(client: Client, p: GetCertificateMetadataParameters): Promise<GetCertificateMetadataReturnType> {
  let stored;
  let tokenURI: string;
  try {
    stored = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.tokenId] });
    tokenURI = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "tokenURI", args: [p.tokenId] });
  } catch (error) {
    return rethrowMotifError(error);
  }
  const cid = tokenURI.replace(/^ipfs:\/\//, "");
  const bytes = await fetchVerified(p.gateway, { cid, codec: stored.metadataCodec, digest: stored.metadataDigest });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new IpfsVerificationError(cid, "content matches the CID but is not JSON metadata");
  }
  return { tokenURI, ...parseMotifMetadata(json, certificateKindName(stored.kind)) };
}
