// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../interfaces/IMotifLicensing.sol";
import {LicenseFlags, LicenseTerms, LicenseWindow, Offer, Pricing} from "../types/License.sol";
import {CidV1} from "../libraries/CidV1.sol";
import {Exclusivity} from "../libraries/Exclusivity.sol";
import {ProductClassMask} from "../libraries/ProductClassMask.sol";
import {RegionMask} from "../libraries/RegionMask.sol";
import {StoredTerms} from "../types/StoredTerms.sol";

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

    /// @notice Reverts with the first rule `offer` breaks (the checks of `publishOffer`, and of a
    /// signed offer's first acceptance), naming the bad values.
    /// @param offer The offer.
    function validate(Offer calldata offer) external view {
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
    /// licensing contract: this runs by DELEGATECALL).
    /// @param terms The licensing contract's `_terms`.
    /// @param termsId The new id.
    /// @param t Validated terms.
    function storeTerms(mapping(uint32 termsId => StoredTerms) storage terms, uint32 termsId, LicenseTerms calldata t)
        external
    {
        StoredTerms storage s = terms[termsId];
        s.regions = t.regions;
        s.tokenId = t.tokenId;
        s.currency = t.currency;
        s.unitRoyalty = t.unitRoyalty;
        s.flags = t.flags;
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
            flags: t.flags,
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
