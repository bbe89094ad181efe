import { expect } from "chai";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

type Region = { bit: number; alpha2: string; alpha3: string; numeric: string; name: string };

const copyPath = path.join(process.cwd(), "sdk", "src", "regions", "regions-v1.json");
const specPath = path.join(process.cwd(), "..", "shared", "spec", "regions-v1.json");

describe("region table v1 (committed copy)", () => {
  const table = JSON.parse(readFileSync(copyPath, "utf8")) as { version: number; regions: Region[] };

  it("has the 249 codes RegionMask.REGION_COUNT assumes, bit = position", () => {
    expect(table.version).to.equal(1);
    expect(table.regions).to.have.length(249);
    table.regions.forEach((r, i) => expect(r.bit, r.alpha2).to.equal(i));
  });

  it("lists unique alpha-2/alpha-3/numeric codes in alpha-2 order", () => {
    const alpha2 = table.regions.map((r) => r.alpha2);
    expect(alpha2).to.deep.equal([...alpha2].sort());
    expect(new Set(alpha2).size).to.equal(249);
    expect(new Set(table.regions.map((r) => r.alpha3)).size).to.equal(249);
    expect(new Set(table.regions.map((r) => r.numeric)).size).to.equal(249);
    for (const r of table.regions) {
      expect(r.alpha2).to.match(/^[A-Z]{2}$/);
      expect(r.alpha3).to.match(/^[A-Z]{3}$/);
      expect(r.numeric).to.match(/^\d{3}$/);
    }
  });

  it("equals the frozen spec byte for byte when the spec is beside the checkout", function () {
    if (!existsSync(specPath)) {
      // A clone without ../shared cannot compare; the shape checks above still hold the copy.
      expect(existsSync(copyPath)).to.equal(true);
      return;
    }
    expect(readFileSync(copyPath, "utf8")).to.equal(readFileSync(specPath, "utf8"));
  });
});
