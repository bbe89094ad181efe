// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @notice Lifecycle of a registered model. `None` means the id was never registered.
/// A model is never erased: deprecation only stops new certificates from naming it.
enum ModelStatus {
    None,
    Active,
    Deprecated
}

/// @notice What a model was trained on, as its registration declares it. All zero (and `trainer`
/// empty) means undeclared, e.g. a stand-in model with drawn weights.
struct TrainingLineage {
    /// A dataset certificate (`CertificateKind.Dataset`) the model was trained on, 0 for none. Its
    /// owner receives the dataset's revenue share of every pattern rendered with the model; the model
    /// owner must own it or hold a live AI-training licence of it at registration.
    uint256 datasetId;
    /// Merkle root of the training data: with `datasetId`, the dataset certificate's root (0 = take
    /// it from the certificate); without, the root of the studio's own uncertified swatches.
    bytes32 dataRoot;
    /// sha-256 of the canonical training config (seed, crops, steps, rates: enough to re-run it).
    bytes32 configDigest;
    /// Trainer name and version, e.g. "motif-train/1.0.0", 0..32 bytes.
    string trainer;
}

/// @notice What a registrar submits to register a model.
struct ModelRegistration {
    /// Owner of the model's IP: receives the model royalty share and may deprecate it.
    address owner;
    /// sha-256 of the ONNX file.
    bytes32 weightsDigest;
    /// sha2-256 digest inside the weights' CIDv1 (equals `weightsDigest` for a single raw block).
    bytes32 weightsCidDigest;
    /// Multicodec of the weights' CIDv1.
    uint16 weightsCidCodec;
    /// Share, in basis points, of every license sale and usage royalty of patterns made with it.
    uint16 royaltyBps;
    /// Human-readable name, 1..64 bytes.
    string name;
    /// Version label, 1..32 bytes.
    string version;
    /// sha-256 of the model card's canonical JSON (`motif-model-card/1`: I/O contract, params,
    /// behaviour, licence, training lineage), the digest of its raw-codec CIDv1. Never zero.
    bytes32 cardDigest;
    /// What the model was trained on.
    TrainingLineage training;
}

/// @notice A registered model, as stored by `MotifModelRegistry` and returned by `getModel`.
/// @dev Field order is the storage packing: slot 0 = owner (160) | royaltyBps (16) | status (8) |
/// registeredAt (40) | weightsCidCodec (16) | trainedOnDataset (8); slots 1-3 = weightsDigest,
/// weightsCidDigest, pendingOwner; then name and version, the card digest and the training lineage
/// (4 slots). `trainedOnDataset` (training.datasetId != 0) keeps the royalty split's read to slot 0
/// for every model without a training dataset.
struct Model {
    address owner;
    uint16 royaltyBps;
    ModelStatus status;
    uint40 registeredAt;
    uint16 weightsCidCodec;
    bool trainedOnDataset;
    bytes32 weightsDigest;
    bytes32 weightsCidDigest;
    address pendingOwner;
    string name;
    string version;
    bytes32 cardDigest;
    TrainingLineage training;
}
