import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";

import { ALL_PRODUCT_CLASSES, MotifLicensingConstants, UnknownProductClassError, niceClass, productClassLabel, productClassMask, productClassMaskLabel, productClassesOf } from "@motif/sdk";

type Row = { bit: number; niceClass: number; kind: string; heading: string; textileExamples: string };

const copyPath = path.join(process.cwd(), "sdk", "src", "productClasses", "product-classes-v1.json");
const specPath = path.join(process.cwd(), "..", "shared", "spec", "product-classes-v1.json");
const FROZEN_SHA256 = "59b08bdbb565af7671feea93691ce3a0eb7a27561730cfea2439415b57cb046b";

describe("product-class table v1 (committed copy of the WIPO Nice classes)", () => {
  const table = JSON.parse(readFileSync(copyPath, "utf8")) as { version: number; classes: Row[] };

  it("has the 45 Nice classes, bit = class − 1, goods 1..34 and services 35..45", () => {
    expect(table.version).to.equal(1);
    expect(table.classes).to.have.length(45);
    table.classes.forEach((c, i) => {
      expect(c.bit, `class ${c.niceClass}`).to.equal(i);
      expect(c.niceClass).to.equal(i + 1);
      expect(c.kind).to.equal(c.niceClass <= 34 ? "goods" : "services");
      expect(c.heading.length).to.be.greaterThan(3);
    });
    // the classes textile licences name, by their WIPO headings
    expect(table.classes[23]!.heading).to.match(/^Textiles/);
    expect(table.classes[24]!.heading).to.match(/^Clothing/);
    expect(table.classes[26]!.heading).to.match(/wall/i);
  });

  it("is byte for byte the frozen spec: its pinned sha-256, and the spec itself where it is beside the checkout", () => {
    const bytes = readFileSync(copyPath);
    expect(createHash("sha256").update(bytes).digest("hex")).to.equal(FROZEN_SHA256);
    if (existsSync(specPath)) expect(bytes.equals(readFileSync(specPath))).to.equal(true);
  });

  it("the contracts agree: ProductClassMask covers exactly these 45 bits", () => {
    expect(ALL_PRODUCT_CLASSES).to.equal((1n << 45n) - 1n);
    expect(MotifLicensingConstants.MAX_SALES_ROYALTY_BPS).to.equal(5000);
  });

  it("names classes by number or word, and refuses what the table does not have, in words", () => {
    expect(niceClass(24)).to.equal(24);
    expect(niceClass("class 25")).to.equal(25);
    expect(niceClass("Bedding")).to.equal(24);
    expect(niceClass("wallpaper")).to.equal(27);
    expect(productClassMask(["bedding", 25])).to.equal((1n << 23n) | (1n << 24n));
    expect(productClassesOf((1n << 23n) | (1n << 26n)).map((c) => c.niceClass)).to.deep.equal([24, 27]);
    expect(productClassLabel(24)).to.match(/^class 24 \(Textiles/);
    expect(productClassMaskLabel(ALL_PRODUCT_CLASSES)).to.equal("all 45 classes");
    expect(productClassMaskLabel(1n << 50n)).to.match(/reserved/);
    for (const bad of [0, 46, "class 99", "curtains?", 24.5]) {
      expect(() => niceClass(bad), String(bad)).to.throw(UnknownProductClassError, /Nice class numbers 1\.\.45/);
    }
  });
});
