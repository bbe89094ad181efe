#!/usr/bin/env node
// `npx motif …` — runs the TypeScript CLI through tsx (works on the machine's Node, 20 or later).
import { register } from "tsx/esm/api";

register();
const { main } = await import("../generator/src/cli/index.ts");
process.exitCode = await main(process.argv.slice(2));
