// Integrators on another 0.8 compiler import Motif's interfaces, libraries and types: every file under
// contracts/{interfaces,libraries,types} declares `pragma solidity ^0.8.20`, and solc 0.8.20 itself
// (the `solc0820` dev dependency, `npm:solc@0.8.20`: soljson from the npm registry, no download)
// compiles them and an integrator contract that asks `isLicensed` through `IMotifLicensing`.
import { readFile, readdir } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";

import { expect } from "chai";

const require = createRequire(import.meta.url);
const ROOT = process.cwd();
const SHARED = ["interfaces", "libraries", "types"];

type SolcOutput = { errors?: Array<{ severity: string; formattedMessage: string }>; contracts?: Record<string, Record<string, { abi: unknown[] }>> };

async function sharedSources(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const dir of SHARED) {
    for (const f of (await readdir(path.join(ROOT, "contracts", dir))).filter((x) => x.endsWith(".sol")).sort()) {
      out.set(`contracts/${dir}/${f}`, await readFile(path.join(ROOT, "contracts", dir, f), "utf8"));
    }
  }
  return out;
}

describe("Solidity interfaces, libraries and types compile on another 0.8 compiler", function () {
  this.timeout(240_000);

  it("every file under interfaces/, libraries/ and types/ says `pragma solidity ^0.8.20;`", async () => {
    const sources = await sharedSources();
    expect(sources.size).to.be.greaterThan(10);
    for (const [file, text] of sources) {
      const pragmas = [...text.matchAll(/^\s*pragma\s+solidity\s+([^;]+);/gm)].map((m) => m[1]!.trim());
      expect(pragmas, file).to.deep.equal(["^0.8.20"]);
    }
  });

  it("solc 0.8.20 compiles them, and an integrator contract asking isLicensed through IMotifLicensing", async () => {
    const solc = require("solc0820") as { version(): string; compile(input: string, opts: { import: (p: string) => { contents: string } | { error: string } }): string };
    expect(solc.version()).to.match(/^0\.8\.20\+/);
    const sources: Record<string, { content: string }> = {};
    for (const [file, text] of await sharedSources()) sources[file] = { content: text };
    sources["integrator/Gate.sol"] = {
      content: `// SPDX-License-Identifier: MIT
pragma solidity 0.8.20;
import {IMotifLicensing} from "../contracts/interfaces/IMotifLicensing.sol";
contract Gate {
    IMotifLicensing public immutable licensing;
    constructor(IMotifLicensing l) { licensing = l; }
    function allowed(uint256 tokenId, uint256 region) external view returns (bool ok) {
        (ok,) = licensing.isLicensed(tokenId, msg.sender, region, uint48(block.timestamp));
    }
}
`,
    };
    const input = { language: "Solidity", sources, settings: { outputSelection: { "*": { "*": ["abi"] } } } };
    const importFile = (p: string) => {
      const rel = p.startsWith("integrator/../") ? p.slice("integrator/../".length) : p;
      const full = rel.startsWith("@openzeppelin/") ? path.join(ROOT, "node_modules", rel) : path.join(ROOT, rel);
      try {
        return { contents: require("node:fs").readFileSync(full, "utf8") as string };
      } catch {
        return { error: `not found: ${p}` };
      }
    };
    const out = JSON.parse(solc.compile(JSON.stringify(input), { import: importFile })) as SolcOutput;
    const errors = (out.errors ?? []).filter((e) => e.severity === "error").map((e) => e.formattedMessage);
    expect(errors, errors.join("\n")).to.deep.equal([]);
    const gate = out.contracts?.["integrator/Gate.sol"]?.["Gate"];
    expect(gate?.abi.some((x) => (x as { name?: string }).name === "allowed")).to.equal(true);
    expect(out.contracts?.["contracts/interfaces/IMotifLicensing.sol"]?.["IMotifLicensing"]).to.not.equal(undefined);
  });
});
