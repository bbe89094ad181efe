// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifCertificate} from "../../../contracts/MotifCertificate.sol";
import {MotifLicensing} from "../../../contracts/MotifLicensing.sol";
import {MotifModelRegistry} from "../../../contracts/MotifModelRegistry.sol";
import {IMotifCertificate} from "../../../contracts/interfaces/IMotifCertificate.sol";
import {IMotifModelRegistry} from "../../../contracts/interfaces/IMotifModelRegistry.sol";
import {CidV1} from "../../../contracts/libraries/CidV1.sol";
import {DatasetRegistration, Lineage, MintRequest, RecipeRegistration} from "../../../contracts/types/Lineage.sol";
import {ModelRegistration, TrainingLineage} from "../../../contracts/types/Model.sol";
import {MotifTest} from "./MotifTest.sol";

/// @notice A deployed registry + certificate with one active model and one attester key, and
/// helpers that build and sign mint requests. The EIP-712 digest is computed here from the type
/// strings, independently of the contract's own hashing.
abstract contract MotifFixture is MotifTest {
    bytes32 internal constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 internal constant LINEAGE_TYPEHASH = keccak256(
        "Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );
    bytes32 internal constant ATTESTATION_TYPEHASH = keccak256(
        "MintAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline)Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );
    /// The colourway attestation's type string, written out here (the oracle for `LineageHash`).
    bytes32 internal constant COLOURWAY_ATTESTATION_TYPEHASH = keccak256(
        "ColourwayAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline,uint256 designId)Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)"
    );

    uint256 internal constant ATTESTER_KEY = 0xA77E57;
    uint256 internal constant OTHER_KEY = 0xBADBAD;

    MotifModelRegistry internal registry;
    MotifCertificate internal cert;
    address internal admin = address(0xAD);
    address internal modelOwner = address(0x30DE1);
    address internal creator = address(0xC4EA7);
    address internal alice = address(0xA11CE);
    address internal bob = address(0xB0B);
    address internal attester;
    uint32 internal modelId;

    function setUp() public virtual {
        vm.warp(1_750_000_000);
        attester = vm.addr(ATTESTER_KEY);
        registry = _newRegistry(admin);
        cert = _newCertificate(admin, registry);
        vm.startPrank(admin);
        modelId = registry.registerModel(_registration(keccak256("weights-1")));
        cert.grantRole(cert.ATTESTER_ROLE(), attester);
        vm.stopPrank();
    }

    /// @dev A model registry administered by `admin_`, deployed from its artifact (`_deploy`).
    function _newRegistry(address admin_) internal returns (MotifModelRegistry) {
        return MotifModelRegistry(_deploy("MotifModelRegistry", abi.encode(admin_)));
    }

    /// @dev A certificate contract on `registry_`, deployed from its artifact (`_deploy`).
    function _newCertificate(address admin_, IMotifModelRegistry registry_) internal returns (MotifCertificate) {
        return MotifCertificate(_deploy("MotifCertificate", abi.encode(admin_, registry_)));
    }

    /// @dev A licensing contract on `cert_` and `registry_`, deployed from its artifact (`_deploy`).
    function _newLicensing(address admin_, IMotifCertificate cert_, IMotifModelRegistry registry_)
        internal
        returns (MotifLicensing)
    {
        return MotifLicensing(_deploy("MotifLicensing", abi.encode(admin_, cert_, registry_)));
    }

    function _registration(bytes32 weights) internal view returns (ModelRegistration memory) {
        return ModelRegistration({
            owner: modelOwner,
            weightsDigest: weights,
            weightsCidDigest: weights,
            weightsCidCodec: CidV1.RAW,
            royaltyBps: 500,
            name: "motif-cppn-indigo",
            version: "1.0.0",
            cardDigest: keccak256(abi.encode("card", weights)),
            training: TrainingLineage({datasetId: 0, dataRoot: bytes32(0), configDigest: bytes32(0), trainer: ""})
        });
    }

    function _lineage(uint256 salt) internal view returns (Lineage memory) {
        return Lineage({
            contentDigest: keccak256(abi.encode("content", salt)),
            metadataDigest: keccak256(abi.encode("metadata", salt)),
            metadataCodec: CidV1.RAW,
            modelId: modelId,
            seed: uint64(salt),
            paramsHash: keccak256(abi.encode("params", salt)),
            pdqHash: keccak256(abi.encode("pdq", salt)),
            tileHash: keccak256(abi.encode("tile", salt)),
            creator: creator,
            recipeId: 0
        });
    }

    function _request(uint256 salt) internal view returns (MintRequest memory r) {
        r = MintRequest({
            lineage: _lineage(salt),
            to: alice,
            royaltyBps: 500,
            deadline: uint64(block.timestamp + 1 hours),
            signature: ""
        });
    }

    /// @dev A recipe for the fixture's model: revenue share `shareBps`, 2.5% ERC-2981 royalty.
    function _recipe(uint256 salt, uint16 shareBps) internal view returns (RecipeRegistration memory) {
        return RecipeRegistration({
            modelId: modelId,
            recipeDigest: keccak256(abi.encode("recipe", salt)),
            metadataDigest: keccak256(abi.encode("recipe-metadata", salt)),
            metadataCodec: CidV1.RAW,
            royaltyBps: 250,
            shareBps: shareBps
        });
    }

    /// @dev `author` certifies recipe `salt` with revenue share `shareBps`.
    function _mintRecipe(address author, uint256 salt, uint16 shareBps) internal returns (uint256 recipeId) {
        vm.prank(author);
        recipeId = cert.mintRecipe(_recipe(salt, shareBps));
    }

    /// @dev The attester mints pattern `salt`, rendered from `recipeId`, to `to`.
    function _mintFromRecipe(address to, uint256 salt, uint256 recipeId) internal returns (uint256 tokenId) {
        MintRequest memory r = _request(salt);
        r.to = to;
        r.lineage.recipeId = recipeId;
        vm.prank(attester);
        tokenId = cert.mint(r);
    }

    function _dataset(uint256 salt, uint32 members) internal pure returns (DatasetRegistration memory) {
        return DatasetRegistration({
            root: keccak256(abi.encode("root", salt)),
            members: members,
            metadataDigest: keccak256(abi.encode("dataset-metadata", salt)),
            metadataCodec: CidV1.DAG_PB,
            royaltyBps: 100,
            shareBps: 0
        });
    }

    function _domainSeparator(address verifyingContract) internal view returns (bytes32) {
        return keccak256(
            abi.encode(
                DOMAIN_TYPEHASH, keccak256("Motif Certificate"), keccak256("1"), block.chainid, verifyingContract
            )
        );
    }

    function _digest(MintRequest memory r, address verifyingContract) internal view returns (bytes32) {
        return _digest(r, verifyingContract, 0);
    }

    /// The EIP-712 digest an attester signs: a `MintAttestation` (`designId` 0) or a `ColourwayAttestation`.
    function _digest(MintRequest memory r, address verifyingContract, uint256 designId) internal view returns (bytes32) {
        Lineage memory l = r.lineage;
        bytes32 lineageHash = keccak256(
            abi.encode(
                LINEAGE_TYPEHASH,
                l.contentDigest,
                l.metadataDigest,
                l.metadataCodec,
                l.modelId,
                l.seed,
                l.paramsHash,
                l.pdqHash,
                l.tileHash,
                l.creator,
                l.recipeId
            )
        );
        bytes32 structHash = designId == 0
            ? keccak256(abi.encode(ATTESTATION_TYPEHASH, lineageHash, r.to, r.royaltyBps, r.deadline))
            : keccak256(abi.encode(COLOURWAY_ATTESTATION_TYPEHASH, lineageHash, r.to, r.royaltyBps, r.deadline, designId));
        return keccak256(abi.encodePacked("\x19\x01", _domainSeparator(verifyingContract), structHash));
    }

    function _signed(MintRequest memory r, uint256 key) internal view returns (MintRequest memory) {
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, _digest(r, address(cert)));
        r.signature = abi.encodePacked(rr, s, v);
        return r;
    }

    /// `r` signed by `key` as a colourway of `designId` (`ColourwayAttestation`).
    function _signedColourway(MintRequest memory r, uint256 key, uint256 designId) internal view returns (MintRequest memory) {
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, _digest(r, address(cert), designId));
        r.signature = abi.encodePacked(rr, s, v);
        return r;
    }

    function _mintSigned(uint256 salt) internal returns (uint256 tokenId, MintRequest memory r) {
        r = _signed(_request(salt), ATTESTER_KEY);
        tokenId = cert.mint(r);
    }
}
