// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";

/// @title ProductClassMask
/// @notice Fields of use of a licence: a bitmask over the frozen product-class table
/// `product-classes-v1.json` (the WIPO Nice Classification's 45 classes; bit = class number - 1, so
/// class 24 "textiles and household linen" is bit 23). Bits 45..63 are reserved.
library ProductClassMask {
    /// @notice Classes in table version 1 (Nice classes 1..45).
    uint256 internal constant CLASS_COUNT = 45;
    /// @notice Every class of the table.
    uint64 internal constant ALL = uint64((uint256(1) << CLASS_COUNT) - 1);

    /// @notice The mask bit of Nice class `niceClass` (1..45); reverts past the table.
    /// @param niceClass A Nice class number.
    /// @return The bit.
    function bit(uint256 niceClass) internal pure returns (uint64) {
        if (niceClass == 0 || niceClass > CLASS_COUNT) {
            revert IMotifLicensing.MotifLicensingInvalidClass(niceClass, CLASS_COUNT);
        }
        return uint64(uint256(1) << (niceClass - 1)); // niceClass ≤ 45: fits
    }

    /// @notice Whether `mask` has Nice class `niceClass`; false (no revert) outside 1..45, for
    /// never-reverting views.
    /// @param mask A class mask.
    /// @param niceClass A Nice class number.
    function has(uint256 mask, uint256 niceClass) internal pure returns (bool) {
        return niceClass != 0 && niceClass <= CLASS_COUNT && (mask >> (niceClass - 1)) & 1 != 0;
    }

    /// @notice Reverts unless `mask` names at least one class and only classes of the table.
    /// @param mask A class mask.
    function validate(uint64 mask) internal pure {
        if (mask == 0 || mask & ~ALL != 0) revert IMotifLicensing.MotifLicensingInvalidClasses(mask, ALL);
    }
}
