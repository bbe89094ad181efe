// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifRegions} from "../../../contracts/interfaces/IMotifRegions.sol";
import {RegionMask} from "../../../contracts/libraries/RegionMask.sol";
import {MotifTest} from "../utils/MotifTest.sol";

/// @dev External wrappers so library reverts happen one call deep, where `expectRevert` sees them.
contract RegionMaskHarness {
    function bit(uint256 region) external pure returns (uint256) {
        return RegionMask.bit(region);
    }

    function contains(uint256 mask, uint256 region) external pure returns (bool) {
        return RegionMask.contains(mask, region);
    }

    function validate(uint256 mask) external pure {
        RegionMask.validate(mask);
    }
}

contract RegionMaskTest is MotifTest {
    RegionMaskHarness internal h = new RegionMaskHarness();

    function test_constants_matchTableV1() public pure {
        assertEq(RegionMask.REGION_COUNT, 249, "249 officially assigned alpha-2 codes");
        assertEq(RegionMask.MAX_REGION, 248, "last index");
        assertEq(RegionMask.count(RegionMask.ALL), 249, "ALL has every region");
    }

    function test_bit_lastRegion() public view {
        assertEq(h.bit(248), uint256(1) << 248, "bit 248");
        assertEq(h.bit(0), 1, "bit 0");
    }

    function test_bit_reservedIndex_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionInvalid.selector, 249, 248));
        h.bit(249);
    }

    function test_validate_empty_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskEmpty.selector));
        h.validate(0);
    }

    function test_validate_reservedBit_reverts() public {
        uint256 mask = (uint256(1) << 255) | 1;
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskReserved.selector, mask, 248));
        h.validate(mask);
    }

    function testFuzz_contains_agreesWithShift(uint256 mask, uint8 region) public {
        if (region > 248) {
            vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionInvalid.selector, region, 248));
            h.contains(mask, region);
        } else {
            assertEq(h.contains(mask, region) ? 1 : 0, (mask >> region) & 1, "membership");
        }
    }

    function testFuzz_validate_acceptsExactlyAssignedMasks(uint256 mask) public {
        if (mask == 0) vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskEmpty.selector));
        else if (mask >> 249 != 0) {
            vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskReserved.selector, mask, 248));
        }
        h.validate(mask);
    }

    function testFuzz_intersects_symmetric(uint256 a, uint256 b) public pure {
        assertEq(RegionMask.intersects(a, b) ? 1 : 0, RegionMask.intersects(b, a) ? 1 : 0, "symmetric");
        assertEq(RegionMask.intersects(a, b) ? 1 : 0, a & b != 0 ? 1 : 0, "shared bit");
    }

    function testFuzz_count_popcount(uint256 mask) public pure {
        uint256 n;
        for (uint256 i; i < 256; ++i) n += (mask >> i) & 1;
        assertEq(RegionMask.count(mask), n, "popcount");
    }
    function testFuzz_has_agreesWithContainsInsideTheTable(uint256 mask, uint8 region) public view {
        if (region > RegionMask.MAX_REGION) {
            // past the table: a validated mask has no such bit, so `has` says no
            assertFalse(RegionMask.has(mask & RegionMask.ALL, region), "past the table");
        } else {
            assertEq(RegionMask.has(mask, region) ? 1 : 0, h.contains(mask, region) ? 1 : 0, "has = contains");
        }
    }

    /// Oracle: the blocks read bit by bit, region by region.
    function testFuzz_blockOf_isTheSixteenRegionsOfTheBlock(uint256 mask, uint8 b) public pure {
        b = uint8(b % RegionMask.BLOCKS);
        uint256 expected;
        for (uint256 i; i < 16; ++i) {
            if ((mask >> (16 * uint256(b) + i)) & 1 == 1) expected |= 1 << i;
        }
        assertEq(RegionMask.blockOf(mask, b), expected, "block bits");
    }

    function testFuzz_withBlock_replacesOnlyThatBlock(uint256 word, uint8 b, uint256 value) public pure {
        b = uint8(b % RegionMask.BLOCKS);
        uint256 w = RegionMask.withBlock(word, b, value);
        for (uint256 c; c < RegionMask.BLOCKS; ++c) {
            uint256 want = c == b ? value & 0xffff : RegionMask.blockOf(word, c);
            assertEq(RegionMask.blockOf(w, c), want, "block");
        }
    }

    function test_blockOf_usIsInBlock14() public pure {
        uint256 us = uint256(1) << 232; // US: bit 232 of the frozen table = block 14, bit 8
        assertEq(RegionMask.blockOf(us, 14), 1 << 8, "US in block 14");
        assertEq(RegionMask.blockOf(us, 13), 0, "not in block 13");
    }
}
