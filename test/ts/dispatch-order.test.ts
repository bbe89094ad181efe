import { expect } from "chai";
import { type AbiFunction, toFunctionSelector } from "viem";

import { motifLicensingAbi } from "@motif/sdk";

/**
 * solc's via-IR pipeline dispatches external calls by comparing the selector with every function's
 * in ascending order (argotorg/solidity#12688), about 24 gas per comparison. `isLicensed`, the check
 * other contracts ask, is kept near the front: its `uint48 time` signature's selector sorts before
 * all but a few of MotifLicensing's functions (`npm run bench`: 5.8k gas from a contract, goal 6k;
 * with `uint256 time`, 36 functions sorted before it and it cost 6.4k).
 */
describe("MotifLicensing dispatch order: isLicensed stays near the front of the selector table", () => {
  const functions = motifLicensingAbi.filter((x): x is AbiFunction & typeof x => x.type === "function");
  const selector = (f: AbiFunction) => toFunctionSelector(f);

  it("isLicensed(uint256,address,uint256,uint48) has selector 0x26c7491f", () => {
    const f = functions.find((x) => x.name === "isLicensed")!;
    expect(`${f.name}(${f.inputs.map((i) => i.type).join(",")})`).to.equal("isLicensed(uint256,address,uint256,uint48)");
    expect(selector(f)).to.equal("0x26c7491f");
  });

  it("at most 8 functions are compared before it (a new one sorting below 0x26c7491f costs every check ~24 gas)", () => {
    const before = functions.filter((f) => selector(f) < "0x26c7491f").map((f) => `${selector(f)} ${f.name}`).sort();
    expect(before.length, `sorted before isLicensed:\n${before.join("\n")}`).to.be.at.most(8);
  });
});
