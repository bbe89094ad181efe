// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifModelRegistry} from "../../contracts/interfaces/IMotifModelRegistry.sol";
import {CidV1} from "../../contracts/libraries/CidV1.sol";
import {CertificateView, Lineage, MintRequest} from "../../contracts/types/Lineage.sol";
import {ModelStatus} from "../../contracts/types/Model.sol";
import {MotifFixture} from "./utils/MotifFixture.sol";

contract MotifCertificateTest is MotifFixture {
    // --- constructor ---------------------------------------------------------------------------

    function test_constructor_setsRolesAndRegistry() public view {
        assertEq(address(cert.registry()), address(registry), "registry");
        assertTrue(cert.hasRole(cert.DEFAULT_ADMIN_ROLE(), admin), "admin");
        assertTrue(cert.hasRole(cert.PAUSER_ROLE(), admin), "pauser");
        assertEq(cert.name(), "Motif Pattern Certificate", "name");
        assertEq(cert.symbol(), "MOTIF", "symbol");
    }

    function test_constructor_zeroAdmin_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateZeroField.selector, "admin"));
        _newCertificate(address(0), registry);
    }

    function test_constructor_zeroRegistry_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateZeroField.selector, "registry"));
        _newCertificate(admin, IMotifModelRegistry(address(0)));
    }

    // --- mint ----------------------------------------------------------------------------------

    function test_mint_signed_storesLineageAndEmits() public {
        MintRequest memory r = _signed(_request(1), ATTESTER_KEY);
        Lineage memory l = r.lineage;
        uint256 expectedId = uint256(l.contentDigest);

        vm.expectEmit(true, true, false, true, address(cert));
        emit IMotifCertificate.CreatorRegistered(creator, 1);
        vm.expectEmit(true, true, true, true, address(cert));
        emit IMotifCertificate.CertificateMinted(
            expectedId, modelId, creator, l.metadataDigest, CidV1.RAW, l.seed, l.paramsHash, l.pdqHash, l.tileHash, 500, attester
        );
        vm.prank(bob); // anyone may submit a signed attestation
        uint256 tokenId = cert.mint(r);

        assertEq(tokenId, expectedId, "token id = content digest");
        assertEq(cert.ownerOf(tokenId), alice, "owner");
        assertEq(cert.balanceOf(alice), 1, "balance");
        CertificateView memory v = cert.certificate(tokenId);
        assertEq(v.owner, alice, "view owner");
        assertEq(v.creator, creator, "creator");
        assertEq(v.modelId, modelId, "model");
        assertEq(v.creatorId, 1, "creator id");
        assertEq(v.royaltyBps, 500, "royalty");
        assertEq(v.metadataCodec, CidV1.RAW, "codec");
        assertEq(v.metadataDigest, l.metadataDigest, "metadata digest");
        assertEq(v.editHead, bytes32(0), "no edits yet");
        assertTrue(cert.matchesLineage(l), "lineage matches storage");
        assertEq(cert.modelOf(tokenId), modelId, "modelOf");
        assertEq(cert.creatorOf(tokenId), creator, "creatorOf");
        assertEq(cert.creatorIdOf(creator), 1, "creatorIdOf");
    }

    function test_mint_attesterCaller_needsNoSignature() public {
        MintRequest memory r = _request(2);
        vm.prank(attester);
        uint256 tokenId = cert.mint(r);
        assertEq(cert.ownerOf(tokenId), alice, "owner");
    }

    function test_mint_unsignedByNonAttester_reverts() public {
        MintRequest memory r = _request(2);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, bob)
        );
        vm.prank(bob);
        cert.mint(r);
    }

    function test_mint_signerWithoutRole_reverts() public {
        MintRequest memory r = _signed(_request(3), OTHER_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, vm.addr(OTHER_KEY))
        );
        cert.mint(r);
    }

    function test_mint_revokedAttester_reverts() public {
        MintRequest memory r = _signed(_request(3), ATTESTER_KEY);
        bytes32 role = cert.ATTESTER_ROLE();
        vm.prank(admin);
        cert.revokeRole(role, attester);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, attester)
        );
        cert.mint(r);
    }

    function test_mint_malformedSignature_reverts() public {
        MintRequest memory r = _request(4);
        r.signature = hex"1234";
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateInvalidSignature.selector));
        cert.mint(r);
    }

    function test_mint_highSSignature_reverts() public {
        MintRequest memory r = _signed(_request(4), ATTESTER_KEY);
        // Flip s to n - s (and v): the malleable twin of a valid signature is refused.
        bytes memory sig = r.signature;
        bytes32 s;
        uint8 v;
        assembly {
            s := mload(add(sig, 64))
            v := byte(0, mload(add(sig, 96)))
        }
        uint256 n = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
        r.signature = abi.encodePacked(bytes32(_word(sig, 0)), bytes32(n - uint256(s)), v == 27 ? uint8(28) : uint8(27));
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateInvalidSignature.selector));
        cert.mint(r);
    }

    function test_mint_expired_reverts() public {
        MintRequest memory r = _signed(_request(5), ATTESTER_KEY);
        vm.warp(uint256(r.deadline) + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateAttestationExpired.selector, r.deadline, uint256(r.deadline) + 1
            )
        );
        cert.mint(r);
    }

    function test_mint_atDeadline_succeeds() public {
        MintRequest memory r = _signed(_request(5), ATTESTER_KEY);
        vm.warp(r.deadline);
        cert.mint(r);
    }

    function test_mint_duplicateContent_reverts() public {
        (, MintRequest memory first) = _mintSigned(6);
        MintRequest memory again = _request(7);
        again.lineage.contentDigest = first.lineage.contentDigest;
        again = _signed(again, ATTESTER_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateDuplicateContent.selector, first.lineage.contentDigest
            )
        );
        cert.mint(again);
    }

    function test_mint_unknownModel_reverts() public {
        MintRequest memory r = _request(8);
        r.lineage.modelId = 99;
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateModelNotActive.selector, 99, ModelStatus.None)
        );
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_deprecatedModel_reverts() public {
        vm.prank(modelOwner);
        registry.deprecateModel(modelId);
        MintRequest memory r = _request(8);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateModelNotActive.selector, modelId, ModelStatus.Deprecated
            )
        );
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_zeroRecipient_reverts() public {
        MintRequest memory r = _request(9);
        r.to = address(0);
        _expectZeroField("to");
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_zeroCreator_reverts() public {
        MintRequest memory r = _request(9);
        r.lineage.creator = address(0);
        _expectZeroField("creator");
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_zeroContentDigest_reverts() public {
        MintRequest memory r = _request(9);
        r.lineage.contentDigest = bytes32(0);
        _expectZeroField("contentDigest");
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_zeroMetadataDigest_reverts() public {
        MintRequest memory r = _request(9);
        r.lineage.metadataDigest = bytes32(0);
        _expectZeroField("metadataDigest");
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_unsupportedCodec_reverts() public {
        MintRequest memory r = _request(9);
        r.lineage.metadataCodec = 0x0300;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnsupportedCodec.selector, 0x0300));
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_whilePaused_reverts() public {
        vm.prank(admin);
        cert.pause();
        MintRequest memory r = _signed(_request(10), ATTESTER_KEY);
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        cert.mint(r);
        vm.prank(admin);
        cert.unpause();
        cert.mint(r);
    }

    // --- mint block -------------------------------------------------------------------------

    function test_deployBlock_isTheBlockOfDeployment() public {
        vm.roll(4_242);
        MotifCertificate later = _newCertificate(admin, registry);
        assertEq(later.deployBlock(), 4_242, "deployment block");
    }

    /// A reader finds the mint event in one block: every kind records the block it was minted in,
    /// a million blocks after deployment as in the first.
    function test_mintBlockOf_isTheMintTransactionsBlock() public {
        uint256 deployedAt = cert.deployBlock();
        (uint256 first,) = _mintSigned(31);
        assertEq(cert.mintBlockOf(first), deployedAt, "minted in the deployment block");
        vm.roll(deployedAt + 1_000_003);
        (uint256 later,) = _mintSigned(32);
        assertEq(cert.mintBlockOf(later), deployedAt + 1_000_003, "pattern");
        assertEq(cert.certificate(later).mintBlock, deployedAt + 1_000_003, "certificate view");
        assertEq(cert.mintBlockOf(first), deployedAt, "the first keeps its block");
        vm.roll(deployedAt + 2_000_000);
        vm.prank(creator);
        uint256 recipeId = cert.mintRecipe(_recipe(1, 100));
        assertEq(cert.mintBlockOf(recipeId), deployedAt + 2_000_000, "recipe");
        vm.roll(deployedAt + 3_000_000);
        vm.prank(creator);
        uint256 datasetId = cert.mintDataset(_dataset(1, 3));
        assertEq(cert.mintBlockOf(datasetId), deployedAt + 3_000_000, "dataset");
    }

    function test_mintBlockOf_unminted_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 123));
        cert.mintBlockOf(123);
    }

    /// The packed word holds 32 bits of blocks after deployment: the last one mints and reads back,
    /// the next is refused in words (never wrapped to an earlier block).
    function test_mint_pastTheLastRecordableBlock_reverts() public {
        uint256 last = cert.deployBlock() + (uint256(1) << 32) - 1;
        vm.roll(last);
        (uint256 tokenId,) = _mintSigned(33);
        assertEq(cert.mintBlockOf(tokenId), last, "last recordable block");
        vm.roll(last + 1);
        MintRequest memory r = _signed(_request(34), ATTESTER_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateMintBlockTooLate.selector, last + 1, last)
        );
        cert.mint(r);
    }

    /// Model ids past 22 bits would spill into the creator id: refused before the registry is asked.
    function test_mint_modelIdAbove22Bits_reverts() public {
        MintRequest memory r = _request(35);
        r.lineage.modelId = uint32(1 << 22);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateModelIdTooLarge.selector, uint32(1 << 22), uint32((1 << 22) - 1))
        );
        vm.prank(attester);
        cert.mint(r);
    }

    /// Creator ids past 26 bits would spill into the royalty: the 2^26-th creator is refused.
    function test_mint_creatorIdsExhausted_reverts() public {
        _mintSigned(36); // creator 1
        uint256 slot = _slotHolding(1);
        vm.store(address(cert), bytes32(slot), bytes32(uint256((1 << 26) - 2)));
        MintRequest memory r = _request(37);
        r.lineage.creator = address(0xC0FFEE);
        vm.prank(attester);
        uint256 lastId = cert.mint(r);
        assertEq(cert.certificate(lastId).creatorId, (1 << 26) - 1, "the last creator id");
        r = _request(38);
        r.lineage.creator = address(0xDECAF);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateTooManyCreators.selector, uint32((1 << 26) - 1))
        );
        vm.prank(attester);
        cert.mint(r);
    }

    /// The storage slot of the creator counter, found by its value (the layout is private).
    function _slotHolding(uint256 value) private view returns (uint256) {
        for (uint256 i = 0; i < 64; i++) {
            if (uint256(vm.load(address(cert), bytes32(i))) == value) return i;
        }
        revert("creator counter slot not found");
    }

    function test_mint_secondCertificateReusesCreatorId() public {
        _mintSigned(11);
        vm.recordLogs();
        (uint256 tokenId,) = _mintSigned(12);
        assertEq(cert.certificate(tokenId).creatorId, 1, "same id");
        assertEq(vm.getRecordedLogs().length, 2, "Transfer + CertificateMinted only, no CreatorRegistered");
    }

    /// @dev The attestation hash copies the lineage words from calldata; a word with bits beyond its
    /// type (here the uint16 codec) must never mint, whoever signed the dirty digest.
    function test_mint_dirtyCalldataWord_reverts() public {
        MintRequest memory r = _request(13);
        bytes memory data = abi.encodeCall(cert.mint, (r));
        // selector | offset | contentDigest | metadataDigest | metadataCodec ...
        uint256 codecWord = 4 + 32 * 3;
        assertEq(uint8(data[codecWord + 31]), 0x55, "codec word located");
        data[codecWord] = 0x01; // highest byte of the codec word
        vm.prank(attester);
        (bool ok,) = address(cert).call(data);
        assertFalse(ok, "dirty uint16 must revert");
        assertEq(cert.balanceOf(alice), 0, "nothing minted");
        data[codecWord] = 0x00;
        vm.prank(attester);
        (ok,) = address(cert).call(data);
        assertTrue(ok, "the clean call mints");
    }

    // --- fuzz: attestation, duplicates, royalty cap ---------------------------------------------

    /// @dev Changing any attested field after signing makes the signature recover another address.
    function testFuzz_mint_alteredField_reverts(uint256 salt, uint8 field, bytes32 value) public {
        MintRequest memory r = _signed(_request(salt), ATTESTER_KEY);
        field = uint8(bound(field, 0, 11));
        if (field == 0) { vm.assume(value != r.lineage.contentDigest && value != 0); r.lineage.contentDigest = value; }
        if (field == 1) { vm.assume(value != r.lineage.metadataDigest && value != 0); r.lineage.metadataDigest = value; }
        if (field == 2) { r.lineage.metadataCodec = r.lineage.metadataCodec == CidV1.RAW ? CidV1.DAG_PB : CidV1.RAW; }
        if (field == 3) { vm.assume(uint64(uint256(value)) != r.lineage.seed); r.lineage.seed = uint64(uint256(value)); }
        if (field == 4) { vm.assume(value != r.lineage.paramsHash); r.lineage.paramsHash = value; }
        if (field == 5) { vm.assume(value != r.lineage.pdqHash); r.lineage.pdqHash = value; }
        if (field == 6) { address c = address(uint160(uint256(value))); vm.assume(c != creator && c != address(0)); r.lineage.creator = c; }
        if (field == 7) { address to = address(uint160(uint256(value))); vm.assume(to != alice && to != address(0)); r.to = to; }
        if (field == 8) { r.royaltyBps = uint16(bound(uint256(value), 0, 499)); }
        if (field == 9) { r.deadline = uint64(bound(uint256(value), block.timestamp, r.deadline - 1)); }
        if (field == 10) {
            vm.prank(admin);
            uint32 other = registry.registerModel(_registration(keccak256(abi.encode("w", value))));
            r.lineage.modelId = other;
        }
        if (field == 11) { vm.assume(value != r.lineage.tileHash); r.lineage.tileHash = value; }
        (bool ok, bytes memory ret) = address(cert).call(abi.encodeCall(cert.mint, (r)));
        assertFalse(ok, "altered request must not mint");
        assertEq(bytes4(ret), IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, "recovers a non-attester");
    }

    /// @dev Only keys holding ATTESTER_ROLE can authorise a mint.
    function testFuzz_mint_wrongSigner_reverts(uint256 key) public {
        key = bound(key, 1, 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364140);
        vm.assume(key != ATTESTER_KEY);
        MintRequest memory r = _signed(_request(key), key);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, vm.addr(key))
        );
        cert.mint(r);
    }

    /// @dev A used attestation cannot be replayed: not on this contract (content already certified),
    /// not on another deployment, not on another chain (the EIP-712 domain differs).
    function testFuzz_mint_replay_reverts(uint256 salt, uint64 otherChain) public {
        (, MintRequest memory r) = _mintSigned(salt);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateDuplicateContent.selector, r.lineage.contentDigest)
        );
        cert.mint(r);

        MotifCertificate twin = _newCertificate(admin, registry);
        bytes32 role = twin.ATTESTER_ROLE();
        vm.prank(admin);
        twin.grantRole(role, attester);
        (bool ok, bytes memory ret) = address(twin).call(abi.encodeCall(twin.mint, (r)));
        assertFalse(ok, "replay on another contract");
        assertEq(bytes4(ret), IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, "other contract");

        vm.assume(otherChain != block.chainid && otherChain != 0);
        MintRequest memory fresh = _signed(_request(uint256(keccak256(abi.encode(salt)))), ATTESTER_KEY);
        vm.chainId(otherChain);
        (ok, ret) = address(cert).call(abi.encodeCall(cert.mint, (fresh)));
        assertFalse(ok, "replay on another chain");
        assertEq(bytes4(ret), IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, "other chain");
    }

    /// @dev The same content digest is certified once, whatever else differs.
    function testFuzz_mint_duplicateContent_reverts(bytes32 content, uint256 saltA, uint256 saltB) public {
        vm.assume(content != 0 && saltA != saltB);
        MintRequest memory a = _request(saltA);
        MintRequest memory b = _request(saltB);
        a.lineage.contentDigest = content;
        b.lineage.contentDigest = content;
        b.to = bob;
        vm.startPrank(attester);
        cert.mint(a);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateDuplicateContent.selector, content));
        cert.mint(b);
        vm.stopPrank();
        assertEq(cert.ownerOf(uint256(content)), alice, "first mint stands");
    }

    function testFuzz_mint_royaltyCap(uint16 bps, uint96 price) public {
        MintRequest memory r = _request(uint256(bps) + 1000);
        r.royaltyBps = bps;
        if (bps > cert.MAX_ROYALTY_BPS()) {
            vm.expectRevert(
                abi.encodeWithSelector(IMotifCertificate.MotifCertificateRoyaltyTooHigh.selector, bps, 1000)
            );
        }
        vm.prank(attester);
        uint256 tokenId = cert.mint(r);
        if (bps <= 1000) {
            (address receiver, uint256 amount) = cert.royaltyInfo(tokenId, price);
            assertEq(receiver, creator, "receiver");
            assertEq(amount, uint256(price) * bps / 10_000, "amount");
            assertTrue(amount <= uint256(price) / 10, "never above 10%");
        }
    }

    // --- mintBatch -----------------------------------------------------------------------------

    function test_mintBatch_mintsAll() public {
        MintRequest[] memory rs = new MintRequest[](3);
        for (uint256 i; i < 3; ++i) rs[i] = _signed(_request(100 + i), ATTESTER_KEY);
        rs[1].to = bob;
        rs[1] = _signed(rs[1], ATTESTER_KEY);
        uint256[] memory ids = cert.mintBatch(rs);
        assertEq(ids.length, 3, "three ids");
        for (uint256 i; i < 3; ++i) assertEq(ids[i], uint256(rs[i].lineage.contentDigest), "id order");
        assertEq(cert.ownerOf(ids[1]), bob, "per-request recipient");
        assertEq(cert.balanceOf(alice), 2, "alice balance");
    }

    function test_mintBatch_oneBadRequest_revertsAll() public {
        MintRequest[] memory rs = new MintRequest[](2);
        rs[0] = _signed(_request(200), ATTESTER_KEY);
        rs[1] = _signed(_request(201), OTHER_KEY);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, vm.addr(OTHER_KEY))
        );
        cert.mintBatch(rs);
        assertEq(cert.balanceOf(alice), 0, "nothing minted");
    }

    function test_mintBatch_duplicateInsideBatch_reverts() public {
        MintRequest[] memory rs = new MintRequest[](2);
        rs[0] = _request(300);
        rs[1] = _request(300);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateDuplicateContent.selector, rs[0].lineage.contentDigest
            )
        );
        vm.prank(attester);
        cert.mintBatch(rs);
    }

    function test_mintBatch_empty_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateInvalidBatchLength.selector, 0, 100));
        cert.mintBatch(new MintRequest[](0));
    }

    function test_mintBatch_tooLong_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateInvalidBatchLength.selector, 101, 100)
        );
        cert.mintBatch(new MintRequest[](101));
    }

    function test_mintBatch_whilePaused_reverts() public {
        vm.prank(admin);
        cert.pause();
        MintRequest[] memory rs = new MintRequest[](1);
        rs[0] = _signed(_request(400), ATTESTER_KEY);
        vm.expectRevert(abi.encodeWithSelector(Pausable.EnforcedPause.selector));
        cert.mintBatch(rs);
    }

    // --- pause ---------------------------------------------------------------------------------

    function test_pause_notPauser_reverts() public {
        bytes32 role = cert.PAUSER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        vm.prank(bob);
        cert.pause();
    }

    function test_unpause_notPauser_reverts() public {
        vm.prank(admin);
        cert.pause();
        bytes32 role = cert.PAUSER_ROLE();
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        vm.prank(bob);
        cert.unpause();
    }

    // --- logEdit -------------------------------------------------------------------------------

    function test_logEdit_chainsHeads() public {
        (uint256 tokenId,) = _mintSigned(500);
        bytes32 step1 = keccak256("recolour indigo -> madder");
        bytes32 step2 = keccak256("crop to 64cm repeat");
        bytes32 head1 = keccak256(abi.encodePacked(bytes32(0), step1));
        bytes32 head2 = keccak256(abi.encodePacked(head1, step2));

        vm.expectEmit(true, true, false, true, address(cert));
        emit IMotifCertificate.EditLogged(tokenId, alice, step1, head1);
        vm.prank(alice);
        assertEq(cert.logEdit(tokenId, step1, bytes32(0), 0), head1, "head 1");
        vm.prank(alice);
        assertEq(cert.logEdit(tokenId, step2, bytes32(0), 0), head2, "head 2");
        assertEq(cert.editHead(tokenId), head2, "stored head");
        assertEq(cert.certificate(tokenId).editHead, head2, "view head");
    }

    function test_logEdit_updatesMetadata() public {
        (uint256 tokenId,) = _mintSigned(501);
        bytes32 newMeta = keccak256("metadata with edit log");
        vm.expectEmit(false, false, false, true, address(cert));
        emit IERC4906.MetadataUpdate(tokenId);
        vm.prank(alice);
        cert.logEdit(tokenId, keccak256("step"), newMeta, CidV1.DAG_CBOR);
        CertificateView memory v = cert.certificate(tokenId);
        assertEq(v.metadataDigest, newMeta, "digest updated");
        assertEq(v.metadataCodec, CidV1.DAG_CBOR, "codec updated");
        assertEq(v.royaltyBps, 500, "royalty kept");
        assertEq(v.modelId, modelId, "model kept");
        assertEq(v.creator, creator, "creator kept");
    }

    function test_logEdit_byApprovedOperator() public {
        (uint256 tokenId,) = _mintSigned(502);
        vm.prank(alice);
        cert.setApprovalForAll(bob, true);
        vm.prank(bob);
        cert.logEdit(tokenId, keccak256("step"), bytes32(0), 0);
    }

    function test_logEdit_notOwner_reverts() public {
        (uint256 tokenId,) = _mintSigned(503);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, tokenId, bob)
        );
        vm.prank(bob);
        cert.logEdit(tokenId, keccak256("step"), bytes32(0), 0);
    }

    function test_logEdit_zeroStep_reverts() public {
        (uint256 tokenId,) = _mintSigned(504);
        _expectZeroField("stepDigest");
        vm.prank(alice);
        cert.logEdit(tokenId, bytes32(0), bytes32(0), 0);
    }

    function test_logEdit_unsupportedCodec_reverts() public {
        (uint256 tokenId,) = _mintSigned(505);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnsupportedCodec.selector, 7));
        vm.prank(alice);
        cert.logEdit(tokenId, keccak256("step"), keccak256("m"), 7);
    }

    function test_logEdit_nonexistent_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 77));
        cert.logEdit(77, keccak256("step"), bytes32(0), 0);
    }

    // --- royalty -------------------------------------------------------------------------------

    function test_setRoyalty_creatorLowers() public {
        (uint256 tokenId,) = _mintSigned(600);
        vm.expectEmit(true, false, false, true, address(cert));
        emit IMotifCertificate.RoyaltyUpdated(tokenId, 500, 250);
        vm.prank(creator);
        cert.setRoyalty(tokenId, 250);
        (, uint256 amount) = cert.royaltyInfo(tokenId, 1 ether);
        assertEq(amount, 0.025 ether, "2.5%");
        assertEq(cert.certificate(tokenId).metadataDigest, _lineage(600).metadataDigest, "metadata kept");
    }

    function test_setRoyalty_increase_reverts() public {
        (uint256 tokenId,) = _mintSigned(601);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateRoyaltyIncrease.selector, tokenId, 500, 501)
        );
        vm.prank(creator);
        cert.setRoyalty(tokenId, 501);
    }

    function test_setRoyalty_notCreator_reverts() public {
        (uint256 tokenId,) = _mintSigned(602);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotCreator.selector, tokenId, alice));
        vm.prank(alice); // the owner is not the creator
        cert.setRoyalty(tokenId, 1);
    }

    function test_setRoyalty_nonexistent_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 5));
        vm.prank(creator);
        cert.setRoyalty(5, 1);
    }

    function testFuzz_setRoyalty_neverIncreases(uint16 bps) public {
        (uint256 tokenId,) = _mintSigned(603);
        if (bps > 500) {
            vm.expectRevert(
                abi.encodeWithSelector(IMotifCertificate.MotifCertificateRoyaltyIncrease.selector, tokenId, 500, bps)
            );
        }
        vm.prank(creator);
        cert.setRoyalty(tokenId, bps);
        assertTrue(cert.certificate(tokenId).royaltyBps <= 500, "never raised");
    }

    // --- views ---------------------------------------------------------------------------------

    function test_royaltyInfo_nonexistent_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 1));
        cert.royaltyInfo(1, 100);
    }

    function test_certificate_nonexistent_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 2));
        cert.certificate(2);
    }

    function test_tokenURI_nonexistent_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 3));
        cert.tokenURI(3);
    }

    function test_modelOf_creatorOf_editHead_nonexistent_revert() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 4));
        cert.modelOf(4);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 4));
        cert.creatorOf(4);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 4));
        cert.editHead(4);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 4));
        cert.metadataCid(4);
    }

    function test_tokenURI_rendersKnownCid() public {
        // Vector computed with multiformats: CIDv1(raw, sha2-256(empty string)).
        MintRequest memory r = _request(700);
        r.lineage.metadataDigest = 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855;
        vm.prank(attester);
        uint256 tokenId = cert.mint(r);
        assertEq(
            cert.tokenURI(tokenId),
            "ipfs://bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
            "raw CID of the empty string"
        );
    }

    function test_matchesLineage_rejectsEachChangedStoredField() public {
        (, MintRequest memory r) = _mintSigned(800);
        Lineage memory l = r.lineage;
        assertTrue(cert.matchesLineage(l), "original");
        l.metadataDigest = keccak256("other");
        assertFalse(cert.matchesLineage(l), "metadata digest");
        l = r.lineage;
        l.metadataCodec = CidV1.DAG_PB;
        assertFalse(cert.matchesLineage(l), "codec");
        l = r.lineage;
        l.modelId = 2;
        assertFalse(cert.matchesLineage(l), "model");
        l = r.lineage;
        l.creator = bob;
        assertFalse(cert.matchesLineage(l), "creator");
        l = r.lineage;
        l.contentDigest = keccak256("never minted");
        assertFalse(cert.matchesLineage(l), "unknown token");
    }

    function test_attestationDigest_matchesIndependentHash() public view {
        MintRequest memory r = _request(900);
        assertEq(cert.attestationDigest(r), _digest(r, address(cert)), "EIP-712 digest");
    }

    function test_supportsInterface() public view {
        assertTrue(cert.supportsInterface(0x01ffc9a7), "ERC165");
        assertTrue(cert.supportsInterface(0x80ac58cd), "ERC721");
        assertTrue(cert.supportsInterface(0x5b5e139f), "ERC721Metadata");
        assertTrue(cert.supportsInterface(0x2a55205a), "ERC2981");
        assertTrue(cert.supportsInterface(0x49064906), "ERC4906");
        assertTrue(cert.supportsInterface(type(IAccessControl).interfaceId), "AccessControl");
        assertFalse(cert.supportsInterface(0xffffffff), "not 0xffffffff");
    }

    // --- ERC-721 surface -----------------------------------------------------------------------

    function test_transferFrom_movesCertificateKeepingLineage() public {
        (uint256 tokenId,) = _mintSigned(1000);
        vm.prank(alice);
        cert.transferFrom(alice, bob, tokenId);
        CertificateView memory v = cert.certificate(tokenId);
        assertEq(v.owner, bob, "new owner");
        assertEq(v.creator, creator, "creator kept");
        assertEq(v.modelId, modelId, "model kept");
        assertEq(v.royaltyBps, 500, "royalty kept");
    }

    function test_transferFrom_withValue_reverts() public {
        (uint256 tokenId,) = _mintSigned(1001);
        vm.deal(alice, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        vm.prank(alice);
        cert.transferFrom{value: 1}(alice, bob, tokenId);
    }

    function test_approve_withValue_reverts() public {
        (uint256 tokenId,) = _mintSigned(1002);
        vm.deal(alice, 1 ether);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 2));
        vm.prank(alice);
        cert.approve{value: 2}(bob, tokenId);
    }

    function test_approve_thenTransferByApproved() public {
        (uint256 tokenId,) = _mintSigned(1003);
        vm.prank(alice);
        cert.approve(bob, tokenId);
        assertEq(cert.getApproved(tokenId), bob, "approved");
        vm.prank(bob);
        cert.safeTransferFrom(alice, bob, tokenId);
        assertEq(cert.ownerOf(tokenId), bob, "moved");
    }

    function test_transferFrom_byStranger_reverts() public {
        (uint256 tokenId,) = _mintSigned(1004);
        vm.expectRevert(abi.encodeWithSelector(ERC721.NotOwnerNorApproved.selector));
        vm.prank(bob);
        cert.transferFrom(alice, bob, tokenId);
    }

    function test_ownerOf_nonexistent_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(ERC721.TokenDoesNotExist.selector));
        cert.ownerOf(123);
    }

    // --- helpers -------------------------------------------------------------------------------

    function _expectZeroField(string memory field) private {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateZeroField.selector, field));
    }

    function _word(bytes memory b, uint256 offset) private pure returns (uint256 w) {
        assembly {
            w := mload(add(add(b, 32), offset))
        }
    }
}
