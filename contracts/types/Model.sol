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
}

/// @notice A registered model, as stored by `MotifModelRegistry` and returned by `getModel`.
/// @dev Field order is the storage packing: slot 0 = owner (160) | royaltyBps (16) | status (8) |
/// registeredAt (40) | weightsCidCodec (16); slots 1-3 = weightsDigest, weightsCidDigest,
/// pendingOwner; then name and version.
struct Model {
    address owner;
    uint16 royaltyBps;
    ModelStatus status;
    uint40 registeredAt;
    uint16 weightsCidCodec;
    bytes32 weightsDigest;
    bytes32 weightsCidDigest;
    address pendingOwner;
    string name;
    string version;
}
