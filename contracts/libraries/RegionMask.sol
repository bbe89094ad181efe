// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifRegions} from "../interfaces/IMotifRegions.sol";

/// @title RegionMask
/// @notice Allowed regions as a `uint256` bitmask. Bit `i` stands for the `i`-th ISO 3166-1 alpha-2
/// code of the frozen table `regions-v1.json` (249 codes, indices 0..248); bits 249..255 are reserved
/// for codes assigned later and are rejected until a new table version assigns them.
library RegionMask {
    /// @notice Number of regions in table version 1.
    uint256 internal constant REGION_COUNT = 249;
    /// @notice Highest valid region index in table version 1.
    uint256 internal constant MAX_REGION = REGION_COUNT - 1;
    /// @notice Mask with every assigned region set ("worldwide").
    uint256 internal constant ALL = (uint256(1) << REGION_COUNT) - 1;

    /// @notice The mask with only `region` set. Reverts with `MotifRegionInvalid` past the table.
    /// @param region Region bit index in the frozen table (0..248).
    function bit(uint256 region) internal pure returns (uint256) {
        if (region > MAX_REGION) revert IMotifRegions.MotifRegionInvalid(region, MAX_REGION);
        return uint256(1) << region;
    }

    /// @notice Whether `mask` allows `region`. Reverts with `MotifRegionInvalid` past the table.
    /// @param mask A region mask (bit i = region i of the frozen table).
    /// @param region Region bit index in the frozen table (0..248).
    function contains(uint256 mask, uint256 region) internal pure returns (bool) {
        return mask & bit(region) != 0;
    }

    /// @notice Whether two masks share a region.
    /// @param a A region mask.
    /// @param b Another region mask.
    function intersects(uint256 a, uint256 b) internal pure returns (bool) {
        return a & b != 0;
    }

    /// @notice Reverts unless `mask` is non-empty and uses assigned indices only.
    /// @param mask A region mask (bit i = region i of the frozen table).
    function validate(uint256 mask) internal pure {
        if (mask == 0) revert IMotifRegions.MotifRegionMaskEmpty();
        if (mask & ~ALL != 0) revert IMotifRegions.MotifRegionMaskReserved(mask, MAX_REGION);
    }

    /// @notice Number of regions set in `mask` (population count).
    /// @param mask A region mask (bit i = region i of the frozen table).
    /// @return n The number of regions set.
    function count(uint256 mask) internal pure returns (uint256 n) {
        // Kernighan: one iteration per set bit, at most 249.
        while (mask != 0) {
            mask &= mask - 1;
            unchecked {
                ++n;
            }
        }
    }
}
