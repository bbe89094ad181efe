import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

type Region = { bit: number; alpha2: string; alpha3: string; numeric: string; name: string };

const copyPath = path.join(process.cwd(), "sdk", "src", "regions", "regions-v1.json");
const specPath = path.join(process.cwd(), "..", "shared", "spec", "regions-v1.json");
const debianPath = "/usr/share/iso-codes/json/iso_3166-1.json";
const FROZEN_SHA256 = "1cb1f83968941be37e0c48a2cd7e7ebe1aea39a6743812234359db4ef76f6280";

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

  it("is byte for byte the frozen spec: its pinned sha-256, and the spec itself where it is beside the checkout", () => {
    // The digest of shared/spec/regions-v1.json as frozen for protocol version 1 (recorded in
    // sdk/src/regions/README.md): any edit of the copy fails here, with or without ../shared.
    const bytes = readFileSync(copyPath);
    expect(createHash("sha256").update(bytes).digest("hex")).to.equal(FROZEN_SHA256);
    if (existsSync(specPath)) expect(bytes.equals(readFileSync(specPath))).to.equal(true);
  });

  it("has the codes of Debian iso-codes 4.15.0 (the spec's source), where the package is installed", function () {
    // .ci/run installs iso-codes; the codes (not the display names, which the spec shortens) must agree.
    if (!existsSync(debianPath)) this.skip();
    const debian = (JSON.parse(readFileSync(debianPath, "utf8")) as { "3166-1": { alpha_2: string; alpha_3: string; numeric: string }[] })["3166-1"];
    const codes = (rows: { a2: string; a3: string; n: string }[]) => rows.map((r) => `${r.a2}/${r.a3}/${r.n}`).sort();
    expect(codes(table.regions.map((r) => ({ a2: r.alpha2, a3: r.alpha3, n: r.numeric })))).to.deep.equal(codes(debian.map((r) => ({ a2: r.alpha_2, a3: r.alpha_3, n: r.numeric }))));
  });
});
