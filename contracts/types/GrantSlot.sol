// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {LicenseStatus} from "./License.sol";
import {ProductClassMask} from "../libraries/ProductClassMask.sol";

/// @notice One license as `MotifLicensing` stores it (`_grants[slot key]`): one slot, read raw on the
/// hot path as a `GrantSlot`.
struct Grant {
    /// Id of the stored terms.
    uint32 termsId;
    /// Window start, unix seconds.
    uint40 start;
    /// Window end (exclusive), unix seconds; `PERPETUAL` never ends.
    uint40 end;
    /// Lifecycle status.
    LicenseStatus status;
    /// Whether an arbiter flagged a breach.
    bool breach;
    /// Flags, `GrantSlotLibrary.MARK_*`: `MARK_EXHAUSTED` once a report uses the terms' last unit
    /// (`unitCap`); `MARK_RECOUPED` once no advance is left to recoup (from the grant when the terms
    /// have none), so reports charge royalties in full without reading the license's account.
    uint8 marks;
    /// Units reported so far.
    uint56 unitsUsed;
    /// Fields of use, the terms' `ProductClassMask` (45 bits used), copied at grant for the hot path.
    uint48 classes;
    /// The slot's generation (the low 16 bits of the license id).
    uint16 generation;
}

/// @notice One license's storage word in `MotifLicensing` (its `Grant` struct, which fits one slot),
/// as the hot `isLicensed` path reads it in one `sload`:
///   bits   0..31   termsId    (uint32)
///   bits  32..71   start      (uint40, unix seconds)
///   bits  72..111  end        (uint40, exclusive; `PERPETUAL` = never)
///   bits 112..119  status     (`LicenseStatus`)
///   bits 120..127  breach     (bool)
///   bits 128..135  marks      (uint8: `MARK_EXHAUSTED` the terms' unit cap is used up,
///                              `MARK_RECOUPED` no advance left to recoup)
///   bits 136..191  unitsUsed  (uint56)
///   bits 192..239  classes    (uint48, a `ProductClassMask`)
///   bits 240..255  generation (uint16)
/// The offsets are the compiler's packing of the `Grant` struct; a test writes the struct and reads
/// it back through this type.
type GrantSlot is uint256;

using GrantSlotLibrary for GrantSlot global;

/// @title GrantSlotLibrary
/// @notice Named offsets and masks of `GrantSlot`.
library GrantSlotLibrary {
    uint256 internal constant TERMS_ID_OFFSET = 0;
    uint256 internal constant START_OFFSET = 32;
    uint256 internal constant END_OFFSET = 72;
    uint256 internal constant STATUS_OFFSET = 112;
    uint256 internal constant BREACH_OFFSET = 120;
    uint256 internal constant MARKS_OFFSET = 128;
    uint256 internal constant UNITS_USED_OFFSET = 136;
    uint256 internal constant CLASSES_OFFSET = 192;
    uint256 internal constant GENERATION_OFFSET = 240;

    /// @notice The window end that means "never ends" (`MotifLicensing.PERPETUAL`).
    uint40 internal constant PERPETUAL_END = type(uint40).max;

    uint256 internal constant MASK_8 = 0xff;
    /// @dev The status byte and the exhausted mark, seen from `STATUS_OFFSET` (the breach byte and the
    /// other marks masked out).
    uint256 internal constant USABLE_MASK = (uint256(MARK_EXHAUSTED) << (MARKS_OFFSET - STATUS_OFFSET)) | MASK_8;
    uint256 internal constant MASK_16 = 0xffff;
    uint256 internal constant MASK_32 = 0xffffffff;
    uint256 internal constant MASK_40 = 0xffffffffff;
    uint256 internal constant MASK_48 = 0xffffffffffff;
    uint256 internal constant MASK_56 = 0xffffffffffffff;

    /// @notice `marks` flag: the terms' unit cap is used up (`isLicensed` answers no).
    uint8 internal constant MARK_EXHAUSTED = 1;
    /// @notice `marks` flag: no advance is left to recoup.
    uint8 internal constant MARK_RECOUPED = 2;

    /// @notice The word with every field in place.
    /// @param termsId_ Id of the stored terms.
    /// @param start_ Window start.
    /// @param end_ Window end (exclusive).
    /// @param status_ Lifecycle status.
    /// @param breach_ Whether a breach is flagged.
    /// @param marks_ The `MARK_*` flags.
    /// @param unitsUsed_ Units reported so far.
    /// @param classes_ Fields of use (`ProductClassMask`).
    /// @param generation_ The slot's generation.
    function pack(
        uint32 termsId_,
        uint40 start_,
        uint40 end_,
        LicenseStatus status_,
        bool breach_,
        uint8 marks_,
        uint56 unitsUsed_,
        uint48 classes_,
        uint16 generation_
    ) internal pure returns (GrantSlot) {
        return GrantSlot.wrap(
            (uint256(termsId_) << TERMS_ID_OFFSET) | (uint256(start_) << START_OFFSET) | (uint256(end_) << END_OFFSET)
                | (uint256(uint8(status_)) << STATUS_OFFSET) | ((breach_ ? uint256(1) : 0) << BREACH_OFFSET)
                | (uint256(marks_) << MARKS_OFFSET) | (uint256(unitsUsed_) << UNITS_USED_OFFSET)
                | (uint256(classes_) << CLASSES_OFFSET)
                | (uint256(generation_) << GENERATION_OFFSET)
        );
    }

    /// @notice Id of the stored terms.
    /// @param self The word.
    function termsId(GrantSlot self) internal pure returns (uint32) {
        return uint32((GrantSlot.unwrap(self) >> TERMS_ID_OFFSET) & MASK_32);
    }

    /// @notice Window start, unix seconds.
    /// @param self The word.
    function start(GrantSlot self) internal pure returns (uint40) {
        return uint40((GrantSlot.unwrap(self) >> START_OFFSET) & MASK_40);
    }

    /// @notice Window end (exclusive), unix seconds.
    /// @param self The word.
    function end(GrantSlot self) internal pure returns (uint40) {
        return uint40((GrantSlot.unwrap(self) >> END_OFFSET) & MASK_40);
    }

    /// @notice The status byte (a `LicenseStatus` for any word the contract wrote).
    /// @param self The word.
    function statusByte(GrantSlot self) internal pure returns (uint8) {
        return uint8((GrantSlot.unwrap(self) >> STATUS_OFFSET) & MASK_8);
    }

    /// @notice Lifecycle status.
    /// @param self The word.
    function status(GrantSlot self) internal pure returns (LicenseStatus) {
        return LicenseStatus(statusByte(self));
    }

    /// @notice Whether a breach is flagged.
    /// @param self The word.
    function breach(GrantSlot self) internal pure returns (bool) {
        return (GrantSlot.unwrap(self) >> BREACH_OFFSET) & MASK_8 != 0;
    }

    /// @notice The `MARK_*` flags.
    /// @param self The word.
    function marks(GrantSlot self) internal pure returns (uint8) {
        return uint8((GrantSlot.unwrap(self) >> MARKS_OFFSET) & MASK_8);
    }

    /// @notice Whether the terms' unit cap is used up.
    /// @param self The word.
    function exhausted(GrantSlot self) internal pure returns (bool) {
        return (GrantSlot.unwrap(self) >> MARKS_OFFSET) & MARK_EXHAUSTED != 0;
    }

    /// @notice Whether no advance is left to recoup (royalties are charged in full).
    /// @param self The word.
    function recouped(GrantSlot self) internal pure returns (bool) {
        return (GrantSlot.unwrap(self) >> MARKS_OFFSET) & MARK_RECOUPED != 0;
    }

    /// @notice Units reported so far.
    /// @param self The word.
    function unitsUsed(GrantSlot self) internal pure returns (uint56) {
        return uint56((GrantSlot.unwrap(self) >> UNITS_USED_OFFSET) & MASK_56);
    }

    /// @notice Fields of use (`ProductClassMask`).
    /// @param self The word.
    function classes(GrantSlot self) internal pure returns (uint48) {
        return uint48((GrantSlot.unwrap(self) >> CLASSES_OFFSET) & MASK_48);
    }

    /// @notice The slot's generation (the low 16 bits of its license id).
    /// @param self The word.
    function generation(GrantSlot self) internal pure returns (uint16) {
        return uint16((GrantSlot.unwrap(self) >> GENERATION_OFFSET) & MASK_16);
    }

    /// @notice Slot key of `licensee`'s licence number `index` of `tokenId` in `MotifLicensing._grants`:
    /// `keccak256(abi.encode(tokenId, licensee, index))` with the low 16 bits (the generation's place in
    /// a licence id) cleared, hashed in scratch memory.
    /// @param tokenId The certificate.
    /// @param licensee The licensee.
    /// @param index The holder's slot index.
    /// @return key The slot key.
    function slotKey(uint256 tokenId, address licensee, uint256 index) internal pure returns (uint256 key) {
        // Assembly: scratch-memory hashing on the hot isLicensed path.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, tokenId)
            mstore(add(ptr, 0x20), and(licensee, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(ptr, 0x40), index)
            key := and(keccak256(ptr, 0x60), not(0xffff))
        }
    }

    /// @notice Whether a window ending at `windowEnd` (exclusive) has ended at `time`: one ending at
    /// `PERPETUAL_END` never ends, even for times past 2^40 - 1 (licence checks take `uint48` times).
    /// @param windowEnd Window end, unix seconds.
    /// @param time Unix seconds.
    function hasEnded(uint40 windowEnd, uint256 time) internal pure returns (bool) {
        return time >= windowEnd && windowEnd != PERPETUAL_END;
    }

    /// @notice Whether the license is active, inside its window at `time` and has units left
    /// (regions aside: they live in the terms).
    /// @param self The word.
    /// @param time Unix seconds.
    function coversTime(GrantSlot self, uint256 time) internal pure returns (bool) {
        // status Active and the exhausted mark clear, in one compare (the breach byte between them aside)
        if ((GrantSlot.unwrap(self) >> STATUS_OFFSET) & USABLE_MASK != uint8(LicenseStatus.Active)) return false;
        return time >= start(self) && !hasEnded(end(self), time);
    }

    /// @notice Whether the license's fields of use include Nice class `niceClass` (1..45); class 0
    /// means "any class the license covers" (the check without a class).
    /// @param self The word.
    /// @param niceClass A Nice class number, or 0.
    function coversClass(GrantSlot self, uint256 niceClass) internal pure returns (bool) {
        if (niceClass == 0) return true;
        return niceClass <= ProductClassMask.CLASS_COUNT && (GrantSlot.unwrap(self) >> (CLASSES_OFFSET + niceClass - 1)) & 1 != 0;
    }
}
