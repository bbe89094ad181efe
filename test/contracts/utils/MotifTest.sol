// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Vm} from "./Vm.sol";

/// @notice Base of Motif's Solidity tests: the cheatcode handle, assertions that say what differed,
/// and a `bound` for fuzz inputs.
abstract contract MotifTest {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    error AssertionFailed(string what);
    error AssertionFailedUint(string what, uint256 actual, uint256 expected);
    error AssertionFailedAddress(string what, address actual, address expected);
    error AssertionFailedBytes32(string what, bytes32 actual, bytes32 expected);
    error AssertionFailedString(string what, string actual, string expected);
    error AssertionFailedBytes(string what, bytes actual, bytes expected);
    error AssertionFailedGe(string what, uint256 actual, uint256 atLeast);

    function assertTrue(bool condition, string memory what) internal pure {
        if (!condition) revert AssertionFailed(what);
    }

    function assertFalse(bool condition, string memory what) internal pure {
        if (condition) revert AssertionFailed(what);
    }

    function assertEq(uint256 actual, uint256 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedUint(what, actual, expected);
    }

    function assertEq(address actual, address expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedAddress(what, actual, expected);
    }

    function assertEq(bytes32 actual, bytes32 expected, string memory what) internal pure {
        if (actual != expected) revert AssertionFailedBytes32(what, actual, expected);
    }

    function assertEq(string memory actual, string memory expected, string memory what) internal pure {
        if (keccak256(bytes(actual)) != keccak256(bytes(expected))) {
            revert AssertionFailedString(what, actual, expected);
        }
    }

    function assertEq(bytes memory actual, bytes memory expected) internal pure {
        if (keccak256(actual) != keccak256(expected)) revert AssertionFailedBytes("bytes", actual, expected);
    }

    function assertGe(uint256 actual, uint256 atLeast, string memory what) internal pure {
        if (actual < atLeast) revert AssertionFailedGe(what, actual, atLeast);
    }

    /// @dev Deploys contract `name` of `contracts/` from its compiled artifact (`vm.getCode`, libraries
    /// linked), with the ABI-encoded constructor `args`, as `new` would (a constructor's revert is
    /// bubbled up, so `vm.expectRevert` sees it). Tests never say `new` of a Motif contract: under
    /// via-IR every test contract that does embeds the whole contract and optimises it again (about
    /// 2½ of the 8 minutes a fresh build took); the artifact is also exactly the bytecode deployed.
    function _deploy(string memory name, bytes memory args) internal returns (address deployed) {
        bytes memory code = abi.encodePacked(vm.getCode(string.concat(name, ".sol:", name)), args);
        assembly ("memory-safe") {
            deployed := create(0, add(code, 0x20), mload(code))
            if iszero(deployed) {
                returndatacopy(0, 0, returndatasize())
                revert(0, returndatasize())
            }
        }
    }

    /// @dev Maps `x` into [min, max] uniformly enough for fuzzing, keeping small values unchanged.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        require(min <= max, "bound: min > max");
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }
}
