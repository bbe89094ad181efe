// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @title DemandPricing
/// @notice Dynamic offer prices: from a floor toward a ceiling with recent demand. Demand counts sales
/// in units of `DEMAND_SCALE` and decays linearly to zero `decayWindow` seconds after the last sale;
/// the ceiling is reached at `demandCap` recent sales. A fixed price is `ceiling == 0`.
/// @dev Pure functions of the stored demand and the time, so that they can be tested against a
/// reference implementation without a chain; the caller passes `block.timestamp`.
library DemandPricing {
    /// @notice One sale's weight in the demand counter.
    uint256 internal constant DEMAND_SCALE = 1e6;

    /// @notice `floor + (ceiling - floor) * min(demand, cap) / cap`, demand decayed to `timestamp`.
    /// Always within `[floor, ceiling]`; `floor` when `ceiling == 0` (fixed price).
    /// @param floor The price with no recent demand.
    /// @param ceiling The price at `demandCap` recent sales; 0 = fixed price.
    /// @param decayWindow Seconds over which one sale's demand decays to zero (> 0 when `ceiling != 0`).
    /// @param demandCap Recent sales at which the ceiling is reached (> 0 when `ceiling != 0`).
    /// @param demand The stored demand (at `lastSale`).
    /// @param lastSale Unix seconds of the last sale (≤ `timestamp`).
    /// @param timestamp Now, unix seconds.
    /// @return The price now.
    function price(
        uint128 floor,
        uint128 ceiling,
        uint32 decayWindow,
        uint16 demandCap,
        uint64 demand,
        uint40 lastSale,
        uint256 timestamp
    ) internal pure returns (uint256) {
        if (ceiling == 0) return floor;
        uint256 d = decayed(demand, lastSale, decayWindow, timestamp);
        uint256 cap = uint256(demandCap) * DEMAND_SCALE;
        if (d > cap) d = cap;
        return floor + (uint256(ceiling) - floor) * d / cap;
    }

    /// @notice `demand` decayed linearly from `lastSale` to `timestamp`: zero once `decayWindow` has passed.
    /// @param demand The stored demand (at `lastSale`).
    /// @param lastSale Unix seconds of the last sale (≤ `timestamp`).
    /// @param decayWindow Seconds to decay to zero.
    /// @param timestamp Now, unix seconds.
    /// @return The demand now.
    function decayed(uint64 demand, uint40 lastSale, uint32 decayWindow, uint256 timestamp)
        internal
        pure
        returns (uint256)
    {
        uint256 elapsed = timestamp - lastSale;
        if (elapsed >= decayWindow) return 0;
        return uint256(demand) * (decayWindow - elapsed) / decayWindow;
    }

    /// @notice The demand after one more sale at `timestamp`, capped at `demandCap` sales, and the new
    /// last-sale time.
    /// @param demand The stored demand (at `lastSale`).
    /// @param lastSale Unix seconds of the last sale (≤ `timestamp`).
    /// @param decayWindow Seconds to decay to zero.
    /// @param demandCap Recent sales at which the ceiling is reached.
    /// @param timestamp Now, unix seconds (< 2^40).
    /// @return newDemand The demand to store.
    /// @return newLastSale `timestamp`.
    function recordSale(uint64 demand, uint40 lastSale, uint32 decayWindow, uint16 demandCap, uint256 timestamp)
        internal
        pure
        returns (uint64 newDemand, uint40 newLastSale)
    {
        uint256 d = decayed(demand, lastSale, decayWindow, timestamp) + DEMAND_SCALE;
        uint256 cap = uint256(demandCap) * DEMAND_SCALE;
        return (uint64(d > cap ? cap : d), uint40(timestamp));
    }
}
