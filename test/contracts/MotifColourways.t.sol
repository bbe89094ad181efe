// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {ProductClassMask} from "../../contracts/libraries/ProductClassMask.sol";
import {CertificateKind, MintRequest} from "../../contracts/types/Lineage.sol";
import {LicenseFlags, LicenseTerms, Offer} from "../../contracts/types/License.sol";
import {Vm} from "./utils/Vm.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Colourways (issue 20 §1): a design recoloured, minted as a certificate linked to its
/// design. Each test tries to break a promise: `mintColourway` refuses every bad link with its error
/// and values; a design's licence covers its colourways only with `ALL_COLOURWAYS`; a colourway's
/// licence covers nothing else; exclusivity is one book per family, kept right by grants, renewals,
/// revocations and transfers. The fuzz test holds the family book to a rule written here in words.
contract MotifColourwaysTest is LicensingFixture {
    uint64 internal constant LINEN = uint64(1) << (24 - 1);
    uint64 internal constant CLOTHING_BIT = uint64(1) << (25 - 1);

    address internal eve = address(0xE7E);
    uint256 internal design;
    uint256 internal blue;
    uint256 internal red;

    function setUp() public override {
        super.setUp();
        design = tokenId; // minted to the licensor by the fixture
        vm.prank(licensor); // the studio lets its generator add colourways to its designs
        cert.setApprovalForAll(attester, true);
        blue = _mintColourway(design, 1001);
        red = _mintColourway(design, 1002);
    }

    // --- minting ---------------------------------------------------------------------------------

    function test_mintColourway_linksToDesignAndEmitsAfterMint() public {
        MintRequest memory r = _request(77);
        r.to = licensor;
        vm.recordLogs();
        vm.prank(attester);
        uint256 id = cert.mintColourway(r, design);
        assertEq(id, uint256(r.lineage.contentDigest), "token id = content digest");
        assertEq(cert.designOf(id), design, "designOf");
        assertEq(cert.ownerOf(id), licensor, "born to the design's owner");
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 minted = IMotifCertificate.CertificateMinted.selector;
        bytes32 colourway = IMotifCertificate.ColourwayMinted.selector;
        uint256 mintedAt = type(uint256).max;
        uint256 colourwayAt = type(uint256).max;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == minted) mintedAt = i;
            if (logs[i].topics[0] == colourway) {
                colourwayAt = i;
                assertEq(logs[i].topics[1], bytes32(design), "event design");
                assertEq(logs[i].topics[2], bytes32(id), "event token");
            }
        }
        assertTrue(mintedAt < colourwayAt && colourwayAt != type(uint256).max, "ColourwayMinted after CertificateMinted");
    }

    function test_designOf_zeroForDesignsPlainPatternsAndUnknownIds() public {
        uint256 plain = _mintTo(licensor, 555);
        assertEq(cert.designOf(design), 0, "design");
        assertEq(cert.designOf(plain), 0, "plain pattern");
        assertEq(cert.designOf(12345), 0, "never minted");
        assertEq(cert.designOf(blue), design, "colourway");
    }

    function test_mintColourway_signedBySender_ownerOrApprovedOnly() public {
        MintRequest memory r = _signedColourway(_withTo(_request(90), licensor), ATTESTER_KEY, design);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, design, bob));
        cert.mintColourway(r, design);

        vm.prank(licensor);
        uint256 id = cert.mintColourway(r, design);
        assertEq(cert.designOf(id), design, "the owner links a signed colourway");

        vm.prank(licensor);
        cert.approve(bob, design);
        MintRequest memory r2 = _signedColourway(_withTo(_request(91), licensor), ATTESTER_KEY, design);
        vm.prank(bob);
        assertEq(cert.designOf(cert.mintColourway(r2, design)), design, "an approved account links it");
    }

    /// Audit 29 F1 and 29b F1-F3 (fixed): a colourway joins a design only from its owner or an account
    /// it approved, signed request or not: an attester's unsigned request joins no design it does not
    /// own or hold an approval for, not even one its creator still holds (the role is every studio's);
    /// the owner sends the generator's signed attestation instead.
    function test_mintColourway_unsignedByAttester_onlyAsOwnerOrApproved() public {
        uint256 own = _mintTo(creator, 570); // the studio (the lineage's creator) holds its design
        MintRequest memory r = _withTo(_request(571), creator);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, own, attester));
        cert.mintColourway(r, own);
        vm.prank(creator);
        assertEq(cert.designOf(cert.mintColourway(_signedColourway(r, ATTESTER_KEY, own), own)), own, "the studio sends its generator's attestation");
        vm.prank(creator);
        cert.transferFrom(creator, bob, own); // sold to a collector, with its colourway
        MintRequest memory later = _withTo(_request(572), bob);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, own, attester));
        cert.mintColourway(later, own);
        vm.prank(bob);
        cert.approve(attester, own);
        vm.prank(attester);
        assertEq(cert.designOf(cert.mintColourway(later, own)), own, "with the collector's approval");
        // a generator that owns its design (the stack's default: generator = creator = owner) adds unsigned
        MintRequest memory mine = _request(573);
        mine.to = attester;
        vm.prank(attester);
        uint256 held = cert.mint(mine);
        MintRequest memory cw = _withTo(_request(574), attester);
        vm.prank(attester);
        assertEq(cert.designOf(cert.mintColourway(cw, held)), held, "the owner-attester sends its own");
    }

    /// Audit 28 F1 (fixed): a colourway's attestation names its design (`ColourwayAttestation`): it
    /// mints as no plain pattern (which would dodge the family's exclusivity) and links to no other
    /// design; a plain pattern's attestation links to no design.
    function test_mintColourway_attestationBindsTheDesign() public {
        uint256 other = _mintTo(licensor, 560);
        MintRequest memory r = _signedColourway(_withTo(_request(92), licensor), ATTESTER_KEY, design);
        // as a plain mint: the signature recovers another account than the attester
        vm.prank(bob);
        vm.expectPartialRevert(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector);
        cert.mint(r);
        // as a colourway of another design of the same owner
        vm.prank(licensor);
        vm.expectPartialRevert(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector);
        cert.mintColourway(r, other);
        // a plain pattern's attestation as a colourway
        MintRequest memory plain = _signed(_withTo(_request(93), licensor), ATTESTER_KEY);
        vm.prank(licensor);
        vm.expectPartialRevert(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector);
        cert.mintColourway(plain, design);
        // as signed: linked to its design
        vm.prank(licensor);
        assertEq(cert.designOf(cert.mintColourway(r, design)), design, "linked to the design it names");
    }

    function test_mintColourway_unknownDesign_reverts() public {
        _expectColourwayRevert(
            _withTo(_request(80), licensor), 999, abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnknownDesign.selector, 999)
        );
    }

    function test_mintColourway_recipeOrDatasetDesign_reverts() public {
        uint256 recipeId = _mintRecipe(licensor, 1, 0);
        _expectColourwayRevert(
            _withTo(_request(81), licensor),
            recipeId,
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateDesignNotAPattern.selector, recipeId, CertificateKind.Recipe)
        );
        uint256 datasetId = _mintDataset(licensor, 2, 0);
        _expectColourwayRevert(
            _withTo(_request(82), licensor),
            datasetId,
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateDesignNotAPattern.selector, datasetId, CertificateKind.Dataset)
        );
    }

    function test_mintColourway_colourwayAsDesign_reverts() public {
        _expectColourwayRevert(
            _withTo(_request(83), licensor),
            blue,
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateDesignIsColourway.selector, blue, design)
        );
    }

    function test_mintColourway_otherModel_reverts() public {
        uint32 other = _register(_registration(keccak256("weights-2")));
        MintRequest memory r = _withTo(_request(84), licensor);
        r.lineage.modelId = other;
        _expectColourwayRevert(
            r, design, abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayModelMismatch.selector, design, modelId, other)
        );
    }

    function test_mintColourway_otherCreator_reverts() public {
        MintRequest memory r = _withTo(_request(85), licensor);
        r.lineage.creator = carol;
        _expectColourwayRevert(
            r, design, abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayCreatorMismatch.selector, design, creator, carol)
        );
    }

    function test_mintColourway_toOtherThanDesignOwner_reverts() public {
        _expectColourwayRevert(
            _withTo(_request(86), bob),
            design,
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, design, licensor, bob)
        );
    }

    function test_mintColourway_sameChecksAsMint() public {
        MintRequest memory r = _withTo(_request(1001), licensor); // blue's content: a duplicate
        _expectColourwayRevert(
            r, design, abi.encodeWithSelector(IMotifCertificate.MotifCertificateDuplicateContent.selector, r.lineage.contentDigest)
        );
        vm.prank(bob); // neither attester nor signed
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, bob));
        cert.mintColourway(_withTo(_request(87), licensor), design);
        vm.prank(admin);
        cert.pause();
        vm.prank(attester);
        vm.expectRevert(bytes4(keccak256("EnforcedPause()")));
        cert.mintColourway(_withTo(_request(88), licensor), design);
    }

    // --- one owner per family (audit 28 F2/F3) ----------------------------------------------------

    function test_transferFrom_colourwayAlone_reverts() public {
        bytes memory err =
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayMovesWithItsDesign.selector, blue, design);
        vm.startPrank(licensor);
        vm.expectRevert(err);
        cert.transferFrom(licensor, bob, blue);
        vm.expectRevert(err);
        cert.safeTransferFrom(licensor, bob, blue);
        vm.expectRevert(err);
        cert.safeTransferFrom(licensor, bob, blue, "");
        cert.setApprovalForAll(carol, true);
        cert.approve(carol, red);
        vm.stopPrank();
        vm.prank(carol); // an operator and an account approved for the colourway alike
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayMovesWithItsDesign.selector, red, design)
        );
        cert.transferFrom(licensor, carol, red);
        assertEq(cert.ownerOf(blue), licensor, "blue stays");
        assertEq(cert.ownerOf(red), licensor, "red stays");
    }

    function test_transferFrom_designCarriesItsColourways() public {
        uint256 before = cert.balanceOf(licensor);
        vm.prank(licensor);
        cert.approve(carol, blue); // an approval of a colourway is cleared when the family moves
        vm.recordLogs();
        vm.prank(licensor);
        cert.transferFrom(licensor, bob, design);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256[3] memory moved = [design, blue, red];
        uint256 seen;
        bytes32 transferTopic = keccak256("Transfer(address,address,uint256)");
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] != transferTopic) continue;
            assertEq(logs[i].topics[1], bytes32(uint256(uint160(licensor))), "from");
            assertEq(logs[i].topics[2], bytes32(uint256(uint160(bob))), "to");
            assertEq(logs[i].topics[3], bytes32(moved[seen]), "design first, then its colourways in mint order");
            ++seen;
        }
        assertEq(seen, 3, "one Transfer event per family member");
        for (uint256 i; i < 3; ++i) {
            assertEq(cert.ownerOf(moved[i]), bob, "the family moved");
        }
        assertEq(cert.balanceOf(licensor), before - 3, "seller's balance");
        assertEq(cert.balanceOf(bob), 3, "buyer's balance");
        assertEq(cert.getApproved(blue), address(0), "colourway approval cleared");
        assertEq(cert.designOf(blue), design, "still in its family");
    }

    function test_safeTransferFrom_designByOperator_receiverAskedOnceFamilyMoves() public {
        FamilyReceiver receiver = new FamilyReceiver();
        vm.prank(licensor);
        cert.setApprovalForAll(carol, true);
        vm.prank(carol);
        cert.safeTransferFrom(licensor, address(receiver), design, "family");
        assertEq(receiver.calls(), 1, "onERC721Received asked for the design only");
        assertEq(receiver.lastId(), design, "about the design");
        assertEq(cert.ownerOf(blue), address(receiver), "blue followed");
        assertEq(cert.ownerOf(red), address(receiver), "red followed");
    }

    function test_transferFrom_designByStranger_movesNothing() public {
        vm.prank(bob);
        vm.expectRevert(bytes4(keccak256("NotOwnerNorApproved()")));
        cert.transferFrom(licensor, bob, design);
        assertEq(cert.ownerOf(blue), licensor, "colourway unmoved");
    }

    function test_transferFrom_plainPatternUnchanged() public {
        uint256 plain = _mintTo(licensor, 556);
        vm.prank(licensor);
        cert.transferFrom(licensor, bob, plain);
        assertEq(cert.ownerOf(plain), bob, "plain pattern sold alone");
        assertEq(cert.ownerOf(design), licensor, "unrelated design unmoved");
    }

    /// Audit 28 F2 (fixed): nobody can hold a colourway apart from its design, so nobody but the
    /// family's owner books the family's exclusivity; the owner's design stays licensable.
    function test_audit28F2_noColourwayBuyerFreezesTheDesignsLicensing() public {
        vm.prank(licensor);
        vm.expectPartialRevert(IMotifCertificate.MotifCertificateColourwayMovesWithItsDesign.selector);
        cert.transferFrom(licensor, eve, blue);
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.COMMERCIAL, 1 ether)), bob, 1 ether);
        (bool ok,) = licensing.isLicensed(design, bob, FR, uint48(block.timestamp));
        assertTrue(ok && id != 0, "the design licensed");
    }

    /// Audit 28 F3 (fixed): after the design is sold, an all-colourways licence of it covers colourways
    /// its seller no longer holds only because they moved with it: whoever licenses them owns them and
    /// is paid for them.
    function test_audit28F3_allColourwaysLicencePaysTheColourwaysOwner() public {
        vm.prank(licensor);
        cert.transferFrom(licensor, eve, design);
        Offer memory o = _offer(_mask(FR), LicenseFlags.ALL_COLOURWAYS, 1 ether);
        vm.prank(eve);
        uint256 offerId = licensing.publishOffer(o);
        vm.prank(licensor);
        vm.expectRevert(); // the seller owns nothing of the family now
        licensing.publishOffer(o);
        uint256 id = _accept(offerId, bob, 1 ether);
        (bool ok, uint256 got) = licensing.isLicensed(blue, bob, FR, uint48(block.timestamp));
        assertTrue(ok && got == id, "covered");
        assertEq(cert.ownerOf(blue), eve, "its owner is the licensor");
        assertTrue(licensing.pending(design, address(0)) > 0, "and the family's owner is paid");
    }

    function test_mintColourway_afterDesignSold_bornToItsNewOwner() public {
        vm.prank(licensor);
        cert.transferFrom(licensor, bob, design);
        MintRequest memory r = _withTo(_request(94), licensor);
        vm.prank(attester);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, design, bob, licensor)
        );
        cert.mintColourway(r, design);
        assertEq(cert.ownerOf(_mintColourway(design, 95)), bob, "to the design's owner");
        uint256[] memory all = cert.colourwaysOf(design);
        assertEq(all.length, 3, "three colourways");
        assertEq(all[0], blue, "in mint order");
        assertEq(all[1], red, "in mint order");
    }

    function test_mintColourway_pastMaxColourways_reverts() public {
        uint256 max = cert.MAX_COLOURWAYS();
        for (uint256 i = 2; i < max; ++i) {
            _mintColourway(design, 2000 + i);
        }
        assertEq(cert.colourwaysOf(design).length, max, "full");
        MintRequest memory r = _withTo(_request(3000), licensor);
        vm.prank(attester);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateTooManyColourways.selector, design, max)
        );
        cert.mintColourway(r, design);
        // a full family still moves in one transaction, well inside a block
        vm.prank(licensor);
        uint256 gasBefore = gasleft();
        cert.transferFrom(licensor, bob, design);
        uint256 used = gasBefore - gasleft();
        assertTrue(used < 1_000_000, "a full family's transfer");
        assertEq(cert.balanceOf(bob), max + 1, "the whole family moved");
    }

    function test_colourwaysOf_emptyForPlainColourwayAndUnknown() public {
        assertEq(cert.colourwaysOf(_mintTo(licensor, 557)).length, 0, "plain pattern");
        assertEq(cert.colourwaysOf(blue).length, 0, "a colourway has none");
        assertEq(cert.colourwaysOf(424242).length, 0, "never minted");
    }

    /// Random sales of random family members, by owner or operator, plain or safe: the family always
    /// has one owner, and balances add up (the rule in words: a colourway never moves alone).
    function testFuzz_familyHasOneOwner(uint8[8] calldata picks, uint8[8] calldata toPicks, uint8[8] calldata ways)
        public
    {
        address[3] memory people = [bob, carol, eve];
        uint256[3] memory members = [design, blue, red];
        for (uint256 i; i < 8; ++i) {
            uint256 member = members[picks[i] % 3];
            address owner = cert.ownerOf(member);
            address to = people[toPicks[i] % 3];
            uint8 way = ways[i] % 3;
            vm.prank(owner);
            if (way == 0) {
                try cert.transferFrom(owner, to, member) {} catch {}
            } else if (way == 1) {
                try cert.safeTransferFrom(owner, to, member) {} catch {}
            } else {
                try cert.safeTransferFrom(owner, to, member, "x") {} catch {}
            }
            address familyOwner = cert.ownerOf(design);
            assertEq(cert.ownerOf(blue), familyOwner, "blue with its design");
            assertEq(cert.ownerOf(red), familyOwner, "red with its design");
            if (member == design && to != owner) assertEq(familyOwner, to, "a design sale moves it");
            if (member != design) assertEq(familyOwner, owner, "a colourway sale moves nothing");
        }
    }

    // --- coverage --------------------------------------------------------------------------------

    function test_isLicensed_colourway_viaAllColourwaysLicenceOfDesign() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.ALL_COLOURWAYS, 0)), bob, 0);
        uint48 now_ = uint48(block.timestamp);
        (bool ok, uint256 got) = licensing.isLicensed(blue, bob, FR, now_);
        assertTrue(ok, "colourway covered");
        assertEq(got, id, "the design's licence id");
        (ok, got) = licensing.isLicensed(red, bob, FR, TEXTILES, now_);
        assertTrue(ok && got == id, "in a class too");
        assertEq(licensing.requireLicensed(red, bob, FR, now_), id, "requireLicensed");
        (ok,) = licensing.isLicensed(blue, bob, DE, now_);
        assertFalse(ok, "outside the licence's regions");
        (ok,) = licensing.isLicensed(blue, carol, FR, now_);
        assertFalse(ok, "another licensee");
        (ok,) = licensing.isLicensed(blue, bob, FR, now_ + 91 days);
        assertFalse(ok, "after the window");
    }

    function test_isLicensed_colourway_designOnlyLicence_no() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        (bool ok,) = licensing.isLicensed(blue, bob, FR, uint48(block.timestamp));
        assertFalse(ok, "a design-only licence does not cover a colourway");
        (ok,) = licensing.isLicensed(design, bob, FR, uint48(block.timestamp));
        assertTrue(ok, "it covers the design");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotForColourways.selector, id, blue));
        licensing.requireLicensed(blue, bob, FR, uint48(block.timestamp));
    }

    function test_isLicensed_colourwayLicence_coversNeitherDesignNorSibling() public {
        uint256 id = _accept(_publish(_offerFor(blue, _mask(FR), 0, 0)), bob, 0);
        (bool ok, uint256 got) = licensing.isLicensed(blue, bob, FR, uint48(block.timestamp));
        assertTrue(ok && got == id, "its own colourway");
        (ok,) = licensing.isLicensed(design, bob, FR, uint48(block.timestamp));
        assertFalse(ok, "not the design");
        (ok,) = licensing.isLicensed(red, bob, FR, uint48(block.timestamp));
        assertFalse(ok, "not the sibling");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotLicensed.selector, red, bob));
        licensing.requireLicensed(red, bob, FR, uint48(block.timestamp));
    }

    function test_isLicensed_unlicensedColourwayAndPlainToken_no() public view {
        (bool ok, uint256 id) = licensing.isLicensed(blue, bob, FR, uint48(block.timestamp));
        assertFalse(ok, "nobody licensed");
        assertEq(id, 0, "no id");
        (ok,) = licensing.isLicensed(12345, bob, FR, uint48(block.timestamp));
        assertFalse(ok, "an id never minted");
        (ok,) = licensing.isLicensed(blue, bob, 300, uint48(block.timestamp));
        assertFalse(ok, "a region past the table");
    }

    function test_isLicensed_ownLicenceAnswersFirst() public {
        uint256 family = _accept(_publish(_offer(_mask(FR), LicenseFlags.ALL_COLOURWAYS, 0)), bob, 0);
        uint256 own = _accept(_publish(_offerFor(blue, _mask(FR), 0, 0)), bob, 0);
        (, uint256 got) = licensing.isLicensed(blue, bob, FR, uint48(block.timestamp));
        assertEq(got, own, "the colourway's own licence");
        (, got) = licensing.isLicensed(red, bob, FR, uint48(block.timestamp));
        assertEq(got, family, "the sibling through the design");
    }

    function test_requireLicensed_colourway_mostTellingReason() public {
        // own licence in DE; the design's all-colourways licence in FR starts in 10 days
        uint256 own = _accept(_publish(_offerFor(blue, _mask(DE), 0, 0)), bob, 0);
        Offer memory later = _offer(_mask(FR), LicenseFlags.ALL_COLOURWAYS, 0);
        later.window = _absolute(block.timestamp + 10 days, block.timestamp + 20 days);
        uint256 family = _accept(_publish(later), bob, 0);
        uint48 now_ = uint48(block.timestamp);
        // FR: the design's licence covers the region (not yet valid) beats the own one's region
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingNotYetValid.selector, family, uint40(block.timestamp + 10 days), now_)
        );
        licensing.requireLicensed(blue, bob, FR, now_);
        // ES: nobody covers the region: the own licence's reason comes first
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingRegionNotAllowed.selector, own, ES));
        licensing.requireLicensed(blue, bob, ES, now_);
        assertEq(licensing.requireLicensed(blue, bob, DE, now_), own, "DE by its own licence");
        uint48 started = now_ + 10 days; // (via-IR may reuse a TIMESTAMP read across vm.warp)
        vm.warp(started);
        assertEq(licensing.requireLicensed(blue, bob, FR, started), family, "FR once started");
    }

    function test_allColourwaysFlag_onColourwayTerms_reverts() public {
        Offer memory o = _offerFor(blue, _mask(FR), LicenseFlags.ALL_COLOURWAYS, 0);
        uint16 allowed = LicenseFlags.ALL & ~LicenseFlags.ALL_COLOURWAYS;
        vm.prank(licensor);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, LicenseFlags.ALL_COLOURWAYS, allowed)
        );
        licensing.publishOffer(o);
        bytes memory signature = _signOffer(o, LICENSOR_KEY);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifLicensing.MotifLicensingInvalidFlags.selector, LicenseFlags.ALL_COLOURWAYS, allowed)
        );
        licensing.acceptSignedOffer(o, signature, 0);
    }

    function test_getTerms_colourway_internalBitHidden() public {
        uint16 flags = LicenseFlags.COMMERCIAL | LicenseFlags.EXCLUSIVE;
        uint256 offerId = _publish(_offerFor(blue, _mask(FR), flags, 0));
        (Offer memory o,) = licensing.getOffer(offerId);
        assertEq(o.terms.flags, flags, "getOffer: the flags offered");
        LicenseTerms memory t = licensing.getTerms(1);
        assertEq(t.flags, flags, "getTerms: the flags offered");
        uint256 id = _accept(offerId, bob, 0);
        (bool ok, uint256 got) = licensing.licensedFor(blue, bob, LicenseFlags.COMMERCIAL, uint48(block.timestamp));
        assertTrue(ok && got == id, "licensedFor by the offered flags");
        (ok,) = licensing.licensedFor(blue, bob, uint16(1 << 15), uint48(block.timestamp));
        assertFalse(ok, "the internal bit is no flag to ask for");
    }

    // --- family exclusivity ----------------------------------------------------------------------

    function test_exclusive_allColourwaysOnDesign_blocksColourwayExclusive() public {
        uint256 designLicence =
            _accept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.ALL_COLOURWAYS, 0)), bob, 0);
        uint256 offerId = _publish(_offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                blue,
                designLicence,
                _mask(FR),
                uint64(ProductClassMask.ALL),
                uint40(block.timestamp),
                uint40(block.timestamp + 90 days)
            )
        );
        licensing.acceptOffer(offerId, 0);
    }

    function test_exclusive_designOnlyExclusive_blocksColourwayExclusiveToo() public {
        // the textile rule: an exclusive covers the design whichever colouring, flag or not
        _accept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        uint256 offerId = _publish(_offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExclusiveConflict.selector);
        licensing.acceptOffer(offerId, 0);
    }

    function test_exclusive_otherClassRegionOrWindow_granted() public {
        Offer memory d = _offer(_mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.ALL_COLOURWAYS, 0);
        d.terms.classes = LINEN;
        _accept(_publish(d), bob, 0);

        Offer memory otherClass = _offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        otherClass.terms.classes = CLOTHING_BIT;
        _accept(_publish(otherClass), carol, 0);

        Offer memory otherRegion = _offerFor(blue, _mask(DE), LicenseFlags.EXCLUSIVE, 0);
        otherRegion.terms.classes = LINEN;
        _accept(_publish(otherRegion), carol, 0);

        Offer memory later = _offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        later.terms.classes = LINEN;
        later.window = _absolute(block.timestamp + 90 days, block.timestamp + 120 days); // d ends at +90 days
        _accept(_publish(later), carol, 0);
    }

    function test_exclusive_siblingColourways_sameScope_reverts() public {
        uint256 blueLicence = _accept(_publish(_offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        uint256 offerId = _publish(_offerFor(red, _eu(), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                red,
                blueLicence,
                _mask(FR),
                uint64(ProductClassMask.ALL),
                uint40(block.timestamp),
                uint40(block.timestamp + 90 days)
            )
        );
        licensing.acceptOffer(offerId, 0);
        uint256 onDesign = _publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExclusiveConflict.selector);
        licensing.acceptOffer(onDesign, 0); // the design too
    }

    function test_exclusive_nonExclusiveOnColourway_blocksExclusiveOnDesign() public {
        _accept(_publish(_offerFor(blue, _mask(FR), 0, 0)), bob, 0);
        uint256 offerId = _publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingGrantConflict.selector);
        licensing.acceptOffer(offerId, 0);
        _accept(_publish(_offer(_mask(DE), LicenseFlags.EXCLUSIVE, 0)), carol, 0); // elsewhere: granted
    }

    function test_exclusive_signedOfferOnColourway_bookedInFamily() public {
        Offer memory o = _offerFor(blue, _mask(FR), 0, 0);
        bytes memory signature = _signOffer(o, LICENSOR_KEY);
        vm.prank(bob);
        licensing.acceptSignedOffer(o, signature, 0); // first use: stores the terms
        vm.prank(carol);
        licensing.acceptSignedOffer(o, signature, 0); // repeat: the bit kept with the signed offer's state
        uint256 offerId = _publish(_offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingGrantConflict.selector);
        licensing.acceptOffer(offerId, 0);
    }

    function test_revoke_colourwayExclusive_freesScopeForSibling() public {
        uint256 blueLicence =
            _accept(_publish(_offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.REVOCABLE_FOR_BREACH, 0)), bob, 0);
        uint256 offerId = _publish(_offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(carol);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExclusiveConflict.selector);
        licensing.acceptOffer(offerId, 0);
        vm.prank(admin);
        licensing.flagBreach(blueLicence, keccak256("evidence"));
        vm.prank(licensor);
        licensing.revoke(blueLicence);
        _accept(offerId, carol, 0); // the family book released it
    }

    function test_transfer_colourwayExclusive_renamedInFamilyBook() public {
        uint16 flags = LicenseFlags.EXCLUSIVE | LicenseFlags.REVOCABLE_FOR_BREACH | LicenseFlags.TRANSFERABLE;
        uint256 blueLicence = _accept(_publish(_offerFor(blue, _mask(FR), flags, 0)), bob, 0);
        uint256 moved = _transfer(blueLicence, bob, carol);
        uint256 offerId = _publish(_offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                red,
                moved,
                _mask(FR),
                uint64(ProductClassMask.ALL),
                uint40(block.timestamp),
                uint40(block.timestamp + 90 days)
            )
        );
        licensing.acceptOffer(offerId, 0);
        vm.prank(admin);
        licensing.flagBreach(moved, keccak256("evidence"));
        vm.prank(licensor);
        licensing.revoke(moved); // releases the renamed entry of the family book
        _accept(offerId, alice, 0);
    }

    function test_renew_colourwayExclusive_checkedAgainstSibling() public {
        Offer memory o = _offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        o.terms.renewalPrice = 1 ether;
        uint256 blueLicence = _accept(_publish(o), bob, 0);
        Offer memory next = _offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        next.window = _absolute(block.timestamp + 90 days, block.timestamp + 150 days);
        uint256 redLicence = _accept(_publish(next), carol, 0); // right after blue's window: granted
        vm.warp(block.timestamp + 30 days); // renewals open one period before the end
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingExclusiveConflict.selector,
                blue,
                redLicence,
                _mask(FR),
                uint64(ProductClassMask.ALL),
                uint40(block.timestamp + 60 days),
                uint40(block.timestamp + 120 days)
            )
        );
        licensing.renew{value: 1 ether}(blueLicence, 1 ether);
    }

    function test_renew_colourwayExclusive_extendsItsOwnEntry() public {
        Offer memory o = _offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        o.terms.renewalPrice = 1 ether;
        uint256 blueLicence = _accept(_publish(o), bob, 0);
        uint256 end = block.timestamp + 90 days;
        vm.warp(block.timestamp + 30 days);
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        licensing.renew{value: 1 ether}(blueLicence, 1 ether); // its own entry, in the family book
        Offer memory after_ = _offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        after_.window = _absolute(end, end + 10 days);
        uint256 offerId = _publish(after_);
        vm.prank(carol);
        vm.expectPartialRevert(IMotifLicensing.MotifLicensingExclusiveConflict.selector);
        licensing.acceptOffer(offerId, 0); // the renewed window now covers it
    }

    /// @dev Family exclusivity against the rule in words: grants on the design or any colourway (one
    /// class, regions FR / DE, day-aligned windows, non-exclusive grants starting now, where the
    /// book's summary is exact) are refused exactly when they share a region and a moment with an
    /// earlier grant of the family and one of the two is exclusive.
    function testFuzz_familyExclusivity_matchesOracle(uint256 seed) public {
        vm.warp(20_255 days); // a day boundary
        uint256[3] memory family = [design, blue, red];
        uint256 n = 6;
        uint256[] memory regions = new uint256[](n);
        uint256[] memory starts = new uint256[](n);
        uint256[] memory ends = new uint256[](n);
        bool[] memory exclusive = new bool[](n);
        bool[] memory granted = new bool[](n);
        for (uint256 i; i < n; ++i) {
            uint256 r = uint256(keccak256(abi.encode(seed, i)));
            exclusive[i] = r % 2 == 0;
            uint256 pick = (r >> 8) % 3;
            regions[i] = pick == 0 ? _mask(FR) : pick == 1 ? _mask(DE) : _mask(FR, DE);
            starts[i] = block.timestamp + (exclusive[i] ? ((r >> 16) % 4) * 1 days : 0);
            ends[i] = starts[i] + (1 + (r >> 24) % 4) * 1 days;
            bool conflict;
            for (uint256 j; j < i; ++j) {
                if (!granted[j] || !(exclusive[i] || exclusive[j])) continue;
                if (regions[i] & regions[j] != 0 && starts[i] < ends[j] && starts[j] < ends[i]) conflict = true;
            }
            uint256 token = family[(r >> 32) % 3];
            uint16 flags = (exclusive[i] ? LicenseFlags.EXCLUSIVE : 0)
                | (token == design && (r >> 40) % 2 == 0 ? LicenseFlags.ALL_COLOURWAYS : 0);
            Offer memory o = _offerFor(token, regions[i], flags, 0);
            o.terms.classes = LINEN;
            o.window = _absolute(starts[i], ends[i]);
            uint256 offerId = _publish(o);
            vm.prank(address(uint160(0xB000 + i)));
            try licensing.acceptOffer(offerId, 0) {
                granted[i] = true;
            } catch {}
            assertTrue(granted[i] != conflict, conflict ? "a conflicting grant went through" : "a free grant was refused");
        }
    }

    function _withTo(MintRequest memory r, address to) internal pure returns (MintRequest memory) {
        r.to = to;
        return r;
    }

    function _expectColourwayRevert(MintRequest memory r, uint256 designId, bytes memory reason) internal {
        vm.prank(attester);
        vm.expectRevert(reason);
        cert.mintColourway(r, designId);
    }
}

/// @dev A contract that accepts certificates and counts the receipts it is asked about.
contract FamilyReceiver {
    uint256 public calls;
    uint256 public lastId;

    function onERC721Received(address, address, uint256 id, bytes calldata) external returns (bytes4) {
        ++calls;
        lastId = id;
        return this.onERC721Received.selector;
    }
}
