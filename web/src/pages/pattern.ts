import { type Address, erc20Abi, parseUnits, zeroAddress } from "viem";
import { type CurrencyUnit, REGIONS, motifLicensingAbi, acceptOffer, describeColourway, amountInWords, bpsInWords, describePrintSpec, getCurrencyUnit, isLicensed, productClassLabel, productClassesOf, reportUsage } from "@motif/sdk";

import type { App } from "../app.js";
import { type OnChainOffer, certificateHistory, colourwayFamily, licensesOf, loadPattern, openOffers } from "../data.js";
import { licencesGranted } from "./licences.js";
import { type RepeatPreview, repeatPreview } from "./repeat-preview.js";
import { approvalsFor } from "../approve.js";
import { explain } from "../explain.js";
import { productClassesInWords, regionsInWords, termsInWords, worldList } from "../terms.js";
import { date, h, notice, short, show, tokenHex } from "../ui.js";

export async function patternPage(app: App, root: HTMLElement, tokenId: bigint): Promise<void> {
  show(root, h("h1", {}, `Pattern ${short(tokenHex(tokenId))}`), h("p", { class: "muted" }, "Loading…"));
  let p;
  try {
    p = await loadPattern(app.client, app.cfg, tokenId);
  } catch (error) {
    show(root, h("h1", {}, "Pattern"), notice("error", explain(error)));
    return;
  }
  const l = p.cert.lineage;
  const meta = p.metadata.motif.lineage;
  const status = h("div", { id: "status" });
  const offersEl = h("section", { id: "offers" }, h("h2", {}, "Offers"), h("p", { class: "muted" }, "Loading offers…"));
  const licencesEl = h("section", { id: "licences" });
  const grantedEl = h("section", { id: "granted" }, h("h2", {}, "Licences granted"), h("p", { class: "muted" }, "Loading…"));
  // the tile repeated across a swatch (and, later, its colourways), once the verified image is decoded
  const previewEl = h("section", { id: "repeat-preview" }, h("h2", {}, "Repeat preview"), h("p", { class: "muted" }, "Loading the tile…"));
  const tile = new Image();
  tile.src = p.imageUrl;
  void tile.decode().then(
    () => {
      const preview = repeatPreview(tile, meta.print);
      previewEl.replaceWith(preview.element);
      void mountColourways(app, tokenId, tile, preview);
    },
    (error: unknown) => show(previewEl, h("h2", {}, "Repeat preview"), notice("error", `The tile could not be decoded for the preview: ${(error as Error).message}`)),
  );
  show(
    root,
    h("h1", {}, p.metadata.name),
    h(
      "div",
      { class: "pattern" },
      h("img", { src: p.imageUrl, alt: p.metadata.name, class: "hero" }),
      h(
        "table",
        { class: "lineage" },
        ...(
          [
            ["Token id (sha-256 of the image)", tokenHex(tokenId)],
            ["Owner", p.cert.owner],
            ["Creator", l.creator],
            ["Model", `#${l.modelId} ${meta.model.name} ${meta.model.version}`],
            ["Seed", l.seed.toString()],
            ["Params", JSON.stringify(meta.params)],
            ...(meta.print !== undefined ? ([["Print", `${describePrintSpec(meta.print)}: the tile is seamless under this repeat; the PNG carries its DPI`]] as const) : []),
            ...(meta.colourway !== undefined ? ([["Colourway of", describeColourway(meta.colourway)]] as const) : []),
            ...(l.recipeId !== 0n
              ? ([["Recipe", `${tokenHex(l.recipeId)} (${meta.recipe?.cid ?? ""}): its owner receives a share of this pattern's licence revenue`]] as const)
              : []),
            ["PDQ hash", l.pdqHash],
            ["Tile hash", /^0x0{64}$/.test(l.tileHash) ? "not attested (certified before tile hashes)" : l.tileHash],
            ["Royalty (ERC-2981)", `${p.cert.royaltyBps / 100}% to the creator`],
            ["Metadata", p.cert.tokenURI],
          ] as const
        ).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v))),
        h("tr", {}, h("th", {}, "Provenance"), h("td", {}, h("a", { href: `#/audit/${tokenHex(tokenId)}` }, "Verify this certificate"))),
      ),
    ),
    previewEl,
    status,
    offersEl,
    grantedEl,
    licencesEl,
  );

  // each currency's symbol and decimals, read once per page (undefined: not an ERC-20, said in base units)
  const units = new Map<Address, Promise<CurrencyUnit | undefined>>();
  const unitOf = (currency: Address): Promise<CurrencyUnit | undefined> => {
    let unit = units.get(currency);
    if (unit === undefined) {
      unit = getCurrencyUnit(app.client, { currency }).catch(() => {
        units.delete(currency); // asked again next time (a failed read may be the RPC's, not the token's)
        return undefined;
      });
      units.set(currency, unit);
    }
    return unit;
  };

  const render = async () => {
    const offers = await openOffers(app.client, app.cfg, tokenId);
    const offerUnits = await Promise.all(offers.map((o) => unitOf(o.offer.terms.currency)));
    show(
      offersEl,
      h("h2", {}, "Offers"),
      offers.length === 0 ? h("p", { class: "muted" }, "No open offers on this pattern.") : null,
      ...offers.map((o, i) =>
        h(
          "div",
          { class: "offer", "data-offer": o.offerId.toString() },
          h("h3", {}, `Offer #${o.offerId} from ${short(o.licensor)}`),
          h("ul", {}, ...termsInWords(o.offer, o.price, offerUnits[i]).map((t) => h("li", {}, t))),
          worldList(o.offer.terms.regions),
          h("button", { class: "accept", disabled: pending, onclick: () => void accept(o, offerUnits[i]) }, "Sign and accept"),
        ),
      ),
    );
    await Promise.all([renderLicences(), renderGranted()]);
  };

  const renderGranted = async () => {
    const history = await certificateHistory(app.cfg, tokenId, app.client);
    if (history === undefined) {
      show(grantedEl, h("h2", {}, "Licences granted"), h("p", { class: "muted" }, "The licences already granted appear here once the indexer has caught up."));
      return;
    }
    show(grantedEl, ...Array.from(licencesGranted(history).childNodes));
  };

  // one acceptance at a time: a second click while one waits on the wallet or the chain sends nothing
  let pending = false;
  const setPending = (on: boolean) => {
    pending = on;
    for (const b of offersEl.querySelectorAll<HTMLButtonElement>("button.accept")) b.disabled = on;
  };

  const accept = async (o: OnChainOffer, unit: CurrencyUnit | undefined) => {
    if (pending) return;
    setPending(true);
    const licensing = app.cfg.contracts.MotifLicensing;
    const { currency, advance } = o.offer.terms;
    const money = (v: bigint) => amountInWords(v, currency, unit);
    // what the contract takes at acceptance: the price (bounded by maxPrice) plus the terms' advance
    const due = o.price + advance;
    let approved: `0x${string}` | undefined;
    let zeroed: `0x${string}` | undefined;
    try {
      if (currency === zeroAddress) {
        show(status, notice("info", "Confirm the transaction in your wallet…"));
        const wallet = await app.wallet.client();
        const hash = await acceptOffer(wallet, { licensing, offerId: o.offerId, maxPrice: o.price });
        await app.client.waitForTransactionReceipt({ hash });
        show(status, notice("ok", `Licence granted (transaction ${short(hash)}).`));
        await render();
        return;
      }
      if (unit === undefined) throw new Error(`This offer is priced in ${currency}, which is not an ERC-20 token on this chain (it answers no decimals()): it cannot be paid.`);
      show(status, notice("info", `Checking your ${unit.symbol} balance and allowance…`));
      const wallet = await app.wallet.client();
      const who = wallet.account.address;
      const [balance, allowance] = await Promise.all([
        app.client.readContract({ address: currency, abi: erc20Abi, functionName: "balanceOf", args: [who] }),
        app.client.readContract({ address: currency, abi: erc20Abi, functionName: "allowance", args: [who, licensing] }),
      ]);
      const cost = advance > 0n ? `${money(due)} at acceptance (price ${money(o.price)} plus an advance of ${money(advance)})` : `${money(due)}`;
      if (balance < due) {
        throw new Error(`Your wallet ${short(who)} holds ${money(balance)}; this licence costs ${cost}, ${money(due - balance)} more than it holds. Nothing was signed or sent.`);
      }
      const approvals = await approvalsFor(app.client, { token: currency, owner: who, spender: licensing, allowance, amount: due });
      const steps = approvals.length + 1;
      for (const [i, amount] of approvals.entries()) {
        const step = `Step ${i + 1} of ${steps}`;
        show(status, notice("info", amount === 0n
          ? `${step}: ${unit.symbol} changes an allowance only from zero: set the licensing contract's allowance of ${money(allowance)} left from before to zero in your wallet…`
          : `${step}: approve the licensing contract to take ${money(due)} (this offer's cost) in your wallet…`));
        const hash = await wallet.writeContract({ address: currency, abi: erc20Abi, functionName: "approve", args: [licensing, amount] });
        show(status, notice("info", `${step}: waiting for the approval (transaction ${short(hash)})…`));
        const receipt = await app.client.waitForTransactionReceipt({ hash });
        if (receipt.status !== "success") throw new Error(`The approval of ${money(amount)} (transaction ${short(hash)}) failed on chain; nothing was paid.`);
        if (amount === 0n) zeroed = hash;
        else approved = hash;
      }
      show(status, notice("info", `${steps > 1 ? `Step ${steps} of ${steps}: c` : "C"}onfirm the acceptance (${cost}) in your wallet…`));
      const hash = await acceptOffer(wallet, { licensing, offerId: o.offerId, maxPrice: o.price });
      await app.client.waitForTransactionReceipt({ hash });
      show(status, notice("ok", `Licence granted for ${money(due)} (transaction ${short(hash)}).`));
      await render();
    } catch (error) {
      const standing =
        approved !== undefined
          ? ` Your approval of ${money(due)} (transaction ${short(approved)}) stands: Sign and accept again asks only for the acceptance.`
          : zeroed !== undefined
            ? ` Your allowance left from before was set to zero (transaction ${short(zeroed)}): Sign and accept again asks for the approval and the acceptance.`
            : "";
      show(status, notice("error", `${approved !== undefined || zeroed !== undefined ? "The acceptance was not made: " : ""}${explain(error)}${standing}`));
    } finally {
      setPending(false);
    }
  };

  const renderLicences = async () => {
    const who = app.wallet.address;
    if (who === undefined) {
      show(licencesEl, h("h2", {}, "Your licences"), h("p", { class: "muted" }, "Connect your wallet to see your licences on this pattern."));
      return;
    }
    const mine = await licensesOf(app.client, app.cfg, tokenId, who);
    const now = (await app.client.getBlock()).timestamp;
    const rows = await Promise.all(
      mine.map(async ({ licenseId, license, terms }) => {
        const statusWords = ["none", "active", "revoked"][license.status] ?? String(license.status);
        const regionSelect = h("select", { name: "region" }, ...REGIONS.filter((r) => (terms.regions >> BigInt(r.bit)) & 1n).concat(REGIONS.filter((r) => !((terms.regions >> BigInt(r.bit)) & 1n))).map((r) => h("option", { value: r.alpha2 }, `${r.alpha2} — ${r.name}`)));
        const units = h("input", { name: "units", type: "number", min: "0", value: "100" });
        const netSales = h("input", { name: "net-sales", type: "text", inputmode: "decimal", placeholder: "0", value: "" });
        const unit = await unitOf(terms.currency);
        const money = (v: bigint) => amountInWords(v, terms.currency, unit);
        // net sales are typed in the licence's currency: ETH, or the token's own units
        const decimals = unit?.decimals ?? 18;
        const currencyName = terms.currency === zeroAddress ? "ETH" : (unit?.symbol ?? `base units of token ${terms.currency}`);
        const classSelect = h("select", { name: "class" }, ...productClassesOf(terms.classes).map((c) => h("option", { value: String(c.niceClass) }, productClassLabel(c.niceClass))));
        const out = h("div", { class: "usage-status" });
        const report = async () => {
          show(out, notice("info", "Confirm the usage report in your wallet…"));
          // said with any failure after a token's allowance was zeroed first (audit 32 W2)
          let zeroedNote = "";
          try {
            const n = units.value.trim() || "0";
            if (!/^\d+$/.test(n)) throw new Error(`units: "${n}" is not a whole number (0 or more)`);
            const sales = netSales.value.trim() || "0";
            if (!(decimals > 0 ? new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`) : /^\d+$/).test(sales)) throw new Error(`net sales: "${sales}" is not an amount in ${currencyName} (0 or more, up to ${decimals} decimals)`);
            const netSalesValue = parseUnits(sales, decimals);
            if (BigInt(n) === 0n && netSalesValue === 0n) throw new Error("units and net sales are both 0: report at least 1 unit or some net sales");
            const wallet = await app.wallet.client();
            if (terms.currency !== zeroAddress) {
              // a token licence's royalty is pulled by the contract: the reporter approves what this report owes (after the advance)
              const licensing = app.cfg.contracts.MotifLicensing;
              const payer = wallet.account.address;
              const [, due] = await app.client.readContract({ address: licensing, abi: motifLicensingAbi, functionName: "reportDue", args: [licenseId, BigInt(n), netSalesValue] });
              if (due > 0n) {
                const [balance, allowance] = await Promise.all([
                  app.client.readContract({ address: terms.currency, abi: erc20Abi, functionName: "balanceOf", args: [payer] }),
                  app.client.readContract({ address: terms.currency, abi: erc20Abi, functionName: "allowance", args: [payer, licensing] }),
                ]);
                if (balance < due) throw new Error(`This report owes ${money(due)} of royalty; your wallet ${short(payer)} holds ${money(balance)}, ${money(due - balance)} less. Nothing was signed or sent.`);
                const approvals = await approvalsFor(app.client, { token: terms.currency, owner: payer, spender: licensing, allowance, amount: due });
                const steps = approvals.length + 1;
                for (const [i, amount] of approvals.entries()) {
                  if (amount !== 0n && i > 0) zeroedNote = ` The allowance left from before (${money(allowance)}) was set to zero.`;
                  show(out, notice("info", amount === 0n
                    ? `Step ${i + 1} of ${steps}: ${currencyName} changes an allowance only from zero: set the licensing contract's allowance of ${money(allowance)} left from before to zero in your wallet…`
                    : `Step ${i + 1} of ${steps}: approve the licensing contract to take the royalty due, ${money(due)}, in your wallet…`));
                  const approval = await wallet.writeContract({ address: terms.currency, abi: erc20Abi, functionName: "approve", args: [licensing, amount] });
                  if ((await app.client.waitForTransactionReceipt({ hash: approval })).status !== "success") throw new Error(`The approval of ${money(amount)} (transaction ${short(approval)}) failed on chain; nothing was reported.`);
                }
                if (steps > 1) show(out, notice("info", `Step ${steps} of ${steps}: confirm the usage report in your wallet…`));
              }
            }
            const hash = await reportUsage(wallet, { licensing: app.cfg.contracts.MotifLicensing, licenseId, licensee: who, region: regionSelect.value, productClass: Number(classSelect.value), units: BigInt(n), netSales: netSalesValue });
            await app.client.waitForTransactionReceipt({ hash });
            show(out, notice("ok", `Reported ${n} units${netSalesValue > 0n ? ` and ${money(netSalesValue)} of net sales` : ""} of ${productClassLabel(Number(classSelect.value))} in ${regionSelect.value}.`));
            await renderLicences();
          } catch (error) {
            show(out, notice("error", `${explain(error)}${zeroedNote}`));
          }
        };
        const sample = REGIONS.find((r) => (terms.regions >> BigInt(r.bit)) & 1n);
        const live = sample ? (await isLicensed(app.client, { licensing: app.cfg.contracts.MotifLicensing, tokenId, licensee: who, region: sample.alpha2, time: now })).licensed : false;
        return h(
          "div",
          { class: "licence", "data-licence": licenseId.toString() },
          h("h3", {}, `Licence ${short(`0x${licenseId.toString(16)}`)}`),
          h(
            "ul",
            {},
            h("li", { class: "licence-status" }, `Status: ${statusWords}${live ? " — valid now" : " — not valid now"}`),
            h("li", {}, `Regions: ${regionsInWords(terms.regions)}`),
            h("li", {}, `Window: ${date(license.start)} → ${license.end >= 2 ** 40 - 1 ? "perpetual" : date(license.end)}`),
            h("li", {}, `Product classes: ${productClassesInWords(terms.classes)}`),
            h("li", { class: "units" }, license.unitCap > 0n ? `Units: ${license.unitsUsed} used of ${license.unitCap}; ${license.unitCap - license.unitsUsed} remaining` : `Units used: ${license.unitsUsed} (no cap)`),
            h("li", { class: "net-sales" }, `Net sales reported: ${money(license.netSales)}${terms.salesRoyaltyBps > 0 ? ` (royalty ${bpsInWords(terms.salesRoyaltyBps)} of net sales)` : " (no sales royalty)"}`),
            h("li", { class: "advance" }, terms.advance > 0n ? `Advance remaining: ${money(license.advanceRemaining)} of ${money(terms.advance)} still to recoup against royalties` : "Advance remaining: none (no advance)"),
          ),
          h(
            "div",
            { class: "report" },
            h("label", {}, "Report usage in ", regionSelect),
            h("label", {}, " for ", classSelect),
            h("label", {}, " units ", units),
            terms.salesRoyaltyBps > 0 ? h("label", {}, ` net sales (${currencyName}) `, netSales) : null,
            h("button", { class: "report-usage", onclick: () => void report() }, "Report usage"),
          ),
          out,
        );
      }),
    );
    show(licencesEl, h("h2", {}, "Your licences"), rows.length === 0 ? h("p", { class: "muted" }, `${short(who)} holds no licence on this pattern.`) : null, ...rows);
  };

  app.wallet.onChange(() => void renderLicences().catch((e) => show(licencesEl, notice("error", explain(e)))));
  try {
    await render();
  } catch (error) {
    show(status, notice("error", explain(error)));
  }
}

/**
 * The colourways in the repeat preview (`#colourways`): the design and each colourway of it as a
 * button that lays that member's tile out in the same repeat and zoom (its image fetched and
 * checked against its CID), with a link to its page; nothing when the pattern has no family.
 */
async function mountColourways(app: App, tokenId: bigint, tile: HTMLImageElement, preview: RepeatPreview): Promise<void> {
  const slot = preview.element.querySelector<HTMLElement>("#colourways");
  if (slot === null) return;
  let family;
  try {
    family = await colourwayFamily(app.client, app.cfg, tokenId);
  } catch (error) {
    show(slot, notice("error", `Colourways could not be read: ${explain(error)}`));
    return;
  }
  if (family.members.length < 2) return;
  const status = h("span", { class: "muted" });
  const choose = async (member: bigint, button: HTMLElement) => {
    for (const b of slot.querySelectorAll("button.colourway")) b.classList.toggle("on", b === button);
    if (member === tokenId) return preview.setTile(tile);
    status.textContent = " loading…";
    try {
      const image = new Image();
      image.src = (await loadPattern(app.client, app.cfg, member)).imageUrl;
      await image.decode();
      preview.setTile(image);
      status.textContent = "";
    } catch (error) {
      status.textContent = ` ${explain(error)}`;
    }
  };
  show(
    slot,
    h("h3", {}, `Colourways (${family.members.length - 1} of design ${short(tokenHex(family.designId))})`),
    ...family.members.map((member) => {
      const label = member === family.designId ? "design" : `colourway ${short(tokenHex(member))}`;
      const button = h("button", { type: "button", class: member === tokenId ? "colourway on" : "colourway", "data-token": tokenHex(member) }, label);
      button.onclick = () => void choose(member, button);
      return h("span", { class: "member" }, button, " ", h("a", { href: `#/pattern/${tokenHex(member)}` }, "open"), " ");
    }),
    status,
  );
}

