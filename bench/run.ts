/**
 * Contract benchmarks (part of `npm run bench`). Prints a table and merges into `bench/results.json`, a flat JSON
 * object of metric name → number. Metrics are listed in README.md ("Benchmarks"); later work adds
 * its own through `record()`. Gas figures are transaction gas (`gasUsed`, 21,000 base included)
 * measured on Hardhat's in-process EDR chain in one run, so every figure shares the same state.
 */
import { network } from "hardhat";

import { measureContractGas } from "./lib/contract-gas.js";
import { BenchReport } from "./lib/report.js";

const report = new BenchReport(`Motif contract benchmarks (gas on the in-process chain)`);
await measureContractGas(await network.create(), report.record.bind(report));
await report.write();
