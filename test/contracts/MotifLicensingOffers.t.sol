// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";

import {MotifLicensing} from "../../contracts/MotifLicensing.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifModelRegistry} from "../../contracts/interfaces/IMotifModelRegistry.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {IMotifRegions} from "../../contracts/interfaces/IMotifRegions.sol";
import {License, LicenseFlags, LicenseStatus, LicenseTerms, Offer, OfferState} from "../../contracts/types/License.sol";
import {FeeOnTransferERC20, MockERC20, NoReturnERC20, ReturnFalseERC20} from "./mocks/MockTokens.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

contract MotifLicensingOffersTest is LicensingFixture {
    // --- constructor ---------------------------------------------------------------------------

    function test_constructor_wiresContractsAndRoles() public view {
        assertEq(address(licensing.certificate()), address(cert), "certificate");
        assertEq(address(licensing.registry()), address(registry), "registry");
        assertTrue(licensing.hasRole(licensing.ARBITER_ROLE(), admin), "arbiter");
        (uint16 fee, address recipient) = licensing.protocolFee();
        assertEq(fee, 0, "no fee by default");
        assertEq(recipient, admin, "fee recipient");
    }

    function test_constructor_zeroAddresses_revert() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidAdmin.selector, address(0)));
        _newLicensing(address(0), cert, registry);
    }

    function test_constructor_zeroCertificate_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidCertificate.selector, address(0)));
        _newLicensing(admin, IMotifCertificate(address(0)), registry);
    }

    function test_constructor_zeroRegistry_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidRegistry.selector, address(0)));
        _newLicensing(admin, cert, IMotifModelRegistry(address(0)));
    }

    // --- publishOffer ----------------------------------------------------------------------------

    function test_publishOffer_storesTermsAndEmits() public {
        Offer memory o = _offer(_eu(), LicenseFlags.COMMERCIAL, 1 ether);
        vm.recordLogs();
        uint256 offerId = _publish(o);
        assertEq(offerId, 1, "first offer");
        assertEq(vm.getRecordedLogs().length, 2, "TermsRegistered + OfferPublished");
        LicenseTerms memory t = licensing.getTerms(1);
        assertEq(t.tokenId, tokenId, "token");
        assertEq(t.regions, _eu(), "regions");
        assertEq(t.flags, LicenseFlags.COMMERCIAL, "flags");
        assertEq(t.termsDigest, keccak256("legal text v1"), "terms digest");
        assertEq(licensing.currentPrice(offerId), 1 ether, "price");
    }

    function test_publishOffer_notOwner_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotCertificateOwner.selector, tokenId, bob, licensor)
        );
        vm.prank(bob);
        licensing.publishOffer(o);
    }

    function test_publishOffer_emptyRegions_reverts() public {
        Offer memory o = _offer(0, 0, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskEmpty.selector));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_reservedRegion_reverts() public {
        uint256 mask = _mask(FR) | (uint256(1) << 250);
        Offer memory o = _offer(mask, 0, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifRegions.MotifRegionMaskReserved.selector, mask, 248));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_unknownFlag_reverts() public {
        Offer memory o = _offer(_eu(), 1 << 9, 1 ether);
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, 1 << 9, LicenseFlags.ALL));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_zeroTermsDigest_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.termsDigest = bytes32(0);
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingEmptyTermsDigest.selector));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_badCodec_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.termsCodec = 0x12;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnsupportedTermsCodec.selector, 0x12));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_currencyWithoutCode_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.currency = address(0xBEEF);
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingCurrencyNotContract.selector, address(0xBEEF)));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_emptyAbsoluteWindow_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.window.duration = 0;
        o.window.start = uint40(block.timestamp + 10);
        o.window.end = uint40(block.timestamp + 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingInvalidWindow.selector, block.timestamp + 10, block.timestamp + 10
            )
        );
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_relativeWindowWithEnd_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.window.end = 5;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRelativeWindowEnd.selector, 5, o.window.duration));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_renewablePerpetual_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.window.duration = 0;
        o.window.end = licensing.PERPETUAL();
        o.terms.renewalPrice = 1;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingPerpetualRenewalPrice.selector, 1));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_ceilingBelowFloor_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.pricing.ceiling = 0.5 ether;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingCeilingBelowFloor.selector, 0.5 ether, 1 ether));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_dynamicWithoutDecay_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.pricing.ceiling = 2 ether;
        o.pricing.demandCap = 5;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidDecayWindow.selector, 0));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_dynamicWithoutDemandCap_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.pricing.ceiling = 2 ether;
        o.pricing.decayWindow = 1 days;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidDemandCap.selector, 0));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_exclusiveWithManyUses_reverts() public {
        Offer memory o = _offer(_eu(), LicenseFlags.EXCLUSIVE, 1 ether);
        o.maxUses = 2;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidMaxUses.selector, 2, 1));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_zeroUses_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.maxUses = 0;
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidMaxUses.selector, 0, type(uint32).max));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    function test_publishOffer_pastDeadline_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.deadline = uint40(block.timestamp - 1);
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingDeadlinePassed.selector, block.timestamp - 1, block.timestamp));
        vm.prank(licensor);
        licensing.publishOffer(o);
    }

    // --- cancelOffer -----------------------------------------------------------------------------

    function test_cancelOffer_stopsAcceptance() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.prank(licensor);
        licensing.cancelOffer(offerId);
        vm.deal(bob, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferInactive.selector, bytes32(offerId), licensor)
        );
        vm.prank(bob);
        licensing.acceptOffer{value: 1 ether}(offerId, 1 ether);
    }

    // --- reading an offer without events --------------------------------------------------------

    function test_getOffer_returnsWhatWasPublishedAndWhereItStands() public {
        Offer memory o = _offer(_eu(), LicenseFlags.COMMERCIAL, 1 ether);
        o.pricing.ceiling = 3 ether;
        o.pricing.decayWindow = 7 days;
        o.pricing.demandCap = 4;
        o.maxUses = 3;
        o.nonce = 0; // on-chain offers are told apart by id
        assertEq(licensing.lastOfferId(), 0, "no offer yet");
        uint256 offerId = _publish(o);
        assertEq(licensing.lastOfferId(), offerId, "the latest id");
        _accept(offerId, bob, licensing.currentPrice(offerId));

        (Offer memory got, OfferState memory state) = licensing.getOffer(offerId);
        assertEq(keccak256(abi.encode(got)), keccak256(abi.encode(o)), "the offer as published, field for field");
        assertEq(state.licensor, licensor, "licensor");
        assertEq(state.uses, 1, "one acceptance");
        assertFalse(state.cancelled, "open");
        assertEq(state.currentPrice, licensing.currentPrice(offerId), "price now, demand applied");
        assertTrue(state.currentPrice > 1 ether, "demand raised it");
        assertEq(licensing.getTerms(state.termsId).currency, o.terms.currency, "its terms");

        vm.prank(licensor);
        licensing.cancelOffer(offerId);
        (, state) = licensing.getOffer(offerId);
        assertTrue(state.cancelled, "cancelled");
    }

    function test_getOffer_namedLicensee_isReturned() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.licensee = carol;
        o.nonce = 0;
        (Offer memory got,) = licensing.getOffer(_publish(o));
        assertEq(got.licensee, carol, "the only account that may accept it");
    }

    function test_getOffer_unknown_reverts() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownOffer.selector, offerId + 1));
        licensing.getOffer(offerId + 1);
    }

    function test_cancelOffer_notPublisher_reverts() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotCertificateOwner.selector, tokenId, bob, licensor)
        );
        vm.prank(bob);
        licensing.cancelOffer(offerId);
    }

    function test_cancelOffer_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownOffer.selector, 9));
        licensing.cancelOffer(9);
    }

    // --- acceptOffer -----------------------------------------------------------------------------

    function test_acceptOffer_grantsAndSplitsPayment() public {
        uint256 offerId = _publish(_offer(_eu(), LicenseFlags.COMMERCIAL, 1 ether));
        uint256 licenseId = _accept(offerId, bob, 1 ether);

        assertEq(licenseId, licensing.licenseIdOf(tokenId, bob, 0), "id = (token, licensee, 0)");
        License memory l = licensing.getLicense(licenseId);
        assertEq(l.tokenId, tokenId, "token");
        assertEq(l.start, block.timestamp, "starts now");
        assertEq(l.end, block.timestamp + 90 days, "90 days");
        assertTrue(l.status == LicenseStatus.Active, "active");
        (bool ok, uint256 id) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(ok, "licensed in FR");
        assertEq(id, licenseId, "id");
        (ok,) = licensing.isLicensed(tokenId, bob, US, uint48(block.timestamp));
        assertFalse(ok, "not in US");
        assertEq(licensing.pending(tokenId, address(0)), 1 ether, "pending until settled");
        assertEq(licensing.owed(licensor, address(0)), 0, "nothing owed before settlement");
        vm.expectEmit(true, true, false, true, address(licensing));
        emit IMotifLicensing.RevenueSettled(tokenId, address(0), 1 ether, 0.95 ether, 0.05 ether, 0, 0, 0);
        _settle();
        assertEq(licensing.pending(tokenId, address(0)), 0, "settled");
        assertEq(licensing.owed(modelOwner, address(0)), 0.05 ether, "model owner 5%");
        assertEq(licensing.owed(licensor, address(0)), 0.95 ether, "certificate owner the rest");
        assertEq(address(licensing).balance, 1 ether, "held for withdrawal");
    }

    function test_acceptOffer_excessEthCreditedToBuyer() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.deal(bob, 3 ether);
        vm.prank(bob);
        licensing.acceptOffer{value: 3 ether}(offerId, 2 ether);
        assertEq(licensing.owed(bob, address(0)), 2 ether, "refund withdrawable");
        vm.prank(bob);
        licensing.withdraw(address(0));
        assertEq(bob.balance, 2 ether, "refunded");
    }

    function test_acceptOffer_underpaid_reverts() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.deal(bob, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingWrongValue.selector, 0.5 ether, 1 ether));
        vm.prank(bob);
        licensing.acceptOffer{value: 0.5 ether}(offerId, 1 ether);
    }

    function test_acceptOffer_priceAboveMax_reverts() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.deal(bob, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingPriceAboveMax.selector, 1 ether, 0.9 ether));
        vm.prank(bob);
        licensing.acceptOffer{value: 1 ether}(offerId, 0.9 ether);
    }

    function test_acceptOffer_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownOffer.selector, 3));
        licensing.acceptOffer(3, 0);
    }

    function test_acceptOffer_afterCertificateSold_reverts() public {
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        vm.prank(licensor);
        cert.transferFrom(licensor, carol, tokenId);
        vm.deal(bob, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferInactive.selector, bytes32(offerId), licensor)
        );
        vm.prank(bob);
        licensing.acceptOffer{value: 1 ether}(offerId, 1 ether);
    }

    function test_acceptOffer_expired_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        uint256 offerId = _publish(o);
        vm.warp(uint256(o.deadline) + 1);
        vm.deal(bob, 1 ether);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingOfferExpired.selector, bytes32(offerId), o.deadline, uint256(o.deadline) + 1
            )
        );
        vm.prank(bob);
        licensing.acceptOffer{value: 1 ether}(offerId, 1 ether);
    }

    function test_acceptOffer_usedUp_reverts() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.maxUses = 1;
        uint256 offerId = _publish(o);
        _accept(offerId, bob, 1 ether);
        vm.deal(carol, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferUsedUp.selector, bytes32(offerId), 1));
        vm.prank(carol);
        licensing.acceptOffer{value: 1 ether}(offerId, 1 ether);
    }

    function test_acceptOffer_futureWindow() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.window = _absolute(block.timestamp + 30 days, block.timestamp + 60 days);
        uint256 licenseId = _accept(_publish(o), bob, 1 ether);
        License memory l = licensing.getLicense(licenseId);
        assertEq(l.start, block.timestamp + 30 days, "absolute start");
        assertEq(l.end, block.timestamp + 60 days, "absolute end");
    }

    function test_acceptOffer_holderLimit_reverts() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.maxUses = 100;
        uint256 offerId = _publish(o);
        for (uint256 i; i < 16; ++i) _accept(offerId, bob, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingHolderLimit.selector, tokenId, bob, 16));
        vm.prank(bob);
        licensing.acceptOffer(offerId, 0);
    }

    // --- ERC-20 payments -------------------------------------------------------------------------

    function test_acceptOffer_erc20_splitsAndWithdraws() public {
        MockERC20 token = new MockERC20();
        uint256 licenseId = _acceptWithToken(address(token), 100e18);
        assertTrue(licenseId != 0, "granted");
        assertEq(token.balanceOf(address(licensing)), 100e18, "pulled");
        licensing.settle(tokenId, address(token));
        assertEq(licensing.owed(licensor, address(token)), 95e18, "owner");
        assertEq(licensing.owed(modelOwner, address(token)), 5e18, "model");
        vm.prank(licensor);
        assertEq(licensing.withdraw(address(token)), 95e18, "withdrawn");
        assertEq(token.balanceOf(licensor), 95e18, "received");
    }

    function test_acceptOffer_noReturnErc20_works() public {
        NoReturnERC20 token = new NoReturnERC20();
        Offer memory o = _offer(_eu(), 0, 10e18);
        o.terms.currency = address(token);
        uint256 offerId = _publish(o);
        token.mint(bob, 10e18);
        vm.startPrank(bob);
        token.approve(address(licensing), 10e18);
        licensing.acceptOffer(offerId, 10e18);
        vm.stopPrank();
        assertEq(token.balanceOf(address(licensing)), 10e18, "pulled");
        licensing.settle(tokenId, address(token));
        vm.prank(modelOwner);
        licensing.withdraw(address(token));
        assertEq(token.balanceOf(modelOwner), 0.5e18, "paid out");
    }

    function test_acceptOffer_returnFalseErc20_reverts() public {
        ReturnFalseERC20 token = new ReturnFalseERC20();
        Offer memory o = _offer(_eu(), 0, 10e18);
        o.terms.currency = address(token);
        uint256 offerId = _publish(o);
        vm.expectRevert(abi.encodeWithSelector(SafeERC20.SafeERC20FailedOperation.selector, address(token)));
        vm.prank(bob);
        licensing.acceptOffer(offerId, 10e18);
    }

    function test_acceptOffer_feeOnTransfer_reverts() public {
        FeeOnTransferERC20 token = new FeeOnTransferERC20();
        Offer memory o = _offer(_eu(), 0, 100e18);
        o.terms.currency = address(token);
        uint256 offerId = _publish(o);
        token.mint(bob, 100e18);
        vm.startPrank(bob);
        token.approve(address(licensing), 100e18);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingFeeOnTransfer.selector, address(token), 100e18, 99e18)
        );
        licensing.acceptOffer(offerId, 100e18);
        vm.stopPrank();
    }

    function test_acceptOffer_ethWithErc20Offer_reverts() public {
        MockERC20 token = new MockERC20();
        Offer memory o = _offer(_eu(), 0, 10e18);
        o.terms.currency = address(token);
        uint256 offerId = _publish(o);
        vm.deal(bob, 1);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingWrongValue.selector, 1, 0));
        vm.prank(bob);
        licensing.acceptOffer{value: 1}(offerId, 10e18);
    }

    // --- protocol fee ----------------------------------------------------------------------------

    function test_setProtocolFee_takesItsCut() public {
        vm.prank(admin);
        licensing.setProtocolFee(200, carol);
        uint256 offerId = _publish(_offer(_eu(), 0, 1 ether));
        _accept(offerId, bob, 1 ether);
        _settle();
        assertEq(licensing.owed(carol, address(0)), 0.02 ether, "2% fee");
        assertEq(licensing.owed(modelOwner, address(0)), 0.049 ether, "5% of the rest");
        assertEq(licensing.owed(licensor, address(0)), 0.931 ether, "owner");
    }

    function test_setProtocolFee_tooHigh_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingFeeTooHigh.selector, 501, 500));
        vm.prank(admin);
        licensing.setProtocolFee(501, carol);
    }

    function test_setProtocolFee_notAdmin_reverts() public {
        bytes32 role = licensing.DEFAULT_ADMIN_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        vm.prank(bob);
        licensing.setProtocolFee(1, bob);
    }

    function test_setProtocolFee_zeroRecipient_reverts() public {
        _expect(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFeeRecipient.selector, address(0)));
        vm.prank(admin);
        licensing.setProtocolFee(1, address(0));
    }

    // --- dynamic pricing -------------------------------------------------------------------------

    function test_dynamicPrice_risesWithDemandAndDecays() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.pricing.ceiling = 2 ether;
        o.pricing.decayWindow = 10 days;
        o.pricing.demandCap = 4;
        o.maxUses = 100;
        uint256 offerId = _publish(o);
        assertEq(licensing.currentPrice(offerId), 1 ether, "floor with no demand");
        _accept(offerId, bob, 1 ether);
        assertEq(licensing.currentPrice(offerId), 1.25 ether, "one recent sale: a quarter of the range");
        _accept(offerId, carol, 1.25 ether);
        assertEq(licensing.currentPrice(offerId), 1.5 ether, "two recent sales");
        // via-IR treats block.timestamp as constant within a call: warp from a saved time.
        uint256 t0 = block.timestamp;
        vm.warp(t0 + 5 days);
        assertEq(licensing.currentPrice(offerId), 1.25 ether, "half decayed");
        vm.warp(t0 + 10 days);
        assertEq(licensing.currentPrice(offerId), 1 ether, "fully decayed");
    }

    function test_dynamicPrice_maxPriceProtectsBuyer() public {
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.pricing.ceiling = 2 ether;
        o.pricing.decayWindow = 10 days;
        o.pricing.demandCap = 1;
        o.maxUses = 100;
        uint256 offerId = _publish(o);
        // Bob signs his transaction at 1 ether; Carol's purchase lands first and moves the price.
        _accept(offerId, carol, 1 ether);
        vm.deal(bob, 2 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingPriceAboveMax.selector, 2 ether, 1 ether));
        vm.prank(bob);
        licensing.acceptOffer{value: 2 ether}(offerId, 1 ether);
    }

    function testFuzz_dynamicPrice_staysWithinFloorAndCeiling(
        uint128 floor,
        uint128 span,
        uint16 demandCap,
        uint32 decayWindow,
        uint8 sales,
        uint32 gap
    ) public {
        floor = uint128(bound(floor, 0, 1e24));
        span = uint128(bound(span, 1, 1e24));
        demandCap = uint16(bound(demandCap, 1, 50));
        decayWindow = uint32(bound(decayWindow, 1, 365 days));
        sales = uint8(bound(sales, 0, 12));
        Offer memory o = _offer(_eu(), 0, floor);
        o.pricing.ceiling = floor + span;
        o.pricing.decayWindow = decayWindow;
        o.pricing.demandCap = demandCap;
        o.maxUses = 1000;
        o.deadline = type(uint40).max;
        uint256 offerId = _publish(o);
        uint256 last = floor;
        uint256 now_ = block.timestamp;
        for (uint256 i; i < sales; ++i) {
            address buyer = address(uint160(0x1000 + i));
            uint256 p = licensing.currentPrice(offerId);
            assertTrue(p >= floor && p <= uint256(floor) + span, "within bounds");
            if (i > 0 && gap == 0) assertTrue(p >= last, "no time passed: never cheaper");
            last = p;
            _accept(offerId, buyer, p);
            now_ += gap % 3 days;
            vm.warp(now_);
        }
        uint256 finalPrice = licensing.currentPrice(offerId);
        assertTrue(finalPrice >= floor && finalPrice <= uint256(floor) + span, "final within bounds");
    }

    // --- helpers ---------------------------------------------------------------------------------

    function _acceptWithToken(address token, uint128 price) private returns (uint256 licenseId) {
        Offer memory o = _offer(_eu(), 0, price);
        o.terms.currency = token;
        uint256 offerId = _publish(o);
        MockERC20(token).mint(bob, price);
        vm.startPrank(bob);
        MockERC20(token).approve(address(licensing), price);
        licenseId = licensing.acceptOffer(offerId, price);
        vm.stopPrank();
    }

    function _expect(bytes memory revertData) internal {
        vm.expectRevert(revertData);
    }
}
