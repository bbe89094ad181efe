// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {Model, ModelRegistration, ModelStatus} from "../types/Model.sol";
import {IMotifLicensing} from "./IMotifLicensing.sol";

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
    /// @notice A digest field is zero; `field` names it ("weightsDigest", "weightsCidDigest",
    /// "cardDigest", "training.configDigest" or "training.dataRoot").
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
    /// @notice A training dataset was named before the licensing contract was set (`setLicensing`).
    error MotifModelRegistryLicensingUnset();
    /// @notice The licensing contract is already set, to `current`.
    error MotifModelRegistryLicensingAlreadySet(address current);
    /// @notice `licensing` is not a licensing contract bound to this registry.
    error MotifModelRegistryInvalidLicensing(address licensing);
    /// @notice `training.datasetId` names a certificate of kind `kind` (0 pattern, 1 recipe), not a dataset.
    error MotifModelRegistryNotADataset(uint256 datasetId, uint8 kind);
    /// @notice `training.dataRoot` is `declared` but the dataset certificate's root is `certified`.
    error MotifModelRegistryDataRootMismatch(uint256 datasetId, bytes32 declared, bytes32 certified);
    /// @notice `owner` neither owns dataset `datasetId` nor holds a live AI-training licence of it.
    error MotifModelRegistryTrainingNotLicensed(uint256 datasetId, address owner);

    /// @notice A model was registered.
    /// @param modelId The model.
    /// @param owner Owner of the model's IP.
    /// @param weightsDigest sha-256 of the ONNX weights file.
    /// @param weightsCidDigest sha2-256 digest inside the weights' CIDv1.
    /// @param weightsCidCodec Multicodec of the weights' CIDv1.
    /// @param royaltyBps Model owner's share of license revenue, in basis points.
    /// @param name Human-readable name.
    /// @param version Version label.
    /// @param cardDigest sha-256 of the model card's canonical JSON.
    /// @param trainingDatasetId Dataset certificate it was trained on, 0 for none.
    /// @param trainingDataRoot Merkle root of its training data, 0 if undeclared.
    /// @param trainingConfigDigest sha-256 of its canonical training config, 0 if undeclared.
    /// @param trainer Trainer name and version, empty if undeclared.
    event ModelRegistered(
        uint32 indexed modelId,
        address indexed owner,
        bytes32 indexed weightsDigest,
        bytes32 weightsCidDigest,
        uint16 weightsCidCodec,
        uint16 royaltyBps,
        string name,
        string version,
        bytes32 cardDigest,
        uint256 trainingDatasetId,
        bytes32 trainingDataRoot,
        bytes32 trainingConfigDigest,
        string trainer
    );
    /// @notice The licensing contract that training datasets are checked against was set.
    /// @param licensing The licensing contract.
    event LicensingSet(address indexed licensing);
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
    /// A declared training lineage is all or nothing: a config digest, a trainer, and a dataset
    /// certificate (which the owner owns or holds a live AI-training licence of; its root is stored)
    /// or a raw data root.
    /// @param registration Owner, digests, royalty share, name, version, card and training lineage.
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

    /// @notice Owner and royalty share of `modelId` and the dataset it was trained on, for royalty
    /// splits. Reverts for an unknown id.
    /// @param modelId The model.
    /// @return owner The model owner.
    /// @return royaltyBps The model's share in basis points.
    /// @return trainingDatasetId The dataset certificate whose owner takes its share too, 0 for none.
    function modelRoyalty(uint32 modelId)
        external
        view
        returns (address owner, uint16 royaltyBps, uint256 trainingDatasetId);

    /// @notice Sets, once, the licensing contract (and through it the certificate contract) that
    /// training datasets are checked against. Only the admin; it must be bound to this registry.
    /// @param licensing The licensing contract.
    function setLicensing(IMotifLicensing licensing) external;

    /// @notice The licensing contract set by `setLicensing`, or the zero address.
    /// @return licensing The licensing contract.
    function licensing() external view returns (IMotifLicensing licensing);

    /// @notice The id registered for `weightsDigest`, or 0.
    /// @param weightsDigest sha-256 of an ONNX file.
    /// @return modelId The model id, 0 if none.
    function modelIdByWeights(bytes32 weightsDigest) external view returns (uint32 modelId);

    /// @notice Number of models ever registered (the highest id).
    /// @return count The count.
    function modelCount() external view returns (uint32 count);
}
