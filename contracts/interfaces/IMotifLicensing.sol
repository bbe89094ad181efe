// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {License, LicenseTerms, Offer, OfferState} from "../types/License.sol";
import {IMotifCertificate} from "./IMotifCertificate.sol";
import {IMotifModelRegistry} from "./IMotifModelRegistry.sol";

/// @title IMotifLicensing
/// @notice On-chain license terms for Motif certificates, enforced on-chain: offers (published or
/// EIP-712-signed), acceptance with payment, `isLicensed` checks any contract can make, usage
/// reporting with per-unit royalties, exclusivity, revocation for breach, renewal, pull payouts.
interface IMotifLicensing {
    // --- why a license check fails (`requireLicensed`) -------------------------------------------

    /// @notice `licensee` holds no license of `tokenId`.
    error MotifLicensingNotLicensed(uint256 tokenId, address licensee);
    /// @notice The license's window starts at `start`, after `time`.
    error MotifLicensingNotYetValid(uint256 licenseId, uint40 start, uint256 time);
    /// @notice The license's window ended at `end`, at or before `time`.
    error MotifLicensingExpired(uint256 licenseId, uint40 end, uint256 time);
    /// @notice The license does not cover `region`.
    error MotifLicensingRegionNotAllowed(uint256 licenseId, uint256 region);
    /// @notice The license was revoked.
    error MotifLicensingRevoked(uint256 licenseId);
    /// @notice The license was transferred away (its holder took it under another id).
    error MotifLicensingTransferred(uint256 licenseId);
    /// @notice The license has used all `unitCap` units.
    error MotifLicensingUnitsExhausted(uint256 licenseId, uint56 unitCap);
    /// @notice The license's fields of use do not include Nice class `niceClass`.
    error MotifLicensingClassNotAllowed(uint256 licenseId, uint256 niceClass);
    /// @notice `niceClass` is not a class of the frozen table: classes run 1 to `maxClass` (45).
    error MotifLicensingInvalidClass(uint256 niceClass, uint256 maxClass);
    /// @notice License `licenseId` is of the design of colourway `tokenId`, but its terms lack
    /// `LicenseFlags.ALL_COLOURWAYS`: it covers the design only.
    error MotifLicensingNotForColourways(uint256 licenseId, uint256 tokenId);

    // --- offers -------------------------------------------------------------------------------

    /// @notice `caller` does not own certificate `tokenId` (owner: `owner`).
    error MotifLicensingNotCertificateOwner(uint256 tokenId, address caller, address owner);
    /// @notice `offerId` was never published.
    error MotifLicensingUnknownOffer(uint256 offerId);
    /// @notice The offer was cancelled, or its publisher/signer `licensor` no longer owns the certificate.
    error MotifLicensingOfferInactive(bytes32 offerKey, address licensor);
    /// @notice The offer's `deadline` passed before `timestamp`.
    error MotifLicensingOfferExpired(bytes32 offerKey, uint40 deadline, uint256 timestamp);
    /// @notice The offer was accepted its `maxUses` times already.
    error MotifLicensingOfferUsedUp(bytes32 offerKey, uint32 maxUses);
    /// @notice The signature does not recover to a signer (malformed, or the malleable high-s form).
    error MotifLicensingInvalidSignature();
    /// @notice The licensor cancelled the signed offer `offerKey`.
    error MotifLicensingOfferCancelled(bytes32 offerKey);
    /// @notice The current price `price` exceeds the buyer's `maxPrice`.
    error MotifLicensingPriceAboveMax(uint256 price, uint256 maxPrice);
    /// @notice `terms.classes` is empty or sets bits outside the table's 45 classes (`allowedClasses`).
    error MotifLicensingInvalidClasses(uint64 classes, uint64 allowedClasses);
    /// @notice `terms.salesRoyaltyBps` exceeds `maxBps` (`MAX_SALES_ROYALTY_BPS`).
    error MotifLicensingSalesRoyaltyTooHigh(uint16 bps, uint16 maxBps);
    /// @notice `terms.flags` sets bits outside the defined `LicenseFlags` (`allowedFlags`).
    error MotifLicensingInvalidFlags(uint16 flags, uint16 allowedFlags);
    /// @notice `terms.termsDigest` is zero: the terms must name their legal text.
    error MotifLicensingEmptyTermsDigest();
    /// @notice `terms.termsCodec` is not a supported multicodec (raw, dag-pb, dag-cbor, dag-json, json).
    error MotifLicensingUnsupportedTermsCodec(uint16 codec);
    /// @notice `terms.currency` is neither address(0) (ETH) nor a contract.
    error MotifLicensingCurrencyNotContract(address currency);
    /// @notice A relative window (`window.duration != 0`) must leave `window.end` at 0.
    error MotifLicensingRelativeWindowEnd(uint40 end, uint40 duration);
    /// @notice `window.duration` runs past the last representable time: at most `maxDuration` seconds.
    error MotifLicensingDurationTooLong(uint40 duration, uint256 maxDuration);
    /// @notice A perpetual window has nothing to renew: `terms.renewalPrice` must be 0.
    error MotifLicensingPerpetualRenewalPrice(uint128 renewalPrice);
    /// @notice Dynamic pricing: `pricing.ceiling` must be at least the floor `pricing.price`.
    error MotifLicensingCeilingBelowFloor(uint128 ceiling, uint128 floor);
    /// @notice Dynamic pricing: `pricing.decayWindow` must be at least 1 second.
    error MotifLicensingInvalidDecayWindow(uint32 decayWindow);
    /// @notice Dynamic pricing: `pricing.demandCap` must be at least 1 sale.
    error MotifLicensingInvalidDemandCap(uint16 demandCap);
    /// @notice `maxUses` must be 1 to `maxAllowed` (exclusive offers: 1).
    error MotifLicensingInvalidMaxUses(uint32 maxUses, uint256 maxAllowed);
    /// @notice The offer's `deadline` is already before `timestamp` (now) at publication.
    error MotifLicensingDeadlinePassed(uint40 deadline, uint256 timestamp);
    /// @notice `termsId` was never stored (ids run 1 to `termsCount`).
    error MotifLicensingUnknownTerms(uint32 termsId, uint32 termsCount);
    /// @notice The license window is empty or ends before it starts: `[start, end)`.
    error MotifLicensingInvalidWindow(uint40 start, uint40 end);
    /// @notice The offer `offerKey` names `licensee` as its only buyer, not `caller`.
    error MotifLicensingNotOfferLicensee(bytes32 offerKey, address licensee, address caller);

    // --- exclusivity --------------------------------------------------------------------------

    /// @notice The grant of `tokenId` overlaps exclusive license `licenseId` in `regions` and product
    /// `classes` during `[start, end)`. A design and its colourways share one book, so that license may
    /// be of another member of `tokenId`'s design family.
    error MotifLicensingExclusiveConflict(
        uint256 tokenId, uint256 licenseId, uint256 regions, uint64 classes, uint40 start, uint40 end
    );
    /// @notice An exclusive grant would overlap existing licenses of `tokenId` (or of another member of
    /// its design family) in `regions` and product `classes` during `[start, end)`.
    error MotifLicensingGrantConflict(uint256 tokenId, uint256 regions, uint64 classes, uint40 start, uint40 end);
    /// @notice `tokenId`'s design family already has `max` exclusive licenses that have not ended.
    error MotifLicensingExclusiveLimit(uint256 tokenId, uint256 max);
    /// @notice `licensee` already holds `max` live licenses of `tokenId` (ended, revoked and transferred
    /// ones do not count).
    error MotifLicensingHolderLimit(uint256 tokenId, address licensee, uint256 max);

    // --- payments -----------------------------------------------------------------------------

    /// @notice ETH sent (`sent`) differs from what is due (`due`), or was sent with an ERC-20 payment.
    error MotifLicensingWrongValue(uint256 sent, uint256 due);
    /// @notice `token` delivered `received` where `expected` was due (fee-on-transfer tokens are refused).
    error MotifLicensingFeeOnTransfer(address token, uint256 expected, uint256 received);
    /// @notice Nothing is owed to `account` in `currency`.
    error MotifLicensingNothingOwed(address account, address currency);
    /// @notice Sending `amount` ETH to `account` failed.
    error MotifLicensingEthTransferFailed(address account, uint256 amount);
    /// @notice The protocol fee `feeBps` exceeds `maxBps`.
    error MotifLicensingFeeTooHigh(uint16 feeBps, uint16 maxBps);
    /// @notice The protocol fee recipient must be a non-zero address.
    error MotifLicensingInvalidFeeRecipient(address recipient);
    /// @notice One payment of `amount` exceeds `maxAmount` (2^128 - 1), the most revenue can count.
    error MotifLicensingAmountTooLarge(uint256 amount, uint256 maxAmount);
    /// @notice Deployment: the admin must be a non-zero address.
    error MotifLicensingInvalidAdmin(address admin);
    /// @notice Deployment: the certificate contract must be a non-zero address.
    error MotifLicensingInvalidCertificate(address certificate);
    /// @notice Deployment: the model registry must be a non-zero address.
    error MotifLicensingInvalidRegistry(address registry);

    // --- license lifecycle --------------------------------------------------------------------

    /// @notice `licenseId` does not exist.
    error MotifLicensingUnknownLicense(uint256 licenseId);
    /// @notice `caller` is neither the licensee of `licenseId` nor a reporter it approved.
    error MotifLicensingNotLicensee(uint256 licenseId, address caller);
    /// @notice The terms of `licenseId` do not allow this (`flag` is the missing `LicenseFlags` bit).
    error MotifLicensingNotAllowedByTerms(uint256 licenseId, uint16 flag);
    /// @notice Reporting `units` would exceed the cap: `used + units > cap`.
    error MotifLicensingUnitCapExceeded(uint256 licenseId, uint56 used, uint256 units, uint56 cap);
    /// @notice Revocation needs a breach flagged by an arbiter first.
    error MotifLicensingBreachNotFlagged(uint256 licenseId);
    /// @notice A perpetual license cannot be renewed.
    error MotifLicensingPerpetual(uint256 licenseId);
    /// @notice `licenseId` ends at `end`; a renewal can be bought from `opensAt` (one period before `end`).
    error MotifLicensingRenewalTooEarly(uint256 licenseId, uint40 end, uint40 opensAt);
    /// @notice A breach of `licenseId` is flagged: it cannot be transferred or renewed until an arbiter clears it.
    error MotifLicensingBreachFlagged(uint256 licenseId);
    /// @notice A usage report must count at most `maxUnits` units, and units or net sales.
    error MotifLicensingInvalidUnits(uint256 units, uint256 maxUnits);
    /// @notice `netSales` exceeds `maxNetSales`, what the license's running total of net sales (below
    /// 2^128) has room for.
    error MotifLicensingInvalidNetSales(uint256 netSales, uint256 maxNetSales);
    /// @notice Net sales of `licenseId` could be reported until `closedAt` (its window's end plus
    /// `SALES_REPORTING_GRACE`), before `time`.
    error MotifLicensingStatementsClosed(uint256 licenseId, uint256 closedAt, uint256 time);
    /// @notice The terms of `licenseId` carry no sales royalty (`salesRoyaltyBps` is 0): nothing to report.
    error MotifLicensingNoSalesRoyalty(uint256 licenseId);
    /// @notice Renewing `licenseId` would end it at `newEnd`, past `maxEnd` (the last time before `PERPETUAL`).
    error MotifLicensingRenewalEndTooLate(uint256 licenseId, uint256 newEnd, uint256 maxEnd);
    /// @notice The licensee of `licenseId` cannot offer it to itself (`to`).
    error MotifLicensingSelfTransfer(uint256 licenseId, address to);
    /// @notice `caller` is not the account `licenseId` was offered to by `transferLicense` (`pendingTo`).
    error MotifLicensingNoTransferPending(uint256 licenseId, address caller, address pendingTo);

    // --- events -------------------------------------------------------------------------------

    /// @notice Terms were stored (for a published offer, or a signed offer's first acceptance).
    /// @param termsId Id of the stored terms.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param terms The stored terms.
    event TermsRegistered(uint32 indexed termsId, uint256 indexed tokenId, LicenseTerms terms);
    /// @notice The certificate owner published an on-chain offer.
    /// @param offerId The on-chain offer.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param licensor The certificate owner who offered the license.
    /// @param termsId Id of the stored terms.
    /// @param offer The offer.
    event OfferPublished(uint256 indexed offerId, uint256 indexed tokenId, address indexed licensor, uint32 termsId, Offer offer);
    /// @notice An on-chain offer was cancelled.
    /// @param offerId The on-chain offer.
    event OfferCancelled(uint256 indexed offerId);
    /// @notice The certificate owner cancelled the signed offer with digest `offerKey`.
    /// @param offerKey The on-chain offer id, or the signed offer's EIP-712 digest.
    /// @param licensor The certificate owner who offered the license.
    event SignedOfferCancelled(bytes32 indexed offerKey, address indexed licensor);
    /// @notice A license was granted. `offerKey` is the on-chain offer id or the signed offer's digest.
    /// @param licenseId The license.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param licensee The account holding (or using) the license.
    /// @param offerKey The on-chain offer id, or the signed offer's EIP-712 digest.
    /// @param termsId Id of the stored terms.
    /// @param start Start of the window, unix seconds.
    /// @param end End of the window (exclusive), unix seconds.
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @param price Paid at acceptance: the offer's price plus the terms' advance.
    event LicenseGranted(
        uint256 indexed licenseId,
        uint256 indexed tokenId,
        address indexed licensee,
        bytes32 offerKey,
        uint32 termsId,
        uint40 start,
        uint40 end,
        address currency,
        uint256 price
    );
    /// @notice A royalty statement line was reported; auditors sum `units`, `netSales`, `royalty` and
    /// `amount`.
    /// @param licenseId The license.
    /// @param reporter Who reported: the licensee or a reporter it approved.
    /// @param region Region bit index where the products were made or sold.
    /// @param niceClass Nice class (field of use) of the products.
    /// @param units Units produced.
    /// @param netSales Net sales, in the terms' currency.
    /// @param royalty Royalty they accrue (units and sales).
    /// @param amount Paid now: the royalty less what the advance still covered.
    event UsageReported(
        uint256 indexed licenseId,
        address indexed reporter,
        uint256 indexed region,
        uint256 niceClass,
        uint256 units,
        uint256 netSales,
        uint256 royalty,
        uint256 amount
    );
    /// @notice The pending revenue of `tokenId` was split and credited (pull payments).
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @param total Revenue split, in `currency` units.
    /// @param ownerShare Credited to the certificate owner.
    /// @param modelShare Credited to the model owner.
    /// @param recipeShare Credited to the owner of the recipe the pattern was rendered from.
    /// @param datasetShare Credited to the owner of the dataset the pattern's model was trained on.
    /// @param protocolFee Credited to the protocol fee recipient.
    event RevenueSettled(
        uint256 indexed tokenId,
        address indexed currency,
        uint256 total,
        uint256 ownerShare,
        uint256 modelShare,
        uint256 recipeShare,
        uint256 datasetShare,
        uint256 protocolFee
    );
    /// @notice A settlement of `tokenId` paid no training-dataset share: its model names dataset
    /// `datasetId`, which the certificate contract does not hold (a registry wired to another
    /// deployment); the certificate owner received that share instead.
    /// @param tokenId The certificate settled.
    /// @param datasetId The dataset its model names.
    event DatasetShareUnavailable(uint256 indexed tokenId, uint256 indexed datasetId);
    /// @notice `account` withdrew `amount` of `currency`.
    /// @param account The account.
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @param amount Amount in `currency` units.
    event Withdrawn(address indexed account, address indexed currency, uint256 amount);
    /// @notice An arbiter flagged a breach of `licenseId`, with a digest of the evidence.
    /// @param licenseId The license.
    /// @param arbiter The arbiter who flagged it.
    /// @param evidenceDigest Digest of the evidence kept off-chain.
    event BreachFlagged(uint256 indexed licenseId, address indexed arbiter, bytes32 evidenceDigest);
    /// @notice An arbiter cleared the breach flag of `licenseId`.
    /// @param licenseId The license.
    /// @param arbiter The arbiter who cleared it.
    event BreachCleared(uint256 indexed licenseId, address indexed arbiter);
    /// @notice The licensor revoked `licenseId` after a flagged breach.
    /// @param licenseId The license.
    /// @param licensor The certificate owner who offered the license.
    event LicenseRevoked(uint256 indexed licenseId, address indexed licensor);
    /// @notice `licenseId` was renewed to end at `end`.
    /// @param licenseId The license.
    /// @param end The new end of the window.
    /// @param price Renewal price paid.
    event LicenseRenewed(uint256 indexed licenseId, uint40 end, uint256 price);
    /// @notice The licensee of `licenseId` offered it to `to` (address(0): withdrew the offer); `to`
    /// takes it with `acceptLicenseTransfer`.
    /// @param licenseId The license.
    /// @param to The proposed new holder, or address(0).
    event LicenseTransferProposed(uint256 indexed licenseId, address indexed to);
    /// @notice License `fromId` moved to `to` as `toId` (terms allow transfer; `to` accepted).
    /// @param fromId The license given up.
    /// @param toId The new license of `to`.
    /// @param to The new holder.
    event LicenseTransferred(uint256 indexed fromId, uint256 indexed toId, address indexed to);
    /// @notice The licensee approved or removed `reporter` for usage reports of `licenseId`.
    /// @param licenseId The license.
    /// @param reporter An account allowed to report usage for the licensee.
    /// @param approved True to approve, false to remove.
    event ReporterApproval(uint256 indexed licenseId, address indexed reporter, bool approved);
    /// @notice Protocol fee changed.
    /// @param feeBps Protocol fee in basis points.
    /// @param recipient Account receiving the fee.
    event ProtocolFeeUpdated(uint16 feeBps, address recipient);

    // --- functions ----------------------------------------------------------------------------

    /// @notice Publishes an offer for a certificate the caller owns. Valid while the caller owns it.
    /// @param offer Terms, window, pricing, uses and deadline (`nonce` ignored).
    /// @return offerId The new offer id.
    function publishOffer(Offer calldata offer) external returns (uint256 offerId);

    /// @notice Cancels an on-chain offer. Only its publisher.
    /// @param offerId The offer.
    function cancelOffer(uint256 offerId) external;

    /// @notice Cancels the caller's signature of `offer`, for good: whether or not the caller owns the
    /// certificate now or later (a cancelled offer does not come back if its signer buys the
    /// certificate back). Another owner's signature of the same offer is not affected. Its `nonce`
    /// keeps otherwise identical offers distinct.
    /// @param offer The offer as signed.
    function cancelSignedOffer(Offer calldata offer) external;

    /// @notice Accepts an on-chain offer for the caller, paying at most `maxPrice` (ETH: send `maxPrice`
    /// or more; the excess is credited to the caller's withdrawable balance).
    /// @param offerId The offer.
    /// @param maxPrice Highest price the caller agrees to.
    /// @return licenseId The new license.
    function acceptOffer(uint256 offerId, uint256 maxPrice) external payable returns (uint256 licenseId);

    /// @notice Accepts an EIP-712 offer signed by the certificate owner, for the caller.
    /// @param offer The signed offer.
    /// @param signature The licensor's signature.
    /// @param maxPrice Highest price the caller agrees to.
    /// @return licenseId The new license.
    function acceptSignedOffer(Offer calldata offer, bytes calldata signature, uint256 maxPrice)
        external
        payable
        returns (uint256 licenseId);

    /// @notice Whether `licensee` may use `tokenId` in `region` at `time`, and under which license.
    /// Never reverts; an unknown region is simply not licensed. A colourway
    /// (`IMotifCertificate.designOf`) is covered by its own licenses or, when none covers, by a license
    /// of its design whose terms carry `LicenseFlags.ALL_COLOURWAYS` (that license's id is returned);
    /// only that miss path asks the certificate contract.
    /// @dev The check any contract asks, so it is kept cheap: two cold storage reads and little else
    /// (`npm run bench`: 5.8k gas asked from a contract). `time` is a `uint48`, OpenZeppelin 5's
    /// ERC-6372 clock type (callers pass `uint48(block.timestamp)`); this signature's selector
    /// (0x26c7491f) also sorts early in the linear selector dispatch solc's via-IR pipeline emits,
    /// saving each caller about 24 gas per external function it would otherwise be compared against
    /// first (test/ts/dispatch-order.test.ts holds that position).
    /// @param tokenId The certificate.
    /// @param licensee The account using the pattern.
    /// @param region Region bit index (0..248).
    /// @param time Unix seconds.
    /// @return licensed True if a license covers it.
    /// @return licenseId That license, or 0.
    function isLicensed(uint256 tokenId, address licensee, uint256 region, uint48 time)
        external
        view
        returns (bool licensed, uint256 licenseId);

    /// @notice Whether `licensee` may use `tokenId` in `region` for products of Nice class `niceClass`
    /// (its field of use: 24 textiles and household linen, 25 clothing, 27 rugs and wallpaper…) at
    /// `time`, and under which license. Never reverts; an unknown region or class is not licensed.
    /// The four-argument `isLicensed` asks the same for any class the license covers.
    /// @dev The same hot path as `isLicensed`: the classes live in the license's own storage word. A
    /// class is a `uint8` (Nice classes 1..45), which also puts this selector (0x2ad0ab12) just after
    /// the four-argument one in the compiler's ascending selector dispatch.
    /// @param tokenId The certificate.
    /// @param licensee The account using the pattern.
    /// @param region Region bit index (0..248).
    /// @param niceClass Nice class number (1..45).
    /// @param time Unix seconds.
    /// @return licensed True if a license covers it.
    /// @return licenseId That license, or 0.
    function isLicensed(uint256 tokenId, address licensee, uint256 region, uint8 niceClass, uint48 time)
        external
        view
        returns (bool licensed, uint256 licenseId);

    /// @notice Whether `licensee` holds a license of `tokenId` live at `time` (any region) whose terms
    /// carry every bit of `flags` (`LicenseFlags`), e.g. `AI_TRAINING` before training on a dataset.
    /// Never reverts. Only `tokenId`'s own licenses count (a design's all-colourways licence is not
    /// asked for a colourway here).
    /// @param tokenId The certificate.
    /// @param licensee The account.
    /// @param flags The `LicenseFlags` bits the terms must all allow.
    /// @param time Unix seconds.
    /// @return licensed True if such a license covers `time`.
    /// @return licenseId That license, or 0.
    function licensedFor(uint256 tokenId, address licensee, uint16 flags, uint48 time)
        external
        view
        returns (bool licensed, uint256 licenseId);

    /// @notice As `isLicensed`, but reverts with why not (`MotifLicensingNotLicensed`, `...NotYetValid`,
    /// `...Expired`, `...RegionNotAllowed`, `...Revoked`, `...Transferred`, `...UnitsExhausted`,
    /// `...NotForColourways`, or `MotifRegionInvalid`). For a colourway, its design's all-colourways
    /// licences count as in `isLicensed`; the reason is the first found of: an own licence covering
    /// the region (and class), a design licence covering them, any own licence, any design licence.
    /// @return licenseId The license that covers it.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param licensee The account using the pattern.
    /// @param region Region bit index in the frozen table (0..248).
    /// @param time Unix seconds (a `uint48`, as in `isLicensed`).
    function requireLicensed(uint256 tokenId, address licensee, uint256 region, uint48 time)
        external
        view
        returns (uint256 licenseId);

    /// @notice Reports one line of a royalty statement under `licenseId`: `units` of Nice class
    /// `niceClass` produced and/or `netSales` of them sold (in the terms' currency) in `region`, and
    /// pays their royalty — `units * unitRoyalty` plus `salesRoyaltyBps` of the net sales (computed on
    /// the license's running total) — less what is left of the advance. Only the licensee or a
    /// reporter it approved. Units need the license to cover the region and class now, within its
    /// unit cap; net sales need terms with a sales royalty and a license that is active, started and
    /// covers the region and class, even after its window ended (statements come in arrears, for up to
    /// `SALES_REPORTING_GRACE`; meanwhile the licence keeps its holder's slot).
    /// @param licenseId The license.
    /// @param licensee Its licensee.
    /// @param region Region bit index the units were produced or sold in.
    /// @param niceClass Nice class number (1..45) of the products.
    /// @param units Units produced (may be 0 when `netSales` is not).
    /// @param netSales Net sales, in the terms' currency (may be 0 when `units` is not).
    function reportUsage(
        uint256 licenseId,
        address licensee,
        uint256 region,
        uint8 niceClass,
        uint56 units,
        uint128 netSales
    ) external payable;

    /// @notice What a report under `licenseId` of `units` units and `netSales` of net sales would
    /// accrue and cost now (the `msg.value` an ETH report sends): the royalty, and the part the
    /// advance does not cover. Quote a units report with `netSales` 0 and a sales report with `units` 0.
    /// @param licenseId The license.
    /// @param units Units to report.
    /// @param netSales Net sales to report, in the terms' currency.
    /// @return royalty Royalty the report would accrue.
    /// @return amount What it would cost now.
    function reportDue(uint256 licenseId, uint256 units, uint256 netSales)
        external
        view
        returns (uint256 royalty, uint256 amount);

    /// @notice Approves or removes `reporter` for usage reports of the caller's `licenseId`.
    /// @param licenseId The caller's license.
    /// @param reporter An account allowed to report usage for the licensee.
    /// @param approved True to approve, false to remove.
    function setReporter(uint256 licenseId, address reporter, bool approved) external;

    /// @notice Arbiter flags a breach of `licenseId` (only licenses whose terms allow revocation).
    /// @param licenseId The license.
    /// @param evidenceDigest Digest of the evidence kept off-chain.
    function flagBreach(uint256 licenseId, bytes32 evidenceDigest) external;

    /// @notice Arbiter clears the breach flag of `licenseId` (a flag raised in error, or a breach cured).
    /// @param licenseId The license.
    function clearBreach(uint256 licenseId) external;

    /// @notice The certificate owner revokes `licenseId` after a flagged breach.
    /// @param licenseId The license.
    function revoke(uint256 licenseId) external;

    /// @notice Extends `licenseId` by exactly one period (its window's length at grant), paying the
    /// renewal price. Only the licensee, only while the license runs and no breach is flagged, and only
    /// in its last period (from `end - period`): renewals never stack more than one period ahead.
    /// @param licenseId The license.
    /// @param maxPrice Highest price the caller agrees to pay.
    function renew(uint256 licenseId, uint256 maxPrice) external payable;

    /// @notice Offers the caller's license to `to` when its terms allow (`to` = address(0) withdraws the
    /// offer). Nothing moves until `to` calls `acceptLicenseTransfer`: nobody receives a license unasked.
    /// @param licenseId The license.
    /// @param to The proposed new licensee, or address(0).
    function transferLicense(uint256 licenseId, address to) external;

    /// @notice Takes a license offered to the caller with `transferLicense`. The license must still be
    /// active, running, transferable and free of a breach flag; the caller must have a free slot.
    /// @param licenseId The license offered.
    /// @return newLicenseId The caller's license id.
    function acceptLicenseTransfer(uint256 licenseId) external returns (uint256 newLicenseId);

    /// @notice The account `licenseId` is offered to (address(0) if none).
    /// @param licenseId The license.
    /// @return to The proposed new holder.
    function pendingTransferOf(uint256 licenseId) external view returns (address to);

    /// @notice Splits the pending revenue of `tokenId` in `currency` between the protocol fee, its model's
    /// owner, the owner of the recipe it was rendered from (if any) and its current owner (the rest),
    /// crediting their withdrawable balances. Anyone may call.
    /// @return amount The revenue settled (0 if none was pending).
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param currency ERC-20 address, or address(0) for ETH.
    function settle(uint256 tokenId, address currency) external returns (uint256 amount);

    /// @notice `settle` for several certificates.
    /// @return total The revenue settled in all.
    /// @param tokenIds The certificates.
    /// @param currency ERC-20 address, or address(0) for ETH.
    function settleMany(uint256[] calldata tokenIds, address currency) external returns (uint256 total);

    /// @notice Sends the caller everything owed to it in `currency` (address(0) = ETH).
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @return amount The amount sent.
    function withdraw(address currency) external returns (uint256 amount);

    /// @notice Sets the protocol fee (≤ `MAX_PROTOCOL_FEE_BPS`) and its recipient. Admin only.
    /// @param feeBps Protocol fee in basis points.
    /// @param recipient Account receiving the protocol fee.
    function setProtocolFee(uint16 feeBps, address recipient) external;

    /// @notice The stored license `licenseId`; reverts if unknown.
    /// @param licenseId The license.
    /// @return license The stored license.
    function getLicense(uint256 licenseId) external view returns (License memory license);

    /// @notice The id of the license in slot `index` of `licensee` for `tokenId` (0 if the slot was never
    /// used). Slots are reused once their license has ended, been revoked or transferred away, so the
    /// live licenses are among slots 0..`MAX_LICENSES_PER_HOLDER`-1.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param licensee The account holding (or using) the license.
    /// @param index Position among the licenses `licensee` received for `tokenId` (0 = first).
    /// @return licenseId That license id, or 0 if there is none.
    function licenseIdOf(uint256 tokenId, address licensee, uint256 index) external view returns (uint256 licenseId);

    /// @notice Stored terms `termsId`.
    /// @param termsId Id of the stored terms.
    /// @return terms The terms.
    function getTerms(uint32 termsId) external view returns (LicenseTerms memory terms);

    /// @notice On-chain offer `offerId` as published (its nonce is 0: on-chain offers are told apart by
    /// id) and where it stands: what a buyer needs before accepting, without reading any event.
    /// Reverts with `MotifLicensingUnknownOffer` for an id never published.
    /// @param offerId The on-chain offer (1..`lastOfferId()`).
    /// @return offer Its terms, window, pricing, uses allowed, deadline and named licensee.
    /// @return state Its licensor, terms id, uses so far, whether cancelled, and its price now.
    function getOffer(uint256 offerId) external view returns (Offer memory offer, OfferState memory state);

    /// @notice The id of the latest on-chain offer: offers are numbered 1, 2, … in publication order.
    /// @return offerId The latest id (0 before the first offer).
    function lastOfferId() external view returns (uint256 offerId);

    /// @notice The price an acceptance of on-chain offer `offerId` costs now.
    /// @param offerId The on-chain offer.
    /// @return price The price now, in the offer's currency.
    function currentPrice(uint256 offerId) external view returns (uint256 price);

    /// @notice Revenue of `tokenId` in `currency` not yet settled.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @return amount Revenue received and not yet settled.
    function pending(uint256 tokenId, address currency) external view returns (uint256 amount);

    /// @notice What `account` can withdraw in `currency`.
    /// @param account The account.
    /// @param currency ERC-20 address, or address(0) for ETH.
    /// @return amount What `account` can withdraw now.
    function owed(address account, address currency) external view returns (uint256 amount);

    /// @notice EIP-712 digest of `offer` as its licensor signs it.
    /// @param offer The offer.
    /// @return digest The digest the licensor signs.
    function offerDigest(Offer calldata offer) external view returns (bytes32 digest);

    /// @notice The certificate contract whose certificates are licensed here.
    /// @return certificate_ The certificate contract.
    function certificate() external view returns (IMotifCertificate certificate_);

    /// @notice The model registry whose model owners share license revenue.
    /// @return registry_ The registry.
    function registry() external view returns (IMotifModelRegistry registry_);
}
