// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CidV1} from "../../../contracts/libraries/CidV1.sol";
import {MintRequest} from "../../../contracts/types/Lineage.sol";
import {MotifFixture} from "../utils/MotifFixture.sol";
import {MotifTest} from "../utils/MotifTest.sol";

contract CidV1Test is MotifTest {
    function test_toBytes_varintCodecs() public pure {
        bytes32 d = bytes32(uint256(1));
        assertEq(keccak256(CidV1.toBytes(0x55, d)), keccak256(abi.encodePacked(hex"01551220", d)), "1-byte codec");
        assertEq(
            keccak256(CidV1.toBytes(0x0129, d)), keccak256(abi.encodePacked(hex"01a9021220", d)), "2-byte codec"
        );
        assertEq(
            keccak256(CidV1.toBytes(0x4001, d)), keccak256(abi.encodePacked(hex"0181800112", hex"20", d)), "3-byte"
        );
    }

    function test_toBase32_knownVectors() public pure {
        bytes32 emptySha = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;
        assertEq(CidV1.toBase32(CidV1.RAW, emptySha), "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", "raw");
        assertEq(
            CidV1.toBase32(CidV1.DAG_PB, emptySha),
            "bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            "dag-pb"
        );
    }

    function test_isSupportedCodec() public pure {
        assertTrue(CidV1.isSupportedCodec(0x55), "raw");
        assertTrue(CidV1.isSupportedCodec(0x70), "dag-pb");
        assertTrue(CidV1.isSupportedCodec(0x71), "dag-cbor");
        assertTrue(CidV1.isSupportedCodec(0x0129), "dag-json");
        assertTrue(CidV1.isSupportedCodec(0x0200), "json");
        assertFalse(CidV1.isSupportedCodec(0x12), "sha2-256 is a hash, not a codec");
    }
}

/// @dev tokenURI against multiformats (the reference implementation in TypeScript) for random
/// digests, through the `ffi` cheatcode: `test/contracts/ffi/cid.mjs`.
contract TokenUriReferenceTest is MotifFixture {
    /// hardhat-config: fuzz.runs = 48
    function testFuzz_tokenURI_matchesMultiformats(bytes32 metadataDigest, uint8 codecPick) public {
        vm.assume(metadataDigest != 0);
        uint16[5] memory codecs = [CidV1.RAW, CidV1.DAG_PB, CidV1.DAG_CBOR, CidV1.DAG_JSON, CidV1.JSON];
        uint16 codec = codecs[codecPick % 5];
        MintRequest memory r = _request(uint256(metadataDigest));
        r.lineage.metadataDigest = metadataDigest;
        r.lineage.metadataCodec = codec;
        vm.prank(attester);
        uint256 tokenId = cert.mint(r);

        string[] memory cmd = new string[](4);
        cmd[0] = "node";
        cmd[1] = "test/contracts/ffi/cid.mjs";
        cmd[2] = vm.toString(uint256(codec));
        cmd[3] = vm.toString(metadataDigest);
        string memory expected = string(vm.ffi(cmd));
        assertEq(cert.tokenURI(tokenId), string.concat("ipfs://", expected), "tokenURI = multiformats CID");
        assertEq(cert.metadataCid(tokenId), expected, "metadataCid");
    }
}
