// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @notice An on-chain offer as `MotifLicensing` stores it (`_offers[offerId]`): slot 0 licensor 160,
/// termsId 32, maxUses 32, uses 32 | slot 1 price 128, ceiling 128 | slot 2 start, end, duration,
/// deadline (40 each), decayWindow 32, demandCap 16, cancelled 8, restricted 8 | slot 3 demand 64,
/// lastSale 40 | slot 4 licensee (read only when restricted). Written by the linked `OfferRules` at
/// publication, read and updated by the licensing contract at each acceptance.
struct StoredOffer {
    address licensor;
    uint32 termsId;
    uint32 maxUses;
    uint32 uses;
    uint128 price;
    uint128 ceiling;
    uint40 start;
    uint40 end;
    uint40 duration;
    uint40 deadline;
    uint32 decayWindow;
    uint16 demandCap;
    bool cancelled;
    bool restricted;
    uint64 demand;
    uint40 lastSale;
    address licensee;
}
