import { expect } from "chai";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";

import { measureContractGas } from "../../bench/lib/contract-gas.js";

/** How much dearer than its snapshot a tracked function may get before the test fails. */
const GAS_TOLERANCE = 0.02;

/** The figures that got more than `tolerance` dearer than the snapshot, or are missing from either side. */
function gasRegressions(snapshot: Record<string, number>, measured: Record<string, number>, tolerance = GAS_TOLERANCE): string[] {
  const problems: string[] = [];
  for (const [name, was] of Object.entries(snapshot)) {
    const now = measured[name];
    if (now === undefined) problems.push(`${name}: in the snapshot but no longer measured`);
    else if (now > was * (1 + tolerance)) problems.push(`${name}: ${was} → ${now} gas (+${(((now - was) / was) * 100).toFixed(1)}%, over ${tolerance * 100}%)`);
  }
  for (const name of Object.keys(measured)) if (!(name in snapshot)) problems.push(`${name}: measured but not in the snapshot`);
  return problems;
}

describe("gas snapshot (test/gas-snapshot.json)", function () {
  this.timeout(120_000);

  it("flags a figure more than 2% dearer, and a new or vanished one, but not one within 2% or cheaper", () => {
    const snapshot = { "gas.a": 100_000, "gas.b": 50_000, "gas.gone": 1 };
    const measured = { "gas.a": 102_000, "gas.b": 51_001, "gas.new": 7 };
    expect(gasRegressions(snapshot, measured)).to.deep.equal([
      "gas.b: 50000 → 51001 gas (+2.0%, over 2%)",
      "gas.gone: in the snapshot but no longer measured",
      "gas.new: measured but not in the snapshot",
    ]);
    expect(gasRegressions({ "gas.a": 100 }, { "gas.a": 60 })).to.deep.equal([]);
  });

  it("no tracked function got more than 2% dearer (after a deliberate change: npm run gas:snapshot)", async () => {
    const snapshot = JSON.parse(await readFile(path.join(process.cwd(), "test", "gas-snapshot.json"), "utf8")) as Record<string, number>;
    const measured: Record<string, number> = {};
    await measureContractGas(await network.create(), (name, value) => {
      if (name.startsWith("gas.")) measured[name] = Number(value);
    });
    const problems = gasRegressions(snapshot, measured);
    expect(problems, `gas regressions (run \`npm run gas:snapshot\` if intended):\n  ${problems.join("\n  ")}`).to.deep.equal([]);
  });
});
