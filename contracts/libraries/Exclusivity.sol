// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {RegionMask} from "./RegionMask.sol";
import {GrantSlotLibrary} from "../types/GrantSlot.sol";

/// @title Exclusivity
/// @notice The exclusivity book of one certificate, in bounded gas: an exclusive license forbids any
/// other license of the certificate whose regions intersect, whose fields of use (product classes)
/// intersect and whose window overlaps, in both directions: an exclusive for household linen (class
/// 24) in FR does not block clothing (class 25) in FR.
/// @dev Per certificate:
///   - exclusive grants live in at most `MAX_EXCLUSIVES` entries (regions, classes, window, license id), with a
///     summary (union of regions, earliest start, latest end) that lets most checks skip the scan;
///     an entry whose window ended (or whose license was revoked) is reused. Checks against
///     exclusives are exact and read at most `3 * MAX_EXCLUSIVES + 4` slots.
///   - non-exclusive grants are summarised by the union of their regions, the union of their classes,
///     the hull of their windows
///     (both reset once they have all ended), and per block of 16 regions (`RegionMask.blockOf`) the
///     day the last grant touching that block ends (`grantBlockEnds`, 16 days of 16 bits, one slot).
///     A new exclusive is refused in the regions of the union whose block's last grant ends after
///     the exclusive starts, if the hull starts before it ends. This never lets a conflict through,
///     costs four slot reads whatever the number of licenses, and is exact for ended grants up to
///     one block. It stays conservative about starts (the earliest start of all) and about revoked
///     non-exclusive grants, which stay in the summary until their block ends. The class union is
///     conservative too: grants for FR in class 24 and for DE in class 25 refuse an exclusive for FR
///     in class 25 (the union cannot tell which region went with which class).
/// Windows are half-open `[start, end)`; `end == PERPETUAL` never ends.
library Exclusivity {
    /// @notice Most exclusive licenses of one certificate whose windows have not ended.
    uint256 internal constant MAX_EXCLUSIVES = 8;
    /// @notice Window end that never comes (the grant word's, `GrantSlotLibrary.PERPETUAL_END`).
    uint40 internal constant PERPETUAL = GrantSlotLibrary.PERPETUAL_END;
    /// @notice `grantBlockEnds` day that never comes.
    uint256 internal constant NEVER_DAY = 0xffff;
    uint256 private constant _DAY = 1 days;

    /// @notice One exclusive license's claim.
    struct Entry {
        uint256 regions;
        uint256 licenseId;
        uint40 start;
        uint40 end;
        uint48 classes;
    }

    /// @notice The book of one certificate: summaries (four slots) and the exclusive entries.
    struct Book {
        uint256 exclusiveMask;
        uint256 grantMask;
        uint40 exclusiveStart;
        uint40 exclusiveEnd;
        uint40 grantStart;
        uint40 grantEnd;
        uint8 used;
        uint48 grantClasses;
        uint256 grantBlockEnds;
        Entry[MAX_EXCLUSIVES] entries;
    }

    /// @notice Checks `[start, end)` in `regions` against the rules and records it. For an exclusive
    /// renewal, `licenseId` already owns an entry, which is extended instead of added.
    /// @param self The certificate's book.
    /// @param tokenId The certificate (named in errors).
    /// @param regions The license's region mask.
    /// @param classes The license's product-class mask.
    /// @param start Window start.
    /// @param end Window end (exclusive).
    /// @param exclusive Whether the license is exclusive.
    /// @param licenseId The license.
    function reserve(
        Book storage self,
        uint256 tokenId,
        uint256 regions,
        uint48 classes,
        uint40 start,
        uint40 end,
        bool exclusive,
        uint256 licenseId
    ) internal {
        uint8 used = self.used;
        uint256 own = MAX_EXCLUSIVES; // index of licenseId's own entry, if any
        if (used != 0 && self.exclusiveMask & regions != 0 && overlaps(start, end, self.exclusiveStart, self.exclusiveEnd))
        {
            for (uint256 i; i < MAX_EXCLUSIVES; ++i) {
                if (used & (1 << i) == 0) continue;
                Entry storage e = self.entries[i];
                if (e.licenseId == licenseId) {
                    own = i;
                    continue;
                }
                if (
                    !GrantSlotLibrary.hasEnded(e.end, block.timestamp) && e.regions & regions != 0
                        && e.classes & classes != 0 && overlaps(start, end, e.start, e.end)
                ) {
                    revert IMotifLicensing.MotifLicensingExclusiveConflict(
                        tokenId, e.licenseId, e.regions & regions, e.classes & classes, e.start, e.end
                    );
                }
            }
        }
        if (!exclusive) {
            if (self.grantEnd <= block.timestamp) {
                (self.grantMask, self.grantStart, self.grantEnd, self.grantClasses) = (regions, start, end, classes);
                self.grantBlockEnds = raiseBlockEnds(0, regions, end);
            } else {
                if (self.grantMask | regions != self.grantMask) self.grantMask |= regions;
                if (self.grantClasses | classes != self.grantClasses) self.grantClasses |= classes;
                if (start < self.grantStart) self.grantStart = start;
                if (end > self.grantEnd) self.grantEnd = end;
                uint256 ends = self.grantBlockEnds;
                uint256 raised = raiseBlockEnds(ends, regions, end);
                if (raised != ends) self.grantBlockEnds = raised;
            }
            return;
        }
        if (
            self.grantEnd > block.timestamp && self.grantMask & regions != 0 && self.grantClasses & classes != 0
                && overlaps(start, end, self.grantStart, self.grantEnd)
        ) {
            uint256 live = liveGrantRegions(self.grantBlockEnds, self.grantMask & regions, start);
            if (live != 0) {
                revert IMotifLicensing.MotifLicensingGrantConflict(
                    tokenId, live, self.grantClasses & classes, self.grantStart, self.grantEnd
                );
            }
        }
        if (own == MAX_EXCLUSIVES) own = _find(self, used, licenseId);
        _record(self, tokenId, regions, classes, start, end, licenseId, used, own);
    }

    /// @notice Frees the entry of exclusive license `licenseId` (revoked): its regions are open again.
    /// @param self The certificate's book.
    /// @param licenseId The license.
    function release(Book storage self, uint256 licenseId) internal {
        uint8 used = self.used;
        uint256 i = _find(self, used, licenseId);
        if (i < MAX_EXCLUSIVES) {
            used &= ~uint8(1 << i);
            delete self.entries[i];
        }
        _summarise(self, used);
    }

    /// @notice The entry of `fromId` now belongs to `toId` (a transferred license).
    /// @param self The certificate's book.
    /// @param fromId The license given up.
    /// @param toId The new license.
    function rename(Book storage self, uint256 fromId, uint256 toId) internal {
        uint256 i = _find(self, self.used, fromId);
        if (i < MAX_EXCLUSIVES) self.entries[i].licenseId = toId;
    }

    /// @notice `ends` (16 blocks of 16 regions, each the day its last non-exclusive grant ends, rounded
    /// up; `NEVER_DAY` = never) with every block `regions` touches raised to `end`'s day.
    /// @param ends The per-block end days.
    /// @param regions A region mask.
    /// @param end Window end, unix seconds (`PERPETUAL` = never).
    /// @return The raised end days.
    function raiseBlockEnds(uint256 ends, uint256 regions, uint40 end) internal pure returns (uint256) {
        uint256 day = end == PERPETUAL ? NEVER_DAY : (uint256(end) + _DAY - 1) / _DAY;
        if (day > NEVER_DAY) day = NEVER_DAY; // past 2149: treated as never (conservative)
        for (uint256 b; b < RegionMask.BLOCKS; ++b) {
            if (RegionMask.blockOf(regions, b) == 0) continue;
            if (RegionMask.blockOf(ends, b) < day) ends = RegionMask.withBlock(ends, b, day);
        }
        return ends;
    }

    /// @notice The regions of `mask` whose block's last non-exclusive grant ends after `from`.
    /// @param ends The per-block end days.
    /// @param mask A region mask.
    /// @param from Unix seconds.
    /// @return live Those regions.
    function liveGrantRegions(uint256 ends, uint256 mask, uint40 from) internal pure returns (uint256 live) {
        for (uint256 b; b < RegionMask.BLOCKS; ++b) {
            uint256 bits = RegionMask.blockOf(mask, b);
            if (bits == 0) continue;
            uint256 day = RegionMask.blockOf(ends, b);
            if (day == NEVER_DAY || day * _DAY > from) live = RegionMask.withBlock(live, b, bits);
        }
    }

    /// @notice Whether `[aStart, aEnd)` and `[bStart, bEnd)` share a second.
    /// @param aStart First window's start.
    /// @param aEnd First window's end (exclusive).
    /// @param bStart Second window's start.
    /// @param bEnd Second window's end (exclusive).
    /// @return Whether they overlap.
    function overlaps(uint40 aStart, uint40 aEnd, uint40 bStart, uint40 bEnd) internal pure returns (bool) {
        return aStart < bEnd && bStart < aEnd;
    }

    /// @dev Records an exclusive claim: extends its own entry `own` (a renewal: `[start, end)` continues
    /// the entry's window) or takes the first free or ended entry; then re-summarises.
    function _record(
        Book storage self,
        uint256 tokenId,
        uint256 regions,
        uint48 classes,
        uint40 start,
        uint40 end,
        uint256 licenseId,
        uint8 used,
        uint256 own
    ) private {
        if (own < MAX_EXCLUSIVES) {
            self.entries[own].end = end;
        } else {
            uint256 slot = MAX_EXCLUSIVES;
            for (uint256 i; i < MAX_EXCLUSIVES; ++i) {
                if (used & (1 << i) == 0 || GrantSlotLibrary.hasEnded(self.entries[i].end, block.timestamp)) {
                    slot = i;
                    break;
                }
            }
            if (slot == MAX_EXCLUSIVES) revert IMotifLicensing.MotifLicensingExclusiveLimit(tokenId, MAX_EXCLUSIVES);
            self.entries[slot] = Entry({regions: regions, licenseId: licenseId, start: start, end: end, classes: classes});
            used |= uint8(1 << slot);
        }
        _summarise(self, used);
    }

    /// @dev Index of `licenseId`'s entry among the used ones, or `MAX_EXCLUSIVES`.
    function _find(Book storage self, uint8 used, uint256 licenseId) private view returns (uint256) {
        for (uint256 i; i < MAX_EXCLUSIVES; ++i) {
            if (used & (1 << i) != 0 && self.entries[i].licenseId == licenseId) return i;
        }
        return MAX_EXCLUSIVES;
    }

    /// @dev Recomputes the exclusive summary from the live entries (at most MAX_EXCLUSIVES).
    function _summarise(Book storage self, uint8 used) private {
        uint256 mask;
        uint40 lo = type(uint40).max;
        uint40 hi;
        for (uint256 i; i < MAX_EXCLUSIVES; ++i) {
            if (used & (1 << i) == 0) continue;
            Entry storage e = self.entries[i];
            if (GrantSlotLibrary.hasEnded(e.end, block.timestamp)) {
                used &= ~uint8(1 << i);
                continue;
            }
            mask |= e.regions;
            if (e.start < lo) lo = e.start;
            if (e.end > hi) hi = e.end;
        }
        (self.exclusiveMask, self.exclusiveStart, self.exclusiveEnd, self.used) = (mask, lo, hi, used);
    }
}
