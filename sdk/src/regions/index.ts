import { BaseError } from "viem";

import table from "./regions-v1.json" with { type: "json" };

/** One region of the frozen table: its bit index in every Motif region mask and its ISO codes. */
export type Region = { bit: number; alpha2: string; alpha3: string; numeric: string; name: string };

/** The frozen region table, version 1 (ISO 3166-1, 249 codes; bits 249..255 reserved). */
export const REGIONS: readonly Region[] = table.regions;
/** Number of assigned regions in table version 1. */
export const REGION_COUNT = 249;

const byCode = new Map<string, Region>();
for (const r of REGIONS) {
  byCode.set(r.alpha2, r);
  byCode.set(r.alpha3, r);
  byCode.set(r.numeric, r);
}

/** A region named by ISO 3166-1 alpha-2 ("FR"), alpha-3 ("FRA") or numeric ("250") code, or a bit index. */
export type RegionInput = string | number;

export type UnknownRegionErrorType = UnknownRegionError & { name: "UnknownRegionError" };

/** A region code or index that the frozen table does not have. */
export class UnknownRegionError extends BaseError {
  override name = "UnknownRegionError" as const;
  constructor(readonly region: RegionInput) {
    super(`Unknown region ${JSON.stringify(region)}.`, {
      metaMessages: [
        "Regions are ISO 3166-1 alpha-2 (\"FR\"), alpha-3 (\"FRA\") or numeric (\"250\") codes,",
        `or bit indices 0..${REGION_COUNT - 1} of the frozen table regions-v1.json.`,
      ],
    });
  }
}

/** The table entry of a region; throws UnknownRegionError. */
export function region(input: RegionInput): Region {
  if (typeof input === "number") {
    const r = Number.isInteger(input) ? REGIONS[input] : undefined;
    if (r === undefined) throw new UnknownRegionError(input);
    return r;
  }
  const r = byCode.get(input.trim().toUpperCase()) ?? (/^\d{1,3}$/.test(input.trim()) ? byCode.get(input.trim().padStart(3, "0")) : undefined);
  if (r === undefined) throw new UnknownRegionError(input);
  return r;
}

/** Bit index of a region ("FR" → 74). */
export function regionBit(input: RegionInput): number {
  return region(input).bit;
}

/** The mask of a list of regions (`regionMask(["DE", "FR"])`). */
export function regionMask(inputs: readonly RegionInput[]): bigint {
  return inputs.reduce<bigint>((mask, r) => mask | (1n << BigInt(regionBit(r))), 0n);
}

/** The regions of a mask, in bit order; throws UnknownRegionError on a reserved bit. */
export function regionsOf(mask: bigint): Region[] {
  const out: Region[] = [];
  for (let bit = 0; mask >> BigInt(bit) !== 0n; bit++) {
    if ((mask >> BigInt(bit)) & 1n) out.push(region(bit));
  }
  return out;
}

/** Every assigned region ("worldwide"). */
export const WORLDWIDE: bigint = (1n << BigInt(REGION_COUNT)) - 1n;

/** The 27 member states of the European Union (as of table version 1), alpha-2. */
export const EU_MEMBERS: readonly string[] = [
  "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
  "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];
