import type { Hex } from "viem";

import { BankSet, CERTIFICATES_BANK } from "../screen/banks.js";
import { screen } from "../screen/screen.js";
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
    const colourway = ctx.request.colourway;
    if (colourway === undefined || report.cleared) return report.cleared ? { screen: report } : refuse(nearDuplicate(report), { screen: report });
    // a colourway matches its design (and the design's other colourways): family, not copies
    const family = await familyLabels(colourway.design, config.colourwaysOf);
    const kept = report.matches.filter((m) => !(m.bank === CERTIFICATES_BANK && family.has(m.label.toLowerCase())));
    const familyReport = { ...report, cleared: kept.length === 0, matches: kept, family: report.matches.filter((m) => !kept.includes(m)) };
    return familyReport.cleared ? { screen: familyReport } : refuse(nearDuplicate(familyReport), { screen: familyReport });
  },
});

/** The certificates bank labels of a design's family: the design and, when the config can list them, its colourways. */
async function familyLabels(design: Hex, colourwaysOf: ((design: Hex) => Promise<readonly Hex[]>) | undefined): Promise<Set<string>> {
  const members = [design, ...((await colourwaysOf?.(design)) ?? [])];
  return new Set(members.map((id) => `certificate ${id.toLowerCase()}`));
}
