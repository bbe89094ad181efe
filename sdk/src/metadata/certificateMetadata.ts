import { type Address, type Hex, isAddress } from "viem";

import { canonicalJson } from "../canonical.js";
import { tokenIdHex } from "../ids.js";
import { type ColourwaySpec, ColourwaySpecError, checkColourwaySpec } from "../params/colourway.js";
import { type PrintSpec, PrintSpecError, checkPrintSpec, printPixels } from "../params/printSpec.js";
import type { DatasetCertificateMetadata } from "./datasetMetadata.js";
import type { RecipeCertificateMetadata } from "./recipeMetadata.js";
import { IPFS_URI, MetadataError, UINT64_DECIMAL, arr, decodeDocument, fail, hex32, int, cidV1, obj, optStr, params, str } from "./check.js";

export { MetadataError, type MetadataErrorType } from "./check.js";

/** IPTC digital source type of media made by a trained model. */
export const TRAINED_ALGORITHMIC_MEDIA = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

/**
 * The pinned metadata of a pattern certificate: ERC-721 fields, the full lineage under
 * `motif.lineage` and a C2PA-shaped `c2pa.actions` assertion. Pinned as canonical JSON (sorted keys,
 * `encodeCertificateMetadata`); the metadata CID, attested on chain, commits to those bytes.
 */
export type CertificateMetadata = {
  name: string;
  description: string;
  /** `ipfs://<CIDv1 base32>` of the PNG. */
  image: string;
  attributes: CertificateAttribute[];
  motif: { version: 1; lineage: CertificateMetadataLineage };
  c2pa: { assertions: C2paAssertion[] };
};

export type CertificateAttribute = { trait_type: string; value: string | number };

/** The `motif.lineage` object, as pinned. */
export type CertificateMetadataLineage = {
  /** sha-256 of the PNG bytes: the token id. */
  contentDigest: Hex;
  modelId: number;
  model: { name: string; version: string; weightsDigest: Hex };
  /** uint64 in decimal. */
  seed: string;
  params: Record<string, number>;
  /**
   * The print spec the tile was rendered for (repeat, size in cm, DPI); absent for a plain render.
   * Part of the lineage: `paramsHash` is `renderParamsHash(params, print)`.
   */
  print?: PrintSpec;
  /**
   * The colourway this pattern is (its design's certificate and the colour map), absent for a design
   * or a plain render. Part of the lineage: `paramsHash` is `renderParamsHash(params, print, colourway)`.
   */
  colourway?: ColourwaySpec;
  paramsHash: Hex;
  pdq: { hash: Hex; quality: number };
  /** The tile hash and the period it found (absent in metadata pinned before tile hashes). */
  tile?: { hash: Hex; period: { x: number; y: number } };
  width: number;
  height: number;
  creator: Address;
  /**
   * Human edit steps, oldest first. The builder always writes it; the parser accepts a document
   * without one so that `verifyCertificate` can fail its `editLog` item with the chain's edits.
   */
  editLog?: Hex[];
  /** The recipe certificate's id (`tokenIdHex`); present with `recipe` or not at all. */
  recipeId?: Hex;
  recipe?: { cid: string; digest: Hex };
};

export type C2paAction = {
  action: string;
  digitalSourceType?: string;
  softwareAgent?: string;
  parameters?: { model?: string; weightsDigest?: string; seed?: string; params?: Record<string, number>; print?: PrintSpec };
};
export type C2paAssertion = { label: "c2pa.actions"; data: { actions: C2paAction[] } } | { label: string; data: unknown };

/** Everything the generator knows about a pattern's origin, to build its metadata from. */
export type CertificateMetadataLineageInput = {
  contentDigest: Hex;
  modelId: number;
  modelName: string;
  modelVersion: string;
  weightsDigest: Hex;
  seed: bigint;
  params: Record<string, number>;
  /** The print spec (repeat, size, DPI) the tile was rendered for; absent: a plain render. */
  print?: PrintSpec;
  /** The colourway this pattern is (design and colour map); absent: a design or a plain render. */
  colourway?: ColourwaySpec;
  paramsHash: Hex;
  pdqHash: Hex;
  pdqQuality: number;
  /** The tile hash and the period it found (absent: none attested). */
  tile?: { hash: Hex; period: { x: number; y: number } };
  width: number;
  height: number;
  creator: Address;
  /** Human edit steps, oldest first: digests chained on-chain as `head' = keccak256(head, step)`. */
  editLog: Hex[];
  /** The certified recipe the pattern was rendered from (absent: none, recipeId 0 on chain). */
  recipe?: { id: bigint; digest: Hex; cid: string };
};

export type CertificateMetadataInput = {
  name: string;
  description: string;
  imageCid: string;
  lineage: CertificateMetadataLineageInput;
  generator: { name: string; version: string };
};

/**
 * The metadata document of a pattern (see `CertificateMetadata`); the input is checked with
 * `parseCertificateMetadata` on the way out, so a bad input throws `MetadataError` naming the field.
 */
export function buildCertificateMetadata(input: CertificateMetadataInput): CertificateMetadata {
  const l = input.lineage;
  const seed = l.seed.toString();
  const doc: CertificateMetadata = {
    name: input.name,
    description: input.description,
    image: `ipfs://${input.imageCid}`,
    attributes: [
      { trait_type: "Model", value: `${l.modelName} ${l.modelVersion}` },
      { trait_type: "Seed", value: seed },
      ...Object.entries(l.params)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => ({ trait_type: `Param: ${k}`, value: v })),
      { trait_type: "Size", value: `${l.width}x${l.height}` },
      ...(l.print !== undefined
        ? [
            { trait_type: "Repeat", value: l.print.repeat },
            { trait_type: "Print size", value: `${l.print.sizeCm} cm` },
            { trait_type: "DPI", value: l.print.dpi },
          ]
        : []),
      ...(l.colourway !== undefined ? [{ trait_type: "Colourway of", value: l.colourway.design }] : []),
    ],
    motif: {
      version: 1,
      lineage: {
        contentDigest: l.contentDigest,
        modelId: l.modelId,
        model: { name: l.modelName, version: l.modelVersion, weightsDigest: l.weightsDigest },
        seed,
        params: l.params,
        ...(l.print !== undefined ? { print: l.print } : {}),
        ...(l.colourway !== undefined ? { colourway: l.colourway } : {}),
        paramsHash: l.paramsHash,
        pdq: { hash: l.pdqHash, quality: l.pdqQuality },
        ...(l.tile !== undefined ? { tile: l.tile } : {}),
        width: l.width,
        height: l.height,
        creator: l.creator,
        editLog: l.editLog,
        ...(l.recipe !== undefined ? { recipeId: tokenIdHex(l.recipe.id), recipe: { cid: l.recipe.cid, digest: l.recipe.digest } } : {}),
      },
    },
    c2pa: {
      assertions: [
        {
          label: "c2pa.actions",
          data: {
            actions: [
              {
                action: "c2pa.created",
                digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
                softwareAgent: `${input.generator.name} ${input.generator.version}`,
                parameters: { model: `${l.modelName} ${l.modelVersion}`, weightsDigest: l.weightsDigest, seed, params: l.params, ...(l.print !== undefined ? { print: l.print } : {}) },
              },
            ],
          },
        },
      ],
    },
  };
  return parseCertificateMetadata(doc);
}

/**
 * The pinned bytes of a metadata document of any kind (pattern, recipe, dataset): canonical JSON
 * (sorted keys), UTF-8. Same document, same bytes, same CID.
 */
export function encodeCertificateMetadata(doc: CertificateMetadata | RecipeCertificateMetadata | DatasetCertificateMetadata): Uint8Array {
  return new TextEncoder().encode(canonicalJson(doc));
}

function checkLineage(v: unknown, p: string): void {
  const l = obj(v, p);
  hex32(l.contentDigest, `${p}.contentDigest`);
  int(l.modelId, `${p}.modelId`, 0, 2 ** 32 - 1);
  const m = obj(l.model, `${p}.model`);
  str(m.name, `${p}.model.name`);
  str(m.version, `${p}.model.version`);
  hex32(m.weightsDigest, `${p}.model.weightsDigest`);
  const seed = l.seed;
  if (typeof seed !== "string" || !UINT64_DECIMAL.test(seed) || BigInt(seed) >= 2n ** 64n) fail(`${p}.seed`, "a uint64 in decimal (a string of digits, 0..18446744073709551615)", seed);
  params(l.params, `${p}.params`);
  if (l.print !== undefined) checkPrint(l.print, `${p}.print`);
  if (l.colourway !== undefined) {
    try {
      checkColourwaySpec(l.colourway, `${p}.colourway`);
    } catch (error) {
      if (error instanceof ColourwaySpecError) throw new MetadataError(error.field, error.detail);
      throw error;
    }
  }
  hex32(l.paramsHash, `${p}.paramsHash`);
  const pdq = obj(l.pdq, `${p}.pdq`);
  hex32(pdq.hash, `${p}.pdq.hash`);
  int(pdq.quality, `${p}.pdq.quality`, 0, 100);
  if (l.tile !== undefined) {
    const t = obj(l.tile, `${p}.tile`);
    hex32(t.hash, `${p}.tile.hash`);
    const period = obj(t.period, `${p}.tile.period`);
    for (const axis of ["x", "y"] as const) {
      const n = period[axis];
      if (typeof n !== "number" || !Number.isFinite(n) || n < 0) fail(`${p}.tile.period.${axis}`, "a finite number of pixels, 0 or more", n);
    }
  }
  int(l.width, `${p}.width`, 1, 2 ** 31 - 1);
  int(l.height, `${p}.height`, 1, 2 ** 31 - 1);
  if (l.print !== undefined) {
    const { sizeCm, dpi } = l.print as PrintSpec;
    const side = printPixels(sizeCm, dpi);
    if (l.width !== side || l.height !== side) fail(`${p}.width`, `${side}x${side}: the print spec's ${sizeCm} cm at ${dpi} DPI`, `${String(l.width)}x${String(l.height)}`);
  }
  if (typeof l.creator !== "string" || !isAddress(l.creator, { strict: false })) fail(`${p}.creator`, "an address (0x and 40 hex digits)", l.creator);
  if (l.editLog !== undefined) arr(l.editLog, `${p}.editLog`).forEach((s, i) => hex32(s, `${p}.editLog[${i}]`));
  if ((l.recipeId === undefined) !== (l.recipe === undefined)) {
    fail(l.recipeId === undefined ? `${p}.recipeId` : `${p}.recipe`, `${l.recipeId === undefined ? "recipeId" : "recipe"} beside ${l.recipeId === undefined ? "recipe" : "recipeId"} (both or neither)`, undefined);
  }
  if (l.recipeId !== undefined) {
    hex32(l.recipeId, `${p}.recipeId`);
    const r = obj(l.recipe, `${p}.recipe`);
    cidV1(r.cid, `${p}.recipe.cid`);
    hex32(r.digest, `${p}.recipe.digest`);
  }
}

/** A print spec, or MetadataError naming its bad field and the allowed range. */
function checkPrint(v: unknown, p: string): void {
  try {
    checkPrintSpec(v, p);
  } catch (error) {
    if (error instanceof PrintSpecError) throw new MetadataError(error.field, error.detail);
    throw error;
  }
}

function checkC2pa(v: unknown, p: string): void {
  const c = obj(v, p);
  arr(c.assertions, `${p}.assertions`).forEach((a, i) => {
    const ap = `${p}.assertions[${i}]`;
    const assertion = obj(a, ap);
    if (str(assertion.label, `${ap}.label`) !== "c2pa.actions") return;
    const data = obj(assertion.data, `${ap}.data`);
    arr(data.actions, `${ap}.data.actions`).forEach((x, j) => {
      const xp = `${ap}.data.actions[${j}]`;
      const action = obj(x, xp);
      str(action.action, `${xp}.action`);
      optStr(action, "digitalSourceType", xp);
      optStr(action, "softwareAgent", xp);
      if (action.parameters === undefined) return;
      const q = obj(action.parameters, `${xp}.parameters`);
      optStr(q, "model", `${xp}.parameters`);
      optStr(q, "weightsDigest", `${xp}.parameters`);
      optStr(q, "seed", `${xp}.parameters`);
      if (q.params !== undefined) params(q.params, `${xp}.parameters.params`);
      if (q.print !== undefined) checkPrint(q.print, `${xp}.parameters.print`);
    });
  });
}

/**
 * Checks that `json` (a parsed document, its JSON text or its bytes) is a pattern certificate's
 * metadata and returns it typed; throws `MetadataError` naming the first bad field's path and what
 * was expected (`motif.lineage.tile.hash: expected 0x and 64 hex digits, got "zz"`).
 *
 * Fields the type does not name are kept and ignored: the CID commits to the whole document, so
 * nothing is lost by reading past them, and a reader need not be updated before a writer adds a
 * field (a refusal would make every reader of today fail on any later document).
 *
 * @example
 * import { parseCertificateMetadata } from "@motif/sdk";
 * try {
 *   parseCertificateMetadata({ name: "Pattern" });
 * } catch (error) {
 *   console.log((error as Error).message.split("\n")[0]); // "description: expected a string, got nothing"
 * }
 */
export function parseCertificateMetadata(json: unknown): CertificateMetadata {
  const d = obj(decodeDocument(json), "(document)");
  str(d.name, "name");
  str(d.description, "description");
  if (typeof d.image !== "string" || !IPFS_URI.test(d.image)) fail("image", "ipfs://<CIDv1 in base32>", d.image);
  arr(d.attributes, "attributes").forEach((a, i) => {
    const attribute = obj(a, `attributes[${i}]`);
    str(attribute.trait_type, `attributes[${i}].trait_type`);
    if (typeof attribute.value !== "string" && (typeof attribute.value !== "number" || !Number.isFinite(attribute.value))) fail(`attributes[${i}].value`, "a string or a finite number", attribute.value);
  });
  const motif = obj(d.motif, "motif");
  if (motif.version !== 1) fail("motif.version", "1", motif.version);
  checkLineage(motif.lineage, "motif.lineage");
  checkC2pa(d.c2pa, "c2pa");
  return d as CertificateMetadata;
}
