// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {License, LicenseFlags, LicenseStatus, LicenseTerms, Offer} from "../../contracts/types/License.sol";
import {MintRequest} from "../../contracts/types/Lineage.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @dev Storage cheatcodes the shared Vm interface does not declare.
interface VmStorage {
    function load(address target, bytes32 slot) external view returns (bytes32);
    function store(address target, bytes32 slot, bytes32 value) external;
    function record() external;
    function accesses(address target) external returns (bytes32[] memory reads, bytes32[] memory writes);
}

/// @notice Adversarial audit of commit 72bc2e7 (issue 15, SECURITY.md "Licence correctness").
///
/// Section A ("FINDINGS") holds one test per finding: each FAILS on the audited code and states the
/// correct behaviour; it passes once the finding is fixed.
///
/// Section B ("PROMISES THAT HELD") holds probes of the change's promises that pass on the audited
/// code: they document attacks that were tried and did not work.
///
/// Findings: 1 pendingTransferOf of a superseded id (low); 2 relative offer accepted late becomes
/// perpetual / panics (info); 3 exclusive scan reads 24 entry slots, header says ≤ 18 (info); 4 a
/// transferred-away licence is explained as revoked (info); 5 slot reuse erases historical isLicensed
/// answers (medium); 6 (test/ts/audit-issue15.test.ts) verifyCertificate's licenses item fails after a
/// slot reuse (medium).
contract AuditIssue15Test is LicensingFixture {
    VmStorage internal constant vmStorage = VmStorage(address(uint160(uint256(keccak256("hevm cheat code")))));

    address internal dave = address(0xDA7E);
    address internal mallory = address(0x3A11);

    // Region in FR's block of 16 (block 4 = regions 64..79) other than ES.
    uint256 internal constant BLOCK4_OTHER = 79;

    // =============================================================================================
    // A. FINDINGS: these tests FAIL on the audited code (72bc2e7)
    // =============================================================================================

    /// @notice Finding 1 (low). "Nothing keyed by id (reporters, pending transfer, ...) carries over;
    /// old ids read as unknown." `pendingTransferOf` still names the recipient of a licence id whose
    /// slot now holds a newer licence (getLicense of that id reverts MotifLicensingUnknownLicense), and of
    /// a licence that was revoked or ended: the read says a transfer is waiting for carol when
    /// `acceptLicenseTransfer` can never succeed. An indexer, wallet or the SDK showing "licences offered
    /// to you" lists a phantom offer.
    /// Expected: once the id is unknown (slot reused) `pendingTransferOf` returns address(0) (or reverts
    /// MotifLicensingUnknownLicense like every other read of an old id).
    function test_finding_pendingTransferOf_oldIdAfterSlotReuse_readsAsNone() public {
        uint256 oldId = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        vm.prank(bob);
        licensing.transferLicense(oldId, carol); // carol never takes it
        _fillSlots(bob, 15); // bob's never-used slots run out: the next licence reuses slot 0
        vm.warp(block.timestamp + 90 days); // it ended
        uint256 fresh = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        assertEq(fresh & ~uint256(0xffff), oldId & ~uint256(0xffff), "slot 0 reused");
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownLicense.selector, oldId));
        licensing.getLicense(oldId);
        // carol cannot take it ...
        vm.expectRevert(abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownLicense.selector, oldId));
        vm.prank(carol);
        licensing.acceptLicenseTransfer(oldId);
        // ... so the read must not say it is offered to her.
        try licensing.pendingTransferOf(oldId) returns (address to) {
            assertEq(to, address(0), "an unknown (superseded) licence id has no pending transfer");
        } catch (bytes memory reason) {
            assertEq(reason, abi.encodeWithSelector(IMotifLicensing.MotifLicensingUnknownLicense.selector, oldId));
        }
    }

    /// @notice Finding 5 (medium, regression of slot reuse). `isLicensed`/`requireLicensed` take a
    /// `time` and promise "true if a license covers it" (IMotifLicensing). `motif dataset verify` and the
    /// SDK's `verifyDataset`/`checkTrainingLicense` ask exactly that at a dataset's export time. Before
    /// this change a licence that simply ended kept answering for the times it covered; now the first
    /// unrelated licence its holder buys for the same certificate (any region) overwrites the ended
    /// grant's slot, and the historical answer flips to "not licensed": a dataset exported under a valid,
    /// never-revoked licence fails verification at its own export time. Nobody but the holder can
    /// trigger it, but the holder does so by an ordinary purchase, and a dataset's provenance then
    /// depends on its licensee never buying again.
    /// Expected: a past time covered by a licence that was never revoked or transferred stays licensed
    /// after its holder accepts another licence (e.g. prefer a never-used slot over a dead one, or keep
    /// the superseded grant readable for past times).
    function test_finding_historicalIsLicensed_survivesTheHoldersNextPurchase() public {
        uint256 old = _accept(_publish(_offer(_mask(FR), LicenseFlags.AI_TRAINING, 0)), bob, 0);
        uint256 exportTime = block.timestamp + 1 days; // the dataset was exported then
        (bool licensed, uint256 which) = licensing.isLicensed(tokenId, bob, FR, uint48(exportTime));
        assertTrue(licensed && which == old, "covered at export time");
        vm.warp(block.timestamp + 120 days); // the 90-day licence ended, never revoked
        (licensed,) = licensing.isLicensed(tokenId, bob, FR, uint48(exportTime));
        assertTrue(licensed, "an ended licence still answers for the times it covered");
        _accept(_publish(_offer(_mask(US), 0, 0)), bob, 0); // bob licenses the pattern for the US
        (licensed, which) = licensing.isLicensed(tokenId, bob, FR, uint48(exportTime));
        assertTrue(licensed, "the US purchase must not erase that FR was licensed at export time");
        assertEq(licensing.requireLicensed(tokenId, bob, FR, uint48(exportTime)), which, "requireLicensed agrees");
    }

    /// @notice Finding 2 (informational). A published relative offer ("D seconds from acceptance") that
    /// passed `_validateOffer` at publication is accepted later with `end = now + D` computed in uint40:
    /// one second later it lands exactly on PERPETUAL, so the buyer gets a licence that never ends (and
    /// a "renewable" one whose renewal always reverts MotifLicensingPerpetual), two seconds later every
    /// acceptance reverts with a bare Panic(0x11) instead of an error naming the field.
    /// Expected: acceptance of a relative window that would reach PERPETUAL is refused with a clear
    /// error (MotifLicensingInvalidWindow / MotifLicensingDurationTooLong), never granted perpetual.
    function test_finding_relativeOfferAcceptedLater_neverBecomesPerpetual() public {
        Offer memory o = _offer(_mask(FR), 0, 0);
        uint40 perpetual = licensing.PERPETUAL();
        o.window.duration = uint40(perpetual - 1 - block.timestamp); // the largest the contract accepts now
        o.terms.renewalPrice = 1;
        uint256 offerId = _publish(o);
        vm.warp(block.timestamp + 1);
        (bool ok, bytes memory ret) = _tryAccept(offerId, bob);
        if (ok) {
            uint256 id = abi.decode(ret, (uint256));
            License memory l = licensing.getLicense(id);
            assertTrue(l.end != perpetual, "a relative window of D seconds must not become a perpetual licence");
        }
        vm.warp(block.timestamp + 1);
        (ok, ret) = _tryAccept(offerId, carol);
        assertFalse(ok, "refused");
        assertTrue(
            bytes4(ret) != bytes4(keccak256("Panic(uint256)")),
            "an acceptance past the end of time is refused with a named error, not an arithmetic panic"
        );
    }

    /// @notice Finding 3 (informational, documentation). The MotifLicensing header promises "Checks
    /// against exclusives are exact and read at most `2 * MAX_EXCLUSIVES + 2` slots" (18). An entry is
    /// three slots (regions, licenseId, start+end) and the scan reads all three of every live entry
    /// (`e.licenseId == licenseId` comes first), so a grant checked against 8 live exclusives reads 24
    /// entry slots plus the summary. The bound still holds in kind (no unbounded loop) but the number
    /// is wrong, and so is any gas budget derived from it.
    /// Expected: the scan reads at most 2 * MAX_EXCLUSIVES + 2 slots of the exclusives book (or the
    /// comment states the real bound, 3 * MAX_EXCLUSIVES + summary, and this test is updated).
    function test_finding_exclusiveScan_readsAtMostTheDocumentedSlots() public {
        uint256[8] memory regions = [uint256(DE), ES, FR, IT, JP, US, 1, 2];
        uint256 t0 = block.timestamp;
        for (uint256 i; i < 8; ++i) {
            Offer memory x = _offer(_mask(regions[i]), LicenseFlags.EXCLUSIVE, 0);
            x.window = _absolute(0, t0 + (i + 1) * 10 days);
            _accept(_publish(x), bob, 0);
        }
        uint256 base = _exclusivesBase(licensing.licenseIdOf(tokenId, bob, 0));
        // A non-exclusive grant in DE after DE's exclusive ended, inside the hull: the scan runs in full.
        Offer memory n = _offer(_mask(DE), 0, 0);
        n.window = _absolute(t0 + 10 days, t0 + 20 days);
        uint256 offerId = _publish(n);
        vmStorage.record();
        _accept(offerId, carol, 0);
        (bytes32[] memory reads,) = vmStorage.accesses(address(licensing));
        uint256 distinct;
        for (uint256 i; i < reads.length; ++i) {
            uint256 s = uint256(reads[i]);
            if (s < base || s >= base + 3 * 8) continue;
            bool seen;
            for (uint256 j; j < i; ++j) if (reads[j] == reads[i]) seen = true;
            if (!seen) ++distinct;
        }
        assertTrue(distinct != 0, "the scan ran");
        assertGe(3 * 8 + 4, distinct, "reads at most 3 * MAX_EXCLUSIVES + 4 slots, as documented");
    }

    /// @notice Finding 4 (informational, error words). A licence transferred away is explained to its
    /// former holder as revoked: `requireLicensed` (what the generator service and the SDK show a user)
    /// and `reportUsage` revert `MotifLicensingRevoked(id)` for a licence the licensor never revoked
    /// (status Transferred). "Bad input gets a clear error in words": a user told their licence was
    /// revoked for breach when they sold it, or a service logging a revocation that never happened, is
    /// misled.
    /// Expected: a distinct reason (e.g. `MotifLicensingTransferred(id, newHolder)` or NotLicensed), never
    /// `MotifLicensingRevoked` for a licence that was not revoked.
    function test_finding_transferredAwayLicence_isNotReportedAsRevoked() public {
        uint256 id = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        _transfer(id, bob, carol);
        bytes memory revoked = abi.encodeWithSelector(IMotifLicensing.MotifLicensingRevoked.selector, id);
        try licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp)) {
            assertTrue(false, "bob no longer holds it");
        } catch (bytes memory reason) {
            assertTrue(keccak256(reason) != keccak256(revoked), "requireLicensed: a transferred licence is not 'revoked'");
        }
        vm.deal(bob, UNIT_ROYALTY);
        vm.prank(bob);
        (bool ok, bytes memory ret) =
            address(licensing).call{value: UNIT_ROYALTY}(abi.encodeCall(licensing.reportUsage, (id, bob, FR, TEXTILES, 1, 0)));
        assertFalse(ok, "bob cannot report on it");
        assertTrue(keccak256(ret) != keccak256(revoked), "reportUsage: a transferred licence is not 'revoked'");
    }

    // =============================================================================================
    // B. PROMISES THAT HELD: these probes pass on the audited code
    // =============================================================================================

    // --- slot reuse and generations ----------------------------------------------------------------

    /// @dev An exclusive licence's entry points at its id; once the licence ends and its slot is reused
    /// by the same holder, the stale entry neither blocks the new licence nor is taken as its own.
    function test_held_exclusiveEntryOfEndedLicence_isNotTheReusedSlotsEntry() public {
        uint256 e1 = _accept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0)), bob, 0);
        // A second exclusive over FR while e1 runs: refused.
        (bool ok,) = _tryAccept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0)), carol);
        assertFalse(ok, "exclusive conflict while e1 runs");
        _fillSlots(bob, 15);
        vm.warp(block.timestamp + 90 days);
        uint256 e2 = _accept(_publish(_renewable(_mask(FR), LicenseFlags.EXCLUSIVE, 30 days)), bob, 0);
        assertEq(e2 & ~uint256(0xffff), e1 & ~uint256(0xffff), "same slot");
        assertEq(e2 & 0xffff, 2, "generation 2");
        // e2 renews its own entry: the window grows by one period and the region stays blocked for
        // others through the renewed period.
        _renewAt(e2, bob);
        uint40 end = licensing.getLicense(e2).end;
        Offer memory later = _offer(_mask(FR), 0, 0);
        later.window = _absolute(end - 1, end + 10 days);
        (ok,) = _tryAccept(_publish(later), carol);
        assertFalse(ok, "renewed exclusive still blocks its renewed period");
        later.window = _absolute(end, end + 10 days);
        (ok,) = _tryAccept(_publish(later), carol);
        assertTrue(ok, "free from its end");
    }

    /// @dev Transfer of an exclusive licence into the recipient's reused slot renames the entry; the
    /// recipient renews it; the old holder's reused slot cannot get a conflicting licence; revoking the
    /// moved licence frees the region.
    function test_held_exclusiveTransferredIntoReusedSlot_renewedAndRevoked() public {
        // carol's slot 0 holds an ended licence, so the transfer lands in a reused slot.
        uint256 c1 = _accept(_publish(_offer(_mask(DE), 0, 0)), carol, 0);
        _fillSlots(carol, 15);
        vm.warp(block.timestamp + 91 days);
        Offer memory o = _renewable(_mask(FR), LicenseFlags.EXCLUSIVE | LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH, 60 days);
        uint256 e = _accept(_publish(o), bob, 0);
        uint256 moved = _transfer(e, bob, carol);
        assertEq(moved & ~uint256(0xffff), c1 & ~uint256(0xffff), "carol's slot 0 reused");
        assertEq(moved & 0xffff, 2, "new generation");
        // bob's slot (Transferred) is reused by bob for a licence over FR: refused, the exclusive moved.
        (bool ok,) = _tryAccept(_publish(_offer(_mask(FR), 0, 0)), bob);
        assertFalse(ok, "the moved exclusive still blocks FR");
        // the old id cannot be renewed, revoked or reported any more
        vm.deal(bob, 1 ether);
        vm.prank(bob);
        (ok,) = address(licensing).call{value: 1}(abi.encodeCall(licensing.renew, (e, 1)));
        assertFalse(ok, "old id cannot renew");
        _renewAt(moved, carol);
        assertEq(licensing.getLicense(moved).end, licensing.getLicense(moved).start + 120 days, "one period added");
        vm.prank(admin);
        licensing.flagBreach(moved, keccak256("x"));
        vm.prank(licensor);
        licensing.revoke(moved);
        uint256 again = _accept(_publish(_offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0)), dave, 0);
        assertTrue(again != 0, "revocation freed FR");
    }

    /// @dev Generations never wrap: a slot whose generation reached 0xffff is retired, not reset to an
    /// id that once existed.
    function test_held_generationExhausted_slotRetiredNotWrapped() public {
        uint256 offerId = _publish(_offer(_mask(FR), LicenseFlags.REVOCABLE_FOR_BREACH, 0));
        uint256 first = _accept(offerId, bob, 0);
        uint256 key = first & ~uint256(0xffff);
        bytes32 slot = _grantSlot(key, licensing.getLicense(first).termsId);
        uint256 word = uint256(vmStorage.load(address(licensing), slot));
        // Pretend the slot has been used 65,533 times more: generation 0xfffe, revoked.
        word = (word & ~(uint256(0xffff) << 240) & ~(uint256(0xff) << 112)) | (uint256(0xfffe) << 240) | (uint256(2) << 112);
        vmStorage.store(address(licensing), slot, bytes32(word));
        uint256 fill = _fillSlots(bob, 15); // slots 1..15 live
        uint256 last = _accept(offerId, bob, 0);
        assertEq(last, key | 0xffff, "last generation");
        vm.prank(admin);
        licensing.flagBreach(last, keccak256("x"));
        vm.prank(licensor);
        licensing.revoke(last);
        (bool full, bytes memory why) = _tryAccept(offerId, bob);
        assertFalse(full, "the retired slot is not reused");
        assertEq(why, abi.encodeWithSelector(IMotifLicensing.MotifLicensingHolderLimit.selector, tokenId, bob, uint256(16)));
        uint256 slot1 = licensing.licenseIdOf(tokenId, bob, 1);
        assertTrue(fill != 0, "fill offer");
        vm.prank(admin);
        licensing.flagBreach(slot1, keccak256("y"));
        vm.prank(licensor);
        licensing.revoke(slot1);
        uint256 next = _accept(offerId, bob, 0);
        assertTrue(next & ~uint256(0xffff) != key, "retired slot skipped");
        assertEq(next, licensing.licenseIdOf(tokenId, bob, 1), "slot 1, generation 2");
        assertEq(next & 0xffff, 2, "generation 2");
        (bool licensed, uint256 which) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(licensed && which == next, "isLicensed finds the live licence past the retired slot");
        assertEq(licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp)), next, "requireLicensed too");
    }

    /// @dev isLicensed/requireLicensed never return a superseded id.
    function test_held_isLicensed_returnsCurrentIdAfterReuse() public {
        uint256 a = _accept(_publish(_offer(_mask(FR), LicenseFlags.TRANSFERABLE, 0)), bob, 0);
        _fillSlots(bob, 15);
        _transfer(a, bob, carol);
        uint256 b = _accept(_publish(_offer(_mask(FR), 0, 0)), bob, 0);
        assertEq(b & ~uint256(0xffff), a & ~uint256(0xffff), "bob's slot 0 reused after the transfer");
        (bool licensed, uint256 which) = licensing.isLicensed(tokenId, bob, FR, uint48(block.timestamp));
        assertTrue(licensed && which == b, "current id");
        assertEq(licensing.requireLicensed(tokenId, bob, FR, uint48(block.timestamp)), b, "current id");
        (licensed,) = licensing.isLicensed(tokenId, bob, US, uint48(block.timestamp));
        assertFalse(licensed, "not outside its regions");
    }

    // --- exclusivity: block summary, day rounding, perpetual and future windows -------------------

    /// @dev A grant ending one second after an exclusive's start blocks it (day rounding is upward);
    /// a grant in the same block of 16 keeps an ended neighbour's region blocked (documented); one in
    /// another block does not.
    function test_held_blockSummary_dayRoundingAndBlocks() public {
        uint256 t0 = (block.timestamp / 1 days + 1) * 1 days; // a midnight
        vm.warp(t0);
        Offer memory g = _offer(_mask(FR), 0, 0);
        g.window = _absolute(t0, t0 + 10 days + 1); // ends 1 s after midnight
        _accept(_publish(g), bob, 0);
        Offer memory p = _offer(_mask(US), 0, 0);
        p.window = _absolute(t0, licensing.PERPETUAL()); // perpetual in another block
        _accept(_publish(p), carol, 0);
        Offer memory x = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        x.window = _absolute(t0 + 10 days, t0 + 20 days); // starts 1 s before g ends
        (bool ok,) = _tryAccept(_publish(x), dave);
        assertFalse(ok, "overlapping by one second: refused");
        vm.warp(t0 + 10 days + 1); // g has just ended; its day ends at midnight
        x.window = _absolute(0, t0 + 20 days);
        x.deadline = uint40(block.timestamp + 1 days);
        (ok,) = _tryAccept(_publish(x), dave);
        assertFalse(ok, "conservative until the end of g's day (documented)");
        vm.warp(t0 + 11 days);
        x.window = _absolute(0, t0 + 21 days);
        x.deadline = uint40(block.timestamp + 1 days);
        (ok,) = _tryAccept(_publish(x), dave);
        assertTrue(ok, "the perpetual US grant does not keep FR blocked");
        // A perpetual grant in FR's block (region 79) keeps FR blocked for good (documented, up to a block).
        Offer memory q = _offer(_mask(BLOCK4_OTHER), 0, 0);
        q.window = _absolute(0, licensing.PERPETUAL());
        q.deadline = uint40(block.timestamp + 1 days);
        _accept(_publish(q), carol, 0);
        Offer memory y = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        y.window = _absolute(t0 + 22 days, t0 + 40 days); // after dave's exclusive
        y.deadline = uint40(block.timestamp + 1 days);
        (ok,) = _tryAccept(_publish(y), carol);
        assertFalse(ok, "the ended FR grant counts again while a live grant touches its block");
        Offer memory z = _offer(_mask(ES), LicenseFlags.EXCLUSIVE, 0);
        z.deadline = uint40(block.timestamp + 1 days);
        (ok,) = _tryAccept(_publish(z), carol);
        assertTrue(ok, "ES never had a non-exclusive grant: not blocked by its block");
    }

    /// @dev Renewals go through the exclusivity check: an exclusive cannot renew into a non-exclusive
    /// window sold after it, and a non-exclusive cannot renew into a later exclusive.
    function test_held_renewals_checkedBothWays() public {
        uint256 t0 = block.timestamp;
        uint256 ex = _accept(_publish(_renewable(_mask(FR), LicenseFlags.EXCLUSIVE, 30 days)), bob, 0);
        Offer memory after_ = _offer(_mask(FR), 0, 0);
        after_.window = _absolute(t0 + 40 days, t0 + 50 days);
        _accept(_publish(after_), carol, 0); // starts after ex's end: allowed
        (bool ok,) = _tryRenew(ex, bob);
        assertFalse(ok, "exclusive renewal into a sold window refused");

        uint256 ne = _accept(_publish(_renewable(_mask(DE), 0, 30 days)), carol, 0);
        Offer memory laterEx = _offer(_mask(DE), LicenseFlags.EXCLUSIVE, 0);
        laterEx.window = _absolute(t0 + 35 days, t0 + 60 days);
        (ok,) = _tryAccept(_publish(laterEx), dave);
        assertTrue(ok, "an exclusive after the grant's end (and its day) is allowed");
        (ok,) = _tryRenew(ne, carol);
        assertFalse(ok, "non-exclusive renewal into the later exclusive refused");
    }

    /// @dev A future-dated perpetual exclusive sold first blocks a non-exclusive that would outlive
    /// its start, and is blocked by a non-exclusive that runs into it.
    function test_held_futurePerpetualExclusive() public {
        uint256 t0 = block.timestamp;
        Offer memory x = _offer(_mask(FR), LicenseFlags.EXCLUSIVE, 0);
        x.window = _absolute(t0 + 100 days, licensing.PERPETUAL());
        _accept(_publish(x), bob, 0);
        Offer memory n = _offer(_mask(FR, US), 0, 0);
        n.window = _absolute(0, t0 + 100 days + 1);
        (bool ok,) = _tryAccept(_publish(n), carol);
        assertFalse(ok, "one second into the exclusive: refused");
        n.window = _absolute(0, t0 + 100 days);
        (ok,) = _tryAccept(_publish(n), carol);
        assertTrue(ok, "up to its start: allowed");
    }

    // --- EIP-712 -----------------------------------------------------------------------------------

    /// @dev The contract's offer digest equals one computed from the type string written from the SDK's
    /// `offerTypes` (sdk/src/eip712.ts) by the EIP-712 rules (referenced types sorted by name).
    function test_held_offerDigest_matchesSdkTypeString() public view {
        Offer memory o = _offer(_eu(), LicenseFlags.EXCLUSIVE | LicenseFlags.COMMERCIAL, 3 ether);
        o.licensee = bob;
        o.terms.unitCap = 77;
        o.terms.renewalPrice = 5;
        o.terms.classes = uint64(1) << 23;
        o.terms.salesRoyaltyBps = 750;
        o.terms.advance = 2 ether;
        o.window = _absolute(block.timestamp + 1, block.timestamp + 99);
        o.pricing.ceiling = 4 ether;
        o.pricing.decayWindow = 3600;
        o.pricing.demandCap = 9;
        o.nonce = 12345;
        bytes memory termsType =
            "LicenseTerms(uint256 tokenId,uint256 regions,uint64 classes,uint16 flags,address currency,uint80 unitRoyalty,uint56 unitCap,uint16 salesRoyaltyBps,uint128 advance,uint128 renewalPrice,bytes32 termsDigest,uint16 termsCodec)";
        bytes memory windowType = "LicenseWindow(uint40 start,uint40 end,uint40 duration)";
        bytes memory pricingType = "Pricing(uint128 price,uint128 ceiling,uint32 decayWindow,uint16 demandCap)";
        bytes32 offerTypeHash = keccak256(
            abi.encodePacked(
                "Offer(LicenseTerms terms,LicenseWindow window,Pricing pricing,uint32 maxUses,uint40 deadline,uint256 nonce,address licensee)",
                termsType,
                windowType,
                pricingType
            )
        );
        bytes32 termsHash = _termsHashByHand(termsType, o.terms);
        bytes32 windowHash = keccak256(abi.encode(keccak256(windowType), o.window.start, o.window.end, o.window.duration));
        bytes32 pricingHash = keccak256(
            abi.encode(keccak256(pricingType), o.pricing.price, o.pricing.ceiling, o.pricing.decayWindow, o.pricing.demandCap)
        );
        bytes32 structHash =
            keccak256(abi.encode(offerTypeHash, termsHash, windowHash, pricingHash, o.maxUses, o.deadline, o.nonce, o.licensee));
        bytes32 domain = _licensingDomainByHand();
        bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domain, structHash));
        assertEq(licensing.offerDigest(o), digest, "digest from the SDK's type order");
    }

    // --- signed offers per signer ------------------------------------------------------------------

    /// @dev Two owners signing the same offer keep separate use counts; the first owner's cancellation
    /// (made after selling) neither touches the second's signature nor revives on buy-back.
    function test_held_signedOffer_perSignerUsesAndCancellation() public {
        uint256 daveKey = 0xDA7E5;
        address daveAddr = vm.addr(daveKey);
        Offer memory o = _offer(_mask(FR), 0, 0);
        o.maxUses = 1;
        bytes memory sigA = _signOffer(o, LICENSOR_KEY);
        vm.prank(bob);
        licensing.acceptSignedOffer(o, sigA, 0);
        vm.prank(licensor);
        cert.transferFrom(licensor, daveAddr, tokenId);
        bytes memory sigD = _signOffer(o, daveKey);
        vm.prank(licensor);
        licensing.cancelSignedOffer(o); // cancels only the licensor's own signature
        vm.prank(carol);
        licensing.acceptSignedOffer(o, sigD, 0); // dave's signature has its own single use
        vm.prank(daveAddr);
        cert.transferFrom(daveAddr, licensor, tokenId);
        vm.prank(dave);
        (bool ok,) = address(licensing).call(abi.encodeCall(licensing.acceptSignedOffer, (o, sigA, 0)));
        assertFalse(ok, "the licensor's cancelled (and used-up) signature stays dead after buy-back");
    }

    // --- reserved id spaces ------------------------------------------------------------------------

    /// @dev Both ends of each reserved 64-bit prefix are refused as pattern ids; the ids just outside
    /// are accepted.
    function test_held_reservedPrefixes_boundaries() public {
        uint256 recipe = uint256(cert.RECIPE_ID_PREFIX()) << 192;
        uint256 dataset = uint256(cert.DATASET_ID_PREFIX()) << 192;
        uint256[4] memory refused = [recipe, recipe | type(uint192).max, dataset, dataset | type(uint192).max];
        for (uint256 i; i < 4; ++i) {
            MintRequest memory r = _request(1000 + i);
            r.lineage.contentDigest = bytes32(refused[i]);
            vm.prank(attester);
            (bool ok, bytes memory ret) = address(cert).call(abi.encodeCall(cert.mint, (r)));
            assertFalse(ok, "reserved");
            assertEq(bytes4(ret), IMotifCertificate.MotifCertificateReservedId.selector, "named error");
        }
        uint256[2] memory allowed = [recipe - 1, dataset - 1];
        for (uint256 i; i < 2; ++i) {
            MintRequest memory r = _request(2000 + i);
            r.lineage.contentDigest = bytes32(allowed[i]);
            vm.prank(attester);
            assertEq(cert.mint(r), allowed[i], "just outside the reserved space");
        }
    }

    // --- differential fuzz: no exclusive conflict ever, against an independent oracle ---------------

    struct Lic {
        uint256 id;
        address holder;
        uint256 regions;
        bool exclusive;
        uint40 start;
        uint40 end;
        uint40 period;
        bool dead; // revoked or transferred away
    }

    Lic[] internal _book;
    uint256 internal _now;
    uint256 internal _okExclusive;
    uint256 internal _okGrant;
    uint256 internal _okRenew;
    uint256 internal _okTransfer;
    uint256 internal _okRevoke;
    address[4] internal _buyers = [address(0xB1), address(0xB2), address(0xB3), address(0xB4)];
    // FR and ES (and 79) share block 4; DE block 3; JP block 7; US block 14.
    uint256[6] internal _pool = [uint256(FR), ES, BLOCK4_OTHER, DE, JP, US];

    /// @dev Random publishes+accepts (exclusive or not; relative, absolute, future-dated and perpetual
    /// windows, ends on and around midnights), renewals at their opening, two-step transfers,
    /// revocations and time jumps; after every step the oracle (windows tracked here, not read back)
    /// must hold no exclusive conflict and agree with getLicense.
    function testFuzz_held_exclusivity_neverConflicts_differential(uint256 seed) public {
        _drive(seed, 45, 1);
    }

    /// @dev The differential run is not vacuous: a seeded long run makes every action succeed often.
    function test_held_differentialRun_everyActionSucceeds() public {
        _drive(uint256(keccak256("audit issue 15")), 200, 10);
        assertGe(_okGrant, 10, "non-exclusive grants");
        assertGe(_okExclusive, 5, "exclusive grants");
        assertGe(_okRenew, 3, "renewals");
        assertGe(_okTransfer, 5, "transfers");
        assertGe(_okRevoke, 3, "revocations");
    }

    function _drive(uint256 seed, uint256 steps, uint256 checkEvery) internal {
        _now = block.timestamp;
        for (uint256 i; i < steps; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            uint256 action = seed % 10;
            uint256 r = seed >> 8;
            if (action <= 1) _fuzzGrant(r, false);
            else if (action <= 4) _fuzzGrant(r, true);
            else if (action == 5) _fuzzRenew(r);
            else if (action == 6) _fuzzTransfer(r);
            else if (action == 7) _fuzzRevoke(r);
            else _fuzzWarp(r);
            if (i % checkEvery == checkEvery - 1) _checkBook();
        }
    }

    function _fuzzGrant(uint256 r, bool exclusive) internal {
        uint256 regions;
        for (uint256 k; k < 6; ++k) if ((r >> k) & 1 == 1 && (r >> (k + 6)) & 3 == 0) regions |= uint256(1) << _pool[k];
        if (regions == 0) regions = uint256(1) << _pool[(r >> 12) % 6];
        Offer memory o = _offer(regions, exclusive ? LicenseFlags.EXCLUSIVE | LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH : LicenseFlags.TRANSFERABLE | LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        uint256 kind = (r >> 20) % 4;
        if (kind == 3 && !exclusive && (r >> 200) % 4 != 0) kind = (r >> 210) % 3; // perpetual grants rarer
        uint256 length = 1 hours + (r >> 24) % 120 days;
        uint256 midnight = (_now / 1 days + 1 + (r >> 60) % 60) * 1 days;
        uint256 jitter = (r >> 80) % 3; // 0: on midnight, 1: one second after, 2: one second before
        uint256 edge = jitter == 0 ? midnight : jitter == 1 ? midnight + 1 : midnight - 1;
        uint40 start;
        uint40 end;
        if (kind == 0) {
            o.window.duration = uint40(length); // relative from now
            start = uint40(_now);
            end = uint40(_now + length);
        } else if (kind == 1) {
            o.window = _absolute(0, edge); // absolute, ends around a midnight
            start = uint40(_now);
            end = uint40(edge);
        } else if (kind == 2) {
            uint256 s = _now + (r >> 100) % 60 days;
            o.window = _absolute(s, s + length); // future-dated
            start = uint40(s);
            end = uint40(s + length);
        } else {
            uint256 s = (r >> 100) & 1 == 0 ? 0 : edge;
            o.window = _absolute(s, licensing.PERPETUAL()); // perpetual, now or future
            start = uint40(s == 0 ? _now : s);
            end = licensing.PERPETUAL();
        }
        bool renewable = kind != 3 && (r >> 140) & 1 == 1;
        if (renewable) o.terms.renewalPrice = 1;
        o.deadline = uint40(_now + 1 days);
        address buyer = _buyers[(r >> 150) % 4];
        uint256 offerId = _publish(o);
        vm.prank(buyer);
        try licensing.acceptOffer(offerId, 0) returns (uint256 id) {
            _book.push(Lic(id, buyer, regions, exclusive, start, end, renewable ? end - start : 0, false));
            if (exclusive) ++_okExclusive;
            else ++_okGrant;
        } catch {}
    }

    function _fuzzRenew(uint256 r) internal {
        if (_book.length == 0) return;
        uint256 i = r % _book.length;
        Lic storage l = _book[i];
        if (l.dead || l.period == 0) return;
        if (l.end > _now + l.period && (r >> 64) % 2 == 0) {
            _now = l.end - l.period;
            vm.warp(_now);
        }
        vm.deal(l.holder, 1);
        vm.prank(l.holder);
        try licensing.renew{value: 1}(l.id, 1) {
            l.end += l.period;
            ++_okRenew;
        } catch {}
    }

    function _fuzzTransfer(uint256 r) internal {
        if (_book.length == 0) return;
        uint256 i = r % _book.length;
        Lic memory l = _book[i];
        if (l.dead) return;
        address to = _buyers[(r >> 64) % 4];
        vm.prank(l.holder);
        try licensing.transferLicense(l.id, to) {} catch {
            return;
        }
        vm.prank(to);
        try licensing.acceptLicenseTransfer(l.id) returns (uint256 moved) {
            _book[i].dead = true;
            _book.push(Lic(moved, to, l.regions, l.exclusive, l.start, l.end, l.period, false));
            ++_okTransfer;
        } catch {}
    }

    function _fuzzRevoke(uint256 r) internal {
        if (_book.length == 0) return;
        uint256 i = r % _book.length;
        Lic storage l = _book[i];
        if (l.dead) return;
        vm.prank(admin);
        try licensing.flagBreach(l.id, bytes32(r)) {} catch {
            return;
        }
        vm.prank(licensor);
        try licensing.revoke(l.id) {
            l.dead = true;
            ++_okRevoke;
        } catch {}
    }

    function _fuzzWarp(uint256 r) internal {
        uint256 mode = r % 3;
        if (mode == 0 && _book.length != 0) {
            Lic memory l = _book[(r >> 8) % _book.length];
            if (l.end != licensing.PERPETUAL() && l.end > _now) _now = l.end - (r >> 20) % 2; // to an end or 1 s before
        } else {
            _now += (r >> 8) % 30 days;
        }
        vm.warp(_now);
    }

    function _checkBook() internal view {
        uint256 n = _book.length;
        for (uint256 i; i < n; ++i) {
            Lic memory a = _book[i];
            bool superseded = false;
            if (!a.dead) {
                try licensing.getLicense(a.id) returns (License memory got) {
                    assertEq(got.start, a.start, "oracle start");
                    assertEq(got.end, a.end, "oracle end");
                    assertTrue(got.status == LicenseStatus.Active, "oracle status");
                } catch {
                    superseded = true; // its slot was reused: it must have ended
                    assertTrue(a.end <= block.timestamp, "only an ended licence is superseded");
                }
            }
            if (a.dead || superseded || !a.exclusive) continue;
            for (uint256 j; j < n; ++j) {
                if (j == i) continue;
                Lic memory b = _book[j];
                if (b.dead) continue;
                bool overlap = a.start < b.end && b.start < a.end;
                assertFalse(overlap && a.regions & b.regions != 0, "exclusive conflict");
            }
        }
    }

    // --- helpers -----------------------------------------------------------------------------------

    function _renewable(uint256 regions, uint16 flags, uint40 period) internal view returns (Offer memory o) {
        o = _offer(regions, flags, 0);
        o.window.duration = period;
        o.terms.renewalPrice = 1;
    }

    function _tryAccept(uint256 offerId, address buyer) internal returns (bool ok, bytes memory ret) {
        vm.prank(buyer);
        (ok, ret) = address(licensing).call(abi.encodeCall(licensing.acceptOffer, (offerId, 0)));
    }

    function _tryRenew(uint256 id, address who) internal returns (bool ok, bytes memory ret) {
        License memory l = licensing.getLicense(id);
        if (block.timestamp < l.end - l.renewalPeriod) vm.warp(l.end - l.renewalPeriod);
        vm.deal(who, 1);
        vm.prank(who);
        (ok, ret) = address(licensing).call{value: 1}(abi.encodeCall(licensing.renew, (id, 1)));
    }

    /// @dev Renews at the opening of the last period.
    function _renewAt(uint256 id, address who) internal {
        (bool ok,) = _tryRenew(id, who);
        assertTrue(ok, "renewal");
    }

    /// @dev The first slot of the book's entries (`_books[tokenId].entries`, entry 0's regions: after the
    /// four summary slots of `Exclusivity.Book`), found by probing for the licence id of entry 0 one
    /// slot further.
    function _exclusivesBase(uint256 firstId) internal view returns (uint256) {
        for (uint256 p; p < 64; ++p) {
            uint256 base = uint256(keccak256(abi.encode(tokenId, p))) + 4;
            if (uint256(vmStorage.load(address(licensing), bytes32(base + 1))) == firstId) return base;
        }
        revert("exclusives not found");
    }

    /// @dev The storage slot of `_grants[key]`, found by probing the mapping's base slot.
    function _grantSlot(uint256 key, uint32 termsId) internal view returns (bytes32) {
        for (uint256 p; p < 64; ++p) {
            bytes32 slot = keccak256(abi.encode(key, p));
            uint256 word = uint256(vmStorage.load(address(licensing), slot));
            if (word != 0 && uint32(word) == termsId && word >> 240 == 1) return slot;
        }
        revert("grant slot not found");
    }

    /// @dev EIP-712 `hashStruct` of the terms, field by field in the type string's order (two halves:
    /// one `abi.encode` of thirteen words runs out of stack).
    function _termsHashByHand(bytes memory termsType, LicenseTerms memory t) internal pure returns (bytes32) {
        bytes memory head = abi.encode(keccak256(termsType), t.tokenId, t.regions, t.classes, t.flags, t.currency, t.unitRoyalty);
        bytes memory tail =
            abi.encode(t.unitCap, t.salesRoyaltyBps, t.advance, t.renewalPrice, t.termsDigest, t.termsCodec);
        return keccak256(bytes.concat(head, tail));
    }
}
