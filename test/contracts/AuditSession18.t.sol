// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {Offer} from "../../contracts/types/License.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Audit of session 18 (95d3695..3a8999f): `isLicensed` / `requireLicensed` take their time as
/// a `uint48` while licence windows are stored as `uint40` (`PERPETUAL` = 2^40 - 1 = "never ends").
/// Each `test_finding_*` FAILS on the audited code; `test_held_*` are the probes that held.
contract AuditSession18Test is LicensingFixture {
    // F2 (low, contracts + SDK). Promised: a window whose `end == PERPETUAL` "never ends"
    // (MotifLicensing storage-layout doc, GrantSlot `end` field), and the check takes any `uint48`
    // time (the SDK's checkTime accepts 0..2^48-1, "about 8.9 million years"). Observed: at every
    // time >= PERPETUAL (2^40 - 1, year 36812) a perpetual licence answers `isLicensed` false and
    // `requireLicensed` reverts `MotifLicensingExpired(id, end = PERPETUAL, time)` (which the SDK
    // words "ended at never (perpetual)"): `coversTime` / `_whyNot` compare `time >= end` without
    // treating PERPETUAL as open-ended. 2^48 - 2^40 of the accepted uint48 range answers wrongly.
    // Fix: `end != PERPETUAL && time >= end` in GrantSlot.coversTime and _whyNot (or clamp the time
    // to PERPETUAL - 1 before comparing), and test a perpetual licence at type(uint48).max.
    function test_finding_perpetualLicence_notLicensedAtUint48TimesFromPerpetualOn() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.window = _absolute(0, licensing.PERPETUAL());
        uint256 id = _accept(_publish(o), bob, 0);

        (bool ok, uint256 got) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(ok, "licensed now");
        assertEq(got, id, "this licence");
        (ok,) = licensing.isLicensed(tokenId, bob, FR, uint48(licensing.PERPETUAL()) - 1);
        assertTrue(ok, "licensed one second before PERPETUAL");

        (ok,) = licensing.isLicensed(tokenId, bob, FR, uint48(licensing.PERPETUAL()));
        assertTrue(ok, "a perpetual licence at time PERPETUAL (2^40 - 1)");
        (ok,) = licensing.isLicensed(tokenId, bob, FR, uint48(1) << 40);
        assertTrue(ok, "a perpetual licence at 2^40");
        (ok,) = licensing.isLicensed(tokenId, bob, FR, type(uint48).max);
        assertTrue(ok, "a perpetual licence at the largest uint48 time");
        assertEq(licensing.requireLicensed(tokenId, bob, FR, type(uint48).max), id, "requireLicensed at the largest uint48 time");
    }

    /// The same, fuzzed over the whole uint48 range: a perpetual licence covers every time from its
    /// start on.
    function testFuzz_finding_perpetualLicence_coversEveryUint48TimeAfterItsStart(uint48 time) public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.window = _absolute(0, licensing.PERPETUAL());
        uint256 id = _accept(_publish(o), bob, 0);
        time = uint48(bound(time, block.timestamp, type(uint48).max));
        (bool ok, uint256 got) = licensing.isLicensed(tokenId, bob, FR, time);
        assertTrue(ok, "perpetual covers it");
        assertEq(got, id, "this licence");
    }

    // --- held --------------------------------------------------------------------------------------

    /// A bounded window answers right across 2^40..2^48 (past any uint40 end: expired, never a wrap
    /// of the uint48 time into the uint40 window).
    function test_held_boundedWindow_expiredForEveryTimePastUint40() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.window = _absolute(block.timestamp, licensing.PERPETUAL() - 1);
        uint256 id = _accept(_publish(o), bob, 0);
        uint48[4] memory times = [uint48(licensing.PERPETUAL()) - 1, uint48(1) << 40, (uint48(1) << 40) + uint48(block.timestamp), type(uint48).max];
        for (uint256 i; i < times.length; ++i) {
            (bool ok,) = licensing.isLicensed(tokenId, bob, FR, times[i]);
            assertFalse(ok, "past the end");
            vm.expectRevert(
                abi.encodeWithSelector(IMotifLicensing.MotifLicensingExpired.selector, id, licensing.PERPETUAL() - 1, times[i])
            );
            licensing.requireLicensed(tokenId, bob, FR, times[i]);
        }
        (bool inside,) = licensing.isLicensed(tokenId, bob, FR, uint48(licensing.PERPETUAL()) - 2);
        assertTrue(inside, "the last second inside");
    }
}
