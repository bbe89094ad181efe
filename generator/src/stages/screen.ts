import { BankSet } from "../screen/banks.js";
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
    return report.cleared ? { screen: report } : refuse(nearDuplicate(report), { screen: report });
  },
});
