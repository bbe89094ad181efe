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
        return codec == RAW || codec == DAG_PB || codec == DAG_CBOR || codec == DAG_JSON || codec == JSON;
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
