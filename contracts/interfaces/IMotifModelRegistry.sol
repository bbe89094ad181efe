// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {Model, ModelRegistration, ModelStatus} from "../types/Model.sol";

/// @title IMotifModelRegistry
/// @notice Registry of the generative models Motif patterns are rendered with. Fine-tuned models are
/// licensable IP: each has an owner who receives a royalty share of the licenses of its patterns.
interface IMotifModelRegistry {
    /// @notice `modelId` was never registered.
    error MotifModelRegistryUnknownModel(uint32 modelId);
    /// @notice `caller` is not the owner of `modelId`.
    error MotifModelRegistryNotModelOwner(uint32 modelId, address caller);
    /// @notice `caller` is not the pending owner of `modelId`.
    error MotifModelRegistryNotPendingOwner(uint32 modelId, address caller);
    /// @notice The owner (or new owner) is the zero address.
    error MotifModelRegistryZeroOwner();
    /// @notice A digest field is zero; `field` names it ("weightsDigest" or "weightsCidDigest").
    error MotifModelRegistryZeroDigest(string field);
    /// @notice These weights are already registered as `existingModelId`.
    error MotifModelRegistryDuplicateWeights(bytes32 weightsDigest, uint32 existingModelId);
    /// @notice `royaltyBps` exceeds `maxBps`.
    error MotifModelRegistryRoyaltyTooHigh(uint16 royaltyBps, uint16 maxBps);
    /// @notice A model royalty can only be lowered: `requestedBps` > `currentBps`.
    error MotifModelRegistryRoyaltyIncrease(uint32 modelId, uint16 currentBps, uint16 requestedBps);
    /// @notice A string field's length is outside 1..`maxLength` bytes; `field` names it.
    error MotifModelRegistryInvalidLength(string field, uint256 length, uint256 maxLength);
    /// @notice The CID codec is not one Motif renders; see `CidV1.isSupportedCodec`.
    error MotifModelRegistryUnsupportedCodec(uint16 codec);
    /// @notice `modelId` is already deprecated.
    error MotifModelRegistryAlreadyDeprecated(uint32 modelId);

    /// @notice A model was registered.
    /// @param modelId The model.
    /// @param owner Owner of the model's IP.
    /// @param weightsDigest sha-256 of the ONNX weights file.
    /// @param weightsCidDigest sha2-256 digest inside the weights' CIDv1.
    /// @param weightsCidCodec Multicodec of the weights' CIDv1.
    /// @param royaltyBps Model owner's share of license revenue, in basis points.
    /// @param name Human-readable name.
    /// @param version Version label.
    event ModelRegistered(
        uint32 indexed modelId,
        address indexed owner,
        bytes32 indexed weightsDigest,
        bytes32 weightsCidDigest,
        uint16 weightsCidCodec,
        uint16 royaltyBps,
        string name,
        string version
    );
    /// @notice A model was deprecated: no new certificate may name it. Its record stays.
    /// @param modelId The model.
    event ModelDeprecated(uint32 indexed modelId);
    /// @notice The owner of `modelId` proposed `newOwner`; ownership moves when `newOwner` accepts.
    /// @param modelId The model.
    /// @param previousOwner The owner before.
    /// @param newOwner The pending owner, who must accept.
    event ModelOwnershipTransferStarted(uint32 indexed modelId, address indexed previousOwner, address indexed newOwner);
    /// @notice Ownership of `modelId` moved from `previousOwner` to `newOwner`.
    /// @param modelId The model.
    /// @param previousOwner The owner before.
    /// @param newOwner The new owner.
    event ModelOwnershipTransferred(uint32 indexed modelId, address indexed previousOwner, address indexed newOwner);
    /// @notice The model royalty share of `modelId` was lowered.
    /// @param modelId The model.
    /// @param previousBps The share before, in basis points.
    /// @param newBps The share after, in basis points.
    event ModelRoyaltyUpdated(uint32 indexed modelId, uint16 previousBps, uint16 newBps);

    /// @notice Registers a model and returns its id (sequential, from 1). Requires `REGISTRAR_ROLE`.
    /// @param registration Owner, digests, royalty share, name and version of the model.
    /// @return modelId The new model's id.
    function registerModel(ModelRegistration calldata registration) external returns (uint32 modelId);

    /// @notice Deprecates `modelId`: certificates can no longer name it. Only the model owner.
    /// @param modelId The model to deprecate.
    function deprecateModel(uint32 modelId) external;

    /// @notice Starts a two-step ownership transfer of `modelId` to `newOwner`. Only the model owner.
    /// Passing the zero address cancels a pending transfer.
    /// @param modelId The model.
    /// @param newOwner The proposed owner, who must call `acceptModelOwnership`.
    function transferModelOwnership(uint32 modelId, address newOwner) external;

    /// @notice Completes a transfer started by `transferModelOwnership`. Only the pending owner.
    /// @param modelId The model.
    function acceptModelOwnership(uint32 modelId) external;

    /// @notice Lowers the royalty share of `modelId`. Only the model owner; never raises it.
    /// @param modelId The model.
    /// @param royaltyBps The new share in basis points, at most the current one.
    function setModelRoyalty(uint32 modelId, uint16 royaltyBps) external;

    /// @notice The full record of `modelId`. Reverts for an unknown id.
    /// @param modelId The model.
    /// @return model Its record.
    function getModel(uint32 modelId) external view returns (Model memory model);

    /// @notice Lifecycle status of `modelId` (`None` for an unknown id). One storage read.
    /// @param modelId The model.
    /// @return status None, Active or Deprecated.
    function modelStatus(uint32 modelId) external view returns (ModelStatus status);

    /// @notice Owner and royalty share of `modelId`, for royalty splits. Reverts for an unknown id.
    /// @param modelId The model.
    /// @return owner The model owner.
    /// @return royaltyBps The model's share in basis points.
    function modelRoyalty(uint32 modelId) external view returns (address owner, uint16 royaltyBps);

    /// @notice The id registered for `weightsDigest`, or 0.
    /// @param weightsDigest sha-256 of an ONNX file.
    /// @return modelId The model id, 0 if none.
    function modelIdByWeights(bytes32 weightsDigest) external view returns (uint32 modelId);

    /// @notice Number of models ever registered (the highest id).
    /// @return count The count.
    function modelCount() external view returns (uint32 count);
}
