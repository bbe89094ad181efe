// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {Lineage, MintRequest} from "../types/Lineage.sol";

/// @title LineageHash
/// @notice EIP-712 struct hashes of `Lineage`, `MintAttestation` and `ColourwayAttestation` (see `types/Lineage.sol`).
library LineageHash {
    /// @notice keccak-256 of the `Lineage` EIP-712 type string.
    bytes32 internal constant LINEAGE_TYPEHASH = keccak256(
        "Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );

    /// @notice keccak-256 of the `MintAttestation` EIP-712 type string (with `Lineage` appended).
    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "MintAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline)Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );

    /// @notice keccak-256 of the `ColourwayAttestation` EIP-712 type string (with `Lineage` appended):
    /// a mint attestation that also names the design the pattern is a colourway of, so an attestation
    /// for a colourway is never a plain mint's, nor another design's colourway's.
    bytes32 internal constant COLOURWAY_ATTESTATION_TYPEHASH = keccak256(
        "ColourwayAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline,uint256 designId)Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );

    /// @notice EIP-712 `hashStruct` of a lineage.
    /// @dev `Lineage` is a static struct of ten 32-byte words in calldata, laid out exactly as
    /// `abi.encode` would write them (the ABI zero-pads and the caller's values were validated as
    /// their types by the decoder), so the words are copied after the type hash and hashed in place.
    /// @param lineage The lineage.
    /// @return result The EIP-712 struct hash of the lineage.
    function hash(Lineage calldata lineage) internal pure returns (bytes32 result) {
        bytes32 typeHash = LINEAGE_TYPEHASH;
        // Assembly: hashes the calldata words in place (see @dev).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            calldatacopy(add(ptr, 0x20), lineage, 0x140)
            result := keccak256(ptr, 0x160)
        }
    }

    /// @notice EIP-712 `hashStruct` of the attestation covering `r` (its signature excluded).
    /// @param r The mint request.
    /// @return result The EIP-712 struct hash of the attestation.
    function hashAttestation(MintRequest calldata r) internal pure returns (bytes32 result) {
        bytes32 lineageHash = hash(r.lineage);
        bytes32 typeHash = ATTESTATION_TYPEHASH;
        address to = r.to;
        uint16 royaltyBps = r.royaltyBps;
        uint64 deadline = r.deadline;
        // Assembly: hashes the calldata words in place (see @dev).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, typeHash)
            mstore(add(ptr, 0x20), lineageHash)
            mstore(add(ptr, 0x40), to)
            mstore(add(ptr, 0x60), royaltyBps)
            mstore(add(ptr, 0x80), deadline)
            result := keccak256(ptr, 0xa0)
        }
    }

    /// @notice EIP-712 `hashStruct` of the colourway attestation covering `r` and its design (the
    /// signature excluded).
    /// @param r The mint request.
    /// @param designId The design the pattern is a colourway of.
    /// @return The EIP-712 struct hash of the colourway attestation.
    function hashColourwayAttestation(MintRequest calldata r, uint256 designId) internal pure returns (bytes32) {
        return keccak256(abi.encode(COLOURWAY_ATTESTATION_TYPEHASH, hash(r.lineage), r.to, r.royaltyBps, r.deadline, designId));
    }
}
