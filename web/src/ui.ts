import { formatEther } from "viem";
import { tokenIdHex } from "@motif/sdk";

type Child = Node | string | number | null | undefined | false;

/** Builds an element; text is always set as text (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Record<string, string | boolean | EventListener> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === "function") el.addEventListener(k.replace(/^on/, "").toLowerCase(), v);
    else if (typeof v === "boolean") {
      if (v) el.setAttribute(k, "");
    } else el.setAttribute(k, v);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c instanceof Node ? c : String(c));
  return el;
}

export const short = (hex: string) => (hex.length > 18 ? `${hex.slice(0, 10)}…${hex.slice(-6)}` : hex);
export const tokenHex = tokenIdHex;
export const eth = (wei: bigint) => `${formatEther(wei)} ETH`;
export const date = (seconds: number | bigint) => new Date(Number(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ") + " UTC";

/** A message box: kind "ok" | "error" | "info"; `data-kind` lets tests and styles find it. */
export function notice(kind: "ok" | "error" | "info", text: string, ...extra: Child[]): HTMLElement {
  return h("div", { class: `notice ${kind}`, role: kind === "error" ? "alert" : "status", "data-kind": kind }, text, ...extra);
}

/** Replaces the children of `el`. */
export function show(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false).map((c) => (c instanceof Node ? c : String(c))));
}
