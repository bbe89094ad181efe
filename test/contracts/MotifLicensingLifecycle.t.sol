// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {MotifLicensing} from "../../contracts/MotifLicensing.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {IMotifRegions} from "../../contracts/interfaces/IMotifRegions.sol";
import {License, LicenseFlags, LicenseStatus, LicenseTerms, Offer} from "../../contracts/types/License.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

contract MotifLicensingLifecycleTest is LicensingFixture {
    uint256 internal constant SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;

    // --- signed offers ---------------------------------------------------------------------------

    function test_acceptSignedOffer_grantsAndStoresTermsOnce() public {
        Offer memory o = _offer(_eu(), LicenseFlags.COMMERCIAL, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        uint256 first = _acceptSigned(o, sig, bob, 1 ether);
        uint256 second = _acceptSigned(o, sig, carol, 1 ether);
        assertEq(licensing.getLicense(first).termsId, 1, "terms stored at first use");
        assertEq(licensing.getLicense(second).termsId, 1, "and reused");
        (bool ok,) = licensing.isLicensed(tokenId, carol, IT, uint48(block.timestamp));
        assertTrue(ok, "carol licensed in IT");
        _settle();
        assertEq(licensing.owed(licensor, address(0)), 1.9 ether, "two sales");
    }

    function test_acceptSignedOffer_priceAboveMax_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.deal(bob, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingPriceAboveMax.selector, 1 ether, 0.5 ether));
        vm.prank(bob);
        licensing.acceptSignedOffer{value: 0.5 ether}(o, sig, 0.5 ether);
    }

    function test_acceptSignedOffer_overUsed_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.maxUses = 1;
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        _acceptSigned(o, sig, bob, 1 ether);
        bytes32 key = licensing.offerDigest(o);
        vm.deal(carol, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferUsedUp.selector, key, 1));
        vm.prank(carol);
        licensing.acceptSignedOffer{value: 1 ether}(o, sig, 1 ether);
    }

    function test_acceptSignedOffer_wrongSigner_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, OTHER_KEY);
        _expectInactive(licensing.offerDigest(o), vm.addr(OTHER_KEY));
        vm.prank(bob);
        licensing.acceptSignedOffer(o, sig, 1 ether);
    }

    function test_acceptSignedOffer_alteredOffer_reverts() public {
        Offer memory o = _offer(_mask(FR), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        o.terms.regions = _eu(); // the buyer widens the territory
        (bool ok, bytes memory ret) = _tryAcceptSigned(o, sig, bob, 1 ether);
        assertFalse(ok, "altered offer refused");
        assertEq(bytes4(ret), IMotifLicensing.MotifLicensingOfferInactive.selector, "recovers someone else");
    }

    function test_acceptSignedOffer_otherChain_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.chainId(999);
        (bool ok, bytes memory ret) = _tryAcceptSigned(o, sig, bob, 1 ether);
        assertFalse(ok, "other chain");
        assertEq(bytes4(ret), IMotifLicensing.MotifLicensingOfferInactive.selector, "domain binds chain id");
    }

    function test_acceptSignedOffer_otherContract_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        MotifLicensing twin = _newLicensing(admin, cert, registry);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        (bool ok, bytes memory ret) =
            address(twin).call{value: 1 ether}(abi.encodeCall(twin.acceptSignedOffer, (o, sig, 1 ether)));
        assertFalse(ok, "other contract");
        assertEq(bytes4(ret), IMotifLicensing.MotifLicensingOfferInactive.selector, "domain binds the contract");
    }

    function test_acceptSignedOffer_expired_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.warp(uint256(o.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingOfferExpired.selector,
                licensing.offerDigest(o),
                o.deadline,
                uint256(o.deadline) + 1
            )
        );
        vm.prank(bob);
        licensing.acceptSignedOffer(o, sig, 1 ether);
    }

    function test_acceptSignedOffer_cancelled_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        bytes32 key = licensing.offerDigest(o);
        vm.expectEmit(true, true, false, false, address(licensing));
        emit IMotifLicensing.SignedOfferCancelled(key, licensor);
        vm.prank(licensor);
        licensing.cancelSignedOffer(o);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferCancelled.selector, key));
        vm.prank(bob);
        licensing.acceptSignedOffer(o, sig, 1 ether);
        o.nonce = 2; // a fresh offer with a new nonce is unaffected
        _acceptSigned(o, _signOffer(o, LICENSOR_KEY), bob, 1 ether);
    }

    function test_cancelSignedOffer_byAnotherAccount_cancelsOnlyItsOwnSignature() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        vm.prank(bob); // bob never signed it: his cancellation cannot touch the licensor's signature
        licensing.cancelSignedOffer(o);
        _acceptSigned(o, _signOffer(o, LICENSOR_KEY), bob, 1 ether);
    }

    function test_acceptSignedOffer_malleableSignature_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(LICENSOR_KEY, licensing.offerDigest(o));
        bytes memory twin = abi.encodePacked(r, bytes32(SECP256K1_N - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidSignature.selector));
        vm.prank(bob);
        licensing.acceptSignedOffer(o, twin, 1 ether);
    }

    function test_acceptSignedOffer_afterCertificateSold_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.prank(licensor);
        cert.transferFrom(licensor, carol, tokenId);
        _expectInactive(licensing.offerDigest(o), licensor);
        vm.prank(bob);
        licensing.acceptSignedOffer(o, sig, 1 ether);
    }

    function test_acceptSignedOffer_invalidTerms_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.regions = 0;
        bytes memory sig = _signOffer(o, LICENSOR_KEY);
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskEmpty.selector));
        vm.prank(bob);
        licensing.acceptSignedOffer(o, sig, 1 ether);
    }

    // --- isLicensed / requireLicensed ------------------------------------------------------------

    function test_requireLicensed_reasons() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensed.selector, tokenId, bob));
        licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp));

        Offer memory o = _offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        o.window = _absolute(block.timestamp + 10 days, block.timestamp + 20 days);
        uint256 id = _accept(_publish(o), bob, 0);

        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingNotYetValid.selector, id, block.timestamp + 10 days, block.timestamp
            )
        );
        licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExpired.selector, id, block.timestamp + 20 days, block.timestamp + 20 days
            )
        );
        licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp + 20 days));
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRegionNotAllowed.selector, id, US));
        licensing.requireLicensed(tokenId, bob, US, uint48(block.timestamp + 15 days));
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionInvalid.selector, 249, 248));
        licensing.requireLicensed(tokenId, bob, 249, uint48(block.timestamp + 15 days));
        assertEq(licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp + 15 days)), id, "valid inside");

        _revoke(id);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRevoked.selector, id));
        licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp + 15 days));
    }

    function test_isLicensed_windowIsHalfOpen() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.window = _absolute(block.timestamp + 100, block.timestamp + 200);
        uint256 id = _accept(_publish(o), bob, 0);
        _assertLicensed(bob, FR, block.timestamp + 99, false);
        _assertLicensed(bob, FR, block.timestamp + 100, true);
        _assertLicensed(bob, FR, block.timestamp + 199, true);
        _assertLicensed(bob, FR, block.timestamp + 200, false);
        (, uint256 got) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp + 150));
        assertEq(got, id, "id");
        (bool ok,) = licensing.isLicensed(tokenId, bob, 255, uint48(block.timestamp + 150));
        assertFalse(ok, "reserved index is never licensed, no revert");
    }

    function test_isLicensed_findsTheCoveringLicense() public {
        _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        uint256 usId = _accept(_publish(_offer(_mask(US), 0, 0)), bob, 0);
        (bool ok, uint256 id) = licensing.isLicensed(tokenId, bob, US, uint48(block.timestamp));
        assertTrue(ok, "second license covers US");
        assertEq(id, usId, "its id");
    }

    function test_isLicensed_perpetual() public {
        Offer memory o = _offer(_mask(JP), 0, 0);
        o.window = _absolute(0, licensing.PERPETUAL());
        _accept(_publish(o), bob, 0);
        _assertLicensed(bob, JP, type(uint40).max - 1, true);
    }

    /// @dev Property (b): isLicensed is never true outside the license's regions or window.
    function testFuzz_isLicensed_onlyInsideRegionsAndWindow(uint256 regions, uint32 startIn, uint32 length, uint8 region, uint40 t)
        public
    {
        regions = regions & ((uint256(1) << 249) - 1);
        vm.assume(regions != 0);
        length = uint32(bound(length, 1, 3650 days));
        uint256 start = block.timestamp + (startIn % 365 days);
        Offer memory o = _offer(regions, 0, 0);
        o.window = _absolute(start, start + length);
        uint256 id = _accept(_publish(o), bob, 0);
        (bool ok, uint256 got) = licensing.isLicensed(tokenId, bob, region, uint48(t));
        bool inside = region <= 248 && (regions >> region) & 1 == 1 && t >= start && t < start + length;
        assertEq(ok ? 1 : 0, inside ? 1 : 0, "licensed exactly inside");
        assertEq(got, inside ? id : 0, "id only when licensed");
    }

    // --- usage -----------------------------------------------------------------------------------

    function test_reportUsage_paysRoyaltyAndCounts() public {
        uint256 id = _accept(_publish(_capped(_mask(FR), 100)), bob, 0);
        vm.deal(bob, 1 ether);
        vm.expectEmit(true, true, true, true, address(licensing));
        emit IMotifLicensing.UsageReported(id, bob, FR, TEXTILES, 40, 0, 40 * UNIT_ROYALTY, 40 * UNIT_ROYALTY);
        vm.prank(bob);
        licensing.reportUsage{value: 40 * UNIT_ROYALTY}(id, bob, FR, TEXTILES, 40, 0);
        assertEq(licensing.getLicense(id).unitsUsed, 40, "counted");
        _settle();
        assertEq(licensing.owed(licensor, address(0)), 40 * UNIT_ROYALTY * 95 / 100, "owner share");
        assertEq(licensing.owed(modelOwner, address(0)), 40 * UNIT_ROYALTY * 5 / 100, "model share");
    }

    function test_reportUsage_byApprovedReporter() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.prank(bob);
        licensing.setReporter(id, carol, true);
        vm.deal(carol, 1 ether);
        vm.prank(carol);
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, TEXTILES, 1, 0);
        vm.prank(bob);
        licensing.setReporter(id, carol, false);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, id, carol));
        vm.prank(carol);
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, TEXTILES, 1, 0);
    }

    function test_setReporter_notLicensee_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, id, carol));
        vm.prank(carol);
        licensing.setReporter(id, carol, true);
    }

    function test_reportUsage_stranger_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, id, carol));
        vm.prank(carol);
        licensing.reportUsage(id, bob, FR, TEXTILES, 1, 0);
    }

    function test_reportUsage_wrongLicenseeParam_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, id, carol));
        vm.prank(carol);
        licensing.reportUsage(id, carol, FR, TEXTILES, 1, 0);
    }

    function test_reportUsage_outsideRegion_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.deal(bob, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRegionNotAllowed.selector, id, US));
        vm.prank(bob);
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, US, TEXTILES, 1, 0);
    }

    function test_reportUsage_afterExpiry_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        uint256 end = block.timestamp + 90 days;
        vm.warp(end);
        vm.deal(bob, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingExpired.selector, id, end, end));
        vm.prank(bob);
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, TEXTILES, 1, 0);
    }

    function test_reportUsage_overCap_reverts() public {
        uint256 id = _accept(_publish(_capped(_mask(FR), 10)), bob, 0);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        licensing.reportUsage{value: 8 * UNIT_ROYALTY}(id, bob, FR, TEXTILES, 8, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnitCapExceeded.selector, id, 8, 3, 10));
        vm.prank(bob);
        licensing.reportUsage{value: 3 * UNIT_ROYALTY}(id, bob, FR, TEXTILES, 3, 0);
        vm.prank(bob);
        licensing.reportUsage{value: 2 * UNIT_ROYALTY}(id, bob, FR, TEXTILES, 2, 0);
        (bool ok,) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertFalse(ok, "exhausted");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnitsExhausted.selector, id, 10));
        licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp));
    }

    function test_reportUsage_zeroUnits_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidUnits.selector, 0, type(uint56).max)
        );
        vm.prank(bob);
        licensing.reportUsage(id, bob, FR, TEXTILES, 0, 0);
    }

    function test_reportUsage_wrongValue_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.deal(bob, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingWrongValue.selector, 3 * UNIT_ROYALTY, 2 * UNIT_ROYALTY)
        );
        vm.prank(bob);
        licensing.reportUsage{value: 3 * UNIT_ROYALTY}(id, bob, FR, TEXTILES, 2, 0);
    }

    function test_reportUsage_unknownLicense_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownLicense.selector, 5));
        licensing.reportUsage(5, bob, FR, TEXTILES, 1, 0);
    }

    // --- exclusivity -----------------------------------------------------------------------------

    function test_exclusive_blocksOverlappingGrantInSharedRegion() public {
        uint256 ex = _accept(_publish(_offer(_eu(), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        uint256 offerId = _publish(_offer(_mask(FR, US), 0, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                tokenId,
                ex,
                _mask(FR),
                ProductClassMask.ALL,
                block.timestamp,
                block.timestamp + 90 days
            )
        );
        vm.prank(carol);
        licensing.acceptOffer(offerId, 0);
        _accept(_publish(_offer(_mask(US), 0, 0)), carol, 0); // other region: fine
    }

    function test_exclusive_allowsGrantAfterItsWindow() public {
        _accept(_publish(_offer(_eu(), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        Offer memory later = _offer(_eu(), 0, 0);
        later.window = _absolute(block.timestamp + 90 days, block.timestamp + 120 days);
        _accept(_publish(later), carol, 0);
    }

    function test_exclusive_refusedOverExistingGrant() public {
        _accept(_publish(_offer(_mask(FR), 0, 0)), carol, 0);
        uint256 offerId = _publish(_offer(_eu(), LicenseFlags.EXCLUSIVE, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingGrantConflict.selector,
                tokenId,
                _mask(FR),
                ProductClassMask.ALL,
                block.timestamp,
                block.timestamp + 90 days
            )
        );
        vm.prank(bob);
        licensing.acceptOffer(offerId, 0);
    }

    function test_exclusive_allowedOnceEarlierGrantsEnded() public {
        _accept(_publish(_offer(_mask(FR), 0, 0)), carol, 0);
        vm.warp(block.timestamp + 90 days);
        _accept(_publish(_offer(_eu(), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
    }

    function test_exclusive_disjointRegionsCoexist() public {
        _accept(_publish(_offer(_eu(), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        _accept(_publish(_offer(_mask(US), LicenseFlags.EXCLUSIVE, 0)), carol, 0);
        uint256 offerId = _publish(_offer(_mask(DE), LicenseFlags.EXCLUSIVE, 0));
        (bool ok, bytes memory ret) = _tryAccept(offerId, alice, 0);
        assertFalse(ok, "DE is inside the EU exclusive");
        assertEq(bytes4(ret), IMotifLicensing.MotifLicensingExclusiveConflict.selector, "conflict");
    }

    function test_exclusive_limitAndReuseOfEndedEntries() public {
        for (uint256 i; i < 8; ++i) {
            Offer memory o = _offer(_mask(i), LicenseFlags.EXCLUSIVE, 0);
            o.window.duration = uint40(1 days * (i + 1));
            _accept(_publish(o), address(uint160(0x5000 + i)), 0);
        }
        uint256 offerId = _publish(_offer(_mask(200), LicenseFlags.EXCLUSIVE, 0));
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingExclusiveLimit.selector, tokenId, 8));
        vm.prank(bob);
        licensing.acceptOffer(offerId, 0);
        vm.warp(block.timestamp + 1 days); // the first exclusive ended: its entry is free again
        Offer memory o2 = _offer(_mask(200), LicenseFlags.EXCLUSIVE, 0);
        _accept(_publish(o2), bob, 0);
    }

    function test_exclusive_revokedFreesRegion() public {
        Offer memory o = _offer(_eu(), LicenseFlags.EXCLUSIVE | LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        uint256 ex = _accept(_publish(o), bob, 0);
        _revoke(ex);
        _accept(_publish(_offer(_mask(FR), 0, 0)), carol, 0);
    }

    // --- revocation ------------------------------------------------------------------------------

    function test_revoke_needsFlaggedBreach() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingBreachNotFlagged.selector, id));
        vm.prank(licensor);
        licensing.revoke(id);
    }

    function test_flagBreach_notArbiter_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0);
        bytes32 role = licensing.ARBITER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, licensor, role));
        vm.prank(licensor);
        licensing.flagBreach(id, keccak256("evidence"));
    }

    function test_flagBreach_termsWithoutRevocation_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingNotAllowedByTerms.selector, id, LicenseFlags.REVOCABLE_FOR_BREACH
            )
        );
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
    }

    function test_revoke_notCertificateOwner_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0);
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotCertificateOwner.selector, tokenId, admin, licensor)
        );
        vm.prank(admin);
        licensing.revoke(id);
    }

    function test_revoke_twice_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0);
        _revoke(id);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRevoked.selector, id));
        vm.prank(licensor);
        licensing.revoke(id);
    }

    // --- renewal ---------------------------------------------------------------------------------

    function test_renew_extendsByWindowLength() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.renewalPrice = 0.5 ether;
        uint256 id = _accept(_publish(o), bob, 0);
        uint256 end = licensing.getLicense(id).end;
        vm.deal(bob, 1 ether);
        vm.prank(bob); // the licensee; its last period runs from the start (90-day window)
        licensing.renew{value: 0.5 ether}(id, 0.5 ether);
        assertEq(licensing.getLicense(id).end, end + 90 days, "extended");
        _settle();
        assertEq(licensing.owed(licensor, address(0)), 0.475 ether, "renewal split");
    }

    function test_renew_notRenewable_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotAllowedByTerms.selector, id, 0));
        vm.prank(bob);
        licensing.renew(id, 0);
    }

    function test_renew_expired_reverts() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.renewalPrice = 1;
        uint256 id = _accept(_publish(o), bob, 0);
        uint256 end = block.timestamp + 90 days;
        vm.warp(end);
        vm.deal(bob, 1);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingExpired.selector, id, end, end));
        vm.prank(bob);
        licensing.renew{value: 1}(id, 1);
    }

    function test_renew_priceAboveMax_reverts() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.renewalPrice = 2;
        uint256 id = _accept(_publish(o), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingPriceAboveMax.selector, 2, 1));
        vm.prank(bob);
        licensing.renew(id, 1);
    }

    function test_renew_exclusiveCannotRunIntoLaterExclusive() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        o.terms.renewalPrice = 1;
        uint256 first = _accept(_publish(o), bob, 0);
        Offer memory next = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        next.window = _absolute(block.timestamp + 100 days, block.timestamp + 200 days);
        uint256 second = _accept(_publish(next), carol, 0);
        vm.deal(bob, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                tokenId,
                second,
                _mask(FR),
                ProductClassMask.ALL,
                block.timestamp + 100 days,
                block.timestamp + 200 days
            )
        );
        vm.prank(bob);
        licensing.renew{value: 1}(first, 1);
    }

    // --- transfer --------------------------------------------------------------------------------

    function test_transferLicense_movesIt() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        uint256 moved = _transfer(id, bob, carol);
        assertEq(moved, licensing.licenseIdOf(tokenId, carol, 0), "carol's first license id");
        assertTrue(licensing.getLicense(id).status == LicenseStatus.Transferred, "old id retired");
        _assertLicensed(bob, FR, block.timestamp, false);
        _assertLicensed(carol, FR, block.timestamp, true);
    }

    function test_transferLicense_notTransferable_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotAllowedByTerms.selector, id, LicenseFlags.TRANSFERABLE)
        );
        vm.prank(bob);
        licensing.transferLicense(id, carol);
    }

    function test_transferLicense_notLicensee_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensee.selector, id, carol));
        vm.prank(carol);
        licensing.transferLicense(id, carol);
    }

    // --- remaining revert paths ----------------------------------------------------------------

    function test_views_unknownIds_revert() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownLicense.selector, 77));
        licensing.getLicense(77);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownOffer.selector, 5));
        licensing.currentPrice(5);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownTerms.selector, 3, 0));
        licensing.getTerms(3);
        assertEq(licensing.licenseIdOf(tokenId, bob, 0), 0, "no license yet");
    }

    function test_acceptSignedOffer_shortSignature_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidSignature.selector));
        vm.prank(bob);
        licensing.acceptSignedOffer(o, hex"deadbeef", 1 ether);
    }

    function test_revokedLicense_refusesUsageRenewalTransferAndBreach() public {
        Offer memory o = _offer(
            _mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH | LicenseFlags.TRANSFERABLE, 0
        );
        o.terms.renewalPrice = 1;
        uint256 id = _accept(_publish(o), bob, 0);
        _revoke(id);
        bytes memory revoked = abi.encodeWithSelector(IMotifLicensing.MotifLicensingRevoked.selector, id);
        vm.deal(bob, 1 ether);
        vm.expectRevert(revoked);
        vm.prank(bob);
        licensing.reportUsage{value: UNIT_ROYALTY}(id, bob, FR, TEXTILES, 1, 0);
        vm.expectRevert(revoked);
        vm.prank(bob);
        licensing.renew{value: 1}(id, 1);
        vm.expectRevert(revoked);
        vm.prank(bob);
        licensing.transferLicense(id, carol);
        vm.expectRevert(revoked);
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("again"));
    }

    function test_transferLicense_toSelf_reverts() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingSelfTransfer.selector, id, bob)
        );
        vm.prank(bob);
        licensing.transferLicense(id, bob);
    }

    function test_transferLicense_exclusiveKeepsItsReservation() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        uint256 moved = _transfer(id, bob, carol);
        uint256 offerId = _publish(_offer(_mask(FR), 0, 0));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                tokenId,
                moved,
                _mask(FR),
                ProductClassMask.ALL,
                block.timestamp,
                block.timestamp + 90 days
            )
        );
        vm.prank(alice);
        licensing.acceptOffer(offerId, 0);
    }

    // --- helpers ---------------------------------------------------------------------------------

    function _capped(uint256 regions, uint56 cap) private view returns (Offer memory o) {
        o = _offer(regions, 0, 0);
        o.terms.unitCap = cap;
    }

    function _revoke(uint256 id) private {
        vm.prank(admin);
        licensing.flagBreach(id, keccak256("evidence"));
        vm.prank(licensor);
        licensing.revoke(id);
    }

    function _assertLicensed(address who, uint256 region, uint256 time, bool expected) private view {
        (bool ok,) = licensing.isLicensed(tokenId, who, region, uint48(time));
        assertEq(ok ? 1 : 0, expected ? 1 : 0, "isLicensed");
    }

    function _acceptSigned(Offer memory o, bytes memory sig, address buyer, uint256 price) private returns (uint256 id) {
        vm.deal(buyer, buyer.balance + price);
        vm.prank(buyer);
        id = licensing.acceptSignedOffer{value: price}(o, sig, price);
    }

    function _tryAcceptSigned(Offer memory o, bytes memory sig, address buyer, uint256 price)
        private
        returns (bool ok, bytes memory ret)
    {
        vm.deal(buyer, buyer.balance + price);
        vm.prank(buyer);
        (ok, ret) = address(licensing).call{value: price}(abi.encodeCall(licensing.acceptSignedOffer, (o, sig, price)));
    }

    function _tryAccept(uint256 offerId, address buyer, uint256 price) private returns (bool ok, bytes memory ret) {
        vm.deal(buyer, buyer.balance + price);
        vm.prank(buyer);
        (ok, ret) = address(licensing).call{value: price}(abi.encodeCall(licensing.acceptOffer, (offerId, price)));
    }

    function _expectInactive(bytes32 key, address signer) private {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferInactive.selector, key, signer));
    }
}
