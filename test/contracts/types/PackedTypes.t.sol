// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {CidV1} from "../../../contracts/libraries/CidV1.sol";
import {CertificateData, CertificateDataLibrary} from "../../../contracts/types/CertificateData.sol";
import {Grant, GrantSlot, GrantSlotLibrary} from "../../../contracts/types/GrantSlot.sol";
import {LicenseStatus} from "../../../contracts/types/License.sol";
import {CertificateKind} from "../../../contracts/types/Lineage.sol";
import {MotifTest} from "../utils/MotifTest.sol";

/// @dev The compiler's packing of `Grant` (the struct `MotifLicensing` stores) is the oracle for the
/// offsets `GrantSlot` names.
contract GrantSlotTest is MotifTest {
    Grant internal stored;

    function _status(uint8 s) internal pure returns (LicenseStatus) {
        return LicenseStatus(s % 4);
    }

    function testFuzz_pack_roundTrips(
        uint32 termsId,
        uint40 start,
        uint40 end,
        uint8 status,
        bool breach,
        uint8 marks,
        uint56 unitsUsed,
        uint48 classes,
        uint16 generation
    ) public pure {
        GrantSlot g =
            GrantSlotLibrary.pack(termsId, start, end, _status(status), breach, marks, unitsUsed, classes, generation);
        assertEq(g.termsId(), termsId, "termsId");
        assertEq(g.start(), start, "start");
        assertEq(g.end(), end, "end");
        assertEq(uint8(g.status()), status % 4, "status");
        assertTrue(g.breach() == breach, "breach");
        assertEq(g.marks(), marks, "marks");
        assertTrue(g.exhausted() == (marks & 1 != 0), "exhausted: bit 0 of the marks");
        assertTrue(g.recouped() == (marks & 2 != 0), "recouped: bit 1 of the marks");
        assertEq(g.unitsUsed(), unitsUsed, "unitsUsed");
        assertEq(g.classes(), classes, "classes");
        assertEq(g.generation(), generation, "generation");
    }

    /// The struct as the compiler stores it, read back raw through `GrantSlot`.
    function testFuzz_layout_isTheCompilersGrantStruct(
        uint32 termsId,
        uint40 start,
        uint40 end,
        uint8 status,
        bool breach,
        uint8 marks,
        uint56 unitsUsed,
        uint48 classes,
        uint16 generation
    ) public {
        stored = Grant(termsId, start, end, _status(status), breach, marks, unitsUsed, classes, generation);
        uint256 word;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            word := sload(stored.slot)
        }
        GrantSlot expected =
            GrantSlotLibrary.pack(termsId, start, end, _status(status), breach, marks, unitsUsed, classes, generation);
        assertEq(word, GrantSlot.unwrap(expected), "same word as the compiler's struct");
    }

    /// Oracle: the rule in words, field by field.
    function testFuzz_coversTime_activeInsideWindowWithUnitsLeft(
        uint40 start,
        uint40 end,
        uint8 status,
        bool breach,
        uint8 marks,
        uint56 used,
        uint48 time
    ) public pure {
        if (end % 4 == 0) end = type(uint40).max; // perpetual windows often: they never end, even past 2^40
        GrantSlot g = GrantSlotLibrary.pack(1, start, end, _status(status), breach, marks, used, type(uint48).max, 1);
        // a breach flag or the recouped mark changes nothing; the exhausted mark (bit 0) ends coverage
        bool expected = status % 4 == 1 && start <= time && (end == type(uint40).max || time < end) && marks & 1 == 0;
        assertTrue(g.coversTime(time) == expected, "covers");
    }

    /// Oracle: Nice class n is bit n - 1 of the mask; class 0 means any; classes past 45 never.
    function testFuzz_coversClass_isTheClassBit(uint48 classes, uint8 niceClass) public pure {
        GrantSlot g = GrantSlotLibrary.pack(1, 0, 1, LicenseStatus.Active, false, 0, 0, classes, 1);
        bool expected = niceClass == 0 || (niceClass <= 45 && (uint256(classes) >> (niceClass - 1)) & 1 == 1);
        assertTrue(g.coversClass(niceClass) == expected, "covers class");
    }
}

contract CertificateDataTest is MotifTest {
    uint16[5] internal _codecs = [uint16(0x55), 0x70, 0x71, 0x0129, 0x0200];

    function _kind(uint8 k) internal pure returns (CertificateKind) {
        return CertificateKind(k % 3);
    }

    /// Inputs cut to each field's documented range (22/26/10 bits, a supported codec, 32 bits).
    function _bounded(uint32 modelId, uint32 creatorId, uint16 bps, uint8 codecPick, uint64 mintBlock)
        internal
        view
        returns (uint32, uint32, uint16, uint16, uint64)
    {
        return (
            uint32(bound(modelId, 0, (1 << 22) - 1)),
            uint32(bound(creatorId, 0, (1 << 26) - 1)),
            uint16(bound(bps, 0, 1023)),
            _codecs[codecPick % 5],
            uint64(bound(mintBlock, 0, (1 << 32) - 1))
        );
    }

    function testFuzz_pack_roundTrips(uint32 modelId, uint32 creatorId, uint16 bps, uint8 codecPick, uint8 kind, uint64 mintBlock)
        public
        view
    {
        uint16 codec;
        (modelId, creatorId, bps, codec, mintBlock) = _bounded(modelId, creatorId, bps, codecPick, mintBlock);
        CertificateData d = CertificateDataLibrary.pack(modelId, creatorId, bps, codec, _kind(kind), mintBlock);
        assertEq(d.modelId(), modelId, "modelId");
        assertEq(d.creatorId(), creatorId, "creatorId");
        assertEq(d.royaltyBps(), bps, "royaltyBps");
        assertEq(d.metadataCodec(), codec, "codec");
        assertEq(uint8(d.kind()), kind % 3, "kind");
        assertEq(d.mintBlock(), mintBlock, "mintBlock");
    }

    /// The layout documented for the owner slot's spare bits, bit by bit, and nothing above bit 95.
    function testFuzz_layout_matchesTheDocumentedBits(uint32 modelId, uint32 creatorId, uint16 bps, uint8 codecPick, uint64 mintBlock)
        public
        view
    {
        uint16 codec;
        (modelId, creatorId, bps, codec, mintBlock) = _bounded(modelId, creatorId, bps, codecPick, mintBlock);
        CertificateData d = CertificateDataLibrary.pack(modelId, creatorId, bps, codec, CertificateKind.Dataset, mintBlock);
        uint256 w = CertificateData.unwrap(d);
        assertEq(w & 0x3fffff, modelId, "bits 0..21");
        assertEq((w >> 22) & 0x3ffffff, creatorId, "bits 22..47");
        assertEq((w >> 48) & 0x3ff, bps, "bits 48..57");
        assertEq((w >> 58) & 0x7, codecPick % 5 + 1, "bits 58..60: codec index");
        assertEq((w >> 61) & 0x3, 2, "bits 61..62: dataset");
        assertEq(w >> 63, mintBlock, "bits 63..94, and bit 95 (family) clear after pack");
        assertTrue(w < 1 << 96, "fits the owner slot's 96 spare bits");
        uint256 f = CertificateData.unwrap(d.withFamily());
        assertEq(f, w | (1 << 95), "family: bit 95 and nothing else");
        assertTrue(d.withFamily().inFamily() && !d.inFamily(), "inFamily reads bit 95");
        CertificateData g = d.withFamily().withRoyaltyBps(0).withMetadataCodec(CidV1.RAW);
        assertTrue(g.inFamily(), "the family bit survives royalty and codec rewrites");
        assertEq(g.mintBlock(), mintBlock, "and so does the mint block");
    }

    function testFuzz_with_changesOneField(uint32 modelId, uint32 creatorId, uint16 bps, uint8 codecPick, uint64 mintBlock, uint16 newBps, uint8 newCodecPick)
        public
        view
    {
        uint16 codec;
        (modelId, creatorId, bps, codec, mintBlock) = _bounded(modelId, creatorId, bps, codecPick, mintBlock);
        newBps = uint16(bound(newBps, 0, 1023));
        uint16 newCodec = _codecs[newCodecPick % 5];
        CertificateData d = CertificateDataLibrary.pack(modelId, creatorId, bps, codec, CertificateKind.Recipe, mintBlock);
        CertificateData r = d.withRoyaltyBps(newBps);
        assertEq(CertificateData.unwrap(r), CertificateData.unwrap(CertificateDataLibrary.pack(modelId, creatorId, newBps, codec, CertificateKind.Recipe, mintBlock)), "royalty only");
        CertificateData c = d.withMetadataCodec(newCodec);
        assertEq(CertificateData.unwrap(c), CertificateData.unwrap(CertificateDataLibrary.pack(modelId, creatorId, bps, newCodec, CertificateKind.Recipe, mintBlock)), "codec only");
    }

    function test_codecIndex_isTheInverseOfCodecAt() public pure {
        for (uint8 i = 0; i < 8; i++) {
            uint16 codec = CidV1.codecAt(i);
            if (i >= 1 && i <= 5) assertEq(CidV1.codecIndex(codec), i, "index of codec");
            else assertEq(codec, 0, "no codec beyond 5");
        }
        assertEq(CidV1.codecIndex(0x12), 0, "sha2-256 is not a content codec");
    }
}
