// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {IMotifCertificate} from "../../contracts/interfaces/IMotifCertificate.sol";
import {MintRequest} from "../../contracts/types/Lineage.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @dev A studio whose creator address is a contract (a multisig, a drop contract): it holds and
/// sells its designs.
contract StudioWallet {
    function addColourway(MotifCertificate cert, MintRequest calldata r, uint256 designId) external returns (uint256) {
        return cert.mintColourway(r, designId);
    }

    function sell(MotifCertificate cert, address to, uint256 id) external {
        cert.transferFrom(address(this), to, id);
    }

    function approveFor(MotifCertificate cert, address account, uint256 id) external {
        cert.approve(account, id);
    }
}

/// @notice Audit session 29b (contracts) of 85c0129: audit 29 F1's fix, `_checkDesign`'s consent rule
/// (`mintColourway` needs the design's owner or an account approved for it as sender, or an attester
/// sending unsigned while the design's creator holds the design). The `test_finding_*` FAILED on the
/// audited code and pass since the fix (only the design's owner or an account it approved adds to its
/// family, signed request or not; the generator hands a signed `ColourwayAttestation` to an owner who
/// is no attester); `test_held_*` are the attacks tried that the change withstood, restated for the
/// fixed rule where they leaned on the creator-held exception.
contract AuditSession29bTest is LicensingFixture {
    address internal otherStudioGenerator; // a second attester: another studio's generator
    address internal dave = address(0xDA7E);

    function setUp() public override {
        super.setUp();
        otherStudioGenerator = vm.addr(OTHER_KEY);
        bytes32 role = cert.ATTESTER_ROLE();
        vm.prank(admin);
        cert.grantRole(role, otherStudioGenerator);
    }

    // ============================================================================================
    // Helpers
    // ============================================================================================

    /// @dev An unsigned colourway request `salt` to `to`, crediting the fixture's creator.
    function _cw(uint256 salt, address to) internal view returns (MintRequest memory r) {
        r = _request(salt);
        r.to = to;
    }

    function _unsignedBy(address sender, uint256 designId, uint256 salt) internal returns (uint256 id) {
        MintRequest memory r = _cw(salt, cert.ownerOf(designId));
        vm.prank(sender);
        id = cert.mintColourway(r, designId);
    }

    function _tryUnsignedBy(address sender, uint256 designId, uint256 salt) internal returns (bool ok) {
        MintRequest memory r = _cw(salt, cert.ownerOf(designId));
        vm.prank(sender);
        try cert.mintColourway(r, designId) returns (uint256) {
            ok = true;
        } catch {
            ok = false;
        }
    }

    /// @dev The design's owner sends the generator's signed ColourwayAttestation `salt` (the consent path).
    function _signedByOwner(uint256 designId, uint256 salt) internal returns (uint256 id) {
        address owner = cert.ownerOf(designId);
        MintRequest memory r = _signedColourway(_cw(salt, owner), ATTESTER_KEY, designId);
        vm.prank(owner);
        id = cert.mintColourway(r, designId);
    }

    function _notOwnerOrApproved(uint256 designId, address caller) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IMotifCertificate.MotifCertificateNotOwnerOrApproved.selector, designId, caller);
    }

    // ============================================================================================
    // Findings
    // ============================================================================================

    /// F1 (low, as audit 29 F1): the creator-held presumption is not bound to the studio's own
    /// generator. ATTESTER_ROLE is one role for every generator key; any attester (another studio's
    /// generator, or any leaked generator key) sends an unsigned colourway crediting the design's
    /// creator into every design any studio still holds (its unsold stock), up to the cap, for good:
    /// the owner (the studio) never consented to that attester, and the collector who buys the design
    /// later gets the welded family. The fix's comment presumes "the studio it renders for"; the
    /// contract cannot tell. Expected: only an attester the design's owner consented to.
    function test_finding_anyAttesterWeldsColourwaysIntoEveryStudiosUnsoldDesign() public {
        uint256 unsold = _mintTo(creator, 2900); // studio `creator`'s design, in its own hands
        // `creator` never approved otherStudioGenerator (nor anyone)
        assertFalse(cert.isApprovedForAll(creator, otherStudioGenerator), "the studio approved nobody");
        bool welded = _tryUnsignedBy(otherStudioGenerator, unsold, 2901);
        assertFalse(welded, "another studio's generator (or a leaked key) added a colourway to a design whose owner never consented");
    }

    /// F1, the harm spelled out: the stranger fills the studio's unsold design to MAX_COLOURWAYS; the
    /// studio's own generator can add none, and the buyer receives a full family of colourways nobody
    /// chose (no path removes one).
    function test_finding_strangerAttesterFillsUnsoldDesignToTheCap() public {
        uint256 unsold = _mintTo(creator, 2910);
        uint256 n = cert.MAX_COLOURWAYS();
        uint256 added;
        for (uint256 i; i < n; ++i) {
            if (_tryUnsignedBy(otherStudioGenerator, unsold, 2911 + i)) ++added;
        }
        vm.prank(creator);
        cert.transferFrom(creator, bob, unsold); // sold: the buyer gets whatever family it has now
        assertEq(added, 0, "a stranger attester filled the studio's design's family");
        assertEq(cert.colourwaysOf(unsold).length, 0, "the buyer's family holds colourways nobody chose");
    }

    /// F2 (low-medium, conditional on a leaked generator key: F1's own threat model), FIXED: the only
    /// consent an owner could give to the generator's (unsigned) colourway was an ERC-721 approval of
    /// the generator's hot key, a transfer right. Now the collector sends the generator's signed
    /// ColourwayAttestation herself and approves nobody: the leaked key neither takes the design nor
    /// adds to its family.
    function test_finding_consentToAColourwayHandsTheGeneratorKeyTheFamily() public {
        uint256 d = _mintTo(creator, 2920);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d); // sold to a collector
        uint256 wanted = _signedByOwner(d, 2921); // the colourway she asked the generator for
        assertEq(cert.ownerOf(wanted), bob, "probe");
        assertEq(cert.getApproved(d), address(0), "no approval was needed");
        assertFalse(cert.isApprovedForAll(bob, attester), "no operator approval was needed");
        // the generator key leaks
        vm.prank(attester);
        try cert.transferFrom(bob, attester, d) {} catch {}
        assertEq(cert.ownerOf(d), bob, "consenting to a colourway let the generator key take the design");
        assertEq(cert.ownerOf(wanted), bob, "and its colourways");
        assertFalse(_tryUnsignedBy(attester, d, 2922), "the leaked key adds to her family");
    }

    /// F3 (low), FIXED by the consent path: an operator approval given for one colourway was consent
    /// for every design its owner bought later. A colourway needs no approval now (the owner sends the
    /// signed attestation), so a collector who took one colourway has given the generator nothing that
    /// outlives it. An operator she does choose acts for her in everything, colourways included, as in
    /// every ERC-721 right (`test_held_signedByApprovedOperatorMintsToTheOwnerOnly`).
    function test_finding_operatorApprovalForOneDesignConsentsForEveryLaterDesign() public {
        uint256 first = _mintTo(creator, 2930);
        uint256 next = _mintTo(creator, 2931);
        vm.startPrank(creator);
        cert.transferFrom(creator, bob, first);
        vm.stopPrank();
        _signedByOwner(first, 2932); // her colourway of `first`
        // months later bob buys another design of the studio
        vm.prank(creator);
        cert.transferFrom(creator, bob, next);
        bool added = _tryUnsignedBy(attester, next, 2933);
        assertFalse(added, "a colourway joined a design its owner bought after the only consent she gave");
    }

    // ============================================================================================
    // Held
    // ============================================================================================

    /// The F1 case itself: a design sold to a collector takes no unsigned attester colourway, from its
    /// creator's generator or any other, and the revert names the consent (not a misleading reason).
    function test_held_soldDesignRefusesEveryUnsignedAttester() public {
        uint256 d = _mintTo(creator, 2940);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        MintRequest memory r = _cw(2941, bob);
        vm.prank(attester);
        vm.expectRevert(_notOwnerOrApproved(d, attester));
        cert.mintColourway(r, d);
        vm.prank(otherStudioGenerator);
        vm.expectRevert(_notOwnerOrApproved(d, otherStudioGenerator));
        cert.mintColourway(r, d);
    }

    /// Single-token approvals the creator gave its generator are cleared by the sale (Solady clears
    /// them in `_transfer`, the family loop too); the creator's operator approval does not follow the
    /// design to its buyer.
    function test_held_approvalsBeforeTheSaleDoNotCarry() public {
        uint256 d = _mintTo(creator, 2950);
        uint256 c = _signedByOwner(d, 2951);
        vm.startPrank(creator);
        cert.approve(attester, d);
        cert.approve(attester, c);
        cert.setApprovalForAll(attester, true);
        cert.transferFrom(creator, bob, d);
        vm.stopPrank();
        assertEq(cert.getApproved(d), address(0), "probe");
        assertEq(cert.getApproved(c), address(0), "probe");
        assertFalse(_tryUnsignedBy(attester, d, 2952), "creator's old approvals gave no consent over bob's design");
        // the previous collector's operator approval neither
        vm.prank(bob);
        cert.setApprovalForAll(attester, true);
        vm.prank(bob);
        cert.transferFrom(bob, carol, d);
        assertFalse(_tryUnsignedBy(attester, d, 2953), "bob's operator approval gave no consent over carol's design");
    }

    /// Creator address games: no request can make the design's creator equal its owner. The
    /// colourway's creator must be the design's (a lineage naming the owner as creator is refused),
    /// and a new design crediting the owner registers a creator id of its own, leaving the bought
    /// design's creator alone.
    function test_held_creatorCannotBeMadeTheOwner() public {
        uint256 d = _mintTo(creator, 2960);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        // a new design crediting bob, to bob: bob becomes a creator
        MintRequest memory own = _cw(2961, bob);
        own.lineage.creator = bob;
        vm.prank(attester);
        cert.mint(own);
        // a colourway of bob's bought design crediting bob
        MintRequest memory r = _cw(2962, bob);
        r.lineage.creator = bob;
        vm.prank(attester);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayCreatorMismatch.selector, d, creator, bob)
        );
        cert.mintColourway(r, d);
        assertFalse(_tryUnsignedBy(attester, d, 2963), "the design's creator is still the studio, not bob");
    }

    /// A design sold back to its creator opens nothing: no attester adds to it unsigned, before the
    /// sale or after the buy-back; its owner (the studio) sends the signed attestation.
    function test_held_soldBackToItsCreatorStillNeedsItsOwner() public {
        uint256 d = _mintTo(creator, 2970);
        assertFalse(_tryUnsignedBy(attester, d, 2973), "refused while the creator holds it");
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        assertFalse(_tryUnsignedBy(attester, d, 2971), "refused");
        vm.prank(bob);
        cert.transferFrom(bob, creator, d);
        assertFalse(_tryUnsignedBy(attester, d, 2972), "refused after the buy-back");
        _signedByOwner(d, 2974);
        assertEq(cert.colourwaysOf(d).length, 1, "the studio sent its own");
    }

    /// A creator that is a contract: the same rule (the address compared, whatever is behind it).
    function test_held_contractCreator() public {
        StudioWallet studio = new StudioWallet();
        MintRequest memory r = _cw(2980, address(studio));
        r.lineage.creator = address(studio);
        vm.prank(attester);
        uint256 d = cert.mint(r);
        MintRequest memory c = _cw(2981, address(studio));
        c.lineage.creator = address(studio);
        vm.prank(attester);
        vm.expectRevert(_notOwnerOrApproved(d, attester));
        cert.mintColourway(c, d);
        studio.addColourway(cert, _signedColourway(c, ATTESTER_KEY, d), d); // the studio sends it
        studio.sell(cert, bob, d);
        MintRequest memory later = _cw(2982, bob);
        later.lineage.creator = address(studio);
        vm.prank(attester);
        vm.expectRevert(_notOwnerOrApproved(d, attester));
        cert.mintColourway(later, d);
    }

    /// A signed request sent by an approved account or operator: `to` must be the design's owner (not the
    /// operator, not the signer's choice), and the signature binds it, so an operator cannot redirect
    /// a colourway to itself; with `to` the owner it lands in the owner's family.
    function test_held_signedByApprovedOperatorMintsToTheOwnerOnly() public {
        uint256 d = _mintTo(creator, 2990);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        vm.prank(bob);
        cert.approve(dave, d);
        MintRequest memory toDave = _signedColourway(_cw(2991, dave), ATTESTER_KEY, d);
        vm.prank(dave);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, d, bob, dave)
        );
        cert.mintColourway(toDave, d);
        // the same signature with `to` rewritten to bob is no attester's
        MintRequest memory rewritten = toDave;
        rewritten.to = bob;
        vm.prank(dave);
        vm.expectRevert();
        cert.mintColourway(rewritten, d);
        MintRequest memory toBob = _signedColourway(_cw(2992, bob), ATTESTER_KEY, d);
        vm.prank(dave);
        uint256 id = cert.mintColourway(toBob, d);
        assertEq(cert.ownerOf(id), bob, "probe");
        assertEq(cert.designOf(id), d, "probe");
        // an operator bob chose (a marketplace, his smart account) acts for him alike: ERC-721's rule, no wider
        vm.prank(bob);
        cert.setApprovalForAll(carol, true);
        MintRequest memory byOperator = _signedColourway(_cw(2993, bob), ATTESTER_KEY, d);
        vm.prank(carol);
        assertEq(cert.ownerOf(cert.mintColourway(byOperator, d)), bob, "the operator's colourway is the owner's");
    }

    /// A signed attestation made while the studio held the design (`to` the studio) is dead after
    /// the sale: nobody, the attester included, lands it in the buyer's family. An attester sending
    /// its own signed request is no wider than its unsigned one; a signature of another attester sent
    /// by an attester needs the owner's approval.
    function test_held_signedRequestsAfterTheSale() public {
        uint256 d = _mintTo(creator, 3000);
        MintRequest memory stale = _signedColourway(_cw(3001, creator), ATTESTER_KEY, d);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        bytes memory mismatch =
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, d, bob, creator);
        vm.prank(creator);
        vm.expectRevert(mismatch);
        cert.mintColourway(stale, d);
        vm.prank(attester);
        vm.expectRevert(mismatch);
        cert.mintColourway(stale, d);
        vm.prank(bob);
        vm.expectRevert(mismatch);
        cert.mintColourway(stale, d);
        MintRequest memory self = _signedColourway(_cw(3002, bob), ATTESTER_KEY, d);
        vm.prank(attester);
        vm.expectRevert(_notOwnerOrApproved(d, attester));
        cert.mintColourway(self, d);
        MintRequest memory other = _signedColourway(_cw(3003, bob), OTHER_KEY, d);
        vm.prank(attester);
        vm.expectRevert(_notOwnerOrApproved(d, attester));
        cert.mintColourway(other, d);
        assertEq(cert.colourwaysOf(d).length, 0, "probe");
    }

    /// Check order: for a sold design the consent revert comes before the cap (a full family owned by
    /// a collector answers NotOwnerOrApproved to a stranger, TooManyColourways only to its owner);
    /// a request naming the old owner answers OwnerMismatch with both addresses.
    function test_held_revertReasonsDoNotMislead() public {
        uint256 d = _mintTo(creator, 3010);
        uint256 n = cert.MAX_COLOURWAYS();
        for (uint256 i; i < n; ++i) {
            _signedByOwner(d, 3011 + i);
        }
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        MintRequest memory r = _cw(3100, bob);
        vm.prank(attester);
        vm.expectRevert(_notOwnerOrApproved(d, attester));
        cert.mintColourway(r, d);
        MintRequest memory signed = _signedColourway(_cw(3101, bob), ATTESTER_KEY, d);
        vm.prank(bob);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateTooManyColourways.selector, d, n)
        );
        cert.mintColourway(signed, d);
        MintRequest memory old = _cw(3102, creator);
        vm.prank(attester);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateColourwayOwnerMismatch.selector, d, bob, creator)
        );
        cert.mintColourway(old, d);
    }

    /// A collector's approval of an operator is consent she can withdraw; once withdrawn the
    /// generator is refused again (a single-token approval reset to zero).
    function test_held_withdrawnApproval() public {
        uint256 d = _mintTo(creator, 3200);
        vm.prank(creator);
        cert.transferFrom(creator, bob, d);
        vm.prank(bob);
        cert.approve(attester, d);
        assertTrue(_tryUnsignedBy(attester, d, 3201), "accepted");
        vm.prank(bob);
        cert.approve(address(0), d);
        assertFalse(_tryUnsignedBy(attester, d, 3202), "refused");
    }

    /// A revoked attester is refused, and before any design
    /// check (`_attester` runs first).
    function test_held_revokedAttesterRefusedOnCreatorHeldDesign() public {
        uint256 d = _mintTo(creator, 3300);
        vm.startPrank(admin);
        cert.revokeRole(cert.ATTESTER_ROLE(), otherStudioGenerator);
        vm.stopPrank();
        MintRequest memory r = _cw(3301, creator);
        vm.prank(otherStudioGenerator);
        vm.expectRevert(
            abi.encodeWithSelector(IMotifCertificate.MotifCertificateUnauthorizedAttester.selector, otherStudioGenerator)
        );
        cert.mintColourway(r, d);
    }
}
