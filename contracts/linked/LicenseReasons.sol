// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {GrantSlot, GrantSlotLibrary} from "../types/GrantSlot.sol";
import {LicenseStatus} from "../types/License.sol";
import {ProductClassMask} from "../libraries/ProductClassMask.sol";
import {RegionMask} from "../libraries/RegionMask.sol";

/// @title LicenseReasons
/// @notice Why a license does not cover a (region, class, time): the encoded custom error
/// `requireLicensed` and a refused report revert with, the first rule broken in this order: status
/// (revoked / transferred), not yet started, ended, region, class, units used up.
/// @dev An external library, linked into `MotifLicensing` and reached by DELEGATECALL only once a
/// check has failed (the covering path never calls it), so the licensing contract stays under the
/// 24,576-byte code size limit (EIP-170).
library LicenseReasons {
    /// @notice The reason, or empty bytes when the license covers it.
    /// @param licenseId The license.
    /// @param word Its storage word.
    /// @param regions Its terms' region mask.
    /// @param unitCap Its terms' unit cap (named in `MotifLicensingUnitsExhausted`).
    /// @param region Region bit index.
    /// @param niceClass Nice class number, or 0 for any class.
    /// @param time Unix seconds.
    /// @return reason The ABI-encoded custom error.
    function whyNot(
        uint256 licenseId,
        GrantSlot word,
        uint256 regions,
        uint56 unitCap,
        uint256 region,
        uint256 niceClass,
        uint256 time
    ) external pure returns (bytes memory reason) {
        LicenseStatus status = word.status();
        if (status != LicenseStatus.Active) {
            return status == LicenseStatus.Transferred
                ? abi.encodeWithSelector(IMotifLicensing.MotifLicensingTransferred.selector, licenseId)
                : abi.encodeWithSelector(IMotifLicensing.MotifLicensingRevoked.selector, licenseId);
        }
        if (time < word.start()) {
            return abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotYetValid.selector, licenseId, word.start(), time);
        }
        if (GrantSlotLibrary.hasEnded(word.end(), time)) {
            return abi.encodeWithSelector(IMotifLicensing.MotifLicensingExpired.selector, licenseId, word.end(), time);
        }
        if (!RegionMask.has(regions, region)) {
            return abi.encodeWithSelector(IMotifLicensing.MotifLicensingRegionNotAllowed.selector, licenseId, region);
        }
        if (niceClass != 0 && !ProductClassMask.has(word.classes(), niceClass)) {
            return abi.encodeWithSelector(IMotifLicensing.MotifLicensingClassNotAllowed.selector, licenseId, niceClass);
        }
        if (word.exhausted()) {
            return abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnitsExhausted.selector, licenseId, unitCap);
        }
        return "";
    }
}
