/**
 * `npm run test:deep`: the Solidity suite under the `deep` profile, five campaigns with different
 * seeds — 10,000 runs per fuzz test and 20,000 invariant sequences of 25 calls per campaign, so
 * 100,000 invariant sequences in all (EDR aborts a single campaign of 100,000 with "Could not
 * generate case"). Seeds are fresh each time (printed, so a failure can be replayed with
 * MOTIF_FUZZ_SEED=<seed> npx hardhat test solidity --test-profile deep); stops at the first failure.
 * Then the mocha tests that measure more with MOTIF_TEST_DEEP=1 than `npm test` does: the studio
 * training quality of a third example family (floral) beside plaid and dot.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";

const CAMPAIGNS = Number(process.env.MOTIF_DEEP_CAMPAIGNS ?? 5);
for (let i = 1; i <= CAMPAIGNS; i++) {
  const seed = process.env.MOTIF_FUZZ_SEED ?? `0x${randomBytes(8).toString("hex")}`;
  console.log(`\ncampaign ${i}/${CAMPAIGNS}: seed ${seed}`);
  const r = spawnSync("npx", ["hardhat", "test", "solidity", "--test-profile", "deep"], { stdio: "inherit", env: { ...process.env, MOTIF_FUZZ_SEED: seed } });
  if (r.status !== 0) {
    console.error(`campaign ${i} failed (seed ${seed}): replay with MOTIF_FUZZ_SEED=${seed} npx hardhat test solidity --test-profile deep`);
    process.exit(r.status ?? 1);
  }
}
const quality = spawnSync("npx", ["hardhat", "test", "mocha", "--grep", "studio training: quality", "generator/test/studio-train.test.ts"], { stdio: "inherit", env: { ...process.env, MOTIF_TEST_DEEP: "1" } });
if (quality.status !== 0) {
  console.error("the deep studio training quality tests failed (MOTIF_TEST_DEEP=1 npx hardhat test mocha --grep \"studio training: quality\" generator/test/studio-train.test.ts)");
  process.exit(quality.status ?? 1);
}
console.log(`\n${CAMPAIGNS} deep campaigns passed: ${CAMPAIGNS * 20_000} invariant sequences of 25 calls, ${CAMPAIGNS * 10_000} runs per fuzz test; studio training quality of plaid, floral and dot`);
