// An offer's terms in plain words, as a buyer reads them (the web page, the CLI, the demo).
// Browser-safe: viem and the SDK's frozen tables only.
import { type Address, formatEther, formatUnits, zeroAddress } from "viem";

import { unixTimeLabel } from "./explain.js";
import { ALL_PRODUCT_CLASSES, PRODUCT_CLASS_COUNT, PRODUCT_CLASSES, productClassLabel, productClassMaskLabel, productClassesOf } from "./productClasses/index.js";
import { EU_MEMBERS, REGIONS, WORLDWIDE, regionMask, regionsOf } from "./regions/index.js";
import { LicenseFlags, type Offer, PERPETUAL } from "./types/license.js";

const EU = regionMask(EU_MEMBERS);

/** Items in words: "a", "a and b", "a, b and c". */
const listInWords = (items: readonly string[]) => (items.length <= 1 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)!}`);

/** The regions of a mask in words: "worldwide", "the 27 EU member states", or their names. */
export function regionsInWords(mask: bigint): string {
  if (mask === WORLDWIDE) return `worldwide (all ${REGIONS.length} regions)`;
  if (mask === EU) return `the ${EU_MEMBERS.length} EU member states`;
  const names = regionsOf(mask).map((r) => r.name);
  return names.length <= 6 ? names.join(", ") : `${names.length} regions: ${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

/**
 * The product classes (fields of use) of a class mask in words, by the SDK's labels: "every product
 * class (all 45 Nice classes)", "every product class except class 9 (…)" when six or fewer are left
 * out, else each class: "class 24 (Textiles and substitutes for textiles) and class 25 (Clothing,
 * footwear, headwear)".
 */
export function productClassesInWords(mask: bigint): string {
  if (mask === ALL_PRODUCT_CLASSES) return `every product class (all ${PRODUCT_CLASS_COUNT} Nice classes)`;
  let classes;
  try {
    classes = productClassesOf(mask);
  } catch {
    return productClassMaskLabel(mask); // a reserved bit: the mask as the SDK shows it
  }
  if (classes.length === 0) return productClassMaskLabel(mask);
  const left = PRODUCT_CLASSES.filter((c) => !classes.includes(c));
  if (left.length <= 6) return `every product class except ${listInWords(left.map((c) => productClassLabel(c.niceClass)))}`;
  return listInWords(classes.map((c) => productClassLabel(c.niceClass)));
}

/** Basis points as a percentage with up to two decimals: 500 → "5%", 250 → "2.5%", 1 → "0.01%". */
export function bpsInWords(bps: number | bigint): string {
  const v = BigInt(bps);
  const cents = (v % 100n).toString().padStart(2, "0").replace(/0$/, "");
  return `${v / 100n}${v % 100n === 0n ? "" : `.${cents}`}%`;
}

/** How amounts of an ERC-20 currency are written: its symbol and decimals (`getCurrencyUnit`). */
export type CurrencyUnit = { symbol: string; decimals: number };

/**
 * An amount of a licence's currency: "0.5 ETH"; of an ERC-20 token "12.5 USDC (token 0x…)" when its
 * unit is known, else its base units.
 */
export function amountInWords(amount: bigint, currency: Address = zeroAddress, unit?: CurrencyUnit): string {
  if (currency === zeroAddress) return `${formatEther(amount)} ETH`;
  return unit === undefined
    ? `${amount.toLocaleString("en-US")} base units of token ${currency}`
    : `${formatUnits(amount, unit.decimals)} ${unit.symbol} (token ${currency})`;
}

/** A number of seconds as days ("730 days") or, when not whole days, hours. */
export function durationInWords(seconds: number): string {
  return seconds % 86400 === 0 ? `${seconds / 86400} days` : `${Math.round(seconds / 3600)} hours`;
}

/**
 * An offer's terms in plain words, one sentence per aspect: kind, regions and product classes
 * (exclusive ones say the exclusivity holds in those regions for those classes; all-colourway ones
 * that they cover every colourway of the design); window; price,
 * royalties per unit and on net sales, unit cap, renewal; the advance; rights; who may accept;
 * until when. `price` is what an acceptance costs now (a dynamic offer's current price). `unit`
 * names an ERC-20 currency's amounts (`getCurrencyUnit`); without it they are in base units.
 */
export function termsInWords(offer: Offer, price: bigint, unit?: CurrencyUnit): string[] {
  const t = offer.terms;
  const f = t.flags;
  const money = (v: bigint) => amountInWords(v, t.currency, unit);
  const exclusive = (f & LicenseFlags.EXCLUSIVE) !== 0;
  const kind =
    `${exclusive ? "Exclusive" : "Non-exclusive"}, ${f & LicenseFlags.COMMERCIAL ? "commercial" : "non-commercial"} licence in ${regionsInWords(t.regions)}, for ${productClassesInWords(t.classes)}.` +
    (exclusive ? " Exclusive in those regions for those classes: no other licence of the pattern may share a region and a class with it while it runs." : "") +
    ((f & LicenseFlags.ALL_COLOURWAYS) !== 0 ? " Covers the design and every colourway of it, present and future." : "");
  const w = offer.window;
  const window =
    w.duration > 0
      ? `Runs for ${durationInWords(w.duration)} from the moment you accept.`
      : w.end === PERPETUAL
        ? `Perpetual, from ${w.start === 0 ? "acceptance" : unixTimeLabel(w.start)}.`
        : `Runs from ${w.start === 0 ? "acceptance" : unixTimeLabel(w.start)} until ${unixTimeLabel(w.end)}.`;
  const charges = [`Price ${money(price)}`];
  if (t.unitRoyalty > 0n) charges.push(`plus ${money(t.unitRoyalty)} per unit produced`);
  if (t.salesRoyaltyBps > 0) charges.push(`plus ${bpsInWords(t.salesRoyaltyBps)} of net sales`);
  if (t.unitCap > 0n) charges.push(`up to ${t.unitCap.toString()} units`);
  const renewal = t.renewalPrice > 0n ? ` Renewal costs ${money(t.renewalPrice)} for one more period, bought by the licensee in the licence's last period.` : "";
  const advance = t.advance > 0n ? ` An advance of ${money(t.advance)} paid at acceptance, recouped against royalties before any is charged (${money(price + t.advance)} in all at acceptance).` : "";
  const rights = [
    f & LicenseFlags.DERIVATIVES ? "derivatives allowed" : "no derivatives",
    f & LicenseFlags.AI_TRAINING ? "AI training allowed" : "no AI training",
    f & LicenseFlags.SUBLICENSABLE ? "sublicensable" : "not sublicensable",
    f & LicenseFlags.TRANSFERABLE ? "transferable" : "not transferable",
  ];
  const buyer =
    offer.licensee === zeroAddress
      ? "Open to any buyer."
      : `Only ${offer.licensee} may accept it (a deal negotiated with that buyer); anyone else is refused.`;
  return [kind, window, `${charges.join(", ")}.${advance}${renewal}`, `${rights.join("; ")}.`, buyer, `Offer open until ${unixTimeLabel(offer.deadline)}.`];
}
