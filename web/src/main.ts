import "./style.css";

import type { App } from "./app.js";
import { loadConfig } from "./config.js";
import { explain } from "./explain.js";
import { auditPage } from "./pages/audit.js";
import { createPage } from "./pages/create.js";
import { gallery } from "./pages/gallery.js";
import { patternPage } from "./pages/pattern.js";
import { certificatePage } from "./pages/certificate.js";
import { modelsPage } from "./pages/models.js";
import { h, notice, short, show } from "./ui.js";
import { Wallet, WrongChainError, publicClientFor } from "./wallet.js";

const root = document.getElementById("app")!;
const walletEl = document.getElementById("wallet")!;

async function renderWallet(app: App): Promise<void> {
  if (window.ethereum === undefined) {
    show(walletEl, h("span", { class: "muted", id: "no-wallet" }, "No wallet found"));
    return;
  }
  if (app.wallet.address === undefined) {
    show(walletEl, h("button", { id: "connect", onclick: () => void app.wallet.connect().catch((e) => show(walletEl, notice("error", explain(e)))) }, "Connect wallet"));
    return;
  }
  try {
    await app.wallet.ensureChain();
    show(walletEl, h("span", { id: "account", title: app.wallet.address }, `● ${short(app.wallet.address)}`));
  } catch (error) {
    if (!(error instanceof WrongChainError)) throw error;
    show(
      walletEl,
      h("span", { class: "warn" }, `Wrong network (chain ${error.walletChainId}) `),
      h("button", { id: "switch", onclick: () => void app.wallet.switchChain().catch((e) => show(walletEl, notice("error", explain(e)))) }, `Switch to chain ${error.wantedChainId}`),
    );
  }
}

async function route(app: App): Promise<void> {
  app.wallet.clearPageListeners();
  const [, page, arg] = (location.hash || "#/").split("/");
  document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("active", a.getAttribute("href") === `#/${page ?? ""}`));
  if (page === "pattern" && arg) {
    try {
      return await patternPage(app, root, BigInt(arg));
    } catch {
      return show(root, notice("error", `"${arg}" is not a token id.`));
    }
  }
  if (page === "certificate" && arg) {
    let id: bigint;
    try {
      id = BigInt(arg);
    } catch {
      return show(root, notice("error", `"${arg}" is not a token id.`));
    }
    return certificatePage(app, root, id);
  }
  if (page === "audit") return auditPage(app, root, arg);
  if (page === "create") return createPage(app, root);
  if (page === "models") return modelsPage(app, root);
  return gallery(app, root);
}

try {
  const cfg = await loadConfig();
  const app: App = { cfg, client: publicClientFor(cfg), wallet: new Wallet(cfg) };
  app.wallet.onChange(() => void renderWallet(app), "global");
  // a wallet that already authorised this page connects without a prompt
  const accounts = ((await window.ethereum?.request({ method: "eth_accounts" })) ?? []) as string[];
  if (accounts[0]) await app.wallet.connect();
  await renderWallet(app);
  window.addEventListener("hashchange", () => void route(app));
  await route(app);
} catch (error) {
  show(root, notice("error", explain(error)));
}
