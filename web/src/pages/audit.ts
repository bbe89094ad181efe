import { type VerificationStatus, browserPdq, decodeImageInBrowser, verifyCertificate } from "@motif/sdk";
import { stringify } from "viem";

import type { App } from "../app.js";
import { postApi } from "../config.js";
import { addressesOf } from "../data.js";
import { explain } from "../explain.js";
import { h, notice, show } from "../ui.js";

const base64 = (bytes: Uint8Array) => {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

/** Each verification item's status in words, and its row's class. */
const STATUS_WORDS: Record<VerificationStatus, string> = { passed: "✔ passed", failed: "✘ failed", notChecked: "– not checked", warning: "⚠ warning" };
const STATUS_CLASS: Record<VerificationStatus, string> = { passed: "pass", failed: "fail", notChecked: "notchecked", warning: "warning" };

/** Parses a token id typed by a person: 0x + 64 hex digits, or a decimal number. */
export function parseTokenId(raw: string): bigint {
  const s = raw.trim();
  if (/^0x[0-9a-fA-F]{1,64}$/.test(s) || /^\d{1,78}$/.test(s)) {
    const v = BigInt(s);
    if (v < 1n << 256n) return v;
  }
  throw new Error(`token id: "${s}" is not a token id (0x followed by up to 64 hex digits, or a decimal number below 2^256)`);
}

export async function auditPage(app: App, root: HTMLElement, initial?: string): Promise<void> {
  const input = h("input", { id: "token", name: "token", size: "70", placeholder: "0x… token id (the image's sha-256)", value: initial ?? "" });
  const out = h("div", { id: "report" });
  const run = async () => {
    let tokenId: bigint;
    try {
      tokenId = parseTokenId(input.value);
    } catch (error) {
      show(out, notice("error", (error as Error).message));
      return;
    }
    history.replaceState(null, "", `#/audit/${input.value.trim()}`);
    show(out, notice("info", "Verifying: reading the chain, fetching from the gateway, re-rendering…"));
    try {
      const api = async (path: string, body: unknown) => {
        const r = await postApi(app.cfg, path, body);
        if (!r.ok) throw new Error(`${path}: ${((await r.json().catch(() => ({}))) as { message?: string }).message ?? `HTTP ${r.status}`}`);
        return r;
      };
      const report = await verifyCertificate(app.client, {
        addresses: addressesOf(app.cfg),
        tokenId,
        gateway: app.cfg.gateway,
        // PDQ is recomputed here, in the browser (the SDK's browserPdq); the re-render runs on a
        // generator (this stack's API): the weights sent are the ones fetched by their CID and
        // checked against the registry, and the result is checked here.
        pdq: browserPdq,
        decode: (bytes) => decodeImageInBrowser(bytes), // the tile hash is computed here too
        rerender: async (r) =>
          new Uint8Array(await (await api("/v1/render", { model: r.model, seed: r.seed.toString(), params: r.params, width: r.width, height: r.height, ...(r.print !== undefined ? { print: r.print } : {}), ...(r.colourway !== undefined ? { colourway: r.colourway } : {}), weights: base64(r.weights), ...(r.card !== undefined ? { card: r.card } : {}) })).arrayBuffer()),
      });
      show(
        out,
        notice(
          report.passed ? (report.notChecked.length + report.warnings.length === 0 ? "ok" : "info") : "error",
          report.passed
            ? [
                report.notChecked.length === 0 ? `Every check passed for ${input.value.trim()}.` : `Verified: no check failed for ${input.value.trim()}.`,
                ...(report.notChecked.length > 0 ? [`Not checked: ${report.notChecked.map((n) => `${n.id} (${n.reason})`).join("; ")}.`] : []),
                ...(report.warnings.length > 0 ? [`Warnings: ${report.warnings.map((w) => w.reason).join("; ")}.`] : []),
              ].join(" ")
            : `Some checks FAILED: ${report.items.filter((i) => i.status === "failed").map((i) => i.id).join(", ")}; see below.`,
        ),
        h(
          "table",
          { class: "audit" },
          h("tr", {}, h("th", {}, ""), h("th", {}, "Check"), h("th", {}, "Evidence")),
          ...report.items.map((i) =>
            h(
              "tr",
              { class: STATUS_CLASS[i.status], "data-item": i.id },
              h("td", { class: "verdict" }, STATUS_WORDS[i.status]),
              h("td", {}, i.title, i.reason ? h("div", { class: "reason" }, i.reason) : null),
              h("td", {}, h("pre", {}, Object.entries(i.evidence).map(([k, v]) => `${k}: ${typeof v === "object" ? stringify(v) : String(v)}`).join("\n"))),
            ),
          ),
        ),
        h("p", { class: "muted" }, `Re-render by the generator at ${app.cfg.api}; PDQ recomputed in this page; everything else from the chain and the gateway ${app.cfg.gateway}, checked here against on-chain digests.`),
      );
    } catch (error) {
      show(out, notice("error", explain(error)));
    }
  };
  show(
    root,
    h("h1", {}, "Auditor"),
    h("p", {}, "Verify a certificate with nothing but the chain and an IPFS gateway: attester and model, metadata and image against their digests, re-render, edit log and licence history."),
    h("div", { class: "form" }, input, h("button", { id: "verify", onclick: () => void run() }, "Verify")),
    out,
  );
  if (initial) await run();
}
