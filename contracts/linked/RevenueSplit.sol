// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifCertificate} from "../interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {IMotifModelRegistry} from "../interfaces/IMotifModelRegistry.sol";

/// @title RevenueSplit
/// @notice How a certificate's settled revenue is shared: the protocol fee first, then of the rest
/// the model owner's share, the recipe owner's, the training dataset owner's (each capped at 25% by
/// the contracts that set them) and the certificate owner the remainder, credited as pull payments.
/// Rounding goes to the certificate owner: every wei is credited to someone.
/// @dev An external library, linked into `MotifLicensing` and reached by DELEGATECALL (the credits
/// land in the licensing contract's `_owed`, the events carry its address): settlement has no gas
/// goal, and keeping its code out of the licensing contract keeps that contract under the
/// 24,576-byte code size limit (EIP-170).
library RevenueSplit {
    uint256 private constant _BPS = 10_000;

    /// @notice Splits `amount` of `currency` settled for `tokenId` and credits each share.
    /// @param owed The licensing contract's `_owed[currency][account]`.
    /// @param certificate The certificate contract (owner, model, recipe shares).
    /// @param registry The model registry (model owner and share, training dataset).
    /// @param tokenId The certificate settled.
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @param amount What was pending.
    /// @param feeBps The protocol fee, in basis points.
    /// @param feeRecipient Who receives the fee.
    function credit(
        mapping(address currency => mapping(address account => uint256)) storage owed,
        IMotifCertificate certificate,
        IMotifModelRegistry registry,
        uint256 tokenId,
        address currency,
        uint256 amount,
        uint16 feeBps,
        address feeRecipient
    ) external {
        mapping(address account => uint256) storage credits = owed[currency];
        uint256 fee = amount * feeBps / _BPS;
        uint256 net = amount - fee;
        (address owner, uint32 modelId, address recipeOwner, uint16 recipeBps) = certificate.revenueShares(tokenId);
        uint256 modelShare;
        uint256 datasetShare;
        if (modelId != 0) {
            (address modelOwner, uint16 modelBps, uint256 datasetId) = registry.modelRoyalty(modelId);
            modelShare = net * modelBps / _BPS;
            if (modelShare != 0) credits[modelOwner] += modelShare;
            if (datasetId != 0) {
                // a dataset this certificate contract does not hold (a registry wired to another
                // deployment) takes no share rather than locking the revenue
                try certificate.shareOf(datasetId) returns (address datasetOwner, uint16 datasetBps) {
                    datasetShare = net * datasetBps / _BPS;
                    if (datasetShare != 0) credits[datasetOwner] += datasetShare;
                } catch {
                    emit IMotifLicensing.DatasetShareUnavailable(tokenId, datasetId);
                }
            }
        }
        uint256 recipeShare = net * recipeBps / _BPS;
        if (recipeShare != 0) credits[recipeOwner] += recipeShare;
        uint256 ownerShare = net - modelShare - recipeShare - datasetShare;
        credits[owner] += ownerShare;
        if (fee != 0) credits[feeRecipient] += fee;
        emit IMotifLicensing.RevenueSettled(
            tokenId, currency, amount, ownerShare, modelShare, recipeShare, datasetShare, fee
        );
    }
}
