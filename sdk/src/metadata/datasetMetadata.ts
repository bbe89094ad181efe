import { type Address, type Hex } from "viem";

import type { DatasetManifest } from "../actions/datasets/verifyDataset.js";
import { datasetIdOf, tokenIdHex } from "../ids.js";
import { cidV1, hex32, int, kindDocument } from "./check.js";

/**
 * The pinned metadata of a dataset certificate: ERC-721 name and description, and under `motif`
 * the dataset's id, Merkle root, manifest CID and member count. Pinned as canonical JSON
 * (`encodeCertificateMetadata`).
 */
export type DatasetCertificateMetadata = {
  name: string;
  description: string;
  motif: {
    version: 1;
    kind: "dataset";
    /** `datasetIdOf(licensee, root)` as `tokenIdHex`. */
    datasetId: Hex;
    /** Sorted-pair Merkle root of the members: the certificate's on-chain root. */
    root: Hex;
    /** CIDv1 of the pinned manifest (`motif-dataset/1`). */
    manifest: string;
    members: number;
  };
};

/** What a dataset certificate's metadata is built from: the manifest, where it is pinned, and an optional name. */
export type DatasetMetadataInput = {
  manifest: Pick<DatasetManifest, "licensee" | "region" | "root" | "members">;
  manifestCid: string;
  /** Default: "Training dataset <first 10 characters of the root>". */
  name?: string;
};

/**
 * The metadata document of a dataset certificate (see `DatasetCertificateMetadata`); checked with
 * `parseDatasetMetadata` on the way out, so a bad input throws `MetadataError` naming the field.
 *
 * @example
 * import { buildDatasetMetadata } from "@motif/sdk";
 * const doc = buildDatasetMetadata({
 *   manifest: {
 *     licensee: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
 *     region: "FR",
 *     root: "0xabababababababababababababababababababababababababababababababab",
 *     members: [{ tokenId: "0x0101010101010101010101010101010101010101010101010101010101010101", imageCid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", imageDigest: "0x0202020202020202020202020202020202020202020202020202020202020202", metadataCid: "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", licenseId: "12345", proof: [] }],
 *   },
 *   manifestCid: "bafkreid7tkcy6s5oczgs7vcq7wxuwtm7lrbtqhyi7hv5z5gyjt5hjtggpm",
 * });
 * console.log(doc.name); // "Training dataset 0xabababab"
 * console.log(doc.description); // "1 Motif patterns licensed for AI training to 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC in FR."
 */
export function buildDatasetMetadata(input: DatasetMetadataInput): DatasetCertificateMetadata {
  const m = input.manifest;
  return parseDatasetMetadata({
    name: input.name ?? `Training dataset ${m.root.slice(0, 10)}`,
    description: `${m.members.length} Motif patterns licensed for AI training to ${m.licensee} in ${m.region}.`,
    motif: { version: 1, kind: "dataset", datasetId: tokenIdHex(datasetIdOf(m.licensee as Address, m.root)), root: m.root, manifest: input.manifestCid, members: m.members.length },
  });
}

/**
 * Checks that `json` (a parsed document, its JSON text or its bytes) is a dataset certificate's
 * metadata and returns it typed; throws `MetadataError` naming the first bad field's path and what
 * was expected. Fields the type does not name are kept and ignored (as `parseCertificateMetadata`).
 */
export function parseDatasetMetadata(json: unknown): DatasetCertificateMetadata {
  const { d, m } = kindDocument(json, "dataset");
  hex32(m.datasetId, "motif.datasetId");
  hex32(m.root, "motif.root");
  cidV1(m.manifest, "motif.manifest");
  int(m.members, "motif.members", 1, 2 ** 31 - 1);
  return d as DatasetCertificateMetadata;
}
