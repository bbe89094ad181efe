#!/usr/bin/env node
// `npx motif …` — runs the TypeScript CLI through tsx (works on the machine's Node, 20 or later).
import { fileURLToPath } from "node:url";
import { register } from "tsx/esm/api";

// the repository's tsconfig, whatever the working directory: it maps `@motif/sdk` to the SDK's source
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) });
const { main } = await import("../generator/src/cli/index.ts");
process.exitCode = await main(process.argv.slice(2));
