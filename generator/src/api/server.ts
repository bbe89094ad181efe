import { createHash } from "node:crypto";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import fastifyCors from "@fastify/cors";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import { type Hex, stringify } from "viem";
import { CID } from "multiformats/cid";

import { ImageTooLargeError } from "../pdq/decode.js";
import { COLOURWAY_LIMITS, type ColourwaySpec, ColourwaySpecError, MetadataError, type ModelCard, ModelParamsError, PRINT_LIMITS, type PrintSpec, PrintSpecError, REPEAT_TYPES, checkColourwaySpec, checkPrintSpec, printPixels, modelCardDigest, parseModelCard, checkModelParams, explainMotifError, modelParamsJsonSchema, motifErrorOf, tokenIdHex, UnknownRegionError, region } from "@motif/sdk";
import { type PatternRequest, type PipelineConfig, runPipeline } from "../pipeline.js";
import { RecipeError, validateRecipe } from "../recipe/recipe.js";
import { type ModelManifestEntry, RENDER_LIMITS, RenderInputError, loadManifest, render } from "../render/render.js";
import { RecipeRefusedError } from "../stages/recipe.js";
import { PatternRefusedError } from "../stages/refusal.js";
import { screen } from "../screen/screen.js";
import { BankError, BankSet, CERTIFICATES_BANK, UnknownBankError, checkBankName, checkHash, checkSignal, checkThreshold, screenBanks } from "../screen/banks.js";
import type { BankStore } from "../screen/bank-store.js";
import { SIGNAL_TYPES, type SignalType } from "../screen/signals.js";
import { fingerprint } from "../stages/fingerprint.js";
import { tiffOfPng } from "../render/tiff.js";
import { type Usage, UsageMeter } from "./usage.js";

export type { Usage };

/** An API key and its plan. */
export type ApiKey = {
  key: string;
  name: string;
  tier: string;
  /** Token bucket: this many requests per minute, bursting up to the same number. */
  requestsPerMinute: number;
  /** Largest render (width × height) one request may ask for. */
  maxPixelsPerRequest: number;
  /** Renders (`/v1/render`, `/v1/patterns`) this key may run at once (default: ApiOptions.maxConcurrentRenders). */
  maxConcurrentRenders?: number;
  /** An operator's key: may manage the hash banks (`/v1/banks`). Default false. */
  admin?: boolean;
};

/**
 * The fixed key older local stacks served. Known to everyone, so it is refused wherever a real chain
 * is configured (MOTIF_RPC_URL): `npm start` and `motif serve` exit with this error.
 */
export const FIXED_DEV_API_KEY = "local-dev-key";

/** The refusal of the fixed development key on a non-local chain, in words; undefined when fine. */
export function fixedKeyRefusal(keys: readonly string[], chain: "local" | "remote", where: string): string | undefined {
  if (chain === "remote" && keys.includes(FIXED_DEV_API_KEY)) {
    return `${where}: the API key "${FIXED_DEV_API_KEY}" is public and is refused with MOTIF_RPC_URL set (a non-local chain, where the generator key mints); use a random key (e.g. openssl rand -hex 24)`;
  }
  return undefined;
}

/** Default renders one key may run at once. */
export const DEFAULT_MAX_CONCURRENT_RENDERS = 2;

export type ApiOptions = {
  keys: ApiKey[];
  pipeline: PipelineConfig;
  /** Largest request body, in bytes (default 4 MiB: a base64 image for screening). */
  bodyLimit?: number;
  now?: () => number;
  /** The distributed batch queues (MOTIF_REDIS_URL): `GET /v1/queue` reports their counts. */
  queues?: { render: { getJobCounts(...types: string[]): Promise<Record<string, number>> }; dead: { getJobCounts(...types: string[]): Promise<Record<string, number>> } };
  /**
   * Whether `weights` given to `/v1/render` are a registered model's (their sha-256 is a weights
   * digest in MotifModelRegistry). Default: the shipped models' digests. Other weights are refused
   * unless `allowWeightUploads`.
   */
  isRegisteredWeights?: (digest: Hex) => Promise<boolean>;
  /**
   * The card digest registered with these weights (undefined when none is known): a card sent to
   * `/v1/render` with registered weights must be that card, so a caller cannot widen its params or
   * change its behaviour. Default: the models folder's records.
   */
  registeredCardDigest?: (weightsDigest: Hex) => Promise<Hex | undefined>;
  /** Run any ONNX graph a caller uploads (MOTIF_ALLOW_WEIGHT_UPLOADS=1); off by default. */
  allowWeightUploads?: boolean;
  /** Renders one key may run at once unless the key says otherwise (default 2); more get 429. */
  maxConcurrentRenders?: number;
  /** Journal of the metered usage (e.g. .motif/usage.jsonl): survives restarts and crashes. Default: memory only. */
  usageFile?: string;
  /** Browser origins allowed to call the API (CORS), e.g. the stack's own web page. Default: none. */
  corsOrigins?: readonly string[];
  /**
   * The hash banks' store (`<state>/banks`), managed through `/v1/banks` with an admin key; its live
   * set should be `pipeline.banks` (kept current by `store.watch`). `reload` makes a change visible
   * at once. Without it `/v1/banks` answers 404.
   */
  banks?: { store: BankStore; reload?: () => Promise<void> };
};

const uint64 = { type: "string", pattern: "^[0-9]{1,20}$", description: "unsigned 64-bit integer, decimal" } as const;
const hex64 = { type: "string", pattern: "^[0-9a-fA-F]{64}$" } as const;

/**
 * `params` of a request, derived from the manifest: any object of numbers, and for each model (when
 * the body names it) exactly the params its manifest entry declares, typed and in range.
 */
const paramsOf = (manifest: readonly ModelManifestEntry[]) =>
  ({
    params: { type: "object", maxProperties: 64, additionalProperties: { type: "number" }, description: "the model's params, as its manifest entry declares them (models.json; see allOf)" },
    allOf: manifest.map((m) => ({
      if: { type: "object", required: ["model"], properties: { model: { const: m.name } } },
      then: { type: "object", properties: { params: modelParamsJsonSchema(m.params, m.name) } },
    })),
  }) as const;

/**
 * `print` of a request: the repeat, the square tile's side in cm and the DPI; its ranges are checked
 * by the SDK's `checkPrintSpec` (a 400 naming the field and the range). With it, width and height
 * may be left out (they are the size at the DPI); without it they are required.
 */
const printSchema = {
  type: "object",
  additionalProperties: false,
  required: ["sizeCm", "dpi"],
  description: `a tile for print: seamless under its repeat, ${PRINT_LIMITS.pixels.min}..${PRINT_LIMITS.pixels.max} px a side = round(sizeCm / 2.54 × dpi), the DPI in the PNG's pHYs chunk; part of the lineage (paramsHash covers it)`,
  properties: {
    repeat: { type: "string", description: `${REPEAT_TYPES.join(", ")} (default block)` },
    sizeCm: { type: "number", description: `the tile's side in cm, ${PRINT_LIMITS.sizeCm.min}..${PRINT_LIMITS.sizeCm.max}, at most two decimals` },
    dpi: { type: "number", description: `dots per inch, an integer in ${PRINT_LIMITS.dpi.min}..${PRINT_LIMITS.dpi.max}` },
  },
} as const;
/** `colourway` of a request: a design recoloured (checked by the SDK's `checkColourwaySpec`: a 400 naming the field). */
const colourwaySchema = {
  type: "object",
  description: `a colourway of the design certificate \`design\`: the same model, seed, params and print as the design, recoloured by \`map\` (${COLOURWAY_LIMITS.pairs.min}..${COLOURWAY_LIMITS.pairs.max} pairs of #rrggbb colours, each from once); part of the lineage (paramsHash covers it)`,
  properties: {
    design: { type: "string", description: "the design certificate's id, 0x and 64 hex digits" },
    map: { type: "array", items: { type: "object", properties: { from: { type: "string" }, to: { type: "string" } } } },
  },
} as const;
const sizeUnlessPrint = { if: { not: { required: ["print"] } }, then: { required: ["width", "height"] } } as const;

const patternBody = (manifest: readonly ModelManifestEntry[]) => ({
  type: "object",
  additionalProperties: false,
  required: ["seed"],
  anyOf: [{ required: ["model", "params"] }, { required: ["recipe", "region"] }],
  allOf: [...paramsOf(manifest).allOf, sizeUnlessPrint],
  properties: {
    model: { type: "string", minLength: 1, maxLength: 64 },
    seed: uint64,
    params: paramsOf(manifest).params,
    width: { type: "integer", minimum: 1, maximum: RENDER_LIMITS.maxSide },
    height: { type: "integer", minimum: 1, maximum: RENDER_LIMITS.maxSide },
    print: printSchema,
    colourway: colourwaySchema,
    name: { type: "string", maxLength: 200 },
    to: { type: "string", pattern: "^0x[0-9a-fA-F]{40}$", description: "owner of the certificate (default: the generator's creator account)" },
    mint: { type: "boolean" },
    recipe: { type: "object", description: "a certified motif-recipe/1 recipe to render from, instead of model and params (the creator must own it or hold a license for it in `region`)" },
    region: { type: "string", minLength: 2, maxLength: 3, description: "ISO 3166-1 code of where the creator renders, for the recipe license check" },
  },
} as const);

const renderBody = (manifest: readonly ModelManifestEntry[]) => ({
  type: "object",
  additionalProperties: false,
  required: ["model", "seed", "params"],
  allOf: [...paramsOf(manifest).allOf, sizeUnlessPrint],
  properties: {
    format: { type: "string", enum: ["png", "tiff"], description: "png (default), or tiff: a baseline TIFF of the same pixels (8-bit RGB, uncompressed, X/YResolution = the print spec's DPI per inch) for a mill; needs print" },
    ...Object.fromEntries(["model", "seed", "params", "width", "height", "print", "colourway"].map((k) => [k, patternBody(manifest).properties[k as keyof ReturnType<typeof patternBody>["properties"]]])),
    weights: { type: "string", maxLength: 1_400_000, description: "base64 ONNX model to render with (an auditor's copy fetched by its weights CID); must be a registered model's weights; default: the named shipped model" },
    weightsCid: { type: "string", minLength: 1, maxLength: 200, description: "CIDv1 (raw, sha2-256) of a registered model's weights: the server fetches them from its IPFS store and checks them against the CID" },
    card: { type: "object", description: "the model card (motif-model-card/1) of `weights` or `weightsCid`, as verifyCertificate fetched it by its registered digest: its I/O contract, latent, params and behaviour (needed for a motif.image/1 model, or params other than a CPPN's); it must name those weights' sha-256" },
  },
} as const);

const screenBody = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 2,
  description: "hash (and optionally signal) or image",
  properties: {
    hash: hex64,
    signal: { type: "string", enum: [...SIGNAL_TYPES], description: "the signal `hash` is (default pdq); the hash is looked up as given, no transforms" },
    image: { type: "string", description: "base64 PNG or JPEG", maxLength: 4 * 1024 * 1024 },
  },
} as const;

const thresholdsSchema = {
  type: "object",
  description: "Hamming distance (inclusive) per signal, each an integer in 0..64; missing signals keep theirs (a new bank: pdq 31, tile 48)",
  additionalProperties: false,
  properties: Object.fromEntries(SIGNAL_TYPES.map((s) => [s, { type: "integer" }])),
} as const;

const bankBody = {
  type: "object",
  additionalProperties: false,
  required: ["name"],
  properties: {
    name: { type: "string", description: "1..64 letters, digits, _ or -, starting with a letter or digit" },
    kind: { type: "string", enum: ["block", "allow"], description: "block: a match refuses the candidate; allow: known false positives that clear matches (default block)" },
    thresholds: thresholdsSchema,
  },
} as const;

const bankEntriesBody = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  properties: {
    entries: {
      type: "array",
      maxItems: 10_000,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["hash"],
        properties: { signal: { type: "string", description: "pdq (default) or tile" }, hash: { type: "string", description: "64 hex digits" }, label: { type: "string", maxLength: 1000 } },
      },
    },
    image: { type: "string", description: "base64 PNG or JPEG: its PDQ hash is added (screening looks up all eight rotations/mirrors of a candidate)", maxLength: 4 * 1024 * 1024 },
    label: { type: "string", maxLength: 1000, description: "label of the image's entry" },
  },
} as const;

type RenderBody = {
  model: string;
  seed: string;
  params: Record<string, number>;
  /** Required without `print` (the schema); with it, the print size at its DPI when left out. */
  width: number;
  height: number;
  print?: { repeat?: string; sizeCm: number; dpi: number };
  /** Checked by the render (a 400 naming `body.colourway.<field>`). */
  colourway?: ColourwaySpec;
  format?: "png" | "tiff";
  weights?: string;
  weightsCid?: string;
  card?: unknown;
};
/** Either model and params, or a recipe and the region it is used in (the schema's anyOf). */
type PatternBody = Omit<RenderBody, "model" | "params" | "weights" | "weightsCid" | "card" | "format"> & {
  model?: string;
  params?: RenderBody["params"];
  name?: string;
  to?: `0x${string}`;
  mint?: boolean;
  recipe?: unknown;
  region?: string;
};

/** Error body of every 4xx/5xx: what went wrong, naming the field where there is one. */
type ApiError = { error: string; message: string; field?: string };

/**
 * The print spec of a request, checked (a 400 naming `body.print.<field>` and its range), and the
 * size: the request's width and height, or the print size at its DPI where they are left out (the
 * render refuses a width or height that is not that size).
 */
function sizeOf(b: { width?: number; height?: number; print?: RenderBody["print"] }): { print?: PrintSpec; width: number; height: number } | ApiError {
  if (b.print === undefined) return { width: b.width!, height: b.height! };
  let print: PrintSpec;
  try {
    print = checkPrintSpec({ ...b.print, repeat: b.print.repeat ?? "block" });
  } catch (error) {
    if (error instanceof PrintSpecError) return { error: "invalid_request", field: `body.${error.field}`, message: `body.${error.message.split("\n")[0]}` };
    throw error;
  }
  const side = printPixels(print.sizeCm, print.dpi);
  return { print, width: b.width ?? side, height: b.height ?? side };
}

/** What the schema cannot say about a render request: a seed below 2^64, a size within the key's plan. */
function refuseRender(key: ApiKey, b: { seed: string; width: number; height: number }): { status: number; body: ApiError } | undefined {
  if (BigInt(b.seed) >= 1n << 64n) return { status: 400, body: { error: "invalid_request", field: "body.seed", message: "body.seed must be below 2^64" } };
  if (b.width * b.height > key.maxPixelsPerRequest) {
    return {
      status: 403,
      body: { error: "plan_limit", field: "body.width", message: `body.width × body.height: ${key.tier} plan: at most ${key.maxPixelsPerRequest} pixels per render, asked ${b.width}x${b.height}` },
    };
  }
  return undefined;
}

/**
 * A token bucket per API key as a `@fastify/rate-limit` store: a key's `requestsPerMinute` tokens,
 * one back every 60 s / requestsPerMinute, so a client waits for one token, not a whole window
 * (the library's own store counts fixed windows). `current` > max means refused; `ttl` is the
 * wait for the next token, which the plugin sends as `retry-after` (seconds, rounded up).
 */
function tokenBucketStore(now: () => number) {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return class TokenBucketStore {
    incr(key: string, done: (error: Error | null, result: { current: number; ttl: number }) => void, _window: number, max: number) {
      const t = now();
      const bucket = buckets.get(key) ?? { tokens: max, at: t };
      bucket.tokens = Math.min(max, bucket.tokens + ((t - bucket.at) / 60_000) * max);
      bucket.at = t;
      buckets.set(key, bucket);
      if (bucket.tokens < 1) return done(null, { current: max + 1, ttl: ((1 - bucket.tokens) / max) * 60_000 });
      bucket.tokens -= 1;
      done(null, { current: max - Math.floor(bucket.tokens), ttl: ((max - bucket.tokens) / max) * 60_000 });
    }
    /** Per-route limits would share the key's bucket (no route sets its own). */
    child() {
      return this;
    }
  };
}

/** Error body of the OpenAPI document (the routes' 4xx/5xx answers). */
const errorReply = {
  description: "error: what went wrong, naming the field where there is one",
  type: "object",
  properties: { error: { type: "string" }, message: { type: "string" }, field: { type: "string" } },
  additionalProperties: true,
} as const;
const replies = (ok: Record<number, string>, ...errors: number[]) => ({
  ...Object.fromEntries(Object.entries(ok).map(([code, description]) => [code, { description }])),
  ...Object.fromEntries(errors.map((code) => [code, errorReply])),
});
const nameParam = { type: "object", properties: { name: { type: "string", description: "the bank's name" } } } as const;

/**
 * What the OpenAPI document says of each route beyond the schemas it validates with: attached to the
 * route's schema as it is registered (an `onRoute` hook), so `@fastify/swagger` reads one source.
 * Path and query parameters are described as the strings they arrive as; the handlers check them
 * and answer 400 naming the field.
 */
const ROUTE_DOCS: Record<string, Record<string, unknown>> = {
  "POST /v1/patterns": { summary: "Render, fingerprint, screen and pin a pattern (and mint it with mint: true)", response: replies({ 201: "pinned, minted, or attested (mint: false, or a colourway its design's owner sends: mintRequest and designId for mintColourway)" }, 400, 401, 403, 409, 429) },
  "POST /v1/render": {
    summary: "Render only, nothing pinned: a preview, or an auditor's re-render with weights fetched by their CID",
    description: "weights (base64) or weightsCid (fetched from the server's IPFS store and checked against the CID) must be a registered model's weights (403 otherwise) unless the operator allows uploads; at most maxConcurrentRenders renders per key at once (429)",
    response: replies({ 200: "image/png (or image/tiff with format tiff); headers x-content-digest (the PNG's sha-256), x-model-sha256" }, 400, 401, 403, 404, 429),
  },
  "GET /v1/patterns/:cid": { summary: "Metadata pinned under a CID", params: { type: "object", properties: { cid: { type: "string", description: "CIDv1 of the metadata" } } }, response: replies({ 200: "metadata" }, 400, 404) },
  "POST /v1/screen": {
    summary: "Near-duplicate check of a hash (pdq or tile, as given) or an image (all eight rotations/mirrors) against every bank; matches name the bank, label, distance, signal and transform, `allowed` the matches an allow-list cleared",
    response: replies({ 200: "report" }, 400, 413),
  },
  "GET /v1/usage": { summary: "Metered usage of the calling key", response: replies({ 200: "usage" }, 401, 429) },
  "GET /v1/banks": { summary: "The hash banks screening runs against (admin key): name, kind (block or allow), thresholds per signal, entries", response: replies({ 200: "{ banks: [{ name, kind, thresholds, entries, removable }] }" }, 401, 403, 404) },
  "POST /v1/banks": {
    summary: "Create a bank, or set an existing bank's thresholds (admin key); the certificates bank takes thresholds only",
    description: "A match with a block bank entry refuses a candidate; an allow bank holds known false positives: a block match of a candidate's query hash q with entry E is cleared when q is within the allow bank's threshold of an allow entry A of the same signal and A is within the block bank's threshold of E. A bank's kind cannot change (remove it first).",
    response: replies({ 200: "updated", 201: "created" }, 400, 401, 403),
  },
  "GET /v1/banks/:name": {
    summary: "One bank's settings and a page of its entries (admin key)",
    params: nameParam,
    querystring: { type: "object", properties: { offset: { type: "string", description: "an integer ≥ 0 (default 0)" }, limit: { type: "string", description: "an integer in 1..1000 (default 100)" } } },
    response: replies({ 200: "{ bank, offset, items: [{ signal, hash, label }] }" }, 400, 403, 404),
  },
  "DELETE /v1/banks/:name": {
    summary: "Remove a bank, or with ?label= only its entries with that label (admin key); the certificates bank is not removable",
    params: nameParam,
    querystring: { type: "object", properties: { label: { type: "string" } } },
    response: replies({ 200: "{ bank, removed, entries }" }, 400, 403, 404),
  },
  "POST /v1/banks/:name/entries": {
    summary: "Add entries (signal, 64-hex hash, label) or an image (its PDQ hash) to a bank (admin key); entries already there (same signal and hash) are left out",
    params: nameParam,
    response: replies({ 200: "{ bank, added, duplicates, entries }" }, 400, 403, 404, 413),
  },
  "GET /v1/queue": { summary: "Distributed batch progress: job counts across all workers, dead letters", response: replies({ 200: "counts" }, 404) },
};

/** Where the OpenAPI document is served (no API key needed). */
export const OPENAPI_PATH = "/v1/openapi.json";

/**
 * The generator's HTTP API (fastify). Every route but the OpenAPI document needs an `x-api-key`;
 * each key has a request rate (token bucket) and a largest render, and its usage is metered.
 *   POST /v1/patterns       render + fingerprint + screen + pin (+ mint with "mint": true)
 *   POST /v1/render         render only (preview, or an auditor's re-render with given weights): PNG
 *   GET  /v1/patterns/:cid  the metadata pinned under a CID
 *   POST /v1/screen         near-duplicate check of a PDQ hash or an image
 *   GET  /v1/usage          the calling key's metered usage
 *   GET  /v1/queue          distributed batch progress across all workers (with MOTIF_REDIS_URL)
 *   GET/POST/DELETE /v1/banks[/:name[/entries]]  the hash banks (admin keys only)
 *   GET  /v1/openapi.json   OpenAPI 3.1 description, generated by @fastify/swagger from the route schemas
 * CORS (@fastify/cors: the configured origins only), the per-key rate (@fastify/rate-limit over a
 * token bucket) and the OpenAPI document (@fastify/swagger) are the maintained plugins.
 */
export async function buildApi(options: ApiOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: options.bodyLimit ?? 6 * 1024 * 1024,
    logger: false,
    // Strict bodies: unknown fields and wrong types are errors, never silently dropped or coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: false, allErrors: false } },
  });
  const keys = new Map(options.keys.map((k) => [k.key, k]));
  const meter = UsageMeter.open(options.usageFile);
  const now = options.now ?? (() => Date.now());
  const registeredWeights = options.isRegisteredWeights ?? (async (digest: Hex) => (await loadManifest(options.pipeline.modelsDir)).some((m) => m.sha256 === digest));
  const registeredCard = options.registeredCardDigest ?? (async (digest: Hex) => (await loadManifest(options.pipeline.modelsDir)).find((m) => m.sha256 === digest)?.cardDigest);
  const rendering = new Map<string, number>();
  // the route schemas' params: each model's, as its manifest entry declares them
  const manifest = await loadManifest(options.pipeline.modelsDir);
  /** A schema refusal of `params` in words from the model's declarations: the param, its range and the model. */
  const paramsRefusal = (body: unknown): ApiError | undefined => {
    const b = body as { model?: unknown; params?: unknown } | null;
    const entry = manifest.find((m) => m.name === b?.model);
    if (entry === undefined || b?.params === undefined) return undefined;
    try {
      checkModelParams(entry.params, b.params, entry.name);
    } catch (error) {
      if (error instanceof ModelParamsError) return { error: "invalid_request", field: `body.${error.field}`, message: `body.${error.field}: ${error.detail}` };
      throw error;
    }
    return undefined;
  };
  /** A schema refusal of `print` in words from the SDK's check: the field and its allowed range. */
  const printRefusal = (body: unknown): ApiError | undefined => {
    const print = (body as { print?: unknown } | null)?.print;
    if (typeof print !== "object" || print === null) return undefined;
    const sized = sizeOf({ print: print as RenderBody["print"] });
    return "error" in sized ? sized : undefined;
  };
  /** A schema refusal of `colourway` in words from the SDK's check (`body.colourway.map[0].from`, what it allows). */
  const colourwayRefusal = (body: unknown): ApiError | undefined => {
    try {
      checkColourwaySpec((body as { colourway?: unknown } | null)?.colourway);
    } catch (error) {
      if (error instanceof ColourwaySpecError) return { error: "invalid_request", field: `body.${error.field}`, message: `body.${error.field}: ${error.detail}` };
      throw error;
    }
    return undefined;
  };
  /** A registered model's weights from the IPFS store by their CID (raw, sha2-256), checked against it. */
  const weightsByCid = async (raw: string): Promise<{ bytes: Uint8Array } | { status: number; error: string; message: string }> => {
    let cid: CID;
    try {
      cid = CID.parse(raw);
    } catch {
      return { status: 400, error: "invalid_request", message: `"${raw.slice(0, 80)}" is not a CID` };
    }
    if (cid.version !== 1 || cid.code !== 0x55 || cid.multihash.code !== 0x12) return { status: 400, error: "invalid_request", message: `${cid} is not a CIDv1 of raw sha2-256 bytes (how weights are registered)` };
    if (!(await options.pipeline.store.has(cid))) return { status: 404, error: "not_found", message: `${cid} is not in this server's IPFS store` };
    const bytes = await options.pipeline.store.cat(cid);
    const digest = createHash("sha256").update(bytes).digest();
    if (!digest.equals(Buffer.from(cid.multihash.digest))) return { status: 502, error: "store_corrupt", message: `the store's bytes for ${cid} do not hash to it` };
    return { bytes };
  };
  /** Runs `fn` as one of the key's concurrent renders, or answers 429 when the key is at its limit. */
  const asRender = async <T>(key: ApiKey, reply: FastifyReply, fn: () => Promise<T>): Promise<T | FastifyReply> => {
    const max = key.maxConcurrentRenders ?? options.maxConcurrentRenders ?? DEFAULT_MAX_CONCURRENT_RENDERS;
    const running = rendering.get(key.key) ?? 0;
    if (running >= max) {
      return reply
        .code(429)
        .header("retry-after", "1")
        .send({ error: "too_many_renders", message: `${key.tier} plan: at most ${max} render${max === 1 ? "" : "s"} at once per API key, ${running} running; retry when one finishes` });
    }
    rendering.set(key.key, running + 1);
    try {
      return await fn();
    } finally {
      const left = (rendering.get(key.key) ?? 1) - 1;
      if (left === 0) rendering.delete(key.key);
      else rendering.set(key.key, left);
    }
  };

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation) {
      const v = error.validation[0]!;
      const field = `${error.validationContext ?? "body"}${v.instancePath.replace(/\//g, ".")}${
        v.keyword === "required" ? `.${(v.params as { missingProperty: string }).missingProperty}` : ""
      }${v.keyword === "additionalProperties" ? `.${(v.params as { additionalProperty: string }).additionalProperty}` : ""}`;
      const worded = field.startsWith("body.params")
        ? paramsRefusal(request.body)
        : field.startsWith("body.print")
          ? printRefusal(request.body)
          : field.startsWith("body.colourway")
            ? colourwayRefusal(request.body)
            : undefined;
      const body: ApiError = worded ?? { error: "invalid_request", field, message: `${field} ${v.message ?? "is invalid"}` };
      return reply.code(400).send(body);
    }
    if (error.statusCode === 413) return reply.code(413).send({ error: "payload_too_large", message: error.message });
    if (error.code === "FST_RATE_LIMITED") return reply.code(429).send({ error: "rate_limited", message: error.message });
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: "bad_request", message: error.message });
    }
    // a contract that refused (a mint, a read of a missing token): its reason in words, hex ids, region codes
    const refusal = motifErrorOf(error);
    if (refusal !== undefined) return reply.code(409).send({ error: "contract_refused", errorName: refusal.errorName, message: explainMotifError(error) });
    return reply.code(500).send({ error: "internal", message: "internal error" });
  });

  // Browsers on the allowed origins only (the stack's own web page): any other page the operator
  // visits gets no CORS grant, so it cannot use a key it somehow learnt from the operator's browser.
  // An origin is allowed by exact string equality (no prefix, case or trailing-slash leniency).
  const corsOrigins = new Set(options.corsOrigins ?? []);
  await app.register(fastifyCors, {
    origin: (origin, done) => done(null, origin !== undefined && corsOrigins.has(origin)),
    methods: ["GET", "POST", "OPTIONS"],
    allowedHeaders: ["content-type", "x-api-key"],
    maxAge: 600,
  });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: { title: "Motif generator API", version: "1.0.0" },
      components: { securitySchemes: { apiKey: { type: "apiKey", in: "header", name: "x-api-key" } } },
      security: [{ apiKey: [] }],
    },
  });
  app.addHook("onRoute", (route) => {
    const docs = ROUTE_DOCS[`${String(route.method)} ${route.url}`];
    if (docs !== undefined) route.schema = { ...docs, ...route.schema };
  });
  app.addHook("onRequest", async (request, reply) => {
    // a preflight the CORS plugin did not grant (another origin): answered, without a grant
    if (request.method === "OPTIONS") return reply.code(204).send();
    if (request.url === OPENAPI_PATH) return;
    const key = keys.get(String(request.headers["x-api-key"] ?? ""));
    if (key === undefined) return reply.code(401).send({ error: "unauthorized", message: "x-api-key: missing or unknown API key" });
    // by the route the router matched (it decodes %XX: /v1/%62anks is /v1/banks), never the raw URL
    const route = request.routeOptions.url ?? "";
    if ((route === "/v1/banks" || route.startsWith("/v1/banks/")) && key.admin !== true) {
      return reply.code(403).send({ error: "admin_only", message: `x-api-key: the key "${key.name}" is not an admin key; /v1/banks needs a key with "admin": true (the operator's)` });
    }
    (request as FastifyRequest & { apiKey?: ApiKey }).apiKey = key;
  });
  // Each key's plan rate, after the key check above (route hooks run after the application's).
  await app.register(fastifyRateLimit, {
    store: tokenBucketStore(now),
    // the OpenAPI document, the one route without a key, is not limited
    keyGenerator: (request) => (request as FastifyRequest & { apiKey?: ApiKey }).apiKey?.key ?? "",
    allowList: (_request, key) => key === "",
    max: (request) => keyOf(request).requestsPerMinute,
    timeWindow: 60_000,
    errorResponseBuilder: (request, context) =>
      Object.assign(new Error(`${keyOf(request).tier} plan: ${context.max} requests per minute; retry in ${Math.ceil(context.ttl / 1000)} s`), { statusCode: 429, code: "FST_RATE_LIMITED" }),
  });
  // metered once the key and its rate have let the request in, before its body is read
  app.addHook("preParsing", async (request) => {
    const key = (request as FastifyRequest & { apiKey?: ApiKey }).apiKey;
    if (key !== undefined) meter.add(key.key, { requests: 1 });
  });

  const keyOf = (request: FastifyRequest) => (request as FastifyRequest & { apiKey: ApiKey }).apiKey;
  const bankSet = () => (options.pipeline.banks ??= BankSet.ofIndex(options.pipeline.index)); // kept: the tile hashes of cleared patterns live in it

  app.post<{ Body: PatternBody }>("/v1/patterns", { schema: { body: patternBody(manifest) } }, async (request, reply) => {
    const key = keyOf(request);
    const sized = sizeOf(request.body);
    if ("error" in sized) return reply.code(400).send(sized);
    const { print: _asSent, ...sent } = request.body;
    const b = { ...sent, ...sized };
    const refused = refuseRender(key, b);
    if (refused !== undefined) return reply.code(refused.status).send(refused.body);
    const seed = BigInt(b.seed);
    const pixels = b.width * b.height;
    return asRender(key, reply, async () => {
      let result;
      try {
        let recipe: PatternRequest["recipe"];
        if (b.recipe !== undefined) {
          if (b.model !== undefined || b.params !== undefined) throw new RecipeError("recipe", "sets the model and params; send model and params, or recipe and region, not both");
          recipe = { recipe: validateRecipe(b.recipe, await loadManifest(options.pipeline.modelsDir)), region: region(b.region!).alpha2 };
        }
        result = await runPipeline(
          options.pipeline,
          {
            // the schema's anyOf: model and params, or a recipe that gives them
            model: recipe?.recipe.model.name ?? b.model!,
            seed,
            params: recipe?.recipe.params ?? b.params!,
            width: b.width,
            height: b.height,
            ...(b.print !== undefined ? { print: b.print } : {}),
            ...(b.colourway !== undefined ? { colourway: b.colourway } : {}),
            ...(b.name !== undefined ? { name: b.name } : {}),
            ...(b.to !== undefined ? { to: b.to } : {}),
            ...(recipe !== undefined ? { recipe } : {}),
          },
          { mint: b.mint === true },
        );
      } catch (error) {
        if (error instanceof RenderInputError || error instanceof RecipeError) {
          return reply.code(400).send({ error: "invalid_request", field: `body.${error.field}`, message: `body.${error.message}` });
        }
        if (error instanceof UnknownRegionError) return reply.code(400).send({ error: "invalid_request", field: "body.region", message: `body.region: ${error.shortMessage}` });
        if (error instanceof RecipeRefusedError) return reply.code(403).send({ error: "recipe_not_licensed", message: error.reason, recipeId: tokenIdHex(error.recipeId) });
        if (error instanceof PatternRefusedError) {
          // a model this server's chain has not registered is the request's fault: 400 naming the field
          const { code, reason } = error.refusal;
          if (code === "model-not-registered") return reply.code(400).send({ error: "invalid_request", field: "body.model", message: `body.${reason}` });
          return reply.code(409).send({ error: code, message: reason });
        }
        throw error;
      }
      const common = {
        contentDigest: result.rendered.contentDigest,
        pdq: result.fingerprint.pdq.original,
        quality: result.fingerprint.pdq.quality,
        screen: result.screen,
      };
      if (result.status === "refused") {
        meter.add(key.key, { pixelsRendered: pixels, refused: 1 });
        return reply.code(409).send({ status: "refused", ...common, message: "near-duplicate of an indexed work: not pinned" });
      }
      meter.add(key.key, { pixelsRendered: pixels, patterns: 1 });
      return reply.code(201).send({
        status: result.status,
        ...common,
        imageCid: result.pinned.imageCid.toString(),
        metadataCid: result.pinned.metadataCid.toString(),
        ...("recipe" in result && result.recipe !== undefined ? { recipeId: tokenIdHex(result.recipe.recipeId) } : {}),
        ...("minted" in result && result.minted !== undefined
          ? { transactionHash: result.minted.transactionHash, tokenId: result.minted.tokenIds[0]!.toString() }
          : {}),
        // an attested, unminted pattern: the signed request anyone (the owner's wallet) may submit; a
        // colourway's (its design's owner sends it, with `mintColourway(mintRequest, designId)`) names its design
        ...(result.status === "attested" ? { mintRequest: JSON.parse(stringify(result.request)) } : {}),
        ...(result.status === "attested" && result.design !== undefined ? { designId: result.design.id, designOwner: result.design.owner } : {}),
    });
    });
  });

  app.post<{ Body: RenderBody }>("/v1/render", { schema: { body: renderBody(manifest) } }, async (request, reply) => {
    const key = keyOf(request);
    const sized = sizeOf(request.body);
    if ("error" in sized) return reply.code(400).send(sized);
    const { print: _asSent, ...sent } = request.body;
    const b = { ...sent, ...sized };
    if (b.format === "tiff" && b.print === undefined) return reply.code(400).send({ error: "invalid_request", field: "body.format", message: "body.format: tiff needs body.print (the TIFF's resolution is the print spec's DPI)" });
    const refused = refuseRender(key, b);
    if (refused !== undefined) return reply.code(refused.status).send(refused.body);
    const seed = BigInt(b.seed);
    let weights: Uint8Array | undefined = b.weights !== undefined ? new Uint8Array(Buffer.from(b.weights, "base64")) : undefined;
    if (b.weightsCid !== undefined) {
      if (weights !== undefined) return reply.code(400).send({ error: "invalid_request", field: "body.weightsCid", message: "body.weightsCid: send weights or weightsCid, not both" });
      const fetched = await weightsByCid(b.weightsCid);
      if ("error" in fetched) return reply.code(fetched.status).send({ error: fetched.error, field: "body.weightsCid", message: `body.weightsCid: ${fetched.message}` });
      weights = fetched.bytes;
    }
    const field = b.weightsCid !== undefined ? "body.weightsCid" : "body.weights";
    if (weights !== undefined && options.allowWeightUploads !== true) {
      const digest: Hex = `0x${createHash("sha256").update(weights).digest("hex")}`;
      if (!(await registeredWeights(digest))) {
        return reply.code(403).send({
          error: "weights_not_registered",
          field,
          message: `${field}: sha-256 ${digest} is not the weights digest of a registered model; this server runs registered models only, unless its operator allows uploads (MOTIF_ALLOW_WEIGHT_UPLOADS=1)`,
        });
      }
    }
    let card: ModelCard | undefined;
    if (b.card !== undefined) {
      if (weights === undefined) return reply.code(400).send({ error: "invalid_request", field: "body.card", message: "body.card: a card goes with the weights it describes (body.weights or body.weightsCid)" });
      try {
        card = parseModelCard(b.card);
      } catch (error) {
        if (error instanceof MetadataError) return reply.code(400).send({ error: "invalid_request", field: `body.card.${error.field}`, message: `body.card: ${error.shortMessage}` });
        // anything else a hostile card causes (a nesting too deep to encode) is still the card's fault
        return reply.code(400).send({ error: "invalid_request", field: "body.card", message: `body.card: not a readable model card (${(error as Error).message.split("\n")[0]})` });
      }
      const digest: Hex = `0x${createHash("sha256").update(weights).digest("hex")}`;
      if (card.weights.digest.toLowerCase() !== digest) return reply.code(400).send({ error: "invalid_request", field: "body.card.weights.digest", message: `body.card: describes weights ${card.weights.digest}, the weights sent have sha-256 ${digest}` });
      if (card.weights.bytes !== weights.length) return reply.code(400).send({ error: "invalid_request", field: "body.card.weights.bytes", message: `body.card: describes weights of ${card.weights.bytes} bytes, the weights sent have ${weights.length}` });
      if (options.allowWeightUploads !== true) {
        // registered weights: only their registered card (its params and behaviour) may come with them
        const registered = await registeredCard(digest);
        const sent = modelCardDigest(card);
        if (registered === undefined || registered.toLowerCase() !== sent.toLowerCase()) {
          return reply.code(400).send({ error: "invalid_request", field: "body.card", message: `body.card: its digest ${sent} is not the card registered with weights ${digest} (${registered ?? "none known"})` });
        }
      }
    }
    return asRender(key, reply, async () => {
      let out;
      try {
        out = await render(
          { model: b.model, seed, params: b.params, width: b.width, height: b.height, ...(b.print !== undefined ? { print: b.print } : {}), ...(b.colourway !== undefined ? { colourway: b.colourway } : {}) },
          { modelsDir: options.pipeline.modelsDir, ...(weights !== undefined ? { modelBytes: weights } : {}), ...(card !== undefined ? { card } : {}) },
        );
      } catch (error) {
        if (error instanceof RenderInputError) return reply.code(400).send({ error: "invalid_request", field: `body.${error.field}`, message: `body.${error.message}` });
        if (weights !== undefined) return reply.code(400).send({ error: "invalid_request", field, message: `${field}: not a model this renderer can run (${(error as Error).message.split("\n")[0]})` });
        throw error;
      }
      meter.add(key.key, { pixelsRendered: b.width * b.height });
      reply
        .code(200)
        .header("x-content-digest", out.contentDigest)
        .header("x-model-sha256", out.model.sha256)
        .header("access-control-expose-headers", "x-content-digest, x-model-sha256");
      // the TIFF streams strip by strip from the PNG (171 MB at 64 cm and 300 DPI): never whole in memory
      if (b.format === "tiff") return reply.type("image/tiff").send(tiffOfPng(out.png, out.print!.dpi));
      return reply.type("image/png").send(Buffer.from(out.png));
    });
  });

  app.get<{ Params: { cid: string } }>("/v1/patterns/:cid", async (request, reply) => {
    let cid: CID;
    try {
      cid = CID.parse(request.params.cid);
    } catch {
      return reply.code(400).send({ error: "invalid_request", field: "params.cid", message: "params.cid is not a CID" });
    }
    if (!(await options.pipeline.store.has(cid))) return reply.code(404).send({ error: "not_found", message: `${cid} is not pinned here` });
    const bytes = await options.pipeline.store.cat(cid);
    try {
      return reply.code(200).send(JSON.parse(new TextDecoder().decode(bytes)));
    } catch {
      return reply.code(415).send({ error: "not_metadata", message: `${cid} is not pattern metadata (JSON)` });
    }
  });

  app.post<{ Body: { hash?: string; image?: string; signal?: SignalType } }>("/v1/screen", { schema: { body: screenBody } }, async (request, reply) => {
    const { hash, image, signal } = request.body;
    if ((hash === undefined) === (image === undefined)) {
      return reply.code(400).send({ error: "invalid_request", field: "body", message: "body: send hash (with an optional signal) or image, one of them" });
    }
    if (hash !== undefined) {
      return screenBanks(bankSet(), { [signal ?? "pdq"]: [{ hash: hash.toLowerCase(), transform: "as given" }] });
    }
    if (signal !== undefined) return reply.code(400).send({ error: "invalid_request", field: "body.signal", message: "body.signal: names the signal of body.hash; an image is screened by every signal it has" });
    try {
      const fp = await fingerprint({ png: Buffer.from(image!, "base64") });
      return { pdq: fp.pdq.original, quality: fp.pdq.quality, tile: fp.tileResult.hash, ...screen(bankSet(), { pdq: fp.pdq, tile: fp.tile }) };
    } catch (error) {
      if (error instanceof ImageTooLargeError) return reply.code(413).send({ error: "image_too_large", field: "body.image", limit: error.limit, message: `body.image: ${error.message}` });
      return reply.code(400).send({ error: "invalid_request", field: "body.image", message: `body.image: ${(error as Error).message}` });
    }
  });

  // Hash banks (admin keys only; the onRequest hook refuses the others).
  const bankStore = () => {
    if (options.banks === undefined) throw Object.assign(new Error("no bank store: this server was started without a state folder for banks"), { statusCode: 404 });
    return options.banks.store;
  };
  const banksChanged = async () => options.banks?.reload?.();
  const bankFailure = (reply: FastifyReply, error: unknown, where: "body" | "params" | "query") => {
    if (error instanceof UnknownBankError) return reply.code(404).send({ error: "unknown_bank", field: `params.name`, message: `params.${error.message}` });
    if (error instanceof BankError) return reply.code(400).send({ error: "invalid_request", field: `${where}.${error.field}`, message: `${where}.${error.message}` });
    throw error;
  };
  const liveSize = (name: string) => options.pipeline.banks?.get(name)?.size ?? (name === CERTIFICATES_BANK ? options.pipeline.index.size : undefined);

  app.get("/v1/banks", async () => {
    const banks = await bankStore().list();
    return { banks: banks.map((b) => (b.name === CERTIFICATES_BANK ? { ...b, entries: liveSize(b.name) ?? 0 } : b)) };
  });

  app.get<{ Params: { name: string }; Querystring: { offset?: string; limit?: string } }>("/v1/banks/:name", async (request, reply) => {
    const { name } = request.params;
    const offset = Number(request.query.offset ?? 0);
    const limit = Number(request.query.limit ?? 100);
    if (!Number.isInteger(offset) || offset < 0) return reply.code(400).send({ error: "invalid_request", field: "query.offset", message: `query.offset: "${request.query.offset}" is not an integer ≥ 0` });
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return reply.code(400).send({ error: "invalid_request", field: "query.limit", message: `query.limit: "${request.query.limit}" is not an integer in 1..1000` });
    try {
      const info = await bankStore().info(name);
      const items: unknown[] = [];
      if (name === CERTIFICATES_BANK) {
        for (const e of (options.pipeline.banks?.certificates.index("pdq") ?? options.pipeline.index).entries().slice(offset, offset + limit)) items.push({ signal: "pdq", ...e });
        return { bank: { ...info, entries: liveSize(name) ?? 0 }, offset, items };
      }
      let i = 0;
      for await (const e of bankStore().entries(name)) {
        if (i++ < offset) continue;
        items.push(e);
        if (items.length >= limit) break;
      }
      return { bank: info, offset, items };
    } catch (error) {
      return bankFailure(reply, error, "params");
    }
  });

  app.post<{ Body: { name: string; kind?: "block" | "allow"; thresholds?: Partial<Record<SignalType, number>> } }>("/v1/banks", { schema: { body: bankBody } }, async (request, reply) => {
    const b = request.body;
    try {
      checkBankName(b.name);
      for (const [s, v] of Object.entries(b.thresholds ?? {})) checkThreshold(v, `thresholds.${s}`);
      const result = await bankStore().add(b.name, [], { ...(b.kind !== undefined ? { kind: b.kind } : {}), ...(b.thresholds !== undefined ? { thresholds: b.thresholds } : {}) });
      await banksChanged();
      return reply.code(result.created ? 201 : 200).send({ bank: await bankStore().info(b.name), created: result.created });
    } catch (error) {
      return bankFailure(reply, error, "body");
    }
  });

  app.post<{ Params: { name: string }; Body: { entries?: Array<{ signal?: string; hash: string; label?: string }>; image?: string; label?: string } }>(
    "/v1/banks/:name/entries",
    { schema: { body: bankEntriesBody } },
    async (request, reply) => {
      const { name } = request.params;
      const b = request.body;
      const entries: Array<{ signal: SignalType; hash: string; label: string }> = [];
      try {
        checkBankName(name, "name");
      } catch (error) {
        return bankFailure(reply, error, "params");
      }
      try {
        (b.entries ?? []).forEach((e, i) => entries.push({ signal: checkSignal(e.signal ?? "pdq", `entries[${i}].signal`), hash: checkHash(e.hash, `entries[${i}].hash`), label: e.label ?? "" }));
      } catch (error) {
        return bankFailure(reply, error, "body");
      }
      if (b.image !== undefined) {
        try {
          const fp = await fingerprint({ png: Buffer.from(b.image, "base64") });
          entries.push({ signal: "pdq", hash: fp.pdq.original, label: b.label ?? "" });
          if (fp.tileResult.reliable) entries.push({ signal: "tile", hash: fp.tileResult.hash, label: b.label ?? "" });
        } catch (error) {
          if (error instanceof ImageTooLargeError) return reply.code(413).send({ error: "image_too_large", field: "body.image", limit: error.limit, message: `body.image: ${error.message}` });
          return reply.code(400).send({ error: "invalid_request", field: "body.image", message: `body.image: ${(error as Error).message}` });
        }
      } else if (b.label !== undefined) return reply.code(400).send({ error: "invalid_request", field: "body.label", message: "body.label: labels body.image; give each of body.entries its own label" });
      try {
        const store = bankStore();
        const known = (await store.list()).map((k) => k.name);
        if (!known.includes(name)) throw new UnknownBankError(name, known);
        const result = await store.add(name, entries);
        await banksChanged();
        return result;
      } catch (error) {
        return bankFailure(reply, error, "body");
      }
    },
  );

  app.delete<{ Params: { name: string }; Querystring: { label?: string } }>("/v1/banks/:name", async (request, reply) => {
    try {
      const result = await bankStore().remove(request.params.name, request.query.label !== undefined ? { label: request.query.label } : {});
      await banksChanged();
      return result;
    } catch (error) {
      if (error instanceof BankError && !(error instanceof UnknownBankError) && error.field === "label") {
        return reply.code(404).send({ error: "not_found", field: "query.label", message: `query.${error.message}` });
      }
      if (error instanceof BankError && !(error instanceof UnknownBankError)) return reply.code(400).send({ error: "invalid_request", field: "params.name", message: `params.${error.message}` });
      return bankFailure(reply, error, "params");
    }
  });

  app.get("/v1/usage", async (request) => {
    const key = keyOf(request);
    return { name: key.name, tier: key.tier, ...meter.get(key.key) };
  });

  app.get("/v1/queue", async (_request, reply) => {
    if (options.queues === undefined) return reply.code(404).send({ error: "not_found", message: "no batch queue: this server runs without MOTIF_REDIS_URL" });
    const render = await options.queues.render.getJobCounts("waiting", "active", "delayed", "completed", "failed", "paused");
    const dead = await options.queues.dead.getJobCounts("waiting", "completed", "failed");
    return { render, deadLetters: Object.values(dead).reduce((a, b) => a + b, 0) };
  });

  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());

  return app;
}
