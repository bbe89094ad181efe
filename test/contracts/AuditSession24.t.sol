// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {MotifLicensing} from "../../contracts/MotifLicensing.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {IMotifModelRegistry} from "../../contracts/interfaces/IMotifModelRegistry.sol";
import {CertificateKind, CertificateView, DatasetRegistration, RecipeRegistration} from "../../contracts/types/Lineage.sol";
import {LicenseFlags, Offer} from "../../contracts/types/License.sol";
import {Model, ModelRegistration, TrainingLineage} from "../../contracts/types/Model.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @dev The storage-access cheatcodes (not in the shared `Vm` interface).
interface VmAccesses {
    function record() external;
    function accesses(address target) external returns (bytes32[] memory reads, bytes32[] memory writes);
}

/// @dev Says it is a licensing contract bound to `registry_` and that every account holds an
/// AI-training licence of every token; it is neither.
contract ImpostorLicensing {
    IMotifModelRegistry public immutable registry;
    IMotifCertificate public immutable certificate;

    constructor(IMotifModelRegistry registry_, IMotifCertificate certificate_) {
        registry = registry_;
        certificate = certificate_;
    }

    function licensedFor(uint256, address, uint16, uint48) external pure returns (bool, uint256) {
        return (true, 1);
    }
}

/// @notice Session 24 audit of the model-training change (49203a0): the registration's card and
/// training lineage, `setLicensing`, `licensedFor` and the five-payee settlement.
contract AuditSession24Test is LicensingFixture {
    VmAccesses internal constant vmAccesses = VmAccesses(address(uint160(uint256(keccak256("hevm cheat code")))));
    address internal curator = address(0xDA7A);
    uint256 internal constant BPS = 10_000;

    /// @dev `curator` offers an AI-training licence of `datasetId` (flags `flags`, `o` tweaked by the
    /// caller through the returned offer id) and `buyer` takes it.
    function _trainingLicence(uint256 datasetId, address buyer, uint16 flags, uint256 nonce)
        internal
        returns (uint256 licenseId)
    {
        Offer memory o = _offer(_mask(FR), flags, 0);
        o.terms.tokenId = datasetId;
        o.nonce = nonce;
        vm.prank(curator);
        licenseId = _accept(licensing.publishOffer(o), buyer, 0);
    }

    function _sell(uint256 pattern, uint128 price) internal {
        Offer memory o = _offer(_mask(FR), 0, price);
        o.terms.tokenId = pattern;
        o.nonce = uint256(keccak256(abi.encode(pattern, price)));
        address seller = cert.ownerOf(pattern);
        vm.prank(seller);
        uint256 offerId = licensing.publishOffer(o);
        _accept(offerId, bob, price);
    }

    // =============================================================================================
    // FINDINGS
    // =============================================================================================

    /// @notice FINDING: `modelRoyalty` no longer reads slot 0 only. The registry's contract comment
    /// (MotifModelRegistry.sol: "`modelStatus` and `modelRoyalty`, which the certificate and
    /// licensing contracts call on every mint and sale, read slot 0 only") is the documented gas rule
    /// of the settle path; the change reads `training.datasetId` (slot 7 of the record) on every call,
    /// a second cold SLOAD (+2,100 gas) on every `settle`, for every model, trained or not
    /// (gas-snapshot settle 63,127 -> 65,552).
    function test_finding_modelRoyalty_readsMoreThanSlotZero() public {
        vmAccesses.record();
        registry.modelRoyalty(modelId); // the fixture's model: no training lineage at all
        (bytes32[] memory reads,) = vmAccesses.accesses(address(registry));
        uint256 distinct;
        for (uint256 i; i < reads.length; ++i) {
            bool seen;
            for (uint256 j; j < i; ++j) if (reads[j] == reads[i]) seen = true;
            if (!seen) ++distinct;
        }
        assertEq(distinct, 1, "modelRoyalty reads one storage slot (the record's slot 0), as documented");
    }

    /// @notice FINDING: `setLicensing`'s "bound to this registry" is the candidate's own word: any
    /// contract whose `registry()` returns this registry is accepted, and from then on its
    /// `licensedFor` decides who may train on whose dataset. Here an impostor (not a licensing
    /// contract; it answers "licensed" for everyone) lets the model owner register a model trained on
    /// a dataset it neither owns nor holds any licence of.
    function test_finding_setLicensing_acceptsAnImpostorThatOnlyClaimsTheRegistry() public {
        ImpostorLicensing impostor = new ImpostorLicensing(registry, cert);
        vm.prank(admin);
        try registry.setLicensing(IMotifLicensing(address(impostor))) {
            // accepted: the training-licence rule now belongs to the impostor
            uint256 datasetId = _mintDataset(curator, 1, 2500);
            (bool held,) = licensing.licensedFor(datasetId, modelOwner, LicenseFlags.AI_TRAINING, uint48(block.timestamp));
            assertFalse(held, "the model owner holds no training licence in the real licensing contract");
            uint32 trained = _register(_trainedRegistration(1, datasetId));
            assertEq(trained, 0, "a model trained on a dataset nobody licensed to its owner must not register");
        } catch {}
    }

    /// @notice FINDING: a model's dataset id is looked up in the settling licensing contract's
    /// certificate at every `settle`, and `shareOf` reverts for a token that certificate does not
    /// know. `setLicensing` checks only `licensing.registry()`, never that `licensing.certificate()`
    /// is the certificate whose patterns pay the model, so a licensing contract for another
    /// certificate bound to the same registry (e.g. a second certificate deployment) is accepted; a
    /// model trained on one of its datasets then makes every sale of its patterns unsettleable here:
    /// the revenue is locked for good (no other path moves pending revenue).
    function test_finding_settle_locksRevenueWhenTheDatasetIsAnotherCertificatesToken() public {
        MotifCertificate cert2 = _newCertificate(admin, registry);
        MotifLicensing licensing2 = _newLicensing(admin, cert2, registry);
        vm.prank(admin);
        registry.setLicensing(licensing2); // accepted: it is bound to this registry
        DatasetRegistration memory d = _dataset(1, 4);
        d.shareBps = 1000;
        vm.prank(modelOwner);
        uint256 datasetId = cert2.mintDataset(d); // the model owner's own dataset, in the second certificate
        uint32 trained = _register(_trainedRegistration(1, datasetId));
        uint256 pattern = _mintWithModel(licensor, 7, trained, 0);
        _sell(pattern, 1 ether);
        assertEq(licensing.pending(pattern, address(0)), 1 ether, "sold");
        try licensing.settle(pattern, address(0)) {}
        catch {
            revert AssertionFailed("settle reverts: the 1 ether paid for the pattern can never be settled or withdrawn");
        }
    }

    // =============================================================================================
    // PROBES (held)
    // =============================================================================================

    /// @notice PROBE (held): a pattern, a recipe or an unknown id named as the dataset is refused; the
    /// stored root is always the dataset certificate's whatever root is declared.
    function test_probe_held_datasetKindAndRoot() public {
        _wire();
        uint256 datasetId = _mintDataset(modelOwner, 1, 1000);
        ModelRegistration memory r = _trainedRegistration(1, datasetId);
        uint32 id = _register(r);
        assertEq(registry.getModel(id).training.dataRoot, keccak256(abi.encode("root", uint256(1))), "root");
        uint256 recipeId = _mintRecipe(modelOwner, 9, 100);
        r = _trainedRegistration(2, recipeId);
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotADataset.selector, recipeId, uint8(1)));
        _register(r);
        r = _trainedRegistration(3, tokenId);
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotADataset.selector, tokenId, uint8(0)));
        _register(r);
    }

    /// @notice PROBE (held): the licence must be live at registration: one not yet started, one whose
    /// units are used up, one transferred away, and one held by another account do not count; the
    /// AI_TRAINING flag alone is not enough when the licence is not the owner's.
    function test_probe_held_trainingLicenceMustBeLiveAndTheOwners() public {
        _wire();
        uint256 datasetId = _mintDataset(curator, 1, 1000);
        bytes memory refused =
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryTrainingNotLicensed.selector, datasetId, modelOwner);

        // starts tomorrow
        Offer memory o = _offer(_mask(FR), LicenseFlags.AI_TRAINING, 0);
        o.terms.tokenId = datasetId;
        o.window = _absolute(block.timestamp + 1 days, block.timestamp + 30 days);
        vm.prank(curator);
        _accept(licensing.publishOffer(o), modelOwner, 0);
        vm.expectRevert(refused);
        _register(_trainedRegistration(1, datasetId));

        // one unit, used
        o = _offer(_mask(FR), LicenseFlags.AI_TRAINING, 0);
        o.terms.tokenId = datasetId;
        o.terms.unitCap = 1;
        o.terms.unitRoyalty = 0;
        o.nonce = 2;
        vm.prank(curator);
        uint256 capped = _accept(licensing.publishOffer(o), modelOwner, 0);
        vm.prank(modelOwner);
        licensing.reportUsage(capped, modelOwner, FR, TEXTILES, 1, 0);
        vm.expectRevert(refused);
        _register(_trainedRegistration(1, datasetId));

        // a transferable training licence, moved to carol: not the owner's any more
        o = _offer(_mask(FR), LicenseFlags.AI_TRAINING | LicenseFlags.TRANSFERABLE, 0);
        o.terms.tokenId = datasetId;
        o.nonce = 3;
        vm.prank(curator);
        uint256 moving = _accept(licensing.publishOffer(o), modelOwner, 0);
        _transfer(moving, modelOwner, carol);
        vm.expectRevert(refused);
        _register(_trainedRegistration(1, datasetId));

        // carol holds it now: a model owned by carol may register
        ModelRegistration memory r = _trainedRegistration(1, datasetId);
        r.owner = carol;
        assertEq(registry.getModel(_register(r)).training.datasetId, datasetId, "carol's model");
    }

    /// @notice PROBE (held): `licensedFor` answers as `isLicensed` over any region, per flags: checked
    /// against the documented rule over a few licences (flags, windows, revocation).
    function test_probe_held_licensedForIsIsLicensedPerFlagsAnyRegion() public {
        Offer memory o = _offer(_mask(DE), LicenseFlags.COMMERCIAL, 0);
        _accept(_publish(o), bob, 0);
        o = _offer(_mask(JP), LicenseFlags.AI_TRAINING | LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        o.nonce = 2;
        uint256 revocable = _accept(_publish(o), bob, 0);
        uint48 t = uint48(block.timestamp);
        (bool ok, uint256 id) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING, t);
        assertTrue(ok, "second slot allows training");
        assertEq(id, revocable, "that licence");
        (bool inJp,) = licensing.isLicensed(tokenId, bob, JP, t);
        assertTrue(inJp, "isLicensed agrees in its region");
        (ok,) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING | LicenseFlags.COMMERCIAL, t);
        assertFalse(ok, "no single licence carries both");
        vm.prank(admin);
        licensing.flagBreach(revocable, keccak256("e"));
        vm.prank(licensor);
        licensing.revoke(revocable);
        (ok,) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING, t);
        assertFalse(ok, "revoked");
        (ok,) = licensing.licensedFor(tokenId, bob, 0, t);
        assertTrue(ok, "no flags: any live licence, as isLicensed over its regions");
    }

    /// @notice PROBE (held): one account as certificate owner, dataset owner and model owner, the
    /// model, recipe and dataset shares at their caps, an odd price: every wei owed exactly once,
    /// each share by the documented rule (computed here), the remainder to the certificate owner.
    function test_probe_held_fivePayeesAtTheCapsSameAccount() public {
        vm.prank(admin);
        licensing.setProtocolFee(500, address(0xFEE));
        _wire();
        uint256 datasetId = _mintDataset(licensor, 1, 2500);
        ModelRegistration memory r = _trainedRegistration(1, datasetId);
        r.owner = licensor;
        r.royaltyBps = 2500;
        uint32 trained = _register(r);
        vm.prank(licensor);
        uint256 recipeId = cert.mintRecipe(
            RecipeRegistration({
                modelId: trained,
                recipeDigest: keccak256("r"),
                metadataDigest: keccak256("rm"),
                metadataCodec: 0x55,
                royaltyBps: 0,
                shareBps: 2500
            })
        );
        uint256 pattern = _mintWithModel(licensor, 7, trained, recipeId);
        uint128 price = 1 ether + 12_345;
        _sell(pattern, price);
        licensing.settle(pattern, address(0));
        uint256 fee = uint256(price) * 500 / BPS;
        uint256 net = price - fee;
        uint256 each = net * 2500 / BPS;
        assertEq(licensing.owed(address(0xFEE), address(0)), fee, "fee");
        assertEq(licensing.owed(licensor, address(0)), net, "one account takes the whole net: 3 capped shares + remainder");
        assertGe(net - 3 * each, net / 4, "the remainder is at least a quarter of the net");
        assertEq(licensing.pending(pattern, address(0)), 0, "nothing left pending");
        assertEq(licensing.settle(pattern, address(0)), 0, "settling again pays nothing");
    }

    /// @notice PROBE (held): the dataset share follows the dataset certificate (transferred between
    /// two sales), and the share is the one fixed at the dataset's mint (no setter changes it).
    function test_probe_held_datasetShareFollowsTheCertificate() public {
        (uint32 trained, uint256 datasetId) = _trainedModel(curator, 2000, 1);
        uint256 pattern = _mintWithModel(licensor, 7, trained, 0);
        _sell(pattern, 1 ether);
        licensing.settle(pattern, address(0));
        vm.prank(curator);
        cert.transferFrom(curator, carol, datasetId);
        _sell(pattern, 2 ether);
        licensing.settle(pattern, address(0));
        assertEq(licensing.owed(curator, address(0)), 0.2 ether, "first sale: the curator's 20%");
        assertEq(licensing.owed(carol, address(0)), 0.4 ether, "second sale: carol's 20%");
        (, uint16 share) = cert.shareOf(datasetId);
        assertEq(share, 2000, "unchanged");
    }

    /// @notice PROBE (held): a training licence that ends, is revoked, or whose dataset is sold after
    /// registration does not change the registered model or its settlement (the rule is "at
    /// registration"), and re-registering the same weights is refused.
    function test_probe_held_atRegistrationOnly() public {
        (uint32 trained, uint256 datasetId) = _trainedModel(curator, 1000, 1);
        vm.warp(block.timestamp + 365 days);
        (bool live,) = licensing.licensedFor(datasetId, modelOwner, LicenseFlags.AI_TRAINING, uint48(block.timestamp));
        assertFalse(live, "the licence ended");
        Model memory m = registry.getModel(trained);
        assertEq(m.training.datasetId, datasetId, "kept");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifModelRegistry.MotifModelRegistryDuplicateWeights.selector, m.weightsDigest, trained
            )
        );
        ModelRegistration memory again = _trainedRegistration(1, 0);
        again.training.dataRoot = keccak256("swatches");
        _register(again);
    }
}
