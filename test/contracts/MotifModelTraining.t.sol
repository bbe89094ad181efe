// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {MotifLicensing} from "../../contracts/MotifLicensing.sol";
import {MotifModelRegistry} from "../../contracts/MotifModelRegistry.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {IMotifModelRegistry} from "../../contracts/interfaces/IMotifModelRegistry.sol";
import {DatasetRegistration, RecipeRegistration} from "../../contracts/types/Lineage.sol";
import {LicenseFlags, Offer} from "../../contracts/types/License.sol";
import {Model, ModelRegistration, TrainingLineage} from "../../contracts/types/Model.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice A model's training lineage (issue 19 §3): what a registration may claim to be trained on,
/// and the dataset owner's share of every pattern the model makes.
contract MotifModelTrainingTest is LicensingFixture {
    address internal curator = address(0xDA7A);

    function _rawLineage() internal pure returns (TrainingLineage memory) {
        return TrainingLineage({
            datasetId: 0, dataRoot: keccak256("swatches"), configDigest: keccak256("config"), trainer: "motif-train/1.0.0"
        });
    }

    // --- the card -------------------------------------------------------------------------------

    function test_registerModel_zeroCardDigest_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.cardDigest = bytes32(0);
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroDigest.selector, "cardDigest"));
        _register(r);
    }

    // --- a raw root (the studio's own swatches) ----------------------------------------------------

    function test_registerModel_rawRoot_storesAndEmitsTheLineage() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.training = _rawLineage();
        vm.expectEmit(true, true, true, true, address(registry));
        emit IMotifModelRegistry.ModelRegistered(
            2,
            modelOwner,
            r.weightsDigest,
            r.weightsCidDigest,
            r.weightsCidCodec,
            500,
            r.name,
            r.version,
            r.cardDigest,
            0,
            keccak256("swatches"),
            keccak256("config"),
            "motif-train/1.0.0"
        );
        uint32 id = _register(r);
        Model memory m = registry.getModel(id);
        assertEq(m.training.dataRoot, keccak256("swatches"), "root");
        assertEq(m.training.configDigest, keccak256("config"), "config");
        assertEq(m.training.trainer, "motif-train/1.0.0", "trainer");
        (,, uint256 datasetId) = registry.modelRoyalty(id);
        assertEq(datasetId, 0, "no dataset pays a share");
    }

    function test_registerModel_partialLineage_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.training = _rawLineage();
        r.training.configDigest = bytes32(0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroDigest.selector, "training.configDigest")
        );
        _register(r);

        r.training = _rawLineage();
        r.training.trainer = "";
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryInvalidLength.selector, "training.trainer", 0, 32)
        );
        _register(r);

        r.training = _rawLineage();
        r.training.dataRoot = bytes32(0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroDigest.selector, "training.dataRoot")
        );
        _register(r);

        // a trainer alone is a lineage too, and an incomplete one
        r.training = TrainingLineage({datasetId: 0, dataRoot: bytes32(0), configDigest: bytes32(0), trainer: "x"});
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroDigest.selector, "training.configDigest")
        );
        _register(r);
    }

    function test_registerModel_trainerTooLong_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.training = _rawLineage();
        r.training.trainer = "motif-train/1.0.0+build.0123456789abcdef"; // 40 bytes
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryInvalidLength.selector, "training.trainer", 40, 32)
        );
        _register(r);
    }

    // --- wiring the licensing contract --------------------------------------------------------------

    function test_registerModel_datasetBeforeWiring_reverts() public {
        uint256 datasetId = _mintDataset(modelOwner, 1, 1000);
        vm.expectRevert(IMotifModelRegistry.MotifModelRegistryLicensingUnset.selector);
        _register(_trainedRegistration(1, datasetId));
    }

    function test_setLicensing_onceOnlyByAdminBoundToThisRegistry() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, bob, registry.DEFAULT_ADMIN_ROLE()
            )
        );
        vm.prank(bob);
        registry.setLicensing(licensing);

        // a licensing contract paying another registry's model owners
        MotifModelRegistry other = _newRegistry(admin);
        MotifLicensing foreign = _newLicensing(admin, cert, other);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryInvalidLicensing.selector, address(foreign))
        );
        vm.prank(admin);
        registry.setLicensing(foreign);

        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryInvalidLicensing.selector, address(0xBEEF))
        );
        vm.prank(admin);
        registry.setLicensing(IMotifLicensing(address(0xBEEF)));

        vm.expectEmit(true, true, true, true, address(registry));
        emit IMotifModelRegistry.LicensingSet(address(licensing));
        _wire();
        assertEq(address(registry.licensing()), address(licensing), "set");

        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryLicensingAlreadySet.selector, address(licensing))
        );
        vm.prank(admin);
        registry.setLicensing(licensing);
    }

    // --- a dataset certificate -------------------------------------------------------------------

    function test_registerModel_ownDataset_storesTheCertifiedRoot() public {
        _wire();
        uint256 datasetId = _mintDataset(modelOwner, 1, 1000);
        uint32 id = _register(_trainedRegistration(1, datasetId));
        Model memory m = registry.getModel(id);
        assertEq(m.training.datasetId, datasetId, "dataset");
        assertEq(m.training.dataRoot, cert.certificate(datasetId).kindDigest, "root taken from the certificate");
        (,, uint256 paying) = registry.modelRoyalty(id);
        assertEq(paying, datasetId, "the dataset takes its share");
    }

    function test_registerModel_declaredRootMatchingTheDataset_accepted() public {
        _wire();
        uint256 datasetId = _mintDataset(modelOwner, 1, 1000);
        ModelRegistration memory r = _trainedRegistration(1, datasetId);
        r.training.dataRoot = cert.certificate(datasetId).kindDigest;
        assertEq(registry.getModel(_register(r)).training.dataRoot, r.training.dataRoot, "root");
    }

    function test_registerModel_rootNotTheDatasets_reverts() public {
        _wire();
        uint256 datasetId = _mintDataset(modelOwner, 1, 1000);
        ModelRegistration memory r = _trainedRegistration(1, datasetId);
        r.training.dataRoot = keccak256("another set of swatches");
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifModelRegistry.MotifModelRegistryDataRootMismatch.selector,
                datasetId,
                r.training.dataRoot,
                cert.certificate(datasetId).kindDigest
            )
        );
        _register(r);
    }

    function test_registerModel_patternOrRecipeAsDataset_reverts() public {
        _wire();
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotADataset.selector, tokenId, uint8(0))
        );
        _register(_trainedRegistration(1, tokenId));

        uint256 recipeId = _mintRecipe(modelOwner, 3, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotADataset.selector, recipeId, uint8(1))
        );
        _register(_trainedRegistration(1, recipeId));
    }

    function test_registerModel_unknownDataset_reverts() public {
        _wire();
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 777));
        _register(_trainedRegistration(1, 777));
    }

    function test_registerModel_someoneElsesDatasetWithoutLicence_reverts() public {
        _wire();
        uint256 datasetId = _mintDataset(curator, 1, 1000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifModelRegistry.MotifModelRegistryTrainingNotLicensed.selector, datasetId, modelOwner
            )
        );
        _register(_trainedRegistration(1, datasetId));
    }

    /// @dev The licences that do not allow training: without the AI_TRAINING flag, expired, revoked.
    function test_registerModel_licenceWithoutTrainingRights_reverts() public {
        _wire();
        uint256 datasetId = _mintDataset(curator, 1, 1000);
        bytes memory refused = abi.encodeWithSelector(
            IMotifModelRegistry.MotifModelRegistryTrainingNotLicensed.selector, datasetId, modelOwner
        );

        // commercial and derivative rights, but not training
        Offer memory o = _offer(_mask(FR), LicenseFlags.COMMERCIAL | LicenseFlags.DERIVATIVES, 0);
        o.terms.tokenId = datasetId;
        vm.prank(curator);
        _accept(licensing.publishOffer(o), modelOwner, 0);
        vm.expectRevert(refused);
        _register(_trainedRegistration(1, datasetId));

        // a training licence, revoked for breach
        o = _offer(_mask(FR), LicenseFlags.AI_TRAINING | LicenseFlags.REVOCABLE_FOR_BREACH, 0);
        o.terms.tokenId = datasetId;
        o.nonce = 2;
        vm.prank(curator);
        uint256 licenseId = _accept(licensing.publishOffer(o), modelOwner, 0);
        vm.prank(admin);
        licensing.flagBreach(licenseId, keccak256("evidence"));
        vm.prank(curator);
        licensing.revoke(licenseId);
        vm.expectRevert(refused);
        _register(_trainedRegistration(1, datasetId));

        // a training licence whose 90 days have passed
        o = _offer(_mask(FR), LicenseFlags.AI_TRAINING, 0);
        o.terms.tokenId = datasetId;
        o.nonce = 3;
        vm.prank(curator);
        _accept(licensing.publishOffer(o), modelOwner, 0);
        vm.warp(block.timestamp + 90 days);
        vm.expectRevert(refused);
        _register(_trainedRegistration(1, datasetId));
    }

    function test_registerModel_liveTrainingLicence_accepted() public {
        (uint32 trained, uint256 datasetId) = _trainedModel(curator, 1500, 1);
        assertEq(registry.getModel(trained).training.datasetId, datasetId, "trained on the licensed dataset");
        assertEq(cert.ownerOf(datasetId), curator, "the dataset stays its curator's");
    }

    // --- licensedFor --------------------------------------------------------------------------------

    function test_licensedFor_allFlagsInsideTheWindowOnly() public {
        Offer memory o = _offer(_mask(FR), LicenseFlags.AI_TRAINING | LicenseFlags.COMMERCIAL, 0);
        uint256 licenseId = _accept(_publish(o), bob, 0);
        uint48 now_ = uint48(block.timestamp);
        (bool ok, uint256 id) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING, now_);
        assertTrue(ok, "training allowed");
        assertEq(id, licenseId, "by that licence");
        (ok,) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING | LicenseFlags.COMMERCIAL, now_);
        assertTrue(ok, "both flags");
        (ok,) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING | LicenseFlags.DERIVATIVES, now_);
        assertFalse(ok, "a flag the terms lack");
        (ok,) = licensing.licensedFor(tokenId, bob, LicenseFlags.AI_TRAINING, now_ + 90 days);
        assertFalse(ok, "the window's end is excluded");
        (ok,) = licensing.licensedFor(tokenId, carol, LicenseFlags.AI_TRAINING, now_);
        assertFalse(ok, "another account");
    }

    // --- the dataset owner's share ----------------------------------------------------------------

    function test_datasetShare_aboveCap_reverts() public {
        DatasetRegistration memory d = _dataset(1, 4);
        d.shareBps = 2501;
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateDatasetShareTooHigh.selector, 2501, 2500)
        );
        vm.prank(curator);
        cert.mintDataset(d);
    }

    function test_shareOf_followsTheCertificatesOwner() public {
        uint256 datasetId = _mintDataset(curator, 1, 1200);
        (address owner, uint16 share) = cert.shareOf(datasetId);
        assertEq(owner, curator, "curator");
        assertEq(share, 1200, "share");
        assertEq(cert.certificate(datasetId).shareBps, 1200, "in the view");
        vm.prank(curator);
        cert.transferFrom(curator, bob, datasetId);
        (owner,) = cert.shareOf(datasetId);
        assertEq(owner, bob, "the share follows the certificate");
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 5));
        cert.shareOf(5);
    }

    /// @dev Five payees: fee, model owner, recipe owner, dataset owner, certificate owner. Every wei
    /// owed once, each share by the documented rule.
    function testFuzz_settle_fivePayees(uint128 price, uint16 feeBps, uint16 recipeBps, uint16 datasetBps) public {
        price = uint128(bound(price, 1, 1e30));
        feeBps = uint16(bound(feeBps, 0, licensing.MAX_PROTOCOL_FEE_BPS()));
        recipeBps = uint16(bound(recipeBps, 0, cert.MAX_RECIPE_SHARE_BPS()));
        datasetBps = uint16(bound(datasetBps, 0, cert.MAX_DATASET_SHARE_BPS()));
        address feeRecipient = address(0xFEE);
        address recipeOwner = address(0x4EC1BE);
        vm.prank(admin);
        licensing.setProtocolFee(feeBps, feeRecipient);
        (uint32 trained,) = _trainedModel(curator, datasetBps, 1);
        vm.prank(recipeOwner);
        uint256 recipeId = cert.mintRecipe(
            RecipeRegistration({
                modelId: trained,
                recipeDigest: keccak256("trained recipe"),
                metadataDigest: keccak256("trained recipe metadata"),
                metadataCodec: 0x55,
                royaltyBps: 0,
                shareBps: recipeBps
            })
        );
        uint256 pattern = _mintWithModel(licensor, 7, trained, recipeId);
        Offer memory o = _offer(_mask(FR), 0, price);
        o.terms.tokenId = pattern;
        _accept(_publish(o), bob, price);
        licensing.settle(pattern, address(0));

        uint256 fee = uint256(price) * feeBps / 10_000;
        uint256 net = price - fee;
        uint256 modelShare = net * 500 / 10_000;
        uint256 recipeShare = net * recipeBps / 10_000;
        uint256 datasetShare = net * datasetBps / 10_000;
        assertEq(licensing.owed(feeRecipient, address(0)), fee, "fee");
        assertEq(licensing.owed(modelOwner, address(0)), modelShare, "model owner");
        assertEq(licensing.owed(recipeOwner, address(0)), recipeShare, "recipe owner");
        assertEq(licensing.owed(curator, address(0)), datasetShare, "dataset owner");
        uint256 ownerShare = net - modelShare - recipeShare - datasetShare;
        assertEq(licensing.owed(licensor, address(0)), ownerShare, "certificate owner");
        assertEq(fee + modelShare + recipeShare + datasetShare + ownerShare, price, "every wei owed once");
        assertGe(ownerShare, net / 4, "the certificate owner keeps at least a quarter of the net");
        assertEq(address(licensing).balance, price, "the contract holds what it owes");
    }

    function test_settle_emitsTheDatasetShare() public {
        (uint32 trained,) = _trainedModel(curator, 2000, 1);
        uint256 pattern = _mintWithModel(licensor, 7, trained, 0);
        Offer memory o = _offer(_mask(FR), 0, 1 ether);
        o.terms.tokenId = pattern;
        _accept(_publish(o), bob, 1 ether);
        vm.expectEmit(true, true, true, true, address(licensing));
        emit IMotifLicensing.RevenueSettled(pattern, address(0), 1 ether, 0.75 ether, 0.05 ether, 0, 0.2 ether, 0);
        licensing.settle(pattern, address(0));
    }
}
