// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {MintRequest} from "../../contracts/types/Lineage.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @dev A buyer contract that, inside onERC721Received for the design, tries to add a colourway (it
/// owns the design by then) and to move one of the design's colourways on its own.
contract GreedyReceiver {
    MotifCertificate internal cert;
    MintRequest internal pending;
    uint256 internal pendingDesign;
    bool internal armed;
    uint256 public movedColourway;
    bool public movedOk;
    bool public mintedOk;

    constructor(MotifCertificate c) {
        cert = c;
    }

    function arm(MintRequest calldata r, uint256 designId, uint256 colourway) external {
        pending = r;
        pendingDesign = designId;
        movedColourway = colourway;
        armed = true;
    }

    function onERC721Received(address, address, uint256 id, bytes calldata) external returns (bytes4) {
        if (armed && id == pendingDesign) {
            armed = false;
            try cert.mintColourway(pending, pendingDesign) returns (uint256) {
                mintedOk = true;
            } catch {}
            try cert.transferFrom(address(this), address(0xBAD), movedColourway) {
                movedOk = true;
            } catch {}
        }
        return this.onERC721Received.selector;
    }
}

/// @notice Audit session 30 (contracts) of c22d549: `mintColourway` only from the design's owner or
/// an account approved for the design. The probes below are attacks the change withstood.
contract AuditSession30Test is LicensingFixture {
    function _cw(uint256 salt, address to) internal view returns (MintRequest memory r) {
        r = _request(salt);
        r.to = to;
    }

    /// A safe transfer's receiver callback runs after the design's colourways moved: adding one from
    /// inside it lands in the receiver's family (it is the owner), and moving a colourway alone is
    /// still refused; the family keeps one owner.
    function test_held_receiverCallbackDuringSafeTransfer() public {
        uint256 d = _mintTo(creator, 3000);
        MintRequest memory r0 = _signedColourway(_cw(3001, creator), ATTESTER_KEY, d);
        vm.prank(creator);
        uint256 c0 = cert.mintColourway(r0, d);
        GreedyReceiver recv = new GreedyReceiver(cert);
        recv.arm(_signedColourway(_cw(3002, address(recv)), ATTESTER_KEY, d), d, c0);
        vm.prank(creator);
        cert.safeTransferFrom(creator, address(recv), d);
        assertTrue(recv.mintedOk(), "the new owner adds a colourway from its callback");
        assertFalse(recv.movedOk(), "a colourway left its family's owner");
        uint256[] memory fam = cert.colourwaysOf(d);
        assertEq(fam.length, 2, "family size");
        for (uint256 i; i < fam.length; ++i) assertEq(cert.ownerOf(fam[i]), address(recv), "one owner per family");
        assertEq(cert.ownerOf(d), address(recv), "design owner");
    }

    /// An approval of one of the design's colourways (or its owner's operator on another collection)
    /// is no consent to add to the design's family.
    function test_held_colourwayApprovalIsNoDesignConsent() public {
        uint256 d = _mintTo(creator, 3010);
        vm.prank(creator);
        uint256 c0 = cert.mintColourway(_signedColourway(_cw(3011, creator), ATTESTER_KEY, d), d);
        vm.prank(creator);
        cert.approve(attester, c0);
        MintRequest memory r = _signedColourway(_cw(3012, creator), ATTESTER_KEY, d);
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, d, attester));
        cert.mintColourway(r, d);
        // unsigned, the attester sending it itself: the same answer
        vm.prank(attester);
        vm.expectRevert(abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, d, attester));
        cert.mintColourway(_cw(3013, creator), d);
    }

    /// A request attested for owner A, the design sold to B before it is sent: neither A, nor B, nor
    /// an account A approved before the sale adds it; the request cannot be re-addressed (signed `to`).
    function test_held_attestedForASoldToB() public {
        uint256 d = _mintTo(creator, 3020);
        vm.prank(creator);
        cert.setApprovalForAll(carol, true);
        MintRequest memory r = _signedColourway(_cw(3021, creator), ATTESTER_KEY, d);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        bytes memory mismatch = abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, d, bob, creator);
        vm.prank(creator);
        vm.expectRevert(mismatch);
        cert.mintColourway(r, d);
        vm.prank(bob);
        vm.expectRevert(mismatch);
        cert.mintColourway(r, d);
        vm.prank(carol);
        vm.expectRevert(mismatch);
        cert.mintColourway(r, d);
        MintRequest memory readdressed = r;
        readdressed.to = bob;
        vm.prank(bob);
        vm.expectRevert();
        cert.mintColourway(readdressed, d);
        assertEq(cert.colourwaysOf(d).length, 0, "family");
    }
}
