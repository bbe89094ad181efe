// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @title OzMintBaseline
/// @notice Benchmark fixture, never deployed by the Ignition modules: a bare OpenZeppelin ERC-721
/// `_mint`, the yardstick the certificate's mint gas is reported against (`npm run bench`).
contract OzMintBaseline is ERC721 {
    constructor() ERC721("Baseline", "BASE") {}

    /// @notice Mints `tokenId` to `to` with OpenZeppelin's `_mint`, nothing else.
    /// @param to Recipient.
    /// @param tokenId Token id.
    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
