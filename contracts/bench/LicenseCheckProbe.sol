// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {MotifLicensing} from "../MotifLicensing.sol";

/// @title LicenseCheckProbe
/// @notice Benchmark fixture, never deployed by the Ignition modules: measures what a contract pays
/// to ask `isLicensed`, as `npm run bench` reports it.
contract LicenseCheckProbe {
    /// @notice Gas of one `isLicensed` call from a contract, in a fresh call context (cold storage).
    /// @param licensing The licensing contract to ask.
    /// @param tokenId The certificate.
    /// @param licensee The account using the pattern.
    /// @param region Region bit index.
    /// @param time Unix seconds.
    /// @param warmAccount Touch the licensing contract first, so the figure excludes the one-time
    /// 2,600-gas cold account access a caller pays on its first call to it in a transaction.
    /// @return gasUsed Gas the call consumed, as seen by the caller.
    /// @return licensed The answer.
    function measure(
        MotifLicensing licensing,
        uint256 tokenId,
        address licensee,
        uint256 region,
        uint256 time,
        bool warmAccount
    ) external view returns (uint256 gasUsed, bool licensed) {
        if (warmAccount) licensing.PERPETUAL();
        uint256 before = gasleft();
        (licensed,) = IMotifLicensing(address(licensing)).isLicensed(tokenId, licensee, region, uint48(time));
        gasUsed = before - gasleft();
    }

    /// @notice Gas of one `isLicensed` call with a product class from a contract, licensing account
    /// warm (the figure an integrator that already called the contract pays).
    /// @param licensing The licensing contract to ask.
    /// @param tokenId The certificate.
    /// @param licensee The account using the pattern.
    /// @param region Region bit index.
    /// @param niceClass Nice class number.
    /// @param time Unix seconds.
    /// @return gasUsed Gas the call consumed, as seen by the caller.
    /// @return licensed The answer.
    function measureInClass(
        MotifLicensing licensing,
        uint256 tokenId,
        address licensee,
        uint256 region,
        uint256 niceClass,
        uint256 time
    ) external view returns (uint256 gasUsed, bool licensed) {
        licensing.PERPETUAL();
        uint256 before = gasleft();
        (licensed,) = IMotifLicensing(address(licensing)).isLicensed(tokenId, licensee, region, uint8(niceClass), uint48(time));
        gasUsed = before - gasleft();
    }
}
