// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @title Recoupment
/// @notice Royalties of one licence against its advance (minimum guarantee). The advance is paid at
/// acceptance; every royalty accrued afterwards (per unit, or on net sales) is first taken from what
/// is left of the advance and only the rest is charged. Charging report by report is the same as
/// charging `max(0, accrued - advance)` in total: greedy recoupment telescopes.
/// @dev Sales royalties are computed on the running total of net sales, `floor(total * bps / 10000)`
/// minus the same before the report, so splitting sales into many small reports neither loses nor
/// adds a wei of royalty against one report of their sum.
library Recoupment {
    uint256 internal constant BPS = 10_000;

    /// @notice Royalty a sales report adds: the royalty on the new running total of net sales minus
    /// the royalty on the old one.
    /// @param netSalesBefore Net sales reported before.
    /// @param netSalesAfter Net sales reported including this report (≥ before).
    /// @param bps Sales royalty rate in basis points.
    /// @return royalty The royalty this report accrues.
    function salesRoyalty(uint256 netSalesBefore, uint256 netSalesAfter, uint256 bps)
        internal
        pure
        returns (uint256 royalty)
    {
        return netSalesAfter * bps / BPS - netSalesBefore * bps / BPS;
    }

    /// @notice Splits a royalty between what is left of the advance and what is due now.
    /// @param royalty Royalty accrued by the report.
    /// @param advance The licence's advance.
    /// @param recouped Part of the advance already used up (≤ advance).
    /// @return fromAdvance Part of `royalty` covered by the advance.
    /// @return due Part of `royalty` to pay now.
    function split(uint256 royalty, uint256 advance, uint256 recouped)
        internal
        pure
        returns (uint256 fromAdvance, uint256 due)
    {
        uint256 left = advance - recouped;
        fromAdvance = royalty < left ? royalty : left;
        due = royalty - fromAdvance;
    }
}
