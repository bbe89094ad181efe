// The metadata document (type, builder, parser) is the SDK's: one place for the generator that writes
// it and every reader (verifyCertificate, the web page). This module keeps the generator's names.
import { type CertificateMetadataInput, type CertificateMetadataLineageInput, buildCertificateMetadata, encodeCertificateMetadata } from "@motif/sdk";

export { TRAINED_ALGORITHMIC_MEDIA } from "@motif/sdk";

/** Everything the metadata records about a pattern's origin (the `motif.lineage` block). */
export type MetadataLineage = CertificateMetadataLineageInput;
export type MetadataInput = CertificateMetadataInput;

/**
 * ERC-721 metadata of a pattern, with its full lineage under `motif` and a C2PA-shaped
 * `c2pa.actions` assertion (`c2pa.created`, IPTC `trainedAlgorithmicMedia`). Returned as canonical
 * JSON bytes (sorted keys): the same pattern always gives the same bytes, hence the same CID.
 */
export function buildMetadata(input: MetadataInput): Uint8Array {
  return encodeCertificateMetadata(buildCertificateMetadata(input));
}
