/** The deployment record the SDK owns: `parseDeploymentRecord` checks a `deployments/<chainId>.json`, `addressesOf` maps it. */
import { expect } from "chai";
import { readFileSync } from "node:fs";

import { DeploymentRecordError, addressesOf, parseDeploymentRecord } from "@motif/sdk";

const recorded = JSON.parse(readFileSync("deployments/31337.json", "utf8")) as Record<string, any>;

describe("deployment record (sdk/src/deployment.ts)", () => {
  it("reads the committed record and maps its contracts to the SDK's address set", () => {
    const r = parseDeploymentRecord(recorded, "deployments/31337.json");
    expect(r.chainId).to.equal(31337);
    expect(r.startBlock).to.equal(recorded.startBlock);
    expect(addressesOf(r)).to.deep.equal({ certificate: recorded.contracts.MotifCertificate, registry: recorded.contracts.MotifModelRegistry, licensing: recorded.contracts.MotifLicensing });
  });

  it("refuses a record with a bad field, naming the file, the field and what it holds", () => {
    const bad = (patch: (r: Record<string, any>) => void) => {
      const r = structuredClone(recorded);
      patch(r);
      return () => parseDeploymentRecord(r, "deployments/10.json");
    };
    expect(bad((r) => (r.contracts.MotifLicensing = "0x12"))).to.throw(DeploymentRecordError, /deployments\/10\.json: contracts\.MotifLicensing: expected an address, got "0x12"/);
    expect(bad((r) => (r.startBlock = -1))).to.throw(DeploymentRecordError, /startBlock: expected a non-negative integer, got -1/);
    expect(bad((r) => delete r.attesters)).to.throw(DeploymentRecordError, /attesters: expected a list of addresses/);
    expect(bad((r) => (r.chainId = "31337"))).to.throw(DeploymentRecordError, /chainId: expected a non-negative integer, got "31337"/);
  });
});
