// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

import {CertificateKind} from "./Lineage.sol";

/// @notice The 96 spare bits of a certificate's owner slot (Solady ERC721 `extraData`):
///   bits  0..31  modelId       (uint32, `MotifModelRegistry` id)
///   bits 32..63  creatorId     (uint32)
///   bits 64..79  royaltyBps    (uint16, ERC-2981)
///   bits 80..93  metadataCodec (14-bit multicodec of the metadata CID; codecs in use need 10)
///   bits 94..95  kind          (`CertificateKind`)
/// The creator id is never zero after a mint, so a non-zero word also means "ever minted".
type CertificateData is uint96;

using CertificateDataLibrary for CertificateData global;

/// @title CertificateDataLibrary
/// @notice Named offsets and masks of `CertificateData`.
library CertificateDataLibrary {
    uint96 internal constant MODEL_ID_OFFSET = 0;
    uint96 internal constant CREATOR_ID_OFFSET = 32;
    uint96 internal constant ROYALTY_BPS_OFFSET = 64;
    uint96 internal constant CODEC_OFFSET = 80;
    uint96 internal constant KIND_OFFSET = 94;

    uint96 internal constant MASK_32 = 0xffffffff;
    uint96 internal constant MASK_16 = 0xffff;
    uint96 internal constant CODEC_MASK = 0x3fff;
    uint96 internal constant KIND_MASK = 0x3;

    /// @notice The word with every field in place; `codec` is cut to its 14 bits (every supported
    /// codec fits: callers check `CidV1.isSupportedCodec`).
    /// @param modelId_ The model.
    /// @param creatorId_ The creator's id.
    /// @param royaltyBps_ ERC-2981 royalty.
    /// @param codec_ Multicodec of the metadata CID.
    /// @param kind_ Pattern, recipe or dataset.
    function pack(uint32 modelId_, uint32 creatorId_, uint16 royaltyBps_, uint16 codec_, CertificateKind kind_)
        internal
        pure
        returns (CertificateData)
    {
        return CertificateData.wrap(
            (uint96(modelId_) << MODEL_ID_OFFSET) | (uint96(creatorId_) << CREATOR_ID_OFFSET)
                | (uint96(royaltyBps_) << ROYALTY_BPS_OFFSET) | ((uint96(codec_) & CODEC_MASK) << CODEC_OFFSET)
                | (uint96(uint8(kind_)) << KIND_OFFSET)
        );
    }

    /// @notice The model.
    /// @param self The word.
    function modelId(CertificateData self) internal pure returns (uint32) {
        return uint32((CertificateData.unwrap(self) >> MODEL_ID_OFFSET) & MASK_32);
    }

    /// @notice The creator's id.
    /// @param self The word.
    function creatorId(CertificateData self) internal pure returns (uint32) {
        return uint32((CertificateData.unwrap(self) >> CREATOR_ID_OFFSET) & MASK_32);
    }

    /// @notice ERC-2981 royalty in basis points.
    /// @param self The word.
    function royaltyBps(CertificateData self) internal pure returns (uint16) {
        return uint16((CertificateData.unwrap(self) >> ROYALTY_BPS_OFFSET) & MASK_16);
    }

    /// @notice Multicodec of the metadata CID.
    /// @param self The word.
    function metadataCodec(CertificateData self) internal pure returns (uint16) {
        return uint16((CertificateData.unwrap(self) >> CODEC_OFFSET) & CODEC_MASK);
    }

    /// @notice Pattern, recipe or dataset.
    /// @param self The word.
    function kind(CertificateData self) internal pure returns (CertificateKind) {
        return CertificateKind(uint8((CertificateData.unwrap(self) >> KIND_OFFSET) & KIND_MASK));
    }

    /// @notice Whether a certificate was ever minted with this word (its creator id is never 0).
    /// @param self The word.
    function isSet(CertificateData self) internal pure returns (bool) {
        return CertificateData.unwrap(self) != 0;
    }

    /// @notice The word with another royalty.
    /// @param self The word.
    /// @param royaltyBps_ ERC-2981 royalty.
    function withRoyaltyBps(CertificateData self, uint16 royaltyBps_) internal pure returns (CertificateData) {
        uint96 w = CertificateData.unwrap(self) & ~(MASK_16 << ROYALTY_BPS_OFFSET);
        return CertificateData.wrap(w | (uint96(royaltyBps_) << ROYALTY_BPS_OFFSET));
    }

    /// @notice The word with another metadata codec (cut to 14 bits).
    /// @param self The word.
    /// @param codec_ Multicodec of the metadata CID.
    function withMetadataCodec(CertificateData self, uint16 codec_) internal pure returns (CertificateData) {
        uint96 w = CertificateData.unwrap(self) & ~(CODEC_MASK << CODEC_OFFSET);
        return CertificateData.wrap(w | ((uint96(codec_) & CODEC_MASK) << CODEC_OFFSET));
    }
}
