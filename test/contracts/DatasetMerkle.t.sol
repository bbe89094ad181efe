// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifTest} from "./utils/MotifTest.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @dev The SDK's dataset Merkle proofs (`datasetMerkleRoot` / `datasetMerkleProof`, through the
/// `ffi` cheatcode: `test/contracts/ffi/dataset-merkle.ts`) verify in OpenZeppelin's `MerkleProof`,
/// with the leaf built here as OpenZeppelin recommends: keccak256(bytes.concat(keccak256(abi.encode(…)))).
/// So a contract holding a dataset certificate's root can check a member on-chain.
contract DatasetMerkleProofTest is MotifTest {
    uint256 internal constant LARGEST = 24;

    function _leaf(uint256 tokenId, bytes32 imageDigest, uint256 licenseId) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(tokenId, imageDigest, licenseId))));
    }

    function test_sdkProofs_verifyInOpenZeppelinMerkleProof() public {
        string[] memory cmd = new string[](6);
        cmd[0] = "node";
        cmd[1] = "--import";
        cmd[2] = "tsx";
        cmd[3] = "test/contracts/ffi/dataset-merkle.ts";
        cmd[4] = "20261204";
        cmd[5] = vm.toString(LARGEST);
        (bytes32[] memory roots, uint256[][] memory tokenIds, bytes32[][] memory digests, uint256[][] memory licenseIds, bytes32[][][] memory proofs) =
            abi.decode(vm.ffi(cmd), (bytes32[], uint256[][], bytes32[][], uint256[][], bytes32[][][]));
        assertEq(roots.length, LARGEST, "one dataset per size");
        for (uint256 k = 0; k < roots.length; k++) {
            assertEq(tokenIds[k].length, k + 1, "members");
            for (uint256 i = 0; i < tokenIds[k].length; i++) {
                bytes32 leaf = _leaf(tokenIds[k][i], digests[k][i], licenseIds[k][i]);
                assertTrue(MerkleProof.verify(proofs[k][i], roots[k], leaf), "an SDK proof verifies");
                // the same proof does not vouch for another licence of the same token, nor under another root
                assertFalse(MerkleProof.verify(proofs[k][i], roots[k], _leaf(tokenIds[k][i], digests[k][i], licenseIds[k][i] ^ 1)), "a changed member");
                if (k > 0) assertFalse(MerkleProof.verify(proofs[k][i], roots[k - 1], leaf), "another dataset's root");
            }
        }
    }
}
