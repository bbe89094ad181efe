/**
 * Fails the build on any solc warning in the project's own sources (contracts/ and test/).
 * Hardhat prints warnings but does not fail on them; this reads the compiler output it keeps in
 * artifacts/build-info and exits non-zero, listing each warning with its location.
 *   npm run build   (hardhat build, then this check)
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

type SolcError = { severity: string; type: string; formattedMessage: string; sourceLocation?: { file: string } };

const dir = path.join(process.cwd(), "artifacts", "build-info");
const files = (await readdir(dir)).filter((f) => f.endsWith(".output.json"));
if (files.length === 0) {
  console.error(`check-solc-warnings: no compiler output in ${dir}; run \`hardhat build\` first`);
  process.exit(2);
}
const own = (file: string | undefined) =>
  file !== undefined && /^(project\/)?(contracts|test)\//.test(file);
// Test contracts are never deployed to a real chain: like Hardhat, allow them to exceed the
// EIP-170 / EIP-3860 size limits. Every other warning counts, in contracts/ and test/ alike.
const sizeOnlyInTests = (e: SolcError) =>
  /^(project\/)?test\//.test(e.sourceLocation?.file ?? "") && /Contract (code|initcode) size is/.test(e.formattedMessage);
const warnings: string[] = [];
for (const f of files) {
  const { output } = JSON.parse(await readFile(path.join(dir, f), "utf8")) as { output: { errors?: SolcError[] } };
  for (const e of output.errors ?? []) {
    if (e.severity === "warning" && own(e.sourceLocation?.file) && !sizeOnlyInTests(e)) warnings.push(e.formattedMessage);
  }
}
if (warnings.length > 0) {
  console.error(`Solidity warnings are errors in Motif (${warnings.length}):\n`);
  for (const w of new Set(warnings)) console.error(w);
  process.exit(1);
}
console.log(`solc: no warnings in contracts/ or test/ (${files.length} build-info file(s) checked)`);
