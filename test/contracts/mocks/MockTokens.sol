// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @notice A well-behaved ERC-20 with a public mint.
contract MockERC20 is ERC20 {
    constructor() ERC20("Mock", "MCK") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}

/// @notice Takes a 1% fee on every transfer (the recipient receives less than was sent).
contract FeeOnTransferERC20 is MockERC20 {
    function _update(address from, address to, uint256 value) internal override {
        if (from == address(0) || to == address(0)) return super._update(from, to, value);
        uint256 fee = value / 100;
        super._update(from, address(0xFEE), fee);
        super._update(from, to, value - fee);
    }
}

/// @notice USDT-style: `transfer`/`transferFrom` return nothing.
contract NoReturnERC20 {
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    function mint(address to, uint256 amount) external {
        balanceOf[to] += amount;
    }

    function approve(address spender, uint256 amount) external {
        allowance[msg.sender][spender] = amount;
    }

    function transfer(address to, uint256 amount) external {
        balanceOf[msg.sender] -= amount;
        balanceOf[to] += amount;
    }

    function transferFrom(address from, address to, uint256 amount) external {
        allowance[from][msg.sender] -= amount;
        balanceOf[from] -= amount;
        balanceOf[to] += amount;
    }
}

/// @notice Returns false instead of reverting, and moves nothing.
contract ReturnFalseERC20 is MockERC20 {
    function transfer(address, uint256) public pure override returns (bool) {
        return false;
    }

    function transferFrom(address, address, uint256) public pure override returns (bool) {
        return false;
    }
}

/// @notice A 6-decimal stablecoin (as USDC): amounts are typed in its own units ("12.5").
contract MockStablecoin is MockERC20 {
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function symbol() public pure override returns (string memory) {
        return "mUSD";
    }
}

/// @notice USDT-style approvals on a 6-decimal token: changing a non-zero allowance to another
/// non-zero one reverts (set it to zero first), as Tether's `approve` does on mainnet.
contract ZeroFirstStablecoin is MockERC20 {
    error ApproveFromNonZero(uint256 current, uint256 requested);

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    function approve(address spender, uint256 value) public override returns (bool) {
        uint256 current = allowance(msg.sender, spender);
        if (current != 0 && value != 0) revert ApproveFromNonZero(current, value);
        return super.approve(spender, value);
    }

    function symbol() public pure override returns (string memory) {
        return "zUSD";
    }
}
