// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {CidV1} from "../../contracts/libraries/CidV1.sol";
import {CertificateKind, CertificateView, MintRequest, RecipeRegistration} from "../../contracts/types/Lineage.sol";
import {MotifFixture} from "./utils/MotifFixture.sol";

/// @notice Audit of session 19 (a5cf4af..29b66ca), contracts part: certificates store their mint block
/// in 32 bits (33 when audited) of the owner slot's spare word, counted from the immutable deployment block.
/// Each `test_finding_*` FAILS on the audited code; `test_held_*` are the probes that held.
contract AuditSession19Test is MotifFixture {
    // FINDING F1 (low). Promised: "a block past 2^32 (2^33 when audited) after deployment is refused with a specific
    // error" (MotifCertificateMintBlockTooLate), "never wrapped to an earlier block". Observed:
    // `_mintBlock()` computes `uint64(block.number - _DEPLOY_BLOCK)` and only then compares with
    // MAX_MINT_BLOCK: the cast truncates first, so at deploy + 2^64 + 5 the offset reads 5, the mint
    // is accepted and `mintBlockOf` / `certificate().mintBlock` name block deploy + 5 (the wrong
    // block: a reader's one-block eth_getLogs finds no mint event). Fix: compare the uint256
    // difference with MAX_MINT_BLOCK before casting (`uint256 d = block.number - _DEPLOY_BLOCK;
    // if (d > MAX_MINT_BLOCK) revert …; offset = uint64(d);`).
    function test_finding_mintPast2pow64BlocksAfterDeployment_isRefusedNotWrapped() public {
        uint256 deployedAt = cert.deployBlock();
        uint256 late = deployedAt + (uint256(1) << 64) + 5;
        vm.roll(late);
        MintRequest memory r = _signed(_request(1901), ATTESTER_KEY);
        try cert.mint(r) returns (uint256 tokenId) {
            // reached on the audited code: the mint went through and recorded another block
            assertEq(cert.mintBlockOf(tokenId), late, "F1: mint at deploy + 2^64 + 5 accepted; mintBlockOf names");
        } catch (bytes memory reason) {
            assertEq(
                reason,
                abi.encodeWithSelector(
                    IMotifCertificate.MotifCertificateMintBlockTooLate.selector,
                    late,
                    deployedAt + (uint256(1) << 32) - 1
                )
            );
        }
    }

    // Same wrap through mintRecipe / mintDataset (they share `_mintBlock`).
    function test_finding_recipeMintPast2pow64Blocks_isRefusedNotWrapped() public {
        uint256 late = cert.deployBlock() + (uint256(1) << 64) + 7;
        vm.roll(late);
        vm.prank(creator);
        try cert.mintRecipe(_recipe(1902, 100)) returns (uint256 recipeId) {
            assertEq(cert.mintBlockOf(recipeId), late, "F1: recipe mint at deploy + 2^64 + 7 accepted; mintBlockOf names");
        } catch {}
    }

    // --- held ------------------------------------------------------------------------------------

    /// setRoyalty and logEdit rewrite the royalty and codec fields only: every other field (and the
    /// mint block) reads as before, for each codec and a royalty down to 0.
    function test_held_setRoyaltyAndLogEdit_keepEveryOtherField(uint256 rollBy, uint16 newBps, uint8 codecPick) public {
        rollBy = bound(rollBy, 0, (uint256(1) << 32) - 1);
        vm.roll(cert.deployBlock() + rollBy);
        (uint256 tokenId,) = _mintSigned(1903);
        CertificateView memory before = cert.certificate(tokenId);
        uint16[5] memory codecs = [CidV1.RAW, CidV1.DAG_PB, CidV1.DAG_CBOR, CidV1.DAG_JSON, CidV1.JSON];
        uint16 codec = codecs[codecPick % 5];
        newBps = uint16(bound(newBps, 0, before.royaltyBps));
        vm.roll(block.number + 17);
        vm.prank(creator);
        cert.setRoyalty(tokenId, newBps);
        vm.prank(alice);
        cert.logEdit(tokenId, keccak256("step"), keccak256("new-meta"), codec);
        CertificateView memory a = cert.certificate(tokenId);
        assertEq(a.mintBlock, before.mintBlock, "mint block");
        assertEq(a.mintBlock, cert.deployBlock() + rollBy, "mint block value");
        assertEq(a.modelId, before.modelId, "model");
        assertEq(a.creatorId, before.creatorId, "creator id");
        assertEq(a.creator, before.creator, "creator");
        assertEq(a.owner, before.owner, "owner");
        assertEq(uint256(uint8(a.kind)), uint256(uint8(CertificateKind.Pattern)), "kind");
        assertEq(a.royaltyBps, newBps, "royalty");
        assertEq(a.metadataCodec, codec, "codec");
        (, uint256 royalty) = cert.royaltyInfo(tokenId, 10_000);
        assertEq(royalty, newBps, "royaltyInfo");
    }

    /// A transfer keeps the packed word (Solady XORs only the owner bits).
    function test_held_transferKeepsMintBlockAndFields() public {
        vm.roll(cert.deployBlock() + 12_345);
        (uint256 tokenId,) = _mintSigned(1904);
        CertificateView memory before = cert.certificate(tokenId);
        vm.prank(alice);
        cert.transferFrom(alice, bob, tokenId);
        CertificateView memory a = cert.certificate(tokenId);
        assertEq(a.owner, bob, "new owner");
        assertEq(a.mintBlock, before.mintBlock, "mint block");
        assertEq(a.creatorId, before.creatorId, "creator id");
        assertEq(a.royaltyBps, before.royaltyBps, "royalty");
        assertEq(a.metadataCodec, before.metadataCodec, "codec");
        assertEq(cert.tokenURI(tokenId), string.concat("ipfs://", cert.metadataCid(tokenId)), "tokenURI");
    }

    /// Model ids one above 22 bits are refused with MotifCertificateModelIdTooLarge for recipes too.
    function test_held_recipeModelIdAbove22Bits_reverts() public {
        RecipeRegistration memory r = _recipe(1905, 0);
        r.modelId = uint32(1 << 22);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateModelIdTooLarge.selector, uint32(1 << 22), uint32((1 << 22) - 1))
        );
        vm.prank(creator);
        cert.mintRecipe(r);
    }

    /// matchesLineage still answers true for the minted lineage and false for another codec.
    function test_held_matchesLineage() public {
        vm.roll(cert.deployBlock() + 99);
        (uint256 tokenId,) = _mintSigned(1906);
        tokenId;
        MintRequest memory r = _request(1906);
        assertTrue(cert.matchesLineage(r.lineage), "matches");
        r.lineage.metadataCodec = CidV1.DAG_PB;
        assertFalse(cert.matchesLineage(r.lineage), "other codec");
    }
}
