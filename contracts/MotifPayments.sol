// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IMotifCertificate} from "./interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "./interfaces/IMotifLicensing.sol";
import {IMotifModelRegistry} from "./interfaces/IMotifModelRegistry.sol";
import {RevenueSplit} from "./linked/RevenueSplit.sol";

/// @title MotifPayments
/// @notice The money of `MotifLicensing`: revenue collected per certificate and currency, split on
/// `settle` between the protocol fee, the model owner, the recipe owner, the owner of the dataset the
/// model was trained on and the certificate owner,
/// and withdrawn by each account (pull payments).
/// @dev An abstract contract, as Uniswap v4's `ProtocolFees` is to its `PoolManager`, rather than a
/// library: payments own their storage, their external entry points (`settle`, `withdraw`,
/// `setProtocolFee`, the views) and their guards (`nonReentrant`, the admin role), and `_collect`
/// needs the call's `msg.value` and `msg.sender`; a library would take all of that as arguments and
/// still need the entry points written out in the licensing contract.
///
/// Money. A payment (sale, renewal, usage royalty) is added to its certificate's pending revenue
/// `_revenue[tokenId][currency]` (received 128 | settled 128, both only ever growing, so the slot
/// stays non-zero and a payment costs a 5,000-gas update rather than a 22,100-gas fresh write).
/// `settle(tokenId, currency)` (anyone, any time) splits what is pending between the protocol fee
/// (≤ 5%), its model's current owner (the registry's share, ≤ 25% of the rest), the current owner of
/// the recipe it was rendered from (the recipe's share, ≤ 25% of the rest), the current owner of the
/// dataset certificate its model was trained on (the dataset's share, ≤ 25% of the rest) and the
/// certificate's current owner (the remainder, ≥ 25% of what is left after the fee; the caps make
/// the shares sum to at most 100% by construction), crediting `_owed[currency][account]`; accounts withdraw themselves
/// (`withdraw`). Unsettled revenue follows the certificate: whoever owns it at settlement receives the
/// owner share, as with any claimable NFT revenue, so a seller settles before selling. State changes
/// come before token transfers, every entry point that moves value is `nonReentrant`, ERC-20s go
/// through SafeERC20 (tokens that return nothing or false), and a token that delivers less than
/// asked (fee-on-transfer) is refused. Splits round the model share and fee down and give the
/// certificate owner the rest: every wei paid in is pending, owed or withdrawn.
abstract contract MotifPayments is IMotifLicensing, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice Highest protocol fee: 5%.
    uint16 public constant MAX_PROTOCOL_FEE_BPS = 500;

    uint256 private constant _BPS = 10_000;

    /// @notice The certificates licensed here.
    IMotifCertificate public immutable certificate;
    /// @notice The model registry paying model owners their share.
    IMotifModelRegistry public immutable registry;

    struct Revenue {
        uint128 received;
        uint128 settled;
    }

    mapping(uint256 tokenId => mapping(address currency => Revenue)) private _revenue;
    mapping(address currency => mapping(address account => uint256)) private _owed;
    uint16 private _feeBps;
    address private _feeRecipient;

    /// @notice Binds the payments to the certificate contract and the registry.
    /// @param admin The first protocol fee recipient.
    /// @param certificate_ The certificate contract.
    /// @param registry_ The model registry.
    constructor(address admin, IMotifCertificate certificate_, IMotifModelRegistry registry_) {
        if (admin == address(0)) revert MotifLicensingInvalidAdmin(admin);
        if (address(certificate_) == address(0)) revert MotifLicensingInvalidCertificate(address(certificate_));
        if (address(registry_) == address(0)) revert MotifLicensingInvalidRegistry(address(registry_));
        certificate = certificate_;
        registry = registry_;
        _feeRecipient = admin;
    }

    /// @inheritdoc IMotifLicensing
    function withdraw(address currency) external nonReentrant returns (uint256 amount) {
        amount = _owed[currency][msg.sender];
        if (amount == 0) revert MotifLicensingNothingOwed(msg.sender, currency);
        _owed[currency][msg.sender] = 0;
        emit Withdrawn(msg.sender, currency, amount);
        if (currency == address(0)) {
            (bool ok,) = msg.sender.call{value: amount}("");
            if (!ok) revert MotifLicensingEthTransferFailed(msg.sender, amount);
        } else {
            IERC20(currency).safeTransfer(msg.sender, amount);
        }
    }

    /// @inheritdoc IMotifLicensing
    function setProtocolFee(uint16 feeBps, address recipient) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (feeBps > MAX_PROTOCOL_FEE_BPS) revert MotifLicensingFeeTooHigh(feeBps, MAX_PROTOCOL_FEE_BPS);
        if (recipient == address(0)) revert MotifLicensingInvalidFeeRecipient(recipient);
        _feeBps = feeBps;
        _feeRecipient = recipient;
        emit ProtocolFeeUpdated(feeBps, recipient);
    }

    /// @inheritdoc IMotifLicensing
    function settle(uint256 tokenId, address currency) public returns (uint256 amount) {
        Revenue storage r = _revenue[tokenId][currency];
        (uint128 received, uint128 settled) = (r.received, r.settled);
        amount = received - settled;
        if (amount == 0) return 0;
        r.settled = received;
        RevenueSplit.credit(_owed, certificate, registry, tokenId, currency, amount, _feeBps, _feeRecipient);
    }

    /// @inheritdoc IMotifLicensing
    function settleMany(uint256[] calldata tokenIds, address currency) external returns (uint256 total) {
        for (uint256 i; i < tokenIds.length; ++i) total += settle(tokenIds[i], currency);
    }

    /// @inheritdoc IMotifLicensing
    function owed(address account, address currency) external view returns (uint256) {
        return _owed[currency][account];
    }

    /// @inheritdoc IMotifLicensing
    function pending(uint256 tokenId, address currency) external view returns (uint256) {
        Revenue storage r = _revenue[tokenId][currency];
        return r.received - r.settled;
    }

    /// @notice Protocol fee in basis points and its recipient.
    /// @return feeBps The fee, in basis points.
    /// @return recipient Account receiving the fee.
    function protocolFee() external view returns (uint16 feeBps, address recipient) {
        return (_feeBps, _feeRecipient);
    }

    /// @dev Takes `amount` in `currency` from the caller into the certificate's pending revenue.
    /// With ETH and `refundExcess`, value above `amount` is credited back to the caller (pull);
    /// otherwise the value must be exact. The credit is written before an ERC-20 is pulled.
    function _collect(uint256 tokenId, address currency, uint256 amount, bool refundExcess) internal {
        if (currency == address(0)) {
            if (msg.value < amount || (!refundExcess && msg.value != amount)) {
                revert MotifLicensingWrongValue(msg.value, amount);
            }
            if (msg.value > amount) _owed[address(0)][msg.sender] += msg.value - amount;
        } else if (msg.value != 0) {
            revert MotifLicensingWrongValue(msg.value, 0);
        }
        if (amount == 0) return;
        if (amount > type(uint128).max) revert MotifLicensingAmountTooLarge(amount, type(uint128).max);
        _revenue[tokenId][currency].received += uint128(amount); // checked: reverts past 2^128 in all
        if (currency != address(0)) {
            IERC20 token = IERC20(currency);
            uint256 before = token.balanceOf(address(this));
            token.safeTransferFrom(msg.sender, address(this), amount);
            uint256 received = token.balanceOf(address(this)) - before;
            if (received != amount) revert MotifLicensingFeeOnTransfer(currency, amount, received);
        }
    }

    /// @dev The current owner of certificate `tokenId`.
    function _ownerOf(uint256 tokenId) internal view returns (address) {
        return IERC721(address(certificate)).ownerOf(tokenId);
    }
}
