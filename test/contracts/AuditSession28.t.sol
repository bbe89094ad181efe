// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {RegionMask} from "../../contracts/libraries/RegionMask.sol";
import {MintRequest} from "../../contracts/types/Lineage.sol";
import {License, LicenseFlags, LicenseTerms, Offer} from "../../contracts/types/License.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Audit session 28 (contracts) of 28dd576 (grant marks: MARK_EXHAUSTED / MARK_RECOUPED,
/// OfferRules terms storage) and b6e349c (colourways: mintColourway, ALL_COLOURWAYS, one exclusivity
/// book per design family, the internal STORED_COLOURWAY_FLAG). `test_held_*` are promises that
/// survived the attack tried on them. Amounts are computed by hand here (never read back from
/// `reportDue` as the oracle). Finding F1 (a colourway's attestation minted as a plain pattern) is
/// fixed by `ColourwayAttestation` and tested in MotifColourways.t.sol
/// (`test_mintColourway_attestationBindsTheDesign`); F2 and F3 (family members with different owners)
/// are open design questions (SECURITY.md, branch audit28c).
contract AuditSession28Test is LicensingFixture {
    uint64 internal constant LINEN_BIT = uint64(1) << (24 - 1);
    uint16 internal constant STORED_COLOURWAY_BIT = uint16(1) << 15;

    uint256 internal design;
    uint256 internal blue;
    uint256 internal red;
    address internal eve = address(0xE5E);

    function setUp() public override {
        super.setUp();
        design = tokenId; // owned by the licensor
        blue = _mintColourway(design, 2801);
        red = _mintColourway(design, 2802);
    }

    // ============================================================================================
    // Helpers
    // ============================================================================================

    function _now() internal view returns (uint48) {
        return uint48(block.timestamp);
    }

    /// @dev `who` reports paying exactly `expected` (hand-computed): a wrong charge reverts
    /// `MotifLicensingWrongValue`; `reportDue` is checked against the same hand value first.
    function _reportExact(uint256 id, address who, uint256 region, uint256 units, uint256 netSales, uint256 expected)
        internal
    {
        (, uint256 quoted) = licensing.reportDue(id, units, netSales);
        assertEq(quoted, expected, "reportDue quotes the hand-computed charge");
        vm.deal(who, who.balance + expected);
        vm.prank(who);
        licensing.reportUsage{value: expected}(id, who, region, TEXTILES, uint56(units), uint128(netSales));
    }

    /// @dev The arbiter flags licence `id` and the licensor (owner of its certificate) revokes it.
    function _revokeForBreach(uint256 id) internal {
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("breach"));
        vm.prank(licensor);
        licensing.revoke(id);
    }

    function _acceptSigned(Offer memory o, address buyer, uint256 value) internal returns (uint256 id) {
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.deal(buyer, buyer.balance + value);
        vm.prank(buyer);
        id = licensing.acceptSignedOffer{value: value}(o, sig, type(uint256).max);
    }

    // ============================================================================================
    // Findings
    // ============================================================================================

    function _withTo(MintRequest memory r, address to) internal pure returns (MintRequest memory) {
        r.to = to;
        return r;
    }

    // ============================================================================================
    // Held: grant marks and recoupment (28dd576)
    // ============================================================================================

    /// Held. Royalties charged only beyond the advance, exactly, across unit and sales reports, a
    /// transfer mid-recoupment, the report that uses the advance up exactly, a renewal and a sales
    /// statement in the grace period. Oracle: per report, `max(0, accrued so far - advance) - paid so far`.
    function test_held_recoupmentExactAcrossUnitsSalesTransferRenewalGrace() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0);
        o.terms.advance = 0.005 ether;
        o.terms.salesRoyaltyBps = 1000; // 10%
        o.terms.renewalPrice = 0.1 ether;
        uint256 offerId = _publish(o);
        uint256 id = _accept(offerId, bob, 0.005 ether);

        _reportExact(id, bob, FR, 2, 0, 0); // 0.002 accrued: 0.003 left
        uint256 moved = _transfer(id, bob, carol); // mid-recoupment
        _reportExact(moved, carol, FR, 0, 0.02 ether, 0); // +0.002: 0.001 left
        _reportExact(moved, carol, FR, 1, 0, 0); // +0.001: exactly used up
        assertEq(licensing.getLicense(moved).advanceRemaining, 0, "advance used up");
        _reportExact(moved, carol, FR, 3, 0, 0.003 ether); // in full from now
        _reportExact(moved, carol, FR, 0, 0.015 ether, 0.0015 ether); // 10% of the running total's growth

        vm.deal(carol, 0.1 ether);
        vm.prank(carol);
        licensing.renew{value: 0.1 ether}(moved, 0.1 ether);
        _reportExact(moved, carol, FR, 1, 0.005 ether, 0.001 ether + 0.0005 ether);

        License memory l = licensing.getLicense(moved);
        vm.warp(uint256(l.end) + 30 days); // window over, statements still open
        _reportExact(moved, carol, FR, 0, 0.05 ether, 0.005 ether);
        // the old id keeps its own account and quotes the advance state it left with
        (, uint256 oldQuote) = licensing.reportDue(id, 10, 0);
        assertEq(oldQuote, 0.007 ether, "the transferred-away id's quote is of its frozen account (0.003 left)");
    }

    /// Held. An advance with a zero royalty report: nothing is charged and nothing recouped (no mark);
    /// the advance is then used by sales, and a unit royalty of 0 never consumes it.
    function test_held_advanceWithZeroRoyaltyReports() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.unitRoyalty = 0;
        o.terms.advance = 1 ether;
        o.terms.salesRoyaltyBps = 5000;
        uint256 id = _accept(_publish(o), bob, 1 ether);
        _reportExact(id, bob, FR, 100, 0, 0);
        assertEq(licensing.getLicense(id).advanceRemaining, 1 ether, "units at 0 royalty recoup nothing");
        _reportExact(id, bob, FR, 0, 3 ether, 0.5 ether); // 1.5 accrued, 1 from the advance
        _reportExact(id, bob, FR, 5, 1 ether, 0.5 ether);
    }

    /// Held. No advance: the first report pays in full (the mark set at grant); a signed offer too.
    function test_held_noAdvanceFirstReportInFull_signedAndPublished() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        _reportExact(id, bob, FR, 7, 0, 7 * UNIT_ROYALTY);
        Offer memory s = _offer(_mask(FR), 0, 0);
        s.nonce = 28;
        uint256 sid = _acceptSigned(s, carol, 0);
        _reportExact(sid, carol, FR, 3, 0, 3 * UNIT_ROYALTY);
        Offer memory a = _offer(_mask(FR), 0, 0);
        a.nonce = 29;
        a.terms.advance = 2 * uint128(UNIT_ROYALTY);
        uint256 aid = _acceptSigned(a, carol, 2 * UNIT_ROYALTY);
        _reportExact(aid, carol, FR, 3, 0, UNIT_ROYALTY);
    }

    /// Held. The masked compare: a breach flag and the recouped mark never change coverage; the
    /// exhausted mark ends it (isLicensed 4- and 5-arg, requireLicensed with UnitsExhausted), while
    /// sales in arrears are still taken.
    function test_held_breachAndRecoupedMarkKeepCoverage_exhaustionEndsIt() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        o.terms.unitCap = 3;
        o.terms.advance = uint128(UNIT_ROYALTY); // used up by the first unit
        o.terms.salesRoyaltyBps = 100;
        uint256 id = _accept(_publish(o), bob, UNIT_ROYALTY);
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
        _reportExact(id, bob, FR, 1, 0, 0); // recouped mark set
        (bool l4,) = licensing.isLicensed(tokenId, bob, FR, _now());
        (bool l5,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, _now());
        assertTrue(l4 && l5, "breach + recouped: still covered");
        assertEq(licensing.requireLicensed(tokenId, bob, FR, _now()), id, "requireLicensed agrees");
        _reportExact(id, bob, FR, 2, 0, 2 * UNIT_ROYALTY); // the last units
        (l4,) = licensing.isLicensed(tokenId, bob, FR, _now());
        (l5,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, _now());
        assertTrue(!l4 && !l5, "exhausted: not covered");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnitsExhausted.selector, id, uint56(3)));
        licensing.requireLicensed(tokenId, bob, FR, _now());
        _reportExact(id, bob, FR, 0, 10 ether, 0.1 ether);
    }

    // ============================================================================================
    // Held: colourway coverage and the internal bit (b6e349c)
    // ============================================================================================

    /// Held. A design's ALL_COLOURWAYS licence covers its colourways (4- and 5-arg isLicensed,
    /// requireLicensed returns that licence) but not outside its class or region; a design-only licence
    /// covers none (NotForColourways); a colourway's licence covers neither its design nor a sibling.
    function test_held_coverageAcrossTheFamily() public {
        Offer memory all = _offer(_mask(FR), LicenseFlags.ALL_COLOURWAYS, 0);
        all.terms.classes = LINEN_BIT;
        uint256 allId = _accept(_publish(all), bob, 0);
        (bool ok, uint256 via) = licensing.isLicensed(blue, bob, FR, _now());
        assertTrue(ok && via == allId, "all-colourways licence covers blue");
        (ok,) = licensing.isLicensed(red, bob, FR, TEXTILES, _now());
        assertTrue(ok, "and red in its class");
        (ok,) = licensing.isLicensed(red, bob, FR, CLOTHING, _now());
        assertFalse(ok, "not outside its class");
        (ok,) = licensing.isLicensed(red, bob, DE, _now());
        assertFalse(ok, "not outside its region");
        assertEq(licensing.requireLicensed(blue, bob, FR, _now()), allId, "requireLicensed via design");

        uint256 only = _accept(_publish(_offer(_mask(FR), 0, 0)), carol, 0);
        (ok,) = licensing.isLicensed(blue, carol, FR, _now());
        assertFalse(ok, "design-only licence");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotForColourways.selector, only, blue));
        licensing.requireLicensed(blue, carol, FR, _now());

        vm.prank(licensor);
        uint256 blueOffer = licensing.publishOffer(_offerFor(blue, _mask(DE), 0, 0));
        _accept(blueOffer, eve, 0);
        (ok,) = licensing.isLicensed(design, eve, DE, _now());
        assertFalse(ok, "blue's licence: not the design");
        (ok,) = licensing.isLicensed(red, eve, DE, _now());
        assertFalse(ok, "blue's licence: not a sibling");
        (ok,) = licensing.isLicensed(blue, eve, DE, _now());
        assertTrue(ok, "blue's licence covers blue");
    }

    /// Held. Bit 15 cannot be set by users: refused in published and signed offers; a colourway's
    /// own terms refuse ALL_COLOURWAYS signed as well as published; the stored bit is masked out of
    /// getTerms and cannot be asked for in licensedFor.
    function test_held_internalBitNeitherSettableNorVisible() public {
        uint16 forged = LicenseFlags.COMMERCIAL | STORED_COLOURWAY_BIT;
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, forged, LicenseFlags.ALL));
        _publish(_offer(_mask(FR), forged, 0));

        Offer memory s = _offer(_mask(FR), forged, 0);
        bytes memory sig = _signOffer(s, LICENSOR_KEY);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, forged, LicenseFlags.ALL));
        licensing.acceptSignedOffer(s, sig, 0);

        Offer memory cw = _offerFor(blue, _mask(FR), LicenseFlags.ALL_COLOURWAYS, 0);
        sig = _signOffer(cw, LICENSOR_KEY);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingInvalidFlags.selector,
                LicenseFlags.ALL_COLOURWAYS,
                LicenseFlags.ALL & ~LicenseFlags.ALL_COLOURWAYS
            )
        );
        licensing.acceptSignedOffer(cw, sig, 0);

        Offer memory ok = _offerFor(blue, _mask(FR), LicenseFlags.COMMERCIAL, 0);
        uint256 id = _acceptSigned(ok, bob, 0);
        LicenseTerms memory t = licensing.getTerms(licensing.getLicense(id).termsId);
        assertEq(t.flags, LicenseFlags.COMMERCIAL, "getTerms hides the colourway bit");
        (bool lf,) = licensing.licensedFor(blue, bob, STORED_COLOURWAY_BIT, _now());
        assertFalse(lf, "licensedFor cannot ask for the internal bit");
        (lf,) = licensing.licensedFor(blue, bob, LicenseFlags.COMMERCIAL, _now());
        assertTrue(lf, "licensedFor its real flags");
    }

    /// Held. A signed colourway offer's later acceptances (colourway read from the signed offer's
    /// state, not recomputed) go to the family book: with the first use's window over, only the
    /// second use's grant can make the design's exclusive conflict.
    function test_held_signedColourwaySecondUseBooksInTheFamily() public {
        Offer memory s = _offerFor(blue, _mask(FR), 0, 0);
        s.window.duration = 10 days;
        s.deadline = uint40(block.timestamp + 60 days);
        _acceptSigned(s, bob, 0);
        vm.warp(block.timestamp + 20 days); // the first use's window is over
        _acceptSigned(s, carol, 0); // same digest: the second use
        Offer memory ex = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        ex.deadline = uint40(block.timestamp + 1 days);
        uint256 exOffer = _publish(ex);
        vm.prank(eve);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingGrantConflict.selector);
        licensing.acceptOffer(exOffer, 0);
    }

    /// Held. A design's offer published before it had colourways, accepted after one was minted and
    /// licensed: the same book (the design's), so the exclusive is refused.
    function test_held_offerStoredBeforeColourwaysStillSharesTheBook() public {
        uint256 plain = _mintTo(licensor, 2810);
        Offer memory ex = _offerFor(plain, _mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.ALL_COLOURWAYS, 0);
        uint256 exOffer = _publish(ex);
        uint256 green = _mintColourway(plain, 2811);
        vm.prank(licensor);
        uint256 greenOffer = licensing.publishOffer(_offerFor(green, _mask(FR), 0, 0));
        _accept(greenOffer, carol, 0);
        vm.prank(bob);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingGrantConflict.selector);
        licensing.acceptOffer(exOffer, 0);
    }

    /// Held. A colourway's exclusive moved by transfer, renewed and revoked keeps the family book
    /// right: renewed, it blocks the design in its extension; transferred then revoked, the scope opens.
    function test_held_colourwayExclusiveTransferRenewRevokeInFamilyBook() public {
        Offer memory o = _offerFor(
            blue,
            _mask(FR),
            LicenseFlags.EXCLUSIVE | LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH,
            0
        );
        o.terms.renewalPrice = 1;
        vm.prank(licensor);
        uint256 id = _accept(licensing.publishOffer(o), bob, 0);
        uint256 end0 = licensing.getLicense(id).end;
        vm.deal(bob, 1);
        vm.prank(bob);
        licensing.renew{value: 1}(id, 1);
        uint256 moved = _transfer(id, bob, carol);

        // a design exclusive starting after the first window, inside the renewal: refused
        Offer memory d = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        d.window = _absolute(end0 + 1 days, end0 + 2 days);
        uint256 dOffer = _publish(d);
        vm.prank(eve);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExclusiveConflict.selector);
        licensing.acceptOffer(dOffer, 0);

        _revokeForBreach(moved); // by blue's owner, in the family book under the transferred id
        vm.prank(eve);
        licensing.acceptOffer(dOffer, 0); // the family's scope is open again
    }
}
