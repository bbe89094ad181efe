// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @title IMotifRegions
/// @notice Errors of the region table (`RegionMask`): bit index = position of an ISO 3166-1 alpha-2
/// code in the frozen `regions-v1.json` (0..248); indices 249..255 are reserved.
interface IMotifRegions {
    /// @notice `region` is not an index of the frozen table (allowed 0..`maxRegion`).
    error MotifRegionInvalid(uint256 region, uint256 maxRegion);
    /// @notice `mask` has bits set above `maxRegion` (reserved indices).
    error MotifRegionMaskReserved(uint256 mask, uint256 maxRegion);
    /// @notice An empty region mask where at least one region is required.
    error MotifRegionMaskEmpty();
}
