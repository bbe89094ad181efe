// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {LineageHash} from "../../contracts/libraries/LineageHash.sol";
import {Lineage, MintRequest} from "../../contracts/types/Lineage.sol";
import {MotifTest} from "./utils/MotifTest.sol";

/// @dev Calldata harness: LineageHash reads its struct from calldata, so it is called one level deep.
contract LineageHashHarness16 {
    function hashLineage(Lineage calldata l) external pure returns (bytes32) {
        return LineageHash.hash(l);
    }

    function hashAttestation(MintRequest calldata r) external pure returns (bytes32) {
        return LineageHash.hashAttestation(r);
    }
}

/// @notice Audit of issue 16 (held probes): the assembly that hashes the ten calldata words of a
/// `Lineage` in place equals EIP-712 `hashStruct` written field by field with `abi.encode`, for any
/// values (fuzzed), so the added `tileHash` sits at the position the type string (and the SDK) gives it.
contract AuditIssue16Test is MotifTest {
    bytes32 internal constant LINEAGE_TYPE = keccak256(
        "Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );
    bytes32 internal constant ATTESTATION_TYPE = keccak256(
        "MintAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline)Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );

    LineageHashHarness16 internal harness = new LineageHashHarness16();

    function testFuzz_held_lineageHash_equalsFieldByFieldEncoding(Lineage memory l, address to, uint16 royaltyBps, uint64 deadline) public view {
        bytes32 expected = keccak256(
            abi.encode(LINEAGE_TYPE, l.contentDigest, l.metadataDigest, l.metadataCodec, l.modelId, l.seed, l.paramsHash, l.pdqHash, l.tileHash, l.creator, l.recipeId)
        );
        assertEq(harness.hashLineage(l), expected, "Lineage hashStruct");
        MintRequest memory r;
        r.lineage = l;
        r.to = to;
        r.royaltyBps = royaltyBps;
        r.deadline = deadline;
        assertEq(harness.hashAttestation(r), keccak256(abi.encode(ATTESTATION_TYPE, expected, to, royaltyBps, deadline)), "MintAttestation hashStruct");
    }

    function test_held_tileHash_changesTheLineageHash() public view {
        Lineage memory l;
        bytes32 zero = harness.hashLineage(l);
        l.tileHash = bytes32(uint256(1));
        assertTrue(harness.hashLineage(l) != zero, "tileHash is hashed");
    }
}
