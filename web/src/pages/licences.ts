import { type GetCertificateHistoryReturnType, PERPETUAL, REGIONS, regionsOf } from "@motif/sdk";

import { regionsInWords, worldList } from "../terms.js";
import { date, eth, h, short } from "../ui.js";

const STATUS_WORDS = { active: "active", "not-started": "not started yet", expired: "expired", revoked: "revoked", transferred: "transferred", breach: "breach flagged" } as const;

const DAY = 86_400;
/** The contract's MAX_EXCLUSIVES: live exclusive licences a certificate can hold at once. */
const MAX_EXCLUSIVES = 8;
/** `Exclusivity.NEVER_DAY`: the contract's summary counts a grant ending on this day or later (2149) as never ending. */
const NEVER_DAY = 0xffff;

/** The 16-region blocks a mask touches (bit b: any of regions 16b..16b+15), as the contract's grant summary keeps them. */
function blocksOf(mask: bigint): number {
  let blocks = 0;
  for (let b = 0; b < 16; b++) if (((mask >> BigInt(16 * b)) & 0xffffn) !== 0n) blocks |= 1 << b;
  return blocks;
}

/**
 * Where an exclusive licence is still possible: the regions of the exclusive offers the chain would
 * accept now — the current owner's, open to anyone, not cancelled, uses left, before the deadline,
 * window not ended and still before PERPETUAL — that the exclusivity book would not refuse: fewer
 * than 8 live exclusive licences (its entries), no live exclusive licence (granted,
 * not ended: a breach flag frees nothing until the licence is revoked) sharing a region and a second
 * of the window the offer would give, and no non-exclusive grant in the blocks of 16 regions it
 * touches ending after its start (the contract keeps only a summary of those, never shrunk by a
 * revocation, and refuses on it); and until when the held ones run. The same rule as the gallery's
 * `exclusiveIn`.
 */
export function exclusivity(history: GetCertificateHistoryReturnType): { words: string[]; free: bigint; held: bigint } {
  // an acceptance lands in a later block than the one indexed: at its time + 1 at the earliest
  const now = history.indexedAt + 1;
  const perpetual = Number(PERPETUAL);
  const owner = history.certificate.owner.toLowerCase();
  const live = history.licences.filter((l) => l.exclusive && (l.status === "active" || l.status === "not-started" || l.status === "breach") && (l.end >= Number(PERPETUAL) || l.end > now));
  const grants = history.licences.filter((l) => !l.exclusive);
  const held = live.reduce((m, l) => m | l.regions, 0n);
  const blocked = (o: (typeof history.offers)[number]) => {
    const start = Math.max(o.windowStart, now);
    const end = o.duration !== 0 ? start + o.duration : o.windowEnd;
    // a relative window must still fit before PERPETUAL; the contract holds MAX_EXCLUSIVES (8) live exclusive licences at most
    if (o.duration !== 0 && start + o.duration >= perpetual) return true;
    if (live.length >= MAX_EXCLUSIVES) return true;
    if (live.some((l) => (l.regions & o.regions) !== 0n && l.start < end && start < l.end)) return true;
    const touches = blocksOf(o.regions);
    // the contract's summary keeps a block's end day in 16 bits: from day 0xffff (2149) on, never
    const lateGrant = grants.some((l) => (blocksOf(l.regions) & touches) !== 0 && (l.end >= perpetual || Math.ceil(l.end / DAY) >= NEVER_DAY || Math.ceil(l.end / DAY) * DAY > start));
    return lateGrant && grants.some((l) => l.start < end);
  };
  const free = history.offers
    .filter((o) => o.exclusive && !o.cancelled && o.uses < o.maxUses && o.deadline >= now && o.licensor.toLowerCase() === owner && /^0x0{40}$/.test(o.licensee))
    .filter((o) => o.duration !== 0 || o.windowEnd >= perpetual || o.windowEnd > Math.max(o.windowStart, now))
    .filter((o) => !blocked(o))
    .reduce((m, o) => m | o.regions, 0n);
  const words: string[] = [];
  for (const l of live) {
    words.push(`Held exclusively by ${short(l.licensee)} in ${regionsInWords(l.regions)} ${l.end >= perpetual ? "for good (perpetual)" : `until ${date(l.end)}`}${l.status === "breach" ? " (a breach is flagged; the region stays held until the licensor revokes it)" : ""}.`);
  }
  words.push(free === 0n ? "No exclusive licence is on offer in a region still free." : `An exclusive licence is still possible in ${regionsInWords(free)} (open offers).`);
  return { words, free, held };
}

/**
 * A licence's net sales reported (its running total, what its sales royalty is charged on) and in how
 * many of its usage reports; "no sales royalty" for terms without one and no sales reported.
 */
export function netSalesInWords(l: GetCertificateHistoryReturnType["licences"][number], reports: GetCertificateHistoryReturnType["reports"]): string {
  const withSales = reports.filter((r) => r.licenseId === l.licenseId && r.netSales > 0n).length;
  if (l.salesRoyaltyBps === 0 && l.netSales === 0n) return "no sales royalty";
  return `${eth(l.netSales)}${withSales > 0 ? ` in ${withSales} report${withSales > 1 ? "s" : ""}` : ""}`;
}

/** The licences already granted on a certificate (who, regions, window, exclusive, status, paid, net sales) and its revenue. */
export function licencesGranted(history: GetCertificateHistoryReturnType): HTMLElement {
  const rows = history.licences.map((l) =>
    h(
      "tr",
      { class: "granted", "data-licence": l.licenseId.toString(), "data-status": l.status },
      h("td", {}, short(l.licensee)),
      h("td", { title: regionsOf(l.regions).map((r) => r.alpha2).join(" ") }, regionsInWords(l.regions)),
      h("td", {}, `${date(l.start)} → ${l.end >= Number(PERPETUAL) ? "perpetual" : date(l.end)}`),
      h("td", {}, l.exclusive ? "exclusive" : "non-exclusive"),
      h("td", {}, STATUS_WORDS[l.status]),
      h("td", {}, `${eth(l.paid)}${l.renewals > 0 ? ` (${l.renewals} renewal${l.renewals > 1 ? "s" : ""})` : ""}${l.units > 0n ? `, ${l.units} units` : ""}`),
      h("td", { class: "net-sales" }, netSalesInWords(l, history.reports)),
    ),
  );
  const revenue = history.settlements.reduce((sum, s) => sum + s.total, 0n);
  const ex = exclusivity(history);
  return h(
    "section",
    { id: "granted" },
    h("h2", {}, "Licences granted"),
    rows.length === 0
      ? h("p", { class: "muted" }, "No licence granted yet.")
      : h("table", { class: "licences" }, h("tr", {}, ...["Licensee", "Regions", "Window", "Kind", "Status", "Paid", "Net sales"].map((t) => h("th", {}, t))), ...rows),
    h("ul", { class: "exclusivity" }, ...ex.words.map((w) => h("li", {}, w))),
    ex.held !== 0n ? worldList(ex.held, "Held exclusively") : null,
    ex.free !== 0n ? worldList(ex.free, "Exclusive still possible") : null,
    h(
      "p",
      { class: "muted revenue" },
      history.settlements.length === 0
        ? "No revenue settled yet."
        : `Revenue settled: ${eth(revenue)} in ${history.settlements.length} settlement${history.settlements.length > 1 ? "s" : ""} (last ${date(history.settlements.at(-1)!.timestamp)}).`,
    ),
    h("p", { class: "muted" }, `From the indexer at block ${history.indexedBlock}; whether a licence counts is the contract's answer (isLicensed). ${REGIONS.length} regions in the table.`),
  );
}
