// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {LicenseFlags, Offer, OfferState} from "../../contracts/types/License.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// Audit of session 18b: "a perpetual licence (window end PERPETUAL = 2^40 - 1) never ends", and
/// `getOffer(offerId)` = the offer as published plus its state, `currentPrice` = `currentPrice(offerId)`.
contract AuditSession18bTest is LicensingFixture {
    // F4 (low, contracts). Promise: a window ending at PERPETUAL "never ends" (GrantSlot.coversTime,
    // _whyNot now exempt it, so isLicensed/requireLicensed say "licensed" at any uint48 time).
    // Observation: the block.timestamp paths were not given the same exemption: _requireTransferable
    // (`g.end <= block.timestamp`), pendingTransferOf (`g.end > block.timestamp`) and _freeSlot. From
    // block time PERPETUAL on (year 36812) a perpetual, transferable licence that isLicensed still
    // reports as live cannot be transferred: transferLicense reverts MotifLicensingExpired(id,
    // PERPETUAL, now). Far future, hence low, but the contract now contradicts itself.
    // Fix: one helper `_ended(end, time) = end != PERPETUAL && end <= time` used by every end check.
    function test_finding_perpetualLicence_notTransferableFromBlockTimePerpetual() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0);
        o.window = _absolute(0, licensing.PERPETUAL());
        uint256 id = _accept(_publish(o), bob, 0);
        vm.warp(licensing.PERPETUAL());
        (bool ok,) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(ok, "isLicensed: still live (the promise)");
        vm.prank(bob);
        licensing.transferLicense(id, carol); // reverts MotifLicensingExpired(id, PERPETUAL, PERPETUAL)
        assertEq(licensing.pendingTransferOf(id), carol, "transfer pending");
    }

    // Held: _freeSlot would rank a perpetual slot as dead from block time PERPETUAL, but no new licence
    // can be taken then (acceptOffer refuses), so a live perpetual licence is not overwritten.
    function test_held_perpetualLicence_slotNotReusedFromBlockTimePerpetual() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.window = _absolute(0, licensing.PERPETUAL());
        uint256 keep = _accept(_publish(o), bob, 0);
        _fillSlots(bob, licensing.MAX_LICENSES_PER_HOLDER() - 1);
        Offer memory other = _offer(_mask(DE), 0, 0);
        other.window = _absolute(0, licensing.PERPETUAL());
        other.deadline = licensing.PERPETUAL();
        vm.prank(licensor);
        uint256 offerId = licensing.publishOffer(other);
        vm.warp(licensing.PERPETUAL());
        // every slot holds a live perpetual licence: the next one must be refused (HolderLimit), not overwrite one
        vm.prank(bob);
        try licensing.acceptOffer(offerId, 0) returns (uint256 fresh) {
            assertTrue(fresh != keep, "a new licence id");
        } catch {}
        (bool ok, uint256 got) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(ok, "the first perpetual FR licence is still there");
        assertEq(got, keep, "same licence id");
    }

    // Held: getOffer's currentPrice equals currentPrice(offerId); the offer fields as published.
    function test_held_getOffer_matchesPublishedAndCurrentPrice() public {
        Offer memory o = _offer(_mask(FR), 0, 1 ether);
        o.pricing.ceiling = 3 ether;
        o.pricing.decayWindow = 1 days;
        o.pricing.demandCap = 5;
        uint256 offerId = _publish(o);
        _accept(offerId, bob, 1 ether);
        vm.warp(block.timestamp + 1 hours);
        (Offer memory got, OfferState memory s) = licensing.getOffer(offerId);
        assertEq(s.currentPrice, licensing.currentPrice(offerId), "currentPrice");
        assertEq(uint256(s.uses), 1, "uses");
        assertEq(s.licensor, licensor, "licensor");
        assertEq(uint256(got.nonce), 0, "nonce");
        assertEq(uint256(got.deadline), uint256(o.deadline), "deadline");
        assertEq(uint256(got.maxUses), uint256(o.maxUses), "maxUses");
        assertEq(keccak256(abi.encode(got.terms)), keccak256(abi.encode(o.terms)), "terms");
        assertEq(licensing.lastOfferId(), offerId, "lastOfferId");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownOffer.selector, 0));
        licensing.getOffer(0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownOffer.selector, offerId + 1));
        licensing.getOffer(offerId + 1);
    }
}
