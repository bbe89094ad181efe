// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {LicenseTerms, LicenseWindow, Offer, Pricing} from "../types/License.sol";

/// @title OfferHash
/// @notice EIP-712 struct hash of a license `Offer` (with its nested terms, window and pricing).
library OfferHash {
    // Each type hash is keccak256 of a literal, so the compiler folds it into a constant (hashing a
    // concatenation of `bytes constant`s would run at every use). The offer's type string is its own
    // encodeType followed by the referenced types in alphabetical order, as EIP-712 requires.
    bytes32 internal constant TERMS_TYPEHASH = keccak256(
        "LicenseTerms(uint256 tokenId,uint256 regions,uint64 classes,uint16 flags,address currency,uint80 unitRoyalty,uint56 unitCap,uint16 salesRoyaltyBps,uint128 advance,uint128 renewalPrice,bytes32 termsDigest,uint16 termsCodec)"
    );
    bytes32 internal constant WINDOW_TYPEHASH = keccak256("LicenseWindow(uint40 start,uint40 end,uint40 duration)");
    bytes32 internal constant PRICING_TYPEHASH = keccak256("Pricing(uint128 price,uint128 ceiling,uint32 decayWindow,uint16 demandCap)");
    bytes32 internal constant OFFER_TYPEHASH = keccak256(
        "Offer(LicenseTerms terms,LicenseWindow window,Pricing pricing,uint32 maxUses,uint40 deadline,uint256 nonce,address licensee)"
        "LicenseTerms(uint256 tokenId,uint256 regions,uint64 classes,uint16 flags,address currency,uint80 unitRoyalty,uint56 unitCap,uint16 salesRoyaltyBps,uint128 advance,uint128 renewalPrice,bytes32 termsDigest,uint16 termsCodec)"
        "LicenseWindow(uint40 start,uint40 end,uint40 duration)"
        "Pricing(uint128 price,uint128 ceiling,uint32 decayWindow,uint16 demandCap)"
    );

    /// @notice EIP-712 `hashStruct(offer)`.
    /// @param o The offer.
    function hash(Offer calldata o) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                OFFER_TYPEHASH, hashTerms(o.terms), hashWindow(o.window), hashPricing(o.pricing), o.maxUses, o.deadline, o.nonce, o.licensee
            )
        );
    }

    function hashTerms(LicenseTerms calldata t) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                TERMS_TYPEHASH,
                t.tokenId,
                t.regions,
                t.classes,
                t.flags,
                t.currency,
                t.unitRoyalty,
                t.unitCap,
                t.salesRoyaltyBps,
                t.advance,
                t.renewalPrice,
                t.termsDigest,
                t.termsCodec
            )
        );
    }

    function hashWindow(LicenseWindow calldata w) internal pure returns (bytes32) {
        return keccak256(abi.encode(WINDOW_TYPEHASH, w.start, w.end, w.duration));
    }

    function hashPricing(Pricing calldata p) internal pure returns (bytes32) {
        return keccak256(abi.encode(PRICING_TYPEHASH, p.price, p.ceiling, p.decayWindow, p.demandCap));
    }
}
