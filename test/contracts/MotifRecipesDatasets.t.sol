// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";

import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifLicensing} from "../../contracts/interfaces/IMotifLicensing.sol";
import {CidV1} from "../../contracts/libraries/CidV1.sol";
import {
    CertificateKind,
    CertificateView,
    DatasetRegistration,
    MintRequest,
    RecipeRegistration
} from "../../contracts/types/Lineage.sol";
import {LicenseFlags, Offer} from "../../contracts/types/License.sol";
import {ModelRegistration, ModelStatus} from "../../contracts/types/Model.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Recipe and dataset certificates, patterns rendered from recipes, and the royalty stacking
/// of `settle` (protocol fee, model owner, recipe owner, certificate owner).
contract MotifRecipesDatasetsTest is LicensingFixture {
    address internal author = address(0xA07B);

    // --- mintRecipe ----------------------------------------------------------------------------

    function test_mintRecipe_mintsToAuthorAndStoresRecipe() public {
        RecipeRegistration memory r = _recipe(1, 2000);
        uint256 expectedId = (uint256(0x6d6f746966524350) << 192) // "motifRCP": the recipe id space
            | (uint256(keccak256(abi.encode(keccak256("motif.recipe"), author, r.recipeDigest))) & type(uint192).max);
        vm.expectEmit(true, true, true, true, address(cert));
        emit IMotifCertificate.RecipeMinted(
            expectedId, modelId, author, r.recipeDigest, r.metadataDigest, CidV1.RAW, 250, 2000
        );
        vm.prank(author);
        uint256 recipeId = cert.mintRecipe(r);

        assertEq(recipeId, expectedId, "recipe id = keccak(tag, digest)");
        assertEq(cert.recipeIdOf(author, r.recipeDigest), recipeId, "recipeIdOf");
        assertEq(cert.ownerOf(recipeId), author, "author owns it");
        assertTrue(cert.kindOf(recipeId) == CertificateKind.Recipe, "kind");
        CertificateView memory v = cert.certificate(recipeId);
        assertTrue(v.kind == CertificateKind.Recipe, "view kind");
        assertEq(v.creator, author, "creator = author");
        assertEq(v.modelId, modelId, "model");
        assertEq(v.kindDigest, r.recipeDigest, "recipe digest");
        assertEq(v.shareBps, 2000, "share");
        assertEq(v.royaltyBps, 250, "royalty");
        assertEq(v.metadataCodec, CidV1.RAW, "codec without the kind bits");
        assertEq(v.recipeId, 0, "a recipe names no recipe");
        (address receiver, uint256 amount) = cert.royaltyInfo(recipeId, 10_000);
        assertEq(receiver, author, "royalty receiver");
        assertEq(amount, 250, "royalty amount");
        assertEq(cert.tokenURI(recipeId), string.concat("ipfs://", CidV1.toBase32(CidV1.RAW, r.metadataDigest)), "uri");
    }

    function test_mintRecipe_twiceByItsAuthor_reverts() public {
        uint256 recipeId = _mintRecipe(author, 1, 0);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateAlreadyCertified.selector, recipeId));
        vm.prank(author);
        cert.mintRecipe(_recipe(1, 100));
    }

    /// @dev Front-running: someone who copies an author's pending registration certifies a recipe
    /// with another id (the author is part of it), and the author still gets theirs.
    function test_mintRecipe_copyByAnother_cannotTakeTheAuthorsId() public {
        vm.prank(bob);
        uint256 copy = cert.mintRecipe(_recipe(1, 2500));
        uint256 recipeId = _mintRecipe(author, 1, 1000);
        assertTrue(copy != recipeId, "different ids");
        assertEq(cert.ownerOf(recipeId), author, "the author's id is the author's");
        assertEq(cert.ownerOf(copy), bob, "the copy is bob's own");
    }

    function test_mintRecipe_shareAboveCap_reverts() public {
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateRecipeShareTooHigh.selector, 2501, 2500)
        );
        vm.prank(author);
        cert.mintRecipe(_recipe(1, 2501));
    }

    function test_mintRecipe_shareAtCap_succeeds() public {
        uint256 recipeId = _mintRecipe(author, 1, 2500);
        assertEq(cert.certificate(recipeId).shareBps, 2500, "share at cap");
    }

    function test_mintRecipe_unknownModel_reverts() public {
        RecipeRegistration memory r = _recipe(1, 0);
        r.modelId = 77;
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateModelNotActive.selector, 77, ModelStatus.None)
        );
        vm.prank(author);
        cert.mintRecipe(r);
    }

    function test_mintRecipe_badFields_revert() public {
        RecipeRegistration memory r = _recipe(1, 0);
        r.recipeDigest = 0;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateZeroField.selector, "recipeDigest"));
        cert.mintRecipe(r);
        r = _recipe(1, 0);
        r.metadataDigest = 0;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateZeroField.selector, "metadataDigest"));
        cert.mintRecipe(r);
        r = _recipe(1, 0);
        r.metadataCodec = 0x4000;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnsupportedCodec.selector, 0x4000));
        cert.mintRecipe(r);
        r = _recipe(1, 0);
        r.royaltyBps = 1001;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateRoyaltyTooHigh.selector, 1001, 1000));
        cert.mintRecipe(r);
    }

    function test_mintRecipe_whenPaused_reverts() public {
        vm.prank(admin);
        cert.pause();
        vm.expectRevert(Pausable.EnforcedPause.selector);
        vm.prank(author);
        cert.mintRecipe(_recipe(1, 0));
    }

    // --- patterns rendered from a recipe -------------------------------------------------------

    function test_mint_fromRecipe_recordsRecipeInLineage() public {
        uint256 recipeId = _mintRecipe(author, 1, 1500);
        MintRequest memory r = _request(7);
        r.lineage.recipeId = recipeId;
        r = _signed(r, ATTESTER_KEY);
        vm.expectEmit(true, true, false, false, address(cert));
        emit IMotifCertificate.PatternFromRecipe(uint256(r.lineage.contentDigest), recipeId);
        uint256 patternId = cert.mint(r);

        CertificateView memory v = cert.certificate(patternId);
        assertTrue(v.kind == CertificateKind.Pattern, "pattern kind");
        assertEq(v.recipeId, recipeId, "recipe recorded");
        assertTrue(cert.matchesLineage(r.lineage), "lineage with recipe matches");
        r.lineage.recipeId = 0;
        assertFalse(cert.matchesLineage(r.lineage), "lineage without the recipe does not");
        (address owner, uint32 m, address recipeOwner, uint16 share) = cert.revenueShares(patternId);
        assertEq(owner, alice, "owner");
        assertEq(m, modelId, "model");
        assertEq(recipeOwner, author, "recipe owner");
        assertEq(share, 1500, "recipe share");
    }

    function test_mint_recipeIdNotSigned_reverts() public {
        uint256 recipeId = _mintRecipe(author, 1, 1500);
        MintRequest memory r = _signed(_request(7), ATTESTER_KEY);
        r.lineage.recipeId = recipeId; // added after signing: the attestation does not cover it
        vm.expectRevert();
        cert.mint(r);
        assertEq(cert.balanceOf(alice), 0, "nothing minted");
    }

    function test_mint_fromPatternAsRecipe_reverts() public {
        MintRequest memory r = _request(7);
        r.lineage.recipeId = tokenId; // a pattern, not a recipe
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateNotARecipe.selector, tokenId, CertificateKind.Pattern
            )
        );
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_fromUnknownRecipe_reverts() public {
        MintRequest memory r = _request(7);
        r.lineage.recipeId = 1234;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 1234));
        vm.prank(attester);
        cert.mint(r);
    }

    function test_mint_fromRecipeOfOtherModel_reverts() public {
        uint256 recipeId = _mintRecipe(author, 1, 1500);
        vm.prank(admin);
        uint32 other = registry.registerModel(_registration(keccak256("weights-2")));
        MintRequest memory r = _request(7);
        r.lineage.modelId = other;
        r.lineage.recipeId = recipeId;
        vm.expectRevert(
            abi.encodeWithSelector(
                IMotifCertificate.MotifCertificateRecipeModelMismatch.selector, recipeId, modelId, other
            )
        );
        vm.prank(attester);
        cert.mint(r);
    }

    function test_views_nonexistent_revert() public {
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 99));
        cert.revenueShares(99);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNonexistentToken.selector, 99));
        cert.kindOf(99);
        (address owner, uint32 m, address recipeOwner, uint16 share) = cert.revenueShares(tokenId);
        assertEq(owner, licensor, "owner of a pattern without a recipe");
        assertEq(m, modelId, "its model");
        assertEq(recipeOwner, address(0), "no recipe owner");
        assertEq(share, 0, "no recipe share");
    }

    function test_logEdit_onRecipe_keepsKind() public {
        uint256 recipeId = _mintRecipe(author, 1, 1500);
        vm.prank(author);
        cert.logEdit(recipeId, keccak256("step"), keccak256("new metadata"), CidV1.JSON);
        CertificateView memory v = cert.certificate(recipeId);
        assertTrue(v.kind == CertificateKind.Recipe, "still a recipe");
        assertEq(v.metadataCodec, CidV1.JSON, "codec changed");
        assertEq(v.shareBps, 1500, "share kept");
    }

    // --- mintDataset ---------------------------------------------------------------------------

    function test_mintDataset_mintsToCurator() public {
        DatasetRegistration memory d = _dataset(1, 12);
        uint256 expectedId = (uint256(0x6d6f746966445354) << 192) // "motifDST": the dataset id space
            | (uint256(keccak256(abi.encode(keccak256("motif.dataset"), carol, d.root))) & type(uint192).max);
        vm.expectEmit(true, true, false, true, address(cert));
        emit IMotifCertificate.DatasetMinted(expectedId, carol, d.root, 12, d.metadataDigest, CidV1.DAG_PB, 100, 0);
        vm.prank(carol);
        uint256 datasetId = cert.mintDataset(d);

        assertEq(datasetId, expectedId, "dataset id");
        assertEq(cert.datasetIdOf(carol, d.root), datasetId, "datasetIdOf");
        assertEq(cert.ownerOf(datasetId), carol, "owner");
        CertificateView memory v = cert.certificate(datasetId);
        assertTrue(v.kind == CertificateKind.Dataset, "kind");
        assertEq(v.kindDigest, d.root, "root is its lineage");
        assertEq(v.modelId, 0, "no model");
        assertEq(v.creator, carol, "curator");
    }

    function test_mintDataset_badFields_revert() public {
        DatasetRegistration memory d = _dataset(1, 0);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateInvalidMemberCount.selector, 0, 1_000_000)
        );
        cert.mintDataset(d);
        d = _dataset(1, 1_000_001);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateInvalidMemberCount.selector, 1_000_001, 1_000_000)
        );
        cert.mintDataset(d);
        d = _dataset(1, 3);
        d.root = 0;
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateZeroField.selector, "root"));
        cert.mintDataset(d);
        d = _dataset(1, 3);
        vm.prank(carol);
        uint256 id = cert.mintDataset(d);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateAlreadyCertified.selector, id));
        vm.prank(carol);
        cert.mintDataset(d);
    }

    // --- licensing recipes and datasets, royalty stacking --------------------------------------

    function test_recipe_isLicensableLikeAPattern() public {
        uint256 recipeId = _mintRecipe(licensor, 1, 1000);
        Offer memory o = _offer(_eu(), 0, 0.1 ether);
        o.terms.tokenId = recipeId;
        uint256 licenseId = _accept(_publish(o), bob, 0.1 ether);
        (bool ok, uint256 id) = licensing.isLicensed(recipeId, bob, FR, uint48(block.timestamp));
        assertTrue(ok, "licensed in FR");
        assertEq(id, licenseId, "license id");
        (ok,) = licensing.isLicensed(recipeId, bob, US, uint48(block.timestamp));
        assertFalse(ok, "not in US");
    }

    /// @dev 1 ETH of pattern revenue, fee 5%, model 5%, recipe 20%: 0.05 fee, then of 0.95: 0.0475
    /// model, 0.19 recipe, 0.7125 owner.
    function test_settle_splitsFourWays() public {
        uint256 recipeId = _mintRecipe(author, 1, 2000);
        uint256 patternId = _mintFromRecipe(licensor, 900, recipeId);
        vm.prank(admin);
        licensing.setProtocolFee(500, admin);
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.tokenId = patternId;
        _accept(_publish(o), bob, 1 ether);

        vm.expectEmit(true, true, false, true, address(licensing));
        emit IMotifLicensing.RevenueSettled(patternId, address(0), 1 ether, 0.7125 ether, 0.0475 ether, 0.19 ether, 0, 0.05 ether);
        licensing.settle(patternId, address(0));
        assertEq(licensing.owed(admin, address(0)), 0.05 ether, "fee");
        assertEq(licensing.owed(modelOwner, address(0)), 0.0475 ether, "model owner");
        assertEq(licensing.owed(author, address(0)), 0.19 ether, "recipe author");
        assertEq(licensing.owed(licensor, address(0)), 0.7125 ether, "pattern owner");

        vm.prank(author);
        assertEq(licensing.withdraw(address(0)), 0.19 ether, "author withdraws");
        assertEq(author.balance, 0.19 ether, "author paid");
    }

    /// @dev Every cap at its maximum still leaves the owner half of what follows the fee.
    function test_settle_allCapsAtMaximum_sumIsTotal() public {
        _useModelWithRoyalty(registry.MAX_ROYALTY_BPS());
        uint256 recipeId = _mintRecipe(author, 1, cert.MAX_RECIPE_SHARE_BPS());
        uint256 patternId = _mintFromRecipe(licensor, 901, recipeId);
        uint16 maxFee = licensing.MAX_PROTOCOL_FEE_BPS();
        vm.prank(admin);
        licensing.setProtocolFee(maxFee, admin);
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.tokenId = patternId;
        _accept(_publish(o), bob, 1 ether);
        licensing.settle(patternId, address(0));
        uint256 fee = licensing.owed(admin, address(0));
        uint256 model = licensing.owed(modelOwner, address(0));
        uint256 recipe = licensing.owed(author, address(0));
        uint256 owner = licensing.owed(licensor, address(0));
        assertEq(fee, 0.05 ether, "fee 5%");
        assertEq(model, 0.2375 ether, "model 25% of 0.95");
        assertEq(recipe, 0.2375 ether, "recipe 25% of 0.95");
        assertEq(owner, 0.475 ether, "owner the rest, half of 0.95");
        assertEq(fee + model + recipe + owner, 1 ether, "nothing lost or created");
    }

    function test_settle_recipeShareFollowsRecipeOwner() public {
        uint256 recipeId = _mintRecipe(author, 1, 1000);
        uint256 patternId = _mintFromRecipe(licensor, 902, recipeId);
        vm.prank(author);
        cert.transferFrom(author, carol, recipeId);
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.tokenId = patternId;
        _accept(_publish(o), bob, 1 ether);
        licensing.settle(patternId, address(0));
        assertEq(licensing.owed(carol, address(0)), 0.1 ether, "new recipe owner paid");
        assertEq(licensing.owed(author, address(0)), 0, "former owner not");
    }

    function test_settle_usageRoyaltyOfPatternFromRecipe_paysRecipe() public {
        uint256 recipeId = _mintRecipe(author, 1, 1000);
        uint256 patternId = _mintFromRecipe(licensor, 903, recipeId);
        Offer memory o = _offer(_eu(), 0, 0);
        o.terms.tokenId = patternId;
        uint256 licenseId = _accept(_publish(o), bob, 0);
        vm.deal(bob, 10 * UNIT_ROYALTY);
        vm.prank(bob);
        licensing.reportUsage{value: 10 * UNIT_ROYALTY}(licenseId, bob, FR, TEXTILES, 10, 0);
        licensing.settle(patternId, address(0));
        // 0.01 ETH usage: model 5% = 0.0005, recipe 10% = 0.001, owner 0.0085.
        assertEq(licensing.owed(author, address(0)), 0.001 ether, "recipe share of usage");
        assertEq(licensing.owed(licensor, address(0)), 0.0085 ether, "owner share of usage");
    }

    function test_settle_dataset_paysOwnerAndFeeOnly() public {
        vm.prank(licensor);
        uint256 datasetId = cert.mintDataset(_dataset(1, 4));
        vm.prank(admin);
        licensing.setProtocolFee(500, admin);
        Offer memory o = _offer(_eu(), 0, 1 ether);
        o.terms.tokenId = datasetId;
        _accept(_publish(o), bob, 1 ether);
        licensing.settle(datasetId, address(0));
        assertEq(licensing.owed(admin, address(0)), 0.05 ether, "fee");
        assertEq(licensing.owed(licensor, address(0)), 0.95 ether, "owner");
        assertEq(licensing.owed(modelOwner, address(0)), 0, "no model");
    }

    /// @dev Registers a model with royalty `bps` and makes it the one `_recipe` and `_request` use.
    function _useModelWithRoyalty(uint16 bps) internal {
        ModelRegistration memory m = _registration(keccak256(abi.encode("weights", bps)));
        m.royaltyBps = bps;
        vm.prank(admin);
        modelId = registry.registerModel(m);
    }

    /// @dev For any amount and shares within their caps, the four shares add up to the amount
    /// exactly and the owner keeps at least half of what follows the fee.
    function testFuzz_settle_sharesSumToAmount(uint128 amount, uint16 feeBps, uint16 modelBps, uint16 recipeBps)
        public
    {
        amount = uint128(bound(amount, 1, 1e30));
        feeBps = uint16(bound(feeBps, 0, licensing.MAX_PROTOCOL_FEE_BPS()));
        modelBps = uint16(bound(modelBps, 0, registry.MAX_ROYALTY_BPS()));
        recipeBps = uint16(bound(recipeBps, 0, cert.MAX_RECIPE_SHARE_BPS()));
        _useModelWithRoyalty(modelBps);
        uint256 recipeId = _mintRecipe(author, 1, recipeBps);
        uint256 patternId = _mintFromRecipe(licensor, 904, recipeId);
        vm.prank(admin);
        licensing.setProtocolFee(feeBps, admin);
        Offer memory o = _offer(_eu(), 0, amount);
        o.terms.tokenId = patternId;
        _accept(_publish(o), bob, amount);
        assertEq(licensing.settle(patternId, address(0)), amount, "settled all");
        uint256 fee = licensing.owed(admin, address(0));
        uint256 owner = licensing.owed(licensor, address(0));
        uint256 sum = fee + licensing.owed(modelOwner, address(0)) + licensing.owed(author, address(0)) + owner;
        assertEq(sum, amount, "shares sum to the amount");
        assertTrue(owner * 2 >= amount - fee, "owner keeps at least half after the fee");
        assertEq(licensing.pending(patternId, address(0)), 0, "nothing pending");
    }
}
