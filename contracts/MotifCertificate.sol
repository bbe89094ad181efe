// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC4906} from "@openzeppelin/contracts/interfaces/IERC4906.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {ERC721} from "solady/src/tokens/ERC721.sol";

import {IMotifCertificate} from "./interfaces/IMotifCertificate.sol";
import {IMotifModelRegistry} from "./interfaces/IMotifModelRegistry.sol";
import {CidV1} from "./libraries/CidV1.sol";
import {LineageHash} from "./libraries/LineageHash.sol";
import {
    CertificateKind,
    CertificateView,
    DatasetRegistration,
    Lineage,
    MintRequest,
    RecipeRegistration
} from "./types/Lineage.sol";
import {CertificateData, CertificateDataLibrary} from "./types/CertificateData.sol";
import {ModelStatus} from "./types/Model.sol";

/// @title MotifCertificate
/// @notice ERC-721 pattern certificates (with ERC-2981 royalties and ERC-4906 metadata updates), one
/// per generated pattern, each carrying the pattern's attested lineage.
///
/// @dev Design: what is stored, and why.
/// A bare ERC-721 mint writes two cold slots (owner, balance). A certificate must also make its
/// lineage verifiable, keep `tokenURI` and `royaltyInfo` answerable from storage alone, refuse a
/// second certificate of the same content, and stay within 1.6x a bare mint. Every extra cold slot
/// costs 22,100 gas, so the lineage is split by who needs it:
///
/// 1. Token id = content digest (sha-256 of the PNG bytes). Uniqueness of content costs nothing: the
///    owner slot of that id is the "already certified" flag, and the image itself names its token.
/// 2. The owner slot (Solady ERC721) keeps 96 spare bits beside the owner address (`CertificateData`):
///      bits   0..159  owner
///      bits 160..181  modelId      (22 bits, `MotifModelRegistry` id)
///      bits 182..207  creatorId    (26 bits, see 4)
///      bits 208..217  royaltyBps   (10 bits, ERC-2981, at most 1,000)
///      bits 218..220  metadata codec index (raw, dag-pb, dag-cbor, dag-json, json)
///      bits 221..222  kind         (`CertificateKind`: pattern, recipe, dataset)
///      bits 223..254  mint block   (32 bits, counted from `deployBlock()`)
///      bit  255       family       (a design with colourways, or a colourway: see 8)
///    One write at mint, as in a bare mint. The creator id is never zero after a mint, so the spare
///    bits also record "ever minted" (no burn exists; they would survive one). The mint block lets
///    any reader find the mint event (the lineage not in storage) with one `eth_getLogs` of one
///    block however long the chain (`mintBlockOf`); it costs about 170 gas per mint (measured).
/// 3. One extra slot per token: the metadata CID digest (`_metadataDigests`). `tokenURI` renders
///    `ipfs://<CIDv1 base32>` from it and the codec. The metadata document holds the full lineage,
///    the image CID and the edit log, so this content address is the lineage commitment: a verifier
///    fetches it trustlessly and compares it with the `CertificateMinted` event and this storage.
/// 4. Creators get a uint32 id on their first certificate (`CreatorRegistered`): a creator address
///    (160 bits) does not fit in the spare bits, while an id does. It costs a creator two slots once;
///    every later mint by that creator pays one cold read instead of a 22,100-gas slot.
/// 5. The rest of the lineage (seed, params hash, PDQ hash, attester) is in the `CertificateMinted`
///    event, emitted exactly once per token by this contract, and in the metadata; the mint time is
///    that event's block time.
/// 6. Recipes and datasets are certificates of their own kind (`mintRecipe`, `mintDataset`), with
///    token ids derived from their author / curator and digest / Merkle root under a domain tag, so
///    they never collide with content digests and nobody can front-run an author to take the id
///    of their recipe (a copy certified by someone else gets another id, which generators never use). Each stores its digest or root (`_kindDigests`); a recipe also its revenue
///    share (`_shares`; a dataset too: what patterns of models trained on it pay). A pattern rendered from a recipe stores the recipe id (`_recipeOf`),
///    one extra slot only for such patterns; `MotifLicensing.settle` pays the recipe's owner from it.
/// 8. Colourways (`mintColourway`): a pattern minted as a recoloured version of a design stores its
///    design (`_designOf`), written once and never changed, and the design lists it (`_colourways`,
///    at most `MAX_COLOURWAYS`): two slots only for colourways. Families are one level deep (the
///    design is the root); `MotifLicensing` reads `designOf` to let a design's all-colourways
///    licences cover its colourways and to keep one exclusivity book per family. A family has one
///    owner (audit 28 F2/F3: a colourway sold apart could freeze the family's licensing with an
///    exclusive, and its design's owner could license it, paying its owner nothing): a colourway
///    is not transferable on its own, and a design's transfer carries its colourways. The owner
///    word's family bit marks both, so an ordinary transfer pays one warm read for the rule.
/// 7. The human edit log is a hash chain `head' = keccak256(head, stepDigest)`, stored only once an
///    edit is made (`_editHeads`), one `EditLogged` event per step.
///
/// Gas (`npm run bench`, transaction gas, same run): a signed mint costs 118.6k to a new owner
/// (bare OZ `_mint` 68.4k: 1.73x) and 101.5k to an existing one (51.3k: 1.98x); an attester minting
/// itself saves the signature (95.9k), and `mintBatch` amortises the cold reads (68.9k each, 1.34x).
/// The lineage's `recipeId` word costs about 330 gas on a mint without a recipe.
/// The 1.6x goal is not met, and cannot be while the metadata CID is stored (`tokenURI`,
/// `metadataCid` and `matchesLineage` answer from storage, so any contract can check a pattern's
/// metadata commitment). Measured by opcode (debug_traceTransaction of the existing-owner mint,
/// 101.5k): 21k base and 5.9k calldata; SSTOREs 45k (owner slot 20k, metadata digest 22.1k, balance
/// 2.9k); cold SLOADs 10.5k (pause flag, attester role, duplicate check, creator id, balance);
/// registry call and ecrecover 8.3k; the event 5.8k; everything else 5.1k. Without the metadata slot
/// the same mint would be 79.4k (1.55x): the design's floor is one fresh slot only if the metadata
/// commitment moves to the event alone, a trade this contract does not make.
///
/// Attestation: minting requires an EIP-712 `MintAttestation` over the lineage, recipient, royalty
/// and deadline, signed by an `ATTESTER_ROLE` holder (a registered generator key), or a caller that
/// holds `ATTESTER_ROLE` itself. The domain binds chain id and this contract; the content digest can
/// be minted once, so an attestation can never be replayed.
contract MotifCertificate is IMotifCertificate, ERC721, AccessControl, Pausable, EIP712, IERC2981 {
    /// @notice Role of generator keys whose attestations mint certificates.
    bytes32 public constant ATTESTER_ROLE = keccak256("MOTIF_ATTESTER_ROLE");
    /// @notice Role allowed to pause and resume minting.
    bytes32 public constant PAUSER_ROLE = keccak256("MOTIF_PAUSER_ROLE");
    /// @notice Highest ERC-2981 royalty: 10%.
    uint16 public constant MAX_ROYALTY_BPS = 1000;
    /// @notice Most certificates in one `mintBatch`.
    uint256 public constant MAX_BATCH = 100;
    /// @notice Highest recipe revenue share: 25% of each derived pattern's licensing revenue.
    uint16 public constant MAX_RECIPE_SHARE_BPS = 2500;
    /// @notice Highest dataset revenue share: 25% of the licensing revenue of each pattern rendered
    /// with a model trained on the dataset.
    uint16 public constant MAX_DATASET_SHARE_BPS = 2500;
    /// @notice Most members in one dataset certificate.
    uint32 public constant MAX_DATASET_MEMBERS = 1_000_000;
    /// @notice Most colourways of one design: a design's transfer moves them all (about 13k gas each,
    /// 16k when approvals are cleared; a full family about 440k).
    uint256 public constant MAX_COLOURWAYS = 32;

    bytes32 private constant _RECIPE_TAG = keccak256("motif.recipe");
    bytes32 private constant _DATASET_TAG = keccak256("motif.dataset");
    /// @notice Top 64 bits of every recipe id (ASCII "motifRCP"): recipe ids live in their own 2^192-id
    /// space, which a pattern id (an image's sha-256) may never enter, so no attester can take one.
    uint64 public constant RECIPE_ID_PREFIX = 0x6d6f746966524350;
    /// @notice Top 64 bits of every dataset id (ASCII "motifDST"), reserved as `RECIPE_ID_PREFIX` is.
    uint64 public constant DATASET_ID_PREFIX = 0x6d6f746966445354;
    uint256 private constant _ID_BODY_MASK = type(uint192).max;

    uint256 private constant _BPS = 10_000;

    /// @notice The model registry certificates name their models in.
    IMotifModelRegistry public immutable registry;

    /// @dev The block this contract was deployed in; a certificate stores its mint block from it.
    uint256 private immutable _DEPLOY_BLOCK = block.number;

    mapping(uint256 tokenId => bytes32) private _metadataDigests;
    mapping(uint256 tokenId => bytes32) private _editHeads;
    mapping(address creator => uint32) private _creatorIds;
    mapping(uint32 creatorId => address) private _creators;
    mapping(uint256 patternId => uint256 recipeId) private _recipeOf;
    mapping(uint256 tokenId => bytes32) private _kindDigests;
    mapping(uint256 recipeOrDatasetId => uint16) private _shares;
    uint32 private _creatorCount;
    mapping(uint256 colourwayId => uint256 designId) private _designOf;
    mapping(uint256 designId => uint256[] colourwayIds) private _colourways;

    /// @notice Deploys the certificate contract bound to a model registry.
    /// @param admin Receives `DEFAULT_ADMIN_ROLE` and `PAUSER_ROLE`; grants `ATTESTER_ROLE` to generators.
    /// @param registry_ The model registry.
    constructor(address admin, IMotifModelRegistry registry_) EIP712("Motif Certificate", "1") {
        if (admin == address(0)) revert MotifCertificateZeroField("admin");
        if (address(registry_) == address(0)) revert MotifCertificateZeroField("registry");
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
    }

    // ----------------------------------------------------------------------------------------------
    // Minting
    // ----------------------------------------------------------------------------------------------

    /// @inheritdoc IMotifCertificate
    function mint(MintRequest calldata request) external whenNotPaused returns (uint256 tokenId) {
        tokenId = _mintCertificate(request, _attester(request, 0));
    }

    /// @inheritdoc IMotifCertificate
    function mintBatch(MintRequest[] calldata requests) external whenNotPaused returns (uint256[] memory tokenIds) {
        uint256 n = requests.length;
        if (n == 0 || n > MAX_BATCH) revert MotifCertificateInvalidBatchLength(n, MAX_BATCH);
        tokenIds = new uint256[](n);
        for (uint256 i; i < n; ++i) {
            tokenIds[i] = _mintCertificate(requests[i], _attester(requests[i], 0));
        }
    }

    /// @inheritdoc IMotifCertificate
    function mintColourway(MintRequest calldata request, uint256 designId)
        external
        whenNotPaused
        returns (uint256 tokenId)
    {
        address attester = _attester(request, designId);
        _checkDesign(request, designId);
        uint256[] storage family = _colourways[designId];
        uint256 count = family.length;
        if (count >= MAX_COLOURWAYS) revert MotifCertificateTooManyColourways(designId, MAX_COLOURWAYS);
        tokenId = _mintCertificate(request, attester);
        _designOf[tokenId] = designId;
        family.push(tokenId);
        _setData(tokenId, _data(tokenId).withFamily());
        if (count == 0) _setData(designId, _data(designId).withFamily());
        emit ColourwayMinted(designId, tokenId);
    }

    /// @dev Refuses a design a colourway of `r` may not join: unknown, not a pattern, itself a
    /// colourway, another model, another creator, another owner than `r.to`; and a request (signed or
    /// not) sent by neither the design's owner nor an account approved for it.
    function _checkDesign(MintRequest calldata r, uint256 designId) private view {
        CertificateData design = _data(designId);
        if (!design.isSet()) revert MotifCertificateUnknownDesign(designId);
        CertificateKind kind = design.kind();
        if (kind != CertificateKind.Pattern) revert MotifCertificateDesignNotAPattern(designId, kind);
        uint256 family = _designOf[designId];
        if (family != 0) revert MotifCertificateDesignIsColourway(designId, family);
        Lineage calldata lin = r.lineage;
        uint32 designModelId = design.modelId();
        if (designModelId != lin.modelId) {
            revert MotifCertificateColourwayModelMismatch(designId, designModelId, lin.modelId);
        }
        address designCreator = _creators[design.creatorId()];
        if (designCreator != lin.creator) {
            revert MotifCertificateColourwayCreatorMismatch(designId, designCreator, lin.creator);
        }
        address designOwner = _ownerOf(designId);
        if (designOwner != r.to) revert MotifCertificateColourwayOwnerMismatch(designId, designOwner, r.to);
        // Only the design's owner, or an account it approved for the design, adds to its family: a
        // colourway never leaves it, so nobody else (no attester either: ATTESTER_ROLE is shared by
        // every studio's generator, audit 29b F1) adds one. An owner who is no attester sends the
        // generator's signed ColourwayAttestation herself, and approves nobody for it (audit 29b F2).
        if (!_isApprovedOrOwner(msg.sender, designId)) revert MotifCertificateNotOwnerOrApproved(designId, msg.sender);
    }

    /// @dev Returns the account vouching for the lineage, or reverts. A signature is over a
    /// `MintAttestation` for a plain pattern (`designId` 0), over a `ColourwayAttestation` naming the
    /// design for a colourway: neither stands for the other.
    function _attester(MintRequest calldata r, uint256 designId) private view returns (address account) {
        if (block.timestamp > r.deadline) revert MotifCertificateAttestationExpired(r.deadline, block.timestamp);
        if (r.signature.length == 0) {
            account = msg.sender;
        } else {
            (address signer, ECDSA.RecoverError err,) =
                ECDSA.tryRecoverCalldata(
                    _hashTypedDataV4(designId == 0 ? LineageHash.hashAttestation(r) : LineageHash.hashColourwayAttestation(r, designId)),
                    r.signature
                );
            if (err != ECDSA.RecoverError.NoError) revert MotifCertificateInvalidSignature();
            account = signer;
        }
        if (!hasRole(ATTESTER_ROLE, account)) revert MotifCertificateUnauthorizedAttester(account);
    }

    /// @dev Checks the request, then writes the owner slot (with the packed mint data) and the
    /// metadata digest. No external call but the registry's view; no receiver callback.
    function _mintCertificate(MintRequest calldata r, address attester) private returns (uint256 tokenId) {
        Lineage calldata lin = r.lineage;
        if (r.to == address(0)) revert MotifCertificateZeroField("to");
        if (lin.creator == address(0)) revert MotifCertificateZeroField("creator");
        if (lin.contentDigest == bytes32(0)) revert MotifCertificateZeroField("contentDigest");
        if (lin.metadataDigest == bytes32(0)) revert MotifCertificateZeroField("metadataDigest");
        if (!CidV1.isSupportedCodec(lin.metadataCodec)) revert MotifCertificateUnsupportedCodec(lin.metadataCodec);
        if (r.royaltyBps > MAX_ROYALTY_BPS) revert MotifCertificateRoyaltyTooHigh(r.royaltyBps, MAX_ROYALTY_BPS);

        tokenId = uint256(lin.contentDigest);
        uint64 prefix = uint64(tokenId >> 192);
        if (prefix == RECIPE_ID_PREFIX || prefix == DATASET_ID_PREFIX) revert MotifCertificateReservedId(tokenId, prefix);
        if (_data(tokenId).isSet()) revert MotifCertificateDuplicateContent(lin.contentDigest);

        _checkModel(lin.modelId);

        uint256 recipeId = lin.recipeId;
        if (recipeId != 0) {
            CertificateData recipe = _data(recipeId);
            CertificateKind kind = recipe.kind();
            uint32 recipeModelId = recipe.modelId();
            if (kind != CertificateKind.Recipe) {
                if (!_exists(recipeId)) revert MotifCertificateNonexistentToken(recipeId);
                revert MotifCertificateNotARecipe(recipeId, kind);
            }
            if (recipeModelId != lin.modelId) {
                revert MotifCertificateRecipeModelMismatch(recipeId, recipeModelId, lin.modelId);
            }
            _recipeOf[tokenId] = recipeId;
        }

        uint32 creatorId = _creatorId(lin.creator);
        _metadataDigests[tokenId] = lin.metadataDigest;
        _mintAndSetExtraDataUnchecked(
            r.to,
            tokenId,
            CertificateData.unwrap(
                CertificateDataLibrary.pack(
                    lin.modelId, creatorId, r.royaltyBps, lin.metadataCodec, CertificateKind.Pattern, _mintBlock()
                )
            )
        );

        emit CertificateMinted(
            tokenId,
            lin.modelId,
            lin.creator,
            lin.metadataDigest,
            lin.metadataCodec,
            lin.seed,
            lin.paramsHash,
            lin.pdqHash,
            lin.tileHash,
            r.royaltyBps,
            attester
        );
        if (recipeId != 0) emit PatternFromRecipe(tokenId, recipeId);
    }

    /// @inheritdoc IMotifCertificate
    function mintRecipe(RecipeRegistration calldata r) external whenNotPaused returns (uint256 recipeId) {
        if (r.recipeDigest == bytes32(0)) revert MotifCertificateZeroField("recipeDigest");
        if (r.shareBps > MAX_RECIPE_SHARE_BPS) revert MotifCertificateRecipeShareTooHigh(r.shareBps, MAX_RECIPE_SHARE_BPS);
        _checkModel(r.modelId);
        recipeId = recipeIdOf(msg.sender, r.recipeDigest);
        _mintOwnKind(
            recipeId, r.modelId, r.recipeDigest, r.metadataDigest, r.metadataCodec, r.royaltyBps, CertificateKind.Recipe
        );
        if (r.shareBps != 0) _shares[recipeId] = r.shareBps;
        emit RecipeMinted(
            recipeId,
            r.modelId,
            msg.sender,
            r.recipeDigest,
            r.metadataDigest,
            r.metadataCodec,
            r.royaltyBps,
            r.shareBps
        );
    }

    /// @inheritdoc IMotifCertificate
    function mintDataset(DatasetRegistration calldata d) external whenNotPaused returns (uint256 datasetId) {
        if (d.root == bytes32(0)) revert MotifCertificateZeroField("root");
        if (d.members == 0 || d.members > MAX_DATASET_MEMBERS) {
            revert MotifCertificateInvalidMemberCount(d.members, MAX_DATASET_MEMBERS);
        }
        if (d.shareBps > MAX_DATASET_SHARE_BPS) {
            revert MotifCertificateDatasetShareTooHigh(d.shareBps, MAX_DATASET_SHARE_BPS);
        }
        datasetId = datasetIdOf(msg.sender, d.root);
        _mintOwnKind(datasetId, 0, d.root, d.metadataDigest, d.metadataCodec, d.royaltyBps, CertificateKind.Dataset);
        if (d.shareBps != 0) _shares[datasetId] = d.shareBps;
        emit DatasetMinted(
            datasetId, msg.sender, d.root, d.members, d.metadataDigest, d.metadataCodec, d.royaltyBps, d.shareBps
        );
    }

    /// @dev Mints a recipe or dataset certificate to its author (the caller), who is also its creator.
    function _mintOwnKind(
        uint256 tokenId,
        uint32 modelId,
        bytes32 kindDigest,
        bytes32 metadataDigest,
        uint16 codec,
        uint16 royaltyBps,
        CertificateKind kind
    ) private {
        if (metadataDigest == bytes32(0)) revert MotifCertificateZeroField("metadataDigest");
        if (!CidV1.isSupportedCodec(codec)) revert MotifCertificateUnsupportedCodec(codec);
        if (royaltyBps > MAX_ROYALTY_BPS) revert MotifCertificateRoyaltyTooHigh(royaltyBps, MAX_ROYALTY_BPS);
        if (_data(tokenId).isSet()) revert MotifCertificateAlreadyCertified(tokenId);
        uint32 creatorId = _creatorId(msg.sender);
        _metadataDigests[tokenId] = metadataDigest;
        _kindDigests[tokenId] = kindDigest;
        _mintAndSetExtraDataUnchecked(
            msg.sender,
            tokenId,
            CertificateData.unwrap(CertificateDataLibrary.pack(modelId, creatorId, royaltyBps, codec, kind, _mintBlock()))
        );
    }

    /// @dev Refuses a model that is not active, or whose id a certificate's packed word cannot hold.
    function _checkModel(uint32 modelId) private view {
        if (modelId > CertificateDataLibrary.MAX_MODEL_ID) {
            revert MotifCertificateModelIdTooLarge(modelId, CertificateDataLibrary.MAX_MODEL_ID);
        }
        ModelStatus status = registry.modelStatus(modelId);
        if (status != ModelStatus.Active) revert MotifCertificateModelNotActive(modelId, status);
    }

    /// @dev This block, counted from the deployment block (what the packed word stores).
    function _mintBlock() private view returns (uint64) {
        uint256 offset = block.number - _DEPLOY_BLOCK; // compared whole, then cut: never wrapped
        if (offset > CertificateDataLibrary.MAX_MINT_BLOCK) {
            revert MotifCertificateMintBlockTooLate(block.number, _DEPLOY_BLOCK + CertificateDataLibrary.MAX_MINT_BLOCK);
        }
        return uint64(offset);
    }

    function _creatorId(address creator) private returns (uint32 creatorId) {
        creatorId = _creatorIds[creator];
        if (creatorId == 0) {
            creatorId = ++_creatorCount;
            if (creatorId > CertificateDataLibrary.MAX_CREATOR_ID) {
                revert MotifCertificateTooManyCreators(CertificateDataLibrary.MAX_CREATOR_ID);
            }
            _creatorIds[creator] = creatorId;
            _creators[creatorId] = creator;
            emit CreatorRegistered(creator, creatorId);
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Edits, royalty, pause
    // ----------------------------------------------------------------------------------------------

    /// @inheritdoc IMotifCertificate
    function logEdit(uint256 tokenId, bytes32 stepDigest, bytes32 metadataDigest, uint16 metadataCodec)
        external
        returns (bytes32 head)
    {
        _requireMinted(tokenId);
        if (!_isApprovedOrOwner(msg.sender, tokenId)) revert MotifCertificateNotOwnerOrApproved(tokenId, msg.sender);
        if (stepDigest == bytes32(0)) revert MotifCertificateZeroField("stepDigest");
        head = keccak256(abi.encodePacked(_editHeads[tokenId], stepDigest));
        _editHeads[tokenId] = head;
        emit EditLogged(tokenId, msg.sender, stepDigest, head);
        if (metadataDigest != bytes32(0)) {
            if (!CidV1.isSupportedCodec(metadataCodec)) revert MotifCertificateUnsupportedCodec(metadataCodec);
            _setData(tokenId, _data(tokenId).withMetadataCodec(metadataCodec));
            _metadataDigests[tokenId] = metadataDigest;
            emit IERC4906.MetadataUpdate(tokenId);
        }
    }

    /// @inheritdoc IMotifCertificate
    function setRoyalty(uint256 tokenId, uint16 royaltyBps) external {
        _requireMinted(tokenId);
        CertificateData data = _data(tokenId);
        uint16 current = data.royaltyBps();
        if (_creators[data.creatorId()] != msg.sender) revert MotifCertificateNotCreator(tokenId, msg.sender);
        if (royaltyBps > current) revert MotifCertificateRoyaltyIncrease(tokenId, current, royaltyBps);
        _setData(tokenId, data.withRoyaltyBps(royaltyBps));
        emit RoyaltyUpdated(tokenId, current, royaltyBps);
    }

    /// @inheritdoc IMotifCertificate
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IMotifCertificate
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ----------------------------------------------------------------------------------------------
    // Views
    // ----------------------------------------------------------------------------------------------

    /// @notice "Motif Pattern Certificate".
    function name() public pure override returns (string memory) {
        return "Motif Pattern Certificate";
    }

    /// @notice "MOTIF".
    function symbol() public pure override returns (string memory) {
        return "MOTIF";
    }

    /// @notice `ipfs://<metadata CIDv1 base32>`, rendered from storage.
    /// @param tokenId The certificate.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        return string.concat("ipfs://", metadataCid(tokenId));
    }

    /// @inheritdoc IMotifCertificate
    function deployBlock() external view returns (uint256 blockNumber) {
        blockNumber = _DEPLOY_BLOCK;
    }

    /// @inheritdoc IMotifCertificate
    function mintBlockOf(uint256 tokenId) external view returns (uint256 blockNumber) {
        _requireMinted(tokenId);
        blockNumber = _DEPLOY_BLOCK + _data(tokenId).mintBlock();
    }

    /// @inheritdoc IMotifCertificate
    function metadataCid(uint256 tokenId) public view returns (string memory) {
        _requireMinted(tokenId);
        return CidV1.toBase32(_data(tokenId).metadataCodec(), _metadataDigests[tokenId]);
    }

    /// @notice ERC-2981: the creator receives `royaltyBps` of `salePrice` (rounded down).
    /// @param tokenId The certificate.
    /// @param salePrice The sale price, in any unit.
    /// @return receiver The creator.
    /// @return royaltyAmount The royalty in the same unit.
    function royaltyInfo(uint256 tokenId, uint256 salePrice)
        external
        view
        returns (address receiver, uint256 royaltyAmount)
    {
        _requireMinted(tokenId);
        CertificateData data = _data(tokenId);
        receiver = _creators[data.creatorId()];
        royaltyAmount = salePrice * data.royaltyBps() / _BPS;
    }

    /// @inheritdoc IMotifCertificate
    function certificate(uint256 tokenId) external view returns (CertificateView memory v) {
        _requireMinted(tokenId);
        CertificateData data = _data(tokenId);
        v = CertificateView({
            kind: data.kind(),
            owner: _ownerOf(tokenId),
            creator: _creators[data.creatorId()],
            modelId: data.modelId(),
            creatorId: data.creatorId(),
            royaltyBps: data.royaltyBps(),
            metadataCodec: data.metadataCodec(),
            metadataDigest: _metadataDigests[tokenId],
            editHead: _editHeads[tokenId],
            recipeId: _recipeOf[tokenId],
            kindDigest: _kindDigests[tokenId],
            shareBps: _shares[tokenId],
            mintBlock: _DEPLOY_BLOCK + data.mintBlock()
        });
    }

    /// @inheritdoc IMotifCertificate
    function matchesLineage(Lineage calldata lineage) external view returns (bool) {
        uint256 tokenId = uint256(lineage.contentDigest);
        CertificateData data = _data(tokenId);
        if (!data.isSet()) return false;
        return data.kind() == CertificateKind.Pattern && data.modelId() == lineage.modelId
            && _creators[data.creatorId()] == lineage.creator && data.metadataCodec() == lineage.metadataCodec && _metadataDigests[tokenId] == lineage.metadataDigest
            && _recipeOf[tokenId] == lineage.recipeId;
    }

    /// @inheritdoc IMotifCertificate
    function modelOf(uint256 tokenId) external view returns (uint32 modelId) {
        _requireMinted(tokenId);
        modelId = _data(tokenId).modelId();
    }

    /// @inheritdoc IMotifCertificate
    function designOf(uint256 tokenId) external view returns (uint256 designId) {
        designId = _designOf[tokenId];
    }

    /// @inheritdoc IMotifCertificate
    function colourwaysOf(uint256 designId) external view returns (uint256[] memory colourwayIds) {
        colourwayIds = _colourways[designId];
    }

    /// @inheritdoc IMotifCertificate
    function kindOf(uint256 tokenId) external view returns (CertificateKind kind) {
        _requireMinted(tokenId);
        kind = _data(tokenId).kind();
    }

    /// @inheritdoc IMotifCertificate
    function revenueShares(uint256 tokenId)
        external
        view
        returns (address owner, uint32 modelId, address recipeOwner, uint16 recipeShareBps)
    {
        owner = _ownerOf(tokenId);
        if (owner == address(0)) revert MotifCertificateNonexistentToken(tokenId);
        modelId = _data(tokenId).modelId();
        uint256 recipeId = _recipeOf[tokenId];
        if (recipeId != 0) {
            recipeOwner = _ownerOf(recipeId);
            recipeShareBps = _shares[recipeId];
        }
    }

    /// @inheritdoc IMotifCertificate
    function shareOf(uint256 tokenId) external view returns (address owner, uint16 shareBps) {
        owner = _ownerOf(tokenId);
        if (owner == address(0)) revert MotifCertificateNonexistentToken(tokenId);
        shareBps = _shares[tokenId];
    }

    /// @inheritdoc IMotifCertificate
    function recipeIdOf(address author, bytes32 recipeDigest) public pure returns (uint256) {
        return (uint256(RECIPE_ID_PREFIX) << 192) | (uint256(keccak256(abi.encode(_RECIPE_TAG, author, recipeDigest))) & _ID_BODY_MASK);
    }

    /// @inheritdoc IMotifCertificate
    function datasetIdOf(address curator, bytes32 root) public pure returns (uint256) {
        return (uint256(DATASET_ID_PREFIX) << 192) | (uint256(keccak256(abi.encode(_DATASET_TAG, curator, root))) & _ID_BODY_MASK);
    }

    /// @inheritdoc IMotifCertificate
    function creatorOf(uint256 tokenId) external view returns (address) {
        _requireMinted(tokenId);
        return _creators[_data(tokenId).creatorId()];
    }

    /// @inheritdoc IMotifCertificate
    function editHead(uint256 tokenId) external view returns (bytes32) {
        _requireMinted(tokenId);
        return _editHeads[tokenId];
    }

    /// @inheritdoc IMotifCertificate
    function creatorIdOf(address creator) external view returns (uint32) {
        return _creatorIds[creator];
    }

    /// @inheritdoc IMotifCertificate
    function attestationDigest(MintRequest calldata request) external view returns (bytes32) {
        return _hashTypedDataV4(LineageHash.hashAttestation(request));
    }

    /// @notice ERC-165: ERC-721 (+Metadata), ERC-2981, ERC-4906, AccessControl.
    /// @param interfaceId The interface id.
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721, AccessControl, IERC165)
        returns (bool)
    {
        // ERC-4906's id is fixed by the ERC (0x49064906), not `type(IERC4906).interfaceId`, which would
        // XOR in ERC-721's functions.
        return interfaceId == type(IERC2981).interfaceId || interfaceId == bytes4(0x49064906)
            || ERC721.supportsInterface(interfaceId) || AccessControl.supportsInterface(interfaceId);
    }

    // ----------------------------------------------------------------------------------------------
    // ERC-721 entry points that Solady marks payable: certificates never take ETH.
    // ----------------------------------------------------------------------------------------------

    /// @notice ERC-721 approve; reverts if ETH is attached.
    /// @param account The account approved for `tokenId`.
    /// @param tokenId The certificate.
    function approve(address account, uint256 tokenId) public payable override {
        if (msg.value != 0) revert MotifCertificateUnexpectedValue(msg.value);
        super.approve(account, tokenId);
    }

    /// @notice ERC-721 transfer (also behind both `safeTransferFrom`); reverts if ETH is attached.
    /// A family has one owner: a colourway is refused on its own
    /// (`MotifCertificateColourwayMovesWithItsDesign`), and a design carries its colourways to `to`,
    /// one `Transfer` event each (`safeTransferFrom` asks `onERC721Received` for the design only).
    /// @param from Current owner.
    /// @param to New owner.
    /// @param tokenId The certificate.
    function transferFrom(address from, address to, uint256 tokenId) public payable override {
        if (msg.value != 0) revert MotifCertificateUnexpectedValue(msg.value);
        if (!_data(tokenId).inFamily()) return super.transferFrom(from, to, tokenId);
        uint256 designId = _designOf[tokenId];
        if (designId != 0) revert MotifCertificateColourwayMovesWithItsDesign(tokenId, designId);
        super.transferFrom(from, to, tokenId);
        uint256[] storage family = _colourways[tokenId];
        uint256 n = family.length;
        for (uint256 i; i < n; ++i) {
            _transfer(from, to, family[i]); // a colourway always has its design's owner, `from`
        }
    }

    // ----------------------------------------------------------------------------------------------
    // Packing
    // ----------------------------------------------------------------------------------------------

    /// @dev The packed mint data in the owner slot of `tokenId` (0 if never minted).
    function _data(uint256 tokenId) private view returns (CertificateData) {
        return CertificateData.wrap(_getExtraData(tokenId));
    }

    function _setData(uint256 tokenId, CertificateData data) private {
        _setExtraData(tokenId, CertificateData.unwrap(data));
    }

    function _requireMinted(uint256 tokenId) private view {
        if (!_exists(tokenId)) revert MotifCertificateNonexistentToken(tokenId);
    }
}
