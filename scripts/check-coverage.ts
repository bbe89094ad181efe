/**
 * `npm run coverage`: reads the LCOV report that `hardhat test solidity --coverage` wrote
 * (coverage/lcov.info), prints each contract's coverage with its uncovered lines, and fails when a
 * production contract (everything in contracts/ but the benchmark fixtures in contracts/bench/) is
 * below the threshold. Hardhat 3's instrumentation records lines and statements, not branches; the
 * contracts write every branch arm that is not a fall-through as its own statement (a guard's
 * `revert`, an `if`'s body), so an uncovered arm shows up here as an uncovered line.
 * The coverage run leaves out the tests that bound gas (named `…Gas`): the instrumentation adds gas
 * to every statement (a full family's transfer went over its 444k bound); `npm test` runs them.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";

const THRESHOLD = 95;
const file = path.join(process.cwd(), "coverage", "lcov.info");
const text = await readFile(file, "utf8").catch(() => {
  console.error(`${file} is missing: run \`npm run coverage\` (it runs the Solidity tests with --coverage first)`);
  process.exit(2);
});

type FileCoverage = { file: string; found: number; hit: number; uncovered: number[] };
const files: FileCoverage[] = [];
let current: FileCoverage | undefined;
for (const line of text.split("\n")) {
  const [tag, value = ""] = line.split(/:(.*)/s);
  if (tag === "SF") files.push((current = { file: value, found: 0, hit: 0, uncovered: [] }));
  else if (tag === "DA" && current) {
    const [n, count] = value.split(",").map(Number);
    current.found++;
    if (count! > 0) current.hit++;
    else current.uncovered.push(n!);
  }
}

/** "3, 7-9, 12" from sorted line numbers. */
const ranges = (lines: number[]) =>
  lines
    .reduce<Array<[number, number]>>((acc, n) => {
      const last = acc.at(-1);
      if (last && n === last[1] + 1) last[1] = n;
      else acc.push([n, n]);
      return acc;
    }, [])
    .map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`))
    .join(", ");

let failed = false;
let found = 0;
let hit = 0;
console.log(`Solidity line coverage (threshold ${THRESHOLD}% per production contract)\n`);
for (const f of files.sort((a, b) => a.file.localeCompare(b.file))) {
  const pct = f.found === 0 ? 100 : (f.hit / f.found) * 100;
  const fixture = f.file.startsWith("contracts/bench/");
  if (!fixture) {
    found += f.found;
    hit += f.hit;
  }
  const below = !fixture && pct < THRESHOLD;
  failed ||= below;
  console.log(`${below ? "✘" : fixture ? "·" : "✔"} ${f.file.padEnd(42)} ${pct.toFixed(2).padStart(6)}%  ${f.uncovered.length ? `uncovered: ${ranges(f.uncovered)}` : ""}${fixture ? "  (benchmark fixture, not gated)" : ""}`);
}
console.log(`\nproduction contracts: ${((hit / found) * 100).toFixed(2)}% of ${found} lines`);
if (failed) {
  console.error(`coverage below ${THRESHOLD}% in a production contract (✘ above)`);
  process.exit(1);
}
