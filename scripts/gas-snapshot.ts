/**
 * Writes the gas snapshot (`test/gas-snapshot.json`): every `gas.*` figure of the contract benchmark.
 * `npm test` fails when a tracked function gets more than 2% dearer than its snapshot; after a
 * deliberate change, run `npm run gas:snapshot` and commit the file with the change.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { network } from "hardhat";

import { measureContractGas } from "../bench/lib/contract-gas.js";

const figures: Record<string, number> = {};
await measureContractGas(await network.create(), (name, value) => {
  if (name.startsWith("gas.")) figures[name] = Number(value);
});
const sorted = Object.fromEntries(Object.entries(figures).sort(([a], [b]) => a.localeCompare(b)));
const file = path.join(process.cwd(), "test", "gas-snapshot.json");
await writeFile(file, JSON.stringify(sorted, null, 2) + "\n");
console.log(`${Object.keys(sorted).length} figures written to ${path.relative(process.cwd(), file)}`);
