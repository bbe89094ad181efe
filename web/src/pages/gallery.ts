import type { App } from "../app.js";
import { certificateIds, loadPattern, openOffers } from "../data.js";
import { explain } from "../explain.js";
import { eth, h, notice, short, show, tokenHex } from "../ui.js";

export async function gallery(app: App, root: HTMLElement): Promise<void> {
  show(root, h("h1", {}, "Gallery"), h("p", { class: "muted" }, "Loading certificates…"));
  try {
    const ids = await certificateIds(app.client, app.cfg);
    if (ids.length === 0) {
      show(root, h("h1", {}, "Gallery"), notice("info", "No certificates yet. Mint one on the Creator page, or run `npm run demo`."));
      return;
    }
    const grid = h("div", { class: "grid" });
    show(root, h("h1", {}, "Gallery"), h("p", { class: "muted" }, `${ids.length} certificates on chain ${app.cfg.chainId}`), grid);
    for (const id of ids) {
      const card = h("a", { class: "card", href: `#/pattern/${tokenHex(id)}`, "data-token": tokenHex(id) }, h("p", { class: "muted" }, short(tokenHex(id))));
      grid.append(card);
      void (async () => {
        try {
          const [p, offers] = await Promise.all([loadPattern(app.client, app.cfg, id), openOffers(app.client, app.cfg, id)]);
          const l = p.metadata.motif.lineage;
          const cheapest = offers.reduce<bigint | undefined>((m, o) => (m === undefined || o.price < m ? o.price : m), undefined);
          show(
            card,
            h("img", { src: p.imageUrl, alt: p.metadata.name, width: "256", height: "256" }),
            h("h3", {}, p.metadata.name),
            h("p", {}, `Model #${p.cert.lineage.modelId} ${l.model.name} · seed ${p.cert.lineage.seed}`),
            h("p", {}, `Royalty ${p.cert.royaltyBps / 100}% · owner ${short(p.cert.owner)}`),
            h("p", { class: "offers" }, offers.length === 0 ? "No open offers" : `${offers.length} open offer${offers.length > 1 ? "s" : ""}, from ${eth(cheapest!)}`),
          );
        } catch (error) {
          card.append(notice("error", explain(error)));
        }
      })();
    }
  } catch (error) {
    show(root, h("h1", {}, "Gallery"), notice("error", explain(error)));
  }
}
