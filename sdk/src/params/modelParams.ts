import { BaseError, type Hex, keccak256, stringToBytes } from "viem";

import { canonicalJson } from "../canonical.js";

/**
 * One style param a model takes, as its manifest entry declares it (generator/models/models.json
 * `params`). Everything that handles params is derived from these declarations: the CLI flags
 * (`--<name>`), the API's request schema, the web page's creator form, recipe validation and the
 * canonical params whose keccak-256 is the lineage's `paramsHash`. The name is also the model
 * graph's input (a float32 [1] tensor).
 */
export type ModelParamDeclaration = {
  /** JSON key, CLI flag (`--name`) and graph input: a letter, then letters or digits (at most 32). */
  name: string;
  /** "integer": whole numbers only; "number": any finite number in range. */
  type: "integer" | "number";
  /** Inclusive bounds. */
  min: number;
  max: number;
  /** Used where a caller may leave the param out (CLI flags, the web form). */
  default: number;
  /** Step of a form's input (default: 1 for integers, none for numbers). */
  step?: number;
  /** Unit shown beside the value, e.g. "px". */
  unit?: string;
  /** One line, shown in help texts and forms. */
  description?: string;
};

/** A model's param values by name, as rendered and hashed. */
export type ModelParams = Readonly<Record<string, number>>;

export type ModelParamsErrorType = ModelParamsError & { name: "ModelParamsError" };

/**
 * A param value (or declaration) that is not allowed: `field` is its path (`params.scale`), `param`
 * its name, `model` the model it was checked for; the message names all three and the range.
 */
export class ModelParamsError extends BaseError {
  override name = "ModelParamsError" as const;
  constructor(
    readonly field: string,
    readonly param: string | undefined,
    readonly model: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}

const NAME = /^[a-zA-Z][a-zA-Z0-9]{0,31}$/;

/** What a declared param accepts, in words: "an integer in 1..8", "a number in 0.25..32". */
export function describeModelParam(d: ModelParamDeclaration): string {
  return `${d.type === "integer" ? "an integer" : "a number"} in ${d.min}..${d.max}${d.unit !== undefined ? ` ${d.unit}` : ""}`;
}

/** Whether `v` is a value `d` accepts. */
export function acceptsModelParam(d: ModelParamDeclaration, v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && (d.type === "number" || Number.isInteger(v)) && v >= d.min && v <= d.max;
}

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : v === undefined ? "nothing" : typeof v === "object" ? (v === null ? "null" : Array.isArray(v) ? "an array" : "an object") : String(v));

/**
 * Checks a manifest entry's `params` (what a model declares) and returns them typed; throws
 * `ModelParamsError` naming the model and the bad declaration. Names are unique; bounds are finite
 * with min ≤ default ≤ max (integers for an integer param).
 */
export function parseModelParamDeclarations(value: unknown, model: string): ModelParamDeclaration[] {
  const where = (i: number, key?: string) => `params[${i}]${key !== undefined ? `.${key}` : ""}`;
  const bad = (field: string, detail: string, param?: string): never => {
    throw new ModelParamsError(field, param, model, `${detail} (model ${model})`);
  };
  if (!Array.isArray(value)) bad("params", `expected an array of param declarations, got ${show(value)}`);
  const seen = new Set<string>();
  return (value as unknown[]).map((raw, i) => {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return bad(where(i), `expected an object, got ${show(raw)}`);
    const d = raw as Record<string, unknown>;
    const name = d.name;
    if (typeof name !== "string" || !NAME.test(name)) return bad(where(i, "name"), `expected a letter then letters or digits (at most 32), got ${show(name)}`);
    if (seen.has(name)) bad(where(i, "name"), `"${name}" is declared twice`, name);
    seen.add(name);
    if (d.type !== "integer" && d.type !== "number") bad(where(i, "type"), `expected "integer" or "number", got ${show(d.type)}`, name);
    const type = d.type as ModelParamDeclaration["type"];
    const bound = (key: "min" | "max" | "default" | "step") => {
      const v = d[key];
      if (typeof v !== "number" || !Number.isFinite(v) || (type === "integer" && !Number.isInteger(v))) bad(where(i, key), `expected ${type === "integer" ? "an integer" : "a finite number"}, got ${show(v)}`, name);
      return v as number;
    };
    const min = bound("min");
    const max = bound("max");
    const dflt = bound("default");
    if (!(min <= dflt && dflt <= max)) bad(where(i), `expected min ≤ default ≤ max, got ${min}, ${dflt}, ${max}`, name);
    const out: ModelParamDeclaration = { name, type, min, max, default: dflt };
    if (d.step !== undefined) {
      out.step = bound("step");
      if (out.step <= 0) bad(where(i, "step"), `expected a positive step, got ${out.step}`, name);
    }
    for (const key of ["unit", "description"] as const) {
      if (d[key] === undefined) continue;
      if (typeof d[key] !== "string") bad(where(i, key), `expected a string, got ${show(d[key])}`, name);
      out[key] = d[key] as string;
    }
    return out;
  });
}

/**
 * Checks `params` against a model's declarations and returns them with every declared param, in
 * declaration order (`defaults: true` fills a missing param with its default; otherwise a missing
 * param is refused). A value out of range, of the wrong type or not declared throws
 * `ModelParamsError` naming the param, its range and the model:
 * `params.scale: 9 is not an integer in 1..8 (model indigo)`.
 *
 * @example
 * import { type ModelParamDeclaration, checkModelParams } from "@motif/sdk";
 * const declared: ModelParamDeclaration[] = [{ name: "scale", type: "integer", min: 1, max: 8, default: 2 }];
 * checkModelParams(declared, { scale: 3 }, "indigo"); // { scale: 3 }
 * try {
 *   checkModelParams(declared, { scale: 9 }, "indigo");
 * } catch (error) {
 *   console.log((error as Error).message.split("\n")[0]); // "params.scale: 9 is not an integer in 1..8 (model indigo)"
 * }
 */
export function checkModelParams(declarations: readonly ModelParamDeclaration[], params: unknown, model: string, options: { defaults?: boolean; path?: string } = {}): Record<string, number> {
  const at = options.path ?? "params";
  const names = declarations.map((d) => d.name).join(", ");
  if (typeof params !== "object" || params === null || Array.isArray(params)) {
    throw new ModelParamsError(at, undefined, model, `expected an object with ${names} (model ${model}), got ${show(params)}`);
  }
  const given = params as Record<string, unknown>;
  const unknown = Object.keys(given).find((k) => !declarations.some((d) => d.name === k));
  if (unknown !== undefined) throw new ModelParamsError(`${at}.${unknown}`, unknown, model, `model ${model} has no param "${unknown}" (its params: ${names})`);
  const out: Record<string, number> = {};
  for (const d of declarations) {
    let v = Object.hasOwn(given, d.name) ? given[d.name] : undefined; // own keys only: a param named valueOf is not Object.prototype's
    if (v === undefined && options.defaults === true) v = d.default;
    if (!acceptsModelParam(d, v)) {
      throw new ModelParamsError(`${at}.${d.name}`, d.name, model, `${v === undefined ? "missing, expected" : `${show(v)} is not`} ${describeModelParam(d)} (model ${model})`);
    }
    out[d.name] = v;
  }
  return out;
}

/**
 * The canonical params of a render: canonical JSON (sorted keys, no whitespace, `canonicalJson`) of
 * checked params. Its keccak-256 is the lineage's `paramsHash` (`modelParamsHash`): the same bytes
 * as every certificate minted so far, e.g. `{"scale":2,"sharpness":4}`.
 */
export function encodeModelParams(params: ModelParams): string {
  return canonicalJson(params);
}

/** keccak-256 of the canonical params (`encodeModelParams`): the lineage's `paramsHash`. */
export function modelParamsHash(params: ModelParams): Hex {
  return keccak256(stringToBytes(encodeModelParams(params)));
}

/**
 * JSON Schema (draft 2020-12 / OpenAPI 3.1) of a model's params object: every declared param
 * required, typed, bounded and described (its default in words: a validator that fills `default`
 * would otherwise accept a missing param); no other key. `optional: true` leaves them optional,
 * with `default`.
 */
export function modelParamsJsonSchema(declarations: readonly ModelParamDeclaration[], model: string, options: { optional?: boolean } = {}) {
  const optional = options.optional === true;
  return {
    type: "object",
    additionalProperties: false,
    description: `params of model ${model}: ${declarations.map((d) => `${d.name} ${describeModelParam(d)}`).join(", ")}`,
    ...(optional ? {} : { required: declarations.map((d) => d.name) }),
    properties: Object.fromEntries(
      declarations.map((d) => [
        d.name,
        {
          type: d.type,
          minimum: d.min,
          maximum: d.max,
          ...(optional ? { default: d.default } : {}),
          description: `${d.description !== undefined ? `${d.description}; ` : ""}${describeModelParam(d)}, default ${d.default}`,
        },
      ]),
    ),
  };
}
