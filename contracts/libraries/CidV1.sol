// SPDX-License-Identifier: MIT
// Shared with integrators on any 0.8 compiler from 0.8.20 (deployed contracts pin 0.8.30).
// solhint-disable-next-line compiler-version
pragma solidity ^0.8.20;

/// @title CidV1
/// @notice Renders a CIDv1 with a sha2-256 multihash from its compact on-chain form (codec + 32-byte
/// digest) as the multibase base32 string IPFS uses (`b` + RFC 4648 lower-case, no padding).
/// @dev Binary CID = varint(1) ‖ varint(codec) ‖ varint(0x12 sha2-256) ‖ varint(32) ‖ digest.
library CidV1 {
    /// @notice Multicodec `raw`.
    uint16 internal constant RAW = 0x55;
    /// @notice Multicodec `dag-pb` (UnixFS, what `ipfs add` produces).
    uint16 internal constant DAG_PB = 0x70;
    /// @notice Multicodec `dag-cbor`.
    uint16 internal constant DAG_CBOR = 0x71;
    /// @notice Multicodec `dag-json`.
    uint16 internal constant DAG_JSON = 0x0129;
    /// @notice Multicodec `json`.
    uint16 internal constant JSON = 0x0200;

    bytes32 private constant _ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

    /// @notice Whether Motif stores CIDs of `codec`.
    /// @param codec A multicodec.
    function isSupportedCodec(uint16 codec) internal pure returns (bool) {
        return codecIndex(codec) != 0;
    }

    /// @notice The 3-bit index a certificate stores for a supported codec: raw 1, dag-pb 2,
    /// dag-cbor 3, dag-json 4, json 5; 0 for any other codec.
    /// @param codec A multicodec.
    function codecIndex(uint16 codec) internal pure returns (uint8) {
        if (codec == RAW) return 1;
        if (codec == DAG_PB) return 2;
        if (codec == DAG_CBOR) return 3;
        if (codec == DAG_JSON) return 4;
        if (codec == JSON) return 5;
        return 0;
    }

    /// @notice The multicodec at `index` (`codecIndex`'s inverse); 0 for an index no codec has.
    /// @param index A codec index.
    function codecAt(uint8 index) internal pure returns (uint16) {
        if (index == 1) return RAW;
        if (index == 2) return DAG_PB;
        if (index == 3) return DAG_CBOR;
        if (index == 4) return DAG_JSON;
        if (index == 5) return JSON;
        return 0;
    }

    /// @notice The binary CIDv1 of (`codec`, sha2-256 `digest`).
    /// @param codec Multicodec of the CID (raw, dag-pb, dag-cbor, dag-json or json).
    /// @param digest sha2-256 digest inside the CID.
    /// @return cid The binary CIDv1: version, codec and multihash varints, then the digest.
    function toBytes(uint16 codec, bytes32 digest) internal pure returns (bytes memory cid) {
        bytes memory codecVarint = codec < 0x80
            ? abi.encodePacked(uint8(codec))
            : codec < 0x4000
                ? abi.encodePacked(uint8(codec & 0x7f) | 0x80, uint8(codec >> 7))
                : abi.encodePacked(uint8(codec & 0x7f) | 0x80, uint8((codec >> 7) & 0x7f) | 0x80, uint8(codec >> 14));
        cid = abi.encodePacked(uint8(0x01), codecVarint, uint8(0x12), uint8(0x20), digest);
    }

    /// @notice The CIDv1 of (`codec`, sha2-256 `digest`) as a multibase base32 string.
    /// @param codec Multicodec of the CID.
    /// @param digest sha2-256 digest inside the CID.
    function toBase32(uint16 codec, bytes32 digest) internal pure returns (string memory) {
        bytes memory data = toBytes(codec, digest);
        uint256 len = data.length;
        bytes memory out = new bytes(1 + (len * 8 + 4) / 5);
        out[0] = "b";
        uint256 buffer;
        uint256 bits;
        uint256 j = 1;
        for (uint256 i; i < len; ++i) {
            buffer = (buffer << 8) | uint8(data[i]);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[j++] = _ALPHABET[(buffer >> bits) & 31];
            }
            buffer &= (uint256(1) << bits) - 1;
        }
        if (bits > 0) out[j] = _ALPHABET[(buffer << (5 - bits)) & 31];
        return string(out);
    }
}
