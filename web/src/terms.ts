import { EU_MEMBERS, LicenseFlags, type Offer, PERPETUAL, REGIONS, WORLDWIDE, regionMask, regionsOf } from "@motif/sdk";
import { zeroAddress } from "viem";

import { date, days, eth, h } from "./ui.js";

const EU = regionMask(EU_MEMBERS);

/** The regions of a mask in words: "worldwide", "the 27 EU member states", or their names. */
export function regionsInWords(mask: bigint): string {
  if (mask === WORLDWIDE) return `worldwide (all ${REGIONS.length} regions)`;
  if (mask === EU) return `the ${EU_MEMBERS.length} EU member states`;
  const names = regionsOf(mask).map((r) => r.name);
  return names.length <= 6 ? names.join(", ") : `${names.length} regions: ${names.slice(0, 5).join(", ")} and ${names.length - 5} more`;
}

/** An offer's terms in plain words, one sentence per aspect. */
export function termsInWords(offer: Offer, price: bigint): string[] {
  const f = offer.terms.flags;
  const kind = `${f & LicenseFlags.EXCLUSIVE ? "Exclusive" : "Non-exclusive"}, ${f & LicenseFlags.COMMERCIAL ? "commercial" : "non-commercial"} licence in ${regionsInWords(offer.terms.regions)}.`;
  const w = offer.window;
  const window =
    w.duration > 0
      ? `Runs for ${days(w.duration)} from the moment you accept.`
      : w.end === PERPETUAL
        ? `Perpetual, from ${w.start === 0 ? "acceptance" : date(w.start)}.`
        : `Runs from ${w.start === 0 ? "acceptance" : date(w.start)} until ${date(w.end)}.`;
  const money = [`Price ${eth(price)}`];
  if (offer.terms.unitRoyalty > 0n) money.push(`plus ${eth(offer.terms.unitRoyalty)} per unit produced`);
  if (offer.terms.unitCap > 0n) money.push(`up to ${offer.terms.unitCap.toString()} units`);
  const rights = [
    f & LicenseFlags.DERIVATIVES ? "derivatives allowed" : "no derivatives",
    f & LicenseFlags.AI_TRAINING ? "AI training allowed" : "no AI training",
    f & LicenseFlags.SUBLICENSABLE ? "sublicensable" : "not sublicensable",
    f & LicenseFlags.TRANSFERABLE ? "transferable" : "not transferable",
  ];
  const extra = offer.terms.renewalPrice > 0n ? ` Renewal costs ${eth(offer.terms.renewalPrice)} for one more period, bought by the licensee in the licence's last period.` : "";
  const buyer =
    offer.licensee === zeroAddress
      ? "Open to any buyer."
      : `Only ${offer.licensee} may accept it (a deal negotiated with that buyer); anyone else is refused.`;
  return [kind, window, `${money.join(", ")}.${extra}`, `${rights.join("; ")}.`, buyer, `Offer open until ${date(offer.deadline)}.`];
}

/** The frozen region table as a world list, the regions of `mask` highlighted. */
export function worldList(mask: bigint, label = "Allowed regions"): HTMLElement {
  return h(
    "details",
    { class: "world" },
    h("summary", {}, `${label}: ${regionsInWords(mask)}`),
    h(
      "div",
      { class: "regions" },
      ...REGIONS.map((r) => h("span", { class: (mask >> BigInt(r.bit)) & 1n ? "region on" : "region", title: r.name }, r.alpha2)),
    ),
  );
}
