// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {Offer} from "../../contracts/types/License.sol";
import {MockERC20} from "./mocks/MockTokens.sol";
import {EthRefuser, ReentrantPayee} from "./mocks/Reentrant.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice `MotifPayments`, the money of `MotifLicensing`: collection (`_collect` through the paying
/// entry points), the split on `settle`, withdrawals and the protocol fee. The split is checked
/// against shares computed here from the documented rule (fee, then the model's and the recipe's
/// shares of the rest, rounded down, the certificate owner taking the remainder).
contract MotifPaymentsTest is LicensingFixture {
    address internal feeRecipient = address(0xFEE);

    // --- the split -------------------------------------------------------------------------------

    /// @dev Every wei of a sale ends up owed to exactly one of the four payees, each share as the
    /// rule says, whatever the fee, model royalty, recipe share and amount.
    function testFuzz_settle_splitsEveryWeiByTheRule(uint128 price, uint16 feeBps, uint16 modelBps, uint16 recipeBps)
        public
    {
        price = uint128(bound(price, 1, 1e30));
        feeBps = uint16(bound(feeBps, 0, licensing.MAX_PROTOCOL_FEE_BPS()));
        modelBps = uint16(bound(modelBps, 0, 500)); // the fixture's model starts at 500; royalties only decrease
        recipeBps = uint16(bound(recipeBps, 0, cert.MAX_RECIPE_SHARE_BPS()));

        vm.prank(admin);
        licensing.setProtocolFee(feeBps, feeRecipient);
        vm.prank(modelOwner);
        registry.setModelRoyalty(modelId, modelBps);
        uint256 pattern = _mintFromRecipe(licensor, 99, _mintRecipe(carol, 7, recipeBps));
        Offer memory o = _offer(_mask(FR), 0, price);
        o.terms.tokenId = pattern;
        _accept(_publish(o), bob, price);

        assertEq(licensing.pending(pattern, address(0)), price, "pending before settling");
        assertEq(licensing.settle(pattern, address(0)), price, "settled amount");

        uint256 fee = uint256(price) * feeBps / 10_000;
        uint256 net = price - fee;
        uint256 modelShare = net * modelBps / 10_000;
        uint256 recipeShare = net * recipeBps / 10_000;
        assertEq(licensing.owed(feeRecipient, address(0)), fee, "protocol fee");
        assertEq(licensing.owed(modelOwner, address(0)), modelShare, "model owner");
        assertEq(licensing.owed(carol, address(0)), recipeShare, "recipe owner");
        assertEq(licensing.owed(licensor, address(0)), net - modelShare - recipeShare, "certificate owner");
        assertEq(
            licensing.owed(feeRecipient, address(0)) + licensing.owed(modelOwner, address(0))
                + licensing.owed(carol, address(0)) + licensing.owed(licensor, address(0)),
            price,
            "every wei owed once"
        );
        assertGe(net - modelShare - recipeShare, net / 2, "the owner keeps at least half of the net");
        assertEq(licensing.pending(pattern, address(0)), 0, "nothing left pending");
        assertEq(licensing.settle(pattern, address(0)), 0, "a second settle finds nothing");
        assertEq(address(licensing).balance, price, "the contract holds exactly what it owes");
    }

    // --- collection ------------------------------------------------------------------------------

    function test_acceptOffer_excessEth_creditedBackToTheBuyer() public {
        uint256 offerId = _publish(_offer(_mask(FR), 0, 1 ether));
        vm.deal(bob, 1.25 ether);
        vm.prank(bob);
        licensing.acceptOffer{value: 1.25 ether}(offerId, 1 ether);
        assertEq(licensing.pending(tokenId, address(0)), 1 ether, "the price is revenue");
        assertEq(licensing.owed(bob, address(0)), 0.25 ether, "the excess is the buyer's to withdraw");
        vm.prank(bob);
        licensing.withdraw(address(0));
        assertEq(bob.balance, 0.25 ether, "withdrawn");
    }

    function test_reportUsage_amountAboveUint128_reverts() public {
        MockERC20 token = new MockERC20();
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.currency = address(token);
        o.terms.unitRoyalty = type(uint80).max;
        uint256 id = _accept(_publish(o), bob, 0);
        uint256 units = 1 << 50;
        uint256 amount = units * type(uint80).max;
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingAmountTooLarge.selector, amount, type(uint128).max)
        );
        vm.prank(bob);
        licensing.reportUsage(id, bob, FR, TEXTILES, uint56(units), 0);
    }

    function test_reportUsage_inErc20() public {
        MockERC20 token = new MockERC20();
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.terms.currency = address(token);
        uint256 id = _accept(_publish(o), bob, 0);
        token.mint(bob, 5 * UNIT_ROYALTY);
        vm.startPrank(bob);
        token.approve(address(licensing), 5 * UNIT_ROYALTY);
        licensing.reportUsage(id, bob, FR, TEXTILES, 5, 0);
        vm.stopPrank();
        assertEq(licensing.pending(tokenId, address(token)), 5 * UNIT_ROYALTY, "pending in the token");
        assertEq(token.balanceOf(address(licensing)), 5 * UNIT_ROYALTY, "pulled");
    }

    // --- withdrawals -----------------------------------------------------------------------------

    function test_withdraw_paysOutOnce() public {
        _accept(_publish(_offer(_mask(FR), 0, 1 ether)), bob, 1 ether);
        vm.prank(licensor);
        assertEq(licensing.settle(tokenId, address(0)), 1 ether, "settled");
        vm.prank(licensor);
        assertEq(licensing.withdraw(address(0)), 0.95 ether, "amount");
        assertEq(licensor.balance, 0.95 ether, "received");
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNothingOwed.selector, licensor, address(0))
        );
        vm.prank(licensor);
        licensing.withdraw(address(0));
    }

    function test_withdraw_reentrancyCannotDrain() public {
        ReentrantPayee payee = new ReentrantPayee(licensing);
        uint256 offerId = _ownedAndOfferedBy(address(payee));
        _accept(offerId, bob, 1 ether);
        _accept(offerId, carol, 1 ether);
        _settle();
        payee.withdraw();
        assertTrue(payee.reentryReverted(), "reentrant withdraw refused");
        assertEq(address(payee).balance, 1.9 ether, "paid once");
        assertEq(address(licensing).balance, 0.1 ether, "model share still held");
    }

    function test_withdraw_ethRefused_revertsAndKeepsBalance() public {
        EthRefuser payee = new EthRefuser(licensing);
        _accept(_ownedAndOfferedBy(address(payee)), bob, 1 ether);
        _settle();
        uint256 owed = licensing.owed(address(payee), address(0));
        assertTrue(owed > 0, "owner share credited");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingEthTransferFailed.selector, address(payee), owed));
        payee.withdraw();
        assertEq(licensing.owed(address(payee), address(0)), owed, "balance kept for a later withdrawal");
    }

    // --- settlement ------------------------------------------------------------------------------

    function test_settle_nothingPendingIsANoOp() public {
        assertEq(licensing.settle(tokenId, address(0)), 0, "nothing");
        assertEq(licensing.owed(licensor, address(0)), 0, "nothing owed");
    }

    function test_settle_revenueFollowsTheCertificate() public {
        _accept(_publish(_offer(_mask(FR), 0, 1 ether)), bob, 1 ether);
        vm.prank(licensor);
        cert.transferFrom(licensor, carol, tokenId); // sold before settling
        _settle();
        assertEq(licensing.owed(carol, address(0)), 0.95 ether, "the owner at settlement");
        assertEq(licensing.owed(licensor, address(0)), 0, "the seller should have settled first");
    }

    function test_settleMany_settlesEachCertificate() public {
        uint256 other = _mintTo(licensor, 43);
        _accept(_publish(_offer(_mask(FR), 0, 1 ether)), bob, 1 ether);
        Offer memory o = _offer(_mask(FR), 0, 2 ether);
        o.terms.tokenId = other;
        _accept(_publish(o), bob, 2 ether);
        uint256[] memory ids = new uint256[](2);
        (ids[0], ids[1]) = (tokenId, other);
        assertEq(licensing.settleMany(ids, address(0)), 3 ether, "both");
        assertEq(licensing.owed(licensor, address(0)), 2.85 ether, "owner share of both");
    }

    // --- the protocol fee ------------------------------------------------------------------------

    function test_setProtocolFee_creditsTheRecipientOnSettle() public {
        vm.prank(admin);
        licensing.setProtocolFee(500, feeRecipient);
        (uint16 feeBps, address recipient) = licensing.protocolFee();
        assertEq(feeBps, 500, "fee");
        assertEq(recipient, feeRecipient, "recipient");
        _accept(_publish(_offer(_mask(FR), 0, 1 ether)), bob, 1 ether);
        _settle();
        assertEq(licensing.owed(feeRecipient, address(0)), 0.05 ether, "5% of the sale");
    }

    function test_setProtocolFee_aboveMax_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingFeeTooHigh.selector, 501, 500));
        vm.prank(admin);
        licensing.setProtocolFee(501, feeRecipient);
    }

    function test_setProtocolFee_zeroRecipient_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFeeRecipient.selector, address(0)));
        vm.prank(admin);
        licensing.setProtocolFee(100, address(0));
    }

    function test_setProtocolFee_notAdmin_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, licensing.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        licensing.setProtocolFee(100, bob);
    }

    /// @dev Gives the certificate to `payee` (a contract), which publishes a 1-ether offer on it.
    function _ownedAndOfferedBy(address payee) private returns (uint256 offerId) {
        vm.prank(licensor);
        cert.transferFrom(licensor, payee, tokenId);
        Offer memory o = _offer(_mask(FR), 0, 1 ether);
        vm.prank(payee);
        offerId = licensing.publishOffer(o);
    }
}
