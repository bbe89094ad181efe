// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

import {IMotifCertificate} from "./interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "./interfaces/IMotifLicensing.sol";
import {IMotifModelRegistry} from "./interfaces/IMotifModelRegistry.sol";
import {CidV1} from "./libraries/CidV1.sol";
import {LicenseFlags} from "./types/License.sol";
import {CertificateKind, CertificateView} from "./types/Lineage.sol";
import {Model, ModelRegistration, ModelStatus, TrainingLineage} from "./types/Model.sol";

/// @title MotifModelRegistry
/// @notice Fine-tuned generative models are IP. Each registered model records its owner, the sha-256
/// of its ONNX weights and their CID, a name and version, the digest of its model card (I/O contract,
/// params, behaviour, licence), what it was trained on (a dataset certificate or a raw Merkle root,
/// the training config's digest, the trainer), and the royalty share (in basis points) its owner
/// takes of every license sale and usage royalty of patterns rendered with it. A model trained on a
/// dataset certificate also pays that dataset's owner the dataset's share (`modelRoyalty` names it).
/// @dev Registration is curated (`REGISTRAR_ROLE`) so nobody can squat someone else's weights digest;
/// everything after registration belongs to the model owner: deprecate (never erase), lower the
/// royalty share, transfer ownership in two steps.
///
/// Storage layout of a `Model` record (`types/Model.sol`, one per model id; field order is the packing):
///   slot 0: owner (160) | royaltyBps (16) | status (8) | registeredAt (40) | weightsCidCodec (16) |
///           trainedOnDataset (8) = 248 bits
///   slot 1: weightsDigest
///   slot 2: weightsCidDigest
///   slot 3: pendingOwner (160)
///   slot 4, 5: name, version (strings)
///   slot 6: cardDigest; slots 7-10: training (datasetId, dataRoot, configDigest, trainer)
/// `modelStatus` and `modelRoyalty`, which the certificate and licensing contracts call on every
/// mint and sale, read slot 0 only.
contract MotifModelRegistry is IMotifModelRegistry, AccessControl {
    /// @notice Role allowed to register models.
    bytes32 public constant REGISTRAR_ROLE = keccak256("MOTIF_REGISTRAR_ROLE");
    /// @notice Highest model royalty share: 25% of each sale and usage royalty.
    uint16 public constant MAX_ROYALTY_BPS = 2500;
    /// @notice Longest model name in bytes.
    uint256 public constant MAX_NAME_LENGTH = 64;
    /// @notice Longest version label in bytes.
    uint256 public constant MAX_VERSION_LENGTH = 32;
    /// @notice Longest trainer label in bytes.
    uint256 public constant MAX_TRAINER_LENGTH = 32;

    mapping(uint32 modelId => Model) private _models;
    mapping(bytes32 weightsDigest => uint32 modelId) private _modelIdByWeights;
    uint32 private _modelCount;
    IMotifLicensing private _licensing;

    /// @notice Deploys the registry with `admin` as its administrator and first registrar.
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` and `REGISTRAR_ROLE`.
    constructor(address admin) {
        if (admin == address(0)) revert MotifModelRegistryZeroOwner();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
    }

    modifier onlyModelOwner(uint32 modelId) {
        address owner = _models[modelId].owner;
        if (owner == address(0)) revert MotifModelRegistryUnknownModel(modelId);
        if (owner != msg.sender) revert MotifModelRegistryNotModelOwner(modelId, msg.sender);
        _;
    }

    /// @inheritdoc IMotifModelRegistry
    function registerModel(ModelRegistration calldata r) external onlyRole(REGISTRAR_ROLE) returns (uint32 modelId) {
        if (r.owner == address(0)) revert MotifModelRegistryZeroOwner();
        if (r.weightsDigest == bytes32(0)) revert MotifModelRegistryZeroDigest("weightsDigest");
        if (r.weightsCidDigest == bytes32(0)) revert MotifModelRegistryZeroDigest("weightsCidDigest");
        if (!CidV1.isSupportedCodec(r.weightsCidCodec)) revert MotifModelRegistryUnsupportedCodec(r.weightsCidCodec);
        if (r.royaltyBps > MAX_ROYALTY_BPS) revert MotifModelRegistryRoyaltyTooHigh(r.royaltyBps, MAX_ROYALTY_BPS);
        _checkLength("name", bytes(r.name).length, MAX_NAME_LENGTH);
        _checkLength("version", bytes(r.version).length, MAX_VERSION_LENGTH);
        if (r.cardDigest == bytes32(0)) revert MotifModelRegistryZeroDigest("cardDigest");
        bytes32 dataRoot = _checkTraining(r.owner, r.training);
        uint32 existing = _modelIdByWeights[r.weightsDigest];
        if (existing != 0) revert MotifModelRegistryDuplicateWeights(r.weightsDigest, existing);

        modelId = ++_modelCount;
        Model storage m = _models[modelId];
        m.owner = r.owner;
        m.royaltyBps = r.royaltyBps;
        m.status = ModelStatus.Active;
        m.registeredAt = uint40(block.timestamp);
        m.weightsCidCodec = r.weightsCidCodec;
        m.weightsDigest = r.weightsDigest;
        m.weightsCidDigest = r.weightsCidDigest;
        m.name = r.name;
        m.version = r.version;
        m.cardDigest = r.cardDigest;
        m.training = TrainingLineage(r.training.datasetId, dataRoot, r.training.configDigest, r.training.trainer);
        if (r.training.datasetId != 0) m.trainedOnDataset = true;
        _modelIdByWeights[r.weightsDigest] = modelId;

        emit ModelRegistered(
            modelId,
            r.owner,
            r.weightsDigest,
            r.weightsCidDigest,
            r.weightsCidCodec,
            r.royaltyBps,
            r.name,
            r.version,
            r.cardDigest,
            r.training.datasetId,
            dataRoot,
            r.training.configDigest,
            r.training.trainer
        );
    }

    /// @inheritdoc IMotifModelRegistry
    function setLicensing(IMotifLicensing licensing_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        address current = address(_licensing);
        if (current != address(0)) revert MotifModelRegistryLicensingAlreadySet(current);
        // bound to this registry, its certificate too, and not answering "licensed" for a token that
        // does not exist (a placeholder or a stub): the admin still vouches for the contract itself
        if (address(licensing_).code.length == 0 || address(licensing_.registry()) != address(this)) {
            revert MotifModelRegistryInvalidLicensing(address(licensing_));
        }
        IMotifCertificate certificate = licensing_.certificate();
        if (address(certificate).code.length == 0 || address(certificate.registry()) != address(this)) {
            revert MotifModelRegistryInvalidLicensing(address(licensing_));
        }
        (bool probe,) = licensing_.licensedFor(type(uint256).max, address(this), LicenseFlags.AI_TRAINING, uint48(block.timestamp));
        if (probe) revert MotifModelRegistryInvalidLicensing(address(licensing_));
        _licensing = licensing_;
        emit LicensingSet(address(licensing_));
    }

    /// @inheritdoc IMotifModelRegistry
    function licensing() external view returns (IMotifLicensing) {
        return _licensing;
    }

    /// @inheritdoc IMotifModelRegistry
    function deprecateModel(uint32 modelId) external onlyModelOwner(modelId) {
        Model storage m = _models[modelId];
        if (m.status == ModelStatus.Deprecated) revert MotifModelRegistryAlreadyDeprecated(modelId);
        m.status = ModelStatus.Deprecated;
        emit ModelDeprecated(modelId);
    }

    /// @inheritdoc IMotifModelRegistry
    function transferModelOwnership(uint32 modelId, address newOwner) external onlyModelOwner(modelId) {
        _models[modelId].pendingOwner = newOwner;
        emit ModelOwnershipTransferStarted(modelId, msg.sender, newOwner);
    }

    /// @inheritdoc IMotifModelRegistry
    function acceptModelOwnership(uint32 modelId) external {
        Model storage m = _models[modelId];
        if (m.owner == address(0)) revert MotifModelRegistryUnknownModel(modelId);
        if (m.pendingOwner != msg.sender || msg.sender == address(0)) {
            revert MotifModelRegistryNotPendingOwner(modelId, msg.sender);
        }
        address previous = m.owner;
        m.owner = msg.sender;
        delete m.pendingOwner;
        emit ModelOwnershipTransferred(modelId, previous, msg.sender);
    }

    /// @inheritdoc IMotifModelRegistry
    function setModelRoyalty(uint32 modelId, uint16 royaltyBps) external onlyModelOwner(modelId) {
        Model storage m = _models[modelId];
        uint16 current = m.royaltyBps;
        if (royaltyBps > current) revert MotifModelRegistryRoyaltyIncrease(modelId, current, royaltyBps);
        m.royaltyBps = royaltyBps;
        emit ModelRoyaltyUpdated(modelId, current, royaltyBps);
    }

    /// @inheritdoc IMotifModelRegistry
    function getModel(uint32 modelId) external view returns (Model memory model) {
        Model storage m = _models[modelId];
        if (m.owner == address(0)) revert MotifModelRegistryUnknownModel(modelId);
        model = m;
    }

    /// @inheritdoc IMotifModelRegistry
    function modelStatus(uint32 modelId) external view returns (ModelStatus) {
        return _models[modelId].status;
    }

    /// @inheritdoc IMotifModelRegistry
    function modelRoyalty(uint32 modelId)
        external
        view
        returns (address owner, uint16 royaltyBps, uint256 trainingDatasetId)
    {
        Model storage m = _models[modelId];
        owner = m.owner;
        if (owner == address(0)) revert MotifModelRegistryUnknownModel(modelId);
        royaltyBps = m.royaltyBps;
        // slot 0 says whether there is a dataset: its id is read only then
        if (m.trainedOnDataset) trainingDatasetId = m.training.datasetId;
    }

    /// @inheritdoc IMotifModelRegistry
    function modelIdByWeights(bytes32 weightsDigest) external view returns (uint32) {
        return _modelIdByWeights[weightsDigest];
    }

    /// @inheritdoc IMotifModelRegistry
    function modelCount() external view returns (uint32) {
        return _modelCount;
    }

    /// @dev Checks a declared training lineage (all or nothing) and returns the data root to store:
    /// the dataset certificate's when one is named, which `owner` must own or hold a live AI-training
    /// licence of.
    function _checkTraining(address owner, TrainingLineage calldata t) private view returns (bytes32) {
        uint256 trainerLength = bytes(t.trainer).length;
        if (t.datasetId == 0 && t.dataRoot == bytes32(0) && t.configDigest == bytes32(0) && trainerLength == 0) {
            return bytes32(0);
        }
        if (t.configDigest == bytes32(0)) revert MotifModelRegistryZeroDigest("training.configDigest");
        _checkLength("training.trainer", trainerLength, MAX_TRAINER_LENGTH);
        if (t.datasetId == 0) {
            if (t.dataRoot == bytes32(0)) revert MotifModelRegistryZeroDigest("training.dataRoot");
            return t.dataRoot;
        }
        IMotifLicensing licensing_ = _licensing;
        if (address(licensing_) == address(0)) revert MotifModelRegistryLicensingUnset();
        IMotifCertificate certificate = licensing_.certificate();
        CertificateView memory v = certificate.certificate(t.datasetId); // reverts for an unknown id
        if (v.kind != CertificateKind.Dataset) revert MotifModelRegistryNotADataset(t.datasetId, uint8(v.kind));
        if (t.dataRoot != bytes32(0) && t.dataRoot != v.kindDigest) {
            revert MotifModelRegistryDataRootMismatch(t.datasetId, t.dataRoot, v.kindDigest);
        }
        if (v.owner != owner) {
            (bool licensed,) = licensing_.licensedFor(t.datasetId, owner, LicenseFlags.AI_TRAINING, uint48(block.timestamp));
            if (!licensed) revert MotifModelRegistryTrainingNotLicensed(t.datasetId, owner);
        }
        return v.kindDigest;
    }

    function _checkLength(string memory field, uint256 length, uint256 maxLength) private pure {
        if (length == 0 || length > maxLength) revert MotifModelRegistryInvalidLength(field, length, maxLength);
    }
}
