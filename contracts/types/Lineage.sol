// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @notice Where a pattern came from. One lineage type is shared by the contracts, the SDK
/// (`sdk/src/types/lineage.ts`) and the pinned metadata (`lineage` object), field for field.
/// @dev EIP-712 type string (see `LineageHash.LINEAGE_TYPEHASH`):
/// `Lineage(bytes32 contentDigest,bytes32 metadataDigest,uint16 metadataCodec,uint32 modelId,uint64 seed,bytes32 paramsHash,bytes32 pdqHash,bytes32 tileHash,address creator,uint256 recipeId)`
struct Lineage {
    /// sha-256 of the rendered image bytes (PNG). It is also the token id: content-addressed ids
    /// make "the same content is never certified twice" a property of ERC-721 itself.
    bytes32 contentDigest;
    /// sha2-256 digest inside the metadata CIDv1. The metadata document holds this lineage, the
    /// image CID and the edit log, so the stored CID commits to the whole lineage.
    bytes32 metadataDigest;
    /// Multicodec of the metadata CIDv1 (0x55 raw, 0x70 dag-pb, 0x71 dag-cbor, 0x0129 dag-json, 0x0200 json).
    uint16 metadataCodec;
    /// Model id in `MotifModelRegistry`; must be active at mint time.
    uint32 modelId;
    /// Seed the generator rendered with.
    uint64 seed;
    /// keccak-256 of the canonical params JSON (sorted keys, no whitespace).
    bytes32 paramsHash;
    /// PDQ perceptual hash (256 bits) of the image, in the reference's word order.
    bytes32 pdqHash;
    /// Motif tile hash (256 bits): the repeat-aware fingerprint of the seamless pattern — the same for
    /// any tile origin, repeat count or scale (see `sdk/src/tile/tileHash.ts`). Zero for certificates
    /// attested before tile hashes existed: verifiers compute it on the fly then.
    bytes32 tileHash;
    /// Account credited as the pattern's creator; receives ERC-2981 royalties.
    address creator;
    /// Recipe certificate the pattern was rendered from (`MotifCertificate.mintRecipe`), or 0 for none.
    /// The recipe must be for the same model; its owner receives the recipe's share of the
    /// pattern's licensing revenue. The attester vouches that the creator owned or licensed it.
    uint256 recipeId;
}

/// @notice What a certificate certifies. Stored in bits 61..62 of `CertificateData`.
enum CertificateKind {
    /// A generated pattern (token id = sha-256 of the image).
    Pattern,
    /// A recipe: a canonical params/prompt configuration for one model (token id = `recipeIdOf(author, digest)`).
    Recipe,
    /// A training dataset: a Merkle root over licensed patterns (token id = `datasetIdOf(curator, root)`).
    Dataset
}

/// @notice A recipe its author certifies (see `MotifCertificate.mintRecipe`).
struct RecipeRegistration {
    /// Model the recipe is for; must be active.
    uint32 modelId;
    /// sha-256 of the canonical `motif-recipe/1` JSON bytes (the digest of its raw-codec CID).
    bytes32 recipeDigest;
    /// sha2-256 digest inside the recipe certificate's metadata CIDv1 (which names the recipe's CID).
    bytes32 metadataDigest;
    /// Multicodec of that metadata CIDv1.
    uint16 metadataCodec;
    /// ERC-2981 royalty on sales of the recipe certificate itself, at most `MAX_ROYALTY_BPS`.
    uint16 royaltyBps;
    /// Share of the licensing revenue of every pattern rendered from the recipe that goes to the
    /// recipe's owner, at most `MAX_RECIPE_SHARE_BPS`.
    uint16 shareBps;
}

/// @notice A training dataset its exporter certifies (see `MotifCertificate.mintDataset`).
struct DatasetRegistration {
    /// Root of the sorted-pair keccak-256 Merkle tree over the members'
    /// `keccak256(bytes.concat(keccak256(abi.encode(tokenId, imageDigest, licenseId))))` leaves.
    bytes32 root;
    /// Number of members (patterns) in the dataset.
    uint32 members;
    /// sha2-256 digest inside the dataset certificate's metadata CIDv1 (which names the manifest's CID).
    bytes32 metadataDigest;
    /// Multicodec of that metadata CIDv1.
    uint16 metadataCodec;
    /// ERC-2981 royalty on sales of the dataset certificate, at most `MAX_ROYALTY_BPS`.
    uint16 royaltyBps;
    /// Share of the licensing revenue of every pattern rendered with a model trained on the dataset
    /// (`TrainingLineage.datasetId`) that goes to the dataset's owner, at most `MAX_DATASET_SHARE_BPS`.
    uint16 shareBps;
}

/// @notice One certificate to mint: the attested lineage plus the mint terms the attester approved.
/// @dev EIP-712 type string (see `LineageHash.ATTESTATION_TYPEHASH`):
/// `MintAttestation(Lineage lineage,address to,uint16 royaltyBps,uint64 deadline)` followed by the Lineage type.
struct MintRequest {
    Lineage lineage;
    /// First owner of the certificate. Bound by the signature so a front-runner cannot redirect it.
    address to;
    /// ERC-2981 royalty in basis points, at most `MotifCertificate.MAX_ROYALTY_BPS`.
    uint16 royaltyBps;
    /// Unix seconds after which the attestation can no longer be used.
    uint64 deadline;
    /// EIP-712 signature by an attester; empty when the caller itself holds `ATTESTER_ROLE`.
    bytes signature;
}

/// @notice Everything the certificate stores about a token, as returned by `certificate(tokenId)`.
struct CertificateView {
    CertificateKind kind;
    address owner;
    address creator;
    uint32 modelId;
    uint32 creatorId;
    uint16 royaltyBps;
    uint16 metadataCodec;
    bytes32 metadataDigest;
    bytes32 editHead;
    /// Pattern: the recipe it was rendered from (0 for none). Recipe and dataset: 0.
    uint256 recipeId;
    /// Recipe: its recipe digest. Dataset: its Merkle root. Pattern: 0 (its token id is its content digest).
    bytes32 kindDigest;
    /// Recipe: the share of derived patterns' revenue its owner receives. Dataset: the share of the
    /// revenue of patterns rendered with models trained on it. Pattern: 0.
    uint16 shareBps;
    /// The block the certificate was minted in: its `CertificateMinted` / `RecipeMinted` /
    /// `DatasetMinted` event is in that block, so a reader needs one `eth_getLogs` of one block.
    uint256 mintBlock;
}
