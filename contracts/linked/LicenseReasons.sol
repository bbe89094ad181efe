// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifCertificate} from "../interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {Grant, GrantSlot, GrantSlotLibrary} from "../types/GrantSlot.sol";
import {LicenseFlags, LicenseStatus} from "../types/License.sol";
import {StoredTerms} from "../types/StoredTerms.sol";
import {ProductClassMask} from "../libraries/ProductClassMask.sol";
import {RegionMask} from "../libraries/RegionMask.sol";

/// @title LicenseReasons
/// @notice Why a license does not cover a (region, class, time): the encoded custom error
/// `requireLicensed` and a refused report revert with, the first rule broken in this order: status
/// (revoked / transferred), not yet started, ended, region, class, units used up; and the miss path
/// of `requireLicensed` for colourways (`viaDesign`).
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
    ) public pure returns (bytes memory reason) {
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

    /// @notice The miss path of `isLicensed` (no own licence of `tokenId` covers): whether `tokenId` is
    /// a colourway (`certificate.designOf`) and a licence of its design whose terms carry
    /// `ALL_COLOURWAYS` covers `region`, `niceClass` (0 = any) and `time`, and which.
    /// @param grants The licensing contract's `_grants`.
    /// @param terms The licensing contract's `_terms`.
    /// @param certificate The certificate contract.
    /// @param tokenId The certificate asked about.
    /// @param licensee The licensee.
    /// @param region Region bit index (at most `RegionMask.MAX_REGION`).
    /// @param niceClass Nice class number, or 0 for any class.
    /// @param time Unix seconds.
    /// @return licensed Whether such a licence covers it.
    /// @return licenseId That licence, or 0.
    function coversViaDesign(
        mapping(uint256 slotKey => Grant) storage grants,
        mapping(uint32 termsId => StoredTerms) storage terms,
        IMotifCertificate certificate,
        uint256 tokenId,
        address licensee,
        uint256 region,
        uint256 niceClass,
        uint256 time
    ) external view returns (bool licensed, uint256 licenseId) {
        uint256 designId = certificate.designOf(tokenId);
        for (uint256 i; designId != 0 && i < MAX_LICENSES_PER_HOLDER; ++i) {
            (uint256 key, GrantSlot word) = _slot(grants, designId, licensee, i);
            if (word.statusByte() == uint8(LicenseStatus.None)) break;
            if (!word.coversTime(time) || !word.coversClass(niceClass)) continue;
            StoredTerms storage t = terms[word.termsId()];
            if (t.flags & LicenseFlags.ALL_COLOURWAYS != 0 && RegionMask.has(t.regions, region)) {
                return (true, key | word.generation());
            }
        }
        return (false, 0);
    }

    /// @notice The miss path of `requireLicensed` (no own licence of `tokenId` covers): the licence of
    /// its design that does when `tokenId` is a colourway (`certificate.designOf`) and the licence's
    /// terms carry `ALL_COLOURWAYS`, else a revert with the most telling reason: an own licence's that
    /// covers the region and class (`ownScopeReason`), a design licence's that covers them, any own
    /// licence's (`ownReason`), any design licence's (`MotifLicensingNotForColourways` for one without
    /// the flag), else `MotifLicensingNotLicensed`.
    /// @param grants The licensing contract's `_grants`.
    /// @param terms The licensing contract's `_terms`.
    /// @param certificate The certificate contract.
    /// @param tokenId The certificate asked about.
    /// @param licensee The licensee.
    /// @param region Region bit index.
    /// @param niceClass Nice class number, or 0 for any class.
    /// @param time Unix seconds.
    /// @param ownScopeReason The reason of the first own licence covering the region and class, or empty.
    /// @param ownReason The reason of the first own licence, or empty.
    /// @return licenseId The design's licence covering it.
    function viaDesign(
        mapping(uint256 slotKey => Grant) storage grants,
        mapping(uint32 termsId => StoredTerms) storage terms,
        IMotifCertificate certificate,
        uint256 tokenId,
        address licensee,
        uint256 region,
        uint256 niceClass,
        uint256 time,
        bytes calldata ownScopeReason,
        bytes calldata ownReason
    ) external view returns (uint256 licenseId) {
        bytes memory designScopeReason;
        bytes memory designReason;
        uint256 designId = certificate.designOf(tokenId);
        for (uint256 i; designId != 0 && i < MAX_LICENSES_PER_HOLDER; ++i) {
            (uint256 key, GrantSlot word) = _slot(grants, designId, licensee, i);
            if (word.status() == LicenseStatus.None) break;
            uint256 id = key | word.generation();
            StoredTerms storage t = terms[word.termsId()];
            uint256 regions = t.regions;
            bytes memory reason = t.flags & LicenseFlags.ALL_COLOURWAYS == 0
                ? abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotForColourways.selector, id, tokenId)
                : whyNot(id, word, regions, t.unitCap, region, niceClass, time);
            if (reason.length == 0) return id;
            if (designReason.length == 0) designReason = reason;
            bool coversScope = RegionMask.has(regions, region)
                && (niceClass == 0 || ProductClassMask.has(word.classes(), niceClass));
            if (coversScope && designScopeReason.length == 0) designScopeReason = reason;
        }
        _revertIfAny(ownScopeReason);
        _revertIfAny(designScopeReason);
        _revertIfAny(ownReason);
        _revertIfAny(designReason);
        revert IMotifLicensing.MotifLicensingNotLicensed(tokenId, licensee);
    }

    /// @dev Most licences one licensee holds of one certificate (`MotifLicensing.MAX_LICENSES_PER_HOLDER`).
    uint256 private constant MAX_LICENSES_PER_HOLDER = 16;

    /// @dev Slot `index` of `licensee` for `tokenId`: its key and its raw storage word.
    function _slot(mapping(uint256 slotKey => Grant) storage grants, uint256 tokenId, address licensee, uint256 index)
        private
        view
        returns (uint256 key, GrantSlot word)
    {
        key = GrantSlotLibrary.slotKey(tokenId, licensee, index);
        Grant storage g = grants[key];
        // Assembly: the struct's slot read whole, as the licensing contract's hot path reads it.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            word := sload(g.slot)
        }
    }

    /// @dev Re-raises encoded revert data `reason` as is, if any.
    function _revertIfAny(bytes memory reason) private pure {
        if (reason.length == 0) return;
        // Assembly: re-raises encoded revert data as is.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(reason, 32), mload(reason))
        }
    }
}
