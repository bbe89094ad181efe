// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {License, LicenseFlags, LicenseStatus, Offer} from "../../contracts/types/License.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Textile-grade terms (issue 20): fields of use as WIPO Nice classes, advances recouped
/// against royalties, royalties on net sales. Each test tries to break a promise with what a
/// licensee or licensor would send; oracles are the rules in words (Nice class n is bit n - 1; an
/// advance is paid once and royalties are charged only beyond it; the sales royalty is the rate of
/// the running total).
contract MotifLicensingTextileTest is LicensingFixture {
    uint64 internal constant LINEN_BIT = uint64(1) << (24 - 1);
    uint64 internal constant CLOTHING_BIT = uint64(1) << (25 - 1);
    uint64 internal constant WALLPAPER_BIT = uint64(1) << (27 - 1);

    function _textileOffer(uint256 regions, uint64 classes, uint16 flags, uint128 price)
        internal
        view
        returns (Offer memory o)
    {
        o = _offer(regions, flags, price);
        o.terms.classes = classes;
    }

    function _acceptPaying(uint256 offerId, address buyer, uint256 price, uint256 value)
        internal
        returns (uint256 licenseId)
    {
        vm.deal(buyer, buyer.balance + value);
        vm.prank(buyer);
        licenseId = licensing.acceptOffer{value: value}(offerId, price);
    }


    // --- product classes -------------------------------------------------------------------------

    function test_isLicensed_withClass_onlyTheLicensedClasses() public {
        uint256 id = _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT | WALLPAPER_BIT, 0, 0)), bob, 0);
        uint48 now_ = uint48(block.timestamp);
        for (uint8 c = 0; c <= 46; ++c) {
            (bool ok, uint256 got) = licensing.isLicensed(tokenId, bob, FR, c, now_);
            bool expected = c == 24 || c == 27;
            assertTrue(ok == expected, "class coverage");
            assertEq(got, expected ? id : 0, "license id");
        }
        (bool any,) = licensing.isLicensed(tokenId, bob, FR, now_);
        assertTrue(any, "four arguments: any class the licence covers");
        (bool de,) = licensing.isLicensed(tokenId, bob, DE, TEXTILES, now_);
        assertFalse(de, "region still checked");
    }

    function test_isLicensed_withClass_picksTheLicenceOfThatClass() public {
        _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, 0, 0)), bob, 0);
        uint256 clothes = _accept(_publish(_textileOffer(_mask(FR), CLOTHING_BIT, 0, 0)), bob, 0);
        (bool ok, uint256 got) = licensing.isLicensed(tokenId, bob, FR, CLOTHING, uint48(block.timestamp));
        assertTrue(ok, "clothing licensed by the second licence");
        assertEq(got, clothes, "the clothing licence answers");
    }

    function test_publishOffer_noClass_reverts() public {
        Offer memory o = _textileOffer(_mask(FR), 0, 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidClasses.selector, uint64(0), ProductClassMask.ALL)
        );
        _publish(o);
    }

    function test_publishOffer_reservedClassBit_reverts() public {
        uint64 classes = LINEN_BIT | (uint64(1) << 45); // "class 46" does not exist
        Offer memory o = _textileOffer(_mask(FR), classes, 0, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidClasses.selector, classes, ProductClassMask.ALL)
        );
        _publish(o);
    }

    function test_exclusive_linenInFR_doesNotBlockClothingInFR() public {
        _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        uint256 clothes = _accept(_publish(_textileOffer(_mask(FR), CLOTHING_BIT, LicenseFlags.EXCLUSIVE, 0)), carol, 0);
        (bool ok,) = licensing.isLicensed(tokenId, carol, FR, CLOTHING, uint48(block.timestamp));
        assertTrue(ok && clothes != 0, "an exclusive in another field of use is granted");
        (bool bobClothes,) = licensing.isLicensed(tokenId, bob, FR, CLOTHING, uint48(block.timestamp));
        assertFalse(bobClothes, "and the linen exclusive does not cover clothing");
    }

    function test_exclusive_linenInFR_blocksAnyLinenInFR() public {
        uint256 ex = _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        License memory l = licensing.getLicense(ex);
        uint256 offerId = _publish(_textileOffer(_mask(FR) | _mask(DE), LINEN_BIT | CLOTHING_BIT, 0, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector, tokenId, ex, _mask(FR), LINEN_BIT, l.start, l.end
            )
        );
        _accept(offerId, carol, 0);
    }

    function test_exclusive_overNonExclusiveInOtherClass_granted_sameClass_refused() public {
        _accept(_publish(_textileOffer(_mask(FR), CLOTHING_BIT, 0, 0)), bob, 0);
        _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, LicenseFlags.EXCLUSIVE, 0)), carol, 0);
        uint256 offerId = _publish(_textileOffer(_mask(FR), CLOTHING_BIT, LicenseFlags.EXCLUSIVE, 0));
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingGrantConflict.selector);
        _accept(offerId, address(0xDA5E), 0);
    }

    function test_requireLicensed_outsideClass_namesTheClass() public {
        uint256 id = _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, 0, 0)), bob, 0);
        // a report of clothing units under a linen licence is refused with the class named
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingClassNotAllowed.selector, id, CLOTHING));
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, CLOTHING, 1, 0);
    }

    function test_reportUsage_unknownClass_reverts() public {
        uint256 id = _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, 0, 0)), bob, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidClass.selector, 46, 45));
        licensing.reportUsage(id, bob, FR, 46, 1, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidClass.selector, 0, 45));
        licensing.reportUsage(id, bob, FR, 0, 1, 0);
    }

    // --- advances --------------------------------------------------------------------------------

    function test_advance_paidAtAcceptanceOnTopOfThePrice() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 1 ether);
        o.terms.advance = 3 ether;
        uint256 offerId = _publish(o);
        vm.deal(bob, 4 ether);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingWrongValue.selector, 1 ether, 4 ether));
        licensing.acceptOffer{value: 1 ether}(offerId, 1 ether);
        uint256 id = _acceptPaying(offerId, bob, 1 ether, 4 ether);
        assertEq(licensing.pending(tokenId, address(0)), 4 ether, "price and advance collected");
        assertEq(licensing.getLicense(id).advanceRemaining, 3 ether, "the whole advance to recoup");
    }

    function test_advance_recoupedByUnitsAndSales_thenCharged() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.advance = uint128(25 * UNIT_ROYALTY);
        o.terms.salesRoyaltyBps = 500; // 5%
        uint256 id = _acceptPaying(_publish(o), bob, 0, 25 * UNIT_ROYALTY);

        assertEq(_report(id, bob, FR, TEXTILES, 10, 0), 0, "10 units: inside the advance");
        assertEq(licensing.getLicense(id).advanceRemaining, 15 * UNIT_ROYALTY, "15 units' worth left");
        // 5% of 0.2 ETH = 0.01 ETH = 10 units' worth: still inside
        assertEq(_report(id, bob, FR, TEXTILES, 0, 0.2 ether), 0, "sales inside the advance");
        assertEq(licensing.getLicense(id).advanceRemaining, 5 * UNIT_ROYALTY, "5 left");
        // 8 units = 8 units' worth: 5 from the advance, 3 charged
        assertEq(_report(id, bob, FR, TEXTILES, 8, 0), 3 * UNIT_ROYALTY, "the rest is charged");
        assertEq(licensing.getLicense(id).advanceRemaining, 0, "advance used up");
        assertEq(_report(id, bob, FR, TEXTILES, 0, 1 ether), 0.05 ether, "full royalty from now on");
        assertEq(licensing.getLicense(id).netSales, 1.2 ether, "net sales on the licence");
    }

    function test_advance_wrongValueForReport_reverts() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.advance = uint128(5 * UNIT_ROYALTY);
        uint256 id = _acceptPaying(_publish(o), bob, 0, 5 * UNIT_ROYALTY);
        vm.deal(bob, 1 ether);
        vm.prank(bob); // paying the royalty an advance already covers is refused, not kept
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingWrongValue.selector, UNIT_ROYALTY, 0));
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, TEXTILES, 1, 0);
    }

    function test_advance_andSales_moveWithATransfer() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, LicenseFlags.TRANSFERABLE, 0);
        o.terms.advance = 1 ether;
        o.terms.salesRoyaltyBps = 1000;
        uint256 id = _acceptPaying(_publish(o), bob, 0, 1 ether);
        _report(id, bob, FR, TEXTILES, 0, 4 ether); // 0.4 ETH of royalty recouped
        uint256 moved = _transfer(id, bob, carol);
        License memory l = licensing.getLicense(moved);
        assertEq(l.netSales, 4 ether, "sales history moves");
        assertEq(l.advanceRemaining, 0.6 ether, "so does what is left of the advance");
        assertEq(_report(moved, carol, FR, TEXTILES, 0, 10 ether), 0.4 ether, "1 ETH royalty, 0.6 from the advance");
    }

    /// Once the advance is used up the licence is marked recouped (its reports then skip the account
    /// and the advance): the mark moves with a transfer, and the new holder pays the full royalty.
    function test_advance_usedUpBeforeATransfer_newHolderPaysInFull() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, LicenseFlags.TRANSFERABLE, 0);
        o.terms.advance = uint128(4 * UNIT_ROYALTY);
        o.terms.salesRoyaltyBps = 1000;
        uint256 id = _acceptPaying(_publish(o), bob, 0, 4 * UNIT_ROYALTY);
        assertEq(_report(id, bob, FR, TEXTILES, 6, 0), 2 * UNIT_ROYALTY, "4 units from the advance, 2 charged");
        uint256 moved = _transfer(id, bob, carol);
        assertEq(licensing.getLicense(moved).advanceRemaining, 0, "nothing left to recoup after the move");
        uint256 pendingBefore = licensing.pending(tokenId, address(0));
        assertEq(_report(moved, carol, FR, TEXTILES, 3, 0), 3 * UNIT_ROYALTY, "units in full");
        assertEq(_report(moved, carol, FR, TEXTILES, 0, 1 ether), 0.1 ether, "sales in full");
        assertEq(licensing.pending(tokenId, address(0)) - pendingBefore, 3 * UNIT_ROYALTY + 0.1 ether, "all collected");
        assertEq(licensing.getLicense(moved).netSales, 1 ether, "sales still on the licence");
    }

    /// Terms without an advance: the first report is charged in full.
    function test_noAdvance_firstReportChargedInFull() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.salesRoyaltyBps = 200;
        uint256 id = _accept(_publish(o), bob, 0);
        assertEq(_report(id, bob, FR, TEXTILES, 2, 5 ether), 2 * UNIT_ROYALTY + 0.1 ether, "units and 2% of sales");
        assertEq(licensing.getLicense(id).advanceRemaining, 0, "no advance");
    }

    // --- sales royalties -------------------------------------------------------------------------

    function test_sales_noSalesRoyaltyInTerms_reverts() public {
        uint256 id = _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, 0, 0)), bob, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNoSalesRoyalty.selector, id));
        licensing.reportUsage(id, bob, FR, TEXTILES, 0, 1 ether);
    }

    function test_sales_reportedAfterTheWindowEnded() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.salesRoyaltyBps = 800;
        uint256 id = _accept(_publish(o), bob, 0);
        vm.warp(block.timestamp + 200 days); // 90-day licence: ended
        (bool live,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, uint48(block.timestamp));
        assertFalse(live, "ended");
        assertEq(_report(id, bob, FR, TEXTILES, 0, 1 ether), 0.08 ether, "the last quarter's statement is still paid");
        vm.deal(bob, 1 ether);
        vm.prank(bob); // but no new units
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExpired.selector);
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, TEXTILES, 1, 0);
    }

    function test_sales_beforeTheWindowStarts_reverts() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.salesRoyaltyBps = 800;
        o.window = _absolute(block.timestamp + 10 days, block.timestamp + 100 days);
        uint256 id = _accept(_publish(o), bob, 0);
        vm.prank(bob);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingNotYetValid.selector);
        licensing.reportUsage(id, bob, FR, TEXTILES, 0, 1 ether);
    }

    function test_sales_outsideRegionOrClass_reverts() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.salesRoyaltyBps = 800;
        uint256 id = _accept(_publish(o), bob, 0);
        vm.startPrank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRegionNotAllowed.selector, id, DE));
        licensing.reportUsage(id, bob, DE, TEXTILES, 0, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingClassNotAllowed.selector, id, WALLPAPER));
        licensing.reportUsage(id, bob, FR, WALLPAPER, 0, 1 ether);
        vm.stopPrank();
    }

    function test_sales_royaltyAboveCap_reverts() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.salesRoyaltyBps = 5001;
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingSalesRoyaltyTooHigh.selector, 5001, 5000));
        _publish(o);
    }

    function test_report_nothing_reverts() public {
        uint256 id = _accept(_publish(_textileOffer(_mask(FR), LINEN_BIT, 0, 0)), bob, 0);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidUnits.selector, 0, type(uint56).max));
        licensing.reportUsage(id, bob, FR, TEXTILES, 0, 0);
    }

    /// Ten small statements owe exactly what one statement of their sum owes: the rate is applied to
    /// the running total, so rounding can neither be dodged by splitting nor overcharge.
    function testFuzz_sales_splitStatementsOweTheWhole(uint64[10] memory parts, uint16 bps) public {
        bps = uint16(1 + bps % 5000);
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.salesRoyaltyBps = bps;
        o.maxUses = 2;
        uint256 offerId = _publish(o);
        uint256 split = _accept(offerId, bob, 0);
        uint256 whole = _accept(offerId, carol, 0);
        uint256 paidSplit;
        uint256 total;
        for (uint256 i; i < parts.length; ++i) {
            uint256 x = 1 + uint256(parts[i]) % 1e15;
            total += x;
            paidSplit += _report(split, bob, FR, TEXTILES, 0, x);
        }
        uint256 paidWhole = _report(whole, carol, FR, TEXTILES, 0, total);
        assertEq(paidSplit, paidWhole, "split = whole");
        assertEq(paidWhole, total * bps / 10_000, "the rate of the total, rounded down once");
    }

    /// Whatever the sequence of unit and sales reports, the reports pay exactly what the royalties
    /// exceed the advance by, and the licence shows the rest of the advance.
    function testFuzz_advance_chargesOnlyBeyondIt(uint96 advance, uint8[8] memory units, uint64[8] memory sales) public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.advance = uint128(advance % 1 ether);
        o.terms.salesRoyaltyBps = 250;
        uint256 id = _acceptPaying(_publish(o), bob, 0, o.terms.advance);
        uint256 royalty;
        uint256 paid;
        uint256 cumulativeSales;
        for (uint256 i; i < 8; ++i) {
            uint256 u = units[i] % 4;
            uint256 s = uint256(sales[i]) % 1 ether;
            if (u == 0 && s == 0) continue;
            royalty += u * UNIT_ROYALTY;
            royalty -= cumulativeSales * 250 / 10_000;
            cumulativeSales += s;
            royalty += cumulativeSales * 250 / 10_000;
            paid += _report(id, bob, FR, TEXTILES, u, s);
        }
        uint256 covered = royalty < o.terms.advance ? royalty : o.terms.advance;
        assertEq(paid, royalty - covered, "paid beyond the advance");
        assertEq(licensing.getLicense(id).advanceRemaining, o.terms.advance - covered, "advance left");
    }

    // --- units cap and exhaustion ----------------------------------------------------------------

    function test_unitCap_lastUnitExhaustsTheLicence() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.unitCap = 5;
        uint256 id = _accept(_publish(o), bob, 0);
        _report(id, bob, FR, TEXTILES, 4, 0);
        (bool ok,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, uint48(block.timestamp));
        assertTrue(ok, "one unit left");
        _report(id, bob, FR, TEXTILES, 1, 0);
        (ok,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, uint48(block.timestamp));
        assertFalse(ok, "all units used");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnitsExhausted.selector, id, uint56(5)));
        licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp));
        License memory l = licensing.getLicense(id);
        assertEq(l.unitsUsed, 5, "used");
        assertEq(l.unitCap, 5, "cap from the terms");
        assertTrue(l.status == LicenseStatus.Active, "still active: sales may follow");
    }

    /// A royalty past the unit royalty's own 80 bits (units × royalty in 256 bits) is charged, not a
    /// panic: 4 units at 2^79 wei each owe 2^81 wei.
    function test_reportUsage_royaltyPastEightyBits_isCharged() public {
        Offer memory o = _textileOffer(_mask(FR), LINEN_BIT, 0, 0);
        o.terms.unitRoyalty = uint80(1) << 79;
        uint256 id = _accept(_publish(o), bob, 0);
        assertEq(_report(id, bob, FR, TEXTILES, 4, 0), uint256(1) << 81, "4 x 2^79");
        assertEq(licensing.pending(tokenId, address(0)), uint256(1) << 81, "collected");
    }
}
