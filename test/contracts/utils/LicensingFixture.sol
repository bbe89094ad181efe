// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifLicensing} from "../../../contracts/MotifLicensing.sol";
import {CidV1} from "../../../contracts/libraries/CidV1.sol";
import {DatasetRegistration, MintRequest} from "../../../contracts/types/Lineage.sol";
import {ProductClassMask} from "../../../contracts/libraries/ProductClassMask.sol";
import {LicenseFlags, LicenseTerms, LicenseWindow, Offer, Pricing} from "../../../contracts/types/License.sol";
import {ModelRegistration, TrainingLineage} from "../../../contracts/types/Model.sol";
import {MotifFixture} from "./MotifFixture.sol";

/// @notice The Motif fixture plus a licensing contract and one certificate owned by `alice` (the
/// licensor), with helpers for offers over a few real region indices of the frozen table.
abstract contract LicensingFixture is MotifFixture {
    // Bit indices in regions-v1.json.
    uint256 internal constant DE = 56;
    uint256 internal constant ES = 67;
    uint256 internal constant FR = 74;
    uint256 internal constant IT = 109;
    uint256 internal constant US = 232;
    uint256 internal constant JP = 113;
    /// Nice classes (fields of use) the tests name: 24 textiles and household linen, 25 clothing,
    /// 27 rugs and wallpaper.
    uint8 internal constant TEXTILES = 24;
    uint8 internal constant CLOTHING = 25;
    uint8 internal constant WALLPAPER = 27;

    uint256 internal constant LICENSOR_KEY = 0xA11CE5;
    uint256 internal constant UNIT_ROYALTY = 0.001 ether;

    MotifLicensing internal licensing;
    address internal licensor;
    address internal carol = address(0xCA401);
    uint256 internal tokenId;

    function setUp() public virtual override {
        super.setUp();
        licensor = vm.addr(LICENSOR_KEY);
        licensing = _newLicensing(admin, cert, registry);
        tokenId = _mintTo(licensor, 42);
    }

    function _mintTo(address to, uint256 salt) internal returns (uint256 id) {
        MintRequest memory r = _request(salt);
        r.to = to;
        vm.prank(attester);
        id = cert.mint(r);
    }

    /// @dev The admin wires the registry to this licensing contract (training datasets are checked there).
    function _wire() internal {
        vm.prank(admin);
        registry.setLicensing(licensing);
    }

    /// @dev `who` certifies dataset `salt` (4 members) with revenue share `shareBps`.
    function _mintDataset(address who, uint256 salt, uint16 shareBps) internal returns (uint256 datasetId) {
        DatasetRegistration memory d = _dataset(salt, 4);
        d.shareBps = shareBps;
        vm.prank(who);
        datasetId = cert.mintDataset(d);
    }

    /// @dev The registrar registers `r`.
    function _register(ModelRegistration memory r) internal returns (uint32) {
        vm.prank(admin);
        return registry.registerModel(r);
    }

    /// @dev `curator` certifies dataset `salt` (revenue share `shareBps`) and licenses it for AI
    /// training to the fixture's model owner, whose model trained on it the registrar then registers
    /// (the registry wired to this licensing contract first).
    function _trainedModel(address curator, uint16 shareBps, uint256 salt)
        internal
        returns (uint32 trained, uint256 datasetId)
    {
        DatasetRegistration memory d = _dataset(salt, 3);
        d.shareBps = shareBps;
        vm.prank(curator);
        datasetId = cert.mintDataset(d);
        Offer memory o = _offer(_mask(FR), LicenseFlags.AI_TRAINING, 0);
        o.terms.tokenId = datasetId;
        vm.prank(curator);
        uint256 offerId = licensing.publishOffer(o);
        _accept(offerId, modelOwner, 0);
        if (address(registry.licensing()) == address(0)) {
            vm.prank(admin);
            registry.setLicensing(licensing);
        }
        vm.prank(admin);
        trained = registry.registerModel(_trainedRegistration(salt, datasetId));
    }

    /// @dev A registration of the fixture's model owner trained on `datasetId` (root from the certificate).
    function _trainedRegistration(uint256 salt, uint256 datasetId) internal view returns (ModelRegistration memory r) {
        r = _registration(keccak256(abi.encode("trained-weights", salt)));
        r.training = TrainingLineage({
            datasetId: datasetId, dataRoot: bytes32(0), configDigest: keccak256("train-config"), trainer: "motif-train/1.0.0"
        });
    }

    /// @dev The attester mints pattern `salt` made with model `m` (from `recipeId`, 0 for none) to `to`.
    function _mintWithModel(address to, uint256 salt, uint32 m, uint256 recipeId) internal returns (uint256 id) {
        MintRequest memory r = _request(salt);
        r.to = to;
        r.lineage.modelId = m;
        r.lineage.recipeId = recipeId;
        vm.prank(attester);
        id = cert.mint(r);
    }

    /// @dev The design's owner mints pattern `salt`, attested by the attester, as a colourway of
    /// `designId` (same model and creator as the fixture's patterns).
    function _mintColourway(uint256 designId, uint256 salt) internal returns (uint256 id) {
        MintRequest memory r = _request(salt);
        r.to = cert.ownerOf(designId);
        r = _signedColourway(r, ATTESTER_KEY, designId);
        vm.prank(r.to); // the design's owner sends the attested request (its consent)
        id = cert.mintColourway(r, designId);
    }

    /// @dev `_offer` for certificate `token` instead of the fixture's.
    function _offerFor(uint256 token, uint256 regions, uint16 flags, uint128 price) internal view returns (Offer memory o) {
        o = _offer(regions, flags, price);
        o.terms.tokenId = token;
    }

    function _mask(uint256 a) internal pure returns (uint256) {
        return uint256(1) << a;
    }

    function _mask(uint256 a, uint256 b) internal pure returns (uint256) {
        return (uint256(1) << a) | (uint256(1) << b);
    }

    function _eu() internal pure returns (uint256) {
        return _mask(DE) | _mask(ES) | _mask(FR) | _mask(IT);
    }

    /// @dev A 90-day non-exclusive ETH offer over `regions`, 10 uses, fixed price.
    function _offer(uint256 regions, uint16 flags, uint128 price) internal view returns (Offer memory o) {
        // field by field: a field added to LicenseTerms starts at zero here without an edit
        // (currency ETH, no unit cap, not renewable are the zero values)
        o.terms.tokenId = tokenId;
        o.terms.regions = regions;
        o.terms.classes = ProductClassMask.ALL;
        o.terms.flags = flags;
        o.terms.unitRoyalty = uint80(UNIT_ROYALTY);
        o.terms.termsDigest = keccak256("legal text v1");
        o.terms.termsCodec = CidV1.RAW;
        o.window = LicenseWindow({start: 0, end: 0, duration: 90 days});
        o.pricing = Pricing({price: price, ceiling: 0, decayWindow: 0, demandCap: 0});
        o.maxUses = flags & LicenseFlags.EXCLUSIVE != 0 ? 1 : 10;
        o.deadline = uint40(block.timestamp + 7 days);
        o.nonce = 1;
    }

    function _absolute(uint256 start, uint256 end) internal pure returns (LicenseWindow memory) {
        return LicenseWindow({start: uint40(start), end: uint40(end), duration: 0});
    }

    function _publish(Offer memory o) internal returns (uint256 offerId) {
        vm.prank(licensor);
        offerId = licensing.publishOffer(o);
    }

    function _accept(uint256 offerId, address buyer, uint256 price) internal returns (uint256 licenseId) {
        vm.deal(buyer, buyer.balance + price);
        vm.prank(buyer);
        licenseId = licensing.acceptOffer{value: price}(offerId, price);
    }

    /// @dev The licensing contract's EIP-712 domain separator written out from the standard (an oracle
    /// for `offerDigest`, independent of OpenZeppelin's EIP712).
    function _licensingDomainByHand() internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("Motif Licensing"),
                keccak256("1"),
                block.chainid,
                address(licensing)
            )
        );
    }

    /// @dev `who` reports one royalty statement line under licence `id`, paying what `reportDue`
    /// quotes; returns what it paid.
    function _report(uint256 id, address who, uint256 region, uint256 niceClass, uint256 units, uint256 netSales)
        internal
        returns (uint256 paid)
    {
        (, paid) = licensing.reportDue(id, units, netSales);
        vm.deal(who, who.balance + paid);
        vm.prank(who);
        licensing.reportUsage{value: paid}(id, who, region, uint8(niceClass), uint56(units), uint128(netSales));
    }

    /// @dev `from` offers license `id` to `to`, who accepts it; returns `to`'s license id.
    function _transfer(uint256 id, address from, address to) internal returns (uint256 moved) {
        vm.prank(from);
        licensing.transferLicense(id, to);
        vm.prank(to);
        moved = licensing.acceptLicenseTransfer(id);
    }

    /// @dev Gives `who` `count` more live licences (perpetual, non-exclusive, revocable, in region bit
    /// 3, which no other test uses), so that its never-used slots run out and the next licence it
    /// takes reuses a dead slot. Returns the offer, for revoking one of them later.
    function _fillSlots(address who, uint256 count) internal returns (uint256 offerId) {
        Offer memory o = _offer(_mask(3), LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        o.window = _absolute(0, licensing.PERPETUAL());
        o.maxUses = uint32(count);
        offerId = _publish(o);
        for (uint256 i; i < count; ++i) _accept(offerId, who, 0);
    }

    function _settle() internal {
        licensing.settle(tokenId, address(0));
    }

    function _signOffer(Offer memory o, uint256 key) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, licensing.offerDigest(o));
        return abi.encodePacked(r, s, v);
    }
}
