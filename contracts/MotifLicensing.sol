// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";

import {IMotifCertificate} from "./interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "./interfaces/IMotifLicensing.sol";
import {IMotifModelRegistry} from "./interfaces/IMotifModelRegistry.sol";
import {DemandPricing} from "./libraries/DemandPricing.sol";
import {Exclusivity} from "./libraries/Exclusivity.sol";
import {LicenseReasons} from "./linked/LicenseReasons.sol";
import {OfferHash} from "./libraries/OfferHash.sol";
import {OfferRules} from "./linked/OfferRules.sol";
import {ProductClassMask} from "./libraries/ProductClassMask.sol";
import {Recoupment} from "./libraries/Recoupment.sol";
import {RegionMask} from "./libraries/RegionMask.sol";
import {MotifPayments} from "./MotifPayments.sol";
import {Grant, GrantSlot, GrantSlotLibrary} from "./types/GrantSlot.sol";
import {StoredOffer} from "./types/StoredOffer.sol";
import {STORED_COLOURWAY_FLAG, StoredTerms} from "./types/StoredTerms.sol";
import {License, LicenseFlags, LicenseStatus, LicenseTerms, LicenseWindow, Offer, OfferState, Pricing} from "./types/License.sol";

/// @title MotifLicensing
/// @notice Licenses of Motif certificates with their terms on-chain and enforced here: regions (ISO
/// 3166-1 bitmask), fields of use (WIPO Nice product classes), time windows, exclusivity per region x
/// window x class, per-unit and net-sales royalties recouping an advance (minimum guarantee), a unit
/// cap, revocation for breach, renewal; offers published on-chain or signed off-chain (EIP-712);
/// every payment split between certificate owner, model owner and protocol as pull payments.
///
/// @dev Data design.
///
/// License ids. A holder has `MAX_LICENSES_PER_HOLDER` slots per certificate; slot `index` lives at
/// key `keccak256(abi.encode(tokenId, licensee, index))` with its low 16 bits cleared, and a license
/// id is that key with the slot's generation (1, 2, …) in those 16 bits. A slot is reused once its
/// license is dead (revoked, transferred away or ended) and no never-used slot is left (so ended
/// licenses keep answering `isLicensed` for their past as long as possible): the cap counts live
/// licenses, and the new
/// license gets a new id, so nothing keyed by id (reporters, a pending transfer, a breach flag, the
/// renewal period) carries over, and an old id reads as unknown. Used slots always form a prefix
/// (the lowest never-used slot is taken first). `isLicensed(tokenId, licensee, region, time)` recomputes
/// the keys, so it reads per license one `Grant` slot and the terms' region mask: two cold reads for
/// a licensee's first license. The licensee is not stored; functions that need it take it (or use
/// the caller) and check it against the id.
///
/// Storage layout:
///   `_grants[slot key]` (one slot, read raw as a `GrantSlot`): termsId 32 | start 40 | end 40 |
///     status 8 | breach 8 | marks 8 | unitsUsed 56 | classes 48 | generation 16. Windows are
///     half-open `[start, end)`; `end == PERPETUAL` never ends. The classes are the terms', copied so
///     `isLicensed` with a class reads no more than without; the exhausted mark is set by the report
///     that uses the terms' last unit, the recouped mark at grant (no advance) or by the report that
///     uses the advance up (later reports read neither the account nor the advance). `_renewalPeriods[licenseId]`: the length one renewal adds, fixed at
///     grant (the window's length then), written only for renewable terms. `_accounts[licenseId]`:
///     net sales reported and the part of the advance recouped, written only by sales reports and
///     by reports against an advance.
///   `_terms[termsId]`: a `StoredTerms` (types/StoredTerms.sol: its slots by reader), written and
///     read back whole by the linked `OfferRules`. Terms are shared by every license of one offer; a signed offer's terms are
///     stored at its first acceptance.
///   `_offers[offerId]`: slot 0 licensor 160, termsId 32, maxUses 32, uses 32 | slot 1 price 128,
///     ceiling 128 | slot 2 start, end, duration, deadline (40 each), decayWindow 32, demandCap 16,
///     cancelled 8, restricted 8 | slot 3 demand 64, lastSale 40 | slot 4 licensee (read only when
///     restricted).
///   `_signedOffers[keccak256(digest, signer)]`: uses 32 | termsId 32 | demand 64 | lastSale 40 |
///     cancelled 8. Keyed by signer: a signer's cancellation is theirs for good, whoever owns the
///     certificate later.
///   `_books[tokenId]`: the exclusivity book (`Exclusivity.Book`).
///
/// Exclusivity: `libraries/Exclusivity.sol` keeps each certificate's book (`_books[tokenId]`): exact
/// checks against at most `MAX_EXCLUSIVES` exclusive entries, and a four-slot summary of the
/// non-exclusive grants. Dynamic prices: `libraries/DemandPricing.sol`. Money (pending revenue,
/// settlement, pull withdrawals): the abstract `MotifPayments` this contract extends.
contract MotifLicensing is MotifPayments, EIP712 {
    using Exclusivity for Exclusivity.Book;

    /// @notice Role that flags breaches, the precondition of a revocation.
    bytes32 public constant ARBITER_ROLE = keccak256("MOTIF_ARBITER_ROLE");
    /// @notice Most exclusive licenses of one certificate whose windows have not ended.
    uint256 public constant MAX_EXCLUSIVES = Exclusivity.MAX_EXCLUSIVES;
    /// @notice Most licenses one licensee can receive for one certificate.
    uint256 public constant MAX_LICENSES_PER_HOLDER = 16;
    /// @notice Window end that never comes.
    uint40 public constant PERPETUAL = Exclusivity.PERPETUAL;
    /// @notice Highest sales royalty terms may ask, in basis points of net sales (50%).
    uint16 public constant MAX_SALES_ROYALTY_BPS = OfferRules.MAX_SALES_ROYALTY_BPS;
    /// @notice How long after a licence's window ends its net sales may still be reported (royalty
    /// statements come in arrears); until then a licence with a sales royalty keeps its slot.
    uint40 public constant SALES_REPORTING_GRACE = 365 days;

    uint256 private constant _GENERATION_MASK = 0xffff;

    /// @dev What a license's reports added up to: net sales, and the part of the advance recouped.
    struct Account {
        uint128 netSales;
        uint128 recouped;
    }

    struct SignedOfferState {
        uint32 uses;
        uint32 termsId;
        uint64 demand;
        uint40 lastSale;
        bool cancelled;
        bool colourway;
    }

    mapping(uint32 termsId => StoredTerms) private _terms;
    uint32 private _termsCount;
    mapping(uint256 offerId => StoredOffer) private _offers;
    uint256 private _offerCount;
    mapping(bytes32 digestAndSigner => SignedOfferState) private _signedOffers;
    mapping(uint256 slotKey => Grant) private _grants;
    mapping(uint256 licenseId => uint40) private _renewalPeriods;
    mapping(uint256 licenseId => address) private _pendingTransfers;
    mapping(uint256 licenseId => Account) private _accounts;
    mapping(uint256 licenseId => mapping(address reporter => bool)) private _reporters;
    mapping(uint256 tokenId => Exclusivity.Book) private _books;

    /// @notice Deploys the licensing contract bound to the certificate contract and the registry.
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` (protocol fee) and `ARBITER_ROLE`.
    /// @param certificate_ The certificate contract.
    /// @param registry_ The model registry.
    constructor(address admin, IMotifCertificate certificate_, IMotifModelRegistry registry_)
        MotifPayments(admin, certificate_, registry_)
        EIP712("Motif Licensing", "1")
    {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(ARBITER_ROLE, admin);
    }

    // ----------------------------------------------------------------------------------------------
    // Offers
    // ----------------------------------------------------------------------------------------------

    /// @inheritdoc IMotifLicensing
    function publishOffer(Offer calldata offer) external returns (uint256 offerId) {
        offerId = ++_offerCount;
        OfferRules.publish(_offers, _terms, certificate, ++_termsCount, offerId, offer);
    }

    /// @inheritdoc IMotifLicensing
    function cancelOffer(uint256 offerId) external {
        StoredOffer storage o = _offers[offerId];
        if (o.licensor == address(0)) revert MotifLicensingUnknownOffer(offerId);
        if (o.licensor != msg.sender) {
            revert MotifLicensingNotCertificateOwner(_terms[o.termsId].tokenId, msg.sender, o.licensor);
        }
        o.cancelled = true;
        emit OfferCancelled(offerId);
    }

    /// @inheritdoc IMotifLicensing
    function cancelSignedOffer(Offer calldata offer) external {
        bytes32 key = _hashTypedDataV4(OfferHash.hash(offer));
        _signedOffers[_signerKey(key, msg.sender)].cancelled = true;
        emit SignedOfferCancelled(key, msg.sender);
    }

    /// @inheritdoc IMotifLicensing
    function acceptOffer(uint256 offerId, uint256 maxPrice) external payable nonReentrant returns (uint256 licenseId) {
        StoredOffer storage o = _offers[offerId];
        address licensor = o.licensor;
        if (licensor == address(0)) revert MotifLicensingUnknownOffer(offerId);
        bytes32 key = bytes32(offerId);
        StoredTerms storage t = _terms[o.termsId];
        uint256 tokenId = t.tokenId;
        if (o.cancelled || _ownerOf(tokenId) != licensor) revert MotifLicensingOfferInactive(key, licensor);
        if (block.timestamp > o.deadline) revert MotifLicensingOfferExpired(key, o.deadline, block.timestamp);
        if (o.uses >= o.maxUses) revert MotifLicensingOfferUsedUp(key, o.maxUses);
        if (o.restricted && o.licensee != msg.sender) revert MotifLicensingNotOfferLicensee(key, o.licensee, msg.sender);

        uint256 price = _offerPrice(o);
        if (price > maxPrice) revert MotifLicensingPriceAboveMax(price, maxPrice);
        unchecked {
            ++o.uses;
        }
        if (o.ceiling != 0) {
            (o.demand, o.lastSale) =
                DemandPricing.recordSale(o.demand, o.lastSale, o.decayWindow, o.demandCap, block.timestamp);
        }

        (uint40 start, uint40 end) = _window(o.start, o.end, o.duration);
        licenseId = _grant(
            tokenId, msg.sender, o.termsId, t.regions, t.flags, t.classes, start, end, t.renewable, t.advance == 0
        );
        address currency = t.currency;
        uint256 paid = price + t.advance;
        emit LicenseGranted(licenseId, tokenId, msg.sender, key, o.termsId, start, end, currency, paid);
        _collect(tokenId, currency, paid, true);
    }

    /// @inheritdoc IMotifLicensing
    function acceptSignedOffer(Offer calldata offer, bytes calldata signature, uint256 maxPrice)
        external
        payable
        nonReentrant
        returns (uint256 licenseId)
    {
        (bytes32 key, uint32 termsId, uint256 price, bool colourway) = _useSignedOffer(offer, signature, maxPrice);
        LicenseTerms calldata t = offer.terms;
        (uint40 start, uint40 end) = _window(offer.window.start, offer.window.end, offer.window.duration);
        licenseId = _grant(
            t.tokenId,
            msg.sender,
            termsId,
            t.regions,
            colourway ? t.flags | STORED_COLOURWAY_FLAG : t.flags,
            uint48(t.classes),
            start,
            end,
            t.renewalPrice != 0,
            t.advance == 0
        );
        uint256 paid = price + t.advance;
        emit LicenseGranted(licenseId, t.tokenId, msg.sender, key, termsId, start, end, t.currency, paid);
        _collect(t.tokenId, t.currency, paid, true);
    }

    /// @dev Verifies a signed offer, counts the use, records demand and stores its terms on first use
    /// (and then whether they license a colourway, kept beside the use count for later acceptances).
    function _useSignedOffer(Offer calldata offer, bytes calldata signature, uint256 maxPrice)
        private
        returns (bytes32 key, uint32 termsId, uint256 price, bool colourway)
    {
        key = _hashTypedDataV4(OfferHash.hash(offer));
        (address licensor, ECDSA.RecoverError err,) = ECDSA.tryRecoverCalldata(key, signature);
        if (err != ECDSA.RecoverError.NoError) revert MotifLicensingInvalidSignature();
        if (_ownerOf(offer.terms.tokenId) != licensor) revert MotifLicensingOfferInactive(key, licensor);
        if (block.timestamp > offer.deadline) revert MotifLicensingOfferExpired(key, offer.deadline, block.timestamp);
        if (offer.licensee != address(0) && offer.licensee != msg.sender) {
            revert MotifLicensingNotOfferLicensee(key, offer.licensee, msg.sender);
        }
        SignedOfferState storage s = _signedOffers[_signerKey(key, licensor)];
        if (s.cancelled) revert MotifLicensingOfferCancelled(key);
        if (s.uses >= offer.maxUses) revert MotifLicensingOfferUsedUp(key, offer.maxUses);

        Pricing calldata p = offer.pricing;
        price = DemandPricing.price(p.price, p.ceiling, p.decayWindow, p.demandCap, s.demand, s.lastSale, block.timestamp);
        if (price > maxPrice) revert MotifLicensingPriceAboveMax(price, maxPrice);
        termsId = s.termsId;
        colourway = s.colourway;
        if (termsId == 0) {
            termsId = ++_termsCount;
            colourway = OfferRules.register(_terms, certificate, termsId, offer);
            s.termsId = termsId;
            if (colourway) s.colourway = true;
        }
        unchecked {
            ++s.uses;
        }
        if (p.ceiling != 0) {
            (s.demand, s.lastSale) =
                DemandPricing.recordSale(s.demand, s.lastSale, p.decayWindow, p.demandCap, block.timestamp);
        }
    }

    // ----------------------------------------------------------------------------------------------
    // License checks
    // ----------------------------------------------------------------------------------------------

    /// @inheritdoc IMotifLicensing
    function isLicensed(uint256 tokenId, address licensee, uint256 region, uint48 time)
        external
        view
        returns (bool, uint256)
    {
        return _isLicensed(tokenId, licensee, region, 0, time);
    }

    /// @inheritdoc IMotifLicensing
    function isLicensed(uint256 tokenId, address licensee, uint256 region, uint8 niceClass, uint48 time)
        external
        view
        returns (bool, uint256)
    {
        if (niceClass == 0) return (false, 0); // 0 is no class (it means "any" only inside)
        return _isLicensed(tokenId, licensee, region, niceClass, time);
    }

    /// @dev The hot path any contract calls: per license, one read of the packed Grant slot (window,
    /// status, classes), then the terms' regions. `niceClass` 0 = any class the license covers.
    function _isLicensed(uint256 tokenId, address licensee, uint256 region, uint256 niceClass, uint48 time)
        private
        view
        returns (bool, uint256)
    {
        // a region past the table is in no mask (`RegionMask.has` shifts it out): no licence covers it
        for (uint256 i; i < MAX_LICENSES_PER_HOLDER; ++i) {
            uint256 key = _slotKey(tokenId, licensee, i);
            GrantSlot grant = _grantSlot(key);
            if (grant.statusByte() == uint8(LicenseStatus.None)) break;
            if (!grant.coversTime(time) || !grant.coversClass(niceClass)) continue;
            if (RegionMask.has(_terms[grant.termsId()].regions, region)) return (true, key | grant.generation());
        }
        // none of its own: a colourway's design licence with ALL_COLOURWAYS (only now is the certificate asked)
        return LicenseReasons.coversViaDesign(_grants, _terms, certificate, tokenId, licensee, region, niceClass, time);
    }

    /// @inheritdoc IMotifLicensing
    function licensedFor(uint256 tokenId, address licensee, uint16 flags, uint48 time)
        external
        view
        returns (bool, uint256)
    {
        if (flags & ~LicenseFlags.ALL != 0) return (false, 0); // no terms carry it (the internal bit aside)
        for (uint256 i; i < MAX_LICENSES_PER_HOLDER; ++i) {
            uint256 key = _slotKey(tokenId, licensee, i);
            GrantSlot grant = _grantSlot(key);
            if (grant.statusByte() == uint8(LicenseStatus.None)) break;
            if (!grant.coversTime(time)) continue;
            if (_terms[grant.termsId()].flags & flags == flags) return (true, key | grant.generation());
        }
        return (false, 0);
    }

    /// @inheritdoc IMotifLicensing
    function requireLicensed(uint256 tokenId, address licensee, uint256 region, uint48 time)
        external
        view
        returns (uint256)
    {
        return _requireLicensed(tokenId, licensee, region, 0, time);
    }

    /// @dev The license covering (`region`, `niceClass`, `time`) or the most telling reason none does:
    /// a license that covers the region and class first, then any license's.
    function _requireLicensed(uint256 tokenId, address licensee, uint256 region, uint256 niceClass, uint48 time)
        private
        view
        returns (uint256)
    {
        RegionMask.bit(region); // reverts with MotifRegionInvalid past the table
        bytes memory firstReason;
        bytes memory firstRegionReason;
        for (uint256 i; i < MAX_LICENSES_PER_HOLDER; ++i) {
            uint256 key = _slotKey(tokenId, licensee, i);
            Grant storage g = _grants[key];
            if (g.status == LicenseStatus.None) break;
            uint256 id = key | g.generation;
            bytes memory reason = _whyNot(id, region, niceClass, time);
            if (reason.length == 0) return id;
            if (firstReason.length == 0) firstReason = reason;
            bool coversScope = RegionMask.has(_terms[g.termsId].regions, region)
                && (niceClass == 0 || ProductClassMask.has(g.classes, niceClass));
            if (coversScope && firstRegionReason.length == 0) firstRegionReason = reason;
        }
        // none of its own: a colourway's design licence with ALL_COLOURWAYS, or the most telling reason
        return LicenseReasons.viaDesign(
            _grants, _terms, certificate, tokenId, licensee, region, niceClass, time, firstRegionReason, firstReason
        );
    }

    // ----------------------------------------------------------------------------------------------
    // Usage, breach, revocation, renewal, transfer
    // ----------------------------------------------------------------------------------------------

    /// @inheritdoc IMotifLicensing
    function reportUsage(
        uint256 licenseId,
        address licensee,
        uint256 region,
        uint8 niceClass,
        uint56 units,
        uint128 netSales
    ) external payable nonReentrant {
        Grant storage g = _grantOf(licenseId);
        StoredTerms storage t = _terms[g.termsId];
        uint256 tokenId = t.tokenId;
        if (msg.sender != licensee && !_reporters[licenseId][msg.sender]) {
            revert MotifLicensingNotLicensee(licenseId, msg.sender);
        }
        if (!_isLicenseOf(licenseId, tokenId, licensee)) revert MotifLicensingNotLicensee(licenseId, licensee);
        RegionMask.bit(region);
        ProductClassMask.bit(niceClass);
        if (units == 0 && netSales == 0) revert MotifLicensingInvalidUnits(units, type(uint56).max);
        uint256 royalty;
        if (units != 0) {
            // Units are made under a license that covers them now, within its unit cap.
            bytes memory reason = _whyNot(licenseId, region, niceClass, block.timestamp);
            if (reason.length != 0) _revertWith(reason);
            uint56 used = g.unitsUsed;
            uint56 unitCap = t.unitCap;
            uint56 cap = unitCap == 0 ? type(uint56).max : unitCap; // uncapped: the counter's range
            if (uint256(used) + units > cap) revert MotifLicensingUnitCapExceeded(licenseId, used, units, cap);
            used += units;
            g.unitsUsed = used;
            if (used == unitCap) g.marks |= GrantSlotLibrary.MARK_EXHAUSTED; // the last unit: `isLicensed` answers no from now
            royalty = uint256(units) * t.unitRoyalty; // in 256 bits: units < 2^56, royalty < 2^80
        }
        if (netSales != 0) royalty += _addSales(licenseId, g, t, region, niceClass, netSales);
        uint256 amount = _recoup(licenseId, g, t, royalty);
        emit UsageReported(licenseId, msg.sender, region, niceClass, units, netSales, royalty, amount);
        _collect(tokenId, t.currency, amount, false);
    }

    /// @dev Records `netSales` on the license's running total and returns the royalty they accrue.
    /// Sales are reported in arrears: the license must be active, started and cover the region and
    /// class, but its window may have ended.
    function _addSales(
        uint256 licenseId,
        Grant storage g,
        StoredTerms storage t,
        uint256 region,
        uint256 niceClass,
        uint256 netSales
    ) private returns (uint256) {
        uint16 bps = t.salesRoyaltyBps;
        if (bps == 0) revert MotifLicensingNoSalesRoyalty(licenseId);
        if (g.status != LicenseStatus.Active || block.timestamp < g.start) {
            _revertWith(_whyNot(licenseId, region, niceClass, block.timestamp));
        }
        uint256 closesAt = uint256(g.end) + SALES_REPORTING_GRACE; // PERPETUAL: never (past 2^40)
        if (block.timestamp >= closesAt) revert MotifLicensingStatementsClosed(licenseId, closesAt, block.timestamp);
        if (!RegionMask.has(t.regions, region)) revert MotifLicensingRegionNotAllowed(licenseId, region);
        if (!ProductClassMask.has(g.classes, niceClass)) revert MotifLicensingClassNotAllowed(licenseId, niceClass);
        Account storage a = _accounts[licenseId];
        uint256 before = a.netSales;
        uint256 room = type(uint128).max - before;
        if (netSales > room) revert MotifLicensingInvalidNetSales(netSales, room);
        a.netSales = uint128(before + netSales);
        return Recoupment.salesRoyalty(before, before + netSales, bps);
    }

    /// @inheritdoc IMotifLicensing
    function reportDue(uint256 licenseId, uint256 units, uint256 netSales)
        external
        view
        returns (uint256 royalty, uint256 amount)
    {
        Grant storage g = _grantOf(licenseId);
        StoredTerms storage t = _terms[g.termsId];
        Account storage a = _accounts[licenseId];
        uint256 before = a.netSales;
        royalty = units * t.unitRoyalty + Recoupment.salesRoyalty(before, before + netSales, t.salesRoyaltyBps);
        (, amount) = Recoupment.split(royalty, t.advance, a.recouped);
    }

    /// @dev What of `royalty` is due now: all of it without an advance, else what the advance's
    /// remainder does not cover (the covered part is recorded as recouped).
    function _recoup(uint256 licenseId, Grant storage g, StoredTerms storage t, uint256 royalty)
        private
        returns (uint256 due)
    {
        if (g.marks & GrantSlotLibrary.MARK_RECOUPED != 0) return royalty; // neither the terms nor the account read
        Account storage a = _accounts[licenseId];
        uint128 advance = t.advance;
        uint128 recouped = a.recouped;
        uint256 fromAdvance;
        (fromAdvance, due) = Recoupment.split(royalty, advance, recouped);
        if (fromAdvance == 0) return due;
        recouped += uint128(fromAdvance); // ≤ advance < 2^128
        a.recouped = recouped;
        if (recouped == advance) g.marks |= GrantSlotLibrary.MARK_RECOUPED;
    }

    /// @inheritdoc IMotifLicensing
    function setReporter(uint256 licenseId, address reporter, bool approved) external {
        Grant storage g = _grantOf(licenseId);
        if (!_isLicenseOf(licenseId, _terms[g.termsId].tokenId, msg.sender)) {
            revert MotifLicensingNotLicensee(licenseId, msg.sender);
        }
        _reporters[licenseId][reporter] = approved;
        emit ReporterApproval(licenseId, reporter, approved);
    }

    /// @inheritdoc IMotifLicensing
    function flagBreach(uint256 licenseId, bytes32 evidenceDigest) external onlyRole(ARBITER_ROLE) {
        Grant storage g = _grantOf(licenseId);
        if (_terms[g.termsId].flags & LicenseFlags.REVOCABLE_FOR_BREACH == 0) {
            revert MotifLicensingNotAllowedByTerms(licenseId, LicenseFlags.REVOCABLE_FOR_BREACH);
        }
        if (g.status != LicenseStatus.Active) revert MotifLicensingRevoked(licenseId);
        g.breach = true;
        emit BreachFlagged(licenseId, msg.sender, evidenceDigest);
    }

    /// @inheritdoc IMotifLicensing
    function clearBreach(uint256 licenseId) external onlyRole(ARBITER_ROLE) {
        Grant storage g = _grantOf(licenseId);
        if (!g.breach) revert MotifLicensingBreachNotFlagged(licenseId);
        g.breach = false;
        emit BreachCleared(licenseId, msg.sender);
    }

    /// @inheritdoc IMotifLicensing
    function revoke(uint256 licenseId) external {
        Grant storage g = _grantOf(licenseId);
        uint256 tokenId = _terms[g.termsId].tokenId;
        address owner = _ownerOf(tokenId);
        if (owner != msg.sender) revert MotifLicensingNotCertificateOwner(tokenId, msg.sender, owner);
        if (g.status != LicenseStatus.Active) revert MotifLicensingRevoked(licenseId);
        if (!g.breach) revert MotifLicensingBreachNotFlagged(licenseId);
        g.status = LicenseStatus.Revoked;
        uint16 flags = _terms[g.termsId].flags;
        if (flags & LicenseFlags.EXCLUSIVE != 0) _books[_bookOf(tokenId, flags)].release(licenseId);
        emit LicenseRevoked(licenseId, msg.sender);
    }

    /// @inheritdoc IMotifLicensing
    function renew(uint256 licenseId, uint256 maxPrice) external payable nonReentrant {
        Grant storage g = _grantOf(licenseId);
        StoredTerms storage t = _terms[g.termsId];
        uint256 tokenId = t.tokenId;
        if (!_isLicenseOf(licenseId, tokenId, msg.sender)) revert MotifLicensingNotLicensee(licenseId, msg.sender);
        uint256 price = t.renewalPrice;
        if (price == 0) revert MotifLicensingNotAllowedByTerms(licenseId, 0);
        if (g.status != LicenseStatus.Active) revert MotifLicensingRevoked(licenseId);
        if (g.breach) revert MotifLicensingBreachFlagged(licenseId);
        if (price > maxPrice) revert MotifLicensingPriceAboveMax(price, maxPrice);
        uint40 end = g.end;
        if (end == PERPETUAL) revert MotifLicensingPerpetual(licenseId);
        if (end <= block.timestamp) revert MotifLicensingExpired(licenseId, end, block.timestamp);
        uint40 period = _renewalPeriods[licenseId]; // > 0 and ≤ end - start: set at grant for renewable terms
        uint40 opensAt = end - period;
        if (block.timestamp < opensAt) revert MotifLicensingRenewalTooEarly(licenseId, end, opensAt);
        uint256 newEnd = uint256(end) + period;
        if (newEnd >= PERPETUAL) revert MotifLicensingRenewalEndTooLate(licenseId, newEnd, PERPETUAL - 1);
        uint16 flags = t.flags;
        _books[_bookOf(tokenId, flags)].reserve(
            tokenId, t.regions, t.classes, end, uint40(newEnd), flags & LicenseFlags.EXCLUSIVE != 0, licenseId
        );
        g.end = uint40(newEnd);
        emit LicenseRenewed(licenseId, uint40(newEnd), price);
        _collect(tokenId, t.currency, price, true);
    }

    /// @inheritdoc IMotifLicensing
    function transferLicense(uint256 licenseId, address to) external {
        Grant storage g = _grantOf(licenseId);
        StoredTerms storage t = _terms[g.termsId];
        if (!_isLicenseOf(licenseId, t.tokenId, msg.sender)) revert MotifLicensingNotLicensee(licenseId, msg.sender);
        if (to != address(0)) {
            _requireTransferable(licenseId, g, t.flags);
            if (to == msg.sender) revert MotifLicensingSelfTransfer(licenseId, to);
        }
        _pendingTransfers[licenseId] = to;
        emit LicenseTransferProposed(licenseId, to);
    }

    /// @inheritdoc IMotifLicensing
    function acceptLicenseTransfer(uint256 licenseId) external returns (uint256 newLicenseId) {
        address to = _pendingTransfers[licenseId];
        if (to == address(0) || to != msg.sender) revert MotifLicensingNoTransferPending(licenseId, msg.sender, to);
        Grant storage g = _grantOf(licenseId);
        StoredTerms storage t = _terms[g.termsId];
        uint16 flags = t.flags;
        _requireTransferable(licenseId, g, flags);
        delete _pendingTransfers[licenseId];
        uint256 tokenId = t.tokenId;
        (uint256 key, uint16 generation) = _freeSlot(tokenId, msg.sender);
        newLicenseId = key | generation;
        Grant memory moved = g;
        moved.generation = generation;
        g.status = LicenseStatus.Transferred;
        _grants[key] = moved;
        uint40 period = _renewalPeriods[licenseId];
        if (period != 0) _renewalPeriods[newLicenseId] = period;
        Account memory account = _accounts[licenseId];
        if (account.netSales != 0 || account.recouped != 0) _accounts[newLicenseId] = account;
        if (flags & LicenseFlags.EXCLUSIVE != 0) _books[_bookOf(tokenId, flags)].rename(licenseId, newLicenseId);
        emit LicenseTransferred(licenseId, newLicenseId, msg.sender);
    }

    /// @dev A license may move only while active, running and unflagged, and only if its terms allow.
    function _requireTransferable(uint256 licenseId, Grant storage g, uint16 flags) private view {
        if (flags & LicenseFlags.TRANSFERABLE == 0) {
            revert MotifLicensingNotAllowedByTerms(licenseId, LicenseFlags.TRANSFERABLE);
        }
        if (g.status != LicenseStatus.Active) revert MotifLicensingRevoked(licenseId);
        if (GrantSlotLibrary.hasEnded(g.end, block.timestamp)) revert MotifLicensingExpired(licenseId, g.end, block.timestamp);
        if (g.breach) revert MotifLicensingBreachFlagged(licenseId);
    }

    // ----------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------

    /// @inheritdoc IMotifLicensing
    function getLicense(uint256 licenseId) external view returns (License memory license) {
        Grant storage g = _grantOf(licenseId);
        StoredTerms storage t = _terms[g.termsId];
        Account storage a = _accounts[licenseId];
        license = License({
            tokenId: t.tokenId,
            termsId: g.termsId,
            start: g.start,
            end: g.end,
            status: g.status,
            breachFlagged: g.breach,
            unitsUsed: g.unitsUsed,
            unitCap: t.unitCap,
            renewalPeriod: _renewalPeriods[licenseId],
            classes: g.classes,
            netSales: a.netSales,
            advanceRemaining: t.advance - a.recouped
        });
    }

    /// @inheritdoc IMotifLicensing
    function licenseIdOf(uint256 tokenId, address licensee, uint256 index) external view returns (uint256) {
        uint256 key = _slotKey(tokenId, licensee, index);
        Grant storage g = _grants[key];
        return g.status == LicenseStatus.None ? 0 : key | g.generation;
    }

    /// @inheritdoc IMotifLicensing
    function pendingTransferOf(uint256 licenseId) external view returns (address) {
        Grant storage g = _grants[licenseId & ~_GENERATION_MASK];
        bool current = g.status == LicenseStatus.Active && g.generation == uint16(licenseId)
            && !GrantSlotLibrary.hasEnded(g.end, block.timestamp);
        return current ? _pendingTransfers[licenseId] : address(0);
    }

    /// @inheritdoc IMotifLicensing
    function getTerms(uint32 termsId) external view returns (LicenseTerms memory terms) {
        terms = _loadTerms(termsId);
    }

    /// @inheritdoc IMotifLicensing
    function getOffer(uint256 offerId) external view returns (Offer memory offer, OfferState memory state) {
        StoredOffer storage o = _offers[offerId];
        if (o.licensor == address(0)) revert MotifLicensingUnknownOffer(offerId);
        offer.terms = _loadTerms(o.termsId);
        offer.window = LicenseWindow({start: o.start, end: o.end, duration: o.duration});
        offer.pricing = Pricing({price: o.price, ceiling: o.ceiling, decayWindow: o.decayWindow, demandCap: o.demandCap});
        offer.maxUses = o.maxUses;
        offer.deadline = o.deadline;
        offer.licensee = o.licensee;
        state = OfferState({
            licensor: o.licensor,
            termsId: o.termsId,
            uses: o.uses,
            cancelled: o.cancelled,
            currentPrice: _offerPrice(o)
        });
    }

    /// @inheritdoc IMotifLicensing
    function lastOfferId() external view returns (uint256) {
        return _offerCount;
    }

    /// @dev Stored terms `termsId` as a `LicenseTerms`; reverts for an id never stored.
    function _loadTerms(uint32 termsId) private view returns (LicenseTerms memory terms) {
        return OfferRules.loadTerms(_terms, termsId, _termsCount);
    }

    /// @inheritdoc IMotifLicensing
    function currentPrice(uint256 offerId) external view returns (uint256) {
        StoredOffer storage o = _offers[offerId];
        if (o.licensor == address(0)) revert MotifLicensingUnknownOffer(offerId);
        return _offerPrice(o);
    }

    /// @inheritdoc IMotifLicensing
    function offerDigest(Offer calldata offer) external view returns (bytes32) {
        return _hashTypedDataV4(OfferHash.hash(offer));
    }

    // ----------------------------------------------------------------------------------------------
    // Internals: terms, windows, prices
    // ----------------------------------------------------------------------------------------------

    /// @dev Key of the exclusivity book a grant under terms with stored `flags` of `tokenId` goes to:
    /// its design's for a colourway (one book per design family), else its own. The certificate
    /// contract is asked only for colourways.
    function _bookOf(uint256 tokenId, uint16 flags) private view returns (uint256) {
        return flags & STORED_COLOURWAY_FLAG != 0 ? certificate.designOf(tokenId) : tokenId;
    }

    /// @dev Effective `[start, end)` of a license accepted now.
    function _window(uint40 start, uint40 end, uint40 duration) private view returns (uint40 s, uint40 e) {
        s = start > block.timestamp ? start : uint40(block.timestamp);
        if (duration != 0 && uint256(s) + duration >= PERPETUAL) {
            revert MotifLicensingDurationTooLong(duration, PERPETUAL - 1 - s);
        }
        e = duration != 0 ? s + duration : end;
        if (e <= s) revert MotifLicensingInvalidWindow(s, e);
    }

    /// @dev An on-chain offer's price; reads the demand slot only for dynamic pricing.
    function _offerPrice(StoredOffer storage o) private view returns (uint256) {
        uint128 ceiling = o.ceiling;
        if (ceiling == 0) return o.price;
        return DemandPricing.price(o.price, ceiling, o.decayWindow, o.demandCap, o.demand, o.lastSale, block.timestamp);
    }

    // ----------------------------------------------------------------------------------------------
    // Internals: grants
    // ----------------------------------------------------------------------------------------------

    /// @dev Slot key `keccak256(abi.encode(tokenId, licensee, index))` with the low 16 bits (the
    /// generation's place in a license id) cleared, hashed in scratch memory.
    function _slotKey(uint256 tokenId, address licensee, uint256 index) private pure returns (uint256) {
        return GrantSlotLibrary.slotKey(tokenId, licensee, index);
    }

    /// @dev Key of a signed offer's state: its digest and its signer.
    function _signerKey(bytes32 digest, address signer) private pure returns (bytes32) {
        return keccak256(abi.encode(digest, signer));
    }

    /// @dev The slot of `licensee` for `tokenId` its next license takes, and that license's generation:
    /// the first never-used slot; else a dead one, keeping history as long as possible: a revoked or
    /// transferred-away license first (it answers nothing for any time), else the license that ended
    /// earliest (`isLicensed` for a past time inside an ended license keeps answering until its slot
    /// is the one reused). A slot whose generation is exhausted (65,535 licenses) is retired.
    function _freeSlot(uint256 tokenId, address licensee) private view returns (uint256 key, uint16 generation) {
        uint256 best; // dead slot to reuse: its key, or 0
        uint256 bestEnd = type(uint256).max; // 0 for revoked / transferred away, else its end
        for (uint256 i; i < MAX_LICENSES_PER_HOLDER; ++i) {
            uint256 k = _slotKey(tokenId, licensee, i);
            Grant storage g = _grants[k];
            LicenseStatus status = g.status;
            if (status == LicenseStatus.None) return (k, 1);
            uint40 end = g.end;
            uint256 rank =
                status != LicenseStatus.Active ? 0 : GrantSlotLibrary.hasEnded(end, block.timestamp) ? end : type(uint256).max;
            // an ended licence whose sales may still be reported keeps its slot (and its id) until then
            if (rank == end && block.timestamp < uint256(end) + SALES_REPORTING_GRACE && _terms[g.termsId].salesRoyaltyBps != 0) {
                rank = type(uint256).max;
            }
            if (rank < bestEnd && g.generation != type(uint16).max) (best, bestEnd) = (k, rank);
        }
        if (best == 0) revert MotifLicensingHolderLimit(tokenId, licensee, MAX_LICENSES_PER_HOLDER);
        return (best, _grants[best].generation + 1);
    }

    /// @dev The raw storage word of `_grants[key]` (a Grant fits one slot).
    function _grantSlot(uint256 key) private view returns (GrantSlot word) {
        // Assembly: scratch-memory hashing / raw slot read on the hot isLicensed path.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, key)
            mstore(0x20, _grants.slot)
            word := sload(keccak256(0x00, 0x40))
        }
    }

    function _isLicenseOf(uint256 licenseId, uint256 tokenId, address licensee) private pure returns (bool) {
        uint256 key = licenseId & ~_GENERATION_MASK;
        for (uint256 i; i < MAX_LICENSES_PER_HOLDER; ++i) {
            if (_slotKey(tokenId, licensee, i) == key) return true;
        }
        return false;
    }

    /// @dev The grant `licenseId` names: its slot, holding that generation (an older id is unknown).
    function _grantOf(uint256 licenseId) private view returns (Grant storage g) {
        g = _grants[licenseId & ~_GENERATION_MASK];
        if (g.status == LicenseStatus.None || g.generation != uint16(licenseId)) {
            revert MotifLicensingUnknownLicense(licenseId);
        }
    }

    function _grant(
        uint256 tokenId,
        address licensee,
        uint32 termsId,
        uint256 regions,
        uint16 flags,
        uint48 classes,
        uint40 start,
        uint40 end,
        bool renewable,
        bool noAdvance
    ) private returns (uint256 licenseId) {
        (uint256 key, uint16 generation) = _freeSlot(tokenId, licensee);
        licenseId = key | generation;
        _books[_bookOf(tokenId, flags)].reserve(tokenId, regions, classes, start, end, flags & LicenseFlags.EXCLUSIVE != 0, licenseId);
        _grants[key] = Grant({
            termsId: termsId,
            start: start,
            end: end,
            status: LicenseStatus.Active,
            breach: false,
            marks: noAdvance ? GrantSlotLibrary.MARK_RECOUPED : 0,
            unitsUsed: 0,
            classes: classes,
            generation: generation
        });
        if (renewable) _renewalPeriods[licenseId] = end - start; // one period, fixed now
    }

    /// @dev Encoded reason `licenseId` does not cover (`region`, `niceClass`, `time`), empty when it
    /// does; `niceClass` 0 = any class. The reason is built by `LicenseReasons` only once the check
    /// failed.
    function _whyNot(uint256 licenseId, uint256 region, uint256 niceClass, uint256 time)
        private
        view
        returns (bytes memory)
    {
        GrantSlot word = _grantSlot(licenseId & ~_GENERATION_MASK);
        StoredTerms storage t = _terms[word.termsId()];
        uint256 regions = t.regions;
        if (word.coversTime(time) && word.coversClass(niceClass) && RegionMask.has(regions, region)) return "";
        return LicenseReasons.whyNot(licenseId, word, regions, t.unitCap, region, niceClass, time);
    }

    function _revertWith(bytes memory reason) private pure {
        // Assembly: re-raises encoded revert data as is.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            revert(add(reason, 32), mload(reason))
        }
    }
}
