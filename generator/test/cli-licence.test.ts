import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Address, type Hex, erc20Abi, getAddress, keccak256, parseAbi, parseEther, toHex } from "viem";

import { type Offer, motifLicensingAbi } from "@motif/sdk";
import { runCli } from "../../test/ts/helpers/cli.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

// Hardhat's well-known development accounts (test keys, never real ones): #2 the studio, #3 a licensee
const STUDIO_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const LICENSEE_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6";
const LICENSEE = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";
// bedding and household linen (Nice 24) is bit 23, clothing (Nice 25) bit 24
const BEDDING_AND_CLOTHING = (1n << 23n) | (1n << 24n);

describe("motif licence: offers with product classes, an advance and a sales royalty; usage and net-sales reports", function () {
  this.timeout(180_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let dir: string;
  let terms: string;
  let tokenId: bigint;
  let licensing: Address;
  const studioEnv = () => ({ ...chain.env, MOTIF_LICENSING: licensing, MOTIF_WALLET_KEY: STUDIO_KEY });
  const licenseeEnv = () => ({ ...chain.env, MOTIF_LICENSING: licensing, MOTIF_WALLET_KEY: LICENSEE_KEY });
  const read = <F extends "getOffer" | "getLicense" | "lastOfferId" | "pending">(functionName: F, args: readonly unknown[]) =>
    chain.deployed.publicClient.readContract({ address: licensing, abi: motifLicensingAbi, functionName, args } as never) as Promise<never>;

  before(async () => {
    chain = await remoteChainWithMotif();
    licensing = chain.record.contracts.MotifLicensing;
    dir = mkdtempSync(path.join(os.tmpdir(), "motif-cli-licence-"));
    terms = path.join(dir, "terms.txt");
    writeFileSync(terms, "Motif textile licence v1: bedding, in the EU.\n");
    // a pattern minted by the generator to the studio (#2)
    const { deployed } = chain;
    const studio = deployed.wallets[2]!.account.address;
    const h = (s: string) => keccak256(toHex(s));
    const lineage = { contentDigest: h("textile"), metadataDigest: h("meta"), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: h("p"), pdqHash: h("q"), tileHash: h("t"), creator: studio, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: studio, royaltyBps: 0, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    tokenId = BigInt(lineage.contentDigest);
  });
  after(async () => {
    await chain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const publish = (...flags: string[]) => runCli(studioEnv(), "licence", "publish", `0x${tokenId.toString(16)}`, "--regions", "EU", "--price", "0.05", "--terms", terms, ...flags);

  it("refuses a bad --classes, --advance or --sales-royalty with the flag and the allowed values, and sends nothing", async () => {
    const studio = chain.deployed.wallets[2]!.account.address;
    const sent = await chain.deployed.publicClient.getTransactionCount({ address: studio });
    const offers = await read("lastOfferId", []);
    const cases: Array<[string[], string]> = [
      [["--sales-royalty", "60"], "--sales-royalty: 60% is more than 50% of net sales; allowed: 0 to 50 (percent of net sales, up to two decimals, e.g. 5 or 2.5)"],
      [["--sales-royalty", "2.555"], '--sales-royalty: "2.555" is not a percentage from 0 to 50 (percent of net sales, up to two decimals, e.g. 5 or 2.5)'],
      [["--sales-royalty", "five"], '--sales-royalty: "five" is not a percentage from 0 to 50'],
      [["--classes", "bedding,socks"], '--classes: "socks" is not a product class; allowed: a WIPO Nice class number 1..45 (24 textiles and household linen, 25 clothing, 27 rugs and wallpaper'],
      [["--classes", "46"], '--classes: "46" is not a product class; allowed: a WIPO Nice class number 1..45'],
      [["--classes", "24,"], '--classes: "24," has an empty item'],
      [["--advance", "0.5 ETH"], '--advance: "0.5 ETH" is not an amount in ETH from 0 to 340282366920938463463.374607431768211455, up to 18 decimals (e.g. 0.5)'],
      [["--advance=-1"], '--advance: "-1" is not an amount in ETH'],
    ];
    for (const [flags, words] of cases) {
      const r = await publish(...flags);
      expect(r.code, r.output).to.equal(2);
      expect(r.stderr).to.contain(`motif licence: ${words}`);
      expect(r.stderr).to.contain("usage: motif licence publish"); // the help follows
    }
    expect(await chain.deployed.publicClient.getTransactionCount({ address: studio })).to.equal(sent);
    expect(await read("lastOfferId", [])).to.equal(offers);
  });

  it("publishes classes by name or Nice number, the advance in ETH and the sales royalty in basis points; says the terms in words", async () => {
    const r = await publish("--classes", "bedding,clothing", "--advance", "0.5", "--sales-royalty", "5", "--flags", "commercial,exclusive", "--days", "730", "--licensee", LICENSEE);
    expect(r.code, r.output).to.equal(0);
    expect(r.stdout).to.match(/^offer #1 published on 0x[0-9a-f]{64} in 0x[0-9a-f]{64}\n/);
    expect(r.stdout).to.contain(
      "  Exclusive, commercial licence in the 27 EU member states, for class 24 (Textiles and substitutes for textiles) and class 25 (Clothing, footwear, headwear). Exclusive in those regions for those classes",
    );
    expect(r.stdout).to.contain("  Runs for 730 days from the moment you accept.");
    expect(r.stdout).to.contain("  Price 0.05 ETH, plus 5% of net sales. An advance of 0.5 ETH paid at acceptance, recouped against royalties before any is charged (0.55 ETH in all at acceptance).");
    const [offer] = (await read("getOffer", [1n])) as [{ terms: { classes: bigint; advance: bigint; salesRoyaltyBps: number; flags: number }; window: { duration: number }; maxUses: number }];
    expect(offer.terms.classes).to.equal(BEDDING_AND_CLOTHING);
    expect(offer.terms.advance).to.equal(500_000_000_000_000_000n);
    expect(offer.terms.salesRoyaltyBps).to.equal(500);
    expect(offer.terms.flags).to.equal(0b10_0001); // commercial | exclusive
    expect(offer.window.duration).to.equal(730 * 86_400);
    expect(offer.maxUses).to.equal(1);

    // the same classes by their Nice numbers; 2.5% is 250 bps; no --classes is every class (45 bits)
    const byNumber = await publish("--classes", "24,25", "--sales-royalty", "2.5", "--json");
    expect(byNumber.code, byNumber.output).to.equal(0);
    const { offerId } = JSON.parse(byNumber.stdout) as { offerId: string };
    const [second] = (await read("getOffer", [BigInt(offerId)])) as [{ terms: { classes: bigint; advance: bigint; salesRoyaltyBps: number } }];
    expect(second.terms).to.include({ classes: BEDDING_AND_CLOTHING, advance: 0n, salesRoyaltyBps: 250 });
    const every = await publish("--json");
    const [third] = (await read("getOffer", [BigInt((JSON.parse(every.stdout) as { offerId: string }).offerId)])) as [{ terms: { classes: bigint; salesRoyaltyBps: number } }];
    expect(third.terms).to.include({ classes: 0x1f_ffff_ffff_ffn, salesRoyaltyBps: 0 });
  });

  it("signs an offer off-chain with the same flags: the file holds the terms, a buyer accepts it", async () => {
    const out = path.join(dir, "signed.json");
    const r = await runCli(studioEnv(), "licence", "sign", tokenId.toString(), "--regions", "US,CA", "--classes", "rugs", "--price", "0.01", "--advance", "0.002", "--sales-royalty", "1.25", "--terms", terms, "--out", out, "--nonce", "9");
    expect(r.code, r.output).to.equal(0);
    expect(r.stdout).to.contain("  Non-exclusive, commercial licence in Canada, United States, for class 27 (Carpets, rugs, mats and matting, linoleum).");
    expect(r.stdout).to.contain("  Price 0.01 ETH, plus 1.25% of net sales. An advance of 0.002 ETH paid at acceptance");
    type Json = { terms: Record<string, string | number>; window: Offer["window"]; pricing: Record<string, string | number>; maxUses: number; deadline: number; nonce: string; licensee: Address };
    const file = JSON.parse(readFileSync(out, "utf8")) as { offer: Json; signature: Hex; digest: Hex };
    expect(file.offer.terms).to.include({ classes: (1n << 26n).toString(), advance: "2000000000000000", salesRoyaltyBps: 125 });
    expect(file.offer.nonce).to.equal("9");
    // a buyer (#4) accepts it as written: 0.01 ETH and the 0.002 ETH advance
    const { terms: t, pricing: p } = file.offer;
    const big = (o: Record<string, string | number>, keys: string[]) => Object.fromEntries(Object.entries(o).map(([k, x]) => [k, keys.includes(k) ? BigInt(x) : x]));
    const offer = {
      ...file.offer,
      terms: big(t, ["tokenId", "regions", "classes", "unitRoyalty", "unitCap", "advance", "renewalPrice"]),
      pricing: big(p, ["price", "ceiling"]),
      nonce: BigInt(file.offer.nonce),
    } as unknown as Offer;
    const receipt = await chain.deployed.wait(await chain.deployed.motif[4]!.acceptOffer({ signed: { offer, signature: file.signature }, maxPrice: parseEther("0.01") }));
    const [granted] = await chain.deployed.publicClient.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    expect(granted!.args.offerKey).to.equal(file.digest);
    expect(granted!.args.price).to.equal(parseEther("0.012"));
  });

  it("reports net sales by class: the advance is recouped first, then the royalty is paid; bad report flags are refused before the chain", async () => {
    const [, , , l] = chain.deployed.motif;
    const receipt = await chain.deployed.wait(await l!.acceptOffer({ offerId: 1n, maxPrice: parseEther("0.05") }));
    const granted = await chain.deployed.publicClient.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    expect(granted[0]!.args.price).to.equal(parseEther("0.55")); // price and advance, paid at acceptance
    const id = `0x${granted[0]!.args.licenseId!.toString(16)}`;
    const report = (...flags: string[]) => runCli(licenseeEnv(), "licence", "report", id, "--json", ...flags);

    for (const [flags, words] of [
      [["--region", "FR", "--class", "socks", "--net-sales", "1"], '--class: "socks" is not a product class; allowed: a WIPO Nice class number 1..45'],
      [["--region", "FR", "--class", "24", "--net-sales", "1,5"], `--net-sales: "1,5" is not an amount in the licence's currency from 0 to`],
      [["--region", "XX", "--class", "24", "--net-sales", "1"], '--region: "XX" is not an ISO 3166-1 code'],
      [["--region", "FR", "--class", "24"], "--units, --net-sales: both 0; report at least 1 unit or some net sales (in the licence's currency)"],
      [["--region", "FR", "--class", "24", "--net-sales", "0.0"], "--units, --net-sales: both 0"],
      [["--region", "FR", "--net-sales", "1"], "--class: required, one product class"],
    ] as Array<[string[], string]>) {
      const r = await report(...flags);
      expect(r.code, r.output).to.equal(2);
      expect(r.stderr).to.contain(`motif licence: ${words}`);
    }

    const pending0 = (await read("pending", [tokenId, "0x0000000000000000000000000000000000000000"])) as bigint;
    // 4 ETH of bedding sold in France at 5%: 0.2 ETH of royalty, all of it from the 0.5 ETH advance
    const first = await report("--region", "FR", "--class", "bedding", "--net-sales", "4");
    expect(first.code, first.output).to.equal(0);
    expect(JSON.parse(first.stdout)).to.include({ niceClass: 24, netSales: "4000000000000000000", royalty: "200000000000000000", paid: "0", fromAdvance: "200000000000000000", advanceRemaining: "300000000000000000", netSalesTotal: "4000000000000000000" });
    expect((await read("pending", [tokenId, "0x0000000000000000000000000000000000000000"])) as bigint).to.equal(pending0);
    // 10 ETH more of clothing in Germany: 0.5 ETH of royalty, 0.3 ETH of it the advance's rest, 0.2 ETH paid
    const second = await runCli(licenseeEnv(), "licence", "report", id, "--region", "DE", "--class", "25", "--net-sales", "10");
    expect(second.code, second.output).to.equal(0);
    expect(second.stdout).to.contain(
      "reported 0 units and 10 ETH of net sales of class 25 (Clothing, footwear, headwear) in DE on licence " + `0x${BigInt(id).toString(16).padStart(64, "0")}` + ": royalty 0.5 ETH (5% of net sales), 0.3 ETH of it from the advance, 0.2 ETH paid; advance remaining 0 ETH, net sales so far 14 ETH",
    );
    expect((await read("pending", [tokenId, "0x0000000000000000000000000000000000000000"])) as bigint).to.equal(pending0 + parseEther("0.2"));
    // a class the licence does not cover: the contract's refusal, in words
    const rugs = await report("--region", "FR", "--class", "rugs", "--net-sales", "1");
    expect(rugs.code, rugs.output).to.equal(1);
    expect(rugs.stderr).to.contain("does not cover products of").and.contain("MotifLicensingClassNotAllowed");
  });

  it("offers in an ERC-20 token: amounts in the token's own units (its decimals), words in its symbol; a report approves and pays the royalty in it", async () => {
    const { deployed } = chain;
    const token = { address: getAddress((await deployed.viem.deployContract("MockStablecoin")).address) };
    const balanceOf = (who: Address) => deployed.publicClient.readContract({ address: token.address, abi: erc20Abi, functionName: "balanceOf", args: [who] });
    const licensee = getAddress(LICENSEE);
    const mintAbi = parseAbi(["function mint(address to, uint256 amount)"]);
    await deployed.wait(await deployed.wallets[0]!.writeContract({ address: token.address, abi: mintAbi, functionName: "mint", args: [licensee, 1_000_000_000n] })); // 1,000 mUSD
    const studio = deployed.wallets[2]!.account.address;
    const sent = await deployed.publicClient.getTransactionCount({ address: studio });
    const offers = await read("lastOfferId", []);
    const withToken = (...flags: string[]) =>
      runCli(studioEnv(), "licence", "publish", `0x${tokenId.toString(16)}`, "--regions", "FR", "--classes", "rugs", "--terms", terms, "--currency", token.address, ...flags);
    // refused before anything is sent: more decimals than the token has, an EOA, a malformed address
    for (const [flags, words] of [
      [["--price", "12.1234567"], '--price: "12.1234567" is not an amount in mUSD from 0 to 340282366920938463463374607431768.211455, up to 6 decimals (e.g. 0.5)'],
      [["--price", "1", "--advance", "0.0000001"], '--advance: "0.0000001" is not an amount in mUSD'],
    ] as Array<[string[], string]>) {
      const r = await withToken(...flags);
      expect(r.code, r.output).to.equal(2);
      expect(r.stderr).to.contain(`motif licence: ${words}`);
    }
    const eoa = await runCli(studioEnv(), "licence", "publish", `0x${tokenId.toString(16)}`, "--regions", "FR", "--price", "1", "--terms", terms, "--currency", LICENSEE);
    expect(eoa.code, eoa.output).to.equal(2);
    expect(eoa.stderr).to.contain(`motif licence: --currency: ${licensee} is not an ERC-20 token on this chain (it answers no decimals())`);
    const bad = await runCli(studioEnv(), "licence", "publish", `0x${tokenId.toString(16)}`, "--regions", "FR", "--price", "1", "--terms", terms, "--currency", "USDC");
    expect(bad.code, bad.output).to.equal(2);
    expect(bad.stderr).to.contain('motif licence: --currency: "USDC" is neither ETH nor an ERC-20 token');
    expect(await deployed.publicClient.getTransactionCount({ address: studio })).to.equal(sent);
    expect(await read("lastOfferId", [])).to.equal(offers);

    // 12.5 mUSD, an advance of 2 mUSD, 10% of net sales
    const r = await withToken("--price", "12.5", "--advance", "2", "--sales-royalty", "10", "--json");
    expect(r.code, r.output).to.equal(0);
    const out = JSON.parse(r.stdout) as { offerId: string; terms: string[] };
    expect(out.terms[2]).to.equal(
      `Price 12.5 mUSD (token ${token.address}), plus 10% of net sales. An advance of 2 mUSD (token ${token.address}) paid at acceptance, recouped against royalties before any is charged (14.5 mUSD (token ${token.address}) in all at acceptance).`,
    );
    const offerId = BigInt(out.offerId);
    const [stored] = (await read("getOffer", [offerId])) as unknown as [Offer];
    expect(stored.terms.currency).to.equal(token.address);
    expect(stored.pricing.price).to.equal(12_500_000n); // an independent reading: 12.5 × 10^6
    expect(stored.terms.advance).to.equal(2_000_000n);

    // the licensee approves price + advance and accepts; a report of 30 mUSD of rugs sold in FR owes
    // 3 mUSD: 2 from the advance, 1 paid, which the CLI approves before reporting
    const l = deployed.motif[3]!;
    await deployed.wait(await l.writeContract({ address: token.address, abi: erc20Abi, functionName: "approve", args: [licensing, 14_500_000n] }));
    const receipt = await deployed.wait(await l.acceptOffer({ offerId, maxPrice: 12_500_000n }));
    const granted = await deployed.publicClient.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    const id = `0x${granted[0]!.args.licenseId!.toString(16)}`;
    const before = await balanceOf(licensee);
    const rep = await runCli(licenseeEnv(), "licence", "report", id, "--region", "FR", "--class", "rugs", "--net-sales", "30");
    expect(rep.code, rep.output).to.equal(0);
    expect(rep.stdout).to.contain(`reported 0 units and 30 mUSD (token ${token.address}) of net sales of class 27`);
    expect(rep.stdout).to.contain(`royalty 3 mUSD (token ${token.address}) (10% of net sales), 2 mUSD (token ${token.address}) of it from the advance, 1 mUSD (token ${token.address}) paid`);
    expect(await balanceOf(licensee)).to.equal(before - 1_000_000n);
    const tooFine = await runCli(licenseeEnv(), "licence", "report", id, "--region", "FR", "--class", "rugs", "--net-sales", "0.0000001");
    expect(tooFine.code, tooFine.output).to.equal(2);
    expect(tooFine.stderr).to.contain('--net-sales: "0.0000001" is not an amount in mUSD');
  });
});
