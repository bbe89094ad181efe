// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

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
        uint56 unitsUsed,
        uint56 unitCap,
        uint16 generation
    ) public pure {
        GrantSlot g =
            GrantSlotLibrary.pack(termsId, start, end, _status(status), breach, unitsUsed, unitCap, generation);
        assertEq(g.termsId(), termsId, "termsId");
        assertEq(g.start(), start, "start");
        assertEq(g.end(), end, "end");
        assertEq(uint8(g.status()), status % 4, "status");
        assertTrue(g.breach() == breach, "breach");
        assertEq(g.unitsUsed(), unitsUsed, "unitsUsed");
        assertEq(g.unitCap(), unitCap, "unitCap");
        assertEq(g.generation(), generation, "generation");
    }

    /// The struct as the compiler stores it, read back raw through `GrantSlot`.
    function testFuzz_layout_isTheCompilersGrantStruct(
        uint32 termsId,
        uint40 start,
        uint40 end,
        uint8 status,
        bool breach,
        uint56 unitsUsed,
        uint56 unitCap,
        uint16 generation
    ) public {
        stored = Grant(termsId, start, end, _status(status), breach, unitsUsed, unitCap, generation);
        uint256 word;
        // solhint-disable-next-line no-inline-assembly
        assembly {
            word := sload(stored.slot)
        }
        GrantSlot expected =
            GrantSlotLibrary.pack(termsId, start, end, _status(status), breach, unitsUsed, unitCap, generation);
        assertEq(word, GrantSlot.unwrap(expected), "same word as the compiler's struct");
    }

    /// Oracle: the rule in words, field by field.
    function testFuzz_coversTime_activeInsideWindowWithUnitsLeft(
        uint40 start,
        uint40 end,
        uint8 status,
        uint56 used,
        uint56 cap,
        uint48 time
    ) public pure {
        if (end % 4 == 0) end = type(uint40).max; // perpetual windows often: they never end, even past 2^40
        GrantSlot g = GrantSlotLibrary.pack(1, start, end, _status(status), false, used, cap, 1);
        bool expected =
            status % 4 == 1 && start <= time && (end == type(uint40).max || time < end) && (cap == 0 || used < cap);
        assertTrue(g.coversTime(time) == expected, "covers");
    }
}

contract CertificateDataTest is MotifTest {
    function _kind(uint8 k) internal pure returns (CertificateKind) {
        return CertificateKind(k % 3);
    }

    function testFuzz_pack_roundTrips(uint32 modelId, uint32 creatorId, uint16 bps, uint16 codec, uint8 kind)
        public
        pure
    {
        codec = uint16(bound(codec, 0, 0x3fff));
        CertificateData d = CertificateDataLibrary.pack(modelId, creatorId, bps, codec, _kind(kind));
        assertEq(d.modelId(), modelId, "modelId");
        assertEq(d.creatorId(), creatorId, "creatorId");
        assertEq(d.royaltyBps(), bps, "royaltyBps");
        assertEq(d.metadataCodec(), codec, "codec");
        assertEq(uint8(d.kind()), kind % 3, "kind");
    }

    /// The layout documented for the owner slot's spare bits, bit by bit.
    function testFuzz_layout_matchesTheDocumentedBits(uint32 modelId, uint32 creatorId, uint16 bps, uint16 codec)
        public
        pure
    {
        codec = uint16(bound(codec, 0, 0x3fff));
        CertificateData d = CertificateDataLibrary.pack(modelId, creatorId, bps, codec, CertificateKind.Dataset);
        uint256 w = CertificateData.unwrap(d);
        assertEq(w & 0xffffffff, modelId, "bits 0..31");
        assertEq((w >> 32) & 0xffffffff, creatorId, "bits 32..63");
        assertEq((w >> 64) & 0xffff, bps, "bits 64..79");
        assertEq((w >> 80) & 0x3fff, codec, "bits 80..93");
        assertEq(w >> 94, 2, "bits 94..95: dataset");
    }

    function testFuzz_with_changesOneField(uint32 modelId, uint32 creatorId, uint16 bps, uint16 codec, uint16 newBps, uint16 newCodec)
        public
        pure
    {
        codec = uint16(bound(codec, 0, 0x3fff));
        newCodec = uint16(bound(newCodec, 0, 0x3fff));
        CertificateData d = CertificateDataLibrary.pack(modelId, creatorId, bps, codec, CertificateKind.Recipe);
        CertificateData r = d.withRoyaltyBps(newBps);
        assertEq(CertificateData.unwrap(r), CertificateData.unwrap(CertificateDataLibrary.pack(modelId, creatorId, newBps, codec, CertificateKind.Recipe)), "royalty only");
        CertificateData c = d.withMetadataCodec(newCodec);
        assertEq(CertificateData.unwrap(c), CertificateData.unwrap(CertificateDataLibrary.pack(modelId, creatorId, bps, newCodec, CertificateKind.Recipe)), "codec only");
    }
}
