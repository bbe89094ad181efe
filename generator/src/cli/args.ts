import { parseArgs, type ParseArgsConfig } from "node:util";

import { COLOURWAY_LIMITS, type ColourwaySpec, ColourwaySpecError, ModelParamsError, PRINT_LIMITS, type PrintSpec, PrintSpecError, REPEAT_TYPES, UnknownRegionError, checkColourwaySpec, checkModelParams, checkPrintSpec, parseColourwayMap, describeModelParam, printPixels, region } from "@motif/sdk";
import { loadManifestSync } from "../model/manifest.js";
import { type ModelManifestEntry, RENDER_LIMITS, modelsDir } from "../render/render.js";

/** A usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {}

/** The ISO 3166-1 alpha-2 code of `--region` (FR, FRA or 250), or a UsageError saying what is wrong. */
export function regionOption(raw: string | undefined, required: string): string {
  if (raw === undefined) throw new UsageError(`--region: required${required}, an ISO 3166-1 code (FR, FRA or 250)`);
  try {
    return region(raw).alpha2;
  } catch (error) {
    if (error instanceof UnknownRegionError) throw new UsageError(`--region: "${raw}" is not an ISO 3166-1 code of the region table`);
    throw error;
  }
}

/**
 * parseArgs that turns its errors into UsageError. With a manifest, one `--<name>` flag per param
 * any of its models declares is accepted too and returned apart, as `paramFlags` (see
 * `paramsFromFlags`); a declared name that is already one of the command's flags is an error.
 */
export function parse<T extends ParseArgsConfig["options"]>(args: string[], options: T, manifest: readonly ModelManifestEntry[] = []) {
  const flags = paramFlagNames(manifest);
  const taken = flags.find((f) => options !== undefined && f in options);
  if (taken !== undefined) throw new Error(`models.json: the param "${taken}" of ${manifest.filter((m) => m.params.some((d) => d.name === taken)).map((m) => `model ${m.name}`).join(", ")} has the name of a flag of this command (--${taken}); rename the param`);
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...options, ...Object.fromEntries(flags.map((f) => [f, { type: "string" }])) } as T, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const all = parsed.values as Record<string, unknown>;
  const paramFlags = Object.fromEntries(flags.filter((f) => all[f] !== undefined).map((f) => [f, String(all[f])]));
  for (const f of flags) delete all[f];
  return { ...parsed, paramFlags };
}

/** Every param name the manifest's models declare, once each: the param flags. */
function paramFlagNames(manifest: readonly ModelManifestEntry[]): string[] {
  return [...new Set(manifest.flatMap((m) => m.params.map((d) => d.name)))];
}

/** The manifest entry of `--model`, or a UsageError naming the known models. */
export function modelEntry(manifest: readonly ModelManifestEntry[], name: string | undefined, required = ""): ModelManifestEntry {
  const known = manifest.map((m) => m.name).join(", ");
  if (name === undefined) throw new UsageError(`--model: required (${known})${required}`);
  const entry = manifest.find((m) => m.name === name);
  if (entry === undefined) throw new UsageError(`--model: unknown model "${name}"; known: ${known}`);
  return entry;
}

/**
 * The model's params from its param flags (`--scale 3`), each declared param's default where its
 * flag is absent; a UsageError names the flag, the value, the range and the model
 * (`--scale: "9" is not an integer in 1..8 (model weld)`), or a flag the model does not declare.
 */
export function paramsFromFlags(paramFlags: Record<string, string>, entry: ModelManifestEntry): Record<string, number> {
  const numbers = Object.fromEntries(Object.entries(paramFlags).map(([k, raw]) => [k, raw.trim() === "" ? Number.NaN : Number(raw)]));
  try {
    return checkModelParams(entry.params, numbers, entry.name, { defaults: true });
  } catch (error) {
    if (!(error instanceof ModelParamsError) || error.param === undefined) throw error;
    const declared = entry.params.find((d) => d.name === error.param);
    const raw = paramFlags[error.param];
    throw new UsageError(declared !== undefined && raw !== undefined ? `--${error.param}: "${raw}" is not ${describeModelParam(declared)} (model ${entry.name})` : `--${error.param}: ${error.detail}`);
  }
}

/**
 * The param flags of the shipped models for a help text, from their cards (read once, at load):
 * one line per param, with its range, default and the models that take it.
 */
export function paramFlagsHelp(): string {
  let manifest: ModelManifestEntry[];
  try {
    manifest = loadManifestSync(modelsDir());
  } catch (error) {
    return `  --<param>    the model's params, as its card declares them (unreadable here: ${(error as Error).message.split("\n")[0]})`;
  }
  return paramFlagNames(manifest)
    .map((name) => {
      const models = manifest.filter((m) => m.params.some((d) => d.name === name));
      const d = models[0]!.params.find((x) => x.name === name)!;
      const who = models.length === manifest.length ? "" : ` (${models.map((m) => m.name).join(", ")})`;
      return `  --${name.padEnd(11)}${describeModelParam(d)} (default ${d.default})${who}${d.description !== undefined ? `: ${d.description}` : ""}`;
    })
    .join("\n");
}

/** An integer option within bounds, or a UsageError naming it and the range. */
export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name}: "${raw}" is not an integer in ${min}..${max}`);
  return v;
}

/** A uint64 option, or a UsageError. */
export function seedOption(raw: string | undefined): bigint {
  if (raw === undefined) throw new UsageError("--seed: required, an integer in 0..2^64-1");
  if (!/^\d+$/.test(raw) || BigInt(raw) >= 1n << 64n) throw new UsageError(`--seed: "${raw}" is not an integer in 0..2^64-1`);
  return BigInt(raw);
}

/** parseArgs specs of the options every rendering command shares (the param flags come from the manifest: `parse`). */
export const RENDER_OPTION_SPECS = {
  model: { type: "string" },
  size: { type: "string" },
} as const;

/** Style params (`paramsFromFlags`) and square size from `--size`, each checked against its range. */
export function renderOptionsFrom(values: { size?: string | undefined }, paramFlags: Record<string, string>, entry: ModelManifestEntry) {
  return { params: paramsFromFlags(paramFlags, entry), size: intOption("size", values.size, 512, 1, RENDER_LIMITS.maxSide) };
}

/** parseArgs specs of the print flags (`printSpecFrom`). */
export const PRINT_OPTION_SPECS = {
  repeat: { type: "string" },
  "size-cm": { type: "string" },
  dpi: { type: "string" },
} as const;

/** The print flags' lines of a help text. */
export const PRINT_FLAGS_HELP = `  --repeat     for print: ${REPEAT_TYPES.join(", ")} (default block); the tile is rendered seamless under it
  --size-cm    for print: the square tile's side in cm, ${PRINT_LIMITS.sizeCm.min}..${PRINT_LIMITS.sizeCm.max} (two decimals at most); with --dpi
  --dpi        for print: dots per inch, an integer in ${PRINT_LIMITS.dpi.min}..${PRINT_LIMITS.dpi.max}; the side is round(cm / 2.54 × DPI) px (64 cm at 300 DPI: 7559 px), at most ${PRINT_LIMITS.pixels.max}
               (the PNG gets a pHYs chunk; repeat, size and DPI are part of the lineage)`;

const PRINT_FLAG: Record<string, string> = { "print.repeat": "--repeat", "print.sizeCm": "--size-cm", "print.dpi": "--dpi" };

/**
 * The print spec of `--repeat`, `--size-cm` and `--dpi` (undefined when none is given), with the
 * square side it makes; a UsageError names the flag and its allowed range. `--size`, `--width` and
 * `--height` may not come with it (the side is the size at the DPI).
 */
export function printSpecFrom(values: { repeat?: string | undefined; "size-cm"?: string | undefined; dpi?: string | undefined; size?: string | undefined; width?: string | undefined; height?: string | undefined }): { print: PrintSpec; side: number } | undefined {
  if (values.repeat === undefined && values["size-cm"] === undefined && values.dpi === undefined) return undefined;
  if (values["size-cm"] === undefined) throw new UsageError(`--size-cm: required with --repeat and --dpi, the tile's side in cm (${PRINT_LIMITS.sizeCm.min}..${PRINT_LIMITS.sizeCm.max})`);
  if (values.dpi === undefined) throw new UsageError(`--dpi: required with --repeat and --size-cm, an integer in ${PRINT_LIMITS.dpi.min}..${PRINT_LIMITS.dpi.max} (dots per inch)`);
  for (const flag of ["size", "width", "height"] as const) {
    if (values[flag] !== undefined) throw new UsageError(`--${flag}: not with --size-cm and --dpi (the tile's side is round(cm / 2.54 × DPI) px)`);
  }
  const number = (raw: string) => (raw.trim() === "" ? Number.NaN : Number(raw));
  try {
    const print = checkPrintSpec({ repeat: values.repeat ?? "block", sizeCm: number(values["size-cm"]), dpi: number(values.dpi) });
    return { print, side: printPixels(print.sizeCm, print.dpi) };
  } catch (error) {
    if (!(error instanceof PrintSpecError)) throw error;
    const flag = PRINT_FLAG[error.field] ?? error.field;
    const raw = flag === "--repeat" ? values.repeat : flag === "--size-cm" ? values["size-cm"] : values.dpi;
    throw new UsageError(`${flag}: ${error.detail.replace(/^(NaN|null|undefined|"[^"]*") is not/, `"${raw ?? ""}" is not`)}`);
  }
}

/** parseArgs specs of the colourway flags (`colourwayFrom`). */
export const COLOURWAY_OPTION_SPECS = {
  "colourway-of": { type: "string" },
  recolour: { type: "string" },
} as const;

/** The colourway flags' lines of a help text. */
export const COLOURWAY_FLAGS_HELP = `  --colourway-of ID  a colourway of design certificate ID (0x and 64 hex digits): the same model, seed,
                     params and print spec as the design, recoloured by --recolour (part of the lineage)
  --recolour MAP     with --colourway-of: FROM:TO colour pairs, e.g. #2d3047:#1e5631,#f4e9d8:#f7d6d0
                     (${COLOURWAY_LIMITS.pairs.min} to ${COLOURWAY_LIMITS.pairs.max} pairs, #rrggbb, each FROM once; colours near FROM move to TO)`;

/** The flag of a colourway spec's field (`colourway.map[0].to` → --recolour). */
export const colourwayFlag = (field: string): string => (field.startsWith("colourway.design") ? "--colourway-of" : "--recolour");

/**
 * The colourway of `--colourway-of` and `--recolour` (undefined when neither is given); a
 * UsageError names the flag, the pair and what is allowed.
 */
export function colourwayFrom(values: { "colourway-of"?: string | undefined; recolour?: string | undefined }): ColourwaySpec | undefined {
  const [design, map] = [values["colourway-of"], values.recolour];
  if (design === undefined && map === undefined) return undefined;
  if (design === undefined) throw new UsageError("--colourway-of: required with --recolour, the design certificate's id (0x and 64 hex digits)");
  if (map === undefined) throw new UsageError("--recolour: required with --colourway-of, FROM:TO colour pairs (e.g. #2d3047:#1e5631)");
  try {
    return checkColourwaySpec({ design, map: parseColourwayMap(map) });
  } catch (error) {
    if (error instanceof ColourwaySpecError) throw new UsageError(`${colourwayFlag(error.field)}: ${error.field.startsWith("colourway.map[") ? `pair ${Number(/\[(\d+)\]/.exec(error.field)![1]) + 1}: ` : ""}${error.detail}`);
    throw error;
  }
}

