// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice The subset of the Foundry-compatible cheatcodes (served by Hardhat's EDR at the
/// well-known address below) that Motif's Solidity tests use. forge-std is not on the npm
/// registry in a current version, so the tests declare what they call.
interface Vm {
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    function addr(uint256 privateKey) external pure returns (address);
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);
    function prank(address sender) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function store(address target, bytes32 slot, bytes32 value) external;
    function load(address target, bytes32 slot) external view returns (bytes32 data);
    function chainId(uint256 newChainId) external;
    function deal(address account, uint256 balance) external;
    function assume(bool condition) external pure;
    function expectPartialRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    function expectRevert(bytes4 selector) external;
    function expectRevert() external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter)
        external;
    function recordLogs() external;
    function getRecordedLogs() external returns (Log[] memory logs);
    function ffi(string[] calldata command) external returns (bytes memory result);
    function getCode(string calldata artifactPath) external view returns (bytes memory creationBytecode);
    function toString(bytes32 value) external pure returns (string memory);
    function toString(uint256 value) external pure returns (string memory);
}
