// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @dev Internal bit of `StoredTerms.flags` (never a `LicenseFlags` bit, never accepted from users,
/// masked out of `getTerms` / `getOffer`): the terms license a colourway, so their grants are booked in
/// the design's exclusivity book. Fixed when the terms are stored (a certificate is a colourway or not
/// from its mint), so acceptances of ordinary certificates never ask the certificate contract.
uint16 constant STORED_COLOURWAY_FLAG = 1 << 15;

/// @notice A `LicenseTerms` as `MotifLicensing` stores it (`_terms[termsId]`), laid out by who reads
/// it: slot 0 regions | slot 1 tokenId | slot 2 currency 160, unitRoyalty 80, salesRoyaltyBps 16
/// (what a report reads) | slot 3 flags 16, unitCap 56, classes 48, renewable 8, advance 128 (what an
/// acceptance reads; flags may carry `STORED_COLOURWAY_FLAG`) | slot 4 termsDigest | slot 5 renewalPrice 128, termsCodec 16.
struct StoredTerms {
    uint256 regions;
    uint256 tokenId;
    address currency;
    uint80 unitRoyalty;
    uint16 salesRoyaltyBps;
    uint16 flags;
    uint56 unitCap;
    uint48 classes;
    bool renewable;
    uint128 advance;
    bytes32 termsDigest;
    uint128 renewalPrice;
    uint16 termsCodec;
}
