import type { Address, Client, Hex } from "viem";
import { readContract } from "viem/actions";

import { motifCertificateAbi } from "../../abis/index.js";
import { motifErrorOf, rethrowMotifError } from "../../errors.js";
import { datasetIdOf, tokenIdHex } from "../../ids.js";
import { CertificateKind } from "../../types/lineage.js";
import type { RegionInput } from "../../regions/index.js";
import { type DatasetMember, datasetMerkleRoot, verifyDatasetProof } from "../../datasets/merkle.js";
import { checkTrainingLicense } from "./checkTrainingLicense.js";

/** A dataset's manifest (canonical JSON, pinned with the dataset): who may train on what, and the root. */
export type DatasetManifest = {
  format: "motif-dataset/1";
  licensee: Address;
  /** ISO 3166-1 alpha-2 region the training happens in. */
  region: string;
  /** Unix seconds at which every member's license was checked. */
  time: string;
  root: Hex;
  members: Array<{ tokenId: Hex; imageCid: string; imageDigest: Hex; metadataCid: string; licenseId: string; proof: Hex[] }>;
};

export type VerifyDatasetParameters = {
  licensing: Address;
  manifest: DatasetManifest;
  region?: RegionInput;
  time?: bigint;
  /** With the certificate contract, the report also says whether the dataset is certified and by whom. */
  certificate?: Address;
};
export type VerifyDatasetReturnType = {
  passed: boolean;
  root: { claimed: Hex; recomputed: Hex; passed: boolean };
  members: Array<{ tokenId: Hex; inclusion: boolean; licensed: boolean; reason?: string }>;
  /** The licensee's dataset certificate for the claimed root (`datasetIdOf(licensee, root)`), when `certificate` was given. */
  certificate?: { datasetId: Hex; exists: boolean; owner?: Address; curator?: Address };
};
export type VerifyDatasetErrorType = Error;

/**
 * Checks a dataset: the root recomputed from its members equals the claimed root, each member's
 * inclusion proof leads to it, and each member's license allowed AI training for the licensee in the
 * region at the export time (or at `time`, to check it still does).
 *
 * @example
 * import { createPublicClient, http } from "viem";
 * import { getDatasetManifest, verifyDataset } from "@motif/sdk";
 * const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });
 * // a manifest from `npx motif dataset export`, or a dataset certificate's, fetched and checked by CID:
 * const { manifest } = await getDatasetManifest(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", datasetId: BigInt("0x6d6f746966445354e7680a39de488255be09dc00bcea71f02625c157d7186c3e"), gateway: "http://127.0.0.1:8081" });
 * const report = await verifyDataset(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", manifest });
 * console.log(report.passed); // "true"
 */
export async function verifyDataset(client: Client, p: VerifyDatasetParameters): Promise<VerifyDatasetReturnType> {
  const m = p.manifest;
  const asMember = (x: DatasetManifest["members"][number]): DatasetMember => ({ tokenId: BigInt(x.tokenId), imageDigest: x.imageDigest, licenseId: BigInt(x.licenseId) });
  const recomputed = datasetMerkleRoot(m.members.map(asMember));
  const members: VerifyDatasetReturnType["members"] = [];
  for (const x of m.members) {
    const inclusion = verifyDatasetProof(m.root, asMember(x), x.proof);
    const check = await checkTrainingLicense(client, { licensing: p.licensing, tokenId: BigInt(x.tokenId), licensee: m.licensee, region: p.region ?? m.region, time: p.time ?? BigInt(m.time) });
    const licensed = check.allowed && check.licenseId === BigInt(x.licenseId);
    members.push({
      tokenId: x.tokenId,
      inclusion,
      licensed,
      ...(check.allowed ? (licensed ? {} : { reason: `covered by licence ${tokenIdHex(check.licenseId)}, not the one recorded` }) : { reason: check.reason }),
    });
  }
  const rootOk = recomputed === m.root;
  const report: VerifyDatasetReturnType = { passed: rootOk && members.every((x) => x.inclusion && x.licensed), root: { claimed: m.root, recomputed, passed: rootOk }, members };
  if (p.certificate !== undefined) report.certificate = await datasetCertificate(client, p.certificate, m.licensee, m.root);
  return report;
}

async function datasetCertificate(client: Client, certificate: Address, licensee: Address, root: Hex): Promise<NonNullable<VerifyDatasetReturnType["certificate"]>> {
  const id = datasetIdOf(licensee, root);
  const datasetId = tokenIdHex(id);
  try {
    const v = await readContract(client, { address: certificate, abi: motifCertificateAbi, functionName: "certificate", args: [id] });
    // the id is derived from the licensee and the root under the dataset tag: a token there is this dataset's
    if (v.kind !== CertificateKind.Dataset || v.kindDigest !== root) return { datasetId, exists: false };
    return { datasetId, exists: true, owner: v.owner, curator: v.creator };
  } catch (error) {
    if (motifErrorOf(error)?.errorName === "MotifCertificateNonexistentToken") return { datasetId, exists: false };
    return rethrowMotifError(error);
  }
}
