import { type Address, formatUnits, parseEther, zeroAddress } from "viem";
import { GALLERY_SORTS, getCurrencyUnit, type GalleryQuery, REGIONS, regionBit } from "@motif/sdk";

import type { App } from "../app.js";
import { type GalleryPage, galleryPage, loadPattern, openOffers } from "../data.js";
import { explain } from "../explain.js";
import { eth, h, notice, short, show, tokenHex } from "../ui.js";

/** The gallery's filters as the URL carries them (`#/?kind=pattern&region=FR&from=2027-01-01…`). */
type Filters = Partial<Record<"kind" | "model" | "creator" | "region" | "from" | "to" | "exclusiveIn" | "maxPrice" | "sort" | "page", string>>;

const SORT_WORDS: Record<(typeof GALLERY_SORTS)[number], string> = { newest: "Newest", oldest: "Oldest", "most-licensed": "Most licensed", "recently-licensed": "Recently licensed" };
const day = (iso: string, field: string) => {
  const t = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(t)) throw new Error(`${field}: "${iso}" is not a date (YYYY-MM-DD)`);
  return t / 1000;
};

/** Filters in words → the indexer's query (regions by code, dates as days, prices in ETH). */
export function queryOf(f: Filters, models: Record<string, number>): GalleryQuery {
  const q: GalleryQuery = { pageSize: 24 };
  if (f.kind === "pattern" || f.kind === "recipe" || f.kind === "dataset") q.kind = f.kind;
  if (f.model) {
    const id = models[f.model] ?? Number(f.model);
    if (!Number.isInteger(id) || id < 1) throw new Error(`model: "${f.model}" is neither a model name (${Object.keys(models).join(", ")}) nor an id`);
    q.modelId = id;
  }
  if (f.creator) q.creator = f.creator as `0x${string}`;
  if (f.region) q.region = regionBit(f.region);
  if (f.exclusiveIn) q.exclusiveIn = regionBit(f.exclusiveIn);
  if (f.from) q.from = day(f.from, "from");
  if (f.to) q.to = day(f.to, "to") + 86_399;
  if (f.maxPrice) {
    try {
      q.maxPrice = parseEther(f.maxPrice);
    } catch {
      throw new Error(`max price: "${f.maxPrice}" is not an amount in ETH`);
    }
  }
  if (f.sort && (GALLERY_SORTS as readonly string[]).includes(f.sort)) q.sort = f.sort as GalleryQuery["sort"];
  if (f.page && /^\d+$/.test(f.page)) q.page = Math.max(1, Number(f.page));
  return q;
}

const filtersOf = (hash: string): Filters => Object.fromEntries(new URLSearchParams(hash.split("?")[1] ?? "")) as Filters;
const hrefOf = (f: Filters) => `#/?${new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined && v !== "") as [string, string][])}`;

function filterForm(app: App, f: Filters): HTMLFormElement {
  const select = (name: keyof Filters, label: string, options: [string, string][]) =>
    h("label", {}, `${label} `, h("select", { name }, ...options.map(([v, text]) => h("option", { value: v, ...(f[name] === v ? { selected: true } : {}) }, text))));
  const input = (name: keyof Filters, label: string, type: string, placeholder = "") =>
    h("label", {}, `${label} `, h("input", { name, type, value: f[name] ?? "", placeholder }));
  const regions: [string, string][] = [["", "any"], ...REGIONS.map((r) => [r.alpha2, `${r.alpha2} ${r.name}`] as [string, string])];
  const form = h(
    "form",
    { class: "filters", id: "filters" },
    select("kind", "Kind", [["", "all"], ["pattern", "patterns"], ["recipe", "recipes"], ["dataset", "datasets"]]),
    select("model", "Model", [["", "any"], ...Object.keys(app.cfg.models).map((m) => [m, m] as [string, string])]),
    input("creator", "Creator", "text", "0x…"),
    select("region", "Licensable in", regions),
    input("from", "from", "date"),
    input("to", "to", "date"),
    select("exclusiveIn", "Exclusive available in", regions),
    input("maxPrice", "Max price (ETH)", "text", "0.5"),
    select("sort", "Sort", GALLERY_SORTS.map((s) => [s, SORT_WORDS[s]] as [string, string])),
    h("button", { type: "submit" }, "Search"),
    h("a", { href: "#/" }, "Clear"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form)) as Filters;
    location.hash = hrefOf({ ...values, page: undefined });
  });
  return form;
}

function card(app: App, c: GalleryPage["items"][number]): HTMLElement {
  const id = tokenHex(c.tokenId);
  if (c.kind !== "pattern") {
    return h(
      "a",
      { class: `card ${c.kind}`, href: `#/certificate/${id}`, "data-token": id, "data-kind": c.kind },
      h("h3", {}, c.kind === "recipe" ? "Recipe" : "Dataset"),
      h("p", { class: "muted" }, short(id)),
      h("p", {}, `by ${short(c.creator)}${c.modelId ? ` · model #${c.modelId}` : ""}`),
      h("p", { class: "offers" }, `${c.licenceCount} licence${c.licenceCount === 1 ? "" : "s"} granted`),
    );
  }
  const el = h("a", { class: "card", href: `#/pattern/${id}`, "data-token": id, "data-kind": "pattern" }, h("p", { class: "muted" }, short(id)));
  void (async () => {
    try {
      const [p, offers] = await Promise.all([loadPattern(app.client, app.cfg, c.tokenId), openOffers(app.client, app.cfg, c.tokenId)]);
      const l = p.metadata.motif.lineage;
      // the cheapest offer in each currency, each in its own units (an ERC-20's symbol and decimals)
      const cheapest = new Map<Address, bigint>();
      for (const o of offers) {
        const c = o.offer.terms.currency;
        const m = cheapest.get(c);
        if (m === undefined || o.price < m) cheapest.set(c, o.price);
      }
      const prices = await Promise.all(
        [...cheapest].map(async ([currency, price]) => {
          if (currency === zeroAddress) return eth(price);
          const unit = await getCurrencyUnit(app.client, { currency }).catch(() => undefined);
          return unit === undefined ? `${price} base units of token ${short(currency)}` : `${formatUnits(price, unit.decimals)} ${unit.symbol}`;
        }),
      );
      show(
        el,
        h("img", { src: p.imageUrl, alt: p.metadata.name, width: "256", height: "256" }),
        h("h3", {}, p.metadata.name),
        h("p", {}, `Model #${p.cert.lineage.modelId} ${l.model.name} · seed ${p.cert.lineage.seed}`),
        h("p", {}, `Royalty ${p.cert.royaltyBps / 100}% · owner ${short(p.cert.owner)}`),
        h("p", { class: "offers" }, offers.length === 0 ? "No open offers" : `${offers.length} open offer${offers.length > 1 ? "s" : ""}, from ${prices.join(" or ")}`),
      );
    } catch (error) {
      el.append(notice("error", explain(error)));
    }
  })();
  return el;
}

export async function gallery(app: App, root: HTMLElement): Promise<void> {
  const f = filtersOf(location.hash);
  const form = filterForm(app, f);
  show(root, h("h1", {}, "Gallery"), form, h("p", { class: "muted" }, "Loading certificates…"));
  try {
    const q = queryOf(f, app.cfg.models);
    const started = performance.now();
    const page = await galleryPage(app.client, app.cfg, q);
    const took = Math.round(performance.now() - started);
    if (page.total === 0) {
      const none = Object.keys(f).length === 0 ? "No certificates yet. Mint one on the Creator page, or run `npm run demo`." : "No certificate matches these filters.";
      show(root, h("h1", {}, "Gallery"), form, notice("info", none));
      return;
    }
    const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
    const nav = h(
      "nav",
      { class: "pager" },
      page.page > 1 ? h("a", { href: hrefOf({ ...f, page: String(page.page - 1) }), id: "prev" }, "← Previous") : null,
      h("span", { id: "page" }, ` Page ${page.page} of ${pages} `),
      page.page < pages ? h("a", { href: hrefOf({ ...f, page: String(page.page + 1) }), id: "next" }, "Next →") : null,
    );
    const source = page.source === "indexer" ? "from the indexer" : "from the chain (the indexer is not ready: filters are off)";
    show(
      root,
      h("h1", {}, "Gallery"),
      form,
      h("p", { class: "muted", id: "count", "data-ms": String(took) }, `${page.total} certificate${page.total === 1 ? "" : "s"} on chain ${app.cfg.chainId}, ${source}`),
      h("div", { class: "grid" }, ...page.items.map((c) => card(app, c))),
      nav,
    );
  } catch (error) {
    show(root, h("h1", {}, "Gallery"), form, notice("error", explain(error)));
  }
}
