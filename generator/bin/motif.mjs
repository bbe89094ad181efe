#!/usr/bin/env node
// `npx motif …` — the `motif` bin of `@motif/generator`, which npm links into the root's
// node_modules/.bin, so `npx` runs it directly (a bin declared by the root package itself would make
// npm install the project into its npx cache first: a second of start-up; npm does that for this
// workspace too when npx runs inside generator/ itself, whose package declares the bin). It runs the CLI compiled
// to JavaScript: generator/dist, which imports `@motif/sdk` from the SDK's compiled sdk/dist (the
// workspace link node_modules/@motif/sdk), both written by `npm run build` and by `npm install`
// (the prepare script). A checkout whose TypeScript changed
// after that build, or was never built, runs the sources through tsx instead: the same CLI, slower
// to start (seconds, not a fraction of one).
import { readdirSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../../", import.meta.url);
const mtime = (url) => {
  try {
    return statSync(url).mtimeMs;
  } catch {
    return -1;
  }
};
/** The newest modification time under a source folder. */
const newest = (url) => {
  let latest = 0;
  for (const entry of readdirSync(url, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) latest = Math.max(latest, statSync(`${entry.parentPath ?? entry.path}/${entry.name}`).mtimeMs);
  }
  return latest;
};
const built = (dist, src) => mtime(new URL(dist, root)) >= newest(new URL(src, root));

let main;
if (built("generator/dist/cli/index.js", "generator/src") && built("sdk/dist/index.js", "sdk/src")) {
  ({ main } = await import("../dist/cli/index.js"));
} else {
  const { register } = await import("tsx/esm/api");
  // the repository's tsconfig, whatever the working directory: it maps `@motif/sdk` to the SDK's source
  register({ tsconfig: fileURLToPath(new URL("tsconfig.json", root)) });
  ({ main } = await import("../src/cli/index.ts"));
}
process.exitCode = await main(process.argv.slice(2));
