import { type Hex, getAddress } from "viem";

import { tokenIdHex } from "@motif/sdk";
import type { PipelineConfig } from "../pipeline.js";
import { type BankMatch, BankSet, CERTIFICATES_BANK } from "../screen/banks.js";
import { type ScreenReport, screen } from "../screen/screen.js";
import { nearDuplicate } from "./refusal.js";
import { defineStage, refuse } from "./stage.js";

/**
 * Screen stage: the pattern's eight dihedral PDQ hashes and its tile hashes against every bank
 * (../screen/screen.ts). A near-duplicate stops here: nothing is pinned or minted, and the refusal
 * names the closest match. Central: the queue's minter screens every worker's result again, against
 * the chain and the whole batch (two workers may have made near-duplicates of each other).
 */
export const screenStage = defineStage({
  name: "screen",
  needs: ["fingerprint"],
  central: true,
  async run(ctx, { config }) {
    // without banks, the certificates bank over `index` is kept on the config so its tile hashes persist
    const banks = (config.banks ??= BankSet.ofIndex(config.index));
    const report = screen(banks, { pdq: ctx.fingerprint.pdq, tile: ctx.fingerprint.tile });
    const screened = report.cleared ? report : await asColourway(report, ctx.request.colourway?.design, config);
    return screened.cleared ? { screen: screened } : refuse(nearDuplicate(screened), { screen: screened });
  },
});

/**
 * A colourway's screening: its design (and the design's colourways) are family, not copies, when the
 * design is this generator's creator's; another studio's design recoloured stays a copy of it.
 */
async function asColourway(report: ScreenReport, design: Hex | undefined, config: PipelineConfig): Promise<ScreenReport> {
  if (design === undefined) return report;
  const known = await config.designFamily?.(design);
  if (known === undefined || getAddress(known.creator) !== getAddress(config.creator)) return report;
  const family = new Set([design, ...known.colourways].map((id) => `certificate ${tokenIdHex(BigInt(id))}`));
  const isFamily = (m: BankMatch) => m.bank === CERTIFICATES_BANK && family.has(m.label.toLowerCase());
  const kept = report.matches.filter((m) => !isFamily(m));
  return { ...report, cleared: kept.length === 0, matches: kept, family: report.matches.filter(isFamily) };
}

