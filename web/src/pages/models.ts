import { type GetModelReturnType, type ModelCard, describeModelParam, getModelCard, listModels, tokenIdHex } from "@motif/sdk";

import type { App } from "../app.js";
import { galleryPage, loadPattern } from "../data.js";
import { explain } from "../explain.js";
import { date, h, notice, short, show } from "../ui.js";

/** A model's card in words: what it is, what it takes, how it behaves, its licence and what it was trained on. */
function cardWords(card: ModelCard): HTMLElement {
  const r = card.behaviour.resolution;
  const t = card.training;
  return h(
    "div",
    { class: "model-card" },
    h("p", {}, card.description),
    h("p", { class: "io" }, `${card.io === "motif.cppn/1" ? "Coordinate network (motif.cppn/1): any size" : `Fixed-size image generator (motif.image/1) at ${r === "independent" ? "?" : `${r.width}×${r.height}`}, upscaled by motif-bicubic/1`}; ${card.behaviour.seamless ? "seamless tiles" : "not seamless"}; latent of ${card.latent}.`),
    h("ul", { class: "params" }, ...card.params.map((p) => h("li", {}, `${p.name}: ${describeModelParam(p)}, default ${p.default}${p.description !== undefined ? ` — ${p.description}` : ""}`))),
    h("p", { class: "licence" }, `Licence ${card.licence.id}: ${card.licence.text}`),
    h(
      "p",
      { class: "training" },
      t === null
        ? "Training: none declared (weights drawn, not trained)."
        : `Trained by ${t.trainer} on ${t.members} image${t.members === 1 ? "" : "s"}: ${t.datasetId !== undefined ? "the dataset certificate " : "the studio's own swatches, Merkle root "}`,
      ...(t !== null && t.datasetId !== undefined ? [h("a", { href: `#/certificate/${t.datasetId}` }, short(t.datasetId)), " (its owner takes the dataset's share of every pattern's revenue)"] : t !== null ? [h("code", {}, short(t.dataRoot))] : []),
      ...(t !== null ? [`; config ${short(t.configDigest)}.`] : []),
    ),
  );
}

/** A registered model: its record, its card fetched by the registered digest, and a few of its patterns. */
function modelSection(app: App, m: GetModelReturnType): HTMLElement {
  const cardEl = h("div", { class: "muted" }, "Loading the model card…");
  const samples = h("div", { class: "grid samples" });
  const el = h(
    "section",
    { class: "model", "data-model": String(m.modelId) },
    h("h2", {}, `#${m.modelId} ${m.name} ${m.version}`, m.status === "deprecated" ? h("span", { class: "warn" }, " (deprecated)") : ""),
    h("p", {}, `Owner ${short(m.owner)} · royalty share ${m.royaltyBps / 100}% · registered ${date(m.registeredAt)} · weights ${short(m.weightsDigest)}`),
    cardEl,
    h("h3", {}, "Patterns"),
    samples,
    h("p", {}, h("a", { href: `#/?model=${m.modelId}` }, `Every certificate of ${m.name} in the gallery →`)),
  );
  void (async () => {
    try {
      const { card } = await getModelCard({ cardDigest: m.cardDigest, gateway: app.cfg.gateway });
      show(cardEl, cardWords(card));
      if (m.training !== null && card.training === null) cardEl.append(notice("error", "The registry records a training lineage, the card none."));
    } catch (error) {
      show(cardEl, notice("error", `The card (${short(m.cardDigest)}) could not be fetched and checked: ${explain(error)}`));
    }
    try {
      const page = await galleryPage(app.client, app.cfg, { modelId: m.modelId, kind: "pattern", pageSize: 4 });
      if (page.source !== "indexer") return show(samples, h("p", { class: "muted" }, "Samples need the indexer (not ready)."));
      if (page.items.length === 0) return show(samples, h("p", { class: "muted" }, "No patterns yet."));
      const cards = await Promise.all(
        page.items.map(async (c) => {
          const p = await loadPattern(app.client, app.cfg, c.tokenId);
          const id = tokenIdHex(c.tokenId);
          return h("a", { class: "card sample", href: `#/pattern/${id}`, "data-token": id }, h("img", { src: p.imageUrl, alt: p.metadata.name, width: "128", height: "128" }), h("p", {}, p.metadata.name));
        }),
      );
      show(samples, ...cards);
    } catch (error) {
      show(samples, notice("error", explain(error)));
    }
  })();
  return el;
}

/** Every registered model (read from the registry: no event history), with its card, lineage and sample patterns. */
export async function modelsPage(app: App, root: HTMLElement): Promise<void> {
  show(root, h("h1", {}, "Models"), h("p", { class: "muted" }, "Loading the registry…"));
  try {
    const models = await listModels(app.client, { registry: app.cfg.contracts.MotifModelRegistry });
    show(
      root,
      h("h1", {}, "Models"),
      h("p", { class: "muted", id: "model-count" }, `${models.length} model${models.length === 1 ? "" : "s"} registered on chain ${app.cfg.chainId}. A model's owner takes its royalty share of every licence of its patterns; a model trained on a dataset certificate pays that dataset's owner too.`),
      ...models.map((m) => modelSection(app, m)),
    );
  } catch (error) {
    show(root, h("h1", {}, "Models"), notice("error", explain(error)));
  }
}
