// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {CertificateKind} from "./Lineage.sol";
import {CidV1} from "../libraries/CidV1.sol";

/// @notice The 96 spare bits of a certificate's owner slot (Solady ERC721 `extraData`):
///   bits  0..21  modelId     (22 bits: `MotifModelRegistry` ids up to 4,194,303)
///   bits 22..47  creatorId   (26 bits: up to 67,108,863 creators)
///   bits 48..57  royaltyBps  (10 bits: ERC-2981, at most 1,000)
///   bits 58..60  codecIndex  (3 bits: the metadata CID's multicodec, `CidV1.codecIndex`, 1..5)
///   bits 61..62  kind        (`CertificateKind`)
///   bits 63..94  mintBlock   (32 bits: blocks after the certificate contract's deployment block, so
///                             a reader finds the mint event in one block; 4.29e9 blocks is 34 years
///                             of 250 ms blocks)
///   bit  95      family      (a design with colourways, or a colourway: its transfers are the
///                             family's, so an ordinary transfer reads nothing more to know it is not)
/// The creator id is never zero after a mint, so a non-zero word also means "ever minted".
type CertificateData is uint96;

using CertificateDataLibrary for CertificateData global;

/// @title CertificateDataLibrary
/// @notice Named offsets and masks of `CertificateData`. `pack` takes values its callers have
/// checked against the `MAX_*` bounds below (a wider value would spill into the next field).
library CertificateDataLibrary {
    uint96 internal constant MODEL_ID_OFFSET = 0;
    uint96 internal constant CREATOR_ID_OFFSET = 22;
    uint96 internal constant ROYALTY_BPS_OFFSET = 48;
    uint96 internal constant CODEC_INDEX_OFFSET = 58;
    uint96 internal constant KIND_OFFSET = 61;
    uint96 internal constant MINT_BLOCK_OFFSET = 63;
    uint96 internal constant FAMILY_OFFSET = 95;

    uint96 internal constant MODEL_ID_MASK = (1 << 22) - 1;
    uint96 internal constant CREATOR_ID_MASK = (1 << 26) - 1;
    uint96 internal constant ROYALTY_BPS_MASK = (1 << 10) - 1;
    uint96 internal constant CODEC_INDEX_MASK = (1 << 3) - 1;
    uint96 internal constant KIND_MASK = (1 << 2) - 1;
    uint96 internal constant MINT_BLOCK_MASK = (1 << 32) - 1;
    uint96 internal constant FAMILY_MASK = 1;

    /// @notice Highest model id a certificate can name.
    uint32 internal constant MAX_MODEL_ID = uint32(MODEL_ID_MASK);
    /// @notice Highest creator id.
    uint32 internal constant MAX_CREATOR_ID = uint32(CREATOR_ID_MASK);
    /// @notice Highest mint block, counted from the certificate contract's deployment block.
    uint64 internal constant MAX_MINT_BLOCK = uint64(MINT_BLOCK_MASK);

    /// @notice The word with every field in place.
    /// @param modelId_ The model (at most `MAX_MODEL_ID`).
    /// @param creatorId_ The creator's id (at most `MAX_CREATOR_ID`).
    /// @param royaltyBps_ ERC-2981 royalty (at most 1,023; certificates allow 1,000).
    /// @param codec_ Multicodec of the metadata CID (one `CidV1.isSupportedCodec` accepts).
    /// @param kind_ Pattern, recipe or dataset.
    /// @param mintBlock_ Blocks since the certificate contract's deployment (at most `MAX_MINT_BLOCK`).
    function pack(
        uint32 modelId_,
        uint32 creatorId_,
        uint16 royaltyBps_,
        uint16 codec_,
        CertificateKind kind_,
        uint64 mintBlock_
    ) internal pure returns (CertificateData) {
        return CertificateData.wrap(
            (uint96(modelId_) << MODEL_ID_OFFSET) | (uint96(creatorId_) << CREATOR_ID_OFFSET)
                | (uint96(royaltyBps_) << ROYALTY_BPS_OFFSET)
                | (uint96(CidV1.codecIndex(codec_)) << CODEC_INDEX_OFFSET) | (uint96(uint8(kind_)) << KIND_OFFSET)
                | (uint96(mintBlock_) << MINT_BLOCK_OFFSET)
        );
    }

    /// @notice The model.
    /// @param self The word.
    function modelId(CertificateData self) internal pure returns (uint32) {
        return uint32((CertificateData.unwrap(self) >> MODEL_ID_OFFSET) & MODEL_ID_MASK);
    }

    /// @notice The creator's id.
    /// @param self The word.
    function creatorId(CertificateData self) internal pure returns (uint32) {
        return uint32((CertificateData.unwrap(self) >> CREATOR_ID_OFFSET) & CREATOR_ID_MASK);
    }

    /// @notice ERC-2981 royalty in basis points.
    /// @param self The word.
    function royaltyBps(CertificateData self) internal pure returns (uint16) {
        return uint16((CertificateData.unwrap(self) >> ROYALTY_BPS_OFFSET) & ROYALTY_BPS_MASK);
    }

    /// @notice Multicodec of the metadata CID (0 for a word never minted).
    /// @param self The word.
    function metadataCodec(CertificateData self) internal pure returns (uint16) {
        return CidV1.codecAt(uint8((CertificateData.unwrap(self) >> CODEC_INDEX_OFFSET) & CODEC_INDEX_MASK));
    }

    /// @notice Pattern, recipe or dataset.
    /// @param self The word.
    function kind(CertificateData self) internal pure returns (CertificateKind) {
        return CertificateKind(uint8((CertificateData.unwrap(self) >> KIND_OFFSET) & KIND_MASK));
    }

    /// @notice The mint's block, counted from the certificate contract's deployment block.
    /// @param self The word.
    function mintBlock(CertificateData self) internal pure returns (uint64) {
        return uint64((CertificateData.unwrap(self) >> MINT_BLOCK_OFFSET) & MINT_BLOCK_MASK);
    }

    /// @notice Whether the certificate is a design with colourways, or a colourway.
    /// @param self The word.
    function inFamily(CertificateData self) internal pure returns (bool) {
        return (CertificateData.unwrap(self) >> FAMILY_OFFSET) & FAMILY_MASK != 0;
    }

    /// @notice The word marked as a family member (a design with colourways, or a colourway).
    /// @param self The word.
    function withFamily(CertificateData self) internal pure returns (CertificateData) {
        return CertificateData.wrap(CertificateData.unwrap(self) | (FAMILY_MASK << FAMILY_OFFSET));
    }

    /// @notice Whether a certificate was ever minted with this word (its creator id is never 0).
    /// @param self The word.
    function isSet(CertificateData self) internal pure returns (bool) {
        return CertificateData.unwrap(self) != 0;
    }

    /// @notice The word with another royalty (at most 1,023).
    /// @param self The word.
    /// @param royaltyBps_ ERC-2981 royalty.
    function withRoyaltyBps(CertificateData self, uint16 royaltyBps_) internal pure returns (CertificateData) {
        uint96 w = CertificateData.unwrap(self) & ~(ROYALTY_BPS_MASK << ROYALTY_BPS_OFFSET);
        return CertificateData.wrap(w | (uint96(royaltyBps_) << ROYALTY_BPS_OFFSET));
    }

    /// @notice The word with another metadata codec (a supported one).
    /// @param self The word.
    /// @param codec_ Multicodec of the metadata CID.
    function withMetadataCodec(CertificateData self, uint16 codec_) internal pure returns (CertificateData) {
        uint96 w = CertificateData.unwrap(self) & ~(CODEC_INDEX_MASK << CODEC_INDEX_OFFSET);
        return CertificateData.wrap(w | (uint96(CidV1.codecIndex(codec_)) << CODEC_INDEX_OFFSET));
    }
}
