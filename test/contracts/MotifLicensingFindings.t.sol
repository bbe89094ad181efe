// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {License, LicenseFlags, LicenseStatus, Offer} from "../../contracts/types/License.sol";
import {MintRequest} from "../../contracts/types/Lineage.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Regression tests for the licensing and id findings of the real-input audit (issue 15,
/// SECURITY.md "Licence correctness"): each fails on the code before its fix.
contract MotifLicensingFindingsTest is LicensingFixture {
    address internal dave = address(0xDA7E);
    address internal mallory = address(0x3A11);

    // --- renewal adds exactly one period ---------------------------------------------------------

    function test_renew_fiveTimes_addsExactlyFivePeriods() public {
        uint256 id = _accept(_publish(_renewable(_mask(FR), 0, 90 days)), bob, 0);
        uint256 start = licensing.getLicense(id).start;
        for (uint256 i; i < 5; ++i) _renewAtOpening(id, bob);
        assertEq(licensing.getLicense(id).end, start + 6 * 90 days, "six periods, not 2^5");
    }

    /// @dev After n renewals the end is start + (n + 1) * period, whatever the period and n.
    function testFuzz_renew_endIsStartPlusPeriods(uint8 n, uint32 periodSeed) public {
        n = uint8(bound(n, 0, 24));
        uint40 period = uint40(bound(periodSeed, 1 hours, 3 * 365 days));
        uint256 id = _accept(_publish(_renewable(_mask(FR), 0, period)), bob, 0);
        uint256 start = licensing.getLicense(id).start;
        for (uint256 i; i < n; ++i) _renewAtOpening(id, bob);
        assertEq(licensing.getLicense(id).end, start + (uint256(n) + 1) * period, "end");
        assertEq(licensing.getLicense(id).renewalPeriod, period, "period fixed at grant");
    }

    function test_renew_absoluteWindow_periodFixedAtGrant() public {
        uint256 t0 = block.timestamp;
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.window = _absolute(t0 + 10 days, t0 + 40 days);
        o.terms.renewalPrice = 1;
        uint256 id = _accept(_publish(o), bob, 0);
        uint256 start = licensing.getLicense(id).start;
        assertEq(start, t0 + 10 days, "starts as offered");
        _renewAtOpening(id, bob);
        _renewAtOpening(id, bob);
        assertEq(licensing.getLicense(id).end, start + 90 days, "one 30-day period per renewal");
    }

    function test_renew_byStranger_reverts() public {
        uint256 id = _accept(_publish(_renewable(_mask(FR), 0, 90 days)), bob, 0);
        vm.deal(mallory, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, id, mallory));
        vm.prank(mallory);
        licensing.renew{value: 1}(id, 1);
    }

    function test_renew_cannotStackAhead() public {
        uint256 id = _accept(_publish(_renewable(_mask(FR), 0, 90 days)), bob, 0);
        _renewAtOpening(id, bob); // allowed at once: the whole window is its last period
        uint40 end = licensing.getLicense(id).end;
        vm.deal(bob, 1);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingRenewalTooEarly.selector, id, end, end - 90 days)
        );
        vm.prank(bob);
        licensing.renew{value: 1}(id, 1);
    }

    function test_renew_whileBreachFlagged_reverts() public {
        uint256 id = _accept(_publish(_renewable(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 90 days)), bob, 0);
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
        vm.deal(bob, 1);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingBreachFlagged.selector, id));
        vm.prank(bob);
        licensing.renew{value: 1}(id, 1);
    }

    function test_renew_pastTheEndOfTime_reverts() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        uint40 end = licensing.PERPETUAL() - 1;
        o.window = _absolute(0, end);
        o.terms.renewalPrice = 1;
        uint256 id = _accept(_publish(o), bob, 0);
        uint256 newEnd = uint256(end) + (end - block.timestamp);
        vm.deal(bob, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingRenewalEndTooLate.selector, id, newEnd, end
            )
        );
        vm.prank(bob);
        licensing.renew{value: 1}(id, 1);
    }

    // --- slots count live licences; transfers need the recipient ---------------------------------

    function test_holderLimit_countsLiveLicencesOnly() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.maxUses = 40;
        uint256 offerId = _publish(o);
        uint256[] memory ids = new uint256[](16);
        for (uint256 i; i < 16; ++i) ids[i] = _accept(offerId, bob, 0);
        (bool ok, bytes memory ret) = _tryAccept(offerId, bob);
        assertFalse(ok, "17th live licence refused");
        assertEq(
            ret,
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingHolderLimit.selector, tokenId, bob, uint256(16))
        );
        vm.warp(block.timestamp + 90 days); // all sixteen have ended
        uint256 fresh = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        assertEq(fresh, licensing.licenseIdOf(tokenId, bob, 0), "slot 0 reused");
        for (uint256 i; i < 16; ++i) assertTrue(fresh != ids[i], "a reused slot gets a new id");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownLicense.selector, ids[0]));
        licensing.getLicense(ids[0]);
        (bool licensed, uint256 which) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(licensed && which == fresh, "the new licence is found");
    }

    function test_reusedSlot_carriesNoReporterOrBreachOver() public {
        uint256 offerId = _publish(_offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0));
        uint256 old = _accept(offerId, bob, 0);
        _fillSlots(bob, 15); // slots 1..15 live: the next licence reuses slot 0 once it is dead
        vm.prank(bob);
        licensing.setReporter(old, carol, true);
        vm.prank(admin);
        licensing.flagBreach(old, keccak256("evidence"));
        vm.prank(licensor);
        licensing.revoke(old);
        uint256 fresh = _accept(offerId, bob, 0);
        assertEq(fresh & ~uint256(0xffff), old & ~uint256(0xffff), "same slot");
        assertTrue(fresh != old, "new id");
        assertFalse(licensing.getLicense(fresh).breachFlagged, "no breach flag carried over");
        vm.deal(carol, UNIT_ROYALTY);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, fresh, carol));
        vm.prank(carol);
        licensing.reportUsage{value: UNIT_ROYALTY}(fresh, bob, FR, TEXTILES, 1, 0);
    }

    function test_slotReuse_keepsEndedLicencesAnsweringForTheirTime() public {
        uint256 fr = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0); // 90 days, then ends
        uint256 t0 = licensing.getLicense(fr).start; // (block.timestamp is not re-read reliably after warps under via-IR)
        vm.warp(t0 + 100 days);
        _accept(_publish(_offer(_mask(US), 0, 0)), bob, 0); // a new purchase takes a never-used slot
        (bool licensed, uint256 which) = licensing.isLicensed(tokenId, bob, FR, uint48(t0 + 1 days));
        assertTrue(licensed && which == fr, "the ended FR licence still answers for its time");
        // Only once every slot is used does the earliest-ended licence give its slot up.
        _fillSlots(bob, 14);
        uint256 next = _accept(_publish(_offer(_mask(DE), 0, 0)), bob, 0);
        assertEq(next & ~uint256(0xffff), fr & ~uint256(0xffff), "the earliest-ended slot is reused last");
    }

    function test_transferLicense_unsolicited_givesTheRecipientNothing() public {
        Offer memory o = _offer(_mask(US), LicenseFlags.TRANSFERABLE, 0);
        o.maxUses = 16;
        uint256 offerId = _publish(o);
        for (uint256 i; i < 16; ++i) {
            uint256 id = _accept(offerId, mallory, 0);
            vm.prank(mallory);
            licensing.transferLicense(id, bob); // an offer bob never asked for
            assertEq(licensing.pendingTransferOf(id), bob, "pending until bob accepts");
        }
        assertEq(licensing.licenseIdOf(tokenId, bob, 0), 0, "bob holds nothing he did not accept");
        _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0); // bob's own deal still goes through
    }

    function test_acceptLicenseTransfer_byAnotherAccount_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        vm.prank(bob);
        licensing.transferLicense(id, carol);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNoTransferPending.selector, id, mallory, carol)
        );
        vm.prank(mallory);
        licensing.acceptLicenseTransfer(id);
        vm.prank(bob);
        licensing.transferLicense(id, address(0)); // withdrawn
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNoTransferPending.selector, id, carol, address(0))
        );
        vm.prank(carol);
        licensing.acceptLicenseTransfer(id);
    }

    // --- a flagged licence cannot run away from revocation ---------------------------------------

    function test_flaggedLicence_cannotBeTransferredAndIsRevoked() public {
        uint256 id = _accept(
            _publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0
        );
        vm.prank(bob);
        licensing.transferLicense(id, carol); // proposed before the flag
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
        bytes memory flagged = abi.encodeWithSelector(IMotifLicensing.MotifLicensingBreachFlagged.selector, id);
        vm.expectRevert(flagged);
        vm.prank(carol);
        licensing.acceptLicenseTransfer(id);
        vm.expectRevert(flagged);
        vm.prank(bob);
        licensing.transferLicense(id, dave);
        vm.prank(licensor);
        licensing.revoke(id);
        assertTrue(licensing.getLicense(id).status == LicenseStatus.Revoked, "revoked where it is");
        (bool licensed,) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertFalse(licensed, "no longer licensed");
    }

    function test_clearBreach_byArbiterOnly_thenTransferWorks() public {
        uint256 id = _accept(
            _publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0
        );
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingBreachNotFlagged.selector, id));
        vm.prank(admin);
        licensing.clearBreach(id);
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, licensor, licensing.ARBITER_ROLE()
            )
        );
        vm.prank(licensor);
        licensing.clearBreach(id);
        vm.expectEmit(true, true, false, false, address(licensing));
        emit IMotifLicensing.BreachCleared(id, admin);
        vm.prank(admin);
        licensing.clearBreach(id);
        assertFalse(licensing.getLicense(id).breachFlagged, "cleared");
        uint256 moved = _transfer(id, bob, carol);
        assertEq(moved, licensing.licenseIdOf(tokenId, carol, 0), "moved to carol");
    }

    // --- an offer may name its buyer -------------------------------------------------------------

    function test_signedOffer_namedLicensee_onlyThemMayAccept() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 1 ether);
        o.licensee = bob;
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        bytes32 key = licensing.offerDigest(o);
        vm.deal(mallory, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotOfferLicensee.selector, key, bob, mallory)
        );
        vm.prank(mallory);
        licensing.acceptSignedOffer{value: 1 ether}(o, sig, 1 ether);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        uint256 id = licensing.acceptSignedOffer{value: 1 ether}(o, sig, 1 ether);
        assertEq(id, licensing.licenseIdOf(tokenId, bob, 0), "bob's licence");
    }

    function test_signedOffer_licenseeIsPartOfTheSignature() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 1 ether);
        o.licensee = bob;
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        o.licensee = address(0); // strip the name: the signature no longer recovers the licensor
        vm.deal(mallory, 1 ether);
        vm.prank(mallory);
        (bool ok,) = address(licensing).call{value: 1 ether}(abi.encodeCall(licensing.acceptSignedOffer, (o, sig, 1 ether)));
        assertFalse(ok, "altered offer refused");
    }

    function test_publishedOffer_namedLicensee_onlyThemMayAccept() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.licensee = bob;
        uint256 offerId = _publish(o);
        (bool ok, bytes memory ret) = _tryAccept(offerId, mallory);
        assertFalse(ok, "mallory refused");
        assertEq(
            ret,
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingNotOfferLicensee.selector, bytes32(offerId), bob, mallory
            )
        );
        _accept(offerId, bob, 0);
    }

    // --- cancellation is the signer's, for good --------------------------------------------------

    function test_cancelSignedOffer_afterSale_staysCancelledAfterBuyBack() public {
        Offer memory o = _offer(_mask(FR), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.prank(licensor);
        cert.transferFrom(licensor, carol, tokenId);
        vm.prank(licensor); // no longer the owner, still the signer
        licensing.cancelSignedOffer(o);
        vm.prank(carol);
        cert.transferFrom(carol, licensor, tokenId); // bought back
        vm.deal(bob, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferCancelled.selector, licensing.offerDigest(o))
        );
        vm.prank(bob);
        licensing.acceptSignedOffer{value: 1 ether}(o, sig, 1 ether);
    }

    // --- usage counter never wraps ---------------------------------------------------------------

    function test_reportUsage_uncapped_refusesToWrap() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.unitRoyalty = 0;
        uint256 id = _accept(_publish(o), bob, 0);
        uint56 max = type(uint56).max;
        vm.prank(bob);
        licensing.reportUsage(id, bob, FR, TEXTILES, max, 0);
        assertEq(licensing.getLicense(id).unitsUsed, max, "counted");
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnitCapExceeded.selector, id, max, uint256(1), max)
        );
        vm.prank(bob);
        licensing.reportUsage(id, bob, FR, TEXTILES, 1, 0);
    }

    // --- exclusivity is exact for ended grants (per block of 16 regions) -------------------------

    function test_exclusive_notBlockedByEndedGrantBesideAPerpetualOne() public {
        _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0); // 90 days, FR (block 4)
        Offer memory forever = _offer(_mask(US), 0, 0); // perpetual, US (block 14)
        forever.window = _absolute(0, licensing.PERPETUAL());
        _accept(_publish(forever), carol, 0);
        vm.warp(block.timestamp + 91 days); // the FR grant has ended; the US one never will
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0)), dave, 0);
        (bool licensed,) = licensing.isLicensed(tokenId, dave, FR, uint48(block.timestamp));
        assertTrue(licensed && id != 0, "exclusive FR granted");
    }

    function test_exclusive_stillBlockedByALiveGrant() public {
        _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        Offer memory forever = _offer(_mask(US), 0, 0);
        forever.window = _absolute(0, licensing.PERPETUAL());
        _accept(_publish(forever), carol, 0);
        vm.warp(block.timestamp + 89 days);
        uint256 offerId = _publish(_offer(_mask(FR, US), LicenseFlags.EXCLUSIVE, 0));
        (bool ok, bytes memory ret) = _tryAccept(offerId, dave);
        assertFalse(ok, "FR still licensed to bob, US to carol");
        assertEq(
            ret,
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingGrantConflict.selector,
                tokenId,
                _mask(FR, US),
                ProductClassMask.ALL,
                uint40(block.timestamp - 89 days),
                licensing.PERPETUAL()
            )
        );
    }

    // --- every kind of id has its own space ------------------------------------------------------

    function test_mint_patternCannotTakeARecipeOrDatasetId() public {
        bytes32 recipeDigest = keccak256(abi.encode("recipe", uint256(7)));
        uint256 recipeId = cert.recipeIdOf(bob, recipeDigest);
        MintRequest memory r = _request(7);
        r.lineage.contentDigest = bytes32(recipeId); // the attester front-runs the author
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateReservedId.selector, recipeId, cert.RECIPE_ID_PREFIX()
            )
        );
        vm.prank(attester);
        cert.mint(r);
        uint256 datasetId = cert.datasetIdOf(bob, keccak256("root"));
        r.lineage.contentDigest = bytes32(datasetId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateReservedId.selector, datasetId, cert.DATASET_ID_PREFIX()
            )
        );
        vm.prank(attester);
        cert.mint(r);
        assertEq(_mintRecipe(bob, 7, 1000), recipeId, "the author still gets the id");
    }

    function testFuzz_ids_kindsAreDisjoint(address who, bytes32 digest) public view {
        uint256 recipeId = cert.recipeIdOf(who, digest);
        uint256 datasetId = cert.datasetIdOf(who, digest);
        assertEq(recipeId >> 192, cert.RECIPE_ID_PREFIX(), "recipe space");
        assertEq(datasetId >> 192, cert.DATASET_ID_PREFIX(), "dataset space");
        assertTrue(cert.RECIPE_ID_PREFIX() != cert.DATASET_ID_PREFIX(), "distinct spaces");
    }

    // --- helpers ---------------------------------------------------------------------------------

    function _renewable(uint256 regions, uint16 flags, uint40 period) private view returns (Offer memory o) {
        o = _offer(regions, flags, 0);
        o.window.duration = period;
        o.terms.renewalPrice = 1;
    }

    /// @dev Warps to the moment the renewal of `id` opens (one period before its end) and renews.
    function _renewAtOpening(uint256 id, address licensee) private {
        License memory l = licensing.getLicense(id);
        uint256 opensAt = l.end - l.renewalPeriod;
        if (block.timestamp < opensAt) vm.warp(opensAt);
        vm.deal(licensee, 1);
        vm.prank(licensee);
        licensing.renew{value: 1}(id, 1);
    }

    function _tryAccept(uint256 offerId, address buyer) private returns (bool ok, bytes memory ret) {
        vm.prank(buyer);
        (ok, ret) = address(licensing).call(abi.encodeCall(licensing.acceptOffer, (offerId, 0)));
    }
}
