// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Lineage, MintRequest} from "../types/Lineage.sol";

/// @title LineageHash
/// @notice EIP-712 struct hashes of `Lineage` and `MintAttestation` (see `types/Lineage.sol`).
library LineageHash {
    /// @notice keccak-256 of the `Lineage` EIP-712 type string.
    bytes32 internal constant LINEAGE_TYPEHASH = keccak256(
        "Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,address creator)"
    );

    /// @notice keccak-256 of the `MintAttestation` EIP-712 type string (with `Lineage` appended).
    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "MintAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline)Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,address creator)"
    );

    /// @notice EIP-712 `hashStruct` of a lineage.
    function hash(Lineage calldata l) internal pure returns (bytes32) {
        return keccak256(
            abi.encode(
                LINEAGE_TYPEHASH,
                l.contentDigest,
                l.metadataDigest,
                l.metadataCodec,
                l.modelId,
                l.seed,
                l.paramsHash,
                l.pdqHash,
                l.creator
            )
        );
    }

    /// @notice EIP-712 `hashStruct` of the attestation covering `r` (its signature excluded).
    function hashAttestation(MintRequest calldata r) internal pure returns (bytes32) {
        return keccak256(abi.encode(ATTESTATION_TYPEHASH, hash(r.lineage), r.to, r.royaltyBps, r.deadline));
    }
}
