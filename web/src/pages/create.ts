import { type Hex, getAddress } from "viem";
import { type MintRequest, mintCertificates } from "@motif/sdk";

import type { App } from "../app.js";
import { postApi } from "../config.js";
import { explain } from "../explain.js";
import { h, notice, short, show } from "../ui.js";

type Fields = { model: string; seed: string; params: { scale: number; sharpness: number }; width: number; height: number };

/** Checks the form, naming the field and its allowed range (the API checks again). */
export function readFields(form: { model: string; seed: string; scale: string; sharpness: string; size: string }): Fields {
  const seed = form.seed.trim();
  if (!/^\d{1,20}$/.test(seed) || BigInt(seed) >= 1n << 64n) throw new Error(`seed: "${seed}" must be a whole number in 0..18446744073709551615`);
  const scale = Number(form.scale);
  if (!Number.isInteger(scale) || scale < 1 || scale > 8) throw new Error(`scale: "${form.scale}" must be a whole number in 1..8`);
  const sharpness = Number(form.sharpness);
  if (!Number.isFinite(sharpness) || sharpness < 0.25 || sharpness > 32) throw new Error(`sharpness: "${form.sharpness}" must be a number in 0.25..32`);
  const size = Number(form.size);
  if (!Number.isInteger(size) || size < 64 || size > 1024) throw new Error(`size: "${form.size}" must be a whole number of pixels in 64..1024`);
  return { model: form.model, seed, params: { scale, sharpness }, width: size, height: size };
}

export async function createPage(app: App, root: HTMLElement): Promise<void> {
  const model = h("select", { name: "model" }, ...Object.entries(app.cfg.models).map(([name, id]) => h("option", { value: name }, `${name} (model #${id})`)));
  const seed = h("input", { name: "seed", value: String(Math.floor(Math.random() * 1e9)) });
  const scale = h("input", { name: "scale", type: "number", min: "1", max: "8", step: "1", value: "3" });
  const sharpness = h("input", { name: "sharpness", type: "number", min: "0.25", max: "32", step: "0.25", value: "6" });
  const size = h("input", { name: "size", type: "number", min: "64", max: "1024", step: "1", value: "256" });
  const preview = h("div", { class: "preview" });
  const status = h("div", { id: "status" });
  const fields = () => readFields({ model: model.value, seed: seed.value, scale: scale.value, sharpness: sharpness.value, size: size.value });
  const api = (path: string, body: unknown) => postApi(app.cfg, path, body);
  const apiError = async (r: Response) => {
    const b = (await r.json().catch(() => ({}))) as { message?: string; screen?: { matches?: Array<{ label: string; distance: number; bank?: string; signal?: string; transform?: string }> } };
    const m = b.screen?.matches?.[0];
    if (m === undefined) return b.message ?? `HTTP ${r.status}`;
    // the bank and transform when the API names them (a studio's archive, a registry; "rotated 90° clockwise")
    const where = m.bank !== undefined && m.bank !== "certificates" ? ` in bank ${m.bank}` : "";
    const how = m.transform !== undefined && m.transform !== "as is" ? `, ${m.transform}` : "";
    return `Refused: a near-duplicate of ${m.label}${where} (${m.signal === "tile" ? "tile" : "PDQ"} distance ${m.distance}${how}). Try another seed.`;
  };

  const doPreview = async () => {
    try {
      const f = fields();
      show(status, notice("info", "Rendering…"));
      const r = await api("/v1/render", f);
      if (!r.ok) throw new Error(await apiError(r));
      const url = URL.createObjectURL(await r.blob());
      show(preview, h("img", { src: url, alt: "preview", class: "hero" }), h("p", { class: "muted" }, `sha-256 ${short(r.headers.get("x-content-digest") ?? "")} · model ${short(r.headers.get("x-model-sha256") ?? "")}`));
      show(status);
    } catch (error) {
      show(status, notice("error", explain(error)));
    }
  };

  const doMint = async () => {
    try {
      const f = fields();
      const wallet = app.wallet.address !== undefined ? await app.wallet.client() : undefined;
      show(status, notice("info", "Generating, screening and pinning…"));
      const r = await api("/v1/patterns", { ...f, ...(wallet ? { to: wallet.account.address, mint: false } : { mint: true }) });
      if (!r.ok) throw new Error(await apiError(r));
      const body = (await r.json()) as { status: string; contentDigest: Hex; mintRequest?: Record<string, any> };
      if (wallet && body.mintRequest) {
        show(status, notice("info", "Confirm the mint in your wallet…"));
        const m = body.mintRequest;
        const request: MintRequest = {
          lineage: { ...m.lineage, seed: BigInt(m.lineage.seed), creator: getAddress(m.lineage.creator) },
          to: getAddress(m.to),
          royaltyBps: m.royaltyBps,
          deadline: BigInt(m.deadline),
          signature: m.signature,
        };
        const hash = await mintCertificates(wallet, { certificate: app.cfg.contracts.MotifCertificate, requests: [request] });
        await app.client.waitForTransactionReceipt({ hash });
      }
      show(status, notice("ok", "Minted. ", h("a", { href: `#/pattern/${body.contentDigest}` }, `Open ${short(body.contentDigest)}`)));
    } catch (error) {
      show(status, notice("error", explain(error)));
    }
  };

  show(
    root,
    h("h1", {}, "Creator"),
    h("p", {}, "Pick a model, a seed and style parameters; preview the seamless tile, then mint its certificate (to your wallet when connected)."),
    h(
      "div",
      { class: "form grid-form" },
      h("label", {}, "Model ", model),
      h("label", {}, "Seed ", seed),
      h("label", {}, "Scale (1–8) ", scale),
      h("label", {}, "Sharpness (0.25–32) ", sharpness),
      h("label", {}, "Size px (64–1024) ", size),
      h("div", {}, h("button", { id: "preview", onclick: () => void doPreview() }, "Preview"), " ", h("button", { id: "mint", onclick: () => void doMint() }, "Mint")),
    ),
    status,
    preview,
  );
}
