import { parseArgs, type ParseArgsConfig } from "node:util";

import { UnknownRegionError, region } from "@motif/sdk";
import { RENDER_LIMITS } from "../render/render.js";

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

/** parseArgs that turns its errors into UsageError. */
export function parse<T extends ParseArgsConfig["options"]>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** An integer option within bounds, or a UsageError naming it and the range. */
export function intOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name}: "${raw}" is not an integer in ${min}..${max}`);
  return v;
}

/** A number option within bounds, or a UsageError naming it and the range. */
export function numberOption(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < min || v > max) throw new UsageError(`--${name}: "${raw}" is not a number in ${min}..${max}`);
  return v;
}

/** A uint64 option, or a UsageError. */
export function seedOption(raw: string | undefined): bigint {
  if (raw === undefined) throw new UsageError("--seed: required, an integer in 0..2^64-1");
  if (!/^\d+$/.test(raw) || BigInt(raw) >= 1n << 64n) throw new UsageError(`--seed: "${raw}" is not an integer in 0..2^64-1`);
  return BigInt(raw);
}

/** parseArgs specs of the options every rendering command shares. */
export const RENDER_OPTION_SPECS = {
  model: { type: "string" },
  scale: { type: "string" },
  sharpness: { type: "string" },
  size: { type: "string" },
} as const;

/** Style params and square size from `--scale`, `--sharpness`, `--size`, each checked against its range. */
export function renderOptionsFrom(values: { scale?: string | undefined; sharpness?: string | undefined; size?: string | undefined }) {
  return {
    params: {
      scale: intOption("scale", values.scale, 2, RENDER_LIMITS.scale.min, RENDER_LIMITS.scale.max),
      sharpness: numberOption("sharpness", values.sharpness, 4, RENDER_LIMITS.sharpness.min, RENDER_LIMITS.sharpness.max),
    },
    size: intOption("size", values.size, 512, 1, RENDER_LIMITS.maxSide),
  };
}
