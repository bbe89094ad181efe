// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MotifCertificate} from "../../contracts/MotifCertificate.sol";
import {MotifLicensing} from "../../contracts/MotifLicensing.sol";
import {License, LicenseFlags, LicenseStatus, Offer} from "../../contracts/types/License.sol";
import {Lineage, MintRequest, RecipeRegistration} from "../../contracts/types/Lineage.sol";
import {Vm} from "./utils/Vm.sol";
import {LicensingFixture} from "./utils/LicensingFixture.sol";

/// @notice Drives the licensing contract with random publishes, acceptances, usage and sales reports,
/// renewals, revocations, withdrawals, time jumps and colourway mints, keeping ghost totals for the
/// invariants. Offers are published for the design (`tokenId`) or one of its colourways, so every
/// grant lands in one design family and one exclusivity book; design offers carry `ALL_COLOURWAYS`
/// at random.
/// Regions come from a pool of six and product classes from a pool of three (24 linen, 25 clothing,
/// 27 wallpaper) so that grants collide often; offers carry advances and sales royalties at random. Every action counts its successful
/// calls (ghost counters `ok*`): a regression that makes an action always revert shows up as a zero
/// (see `MotifLicensingHandlerTest`), instead of passing silently behind a `catch`.
contract LicensingHandler {
    Vm private constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    struct Granted {
        uint256 id;
        /// The family member licensed (the design or a colourway).
        uint256 token;
        address licensee;
        uint256 regions;
        uint64 classes;
        bool exclusive;
        uint128 advance;
        /// Ghost: royalty accrued by the reports that succeeded (units and sales).
        uint256 royalty;
        /// Ghost: what those reports paid.
        uint256 reportsPaid;
    }

    MotifLicensing public immutable licensing;
    MotifCertificate public immutable cert;
    address public immutable attester;
    uint256 public immutable tokenId;
    address public immutable licensor;
    address public immutable arbiter;

    uint256[6] internal pool = [uint256(56), 67, 74, 109, 113, 232];
    uint256[3] internal classPool = [uint256(24), 25, 27];
    address[4] internal buyers = [address(0xB1), address(0xB2), address(0xB3), address(0xB4)];
    uint256[] public offers;
    Granted[] internal granted;
    uint256 public paidIn;
    uint256 public withdrawn;
    uint256 public now_;

    uint256 public okPublish;
    uint256 public okAccept;
    uint256 public okReport;
    uint256 public okSales;
    uint256 public okRenew;
    uint256 public okFlag;
    uint256 public okClear;
    uint256 public okRevoke;
    uint256 public okTransfer;
    uint256 public okWithdraw;
    uint256 public okColourway;
    /// The design family: the design (`tokenId`) first, then its colourways.
    uint256[] internal family;

    address internal constant recipeAuthor = address(0x4EC1BE);
    address internal constant datasetCurator = address(0xDA7A);

    constructor(
        MotifLicensing licensing_,
        MotifCertificate cert_,
        address attester_,
        uint256 tokenId_,
        address licensor_,
        address arbiter_
    ) {
        licensing = licensing_;
        cert = cert_;
        attester = attester_;
        tokenId = tokenId_;
        family.push(tokenId_);
        licensor = licensor_;
        arbiter = arbiter_;
        now_ = block.timestamp;
    }

    function publish(uint8 regionBits, bool exclusive, uint32 startIn, uint32 length, uint64 price, bool renewable)
        external
    {
        uint256 regions;
        for (uint256 i; i < 6; ++i) if (regionBits & (1 << i) != 0) regions |= uint256(1) << pool[i];
        if (regions == 0) regions = uint256(1) << pool[regionBits % 6];
        uint64 classes;
        uint256 classBits = 1 + (uint256(price) >> 40) % 7; // every non-empty subset of the pool
        for (uint256 i; i < 3; ++i) if (classBits & (1 << i) != 0) classes |= uint64(uint256(1) << (classPool[i] - 1));
        Offer memory o;
        uint256 token = family[(uint256(length) >> 24) % family.length];
        o.terms.tokenId = token;
        o.terms.regions = regions;
        o.terms.classes = classes;
        o.terms.advance = (price >> 48) % 2 == 0 ? uint128(price % 1e16) : 0;
        o.terms.salesRoyaltyBps = (price >> 50) % 3 == 0 ? 0 : uint16((price >> 52) % 5001);
        o.terms.flags = LicenseFlags.REVOCABLE_FOR_BREACH | LicenseFlags.TRANSFERABLE | (exclusive ? LicenseFlags.EXCLUSIVE : 0)
            | (token == tokenId && (price >> 54) % 2 == 0 ? LicenseFlags.ALL_COLOURWAYS : 0);
        o.terms.unitRoyalty = 1e12;
        o.terms.unitCap = 50;
        o.terms.renewalPrice = renewable ? uint128(price % 1e17) + 1 : 0;
        o.terms.termsDigest = keccak256("terms");
        o.terms.termsCodec = 0x55;
        uint40 start = uint40(now_ + startIn % 60 days);
        o.window.start = start;
        o.window.end = start + uint40(1 days + length % 90 days);
        o.pricing.price = uint128(price % 1 ether);
        o.maxUses = exclusive ? 1 : 5;
        o.deadline = uint40(now_ + 30 days);
        vm.prank(licensor);
        offers.push(licensing.publishOffer(o));
        ++okPublish;
    }

    function accept(uint256 offerPick, uint8 buyerPick) external {
        if (offers.length == 0) return;
        uint256 offerId = offers[offerPick % offers.length];
        address who = buyers[buyerPick % 4];
        uint256 price;
        try licensing.currentPrice(offerId) returns (uint256 p) {
            price = p;
        } catch {
            return;
        }
        (Offer memory o,) = licensing.getOffer(offerId);
        uint256 due = price + o.terms.advance; // the advance is paid at acceptance, on top
        vm.deal(who, due);
        vm.prank(who);
        try licensing.acceptOffer{value: due}(offerId, price) returns (uint256 id) {
            paidIn += due;
            ++okAccept;
            bool exclusive = o.terms.flags & LicenseFlags.EXCLUSIVE != 0;
            granted.push(Granted(id, o.terms.tokenId, who, o.terms.regions, o.terms.classes, exclusive, o.terms.advance, 0, 0));
        } catch {}
    }

    /// @dev Two-step transfer to another buyer, who accepts.
    function transfer(uint256 pick, uint8 toPick) external {
        if (granted.length == 0) return;
        Granted memory g = granted[pick % granted.length];
        address to = buyers[toPick % 4];
        vm.prank(g.licensee);
        try licensing.transferLicense(g.id, to) {} catch {
            return;
        }
        vm.prank(to);
        try licensing.acceptLicenseTransfer(g.id) returns (uint256 id) {
            ++okTransfer;
            g.id = id;
            g.licensee = to;
            granted.push(g); // its reports, advance and ghosts move with it
        } catch {}
    }

    function report(uint256 pick, uint8 regionPick, uint8 units) external {
        if (granted.length == 0) return;
        Granted storage g = granted[pick % granted.length];
        uint256 n = 1 + units % 5;
        uint256 amount;
        try licensing.reportDue(g.id, n, 0) returns (uint256, uint256 a) {
            amount = a;
        } catch {
            return;
        }
        vm.deal(g.licensee, amount);
        vm.prank(g.licensee);
        uint256 niceClass = _classOf(g.classes, units >> 4);
        try licensing.reportUsage{value: amount}(g.id, g.licensee, _regionOf(g.regions, regionPick), uint8(niceClass), uint56(n), 0) {
            paidIn += amount;
            g.royalty += n * 1e12; // the offers' unit royalty
            g.reportsPaid += amount;
            ++okReport;
        } catch {}
    }

    /// @dev A class of the pool, mostly one of `classes` (the licence's): three picks in four search
    /// the licence's classes from `pick`, so reports succeed often and still try outside classes.
    function _classOf(uint64 classes, uint256 pick) internal view returns (uint256) {
        if (pick % 4 == 3) return classPool[(pick >> 2) % 3];
        for (uint256 i; i < 3; ++i) {
            uint256 c = classPool[(pick + i) % 3];
            if ((classes >> (c - 1)) & 1 == 1) return c;
        }
        return classPool[pick % 3];
    }

    /// @dev A region of the pool, mostly one of `regions` (the licence's), as `_classOf`.
    function _regionOf(uint256 regions, uint256 pick) internal view returns (uint256) {
        if (pick % 4 == 3) return pool[(pick >> 2) % 6];
        for (uint256 i; i < 6; ++i) {
            uint256 r = pool[(pick + i) % 6];
            if ((regions >> r) & 1 == 1) return r;
        }
        return pool[pick % 6];
    }

    /// @dev A sales report of 1 wei to ~1 ETH of net sales, paying what `reportDue` quotes.
    function reportSales(uint256 pick, uint8 regionPick, uint8 classPick, uint64 netSales) external {
        if (granted.length == 0) return;
        Granted storage g = granted[pick % granted.length];
        uint256 sales = 1 + netSales % 1 ether;
        uint256 royalty;
        uint256 amount;
        try licensing.reportDue(g.id, 0, sales) returns (uint256 r, uint256 a) {
            (royalty, amount) = (r, a);
        } catch {
            return;
        }
        vm.deal(g.licensee, amount);
        vm.prank(g.licensee);
        try licensing.reportUsage{value: amount}(
            g.id, g.licensee, _regionOf(g.regions, regionPick), uint8(_classOf(g.classes, classPick)), 0, uint128(sales)
        ) {
            paidIn += amount;
            g.royalty += royalty;
            g.reportsPaid += amount;
            ++okSales;
        } catch {}
    }

    function renew(uint256 pick) external {
        if (granted.length == 0) return;
        Granted memory g = granted[pick % granted.length];
        License memory l;
        try licensing.getLicense(g.id) returns (License memory got) {
            l = got;
        } catch {
            return; // superseded: its slot holds a newer license
        }
        uint256 price = licensing.getTerms(l.termsId).renewalPrice;
        // Renewals open one period before the end: jump there when it is ahead.
        if (l.renewalPeriod != 0 && l.end > now_ + l.renewalPeriod && pick % 2 == 0) {
            now_ = l.end - l.renewalPeriod;
            vm.warp(now_);
        }
        vm.deal(g.licensee, price);
        vm.prank(g.licensee);
        try licensing.renew{value: price}(g.id, price) {
            paidIn += price;
            ++okRenew;
        } catch {}
    }

    function revoke(uint256 pick) external {
        if (granted.length == 0) return;
        Granted memory g = granted[pick % granted.length];
        vm.prank(arbiter);
        try licensing.flagBreach(g.id, bytes32(pick)) {
            ++okFlag;
        } catch {}
        if (pick % 3 == 0) {
            vm.prank(arbiter); // a flag raised in error is cleared
            try licensing.clearBreach(g.id) {
                ++okClear;
            } catch {}
            return;
        }
        vm.prank(licensor);
        try licensing.revoke(g.id) {
            ++okRevoke;
        } catch {}
    }

    function withdraw(uint8 who) external {
        uint8 w = who % 8;
        address account =
            w == 4 ? licensor : w == 5 ? arbiter : w == 6 ? recipeAuthor : w == 7 ? datasetCurator : buyers[w];
        vm.prank(account);
        try licensing.withdraw(address(0)) returns (uint256 amount) {
            withdrawn += amount;
            ++okWithdraw;
        } catch {}
    }

    function settle() external {
        for (uint256 i; i < family.length; ++i) licensing.settle(family[i], address(0));
    }

    /// @dev The attester, approved by the design's owner, mints a colourway of it (same model and creator, to its owner).
    function mintColourway(uint256 salt) external {
        if (family.length >= 4) return; // a design and three colourways: grants still collide often
        MintRequest memory r =
            MintRequest({lineage: _lineage(salt), to: cert.ownerOf(tokenId), royaltyBps: 0, deadline: uint64(now_ + 1 hours), signature: ""});
        vm.prank(attester);
        try cert.mintColourway(r, tokenId) returns (uint256 id) {
            family.push(id);
            ++okColourway;
        } catch {}
    }

    function _lineage(uint256 salt) internal view returns (Lineage memory lin) {
        lin.contentDigest = keccak256(abi.encode("handler colourway", salt, family.length));
        lin.metadataDigest = keccak256(abi.encode("handler colourway metadata", salt));
        lin.metadataCodec = 0x55;
        lin.modelId = cert.modelOf(tokenId);
        lin.creator = cert.creatorOf(tokenId);
    }

    function familySize() external view returns (uint256) {
        return family.length;
    }

    function familyAt(uint256 i) external view returns (uint256) {
        return family[i];
    }

    function warp(uint32 seconds_) external {
        now_ += seconds_ % 20 days;
        vm.warp(now_);
    }

    function grantedCount() external view returns (uint256) {
        return granted.length;
    }

    function grantedAt(uint256 i) external view returns (Granted memory) {
        return granted[i];
    }

    function buyer(uint256 i) external view returns (address) {
        return buyers[i];
    }

    function poolRegion(uint256 i) external view returns (uint256) {
        return pool[i];
    }
}

/// @notice Invariants of the licensing contract under random operation sequences.
contract MotifLicensingInvariantTest is LicensingFixture {
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    LicensingHandler internal handler;
    address internal recipeAuthor = address(0x4EC1BE);
    address internal datasetCurator = address(0xDA7A);

    /// @dev The licensed token is a pattern rendered from a recipe with a model trained on a
    /// certified dataset, with a protocol fee, so every settlement pays five parties: fee (admin),
    /// model owner, recipe author, dataset curator and licensor.
    function setUp() public override {
        super.setUp();
        (uint32 trained,) = _trainedModel(datasetCurator, 1500, 1);
        vm.prank(recipeAuthor);
        uint256 recipeId = cert.mintRecipe(
            RecipeRegistration({
                modelId: trained,
                recipeDigest: keccak256("invariant recipe"),
                metadataDigest: keccak256("invariant recipe metadata"),
                metadataCodec: 0x55,
                royaltyBps: 0,
                shareBps: 2000
            })
        );
        tokenId = _mintWithModel(licensor, 4242, trained, recipeId);
        vm.prank(admin);
        licensing.setProtocolFee(300, admin);
        handler = new LicensingHandler(licensing, cert, attester, tokenId, licensor, admin);
        vm.prank(licensor); // the studio lets its generator add colourways to the designs it sold on
        cert.setApprovalForAll(attester, true);
    }

    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    function targetSelectors() public view returns (FuzzSelector[] memory selectors) {
        bytes4[] memory s = new bytes4[](11);
        s[0] = LicensingHandler.publish.selector;
        s[1] = LicensingHandler.accept.selector;
        s[2] = LicensingHandler.report.selector;
        s[3] = LicensingHandler.renew.selector;
        s[4] = LicensingHandler.revoke.selector;
        s[5] = LicensingHandler.withdraw.selector;
        s[6] = LicensingHandler.warp.selector;
        s[7] = LicensingHandler.settle.selector;
        s[8] = LicensingHandler.transfer.selector;
        s[9] = LicensingHandler.reportSales.selector;
        s[10] = LicensingHandler.mintColourway.selector;
        selectors = new FuzzSelector[](1);
        selectors[0] = FuzzSelector(address(handler), s);
    }

    /// @dev One campaign checks all three properties after every call of every sequence, so the
    /// CI profile's runs are spent once (`hardhat.config.ts`: 10,000 sequences of 15 calls).
    function invariant_licensing() public view {
        _moneyConserved();
        _isLicensedOnlyInside();
        _noExclusiveConflicts();
        _advancesRecouped();
    }

    /// @dev (d) Each license's reports paid exactly what its royalties exceed its advance by, and the
    /// license shows the rest of the advance (the rule in words, from the handler's ghost totals).
    function _advancesRecouped() internal view {
        uint256 n = handler.grantedCount();
        for (uint256 i; i < n; ++i) {
            LicensingHandler.Granted memory g = handler.grantedAt(i);
            (bool known, License memory l) = _license(g.id);
            if (!known || l.status == LicenseStatus.Transferred) continue; // the moved copy carries on
            uint256 covered = g.royalty < g.advance ? g.royalty : g.advance;
            assertEq(g.reportsPaid, g.royalty - covered, "reports paid royalty beyond the advance");
            assertEq(l.advanceRemaining, g.advance - covered, "advance left");
        }
    }

    /// @dev (a) Money is conserved: everything paid in is pending, owed and withdrawable, or withdrawn.
    function _moneyConserved() internal view {
        uint256 owedTotal = licensing.owed(licensor, address(0)) + licensing.owed(modelOwner, address(0))
            + licensing.owed(admin, address(0)) + licensing.owed(recipeAuthor, address(0))
            + licensing.owed(datasetCurator, address(0));
        for (uint256 i; i < 4; ++i) owedTotal += licensing.owed(handler.buyer(i), address(0));
        uint256 held = owedTotal;
        for (uint256 i; i < handler.familySize(); ++i) held += licensing.pending(handler.familyAt(i), address(0));
        assertEq(address(licensing).balance, held, "balance = owed + pending");
        assertEq(handler.paidIn(), held + handler.withdrawn(), "paid in = owed + pending + withdrawn");
    }

    /// @dev (b) isLicensed is never true for a license outside its regions or window.
    function _isLicensedOnlyInside() internal view {
        uint256 n = handler.grantedCount();
        for (uint256 i; i < n; ++i) {
            LicensingHandler.Granted memory g = handler.grantedAt(i);
            (bool known, License memory l) = _license(g.id);
            if (!known) continue; // superseded by a newer license in its slot: dead
            for (uint256 r; r < 6; ++r) {
                uint256 region = handler.poolRegion(r);
                if (g.token == tokenId) _designLicenceCoversColourwaysOnlyIfFlagged(g, l.termsId, region);
                (bool ok, uint256 id) = licensing.isLicensed(g.token, g.licensee, region, uint48(block.timestamp));
                if (!ok || id != g.id) continue;
                assertTrue((g.regions >> region) & 1 == 1, "licensed outside its regions");
                assertTrue(l.start <= block.timestamp && block.timestamp < l.end, "licensed outside its window");
                assertTrue(l.status == LicenseStatus.Active, "licensed while not active");
                for (uint256 c = 24; c <= 27; ++c) {
                    (bool inClass, uint256 classId) =
                        licensing.isLicensed(g.token, g.licensee, region, uint8(c), uint48(block.timestamp));
                    if (inClass && classId == g.id) assertTrue((g.classes >> (c - 1)) & 1 == 1, "licensed outside its classes");
                }
            }
            (bool after_, uint256 idAfter) = licensing.isLicensed(g.token, g.licensee, handler.poolRegion(0), l.end);
            assertFalse(after_ && idAfter == g.id, "licensed at its end");
        }
    }

    /// @dev A licence of the design answers `isLicensed` for a colourway only if its terms carry
    /// `ALL_COLOURWAYS` (and then only inside its regions, as for the design).
    function _designLicenceCoversColourwaysOnlyIfFlagged(LicensingHandler.Granted memory g, uint32 termsId, uint256 region)
        internal
        view
    {
        bool flagged = licensing.getTerms(termsId).flags & LicenseFlags.ALL_COLOURWAYS != 0;
        for (uint256 k = 1; k < handler.familySize(); ++k) {
            (bool ok, uint256 id) = licensing.isLicensed(handler.familyAt(k), g.licensee, region, uint48(block.timestamp));
            if (!ok || id != g.id) continue;
            assertTrue(flagged, "a design-only licence covered a colourway");
            assertTrue((g.regions >> region) & 1 == 1, "a colourway licensed outside the design licence's regions");
        }
    }

    /// @dev (c) No two exclusive-conflicting licenses coexist: an active exclusive license shares no
    /// region, class and moment with any other active license of its design family (every grant of
    /// the handler is of the design or one of its colourways: one family, one exclusivity book).
    function _noExclusiveConflicts() internal view {
        uint256 n = handler.grantedCount();
        for (uint256 i; i < n; ++i) {
            LicensingHandler.Granted memory a = handler.grantedAt(i);
            if (!a.exclusive) continue;
            (bool knownA, License memory la) = _license(a.id);
            if (!knownA || la.status != LicenseStatus.Active) continue;
            for (uint256 j; j < n; ++j) {
                if (j == i) continue;
                LicensingHandler.Granted memory b = handler.grantedAt(j);
                (bool knownB, License memory lb) = _license(b.id);
                if (!knownB || lb.status != LicenseStatus.Active) continue;
                bool overlap = la.start < lb.end && lb.start < la.end;
                assertFalse(overlap && a.regions & b.regions != 0 && a.classes & b.classes != 0, "exclusive conflict");
            }
        }
    }

    /// @dev The license `id`, or `known = false` when its slot now holds a newer license.
    function _license(uint256 id) internal view returns (bool known, License memory l) {
        try licensing.getLicense(id) returns (License memory got) {
            return (true, got);
        } catch {
            return (false, l);
        }
    }
}

/// @notice The invariant handler's actions do succeed: 800 seeded random calls, then every ghost
/// counter of successful calls must have moved. A regression that makes an action always revert
/// (swallowed by the handler's `catch`) fails here.
contract MotifLicensingHandlerTest is LicensingFixture {
    LicensingHandler internal handler;

    function setUp() public override {
        super.setUp();
        handler = new LicensingHandler(licensing, cert, attester, tokenId, licensor, admin);
        vm.prank(licensor);
        cert.setApprovalForAll(attester, true);
    }

    function test_handler_everyActionSucceedsOften() public {
        uint256 seed = uint256(keccak256("motif handler"));
        for (uint256 i; i < 800; ++i) {
            seed = uint256(keccak256(abi.encode(seed, i)));
            uint256 action = seed % 10;
            uint256 r = seed >> 8;
            if (action == 0 || i < 4) handler.publish(uint8(r), (r >> 8) % 4 == 0, uint32(r >> 16), uint32(r >> 48), uint64(r >> 80), (r >> 144) % 2 == 0);
            else if (action <= 2) handler.accept(r >> 8, uint8(r >> 16));
            else if (action == 3) handler.report(r >> 8, uint8(r >> 16), uint8(r >> 24));
            else if (action == 4) handler.renew(r >> 8);
            else if (action == 5) handler.revoke(r >> 8);
            else if (action == 6) handler.withdraw(uint8(r >> 8));
            else if (action == 7) handler.warp(uint32(r >> 8) % 3 days);
            else if (action == 9) handler.reportSales(r >> 8, uint8(r >> 16), uint8(r >> 24), uint64(r >> 32));
            else handler.transfer(r >> 8, uint8(r >> 16));
            if (i % 97 == 5) handler.mintColourway(r);
            if (i % 50 == 49) handler.settle();
        }
        assertGe(handler.okPublish(), 20, "publish");
        assertGe(handler.okAccept(), 15, "accept");
        assertGe(handler.okReport(), 2, "report"); // most reports meet a revoked, ended or unstarted licence
        assertGe(handler.okSales(), 2, "reportSales");
        assertGe(handler.okRenew(), 5, "renew");
        assertGe(handler.okFlag(), 10, "flagBreach");
        assertGe(handler.okClear(), 3, "clearBreach");
        assertGe(handler.okRevoke(), 5, "revoke");
        assertGe(handler.okTransfer(), 5, "transfer");
        assertGe(handler.okWithdraw(), 3, "withdraw");
        assertGe(handler.okColourway(), 3, "mintColourway");
    }
}
