// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";

import {IMotifCertificate} from "../interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {LicenseFlags, LicenseTerms, LicenseWindow, Offer, Pricing} from "../types/License.sol";
import {CidV1} from "../libraries/CidV1.sol";
import {Exclusivity} from "../libraries/Exclusivity.sol";
import {ProductClassMask} from "../libraries/ProductClassMask.sol";
import {RegionMask} from "../libraries/RegionMask.sol";
import {StoredOffer} from "../types/StoredOffer.sol";
import {STORED_COLOURWAY_FLAG, StoredTerms} from "../types/StoredTerms.sol";

/// @title OfferRules
/// @notice The rules an offer's terms, window and pricing must follow, checked once per offer (at
/// publication, or at a signed offer's first acceptance), and the stored copy of its terms (written
/// then, read back by the views). An external library, linked into
/// `MotifLicensing` and reached by DELEGATECALL, so the licensing contract stays under the
/// 24,576-byte code size limit (EIP-170) while the hot paths (acceptance of a stored offer, reports,
/// `isLicensed`) never pay for the call.
library OfferRules {
    /// @notice Window end that never comes (`MotifLicensing.PERPETUAL`).
    uint40 internal constant PERPETUAL = Exclusivity.PERPETUAL;
    /// @notice Highest sales royalty terms may ask, in basis points of net sales (50%).
    uint16 internal constant MAX_SALES_ROYALTY_BPS = 5_000;

    /// @notice `publishOffer`'s work: checks `offer` (`validate`), that the caller owns its certificate,
    /// stores its terms under `termsId` and the offer under `offerId`, and announces both
    /// (`TermsRegistered`, `OfferPublished`, from the licensing contract: this runs by DELEGATECALL,
    /// so `msg.sender` is the licensor).
    /// @param offers The licensing contract's `_offers`.
    /// @param terms The licensing contract's `_terms`.
    /// @param certificate The certificate contract.
    /// @param termsId The new terms id.
    /// @param offerId The new offer id.
    /// @param offer The offer.
    function publish(
        mapping(uint256 offerId => StoredOffer) storage offers,
        mapping(uint32 termsId => StoredTerms) storage terms,
        IMotifCertificate certificate,
        uint32 termsId,
        uint256 offerId,
        Offer calldata offer
    ) external {
        validate(offer);
        uint256 tokenId = offer.terms.tokenId;
        address owner = IERC721(address(certificate)).ownerOf(tokenId);
        if (owner != msg.sender) revert IMotifLicensing.MotifLicensingNotCertificateOwner(tokenId, msg.sender, owner);
        storeTerms(terms, certificate, termsId, offer.terms);
        StoredOffer storage o = offers[offerId];
        o.licensor = msg.sender;
        o.termsId = termsId;
        o.maxUses = offer.maxUses;
        o.price = offer.pricing.price;
        o.ceiling = offer.pricing.ceiling;
        o.start = offer.window.start;
        o.end = offer.window.end;
        o.duration = offer.window.duration;
        o.deadline = offer.deadline;
        o.decayWindow = offer.pricing.decayWindow;
        o.demandCap = offer.pricing.demandCap;
        if (offer.licensee != address(0)) (o.restricted, o.licensee) = (true, offer.licensee);
        emit IMotifLicensing.OfferPublished(offerId, tokenId, msg.sender, termsId, offer);
    }

    /// @notice A signed offer's first acceptance: checks `offer` (`validate`) and stores its terms
    /// under `termsId` (`storeTerms`).
    /// @param terms The licensing contract's `_terms`.
    /// @param certificate The certificate contract.
    /// @param termsId The new terms id.
    /// @param offer The offer.
    /// @return colourway Whether the offer's certificate is a colourway.
    function register(
        mapping(uint32 termsId => StoredTerms) storage terms,
        IMotifCertificate certificate,
        uint32 termsId,
        Offer calldata offer
    ) external returns (bool colourway) {
        validate(offer);
        colourway = storeTerms(terms, certificate, termsId, offer.terms);
    }

    /// @notice Reverts with the first rule `offer` breaks (the checks of `publishOffer`, and of a
    /// signed offer's first acceptance), naming the bad values.
    /// @param offer The offer.
    function validate(Offer calldata offer) public view {
        LicenseTerms calldata t = offer.terms;
        RegionMask.validate(t.regions);
        ProductClassMask.validate(t.classes);
        if (t.flags & ~LicenseFlags.ALL != 0) revert IMotifLicensing.MotifLicensingInvalidFlags(t.flags, LicenseFlags.ALL);
        if (t.salesRoyaltyBps > MAX_SALES_ROYALTY_BPS) {
            revert IMotifLicensing.MotifLicensingSalesRoyaltyTooHigh(t.salesRoyaltyBps, MAX_SALES_ROYALTY_BPS);
        }
        if (t.termsDigest == bytes32(0)) revert IMotifLicensing.MotifLicensingEmptyTermsDigest();
        if (!CidV1.isSupportedCodec(t.termsCodec)) {
            revert IMotifLicensing.MotifLicensingUnsupportedTermsCodec(t.termsCodec);
        }
        if (t.currency != address(0) && t.currency.code.length == 0) {
            revert IMotifLicensing.MotifLicensingCurrencyNotContract(t.currency);
        }
        LicenseWindow calldata w = offer.window;
        if (w.duration == 0) {
            uint40 effectiveStart = w.start > block.timestamp ? w.start : uint40(block.timestamp);
            if (w.end <= effectiveStart) revert IMotifLicensing.MotifLicensingInvalidWindow(effectiveStart, w.end);
        } else if (w.end != 0) {
            revert IMotifLicensing.MotifLicensingRelativeWindowEnd(w.end, w.duration); // relative window: end unused
        } else if (uint256(w.start) + w.duration >= PERPETUAL || block.timestamp + w.duration >= PERPETUAL) {
            uint256 latest = w.start > block.timestamp ? w.start : block.timestamp;
            revert IMotifLicensing.MotifLicensingDurationTooLong(w.duration, PERPETUAL - 1 - latest);
        }
        if (t.renewalPrice != 0 && w.duration == 0 && w.end == PERPETUAL) {
            revert IMotifLicensing.MotifLicensingPerpetualRenewalPrice(t.renewalPrice); // perpetual: nothing to renew
        }
        Pricing calldata p = offer.pricing;
        if (p.ceiling != 0) {
            if (p.ceiling < p.price) revert IMotifLicensing.MotifLicensingCeilingBelowFloor(p.ceiling, p.price);
            if (p.decayWindow == 0) revert IMotifLicensing.MotifLicensingInvalidDecayWindow(p.decayWindow);
            if (p.demandCap == 0) revert IMotifLicensing.MotifLicensingInvalidDemandCap(p.demandCap);
        }
        bool exclusive = t.flags & LicenseFlags.EXCLUSIVE != 0;
        uint256 maxUses = exclusive ? 1 : type(uint32).max;
        if (offer.maxUses == 0 || offer.maxUses > maxUses) revert IMotifLicensing.MotifLicensingInvalidMaxUses(offer.maxUses, maxUses);
        if (offer.deadline < block.timestamp) {
            revert IMotifLicensing.MotifLicensingDeadlinePassed(offer.deadline, block.timestamp);
        }
    }

    /// @notice Copies `t` into `terms[termsId]` and announces it (`TermsRegistered`, from the
    /// licensing contract: this runs by DELEGATECALL). Asks the certificate contract once whether the
    /// certificate is a colourway (fixed at its mint): if so the stored flags carry
    /// `STORED_COLOURWAY_FLAG`, and `LicenseFlags.ALL_COLOURWAYS` is refused (a colourway has none).
    /// @param terms The licensing contract's `_terms`.
    /// @param certificate The certificate contract.
    /// @param termsId The new id.
    /// @param t Validated terms.
    /// @return colourway Whether `t.tokenId` is a colourway (its grants go to its design's book).
    function storeTerms(
        mapping(uint32 termsId => StoredTerms) storage terms,
        IMotifCertificate certificate,
        uint32 termsId,
        LicenseTerms calldata t
    ) public returns (bool colourway) {
        uint16 flags = t.flags;
        colourway = certificate.designOf(t.tokenId) != 0;
        if (colourway) {
            if (flags & LicenseFlags.ALL_COLOURWAYS != 0) {
                revert IMotifLicensing.MotifLicensingInvalidFlags(flags, LicenseFlags.ALL & ~LicenseFlags.ALL_COLOURWAYS);
            }
            flags |= STORED_COLOURWAY_FLAG;
        }
        StoredTerms storage s = terms[termsId];
        s.regions = t.regions;
        s.tokenId = t.tokenId;
        s.currency = t.currency;
        s.unitRoyalty = t.unitRoyalty;
        s.flags = flags;
        s.unitCap = t.unitCap;
        s.classes = uint48(t.classes); // validated: 45 bits
        s.renewable = t.renewalPrice != 0;
        s.advance = t.advance;
        s.termsDigest = t.termsDigest;
        s.renewalPrice = t.renewalPrice;
        s.salesRoyaltyBps = t.salesRoyaltyBps;
        s.termsCodec = t.termsCodec;
        emit IMotifLicensing.TermsRegistered(termsId, t.tokenId, t);
    }

    /// @notice The terms stored under `termsId`, or `MotifLicensingUnknownTerms`.
    /// @param terms The licensing contract's `_terms`.
    /// @param termsId The id asked for.
    /// @param termsCount The highest id stored so far (named in the error).
    function loadTerms(mapping(uint32 termsId => StoredTerms) storage terms, uint32 termsId, uint32 termsCount)
        external
        view
        returns (LicenseTerms memory)
    {
        StoredTerms storage t = terms[termsId];
        if (t.tokenId == 0) revert IMotifLicensing.MotifLicensingUnknownTerms(termsId, termsCount);
        return LicenseTerms({
            tokenId: t.tokenId,
            regions: t.regions,
            classes: t.classes,
            flags: t.flags & LicenseFlags.ALL, // the internal colourway bit stays inside
            currency: t.currency,
            unitRoyalty: t.unitRoyalty,
            unitCap: t.unitCap,
            salesRoyaltyBps: t.salesRoyaltyBps,
            advance: t.advance,
            renewalPrice: t.renewalPrice,
            termsDigest: t.termsDigest,
            termsCodec: t.termsCodec
        });
    }
}
