// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {console} from "hardhat/console.sol";

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {CidV1} from "../../contracts/libraries/CidV1.sol";
import {CertificateView, MintRequest} from "../../contracts/types/Lineage.sol";
import {LicenseFlags, Offer} from "../../contracts/types/License.sol";
import {Vm} from "./utils/Vm.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Audit session 29 (contracts) of 5e4cbc8: a colourway family has one owner (a colourway is
/// not transferable on its own, a design's transfer carries its colourways, at most MAX_COLOURWAYS),
/// the family bit at bit 95 of the owner word's spare bits (the mint block cut to 32 bits), and
/// MotifLicensing / its linked libraries read against the new rule. `test_finding_*` FAIL on the
/// audited code; `test_held_*` are the attacks tried that the change withstood.
/// Notes (no failing test): measured cold, a full family costs 438.6k gas by plain transferFrom and
/// 541.3k by an operator's safeTransferFrom clearing 33 approvals (about 12.7k / 15.9k per colourway,
/// above the natspec's "about 10k"); a design's single-token approval or open listing conveys the
/// colourways minted after it (`test_held_designApprovalGivenBeforeColourwaysMovesThemToo`); each
/// colourway's unsettled revenue follows the design's sale, so a seller settles every member.
contract AuditSession29Test is LicensingFixture {
    /// Solady ERC721's `_ERC721_MASTER_SLOT_SEED`: the owner slot of `id` is written out here by hand.
    uint256 internal constant SOLADY_SEED = 0x7d8825530a5a2e7a << 192;
    bytes32 internal constant TRANSFER_TOPIC = keccak256("Transfer(address,address,uint256)");

    address internal eve = address(0xE7E);
    address internal dave = address(0xDA7E);
    uint256 internal design;
    uint256 internal blue;
    uint256 internal red;

    function setUp() public override {
        super.setUp();
        design = tokenId; // minted to the licensor by the fixture
        vm.prank(licensor); // the studio lets its generator add colourways (F1's fix asks its consent)
        cert.setApprovalForAll(attester, true);
        blue = _mintColourway(design, 2901);
        red = _mintColourway(design, 2902);
    }

    // ============================================================================================
    // Helpers
    // ============================================================================================

    function _withTo(MintRequest memory r, address to) internal pure returns (MintRequest memory) {
        r.to = to;
        return r;
    }

    /// @dev The raw owner slot of certificate `id` (Solady: owner address | 96 spare bits).
    function _ownerWord(uint256 id) internal view returns (uint256) {
        bytes32 slot;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            mstore(0x00, id)
            mstore(0x1c, SOLADY_SEED)
            slot := add(id, add(id, keccak256(0x00, 0x20)))
        }
        return uint256(vm.load(address(cert), slot));
    }

    function _familyBit(uint256 id) internal view returns (bool) {
        return _ownerWord(id) >> 255 == 1;
    }

    function _assertFamilyWith(address owner, string memory what) internal view {
        assertEq(cert.ownerOf(design), owner, what);
        uint256[] memory all = cert.colourwaysOf(design);
        for (uint256 i; i < all.length; ++i) {
            assertEq(cert.ownerOf(all[i]), owner, what);
        }
    }

    function _acceptSigned(Offer memory o, bytes memory sig, address buyer) internal returns (uint256 id) {
        vm.prank(buyer);
        id = licensing.acceptSignedOffer(o, sig, 0);
    }

    // ============================================================================================
    // Findings
    // ============================================================================================

    // FINDING F1 (low). Promised (2, with the one-owner rule): a family is its owner's, bounded at
    // MAX_COLOURWAYS so that "a full family still transfers within reasonable gas", and
    // `mintColourway`'s natspec: "nobody else can pull a pattern into a family". Observed: an attester
    // sending an UNSIGNED request skips `_checkDesign`'s owner/approval check (`attester !=
    // msg.sender` is false), so it can mint colourways into a family it does not own (the design's
    // collector, after the studio sold it) without the owner's consent. Before 5e4cbc8 such an
    // unsolicited colourway could be given away or sold; now it is welded to the design for good
    // (no transfer on its own, no burn), it eats the family's 32 places (the owner can never again
    // link a colourway of its own choosing) and it adds ~10k gas to every later sale of the design.
    // SECURITY.md's trust assumption for a leaked generator key ("existing certificates are safe")
    // no longer holds: the attester picks `lineage.creator`, so a leaked key can weld up to 32 junk
    // colourways onto EVERY existing design, and revoking its role undoes none of it.
    // Fix: require the design's owner (or an approved account / operator) as sender or as a
    // co-signer for every `mintColourway`, the unsigned attester path included (e.g. check
    // `_isApprovedOrOwner(msg.sender, designId)` unconditionally, and let the generator send the
    // owner's signed request), or give the owner a way to detach/burn a colourway it did not ask for.
    function test_finding_attesterFillsAFamilyItsOwnerDoesNotWant() public {
        vm.prank(licensor);
        cert.transferFrom(licensor, eve, design); // the studio sells the family to a collector
        uint256 max = cert.MAX_COLOURWAYS();
        uint256 pushed;
        for (uint256 i = 2; i < max; ++i) {
            MintRequest memory r = _withTo(_request(29_100 + i), eve);
            vm.prank(attester); // unsigned: the attester vouches; eve never asked, approved or signed
            try cert.mintColourway(r, design) {
                ++pushed;
            } catch {}
        }
        // the collector's own (signed, sent by her) colourway request no longer fits
        MintRequest memory mine = _signedColourway(_withTo(_request(29_200), eve), ATTESTER_KEY, design);
        vm.prank(eve);
        try cert.mintColourway(mine, design) {} catch {}
        assertEq(pushed, 0, "nobody but the family's owner (or its approved) adds colourways to it");
    }

    // ============================================================================================
    // Held: a colourway never moves on its own (promise 1)
    // ============================================================================================

    /// Held. Every ERC-721 path, every kind of caller, to self, to zero and with ETH: a colourway is
    /// refused on its own (ETH is refused first, as for any certificate).
    function test_held_colourwayRefusedOnEveryPathCallerAndRecipient() public {
        bytes memory err =
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayMovesWithItsDesign.selector, blue, design);
        vm.startPrank(licensor);
        cert.approve(carol, blue); // approved for the colourway
        cert.approve(dave, design); // approved for the design only
        cert.setApprovalForAll(bob, true); // operator
        vm.expectRevert(err);
        cert.transferFrom(licensor, licensor, blue); // to its own owner
        vm.expectRevert(err);
        cert.transferFrom(licensor, address(0), blue);
        vm.stopPrank();
        address[3] memory callers = [carol, dave, bob];
        for (uint256 i; i < 3; ++i) {
            vm.prank(callers[i]);
            vm.expectRevert(err);
            cert.transferFrom(licensor, callers[i], blue);
            vm.prank(callers[i]);
            vm.expectRevert(err);
            cert.safeTransferFrom(licensor, callers[i], blue);
            vm.prank(callers[i]);
            vm.expectRevert(err);
            cert.safeTransferFrom(licensor, callers[i], blue, "x");
        }
        vm.deal(licensor, 3);
        vm.startPrank(licensor);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        cert.transferFrom{value: 1}(licensor, bob, blue);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        cert.safeTransferFrom{value: 1}(licensor, bob, blue);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        cert.safeTransferFrom{value: 1}(licensor, bob, blue, "");
        vm.stopPrank();
        // a stranger's attempt says the colourway rule too (never moves anything)
        vm.prank(eve);
        vm.expectRevert(err);
        cert.transferFrom(licensor, eve, blue);
        _assertFamilyWith(licensor, "the family did not move");
    }

    /// Held. The design with ETH on each of its three paths, and to address(0): refused, nothing moves.
    function test_held_designWithEthOrToZeroMovesNothing() public {
        vm.deal(licensor, 3);
        vm.startPrank(licensor);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        cert.transferFrom{value: 1}(licensor, bob, design);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        cert.safeTransferFrom{value: 1}(licensor, bob, design);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnexpectedValue.selector, 1));
        cert.safeTransferFrom{value: 1}(licensor, bob, design, "x");
        vm.expectRevert(bytes4(keccak256("TransferToZeroAddress()")));
        cert.transferFrom(licensor, address(0), design);
        vm.stopPrank();
        assertEq(address(cert).balance, 0, "no ETH kept");
        _assertFamilyWith(licensor, "nothing moved");
        assertEq(cert.balanceOf(licensor), 3, "balance unchanged");
    }

    /// Held. The design sent to its own owner: one Transfer per member, balances unchanged, every
    /// approval (design and colourways) cleared, the family bit kept.
    function test_held_designToItsOwnOwner() public {
        vm.startPrank(licensor);
        cert.approve(carol, design);
        cert.approve(carol, blue);
        cert.approve(bob, red);
        vm.recordLogs();
        cert.transferFrom(licensor, licensor, design);
        vm.stopPrank();
        Vm.Log[] memory logs = vm.getRecordedLogs();
        uint256 transfers;
        for (uint256 i; i < logs.length; ++i) {
            if (logs[i].topics[0] == TRANSFER_TOPIC) ++transfers;
        }
        assertEq(transfers, 3, "a Transfer per member");
        assertEq(cert.balanceOf(licensor), 3, "balance unchanged");
        assertEq(cert.getApproved(design), address(0), "design approval cleared");
        assertEq(cert.getApproved(blue), address(0), "blue approval cleared");
        assertEq(cert.getApproved(red), address(0), "red approval cleared");
        assertTrue(_familyBit(design) && _familyBit(blue) && _familyBit(red), "family bits kept");
        _assertFamilyWith(licensor, "still the owner's");
    }

    /// Held. A receiver re-entering in `onERC721Received` of the design's safe transfer: it already
    /// owns the whole family (it cannot send a colourway alone), it links a colourway of its own (a
    /// signed request it sends as the new owner), and forwards the design: the family, the new
    /// colourway included, lands with the forward recipient; balances add up.
    function test_held_reentrantReceiverKeepsTheFamilyWhole() public {
        ReentrantFamilyReceiver receiver = new ReentrantFamilyReceiver(cert);
        MintRequest memory r = _signedColourway(_withTo(_request(29_300), address(receiver)), ATTESTER_KEY, design);
        vm.prank(licensor);
        cert.setApprovalForAll(carol, true);
        vm.prank(carol);
        cert.safeTransferFrom(licensor, address(receiver), design, abi.encode(r, blue, dave));
        assertEq(receiver.calls(), 1, "asked once, for the design");
        assertTrue(receiver.sawWholeFamily(), "inside the callback it owned every member");
        assertTrue(receiver.loneMoveRefused(), "a colourway alone refused inside the callback");
        assertEq(cert.colourwaysOf(design).length, 3, "the colourway linked inside the callback");
        _assertFamilyWith(dave, "forwarded whole");
        assertEq(cert.balanceOf(dave), 4, "dave holds design + 3 colourways");
        assertEq(cert.balanceOf(address(receiver)), 0, "the receiver holds nothing");
        assertEq(cert.balanceOf(licensor), 0, "the seller holds nothing");
    }

    /// Held. A design sent while a colourway mint for its old owner is pending (the mint lands after,
    /// in the same transaction or later): refused for the old owner, born to the new one.
    function test_held_colourwayMintRacingTheDesignsSale() public {
        MintRequest memory forOld = _signedColourway(_withTo(_request(29_400), licensor), ATTESTER_KEY, design);
        vm.prank(licensor);
        cert.transferFrom(licensor, bob, design);
        vm.prank(licensor);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, design, bob, licensor)
        );
        cert.mintColourway(forOld, design);
        vm.prank(attester);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, design, bob, licensor)
        );
        cert.mintColourway(_withTo(_request(29_401), licensor), design);
        uint256 green = _mintColourway(design, 29_402); // to the new owner
        assertEq(cert.ownerOf(green), bob, "born to the new owner");
        vm.prank(bob);
        cert.transferFrom(bob, eve, design);
        _assertFamilyWith(eve, "the colourway minted after the sale moves with the next one");
    }

    /// Held. The cap: a 33rd colourway is refused whoever asks (attester, owner's signed request).
    function test_held_capRefusesEveryPath() public {
        uint256 max = cert.MAX_COLOURWAYS();
        for (uint256 i = 2; i < max; ++i) _mintColourway(design, 29_500 + i);
        bytes memory err =
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateTooManyColourways.selector, design, max);
        vm.prank(attester);
        vm.expectRevert(err);
        cert.mintColourway(_withTo(_request(29_600), licensor), design);
        MintRequest memory signed = _signedColourway(_withTo(_request(29_601), licensor), ATTESTER_KEY, design);
        vm.prank(licensor);
        vm.expectRevert(err);
        cert.mintColourway(signed, design);
        assertEq(cert.colourwaysOf(design).length, max, "exactly the cap");
    }

    /// Fuzz. Random mints of colourways, sales of the design by owner / approved / operator over the
    /// three paths (to self too), sales of colourways, approvals of colourways: the family always has
    /// one owner, balances add up to the tokens minted, colourway approvals do not survive a move.
    function testFuzz_held_familyOneOwnerWithMintsInterleaved(uint256 seed) public {
        address[4] memory people = [licensor, bob, carol, eve];
        uint256 minted = 3; // design, blue, red
        for (uint256 step; step < 12; ++step) {
            uint256 r = uint256(keccak256(abi.encode(seed, step)));
            uint256 action = r % 5;
            address owner = cert.ownerOf(design);
            address to = people[(r >> 8) % 4];
            uint256[] memory all = cert.colourwaysOf(design);
            if (action == 0 && all.length < cert.MAX_COLOURWAYS()) {
                _mintColourway(design, 40_000 + step + (seed % 1000) * 100);
                ++minted;
            } else if (action == 1 || action == 2) {
                address caller = owner;
                uint256 how = (r >> 16) % 3;
                if (how == 1) {
                    vm.prank(owner);
                    cert.approve(dave, design);
                    caller = dave;
                } else if (how == 2) {
                    vm.prank(owner);
                    cert.setApprovalForAll(dave, true);
                    caller = dave;
                }
                vm.prank(caller);
                if (action == 1) cert.transferFrom(owner, to, design);
                else cert.safeTransferFrom(owner, to, design, "");
                assertEq(cert.ownerOf(design), to, "the design moved");
                for (uint256 i; i < all.length; ++i) {
                    assertEq(cert.getApproved(all[i]), address(0), "moved colourways keep no approval");
                }
            } else if (action == 3) {
                uint256 c = all[(r >> 24) % all.length];
                vm.prank(owner);
                try cert.safeTransferFrom(owner, to, c) {
                    revert("a colourway moved alone");
                } catch {}
            } else {
                uint256 c = all[(r >> 24) % all.length];
                vm.prank(owner);
                cert.approve(to, c);
                vm.prank(to);
                try cert.transferFrom(owner, to, c) {
                    revert("an approved account moved a colourway alone");
                } catch {}
            }
            _assertFamilyWith(cert.ownerOf(design), "one owner");
            uint256 sum;
            for (uint256 i; i < 4; ++i) {
                sum += cert.balanceOf(people[i]);
            }
            assertEq(sum + cert.balanceOf(dave), minted, "balances add up to the tokens minted");
        }
    }

    /// Held, as documented (integrators, note): an approval of the design, or an open marketplace
    /// order resting on it, given while the design had no colourways, moves the colourways minted
    /// afterwards too: a single-token approval now conveys the whole family.
    function test_held_designApprovalGivenBeforeColourwaysMovesThemToo() public {
        uint256 plain = _mintTo(licensor, 29_950);
        vm.prank(licensor);
        cert.approve(dave, plain); // e.g. a listing of a plain pattern
        uint256 green = _mintColourway(plain, 29_951);
        uint256 pink = _mintColourway(plain, 29_952);
        vm.prank(dave);
        cert.transferFrom(licensor, dave, plain);
        assertEq(cert.ownerOf(green), dave, "a colourway minted after the approval moved with it");
        assertEq(cert.ownerOf(pink), dave, "and the next one");
    }

    // ============================================================================================
    // Held: the owner word (promise 3): family bit at bit 255 of the slot, every other field intact
    // ============================================================================================

    /// Held. The first colourway sets bit 255 of the design's owner slot and nothing else; the second
    /// does not touch it again; a colourway's word is its mint word plus that bit; a plain pattern's
    /// word never has it, through setRoyalty and logEdit too.
    function test_held_familyBitIsBit255Only() public {
        uint256 plain = _mintTo(licensor, 29_700);
        uint256 plainWord = _ownerWord(plain);
        assertEq(plainWord >> 255, 0, "a plain pattern has no family bit");
        uint256 before = _ownerWord(plain);
        uint256 green = _mintColourway(plain, 29_701);
        assertEq(_ownerWord(plain), before | (uint256(1) << 255), "the design's word gains bit 255 only");
        uint256 afterFirst = _ownerWord(plain);
        _mintColourway(plain, 29_702);
        assertEq(_ownerWord(plain), afterFirst, "the second colourway leaves the design's word");
        assertTrue(_familyBit(green), "a colourway carries the bit");
        // a plain pattern through setRoyalty / logEdit stays plain, and transfers as before
        uint256 other = _mintTo(licensor, 29_703);
        vm.prank(creator);
        cert.setRoyalty(other, 0);
        vm.prank(licensor);
        cert.logEdit(other, keccak256("step"), keccak256("meta"), CidV1.JSON);
        assertEq(_ownerWord(other) >> 255, 0, "royalty and codec rewrites set no family bit");
        vm.prank(licensor);
        cert.transferFrom(licensor, bob, other);
        assertEq(cert.ownerOf(other), bob, "moves alone");
        assertEq(cert.ownerOf(plain), licensor, "nothing else moved");
    }

    /// Held (fuzz). At the last recordable block (offset 2^32 - 1, every mint-block bit set, right
    /// under the family bit) and anywhere before: a design and its colourway minted there read their
    /// mint block back; setRoyalty and logEdit on both keep every other field and the family bit; the
    /// design still carries its colourway and the colourway still refuses to move alone.
    function testFuzz_held_mintBlockAtItsLimitBesideTheFamilyBit(uint256 rollBy, uint16 newBps, uint8 codecPick)
        public
    {
        rollBy = bound(rollBy, (uint256(1) << 32) - 4, (uint256(1) << 32) - 1);
        uint256 at = cert.deployBlock() + rollBy;
        vm.roll(at);
        uint256 d = _mintTo(licensor, 29_800);
        uint256 c = _mintColourway(d, 29_801);
        CertificateView memory dv = cert.certificate(d);
        CertificateView memory cv = cert.certificate(c);
        assertEq(dv.mintBlock, at, "design's mint block");
        assertEq(cert.mintBlockOf(c), at, "colourway's mint block");
        uint16 bps = uint16(bound(newBps, 0, dv.royaltyBps));
        uint16[5] memory codecs = [CidV1.RAW, CidV1.DAG_PB, CidV1.DAG_CBOR, CidV1.DAG_JSON, CidV1.JSON];
        uint16 codec = codecs[codecPick % 5];
        uint256[2] memory ids = [d, c];
        for (uint256 i; i < 2; ++i) {
            vm.prank(creator);
            cert.setRoyalty(ids[i], bps);
            vm.prank(licensor);
            cert.logEdit(ids[i], keccak256("step"), keccak256(abi.encode("meta", i)), codec);
            assertTrue(_familyBit(ids[i]), "family bit kept");
        }
        CertificateView memory dv2 = cert.certificate(d);
        CertificateView memory cv2 = cert.certificate(c);
        assertEq(dv2.mintBlock, at, "design's mint block kept");
        assertEq(cv2.mintBlock, at, "colourway's mint block kept");
        assertEq(dv2.royaltyBps, bps, "royalty");
        assertEq(dv2.metadataCodec, codec, "codec");
        assertEq(dv2.modelId, dv.modelId, "model");
        assertEq(dv2.creatorId, dv.creatorId, "creator id");
        assertEq(uint256(uint8(dv2.kind)), uint256(uint8(dv.kind)), "kind");
        assertEq(cv2.modelId, cv.modelId, "colourway model");
        assertEq(uint256(uint8(cv2.kind)), uint256(uint8(cv.kind)), "colourway kind");
        (address receiver, uint256 royalty) = cert.royaltyInfo(c, 10_000);
        assertEq(receiver, creator, "royalty receiver");
        assertEq(royalty, bps, "royalty amount");
        vm.prank(licensor);
        vm.expectPartialRevert(IMotifCertificate.MotifCertificateColourwayMovesWithItsDesign.selector);
        cert.transferFrom(licensor, bob, c);
        vm.prank(licensor);
        cert.transferFrom(licensor, bob, d);
        assertEq(cert.ownerOf(c), bob, "the colourway followed its design");
        // one block later nothing mints, so no wider value ever reaches the family bit
        vm.prank(bob); // the new owner consents to its generator's colourways (audit 29 F1's fix)
        cert.setApprovalForAll(attester, true);
        vm.roll(cert.deployBlock() + (uint256(1) << 32));
        vm.prank(attester);
        vm.expectPartialRevert(IMotifCertificate.MotifCertificateMintBlockTooLate.selector);
        cert.mintColourway(_withTo(_request(29_802), bob), d);
    }

    // ============================================================================================
    // Held: MotifLicensing under the one-owner rule (promise 4)
    // ============================================================================================

    /// Held. Offers the previous owner published (on-chain on a colourway and an all-colourways
    /// offer on the design) or signed (on a colourway) stop being acceptable once the family moves,
    /// exactly as a plain certificate's offers after its sale; the new owner's offers work; the old
    /// owner can publish on no member.
    function test_held_previousOwnersOffersDieWithTheFamilysSale() public {
        uint256 plain = _mintTo(licensor, 29_900);
        uint256 onBlue = _publish(_offerFor(blue, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        uint256 onDesign = _publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.ALL_COLOURWAYS, 0));
        uint256 onPlain = _publish(_offerFor(plain, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        Offer memory signedRed = _offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0);
        bytes memory sig = _signOffer(signedRed, LICENSOR_KEY);

        vm.startPrank(licensor);
        cert.transferFrom(licensor, eve, design);
        cert.transferFrom(licensor, eve, plain);
        vm.stopPrank();

        uint256[3] memory offers = [onBlue, onDesign, onPlain];
        for (uint256 i; i < 3; ++i) {
            vm.prank(bob);
            vm.expectRevert(
                abi.encodeWithSelector(IMotifLicensing.MotifLicensingOfferInactive.selector, bytes32(offers[i]), licensor)
            );
            licensing.acceptOffer(offers[i], 0);
        }
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifLicensing.MotifLicensingOfferInactive.selector, licensing.offerDigest(signedRed), licensor
            )
        );
        licensing.acceptSignedOffer(signedRed, sig, 0);

        uint256[3] memory members = [design, blue, red];
        for (uint256 i; i < 3; ++i) {
            vm.prank(licensor);
            vm.expectPartialRevert(IMotifLicensing.MotifLicensingNotCertificateOwner.selector);
            licensing.publishOffer(_offerFor(members[i], _mask(DE), 0, 0));
        }
        // the new owner books the family's exclusivity
        vm.prank(eve);
        uint256 evesOffer = licensing.publishOffer(_offerFor(red, _mask(FR), LicenseFlags.EXCLUSIVE, 0));
        _accept(evesOffer, bob, 0);
    }

    /// Held. Revenue of licences the previous owner sold (a colourway's own, and the design's
    /// all-colourways licence) reported after the family moved is settled to the family's owner at
    /// settlement, as for any certificate: nobody outside the family is paid for its members.
    function test_held_royaltiesAfterTheSaleGoToTheFamilysOwner() public {
        uint256 own = _accept(_publish(_offerFor(blue, _mask(FR), 0, 0)), bob, 0);
        uint256 all = _accept(_publish(_offer(_mask(FR), LicenseFlags.ALL_COLOURWAYS, 0)), carol, 0);
        vm.prank(licensor);
        cert.transferFrom(licensor, eve, design);
        (bool ok, uint256 via) = licensing.isLicensed(red, carol, FR, uint48(block.timestamp));
        assertTrue(ok && via == all, "the all-colourways licence still covers red");
        _report(own, bob, FR, TEXTILES, 10, 0);
        _report(all, carol, FR, TEXTILES, 10, 0);
        licensing.settle(blue, address(0));
        licensing.settle(design, address(0));
        uint256 total = 20 * UNIT_ROYALTY;
        uint256 modelShare = (10 * UNIT_ROYALTY * 500 / 10_000) * 2;
        assertEq(licensing.owed(eve, address(0)), total - modelShare, "the family's owner is paid");
        assertEq(licensing.owed(licensor, address(0)), 0, "the seller is paid nothing after the sale");
    }

    /// Held. Only the family's owner books the family's exclusivity: an account approved for a
    /// colourway, an operator and the design's approved account cannot publish on any member.
    function test_held_approvalsDoNotPublish() public {
        vm.startPrank(licensor);
        cert.approve(carol, blue);
        cert.approve(dave, design);
        cert.setApprovalForAll(bob, true);
        vm.stopPrank();
        address[3] memory callers = [carol, dave, bob];
        uint256[3] memory members = [design, blue, red];
        for (uint256 i; i < 3; ++i) {
            for (uint256 j; j < 3; ++j) {
                vm.prank(callers[i]);
                vm.expectPartialRevert(IMotifLicensing.MotifLicensingNotCertificateOwner.selector);
                licensing.publishOffer(_offerFor(members[j], _mask(FR), LicenseFlags.EXCLUSIVE, 0));
            }
        }
    }
}

/// @notice Full family (MAX_COLOURWAYS) minted in setUp, so the test's transfer reads cold storage.
contract AuditSession29FullFamilyTest is LicensingFixture {
    uint256 internal design;
    uint256[] internal members;
    address internal dave = address(0xDA7E);

    function setUp() public override {
        super.setUp();
        design = tokenId;
        vm.prank(licensor);
        cert.setApprovalForAll(attester, true);
        uint256 max = cert.MAX_COLOURWAYS();
        for (uint256 i; i < max; ++i) {
            MintRequest memory r = _request(31_000 + i);
            r.to = licensor;
            vm.prank(attester);
            members.push(cert.mintColourway(r, design));
        }
        if (!_approveAll()) return;
        vm.startPrank(licensor);
        for (uint256 i; i < max; ++i) cert.approve(address(0xCA401), members[i]); // an approval to clear each
        cert.approve(address(0xCA401), design);
        cert.setApprovalForAll(dave, true);
        vm.stopPrank();
    }

    function _approveAll() internal pure virtual returns (bool) {
        return true;
    }

    /// Held. The worst full-family move: an operator's safe transfer to a fresh contract receiver,
    /// every member carrying an approval to clear, storage cold. Well inside a block, ~10-11k gas per
    /// colourway as documented.
    function test_held_fullFamilySafeTransferGas() public {
        if (!_approveAll()) return; // measured in this contract only
        PlainReceiver receiver = new PlainReceiver();
        vm.prank(dave);
        uint256 g = gasleft();
        cert.safeTransferFrom(licensor, address(receiver), design, "");
        uint256 used = g - gasleft();
        console.log("full family (32 colourways) safeTransferFrom gas", used);
        assertTrue(used < 600_000, "a full family moves within 600k gas");
        assertEq(cert.balanceOf(address(receiver)), members.length + 1, "all moved");
        for (uint256 i; i < members.length; ++i) {
            assertEq(cert.getApproved(members[i]), address(0), "approval cleared");
        }
    }
}

/// @notice The same full family with no approvals to clear: the per-colourway cost the natspec
/// quotes ("about 10k gas each"), by the owner's plain transferFrom to a fresh account, cold.
contract AuditSession29FullFamilyBareTest is AuditSession29FullFamilyTest {
    function _approveAll() internal pure override returns (bool) {
        return false;
    }

    function test_held_fullFamilyBareTransferGas() public {
        vm.prank(licensor);
        uint256 g = gasleft();
        cert.transferFrom(licensor, address(0xF4E5), design);
        uint256 used = g - gasleft();
        console.log("full family (32 colourways) bare transferFrom gas", used);
        assertTrue(used < 32 * 12_000 + 60_000, "about 10-12k per colourway");
    }
}

/// @dev Accepts certificates.
contract PlainReceiver {
    function onERC721Received(address, address, uint256, bytes calldata) external pure returns (bytes4) {
        return this.onERC721Received.selector;
    }
}

/// @dev Re-enters the certificate contract from `onERC721Received`: checks it owns the whole family,
/// tries to send a colourway alone, links a colourway (signed request in `data`) and forwards the
/// design.
contract ReentrantFamilyReceiver {
    MotifCertificate internal immutable _cert;
    uint256 public calls;
    bool public loneMoveRefused;
    bool public sawWholeFamily;

    constructor(MotifCertificate cert_) {
        _cert = cert_;
    }

    function onERC721Received(address, address, uint256 id, bytes calldata data) external returns (bytes4) {
        ++calls;
        (MintRequest memory r, uint256 lone, address forwardTo) = abi.decode(data, (MintRequest, uint256, address));
        uint256[] memory all = _cert.colourwaysOf(id);
        sawWholeFamily = _cert.ownerOf(id) == address(this);
        for (uint256 i; i < all.length; ++i) {
            if (_cert.ownerOf(all[i]) != address(this)) sawWholeFamily = false;
        }
        try _cert.transferFrom(address(this), forwardTo, lone) {} catch {
            loneMoveRefused = true;
        }
        _cert.mintColourway(r, id);
        _cert.transferFrom(address(this), forwardTo, id);
        return this.onERC721Received.selector;
    }
}
