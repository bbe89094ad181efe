// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {DemandPricing} from "../../../contracts/libraries/DemandPricing.sol";
import {MotifTest} from "../utils/MotifTest.sol";

/// @dev Oracles: prices worked out by hand, and properties any demand curve must keep (bounds,
/// monotone in time and in demand), never the library's own formula.
contract DemandPricingTest is MotifTest {
    uint256 internal constant T = 1_800_000_000;

    function test_price_fixedWhenNoCeiling() public pure {
        assertEq(DemandPricing.price(1 ether, 0, 1 days, 5, 3e6, uint40(T), T), 1 ether, "fixed price");
    }

    function test_price_handWorkedCurve() public pure {
        // floor 1 ETH, ceiling 2 ETH, ceiling at 4 sales: 2 sales just now = half way = 1.5 ETH
        assertEq(DemandPricing.price(1 ether, 2 ether, 1 days, 4, 2e6, uint40(T), T), 1.5 ether, "two sales of four");
        // half a day later, half the demand remains: 1 sale of 4 = 1.25 ETH
        assertEq(DemandPricing.price(1 ether, 2 ether, 1 days, 4, 2e6, uint40(T), T + 12 hours), 1.25 ether, "decayed");
        // a full window later nothing remains
        assertEq(DemandPricing.price(1 ether, 2 ether, 1 days, 4, 2e6, uint40(T), T + 1 days), 1 ether, "decayed out");
        // demand above the cap is the ceiling, not more
        assertEq(DemandPricing.price(1 ether, 2 ether, 1 days, 4, 9e6, uint40(T), T), 2 ether, "capped");
    }

    function test_recordSale_countsOneSaleAndCaps() public pure {
        (uint64 d, uint40 at) = DemandPricing.recordSale(0, 0, 1 days, 3, T);
        assertEq(d, 1e6, "one sale");
        assertEq(at, T, "last sale now");
        (d,) = DemandPricing.recordSale(3e6, uint40(T), 1 days, 3, T);
        assertEq(d, 3e6, "capped at three sales");
    }

    /// Oracle: counting. `n` sales in the same second leave `min(n, cap)` sales of demand.
    function testFuzz_recordSale_sameSecondSalesAreCounted(uint8 n, uint16 cap) public pure {
        cap = uint16(bound(cap, 1, 50));
        uint64 d;
        uint40 at = uint40(T);
        for (uint256 i; i < n; ++i) {
            (d, at) = DemandPricing.recordSale(d, at, 1 days, cap, T);
        }
        uint256 expected = n < cap ? n : cap;
        assertEq(d, expected * 1e6, "demand = sales counted, capped");
    }

    function testFuzz_price_withinFloorAndCeiling(
        uint128 floor,
        uint128 ceiling,
        uint32 window,
        uint16 cap,
        uint64 demand,
        uint32 elapsed
    ) public pure {
        vm.assume(ceiling >= floor && ceiling != 0);
        window = uint32(bound(window, 1, type(uint32).max));
        cap = uint16(bound(cap, 1, type(uint16).max));
        uint256 p = DemandPricing.price(floor, ceiling, window, cap, demand, uint40(T), T + elapsed);
        assertGe(p, floor, "at least the floor");
        assertGe(ceiling, p, "at most the ceiling");
    }

    /// The price never rises while no one buys, and never falls when demand is higher.
    function testFuzz_price_monotone(uint128 floor, uint128 ceiling, uint32 window, uint16 cap, uint64 demand, uint32 a, uint32 b)
        public
        pure
    {
        vm.assume(ceiling >= floor && ceiling != 0);
        window = uint32(bound(window, 1, type(uint32).max));
        cap = uint16(bound(cap, 1, type(uint16).max));
        (uint32 early, uint32 late) = a < b ? (a, b) : (b, a);
        uint256 pEarly = DemandPricing.price(floor, ceiling, window, cap, demand, uint40(T), T + early);
        uint256 pLate = DemandPricing.price(floor, ceiling, window, cap, demand, uint40(T), T + late);
        assertGe(pEarly, pLate, "not rising with time");
        uint64 more = demand == type(uint64).max ? demand : demand + 1;
        assertGe(DemandPricing.price(floor, ceiling, window, cap, more, uint40(T), T + early), pEarly, "not falling with demand");
    }
}
