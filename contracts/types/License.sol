// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @notice Tier and behaviour flags of license terms (`LicenseTerms.flags`).
library LicenseFlags {
    /// Commercial use allowed.
    uint16 internal constant COMMERCIAL = 1 << 0;
    /// Derivative works allowed.
    uint16 internal constant DERIVATIVES = 1 << 1;
    /// Use as AI training / dataset material allowed.
    uint16 internal constant AI_TRAINING = 1 << 2;
    /// The licensee may sublicense.
    uint16 internal constant SUBLICENSABLE = 1 << 3;
    /// The licensee may transfer the license to another account.
    uint16 internal constant TRANSFERABLE = 1 << 4;
    /// No other license of the certificate may share a region and overlap in time (of its design
    /// family: a design and its colourways share one exclusivity book).
    uint16 internal constant EXCLUSIVE = 1 << 5;
    /// The licensor may revoke after an arbiter flags a breach.
    uint16 internal constant REVOCABLE_FOR_BREACH = 1 << 6;
    /// Terms of a design that also cover every colourway of it, present and future
    /// (`MotifCertificate.mintColourway`); without it a design's licence covers the design only.
    /// Refused on a colourway's own terms (a colourway has no colourways).
    uint16 internal constant ALL_COLOURWAYS = 1 << 7;
    /// Every defined flag.
    uint16 internal constant ALL = (1 << 8) - 1;
}

/// @notice What a license allows, shared by every license granted from one offer.
struct LicenseTerms {
    /// The certificate (pattern) licensed.
    uint256 tokenId;
    /// Allowed regions, a `RegionMask` over the frozen ISO 3166-1 table (bits 0..248).
    uint256 regions;
    /// Fields of use, a `ProductClassMask` over the frozen WIPO Nice table (bit = class - 1, bits 0..44;
    /// not empty). Exclusivity is judged per region x window x class.
    uint64 classes;
    /// `LicenseFlags` bits.
    uint16 flags;
    /// Payment currency: address(0) for ETH, else an ERC-20.
    address currency;
    /// Royalty per reported unit, in `currency` (below 2^80).
    uint80 unitRoyalty;
    /// Most units a license may report; 0 = unlimited.
    uint56 unitCap;
    /// Royalty on reported net sales, in basis points of the net sales (in `currency`); 0 = none.
    uint16 salesRoyaltyBps;
    /// Advance (minimum guarantee) paid at acceptance on top of the price, in `currency`, and recouped:
    /// unit and sales royalties are charged only once they exceed it; 0 = none.
    uint128 advance;
    /// Price of one renewal (extends the window by one period, its length at grant); 0 = not renewable.
    uint128 renewalPrice;
    /// sha2-256 digest of the human-readable legal text's CIDv1 (`termsURI`).
    bytes32 termsDigest;
    /// Multicodec of that CID.
    uint16 termsCodec;
}

/// @notice When a license granted from an offer is valid: `[start, end)` in unix seconds.
/// `start == 0` starts at acceptance; `duration != 0` sets `end = start + duration` (a relative
/// window such as "90 days"), else `end` is absolute and `PERPETUAL` (type(uint40).max) never ends.
struct LicenseWindow {
    uint40 start;
    uint40 end;
    uint40 duration;
}

/// @notice Price of one acceptance. Fixed when `ceiling == 0`; otherwise dynamic: it rises from
/// `price` (the floor) toward `ceiling` with recent demand — sales counted with a linear decay over
/// `decayWindow` seconds, the ceiling reached at `demandCap` recent sales.
struct Pricing {
    uint128 price;
    uint128 ceiling;
    uint32 decayWindow;
    uint16 demandCap;
}

/// @notice An offer to license a certificate, published on-chain or signed off-chain (EIP-712).
struct Offer {
    LicenseTerms terms;
    LicenseWindow window;
    Pricing pricing;
    /// How many acceptances the offer allows (exclusive offers: 1).
    uint32 maxUses;
    /// Unix seconds after which the offer can no longer be accepted.
    uint40 deadline;
    /// Signed offers: distinguishes otherwise identical offers (cancel with `cancelSignedOffer`).
    uint256 nonce;
    /// The only account that may accept the offer (a deal negotiated with one buyer); address(0) = anyone.
    address licensee;
}

/// @notice Where an on-chain offer stands, as returned with it by `MotifLicensing.getOffer`.
struct OfferState {
    /// The certificate owner who published it.
    address licensor;
    /// Id of its stored terms (`getTerms`).
    uint32 termsId;
    /// Acceptances so far (at most the offer's `maxUses`).
    uint32 uses;
    /// Whether its licensor cancelled it.
    bool cancelled;
    /// What an acceptance costs now, in the terms' currency (demand pricing applied).
    uint256 currentPrice;
}

/// @notice Lifecycle of a granted license.
enum LicenseStatus {
    None,
    Active,
    Revoked,
    Transferred
}

/// @notice A granted license as returned by `MotifLicensing.getLicense`. Its id is the holder's slot
/// `keccak256(abi.encode(tokenId, licensee, index))` with its low 16 bits replaced by the slot's
/// generation (≥ 1), so the licensee is not stored and a reused slot gives a new id:
/// `licenseIdOf(tokenId, licensee, index)` finds the slot's current license, and the `LicenseGranted`
/// event names it.
struct License {
    uint256 tokenId;
    uint32 termsId;
    uint40 start;
    uint40 end;
    LicenseStatus status;
    bool breachFlagged;
    uint56 unitsUsed;
    uint56 unitCap;
    /// Length one renewal adds (the window's length at grant); 0 = not renewable.
    uint40 renewalPeriod;
    /// Fields of use (the terms' `ProductClassMask`).
    uint64 classes;
    /// Net sales reported so far, in the terms' currency.
    uint128 netSales;
    /// What is left of the advance to recoup against royalties (0 once used up, or without one).
    uint128 advanceRemaining;
}
