// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../../contracts/interfaces/IMotifLicensing.sol";
import {Exclusivity} from "../../../contracts/libraries/Exclusivity.sol";
import {ProductClassMask} from "../../../contracts/libraries/ProductClassMask.sol";
import {MotifTest} from "../utils/MotifTest.sol";

/// @dev One certificate's book behind external calls, so a revert is one call deep.
contract ExclusivityHarness {
    using Exclusivity for Exclusivity.Book;

    Exclusivity.Book internal _book;

    /// @dev A claim in every product class.
    function reserve(uint256 regions, uint40 start, uint40 end, bool exclusive, uint256 licenseId) external {
        _book.reserve(7, regions, uint48(ProductClassMask.ALL), start, end, exclusive, licenseId);
    }

    function reserveIn(uint256 regions, uint48 classes, uint40 start, uint40 end, bool exclusive, uint256 licenseId)
        external
    {
        _book.reserve(7, regions, classes, start, end, exclusive, licenseId);
    }

    function release(uint256 licenseId) external {
        _book.release(licenseId);
    }

    function rename(uint256 fromId, uint256 toId) external {
        _book.rename(fromId, toId);
    }

    function used() external view returns (uint8) {
        return _book.used;
    }

    function entry(uint256 i) external view returns (Exclusivity.Entry memory) {
        return _book.entries[i];
    }
}

/// @dev The oracle is a naive book: every reservation the library accepted, checked pairwise.
contract ExclusivityTest is MotifTest {
    uint40 internal constant T = 1_800_000_000;
    ExclusivityHarness internal h;

    struct Claim {
        uint256 regions;
        uint48 classes;
        uint40 start;
        uint40 end;
        bool exclusive;
    }

    Claim[] internal accepted;

    function setUp() public {
        vm.warp(T);
        h = new ExclusivityHarness();
    }

    function test_reserve_exclusiveOverlapsExclusive_reverts() public {
        h.reserve(0x3, T, T + 100, true, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingExclusiveConflict.selector, 7, 1, 0x2, ProductClassMask.ALL, T, T + 100)
        );
        h.reserve(0x6, T + 50, T + 150, true, 2);
    }

    function test_reserve_nonExclusiveInsideExclusive_reverts() public {
        h.reserve(0x1, T, T + 100, true, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingExclusiveConflict.selector, 7, 1, 0x1, ProductClassMask.ALL, T, T + 100)
        );
        h.reserve(0x1, T + 99, T + 200, false, 2);
    }

    function test_reserve_exclusiveOverGrant_reverts() public {
        h.reserve(0x1, T, T + 100, false, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingGrantConflict.selector, 7, 0x1, ProductClassMask.ALL, T, T + 100)
        );
        h.reserve(0x1, T + 10, T + 20, true, 2);
    }

    function test_reserve_adjacentWindows_allowed() public {
        h.reserve(0x1, T, T + 100, true, 1);
        h.reserve(0x1, T + 100, T + 200, false, 2); // half-open windows: they touch, never overlap
        h.reserve(0x2, T, T + 100, true, 3); // another region
    }

    function test_reserve_ninthLiveExclusive_reverts() public {
        for (uint256 i; i < 8; ++i) h.reserve(uint256(1) << i, T, T + 100, true, i + 1);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingExclusiveLimit.selector, 7, 8));
        h.reserve(uint256(1) << 9, T, T + 100, true, 99);
        vm.warp(T + 100); // all ended: their entries are reused
        h.reserve(uint256(1) << 9, T + 100, T + 200, true, 99);
    }

    function test_release_freesTheRegions() public {
        h.reserve(0x1, T, T + 100, true, 1);
        h.release(1);
        assertEq(h.used(), 0, "entry freed");
        h.reserve(0x1, T, T + 100, true, 2);
    }

    function test_rename_movesTheEntry() public {
        h.reserve(0x1, T, T + 100, true, 1);
        h.rename(1, 5);
        assertEq(h.entry(0).licenseId, 5, "renamed");
        h.release(5);
        assertEq(h.used(), 0, "released under its new id");
    }

    function test_reserve_renewalExtendsItsOwnEntry() public {
        h.reserve(0x1, T, T + 100, true, 1);
        h.reserve(0x1, T + 100, T + 200, true, 1); // the renewal of license 1
        assertEq(h.entry(0).end, T + 200, "extended");
        assertEq(h.used(), 1, "one entry");
    }

    uint48 internal constant LINEN = uint48(1) << 23; // Nice class 24
    uint48 internal constant CLOTHES = uint48(1) << 24; // Nice class 25

    function test_reserve_exclusiveInOtherClass_allowed() public {
        h.reserveIn(0x1, LINEN, T, T + 100, true, 1);
        h.reserveIn(0x1, CLOTHES, T, T + 100, true, 2); // same region and window, another field of use
        // a non-exclusive licence for both fields of use meets licence 1 first (linen)
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingExclusiveConflict.selector, 7, 1, 0x1, LINEN, T, T + 100)
        );
        h.reserveIn(0x1, LINEN | CLOTHES, T + 10, T + 20, false, 4);
    }

    function test_reserve_exclusiveOverGrantInOtherClass_allowed() public {
        h.reserveIn(0x1, CLOTHES, T, T + 100, false, 1);
        h.reserveIn(0x1, LINEN, T, T + 100, true, 2);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingGrantConflict.selector, 7, 0x1, CLOTHES, T, T + 100)
        );
        h.reserveIn(0x1, CLOTHES, T + 10, T + 20, true, 3);
    }

    function test_raiseBlockEnds_roundsUpToTheDay() public pure {
        uint256 ends = Exclusivity.raiseBlockEnds(0, uint256(1) << 232, T); // US: block 14
        assertEq((ends >> (14 * 16)) & 0xffff, (uint256(T) + 1 days - 1) / 1 days, "block 14 raised");
        assertEq(ends & ~(uint256(0xffff) << (14 * 16)), 0, "other blocks untouched");
        ends = Exclusivity.raiseBlockEnds(ends, uint256(1) << 232, Exclusivity.PERPETUAL);
        assertEq((ends >> (14 * 16)) & 0xffff, 0xffff, "never");
        assertEq(Exclusivity.liveGrantRegions(ends, uint256(1) << 233, T), uint256(1) << 233, "same block: live");
    }

    /// hardhat-config: fuzz.runs = 128
    /// Soundness against the naive book: whatever the library accepts conflicts with nothing it
    /// accepted before (exclusive vs. anything, in both directions); and a non-exclusive claim is
    /// refused exactly when it meets a live exclusive one (the exclusive side is exact).
    function testFuzz_reserve_neverLetsAConflictThrough(uint256 seed) public {
        for (uint256 i; i < 12; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            Claim memory c = Claim({
                regions: (uint256(1) << (r % 6)) | (uint256(1) << ((r >> 8) % 6)),
                classes: uint48(1 + (r >> 48) % 7) << 23, // classes 24, 25, 26 in every combination
                start: uint40(T + (r >> 16) % 500),
                end: 0,
                exclusive: (r >> 32) % 3 == 0
            });
            c.end = c.start + uint40(1 + (r >> 40) % 400);
            bool conflictsWithExclusive;
            bool conflicts;
            for (uint256 j; j < accepted.length; ++j) {
                Claim memory a = accepted[j];
                bool meet =
                    a.regions & c.regions != 0 && a.classes & c.classes != 0 && a.start < c.end && c.start < a.end;
                if (meet && (a.exclusive || c.exclusive)) conflicts = true;
                if (meet && a.exclusive) conflictsWithExclusive = true;
            }
            (bool ok,) = address(h).call(abi.encodeCall(h.reserveIn, (c.regions, c.classes, c.start, c.end, c.exclusive, i + 1)));
            if (ok) {
                assertFalse(conflicts, "accepted a conflicting claim");
                accepted.push(c);
            } else if (!c.exclusive) {
                assertTrue(conflictsWithExclusive, "refused a non-exclusive claim that meets no exclusive one");
            }
        }
    }
}
