import { expect } from "chai";

import { CheckTimeRangeError, MAX_CHECK_TIME, checkTime } from "@motif/sdk";

describe("checkTime: the uint48 time a licence check takes", () => {
  it("passes unix seconds through and defaults to now", () => {
    expect(checkTime(1_750_000_000n)).to.equal(1_750_000_000);
    expect(checkTime(0n)).to.equal(0);
    expect(checkTime(MAX_CHECK_TIME)).to.equal(2 ** 48 - 1);
    const now = Math.floor(Date.now() / 1000);
    expect(checkTime()).to.be.within(now - 5, now + 5);
  });

  it("refuses a time the contract cannot take, naming it and the range", () => {
    for (const bad of [-1n, 2n ** 48n, 2n ** 64n]) {
      expect(() => checkTime(bad)).to.throw(CheckTimeRangeError, `time ${bad} is outside 0..281474976710655`);
    }
  });
});
