// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {MotifModelRegistry} from "../../contracts/MotifModelRegistry.sol";
import {IMotifModelRegistry} from "../../contracts/interfaces/IMotifModelRegistry.sol";
import {Model, ModelRegistration, ModelStatus} from "../../contracts/types/Model.sol";
import {MotifFixture} from "./utils/MotifFixture.sol";

contract MotifModelRegistryTest is MotifFixture {
    address internal newOwner = address(0x2E0);

    // --- constructor ---------------------------------------------------------------------------

    function test_constructor_grantsAdminAndRegistrar() public view {
        assertTrue(registry.hasRole(registry.DEFAULT_ADMIN_ROLE(), admin), "admin role");
        assertTrue(registry.hasRole(registry.REGISTRAR_ROLE(), admin), "registrar role");
    }

    function test_constructor_zeroAdmin_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroOwner.selector));
        _newRegistry(address(0));
    }

    // --- registerModel -------------------------------------------------------------------------

    function test_registerModel_storesRecordAndEmits() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.weightsCidDigest = keccak256("cid-2");
        r.weightsCidCodec = 0x70;
        vm.expectEmit(true, true, true, true, address(registry));
        emit IMotifModelRegistry.ModelRegistered(
            2,
            modelOwner,
            r.weightsDigest,
            r.weightsCidDigest,
            0x70,
            500,
            "motif-cppn-indigo",
            "1.0.0",
            r.cardDigest,
            0,
            bytes32(0),
            bytes32(0),
            ""
        );
        vm.prank(admin);
        uint32 id = registry.registerModel(r);

        assertEq(id, 2, "sequential id");
        assertEq(registry.modelCount(), 2, "count");
        assertEq(registry.modelIdByWeights(r.weightsDigest), 2, "by weights");
        Model memory m = registry.getModel(id);
        assertEq(m.owner, modelOwner, "owner");
        assertEq(m.royaltyBps, 500, "royalty");
        assertTrue(m.status == ModelStatus.Active, "active");
        assertEq(m.registeredAt, block.timestamp, "registeredAt");
        assertEq(m.weightsCidCodec, 0x70, "codec");
        assertEq(m.weightsDigest, r.weightsDigest, "weights");
        assertEq(m.weightsCidDigest, r.weightsCidDigest, "cid");
        assertEq(m.pendingOwner, address(0), "pending");
        assertEq(m.cardDigest, r.cardDigest, "card");
        assertEq(m.training.datasetId, 0, "no dataset");
        assertEq(m.training.dataRoot, bytes32(0), "no training declared");
        assertEq(m.name, "motif-cppn-indigo", "name");
        assertEq(m.version, "1.0.0", "version");
    }

    function test_registerModel_notRegistrar_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, alice, registry.REGISTRAR_ROLE()
            )
        );
        vm.prank(alice);
        registry.registerModel(r);
    }

    function test_registerModel_zeroOwner_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.owner = address(0);
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroOwner.selector));
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_zeroWeightsDigest_reverts() public {
        ModelRegistration memory r = _registration(bytes32(0));
        r.weightsCidDigest = keccak256("x");
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroDigest.selector, "weightsDigest")
        );
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_zeroCidDigest_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.weightsCidDigest = bytes32(0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryZeroDigest.selector, "weightsCidDigest")
        );
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_unsupportedCodec_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.weightsCidCodec = 0x12;
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryUnsupportedCodec.selector, 0x12));
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_royaltyTooHigh_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.royaltyBps = 2501;
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryRoyaltyTooHigh.selector, 2501, 2500)
        );
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_emptyName_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.name = "";
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryInvalidLength.selector, "name", 0, 64)
        );
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_longVersion_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-2"));
        r.version = "0123456789abcdef0123456789abcdef0";
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryInvalidLength.selector, "version", 33, 32)
        );
        vm.prank(admin);
        registry.registerModel(r);
    }

    function test_registerModel_duplicateWeights_reverts() public {
        ModelRegistration memory r = _registration(keccak256("weights-1"));
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifModelRegistry.MotifModelRegistryDuplicateWeights.selector, keccak256("weights-1"), 1
            )
        );
        vm.prank(admin);
        registry.registerModel(r);
    }

    function testFuzz_registerModel_royaltyCap(uint16 bps) public {
        ModelRegistration memory r = _registration(keccak256("weights-fuzz"));
        r.royaltyBps = bps;
        if (bps > registry.MAX_ROYALTY_BPS()) {
            vm.expectRevert(
                abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryRoyaltyTooHigh.selector, bps, 2500)
            );
        }
        vm.prank(admin);
        uint32 id = registry.registerModel(r);
        if (bps <= 2500) {
            (, uint16 stored,) = registry.modelRoyalty(id);
            assertEq(stored, bps, "stored royalty");
        }
    }

    // --- deprecateModel ------------------------------------------------------------------------

    function test_deprecateModel_keepsRecord() public {
        vm.expectEmit(true, false, false, false, address(registry));
        emit IMotifModelRegistry.ModelDeprecated(modelId);
        vm.prank(modelOwner);
        registry.deprecateModel(modelId);
        assertTrue(registry.modelStatus(modelId) == ModelStatus.Deprecated, "deprecated");
        assertEq(registry.getModel(modelId).weightsDigest, keccak256("weights-1"), "record kept");
        assertEq(registry.modelIdByWeights(keccak256("weights-1")), modelId, "weights still mapped");
    }

    function test_deprecateModel_notOwner_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotModelOwner.selector, modelId, admin)
        );
        vm.prank(admin);
        registry.deprecateModel(modelId);
    }

    function test_deprecateModel_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryUnknownModel.selector, 9));
        vm.prank(modelOwner);
        registry.deprecateModel(9);
    }

    function test_deprecateModel_twice_reverts() public {
        vm.startPrank(modelOwner);
        registry.deprecateModel(modelId);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryAlreadyDeprecated.selector, modelId)
        );
        registry.deprecateModel(modelId);
        vm.stopPrank();
    }

    // --- ownership -----------------------------------------------------------------------------

    function test_transferModelOwnership_twoStep() public {
        vm.expectEmit(true, true, true, false, address(registry));
        emit IMotifModelRegistry.ModelOwnershipTransferStarted(modelId, modelOwner, newOwner);
        vm.prank(modelOwner);
        registry.transferModelOwnership(modelId, newOwner);
        assertEq(registry.getModel(modelId).owner, modelOwner, "owner unchanged until accepted");
        assertEq(registry.getModel(modelId).pendingOwner, newOwner, "pending");

        vm.expectEmit(true, true, true, false, address(registry));
        emit IMotifModelRegistry.ModelOwnershipTransferred(modelId, modelOwner, newOwner);
        vm.prank(newOwner);
        registry.acceptModelOwnership(modelId);
        Model memory m = registry.getModel(modelId);
        assertEq(m.owner, newOwner, "new owner");
        assertEq(m.pendingOwner, address(0), "pending cleared");
        (address owner,,) = registry.modelRoyalty(modelId);
        assertEq(owner, newOwner, "royalty goes to new owner");
    }

    function test_transferModelOwnership_notOwner_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotModelOwner.selector, modelId, alice)
        );
        vm.prank(alice);
        registry.transferModelOwnership(modelId, alice);
    }

    function test_transferModelOwnership_zeroCancels() public {
        vm.startPrank(modelOwner);
        registry.transferModelOwnership(modelId, newOwner);
        registry.transferModelOwnership(modelId, address(0));
        vm.stopPrank();
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotPendingOwner.selector, modelId, newOwner)
        );
        vm.prank(newOwner);
        registry.acceptModelOwnership(modelId);
    }

    function test_acceptModelOwnership_notPending_reverts() public {
        vm.prank(modelOwner);
        registry.transferModelOwnership(modelId, newOwner);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotPendingOwner.selector, modelId, alice)
        );
        vm.prank(alice);
        registry.acceptModelOwnership(modelId);
    }

    function test_acceptModelOwnership_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryUnknownModel.selector, 7));
        vm.prank(alice);
        registry.acceptModelOwnership(7);
    }

    // --- royalty -------------------------------------------------------------------------------

    function test_setModelRoyalty_lowers() public {
        vm.expectEmit(true, false, false, true, address(registry));
        emit IMotifModelRegistry.ModelRoyaltyUpdated(modelId, 500, 120);
        vm.prank(modelOwner);
        registry.setModelRoyalty(modelId, 120);
        (, uint16 bps,) = registry.modelRoyalty(modelId);
        assertEq(bps, 120, "lowered");
    }

    function test_setModelRoyalty_increase_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryRoyaltyIncrease.selector, modelId, 500, 501)
        );
        vm.prank(modelOwner);
        registry.setModelRoyalty(modelId, 501);
    }

    function test_setModelRoyalty_notOwner_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryNotModelOwner.selector, modelId, alice)
        );
        vm.prank(alice);
        registry.setModelRoyalty(modelId, 1);
    }

    function testFuzz_setModelRoyalty_neverIncreases(uint16 bps) public {
        if (bps > 500) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IMotifModelRegistry.MotifModelRegistryRoyaltyIncrease.selector, modelId, 500, bps
                )
            );
        }
        vm.prank(modelOwner);
        registry.setModelRoyalty(modelId, bps);
        (, uint16 stored,) = registry.modelRoyalty(modelId);
        assertTrue(stored <= 500, "never above the registered share");
    }

    // --- views ---------------------------------------------------------------------------------

    function test_getModel_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryUnknownModel.selector, 0));
        registry.getModel(0);
    }

    function test_modelRoyalty_unknown_reverts() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifModelRegistry.MotifModelRegistryUnknownModel.selector, 3));
        registry.modelRoyalty(3);
    }

    function test_modelStatus_unknownIsNone() public view {
        assertTrue(registry.modelStatus(42) == ModelStatus.None, "none");
        assertTrue(registry.modelStatus(modelId) == ModelStatus.Active, "active");
    }

    function test_modelIdByWeights_unknownIsZero() public view {
        assertEq(registry.modelIdByWeights(keccak256("nope")), 0, "zero");
    }
}
