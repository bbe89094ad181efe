// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IMotifLicensing} from "../../../contracts/interfaces/IMotifLicensing.sol";

/// @notice A payee that tries to withdraw again from inside the ETH transfer of a withdrawal.
contract ReentrantPayee {
    IMotifLicensing public immutable licensing;
    uint256 public reentries;
    bool public reentryReverted;

    constructor(IMotifLicensing licensing_) {
        licensing = licensing_;
    }

    function withdraw() external {
        licensing.withdraw(address(0));
    }

    receive() external payable {
        if (reentries++ == 0) {
            try licensing.withdraw(address(0)) {}
            catch {
                reentryReverted = true;
            }
        }
    }
}

/// @notice A payee that refuses ETH: its withdrawal must fail and leave its balance owed.
contract EthRefuser {
    IMotifLicensing public immutable licensing;

    constructor(IMotifLicensing licensing_) {
        licensing = licensing_;
    }

    function withdraw() external {
        licensing.withdraw(address(0));
    }

    receive() external payable {
        revert("EthRefuser: no ETH");
    }
}
