import { CID } from "multiformats/cid";
import { type Address, BaseError, type Client, type Hex, type ReadContractErrorType, bytesToHex } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import { datasetIdOf, tokenIdHex } from "../../ids.js";
import { type FetchVerifiedErrorType, fetchVerified } from "../../ipfs/fetchVerified.js";
import { CertificateKind } from "../../types/lineage.js";
import { type GetCertificateMetadataErrorType, getCertificateMetadata } from "../certificates/getCertificateMetadata.js";
import type { DatasetCertificateMetadata } from "../../metadata/datasetMetadata.js";
import type { DatasetManifest } from "./verifyDataset.js";

export type GetDatasetManifestParameters = { certificate: Address; datasetId: bigint; gateway: string };
export type GetDatasetManifestReturnType = { manifest: DatasetManifest; manifestCid: string; metadata: DatasetCertificateMetadata };
export type GetDatasetManifestErrorType = ReadContractErrorType | MotifContractErrorType | GetCertificateMetadataErrorType | FetchVerifiedErrorType | DatasetManifestErrorType;

export type DatasetManifestErrorType = DatasetManifestError & { name: "DatasetManifestError" };

/** A dataset certificate's metadata or manifest does not match what the chain certifies. */
export class DatasetManifestError extends BaseError {
  override name = "DatasetManifestError" as const;
}

/**
 * A dataset certificate → its manifest, trusting no gateway: the metadata is fetched by the on-chain
 * CID digest, the manifest by the CID that metadata names (a large manifest is a chunked UnixFS file,
 * checked block by block), and the manifest's root and licensee must give the certificate's id and
 * on-chain root. Pass the manifest to `verifyDataset` to check its members.
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getDatasetManifest, verifyDataset } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * const { manifest } = await getDatasetManifest(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", datasetId: BigInt("0x6d6f746966445354e7680a39de488255be09dc00bcea71f02625c157d7186c3e"), gateway: "http://127.0.0.1:8081" });
 * const report = await verifyDataset(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", manifest });
 */
export async function getDatasetManifest(client: Client, p: GetDatasetManifestParameters): Promise<GetDatasetManifestReturnType> {
  let stored;
  try {
    stored = await readContract(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "certificate", args: [p.datasetId] });
  } catch (error) {
    return rethrowMotifError(error);
  }
  const id = tokenIdHex(p.datasetId);
  if (stored.kind !== CertificateKind.Dataset) throw new DatasetManifestError(`certificate ${id} is not a dataset certificate (kind ${stored.kind})`);
  const doc = await getCertificateMetadata(client, { certificate: p.certificate, tokenId: p.datasetId, gateway: p.gateway });
  if (doc.kind !== "dataset") throw new DatasetManifestError(`certificate ${id}: its metadata is a ${doc.kind}'s, not a dataset's`);
  const metadata = doc.metadata;
  const named = metadata.motif.manifest;
  let cid: CID;
  try {
    cid = CID.parse(named);
  } catch {
    throw new DatasetManifestError(`dataset ${id}: its metadata names no manifest CID (motif.manifest is ${JSON.stringify(named)})`);
  }
  const bytes = await fetchVerified(p.gateway, { cid: cid.toString(), codec: cid.code, digest: bytesToHex(cid.multihash.digest) });
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as DatasetManifest;
  } catch {
    throw new DatasetManifestError(`dataset ${id}: the manifest ${cid.toString()} matches its CID but is not JSON`);
  }
  if (manifest.format !== "motif-dataset/1") throw new DatasetManifestError(`dataset ${id}: the manifest's format is ${JSON.stringify(manifest.format)}, not motif-dataset/1`);
  const root = stored.kindDigest as Hex;
  if (String(manifest.root).toLowerCase() !== root.toLowerCase()) throw new DatasetManifestError(`dataset ${id}: the manifest's root ${manifest.root} is not the certified root ${root}`);
  if (datasetIdOf(manifest.licensee, manifest.root) !== p.datasetId) throw new DatasetManifestError(`dataset ${id}: the manifest's licensee ${manifest.licensee} and root do not give this dataset id`);
  return { manifest, manifestCid: cid.toString(), metadata };
}
