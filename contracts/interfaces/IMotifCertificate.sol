// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {IMotifModelRegistry} from "./IMotifModelRegistry.sol";
import {
    CertificateKind,
    CertificateView,
    DatasetRegistration,
    Lineage,
    MintRequest,
    RecipeRegistration
} from "../types/Lineage.sol";
import {ModelStatus} from "../types/Model.sol";

/// @title IMotifCertificate
/// @notice One ERC-721 certificate per generated pattern, carrying its attested lineage.
interface IMotifCertificate {
    /// @notice A certificate for `contentDigest` exists already (token id = content digest).
    error MotifCertificateDuplicateContent(bytes32 contentDigest);
    /// @notice A pattern's content digest `tokenId` starts with `prefix`, the reserved top 64 bits of recipe
    /// or dataset ids (an image's sha-256 lands there with probability 2^-63; an attester on purpose).
    error MotifCertificateReservedId(uint256 tokenId, uint64 prefix);
    /// @notice `tokenId` was never minted.
    error MotifCertificateNonexistentToken(uint256 tokenId);
    /// @notice The lineage names a model that is not active (`status` None = unknown, Deprecated).
    error MotifCertificateModelNotActive(uint32 modelId, ModelStatus status);
    /// @notice The attestation was signed by, or the unsigned mint sent by, `account`, which lacks `ATTESTER_ROLE`.
    error MotifCertificateUnauthorizedAttester(address account);
    /// @notice The attestation signature is malformed or does not recover to an address.
    error MotifCertificateInvalidSignature();
    /// @notice The attestation's `deadline` passed before `timestamp`.
    error MotifCertificateAttestationExpired(uint64 deadline, uint256 timestamp);
    /// @notice `royaltyBps` exceeds `maxBps`.
    error MotifCertificateRoyaltyTooHigh(uint16 royaltyBps, uint16 maxBps);
    /// @notice A royalty can only be lowered: `requestedBps` > `currentBps`.
    error MotifCertificateRoyaltyIncrease(uint256 tokenId, uint16 currentBps, uint16 requestedBps);
    /// @notice `caller` is not the creator of `tokenId`.
    error MotifCertificateNotCreator(uint256 tokenId, address caller);
    /// @notice `caller` is neither the owner of `tokenId` nor approved for it.
    error MotifCertificateNotOwnerOrApproved(uint256 tokenId, address caller);
    /// @notice A required field is zero; `field` names it.
    error MotifCertificateZeroField(string field);
    /// @notice The metadata CID codec is not one Motif renders.
    error MotifCertificateUnsupportedCodec(uint16 codec);
    /// @notice A batch had `length` requests; allowed 1..`maxLength`.
    error MotifCertificateInvalidBatchLength(uint256 length, uint256 maxLength);
    /// @notice ETH was attached to a call that takes none.
    error MotifCertificateUnexpectedValue(uint256 value);
    /// @notice A recipe's revenue share `shareBps` exceeds `maxBps`.
    error MotifCertificateRecipeShareTooHigh(uint16 shareBps, uint16 maxBps);
    /// @notice A dataset's revenue share `shareBps` exceeds `maxBps`.
    error MotifCertificateDatasetShareTooHigh(uint16 shareBps, uint16 maxBps);
    /// @notice `tokenId` is a certificate of `kind`, not a recipe.
    error MotifCertificateNotARecipe(uint256 tokenId, CertificateKind kind);
    /// @notice The lineage names recipe `recipeId`, written for model `recipeModelId`, but the pattern used `modelId`.
    error MotifCertificateRecipeModelMismatch(uint256 recipeId, uint32 recipeModelId, uint32 modelId);
    /// @notice A certificate for this recipe digest or dataset root exists already as `tokenId`.
    error MotifCertificateAlreadyCertified(uint256 tokenId);
    /// @notice A dataset must have 1..`maxMembers` members; it had `members`.
    error MotifCertificateInvalidMemberCount(uint32 members, uint32 maxMembers);
    /// @notice `modelId` is above the highest id a certificate can name (`maxModelId`, 22 bits).
    error MotifCertificateModelIdTooLarge(uint32 modelId, uint32 maxModelId);
    /// @notice Every creator id a certificate can hold (`maxCreators`, 26 bits) is taken.
    error MotifCertificateTooManyCreators(uint32 maxCreators);
    /// @notice The chain reached `blockNumber`, past the last block a certificate can record (`lastBlock`).
    error MotifCertificateMintBlockTooLate(uint256 blockNumber, uint256 lastBlock);
    /// @notice A colourway names design `designId`, which was never minted.
    error MotifCertificateUnknownDesign(uint256 designId);
    /// @notice A colourway names design `designId`, a certificate of `kind` (a recipe or dataset), not a pattern.
    error MotifCertificateDesignNotAPattern(uint256 designId, CertificateKind kind);
    /// @notice A colourway names `designId`, itself a colourway of `familyDesignId`: families are one
    /// level deep, so a colourway names the family's design.
    error MotifCertificateDesignIsColourway(uint256 designId, uint256 familyDesignId);
    /// @notice A colourway of design `designId` (rendered with `designModelId`) names model `modelId`.
    error MotifCertificateColourwayModelMismatch(uint256 designId, uint32 designModelId, uint32 modelId);
    /// @notice A colourway of design `designId` (created by `designCreator`) names creator `creator`.
    error MotifCertificateColourwayCreatorMismatch(uint256 designId, address designCreator, address creator);
    /// @notice A colourway of design `designId` would be minted to `to`, not to the design's owner `designOwner`.
    error MotifCertificateColourwayOwnerMismatch(uint256 designId, address designOwner, address to);
    /// @notice Colourway `colourwayId` was sent on its own: a family has one owner, so a colourway moves
    /// only with its design `designId` (transfer the design: every colourway follows it).
    error MotifCertificateColourwayMovesWithItsDesign(uint256 colourwayId, uint256 designId);
    /// @notice Design `designId` already has `maxColourways` colourways, the most one family holds
    /// (a design's transfer moves them all, so the family is bounded).
    error MotifCertificateTooManyColourways(uint256 designId, uint256 maxColourways);

    /// @notice A certificate was minted. With the storage of `tokenId` it gives the full lineage:
    /// `tokenId` is the content digest, the creator and model are indexed, the block gives the mint time.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param modelId The model.
    /// @param creator The credited creator.
    /// @param metadataDigest sha2-256 digest inside the metadata CIDv1.
    /// @param metadataCodec Multicodec of the metadata CIDv1.
    /// @param seed The render seed.
    /// @param paramsHash keccak-256 of the canonical params JSON.
    /// @param pdqHash PDQ perceptual hash of the image.
    /// @param tileHash Motif tile hash of the pattern (repeat-aware; zero if not attested).
    /// @param royaltyBps ERC-2981 royalty of the certificate, in basis points.
    /// @param attester The generator key that attested the lineage (or sent the mint).
    event CertificateMinted(
        uint256 indexed tokenId,
        uint32 indexed modelId,
        address indexed creator,
        bytes32 metadataDigest,
        uint16 metadataCodec,
        uint64 seed,
        bytes32 paramsHash,
        bytes32 pdqHash,
        bytes32 tileHash,
        uint16 royaltyBps,
        address attester
    );
    /// @notice A pattern was rendered from recipe `recipeId` (emitted right after its `CertificateMinted`).
    /// @param tokenId The pattern certificate.
    /// @param recipeId The recipe certificate named in its lineage.
    event PatternFromRecipe(uint256 indexed tokenId, uint256 indexed recipeId);
    /// @notice `author` certified a recipe.
    /// @param recipeId The recipe certificate (`recipeIdOf(author, recipeDigest)`).
    /// @param modelId The model the recipe is for.
    /// @param author The author, its first owner and ERC-2981 receiver.
    /// @param recipeDigest sha-256 of the canonical recipe JSON.
    /// @param metadataDigest sha2-256 digest inside the metadata CIDv1.
    /// @param metadataCodec Multicodec of the metadata CIDv1.
    /// @param royaltyBps ERC-2981 royalty on sales of the recipe certificate.
    /// @param shareBps The recipe owner's share of revenue of patterns rendered from it.
    event RecipeMinted(
        uint256 indexed recipeId,
        uint32 indexed modelId,
        address indexed author,
        bytes32 recipeDigest,
        bytes32 metadataDigest,
        uint16 metadataCodec,
        uint16 royaltyBps,
        uint16 shareBps
    );
    /// @notice `curator` certified a training dataset.
    /// @param datasetId The dataset certificate (`datasetIdOf(curator, root)`).
    /// @param curator The account that exported it, its first owner and ERC-2981 receiver.
    /// @param root Merkle root over the members.
    /// @param members Number of members.
    /// @param metadataDigest sha2-256 digest inside the metadata CIDv1.
    /// @param metadataCodec Multicodec of the metadata CIDv1.
    /// @param royaltyBps ERC-2981 royalty on sales of the dataset certificate.
    /// @param shareBps Share of the revenue of patterns rendered with models trained on it.
    event DatasetMinted(
        uint256 indexed datasetId,
        address indexed curator,
        bytes32 root,
        uint32 members,
        bytes32 metadataDigest,
        uint16 metadataCodec,
        uint16 royaltyBps,
        uint16 shareBps
    );
    /// @notice Pattern `tokenId` was minted as a colourway of design `designId` (emitted right after its
    /// `CertificateMinted`, and after its `PatternFromRecipe` if any). The link is permanent.
    /// @param designId The family's design.
    /// @param tokenId The colourway.
    event ColourwayMinted(uint256 indexed designId, uint256 indexed tokenId);
    /// @notice `creator` received its compact id on its first certificate.
    /// @param creator The credited creator.
    /// @param creatorId Its compact id, stored in certificates instead of the address.
    event CreatorRegistered(address indexed creator, uint32 indexed creatorId);
    /// @notice A human edit step was appended: `head = keccak256(abi.encodePacked(previousHead, stepDigest))`.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param editor The account that logged the step (owner or approved operator).
    /// @param stepDigest Digest of the edit step.
    /// @param head The new head of the edit-log hash chain.
    event EditLogged(uint256 indexed tokenId, address indexed editor, bytes32 stepDigest, bytes32 head);
    /// @notice The creator lowered the royalty of `tokenId`.
    /// @param tokenId The certificate (token id = sha-256 of the image).
    /// @param previousBps The royalty before, in basis points.
    /// @param newBps The royalty after, in basis points.
    event RoyaltyUpdated(uint256 indexed tokenId, uint16 previousBps, uint16 newBps);

    /// @notice Mints one certificate. The lineage must be attested: either `request.signature` is an
    /// EIP-712 `MintAttestation` signed by an `ATTESTER_ROLE` holder, or it is empty and the caller holds
    /// `ATTESTER_ROLE`. Reverts while paused.
    /// @param request Lineage, recipient, royalty, deadline and signature.
    /// @return tokenId The new token id, `uint256(request.lineage.contentDigest)`.
    function mint(MintRequest calldata request) external returns (uint256 tokenId);

    /// @notice Mints several certificates in one transaction; all or nothing.
    /// @param requests 1..`MAX_BATCH` requests, each checked as by `mint`.
    /// @return tokenIds The new token ids, in request order.
    function mintBatch(MintRequest[] calldata requests) external returns (uint256[] memory tokenIds);

    /// @notice Mints a pattern certificate as `mint` does (same checks and events; a signature is over
    /// a `ColourwayAttestation`, the `MintAttestation` fields and `designId`, so a colourway's
    /// attestation can be neither minted as a plain pattern nor linked to another design) and links it for good to design `designId` as one of its colourways (the same design
    /// recoloured): licences of the design whose terms carry `LicenseFlags.ALL_COLOURWAYS` cover it, and
    /// its licences share the design's exclusivity book (`MotifLicensing`). The design must be a pattern
    /// certificate that is not itself a colourway, rendered with the same model and credited to the
    /// same creator; the colourway is born to the design's current owner (`request.to`), and the
    /// caller must be that owner or an account approved for the design (`getApproved`,
    /// `isApprovedForAll`), signed request or not: an attester's generator hands a signed
    /// `ColourwayAttestation` to an owner who is no attester, and adds nothing by itself. The
    /// colourway moves with its design from then on (see `transferFrom`).
    /// @param request Lineage, recipient (the design's owner), royalty, deadline and signature.
    /// @param designId The design (a pattern certificate that is not a colourway).
    /// @return tokenId The new token id, `uint256(request.lineage.contentDigest)`.
    function mintColourway(MintRequest calldata request, uint256 designId) external returns (uint256 tokenId);

    /// @notice Certifies a recipe; the caller is its author, first owner and ERC-2981 receiver. No
    /// attester is involved: an author vouches for their own recipe. Licensable like any certificate;
    /// patterns whose lineage names it pay its owner `shareBps` of their licensing revenue.
    /// Reverts while paused, for an inactive model, or if the digest was certified before.
    /// @param registration Model, recipe digest, metadata CID, royalty and revenue share.
    /// @return recipeId The recipe certificate, `recipeIdOf(msg.sender, registration.recipeDigest)`.
    function mintRecipe(RecipeRegistration calldata registration) external returns (uint256 recipeId);

    /// @notice Certifies a training dataset; the caller is its curator, first owner and ERC-2981 receiver.
    /// Its lineage is the Merkle root; the members and their licenses are in the manifest named by the
    /// metadata, and `verifyDataset` in the SDK checks them. Reverts while paused or if the root was certified.
    /// @param registration Root, member count, metadata CID and royalty.
    /// @return datasetId The dataset certificate, `datasetIdOf(msg.sender, registration.root)`.
    function mintDataset(DatasetRegistration calldata registration) external returns (uint256 datasetId);

    /// @notice Appends a human edit step to the edit log of `tokenId`. Only its owner or an approved account.
    /// @param tokenId The certificate.
    /// @param stepDigest Digest of the edit step (its description and resulting image digest); nonzero.
    /// @param metadataDigest Digest of the metadata CID that includes the new step, or zero to keep the current one.
    /// @param metadataCodec Codec of that CID (ignored when `metadataDigest` is zero).
    /// @return head The new head of the edit log.
    function logEdit(uint256 tokenId, bytes32 stepDigest, bytes32 metadataDigest, uint16 metadataCodec)
        external
        returns (bytes32 head);

    /// @notice Lowers the ERC-2981 royalty of `tokenId`. Only its creator; never raises it.
    /// @param tokenId The certificate.
    /// @param royaltyBps The new royalty in basis points, at most the current one.
    function setRoyalty(uint256 tokenId, uint16 royaltyBps) external;

    /// @notice Pauses minting. Requires `PAUSER_ROLE`.
    function pause() external;

    /// @notice Resumes minting. Requires `PAUSER_ROLE`.
    function unpause() external;

    /// @notice What the contract stores about `tokenId`. Reverts for a token never minted.
    /// @param tokenId The certificate.
    /// @return view_ Owner, creator, model, royalty, metadata CID parts and edit-log head.
    function certificate(uint256 tokenId) external view returns (CertificateView memory view_);

    /// @notice Whether `lineage` agrees with what is stored for its token: content digest (token id),
    /// metadata CID, model and creator. The remaining fields are bound by the metadata CID and the mint event.
    /// @param lineage A claimed lineage.
    /// @return matches True if the token exists and every stored field equals the claim.
    function matchesLineage(Lineage calldata lineage) external view returns (bool matches);

    /// @notice The metadata CID of `tokenId` as a CIDv1 base32 string (`b...`).
    /// @param tokenId The certificate.
    /// @return cid The CID string.
    function metadataCid(uint256 tokenId) external view returns (string memory cid);

    /// @notice The block this contract was deployed in: no Motif event is older, so event readers start there.
    /// @return blockNumber The deployment block.
    function deployBlock() external view returns (uint256 blockNumber);

    /// @notice The block `tokenId` was minted in, where its mint event (with the lineage that is not
    /// in storage: seed, params hash, perceptual hashes, attester) is. Reverts for an unminted id.
    /// @param tokenId The certificate.
    /// @return blockNumber The mint block.
    function mintBlockOf(uint256 tokenId) external view returns (uint256 blockNumber);

    /// @notice The model `tokenId` was rendered with.
    /// @param tokenId The certificate.
    /// @return modelId Its model id.
    function modelOf(uint256 tokenId) external view returns (uint32 modelId);

    /// @notice The design whose colourway `tokenId` is, or 0 when it is not a colourway (a design, a plain
    /// pattern, a recipe, a dataset or an id never minted). Fixed at mint: a colourway stays in its
    /// family, and with its design's owner, for good.
    /// @param tokenId The certificate.
    /// @return designId Its family's design, or 0.
    function designOf(uint256 tokenId) external view returns (uint256 designId);

    /// @notice The colourways of design `designId`, in mint order (empty for a design without
    /// colourways, a colourway, or an id never minted). At most `MAX_COLOURWAYS`.
    /// @param designId The design.
    /// @return colourwayIds Its colourways.
    function colourwaysOf(uint256 designId) external view returns (uint256[] memory colourwayIds);

    /// @notice What `tokenId` certifies: a pattern, a recipe or a dataset.
    /// @param tokenId The certificate.
    /// @return kind Its kind.
    function kindOf(uint256 tokenId) external view returns (CertificateKind kind);

    /// @notice What `MotifLicensing.settle` needs to split a certificate's revenue, in one call.
    /// @param tokenId The certificate.
    /// @return owner Its current owner.
    /// @return modelId Its model (0 for a dataset, which has none).
    /// @return recipeOwner Owner of the recipe the pattern was rendered from (zero address for none).
    /// @return recipeShareBps That recipe's share of the pattern's revenue (0 for none).
    function revenueShares(uint256 tokenId)
        external
        view
        returns (address owner, uint32 modelId, address recipeOwner, uint16 recipeShareBps);

    /// @notice The current owner of a recipe or dataset certificate and the revenue share it takes of
    /// the patterns derived from it (rendered from the recipe, or with a model trained on the
    /// dataset); 0 for a pattern. Reverts for an unknown token.
    /// @param tokenId The recipe or dataset certificate.
    /// @return owner Its current owner.
    /// @return shareBps Its share, in basis points.
    function shareOf(uint256 tokenId) external view returns (address owner, uint16 shareBps);

    /// @notice The token id the recipe with canonical JSON digest `recipeDigest` has or would have when
    /// `author` certifies it. The author is part of the id, so certifying someone else's recipe first
    /// cannot take its id.
    /// @param author The recipe's author (the `author` field of the recipe JSON).
    /// @param recipeDigest sha-256 of the canonical recipe JSON.
    /// @return recipeId `uint256(keccak256(abi.encode(keccak256("motif.recipe"), author, recipeDigest)))`.
    function recipeIdOf(address author, bytes32 recipeDigest) external pure returns (uint256 recipeId);

    /// @notice The token id the dataset with Merkle root `root` has or would have when `curator` certifies it.
    /// @param curator The dataset's licensee (the manifest's `licensee`).
    /// @param root The dataset's Merkle root.
    /// @return datasetId `uint256(keccak256(abi.encode(keccak256("motif.dataset"), curator, root)))`.
    function datasetIdOf(address curator, bytes32 root) external pure returns (uint256 datasetId);

    /// @notice The creator of `tokenId` (its ERC-2981 royalty receiver).
    /// @param tokenId The certificate.
    /// @return creator The creator.
    function creatorOf(uint256 tokenId) external view returns (address creator);

    /// @notice Head of the human edit log of `tokenId`; zero before any edit.
    /// @param tokenId The certificate.
    /// @return head The head.
    function editHead(uint256 tokenId) external view returns (bytes32 head);

    /// @notice The compact id of `creator`, or 0 before its first certificate.
    /// @param creator An account.
    /// @return creatorId Its id.
    function creatorIdOf(address creator) external view returns (uint32 creatorId);

    /// @notice The EIP-712 digest an attester signs for `request` (its `signature` is ignored).
    /// @param request The mint request.
    /// @return digest The typed-data digest under this contract's domain.
    function attestationDigest(MintRequest calldata request) external view returns (bytes32 digest);

    /// @notice The model registry whose models certificates name.
    /// @return registry_ The registry.
    function registry() external view returns (IMotifModelRegistry registry_);
}
