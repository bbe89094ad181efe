// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {LicenseFlags, Offer, Pricing} from "../../contracts/types/License.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Audit of issue 17 (contracts): MotifLicensing split into Exclusivity / DemandPricing /
/// MotifPayments, packed words as GrantSlot / CertificateData, specific errors. The diff against
/// 5cb1278 was read function by function (every moved body is the same statements); these probes
/// replay the paths the split touched with hand-computed expectations. All held (they pass).
contract AuditIssue17Test is LicensingFixture {
    /// An exclusive licence, transferred then renewed, keeps its claim in the exclusivity book under
    /// its new id (Exclusivity.rename, then reserve extends the same entry): a second exclusive over
    /// the renewed period conflicts with the renamed licence, and isLicensed follows the holder.
    function test_held_exclusiveClaimFollowsTransferAndRenewal() public {
        Offer memory o = _offer(_mask(DE), LicenseFlags.EXCLUSIVE | LicenseFlags.TRANSFERABLE, 1 ether);
        o.terms.renewalPrice = 0.5 ether;
        uint256 start = block.timestamp;
        uint256 first = _accept(_publish(o), bob, 1 ether);
        uint256 moved = _transfer(first, bob, carol);
        assertTrue(moved != first, "a transfer issues a new licence id");

        vm.deal(carol, 1 ether);
        vm.prank(carol);
        licensing.renew{value: 0.5 ether}(moved, 0.5 ether);
        uint256 newEnd = start + 180 days;

        (bool held,) = licensing.isLicensed(tokenId, carol, DE, uint48(start + 120 days));
        assertTrue(held, "carol holds DE in the renewed period");
        (held,) = licensing.isLicensed(tokenId, bob, DE, uint48(start + 1 days));
        assertFalse(held, "bob gave the licence away");
        (held,) = licensing.isLicensed(tokenId, carol, FR, uint48(start + 1 days));
        assertFalse(held, "no FR");
        (held,) = licensing.isLicensed(tokenId, carol, DE, uint48(newEnd));
        assertFalse(held, "the window is half-open");

        // a second exclusive in DE inside the renewed period: refused, naming carol's licence
        Offer memory later = _offer(_mask(DE) | _mask(FR), LicenseFlags.EXCLUSIVE, 1 ether);
        later.window = _absolute(start + 100 days, start + 130 days);
        later.nonce = 2;
        uint256 offerId = _publish(later);
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector, tokenId, moved, _mask(DE), ProductClassMask.ALL, uint40(start), uint40(newEnd)
            )
        );
        licensing.acceptOffer{value: 1 ether}(offerId, 1 ether);

        // after the renewed period it is free again
        Offer memory after_ = _offer(_mask(DE), LicenseFlags.EXCLUSIVE, 1 ether);
        after_.window = _absolute(newEnd, newEnd + 10 days);
        after_.nonce = 3;
        _accept(_publish(after_), alice, 1 ether);
    }

    /// A non-exclusive grant blocks a later exclusive over the same region and time (GrantConflict),
    /// not one over another region.
    function test_held_grantBlocksExclusiveOnlyWhereItLives() public {
        _accept(_publish(_offer(_mask(DE), 0, 0)), bob, 0);
        Offer memory ex = _offer(_mask(DE) | _mask(US), LicenseFlags.EXCLUSIVE, 0);
        ex.nonce = 2;
        uint256 offerId = _publish(ex);
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingGrantConflict.selector,
                tokenId,
                _mask(DE),
                ProductClassMask.ALL,
                uint40(block.timestamp),
                uint40(block.timestamp + 90 days)
            )
        );
        licensing.acceptOffer(offerId, 0);

        Offer memory us = _offer(_mask(US), LicenseFlags.EXCLUSIVE, 0);
        us.nonce = 3;
        _accept(_publish(us), carol, 0);
    }

    /// Demand pricing through the library, against the arithmetic by hand: floor 1 ETH, ceiling
    /// 2 ETH, cap 4 sales, decay 1 day. Two sales at once: demand 2 → 1.5 ETH; half a day later the
    /// demand has decayed to 1 → 1.25 ETH; a day after the last sale: the floor.
    function test_held_demandPricingByHand() public {
        Offer memory o = _offer(_mask(DE), 0, 1 ether);
        o.pricing = Pricing({price: 1 ether, ceiling: 2 ether, decayWindow: 1 days, demandCap: 4});
        uint256 offerId = _publish(o);
        uint256 t0 = block.timestamp;
        assertEq(licensing.currentPrice(offerId), 1 ether, "floor before any sale");
        _accept(offerId, bob, 1 ether);
        assertEq(licensing.currentPrice(offerId), 1.25 ether, "demand 1 of 4");
        _accept(offerId, carol, 1.25 ether);
        assertEq(licensing.currentPrice(offerId), 1.5 ether, "demand 2 of 4");
        vm.warp(t0 + 12 hours);
        assertEq(licensing.currentPrice(offerId), 1.25 ether, "decayed to 1 of 4");
        vm.warp(t0 + 24 hours);
        assertEq(licensing.currentPrice(offerId), 1 ether, "floor a decay window after the last sale");
    }

    /// The specific errors carry the bad values (EIP-6093 style) where InvalidField carried bounds.
    function test_held_specificErrorsCarryTheValues() public {
        Offer memory o = _offer(_mask(DE), LicenseFlags.EXCLUSIVE, 1 ether);
        o.maxUses = 2;
        vm.prank(licensor);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidMaxUses.selector, uint32(2), uint256(1)));
        licensing.publishOffer(o);

        o = _offer(_mask(DE), 0, 1 ether);
        o.pricing = Pricing({price: 2 ether, ceiling: 1 ether, decayWindow: 1, demandCap: 1});
        vm.prank(licensor);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingCeilingBelowFloor.selector, uint128(1 ether), uint128(2 ether)));
        licensing.publishOffer(o);

        o = _offer(_mask(DE), uint16(1 << 8), 1 ether);
        vm.prank(licensor);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, uint16(1 << 8), LicenseFlags.ALL));
        licensing.publishOffer(o);
    }

    /// Payments: the licensor is owed the price after settle and withdraws exactly it, once.
    function test_held_settleAndWithdrawOnce() public {
        _accept(_publish(_offer(_mask(DE), 0, 1 ether)), bob, 1 ether);
        _settle();
        uint256 owed = licensing.owed(licensor, address(0));
        (, uint16 modelBps,) = registry.modelRoyalty(cert.modelOf(tokenId));
        assertEq(owed, 1 ether - 1 ether * uint256(modelBps) / 10_000, "no protocol fee: the price less the model's share");
        uint256 before = licensor.balance;
        vm.prank(licensor);
        licensing.withdraw(address(0));
        assertEq(licensor.balance, before + owed, "withdrawn");
        vm.prank(licensor);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNothingOwed.selector, licensor, address(0)));
        licensing.withdraw(address(0));
    }
}
