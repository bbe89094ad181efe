import { tokenIdHex } from "@motif/sdk";
import { type BankMatch, BankSet, CERTIFICATES_BANK } from "../screen/banks.js";
import { type ScreenReport, screen } from "../screen/screen.js";
import type { ColourwayCheckOutput } from "./colourway.js";
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
    const screened = report.cleared || ctx.design === undefined ? report : asColourway(report, ctx.design, banks);
    return screened.cleared ? { screen: screened } : refuse(nearDuplicate(screened), { screen: screened });
  },
});

/**
 * A colourway's screening (its design checked by the colourway stage): matches with the design's
 * certificate and its colourways' are family, not copies; so are those with a colourway of the same
 * design kept earlier in this process (a batch or a minter's round of several colourways of one
 * design: the chain listed none of them when the colourway stage read it).
 */
function asColourway(report: ScreenReport, design: ColourwayCheckOutput["design"], banks: BankSet): ScreenReport {
  const id = BigInt(design.id);
  const family = new Set([design.id, ...design.colourways].map((c) => `certificate ${tokenIdHex(BigInt(c))}`));
  const isFamily = (m: BankMatch) => m.bank === CERTIFICATES_BANK && (family.has(m.label.toLowerCase()) || banks.familyOf(m.label) === id);
  const kept = report.matches.filter((m) => !isFamily(m));
  return { ...report, cleared: kept.length === 0, matches: kept, family: report.matches.filter(isFamily) };
}
