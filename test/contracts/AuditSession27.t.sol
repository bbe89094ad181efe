// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {RevenueSplit} from "../../contracts/linked/RevenueSplit.sol";
import {OfferHash} from "../../contracts/libraries/OfferHash.sol";
import {Grant, GrantSlot, GrantSlotLibrary} from "../../contracts/types/GrantSlot.sol";
import {License, LicenseFlags, LicenseStatus, Offer} from "../../contracts/types/License.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";
import {Vm} from "./utils/Vm.sol";

/// @dev Writes a `Grant` with the compiler's packing and reads its word raw.
contract GrantHolder27 {
    Grant internal g;

    function put(Grant memory x) external returns (uint256 word) {
        g = x;
        assembly {
            word := sload(g.slot)
        }
    }
}

/// @notice Audit session 27 of commit 0b914dd (Issue 20 §1: product classes, advances, sales royalties,
/// linked libraries). Findings (`test_finding_*`) fail on the audited code; `test_held_*` are
/// promises that survived the attack tried on them.
contract AuditSession27Test is LicensingFixture {
    uint64 internal constant LINEN_BIT = uint64(1) << (24 - 1);
    uint64 internal constant CLOTHING_BIT = uint64(1) << (25 - 1);

    function _textile(uint256 regions, uint64 classes, uint16 flags) internal view returns (Offer memory o) {
        o = _offer(regions, flags, 0);
        o.terms.classes = classes;
    }

    function _acceptPaying(uint256 offerId, address buyer, uint256 value) internal returns (uint256 id) {
        vm.deal(buyer, buyer.balance + value);
        vm.prank(buyer);
        id = licensing.acceptOffer{value: value}(offerId, type(uint256).max);
    }


    // ============================================================================================
    // Findings
    // ============================================================================================

    /// FINDING (low). Promise: "sales may be reported after the window ends" (statements come in
    /// arrears; the sales royalty is computed on the licence's running total, the advance recouped).
    /// Attack: a licensee whose never-used slots have run out (16 licences of one certificate) takes
    /// one more licence after a sales licence's window ended. `_freeSlot` treated the ended licence as
    /// dead and reused its slot (generation + 1), so the ended licence's id became unknown: its last
    /// quarter's sales could no longer be reported.
    /// Finding (fixed): an ended licence with a sales royalty lost its slot, and so its id, to the
    /// holder's next licence, and its arrears could never be reported. Fixed: it keeps its slot for
    /// `SALES_REPORTING_GRACE` after its window ends (the holder's next licence is refused meanwhile
    /// when no other slot is free), statements close then, and only then is the slot reused.
    function test_fixed_salesInArrearsKeepTheirSlotUntilStatementsClose() public {
        Offer memory o = _textile(_mask(FR), LINEN_BIT, 0);
        o.terms.salesRoyaltyBps = 1000; // 10%
        uint256 salesOffer = _publish(o);
        uint256 id = _accept(salesOffer, bob, 0); // slot 0, 90 days
        _fillSlots(bob, MAX_LICENSES_PER_HOLDER_() - 1); // slots 1..15: perpetual, live
        vm.warp(block.timestamp + 91 days); // the sales licence's window ended; its quarter not yet reported
        uint256 next = _publish(_textile(_mask(DE), CLOTHING_BIT, 0));
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingHolderLimit.selector, tokenId, bob, MAX_LICENSES_PER_HOLDER_())
        );
        vm.prank(bob);
        licensing.acceptOffer(next, 0);
        // the statement for the ended quarter (10 ETH of net sales, 1 ETH royalty) is still accepted
        assertEq(_report(id, bob, FR, TEXTILES, 0, 10 ether), 1 ether, "arrears reported after the window");
        // a year after the window's end statements close, and the slot goes to the next licence
        License memory l = licensing.getLicense(id);
        uint256 closes = uint256(l.end) + licensing.SALES_REPORTING_GRACE();
        vm.warp(closes);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingStatementsClosed.selector, id, closes, closes)
        );
        licensing.reportUsage{value: 0.1 ether}(id, bob, FR, TEXTILES, 0, 1 ether);
        uint256 reused = _accept(_publish(_textile(_mask(DE), CLOTHING_BIT, 0)), bob, 0);
        assertEq(reused & ~uint256(0xffff), id & ~uint256(0xffff), "slot 0 reused");
        assertEq(uint16(reused), uint16(id) + 1, "next generation");
    }

    function MAX_LICENSES_PER_HOLDER_() internal view returns (uint256) {
        return licensing.MAX_LICENSES_PER_HOLDER();
    }

    // ============================================================================================
    // Held
    // ============================================================================================

    /// Held: `isLicensed` (five arguments) never reverts and answers false for class 0, classes past
    /// 45, huge classes, regions past the table and far times.
    function test_held_isLicensedWithClass_neverRevertsOnOddInputs() public {
        _accept(_publish(_textile(_mask(FR), LINEN_BIT, 0)), bob, 0);
        uint8[5] memory classes = [uint8(0), 46, 64, 200, type(uint8).max];
        for (uint256 i; i < classes.length; ++i) {
            (bool ok, uint256 id) = licensing.isLicensed(tokenId, bob, FR, classes[i], uint48(block.timestamp));
            assertFalse(ok, "odd class not licensed");
            assertEq(id, 0, "no id");
        }
        (bool r,) = licensing.isLicensed(tokenId, bob, type(uint256).max, TEXTILES, uint48(block.timestamp));
        assertFalse(r, "odd region");
        (bool t,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, type(uint48).max);
        assertFalse(t, "far time");
        (bool yes,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, uint48(block.timestamp));
        assertTrue(yes, "the licensed class");
    }

    /// Held: exclusivity per class through a renewal. A renewable non-exclusive linen licence in FR
    /// ends before an exclusive linen licence in FR starts (granted), an exclusive clothing licence in
    /// FR meanwhile is granted; renewing the non-exclusive into the exclusive's window is refused.
    function test_held_renewalIntoExclusiveOfSameClassRefused_otherClassFree() public {
        Offer memory n = _textile(_mask(FR), LINEN_BIT, 0);
        n.terms.renewalPrice = 1;
        uint256 nid = _accept(_publish(n), bob, 0);
        License memory nl = licensing.getLicense(nid);
        Offer memory e = _textile(_mask(FR), LINEN_BIT, LicenseFlags.EXCLUSIVE);
        e.window = _absolute(nl.end, uint256(nl.end) + 90 days);
        uint256 eid = _accept(_publish(e), carol, 0);
        _accept(_publish(_textile(_mask(FR), CLOTHING_BIT, LicenseFlags.EXCLUSIVE)), address(0xC0FFEE), 0);
        vm.deal(bob, 1);
        vm.prank(bob);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExclusiveConflict.selector);
        licensing.renew{value: 1}(nid, 1);
        assertTrue(eid != 0, "exclusive granted");
    }

    /// Held: the exclusive granted second (after a non-exclusive in the same region and class that
    /// overlaps) is refused even when the non-exclusive was transferred.
    function test_held_exclusiveAfterTransferredNonExclusiveRefused() public {
        uint256 id = _accept(_publish(_textile(_mask(FR), LINEN_BIT, LicenseFlags.TRANSFERABLE)), bob, 0);
        _transfer(id, bob, carol);
        uint256 offerId = _publish(_textile(_mask(FR), LINEN_BIT, LicenseFlags.EXCLUSIVE));
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingGrantConflict.selector);
        _accept(offerId, address(0xD00D), 0);
    }

    /// Held: an exhausted licence stays exhausted through a transfer, with its units, sales and
    /// advance; the old id answers nothing and refuses sales.
    function test_held_transferCarriesExhaustionUnitsAdvanceSales() public {
        Offer memory o = _textile(_mask(FR), LINEN_BIT, LicenseFlags.TRANSFERABLE);
        o.terms.unitCap = 3;
        o.terms.advance = 1 ether;
        o.terms.salesRoyaltyBps = 1000;
        uint256 id = _acceptPaying(_publish(o), bob, 1 ether);
        assertEq(_report(id, bob, FR, TEXTILES, 3, 2 ether), 0, "inside the advance");
        (bool live,) = licensing.isLicensed(tokenId, bob, FR, TEXTILES, uint48(block.timestamp));
        assertFalse(live, "last unit exhausts");
        uint256 moved = _transfer(id, bob, carol);
        License memory l = licensing.getLicense(moved);
        assertEq(l.unitsUsed, 3, "units move");
        assertEq(l.netSales, 2 ether, "sales move");
        assertEq(l.advanceRemaining, 1 ether - 3 * UNIT_ROYALTY - 0.2 ether, "advance moves");
        (bool c,) = licensing.isLicensed(tokenId, carol, FR, TEXTILES, uint48(block.timestamp));
        assertFalse(c, "still exhausted");
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingTransferred.selector, id));
        licensing.reportUsage(id, bob, FR, TEXTILES, 0, 1 ether);
    }

    /// Held: split statements mixing units and sales against an advance pay exactly what one
    /// statement pays (max(0, royalty - advance)); reportDue quoted each exactly (msg.value exact).
    function test_held_splitWithAdvanceEqualsWhole() public {
        Offer memory o = _textile(_mask(FR), LINEN_BIT, 0);
        o.terms.advance = 0.0123 ether;
        o.terms.salesRoyaltyBps = 333;
        o.terms.unitRoyalty = 7777;
        uint256 offerId = _publish(o);
        uint256 a = _acceptPaying(offerId, bob, o.terms.advance);
        uint256 b = _acceptPaying(offerId, carol, o.terms.advance);
        uint256 paidA;
        uint256[5] memory sales = [uint256(1), 29, 0.1 ether + 7, 3, 0.2 ether + 11];
        uint256 total;
        for (uint256 i; i < 5; ++i) {
            paidA += _report(a, bob, FR, TEXTILES, i + 1, sales[i]);
            total += sales[i];
        }
        uint256 paidB = _report(b, carol, FR, TEXTILES, 15, total);
        uint256 royalty = 15 * 7777 + total * 333 / 10_000;
        uint256 expected = royalty > o.terms.advance ? royalty - o.terms.advance : 0;
        assertEq(paidA, expected, "split = oracle");
        assertEq(paidB, expected, "whole = oracle");
    }

    /// Held: money is conserved: the contract's balance is what is pending plus what is owed.
    function test_held_moneyConserved() public {
        Offer memory o = _textile(_mask(FR), LINEN_BIT, 0);
        o.pricing.price = 0.5 ether;
        o.terms.advance = 0.3 ether;
        o.terms.salesRoyaltyBps = 700;
        uint256 id = _acceptPaying(_publish(o), bob, 1 ether); // 0.2 ETH refund owed
        _report(id, bob, FR, TEXTILES, 100, 5 ether);
        uint256 pend = licensing.pending(tokenId, address(0));
        assertEq(address(licensing).balance, pend + licensing.owed(bob, address(0)), "pending + owed");
        _settle();
        uint256 sum = licensing.owed(bob, address(0)) + licensing.owed(licensor, address(0))
            + licensing.owed(admin, address(0)) + licensing.owed(modelOwner, address(0));
        assertEq(address(licensing).balance, sum, "after settlement");
    }

    /// Held: RevenueSplit.credit (takes a storage mapping) cannot be called directly: the library's
    /// call protection refuses a non-DELEGATECALL call, and the licensing contract is untouched.
    function test_held_revenueSplitDirectCallRefused() public {
        (bool ok,) = address(RevenueSplit).call(
            abi.encodeWithSelector(
                RevenueSplit.credit.selector, uint256(0), address(cert), address(registry), tokenId, address(0), 1 ether,
                uint16(0), bob
            )
        );
        assertFalse(ok, "direct call refused");
        assertEq(licensing.owed(bob, address(0)), 0, "nothing credited");
    }

    /// Held: the settlement event is emitted by the licensing contract (DELEGATECALL), and errors of
    /// the linked OfferRules surface unchanged.
    function test_held_libraryEventsAndErrorsSurface() public {
        Offer memory o = _textile(_mask(FR), LINEN_BIT, 0);
        o.pricing.price = 1 ether;
        _acceptPaying(_publish(o), bob, 1 ether);
        vm.recordLogs();
        _settle();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bool seen;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == IMotifLicensing.RevenueSettled.selector) {
                assertEq(logs[i].emitter, address(licensing), "emitter");
                seen = true;
            }
        }
        assertTrue(seen, "RevenueSettled emitted");
        Offer memory bad = _textile(_mask(FR), LINEN_BIT, 1 << 9);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, uint16(1 << 9), LicenseFlags.ALL)
        );
        _publish(bad);
    }

    /// Held: the EIP-712 digest is the standard one over the struct in field order.
    function test_held_offerDigestMatchesStructOrder() public view {
        Offer memory o = _textile(_mask(FR), LINEN_BIT | CLOTHING_BIT, 0);
        o.terms.advance = 5;
        o.terms.salesRoyaltyBps = 6;
        o.terms.unitCap = 7;
        o.terms.renewalPrice = 8;
        o.licensee = carol;
        string memory termsType =
            "LicenseTerms(uint256 tokenId,uint256 regions,uint64 classes,uint16 flags,address currency,uint80 unitRoyalty,uint56 unitCap,uint16 salesRoyaltyBps,uint128 advance,uint128 renewalPrice,bytes32 termsDigest,uint16 termsCodec)";
        bytes32 termsHash = keccak256(
            bytes.concat(
                abi.encode(keccak256(bytes(termsType)), o.terms.tokenId, o.terms.regions, o.terms.classes, o.terms.flags),
                abi.encode(o.terms.currency, o.terms.unitRoyalty, o.terms.unitCap, o.terms.salesRoyaltyBps),
                abi.encode(o.terms.advance, o.terms.renewalPrice, o.terms.termsDigest, o.terms.termsCodec)
            )
        );
        bytes32 windowHash = keccak256(
            abi.encode(keccak256("LicenseWindow(uint40 start,uint40 end,uint40 duration)"), o.window.start, o.window.end, o.window.duration)
        );
        bytes32 pricingHash = keccak256(
            abi.encode(
                keccak256("Pricing(uint128 price,uint128 ceiling,uint32 decayWindow,uint16 demandCap)"),
                o.pricing.price,
                o.pricing.ceiling,
                o.pricing.decayWindow,
                o.pricing.demandCap
            )
        );
        bytes32 offerType = keccak256(
            bytes.concat(
                "Offer(LicenseTerms terms,LicenseWindow window,Pricing pricing,uint32 maxUses,uint40 deadline,uint256 nonce,address licensee)",
                bytes(termsType),
                "LicenseWindow(uint40 start,uint40 end,uint40 duration)",
                "Pricing(uint128 price,uint128 ceiling,uint32 decayWindow,uint16 demandCap)"
            )
        );
        assertEq(offerType, OfferHash.OFFER_TYPEHASH, "type hash");
        bytes32 structHash = keccak256(
            abi.encode(offerType, termsHash, windowHash, pricingHash, o.maxUses, o.deadline, o.nonce, o.licensee)
        );
        bytes32 domain = _licensingDomainByHand();
        assertEq(licensing.offerDigest(o), keccak256(abi.encodePacked("\x19\x01", domain, structHash)), "digest");
    }

    /// Held: GrantSlot's offsets are the compiler's packing of `Grant` (every field at its extreme).
    function test_held_grantSlotLayoutMatchesCompiler() public {
        GrantHolder27 h = new GrantHolder27();
        Grant memory x = Grant({
            termsId: 0xdeadbeef,
            start: 0x1122334455,
            end: type(uint40).max - 1,
            status: LicenseStatus.Transferred,
            breach: true,
            marks: GrantSlotLibrary.MARK_EXHAUSTED | GrantSlotLibrary.MARK_RECOUPED,
            unitsUsed: type(uint56).max - 2,
            classes: uint48(ProductClassMask.ALL),
            generation: 0xfffe
        });
        GrantSlot w = GrantSlot.wrap(h.put(x));
        assertEq(w.termsId(), x.termsId, "termsId");
        assertEq(w.start(), x.start, "start");
        assertEq(w.end(), x.end, "end");
        assertTrue(w.status() == x.status, "status");
        assertTrue(w.breach() && w.exhausted() && w.recouped(), "flags");
        assertEq(w.unitsUsed(), x.unitsUsed, "units");
        assertEq(w.classes(), x.classes, "classes");
        assertEq(w.generation(), x.generation, "generation");
        x.breach = false;
        x.marks = 0;
        GrantSlot w2 = GrantSlot.wrap(h.put(x));
        assertFalse(w2.breach() || w2.exhausted() || w2.recouped(), "flags cleared");
    }
}
