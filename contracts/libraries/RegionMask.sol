// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

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
    /// @notice Blocks of 16 regions in a mask (table order: block `b` is regions 16b..16b+15).
    uint256 internal constant BLOCKS = 16;
    uint256 private constant _BLOCK_SHIFT = 4; // a block is 2^4 = 16 bits
    uint256 private constant _BLOCK_MASK = 0xffff;

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

    /// @notice Whether `mask` allows `region`, without the range check: for a mask that passed
    /// `validate` (no bit past the table) a region past the table is simply not allowed.
    /// @param mask A validated region mask.
    /// @param region Any region index.
    function has(uint256 mask, uint256 region) internal pure returns (bool) {
        return (mask >> region) & 1 != 0;
    }

    /// @notice The 16 bits of block `b` (regions 16b..16b+15) of `word`: a region mask, or a word
    /// with one 16-bit lane per block (such as the exclusivity book's per-block end days).
    /// @param word A region mask or a word laid out by blocks.
    /// @param b Block index (0..15; a shift, not a checked product: these run 16 times per grant).
    function blockOf(uint256 word, uint256 b) internal pure returns (uint256) {
        return (word >> (b << _BLOCK_SHIFT)) & _BLOCK_MASK;
    }

    /// @notice `word` with block `b` replaced by the low 16 bits of `value`.
    /// @param word A region mask or a word laid out by blocks.
    /// @param b Block index (0..15).
    /// @param value The new block (low 16 bits used).
    function withBlock(uint256 word, uint256 b, uint256 value) internal pure returns (uint256) {
        uint256 shift = b << _BLOCK_SHIFT;
        return (word & ~(_BLOCK_MASK << shift)) | ((value & _BLOCK_MASK) << shift);
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
