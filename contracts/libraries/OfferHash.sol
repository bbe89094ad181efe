// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {LicenseTerms, LicenseWindow, Offer, Pricing} from "../types/License.sol";

/// @title OfferHash
/// @notice EIP-712 struct hash of a license `Offer` (with its nested terms, window and pricing).
library OfferHash {
    bytes internal constant TERMS_TYPE =
        "LicenseTerms(uint256 tokenId,uint256 regions,uint16 flags,address currency,uint96 unitRoyalty,uint56 unitCap,uint128 renewalPrice,bytes32 termsDigest,uint16 termsCodec)";
    bytes internal constant WINDOW_TYPE = "LicenseWindow(uint40 start,uint40 end,uint40 duration)";
    bytes internal constant PRICING_TYPE = "Pricing(uint128 price,uint128 ceiling,uint32 decayWindow,uint16 demandCap)";

    bytes32 internal constant TERMS_TYPEHASH = keccak256(TERMS_TYPE);
    bytes32 internal constant WINDOW_TYPEHASH = keccak256(WINDOW_TYPE);
    bytes32 internal constant PRICING_TYPEHASH = keccak256(PRICING_TYPE);
    /// @notice Referenced types follow the primary type in alphabetical order, as EIP-712 requires.
    bytes32 internal constant OFFER_TYPEHASH = keccak256(
        abi.encodePacked(
            "Offer(LicenseTerms terms,LicenseWindow window,Pricing pricing,uint32 maxUses,uint40 deadline,uint256 nonce,address licensee)",
            TERMS_TYPE,
            WINDOW_TYPE,
            PRICING_TYPE
        )
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
                t.flags,
                t.currency,
                t.unitRoyalty,
                t.unitCap,
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
