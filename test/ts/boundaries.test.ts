/**
 * The import-boundary check that `npm test` runs (scripts/check-boundaries.ts): it passes on the
 * repository, and it names every kind of import that breaks the one-way arrows in a tree made to
 * break them (an independent oracle: the violations planted, file by file).
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { checkBoundaries } from "../../scripts/check-boundaries.js";

describe("import boundaries (contracts → sdk → generator / web / scripts; the SDK by its package name)", () => {
  it("the repository has no import against the arrows and no path into the SDK", () => {
    expect(checkBoundaries(process.cwd())).to.deep.equal([]);
  });

  it("names each planted violation with its file, line and rule, and lets the allowed imports through", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "motif-boundaries-"));
    try {
      const file = (rel: string, text: string) => {
        mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
        writeFileSync(path.join(root, rel), text);
      };
      file("sdk/package.json", JSON.stringify({ name: "@motif/sdk", exports: { ".": "./dist/index.js", "./package.json": "./package.json" }, dependencies: { multiformats: "^14" }, peerDependencies: { viem: "^2" } }));
      file("generator/package.json", JSON.stringify({ name: "@motif/generator", dependencies: { "@motif/sdk": "0.1.0", sharp: "^0.35" } }));
      file("web/package.json", JSON.stringify({ name: "@motif/web", dependencies: { "@motif/sdk": "0.1.0" } }));
      file("package.json", JSON.stringify({ name: "motif", devDependencies: { chai: "^6", "@motif/sdk": "0.1.0", "@motif/generator": "0.1.0" } }));
      file("sdk/src/index.ts", `export * from "./a.js";\nimport { x } from "../../generator/src/g.js";\nimport { CID } from "multiformats/cid";\nimport { keccak256 } from "viem";\nimport { readFile } from "node:fs";\nimport { g } from "@motif/generator";\n`);
      file("sdk/src/a.ts", `export const a = 1;\nimport { c } from "@ipld/car";\n`);
      file("generator/src/g.ts", `import { a } from "@motif/sdk";\nimport { b } from "../../sdk/src/a.js";\nimport { c } from "../../scripts/lib/s.js";\nexport const x = 1;\nimport sharp from "sharp";\nimport { Queue } from "bullmq";\nimport { w } from "@motif/web";\nimport path from "path";\n`);
      file("generator/src/h.ts", `// import { a } from "../../sdk/src/a.js" (a comment, not an import)\nconst s = "../../sdk/src/a.js";\nconst m = await import("@motif/sdk/dist/internal.js");\nimport { p } from "@motif/sdk/package.json";\n`);
      file("web/src/w.ts", `import { x } from "../../generator/src/g.js";\nimport type { A } from "../../sdk/src/a.js";\n`);
      file("scripts/lib/s.ts", `import { x } from "../../generator/src/g.js";\nimport { a } from "@motif/sdk";\nexport const c = 1;\n`);
      file("test/t.test.ts", `import { y } from "../sdk/src/a.js";\nimport { x } from "../generator/src/g.js";\nimport { expect } from "chai";\nimport { g } from "@motif/generator";\nimport { m } from "mocha";\n`);
      const found = checkBoundaries(root).map((v) => `${v.file}:${v.line} ${v.specifier}`);
      expect(found).to.have.members([
        "sdk/src/index.ts:2 ../../generator/src/g.js",
        "generator/src/g.ts:2 ../../sdk/src/a.js",
        "generator/src/g.ts:3 ../../scripts/lib/s.js",
        "generator/src/h.ts:3 @motif/sdk/dist/internal.js",
        "web/src/w.ts:1 ../../generator/src/g.js",
        "web/src/w.ts:2 ../../sdk/src/a.js",
        "test/t.test.ts:1 ../sdk/src/a.js",
        // by package name: a workspace against the arrows, a package the layer's package.json does not declare
        "sdk/src/index.ts:6 @motif/generator",
        "sdk/src/a.ts:2 @ipld/car",
        "generator/src/g.ts:6 bullmq",
        "generator/src/g.ts:7 @motif/web",
        "test/t.test.ts:5 mocha",
      ]);
      const rules = checkBoundaries(root).map((v) => v.rule);
      expect(rules.join("\n")).to.match(/sdk must not import generator/).and.to.match(/reaches into the SDK by a path/).and.to.match(/exports no "\.\/dist\/internal\.js"/);
      expect(rules.join("\n")).to.match(/generator\/package\.json does not declare "bullmq"/).and.to.match(/sdk must not import @motif\/generator/);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
