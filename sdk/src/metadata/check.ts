import { BaseError, type Hex } from "viem";

// The metadata parsers' checks: a small hand-written validator (the SDK has no schema library, and
// its entry stays dependency-light and browser-safe); every refusal names the JSON path and what
// was expected. Internal: the parsers of every certificate kind share it.

export type MetadataErrorType = MetadataError & { name: "MetadataError" };

/** A metadata document that is not a certificate's of the kind expected: `field` is the JSON path of the first bad field. */
export class MetadataError extends BaseError {
  override name = "MetadataError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

export const HEX32 = /^0x[0-9a-fA-F]{64}$/;
export const IPFS_URI = /^ipfs:\/\/b[a-z2-7]+$/;
export const CID_V1 = /^b[a-z2-7]+$/;
export const UINT64_DECIMAL = /^(0|[1-9][0-9]*)$/;

const show = (v: unknown): string => (v === undefined ? "nothing" : typeof v === "string" ? JSON.stringify(v.length > 80 ? `${v.slice(0, 77)}...` : v) : Array.isArray(v) ? "an array" : v === null ? "null" : typeof v === "object" ? "an object" : String(v));
export const fail = (path: string, expected: string, got: unknown): never => {
  throw new MetadataError(path, `expected ${expected}, got ${show(got)}`);
};
export const obj = (v: unknown, path: string): Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(path, "an object", v);
export const str = (v: unknown, path: string): string => (typeof v === "string" ? v : fail(path, "a string", v));
export const hex32 = (v: unknown, path: string): Hex => (typeof v === "string" && HEX32.test(v) ? (v as Hex) : fail(path, "0x and 64 hex digits", v));
export const int = (v: unknown, path: string, min: number, max: number): number =>
  typeof v === "number" && Number.isInteger(v) && v >= min && v <= max ? v : fail(path, `an integer in ${min}..${max}`, v);
export const arr = (v: unknown, path: string): unknown[] => (Array.isArray(v) ? v : fail(path, "an array", v));
export const params = (v: unknown, path: string): void => {
  for (const [k, n] of Object.entries(obj(v, path))) if (typeof n !== "number" || !Number.isFinite(n)) fail(`${path}.${k}`, "a finite number", n);
};
export const optStr = (o: Record<string, unknown>, key: string, path: string) => {
  if (o[key] !== undefined) str(o[key], `${path}.${key}`);
};
export const cidV1 = (v: unknown, path: string): string => (typeof v === "string" && CID_V1.test(v) ? v : fail(path, "a CIDv1 in base32 (b...)", v));

/** A document as parsed JSON, from itself, its JSON text or its bytes. */
export function decodeDocument(json: unknown): unknown {
  let doc = json;
  if (json instanceof Uint8Array) doc = new TextDecoder().decode(json);
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch (error) {
      throw new MetadataError("(document)", `expected JSON, got text that does not parse (${(error as Error).message})`);
    }
  }
  return doc;
}

/** The ERC-721 name and description and `motif` (version 1, `kind`) of a recipe's or a dataset's document: the document and its `motif`. */
export function kindDocument(json: unknown, kind: "recipe" | "dataset"): { d: Record<string, unknown>; m: Record<string, unknown> } {
  const d = obj(decodeDocument(json), "(document)");
  str(d.name, "name");
  str(d.description, "description");
  const m = obj(d.motif, "motif");
  if (m.version !== 1) fail("motif.version", "1", m.version);
  if (m.kind !== kind) fail("motif.kind", `"${kind}"`, m.kind);
  return { d, m };
}
