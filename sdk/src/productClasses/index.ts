import { BaseError } from "viem";

import table from "./product-classes-v1.json" with { type: "json" };

/** One class of the frozen product-class table (WIPO Nice): its bit in every Motif class mask. */
export type ProductClass = { bit: number; niceClass: number; kind: string; heading: string; textileExamples: string };

/** The frozen product-class table, version 1 (Nice classes 1..45; bits 45..63 reserved). */
export const PRODUCT_CLASSES: readonly ProductClass[] = table.classes;
/** Number of classes in table version 1. */
export const PRODUCT_CLASS_COUNT = 45;
/** Every class ("all fields of use"). */
export const ALL_PRODUCT_CLASSES: bigint = (1n << BigInt(PRODUCT_CLASS_COUNT)) - 1n;

/** Words a licence names a product group by, for the classes pattern licences use most. */
const ALIASES: Record<string, number> = {
  textiles: 24, linen: 24, bedding: 24, "household-linen": 24, fabric: 24,
  clothing: 25, apparel: 25, fashion: 25, footwear: 25,
  rugs: 27, wallpaper: 27, carpets: 27,
  paper: 16, stationery: 16, "paper-goods": 16,
  tableware: 21, bags: 18, furniture: 20, cushions: 20, printing: 40,
};

/** A class named by its Nice number (24, "24"), "class 24" / "nice 24", or a common word ("bedding", "clothing"). */
export type ProductClassInput = number | string;

export type UnknownProductClassErrorType = UnknownProductClassError & { name: "UnknownProductClassError" };

/** A class number or word the frozen table does not have. */
export class UnknownProductClassError extends BaseError {
  override name = "UnknownProductClassError" as const;
  constructor(readonly productClass: ProductClassInput) {
    super(`Unknown product class ${JSON.stringify(productClass)}.`, {
      metaMessages: [
        `Product classes are WIPO Nice class numbers 1..${PRODUCT_CLASS_COUNT} (24 textiles and household linen,`,
        "25 clothing, 27 rugs and wallpaper, 16 paper goods…) or one of: " + Object.keys(ALIASES).join(", ") + ".",
      ],
    });
  }
}

/** The table entry of a class; throws UnknownProductClassError. */
export function productClass(input: ProductClassInput): ProductClass {
  let n: number | undefined;
  if (typeof input === "number") n = input;
  else {
    const s = input.trim().toLowerCase();
    const m = /^(?:(?:nice\s*)?class\s*)?(\d{1,2})$/.exec(s);
    n = m ? Number(m[1]) : ALIASES[s.replace(/\s+/g, "-")];
  }
  const c = n !== undefined && Number.isInteger(n) ? PRODUCT_CLASSES[n - 1] : undefined;
  if (c === undefined) throw new UnknownProductClassError(input);
  return c;
}

/** The Nice class number of a class (`"bedding"` → 24). */
export function niceClass(input: ProductClassInput): number {
  return productClass(input).niceClass;
}

/** The mask of a list of classes (`productClassMask([24, "clothing"])`). */
export function productClassMask(inputs: readonly ProductClassInput[]): bigint {
  return inputs.reduce<bigint>((mask, c) => mask | (1n << BigInt(productClass(c).bit)), 0n);
}

/** The classes of a mask, in class order; throws UnknownProductClassError on a reserved bit. */
export function productClassesOf(mask: bigint): ProductClass[] {
  const out: ProductClass[] = [];
  for (let bit = 0; mask >> BigInt(bit) !== 0n; bit++) {
    if ((mask >> BigInt(bit)) & 1n) out.push(productClass(bit + 1));
  }
  return out;
}

/** A class in words: "class 24 (Textiles…)" with the heading cut at its first ";". */
export function productClassLabel(input: ProductClassInput): string {
  const c = productClass(input);
  return `class ${c.niceClass} (${c.heading.split(";")[0]})`;
}

/** A class mask in words: "all 45 classes", or the classes listed. */
export function productClassMaskLabel(mask: bigint): string {
  if (mask === ALL_PRODUCT_CLASSES) return `all ${PRODUCT_CLASS_COUNT} classes`;
  try {
    const list = productClassesOf(mask);
    return list.length === 0 ? "no class" : list.map((c) => productClassLabel(c.niceClass)).join(", ");
  } catch {
    return `class mask 0x${mask.toString(16)} (bits past class ${PRODUCT_CLASS_COUNT} are reserved)`;
  }
}
