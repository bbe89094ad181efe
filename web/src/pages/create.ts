import { type Hex, getAddress } from "viem";
import { type MintRequest, type ModelParamDeclaration, ModelParamsError, checkModelParams, describeModelParam, mintCertificates, mintColourway } from "@motif/sdk";

import type { App } from "../app.js";
import { postApi } from "../config.js";
import { explain } from "../explain.js";
import { h, notice, short, show } from "../ui.js";

type Fields = { model: string; seed: string; params: Record<string, number>; width: number; height: number };

/**
 * Checks the form, naming the field and its allowed range (the API checks again); the params
 * against the model's declarations (`checkModelParams`: the param, its range and the model).
 */
export function readFields(form: { model: string; seed: string; params: Record<string, string>; size: string }, declared: readonly ModelParamDeclaration[]): Fields {
  const seed = form.seed.trim();
  if (!/^\d{1,20}$/.test(seed) || BigInt(seed) >= 1n << 64n) throw new Error(`seed: "${seed}" must be a whole number in 0..18446744073709551615`);
  let params: Record<string, number>;
  try {
    params = checkModelParams(declared, Object.fromEntries(Object.entries(form.params).map(([k, v]) => [k, v.trim() === "" ? Number.NaN : Number(v)])), form.model);
  } catch (error) {
    const d = error instanceof ModelParamsError ? declared.find((x) => x.name === error.param) : undefined;
    if (d !== undefined) throw new Error(`${d.name}: "${form.params[d.name] ?? ""}" must be ${describeModelParam(d)} (model ${form.model})`);
    throw error;
  }
  const size = Number(form.size);
  if (!Number.isInteger(size) || size < 64 || size > 1024) throw new Error(`size: "${form.size}" must be a whole number of pixels in 64..1024`);
  return { model: form.model, seed, params, width: size, height: size };
}

/** One input per param the model declares: its range, step and default. */
function paramInputs(declared: readonly ModelParamDeclaration[]): Array<{ name: string; input: HTMLInputElement; label: HTMLLabelElement }> {
  return declared.map((d) => {
    const input = h("input", { name: d.name, type: "number", min: String(d.min), max: String(d.max), step: d.step !== undefined ? String(d.step) : d.type === "integer" ? "1" : "any", value: String(d.default) });
    const title = d.name.charAt(0).toUpperCase() + d.name.slice(1);
    return { name: d.name, input, label: h("label", d.description !== undefined ? { title: d.description } : {}, `${title} (${describeModelParam(d).replace(/^an? \w+ in /, "").replace("..", "–")}) `, input) };
  });
}

export async function createPage(app: App, root: HTMLElement): Promise<void> {
  const model = h("select", { name: "model" }, ...Object.entries(app.cfg.models).map(([name, id]) => h("option", { value: name }, `${name} (model #${id})`)));
  const seed = h("input", { name: "seed", value: String(Math.floor(Math.random() * 1e9)) });
  const declared = () => app.cfg.modelParams?.[model.value] ?? [];
  // the param inputs follow the selected model's declarations
  const paramsBox = h("div", { class: "params" });
  let params = paramInputs(declared());
  const showParams = () => {
    params = paramInputs(declared());
    show(paramsBox, ...params.map((p) => p.label));
  };
  model.addEventListener("change", showParams);
  showParams();
  const size = h("input", { name: "size", type: "number", min: "64", max: "1024", step: "1", value: "256" });
  const preview = h("div", { class: "preview" });
  const status = h("div", { id: "status" });
  const fields = () => readFields({ model: model.value, seed: seed.value, params: Object.fromEntries(params.map((p) => [p.name, p.input.value])), size: size.value }, declared());
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
      const body = (await r.json()) as { status: string; contentDigest: Hex; mintRequest?: Record<string, any>; designId?: Hex };
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
        const certificate = app.cfg.contracts.MotifCertificate;
        // a colourway's request names its design: the owner (this wallet) links it to the design's family
        const hash = body.designId !== undefined ? await mintColourway(wallet, { certificate, request, designId: BigInt(body.designId) }) : await mintCertificates(wallet, { certificate, requests: [request] });
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
      paramsBox,
      h("label", {}, "Size px (64–1024) ", size),
      h("div", {}, h("button", { id: "preview", onclick: () => void doPreview() }, "Preview"), " ", h("button", { id: "mint", onclick: () => void doMint() }, "Mint")),
    ),
    status,
    preview,
  );
}
