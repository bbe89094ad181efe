import { expect } from "chai";

import type { StoryReport } from "../../../scripts/lib/demo-story.js";

/**
 * The demo's --json report (what these tests read of it) and what every run must show, whatever
 * stack it ran on: demo.test.ts (a stack of its own) and readme.test.ts (the README's `npm run -s
 * demo -- --json` against a running `npm start`).
 */
export type Report = {
  ranAgainst: string;
  model: { newlyRegistered: boolean; royaltyBps: number };
  batch: Array<{ status: string; label: string; refusedBecause?: { distance: number } }>;
  copies: Array<{ label: string; cleared: boolean; match?: { signal: string; transform: string } }>;
  usage: { allowed: { region: string }; refused: { region: string; error: string; reason: string } };
  textile: StoryReport["textile"];
  royalties: { settled: unknown[]; withdrawn: Array<{ who: string }> };
  audit: { passed: boolean; summary: string; items: Array<{ id: string; status: string; reason?: string; evidence: Record<string, unknown> }> };
  dataset: { members: string[]; refused: Array<{ reason: string }>; verified: boolean; datasetId: string; certifiedBy: string };
  recipe: { recipeId: string; shareBps: number; pattern: string; refused: { reason: string }; split: { total: string; owner: string; model: string; recipe: string; protocol: string } };
  trainedModel: { training: { datasetId: string }; split: Record<string, string>; curator: string; audit: { passed: boolean; chain: Array<{ id: string; status: string; reason?: string }> } };
};

export function checkStory(r: Report, patterns: number) {
  expect(r.batch).to.have.length(patterns + 1);
  expect(r.batch.filter((b) => b.status === "minted")).to.have.length(patterns);
  const refused = r.batch.filter((b) => b.status === "refused");
  expect(refused).to.have.length(1);
  expect(refused[0]!.label).to.contain("near-duplicate");
  expect(refused[0]!.refusedBecause!.distance).to.be.at.most(31);
  // a copier's dodges of PDQ (another tile origin; rotated and shifted) are refused by the tile hash
  expect(r.copies.map((c) => c.label)).to.have.length(2);
  for (const c of r.copies) {
    expect(c.cleared, c.label).to.equal(false);
    expect(c.match!.signal, c.label).to.equal("tile");
  }
  expect(r.copies[1]!.match!.transform).to.match(/rotated 90°/);
  expect(r.usage.refused).to.include({ region: "US", error: "MotifLicensingRegionNotAllowed" });
  expect(r.usage.refused.reason).to.contain("United States");
  // the textile deal: bedding only (Nice 24), exclusive in the EU for 730 days, 0.02 ETH and a 0.01 ETH
  // advance at acceptance, 5% of net sales: 0.1 ETH of sales accrue 0.005 ETH (from the advance), 0.3 ETH
  // more accrue 0.015 ETH (the advance's last 0.005 ETH, then 0.01 ETH paid)
  expect(r.textile).to.deep.include({ classes: "class 24 (Textiles and substitutes for textiles)", regions: "the 27 EU member states", days: 730, price: "0.02 ETH", advance: "0.01 ETH", salesRoyalty: "5%", paidAtAcceptance: "0.03 ETH", netSalesTotal: "0.4 ETH" });
  expect(r.textile.licensedFor).to.deep.equal({ bedding: true, clothing: false });
  // its colourway, minted into the design's family, is covered by the all-colourways licence
  expect(r.textile.colourway.designId).to.equal(r.textile.tokenId);
  expect(r.textile.colourway.tokenId).to.not.equal(r.textile.tokenId);
  expect(r.textile.colourway.licensedForBedding).to.equal(true);
  expect(r.textile.reports).to.deep.equal([
    { region: "FR", niceClass: 24, units: "1000", netSales: "0.1 ETH", royalty: "0.005 ETH", fromAdvance: "0.005 ETH", paid: "0 ETH", advanceRemaining: "0.005 ETH" },
    { region: "DE", niceClass: 24, units: "2500", netSales: "0.3 ETH", royalty: "0.015 ETH", fromAdvance: "0.005 ETH", paid: "0.01 ETH", advanceRemaining: "0 ETH" },
  ]);
  expect(r.textile.terms.slice(0, 4)).to.deep.equal([
    "Exclusive, commercial licence in the 27 EU member states, for class 24 (Textiles and substitutes for textiles). Exclusive in those regions for those classes: no other licence of the pattern may share a region and a class with it while it runs. Covers the design and every colourway of it, present and future.",
    "Runs for 730 days from the moment you accept.",
    "Price 0.02 ETH, plus 5% of net sales. An advance of 0.01 ETH paid at acceptance, recouped against royalties before any is charged (0.03 ETH in all at acceptance).",
    "no derivatives; no AI training; not sublicensable; not transferable.",
  ]);
  expect(r.textile.terms[4]).to.equal(`Only ${r.textile.licensee} may accept it (a deal negotiated with that buyer); anyone else is refused.`);
  expect(r.royalties.settled).to.have.length(2);
  expect(r.royalties.withdrawn.map((w) => w.who)).to.include.members(["certificate owner (creator)", "model owner (studio)"]);
  expect(r.dataset.members).to.have.length(1);
  expect(r.dataset.refused).to.have.length(1);
  expect(r.dataset.refused[0]!.reason).to.contain("MotifLicensingNotLicensed");
  expect(r.dataset.verified).to.equal(true);
  expect(r.dataset.datasetId).to.match(/^0x[0-9a-f]{64}$/);
  // recipe: the unlicensed licensee refused with the contract's reason; a 0.04 ETH sale of the pattern
  // made from it split: model 10% and recipe 15% of the 0.04 (no protocol fee set), the owner the rest
  expect(r.recipe.refused.reason).to.contain("may not render from recipe").and.contain("MotifLicensingNotLicensed");
  expect(r.recipe.split).to.deep.equal({ total: "0.04 ETH", owner: "0.03 ETH", model: "0.004 ETH", recipe: "0.006 ETH", protocol: "0 ETH" });
  // a studio model trained on the dataset (licensed for AI training): a 0.03 ETH sale of its pattern pays
  // the model owner 10% and the dataset's curator its 20% share; the audit re-trains it and gets its weights
  expect(r.trainedModel.training.datasetId).to.equal(r.dataset.datasetId);
  expect(r.trainedModel.split).to.deep.equal({ total: "0.03 ETH", owner: "0.021 ETH", model: "0.003 ETH", recipe: "0 ETH", dataset: "0.006 ETH", protocol: "0 ETH" });
  expect(r.trainedModel.curator).to.equal(r.dataset.certifiedBy);
  expect(r.trainedModel.audit.chain.map((i) => [i.id, i.status, i.reason])).to.deep.equal(["model", "modelStatus", "modelCard", "training", "retraining", "rerender"].map((id) => [id, "passed", undefined]));
  expect(r.trainedModel.audit.passed).to.equal(true);
  expect(r.audit.passed).to.equal(true);
  expect(r.audit.items.map((i) => i.id)).to.deep.equal(["attestation", "metadata", "model", "modelStatus", "modelCard", "training", "image", "pdq", "tile", "rerender", "editLog", "licenses"]);
  for (const i of r.audit.items) expect(i.status, `${i.id}: ${i.reason}`).to.equal("passed");
  expect(r.audit.summary).to.equal("verified");
}
