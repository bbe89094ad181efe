import { type CertificateMetadata, parseCertificateMetadata } from "./certificateMetadata.js";
import { decodeDocument, fail, obj } from "./check.js";
import { type DatasetCertificateMetadata, parseDatasetMetadata } from "./datasetMetadata.js";
import { type RecipeCertificateMetadata, parseRecipeMetadata } from "./recipeMetadata.js";

/**
 * A certificate's metadata document, by kind: a pattern's (`CertificateMetadata`: lineage, C2PA),
 * a recipe's or a dataset's. A pattern's document has no `motif.kind` (documents pinned so far keep
 * their bytes); a recipe's and a dataset's say theirs.
 */
export type MotifCertificateMetadata =
  | { kind: "pattern"; metadata: CertificateMetadata }
  | { kind: "recipe"; metadata: RecipeCertificateMetadata }
  | { kind: "dataset"; metadata: DatasetCertificateMetadata };

export type CertificateMetadataKind = MotifCertificateMetadata["kind"];

/**
 * Checks that `json` (a parsed document, its JSON text or its bytes) is a certificate's metadata and
 * returns it typed, with its kind: `expected` (e.g. the chain's `CertificateKind` of the token, by
 * `certificateKindName`) or, without it, the document's own `motif.kind` (absent: a pattern). Throws
 * `MetadataError` naming the first bad field (a document of another kind than expected: `motif.kind`).
 *
 * @example
 * import { parseMotifMetadata } from "@motif/sdk";
 * const parsed = parseMotifMetadata('{"name":"Recipe: Weld lattice","description":"…","motif":{"version":1,"kind":"recipe","recipeId":"0x6d6f746966524350e8036d841d5e2b802e8ff1651d173d96856c803708d9a9da","recipe":{"cid":"bafkreifdvsbta7zk6lgimbw6pzmhoo4pltsyjmsrnbxli5yn5illvdi5dq","digest":"0xa3ac83307f2af2cc8606de7e58773b8f5ce584b251686eb4770dea16ba8d1d1c","model":{"name":"weld","weightsDigest":"0xaeece04dd3483d1850de2b321317e77231e38291de9087c24095ff254a0d712b"},"params":{"scale":3,"sharpness":6},"author":"0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC"},"shareBps":1000}}');
 * if (parsed.kind === "recipe") console.log(parsed.metadata.motif.shareBps); // 1000
 */
export function parseMotifMetadata(json: unknown, expected?: CertificateMetadataKind): MotifCertificateMetadata {
  const doc = decodeDocument(json);
  const said = (obj(obj(doc, "(document)").motif ?? {}, "motif").kind ?? "pattern") as unknown;
  const kind = expected ?? said;
  if (said !== kind) fail("motif.kind", kind === "pattern" ? "nothing (a pattern's document; the chain says this certificate is a pattern)" : `"${String(kind)}" (the chain says this certificate is a ${String(kind)})`, said === "pattern" ? undefined : said);
  if (kind === "pattern") return { kind, metadata: parseCertificateMetadata(doc) };
  if (kind === "recipe") return { kind, metadata: parseRecipeMetadata(doc) };
  if (kind === "dataset") return { kind, metadata: parseDatasetMetadata(doc) };
  return fail("motif.kind", '"recipe", "dataset" or nothing (a pattern)', said);
}
