import { getCertificateMetadata } from "@motif/sdk";

import type { App } from "../app.js";
import { certificateHistory } from "../data.js";
import { explain } from "../explain.js";
import { date, h, notice, short, show, tokenHex } from "../ui.js";
import { licencesGranted } from "./licences.js";

/** A recipe's or dataset's own page: what it certifies, its metadata, and its licences. */
export async function certificatePage(app: App, root: HTMLElement, tokenId: bigint): Promise<void> {
  show(root, h("h1", {}, `Certificate ${short(tokenHex(tokenId))}`), h("p", { class: "muted" }, "Loading…"));
  try {
    const [doc, history] = await Promise.all([
      getCertificateMetadata(app.client, { certificate: app.cfg.contracts.MotifCertificate, tokenId, gateway: app.cfg.gateway }),
      certificateHistory(app.cfg, tokenId, app.client),
    ]);
    const rows: [string, string][] = [["Token id", tokenHex(tokenId)], ["Kind", doc.kind], ["Metadata", doc.tokenURI]];
    if (doc.kind === "recipe") {
      const m = doc.metadata;
      rows.push(["Name", m.name], ["Model", m.motif.recipe.model.name], ["Params", JSON.stringify(m.motif.recipe.params)], ["Author", m.motif.recipe.author], ["Revenue share of derived patterns", `${m.motif.shareBps / 100}%`]);
    } else if (doc.kind === "dataset") {
      const m = doc.metadata;
      rows.push(["Name", m.name], ["Merkle root", m.motif.root], ["Members", String(m.motif.members)], ["Manifest", m.motif.manifest]);
    } else {
      location.hash = `#/pattern/${tokenHex(tokenId)}`;
      return;
    }
    if (history !== undefined) {
      const c = history.certificate;
      rows.push(["Owner", c.owner], ["Creator", c.creator], ["Minted", `block ${c.mintBlock}, ${date(c.mintedAt)}`]);
    }
    show(
      root,
      h("h1", {}, `${doc.kind === "recipe" ? "Recipe" : "Dataset"} ${doc.metadata.name}`),
      h("table", { class: "lineage" }, ...rows.map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))),
      history === undefined ? h("p", { class: "muted" }, "Licences and revenue appear here once the indexer has caught up.") : licencesGranted(history),
    );
  } catch (error) {
    show(root, h("h1", {}, "Certificate"), notice("error", explain(error)));
  }
}
