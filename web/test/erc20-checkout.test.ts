/// <reference lib="dom" />
import { expect } from "chai";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { type Browser, type Page, chromium } from "playwright-core";
import { type Address, createPublicClient, erc20Abi, getAddress, http, keccak256, parseAbi, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, licenseTerms, motifActions, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import { injectWallet } from "../../test/ts/helpers/injected-wallet.js";
import { type Stack, startStack } from "../../scripts/lib/stack.js";

const CHROMIUM = "/usr/bin/chromium";
const SHOTS = path.join(process.cwd(), "test-results", "screenshots");
const WEB_DIST = path.join(process.cwd(), "web", "dist");

/**
 * The pattern page's checkout of an offer priced in an ERC-20 token (MockStablecoin: "mUSD", 6
 * decimals): its price said in the token's units; a wallet with enough tokens and no allowance
 * approves exactly what the contract takes (price + advance) and accepts, a rejected approval and a
 * double click send nothing extra; a wallet with too few tokens is told so in words before its
 * wallet is asked anything, and once topped up, a rejected acceptance leaves its approval standing
 * (the next click asks only for the acceptance). A token that changes an allowance only through
 * zero (ZeroFirstStablecoin, USDT's rule) with some allowance left from before gets it zeroed first,
 * at acceptance and for a usage report; a token without that rule is asked one approval over what is
 * left. The oracles are the chain's: isLicensed, the token's balances and allowance (and its own
 * refusal of a non-zero → non-zero approve), the wallet's nonce and the LicenseGranted event.
 */
describe("web page: accepting an offer priced in an ERC-20 token (headless Chromium)", function () {
  this.timeout(300_000);
  let stack: Stack;
  let browser: Browser;
  let stateDir: string;
  let tokenId: bigint;
  let tokenHex: string;
  let offerId: bigint;
  let usd: Address;
  let licensing: Address;
  let mint: (to: Address, amount: bigint, token?: Address) => Promise<void>;
  let publish: (currency: Address) => Promise<bigint>;
  // 12.5 mUSD and an advance of 2.5 mUSD (6 decimals), written out in base units
  const PRICE = 12_500_000n;
  const ADVANCE = 2_500_000n;
  const DUE = 15_000_000n;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
    if (!existsSync(path.join(WEB_DIST, "index.html"))) throw new Error("web/dist is missing: run `npm run build:web` (npm test builds it)");
    await mkdir(SHOTS, { recursive: true });
    stateDir = await mkdtemp(path.join(os.tmpdir(), "motif-web-erc20-"));
    stack = await startStack({ stateDir, ports: { rpc: 0, gateway: 0, api: 0, web: 0, indexer: 0 } });
    const publicClient = await stack.connection.viem.getPublicClient();
    const wallets = await stack.connection.viem.getWalletClients();
    const creator = wallets[2]!;
    licensing = stack.deployment.contracts.MotifLicensing;

    // a pattern owned by the creator, minted through the generator API
    const created = await fetch(`${stack.urls.api}/v1/patterns`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": stack.apiKey },
      body: JSON.stringify({ model: "weld", seed: "4711", params: { scale: 2, sharpness: 4 }, width: 96, height: 96, mint: true, to: creator.account.address }),
    });
    const body = (await created.json()) as { status: string; tokenId: string };
    expect(body.status, JSON.stringify(body)).to.equal("minted");
    tokenId = BigInt(body.tokenId);
    tokenHex = `0x${tokenId.toString(16).padStart(64, "0")}`;

    // the 6-decimal stablecoin, minted to the buyers by the test
    usd = getAddress((await stack.connection.viem.deployContract("MockStablecoin")).address);
    const minter = wallets[0]!;
    mint = async (to, amount, token = usd) => {
      await publicClient.waitForTransactionReceipt({ hash: await minter.writeContract({ address: token, abi: parseAbi(["function mint(address to, uint256 amount)"]), functionName: "mint", args: [to, amount] }) });
    };

    const addresses = { certificate: stack.deployment.contracts.MotifCertificate, registry: stack.deployment.contracts.MotifModelRegistry, licensing };
    let nonce = 0n;
    publish = async (currency) => {
      const now = Number((await publicClient.getBlock()).timestamp);
      const offer: Offer = {
        terms: licenseTerms({ tokenId, regions: regionMask(["DE", "FR"]), flags: LicenseFlags.COMMERCIAL, currency, unitRoyalty: 10_000n, unitCap: 1000n, salesRoyaltyBps: 0, advance: ADVANCE, renewalPrice: 0n, termsDigest: keccak256(toHex("erc20 checkout terms")), termsCodec: 0x55 }),
        window: { start: 0, end: 0, duration: 30 * 86400 },
        pricing: { price: PRICE, ceiling: 0n, decayWindow: 0, demandCap: 0 },
        maxUses: 10,
        deadline: now + 86400,
        nonce: nonce++,
        licensee: zeroAddress,
      };
      const receipt = await publicClient.waitForTransactionReceipt({ hash: await creator.extend(motifActions({ addresses })).publishOffer({ offer }) });
      return (await publicClient.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber }))[0]!.args.offerId!;
    };
    offerId = await publish(usd);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  });

  after(async () => {
    await browser?.close();
    await stack?.close();
    if (stateDir) await rm(stateDir, { recursive: true, force: true });
  });

  const chain = (token: Address = usd) => {
    const client = createPublicClient({ transport: http(stack.urls.rpc) });
    return {
      client,
      balance: (who: Address) => client.readContract({ address: token, abi: erc20Abi, functionName: "balanceOf", args: [who] }),
      allowance: (who: Address) => client.readContract({ address: token, abi: erc20Abi, functionName: "allowance", args: [who, licensing] }),
      nonce: (who: Address) => client.getTransactionCount({ address: who }),
      licensed: async (who: Address) => {
        const now = Number((await client.getBlock()).timestamp);
        return (await client.readContract({ address: licensing, abi: motifLicensingAbi, functionName: "isLicensed", args: [tokenId, who, BigInt(regionBit("DE")), now] }))[0];
      },
    };
  };

  /** A page whose injected wallet is dev account `index` on the stack's chain, and the page's errors as they come. */
  const walletPage = async (index: number) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    const wallet = await injectWallet(page, stack.urls.rpc, index);
    wallet.state.chainId = 31337;
    return { page, errors, wallet, buyer: wallet.account.address };
  };

  /**
   * Reports 300 units on the page's only licence: 3 of the token's unit royalty, 2.5 recouped from
   * the advance, so 0.5 due (written out here). The chain's word after: 0.5 paid, nothing left
   * approved, `transactions` sent by the buyer (approvals and the report).
   */
  const report300 = async (page: Page, c: ReturnType<typeof chain>, buyer: Address, transactions: number) => {
    const [balanceR, nonceR] = await Promise.all([c.balance(buyer), c.nonce(buyer)]);
    await page.fill(".licence input[name=units]", "300");
    await page.click(".licence button.report-usage");
    await page.waitForFunction(() => /Units: 300 used of 1000/.test(document.querySelector(".licence .units")?.textContent ?? "") || document.querySelector('.usage-status .notice[data-kind="error"]') !== null, undefined, { timeout: 60_000 });
    expect(await page.locator(".licence .units").textContent(), (await page.locator(".usage-status").textContent()) ?? "").to.contain("Units: 300 used of 1000");
    expect(balanceR - (await c.balance(buyer))).to.equal(500_000n);
    expect(await c.allowance(buyer)).to.equal(0n);
    expect((await c.nonce(buyer)) - nonceR).to.equal(transactions);
  };

  it("says the price in mUSD; approves exactly price + advance and accepts; a rejected approval and a double click send nothing extra; a usage report approves the royalty due after the advance, then pays it", async () => {
    const { page, errors, wallet, buyer } = await walletPage(8);
    const c = chain();
    await mint(buyer, 20_000_000n); // 20 mUSD: enough, and none of it approved
    expect(await c.allowance(buyer)).to.equal(0n);

    await page.goto(`${stack.urls.web}/#/pattern/${tokenHex}`);
    const offerEl = page.locator(`.offer[data-offer="${offerId}"]`);
    await offerEl.waitFor({ timeout: 60_000 });
    const u = (amount: string) => `${amount} mUSD (token ${usd})`;
    expect(await offerEl.locator("ul").textContent()).to.contain(
      `Price ${u("12.5")}, plus ${u("0.01")} per unit produced, up to 1000 units. An advance of ${u("2.5")} paid at acceptance, recouped against royalties before any is charged (${u("15")} in all at acceptance).`,
    );
    expect(await offerEl.locator("ul").textContent()).to.not.contain("base units");

    await page.click("#connect");
    await page.waitForSelector("#account");
    const [balance0, nonce0] = await Promise.all([c.balance(buyer), c.nonce(buyer)]);
    expect(wallet.state.asked).to.deep.equal([]);

    // the approval rejected in the wallet: said so, nothing sent, the button usable again
    wallet.state.rejectNext = true;
    await offerEl.locator("button.accept").click();
    await page.waitForSelector('#status .notice[data-kind="error"]', { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).to.equal("You rejected the request in your wallet. Nothing was signed or sent.");
    expect(await c.nonce(buyer)).to.equal(nonce0);
    expect(await c.allowance(buyer)).to.equal(0n);
    expect(wallet.state.asked).to.deep.equal(["eth_sendTransaction"]);
    expect(await offerEl.locator("button.accept").isEnabled()).to.equal(true);

    // two clicks in a row (the second while the first waits on the wallet): one approval, one acceptance
    await offerEl.locator("button.accept").evaluate((b: HTMLButtonElement) => {
      b.click();
      b.click();
    });
    await page.waitForSelector('#status .notice:is([data-kind="ok"], [data-kind="error"])', { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).to.match(new RegExp(`^Licence granted for 15 mUSD \\(token ${usd}\\) \\(transaction 0x[0-9a-f]{8}…[0-9a-f]{6}\\)\\.$`));

    // the chain's word: licensed, exactly price + advance moved from the wallet to the contract, no allowance left, two transactions
    expect(await c.licensed(buyer)).to.equal(true);
    expect(balance0 - (await c.balance(buyer))).to.equal(DUE);
    expect(await c.balance(licensing)).to.equal(DUE);
    expect(await c.allowance(buyer)).to.equal(0n);
    expect((await c.nonce(buyer)) - nonce0).to.equal(2);
    // the wallet was asked for the rejected approval, then one approval and one acceptance: the second click asked nothing
    expect(wallet.state.asked).to.deep.equal(["eth_sendTransaction", "eth_sendTransaction", "eth_sendTransaction"]);
    const grants = await c.client.getContractEvents({ address: licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId }, fromBlock: 0n });
    expect(grants.map((g) => [g.args.licensee, g.args.currency, g.args.price])).to.deep.equal([[buyer, usd, PRICE + ADVANCE]]);

    // the licence, its amounts in mUSD
    await page.waitForSelector(".licence", { timeout: 60_000 });
    expect(await page.locator(".licence .licence-status").textContent()).to.contain("active — valid now");
    expect(await page.locator(".licence .advance").textContent()).to.equal(`Advance remaining: ${u("2.5")} of ${u("2.5")} still to recoup against royalties`);

    // a usage report of 300 units: 3 mUSD of unit royalty, 2.5 of it recouped from the advance, so
    // 0.5 mUSD due (written out here): the page approves it, then reports; the chain's word after
    await report300(page, c, buyer, 2);
    expect(await page.locator(".licence .advance").textContent()).to.equal(`Advance remaining: ${u("0")} of ${u("2.5")} still to recoup against royalties`);
    await page.screenshot({ path: path.join(SHOTS, "pattern-erc20.png"), fullPage: true });
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it("a wallet with too few mUSD is told in words, before its wallet is asked anything; topped up, a rejected acceptance keeps its approval and the next click only accepts", async () => {
    const { page, errors, wallet, buyer } = await walletPage(9);
    const c = chain();
    await mint(buyer, 5_000_000n); // 5 mUSD of the 15 due
    await page.goto(`${stack.urls.web}/#/pattern/${tokenHex}`);
    const offerEl = page.locator(`.offer[data-offer="${offerId}"]`);
    await offerEl.waitFor({ timeout: 60_000 });
    await page.click("#connect");
    await page.waitForSelector("#account");
    const nonce0 = await c.nonce(buyer);
    // a request to sign or send would use up this rejection: it must still be pending afterwards
    wallet.state.rejectNext = true;
    await offerEl.locator("button.accept").click();
    await page.waitForSelector('#status .notice[data-kind="error"]', { timeout: 60_000 });
    const u = (amount: string) => `${amount} mUSD (token ${usd})`;
    expect(await page.locator("#status").textContent()).to.equal(
      `Your wallet ${buyer.slice(0, 10)}…${buyer.slice(-6)} holds ${u("5")}; this licence costs ${u("15")} at acceptance (price ${u("12.5")} plus an advance of ${u("2.5")}), ${u("10")} more than it holds. Nothing was signed or sent.`,
    );
    expect(wallet.state.rejectNext, "the wallet was asked to sign or send").to.equal(true);
    expect(wallet.state.asked).to.deep.equal([]);
    expect(await c.nonce(buyer)).to.equal(nonce0);
    expect(await c.balance(buyer)).to.equal(5_000_000n);
    expect(await c.allowance(buyer)).to.equal(0n);
    expect(await c.licensed(buyer)).to.equal(false);
    expect(await offerEl.locator("button.accept").isEnabled()).to.equal(true);

    // topped up to the 15 due: the approval goes through, the acceptance is rejected in the wallet
    await mint(buyer, 10_000_000n);
    wallet.state.rejectNext = false;
    wallet.state.rejectAsk = 1;
    await offerEl.locator("button.accept").click();
    await page.waitForSelector('#status .notice[data-kind="error"]', { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).to.match(
      new RegExp(`^The acceptance was not made: You rejected the request in your wallet\\. Nothing was signed or sent\\. Your approval of 15 mUSD \\(token ${usd}\\) \\(transaction 0x[0-9a-f]{8}…[0-9a-f]{6}\\) stands: Sign and accept again asks only for the acceptance\\.$`),
    );
    expect(wallet.state.asked).to.deep.equal(["eth_sendTransaction", "eth_sendTransaction"]);
    expect(await c.allowance(buyer)).to.equal(DUE);
    expect((await c.nonce(buyer)) - nonce0).to.equal(1);
    expect(await c.licensed(buyer)).to.equal(false);
    // again: the allowance suffices, only the acceptance is asked for
    await offerEl.locator("button.accept").click();
    await page.waitForSelector('#status .notice:is([data-kind="ok"], [data-kind="error"])', { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).to.match(/^Licence granted for 15 mUSD/);
    expect(wallet.state.asked).to.have.length(3);
    expect(await c.licensed(buyer)).to.equal(true);
    expect(await c.balance(buyer)).to.equal(0n);
    expect(await c.allowance(buyer)).to.equal(0n);
    expect((await c.nonce(buyer)) - nonce0).to.equal(2);
    expect(errors).to.deep.equal([]);
    await page.close();
  });

  it("a token that changes an allowance only through zero (USDT's rule) with some allowance left: zeroed, approved, accepted; a usage report the same; a token without the rule asks one approval", async () => {
    const zusd = getAddress((await stack.connection.viem.deployContract("ZeroFirstStablecoin")).address);
    const zOffer = await publish(zusd);
    const { page, errors, wallet, buyer } = await walletPage(10);
    // the same account outside the page, to leave an allowance behind as an earlier dapp would have
    const own = (await stack.connection.viem.getWalletClients())[10]!;
    expect(getAddress(own.account.address)).to.equal(buyer);
    const c = chain(zusd);
    const leave = async (token: Address, amount: bigint) => {
      await c.client.waitForTransactionReceipt({ hash: await own.writeContract({ address: token, abi: erc20Abi, functionName: "approve", args: [licensing, amount] }) });
      expect(await chain(token).allowance(buyer)).to.equal(amount);
    };
    await mint(buyer, 20_000_000n, zusd);
    await leave(zusd, 1_000_000n); // 1 zUSD left approved
    // the oracle that the token keeps the rule: approving the 15 due over the 1 left reverts
    const refused = await c.client.simulateContract({ account: buyer, address: zusd, abi: erc20Abi, functionName: "approve", args: [licensing, DUE] }).then(() => "accepted", (e: Error) => e.message);
    expect(refused).to.contain("ApproveFromNonZero");

    await page.goto(`${stack.urls.web}/#/pattern/${tokenHex}`);
    const offerEl = page.locator(`.offer[data-offer="${zOffer}"]`);
    await offerEl.waitFor({ timeout: 60_000 });
    await page.click("#connect");
    await page.waitForSelector("#account");
    const [balance0, nonce0] = await Promise.all([c.balance(buyer), c.nonce(buyer)]);
    await offerEl.locator("button.accept").click();
    await page.waitForSelector('#status .notice:is([data-kind="ok"], [data-kind="error"])', { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).to.match(new RegExp(`^Licence granted for 15 zUSD \\(token ${zusd}\\)`));
    // the chain's word: licensed, exactly price + advance paid, nothing left approved, three transactions (zero, approve, accept)
    expect(await c.licensed(buyer)).to.equal(true);
    expect(balance0 - (await c.balance(buyer))).to.equal(DUE);
    expect(await c.allowance(buyer)).to.equal(0n);
    expect((await c.nonce(buyer)) - nonce0).to.equal(3);
    expect(wallet.state.asked).to.deep.equal(["eth_sendTransaction", "eth_sendTransaction", "eth_sendTransaction"]);

    // a usage report owing 0.5 zUSD with 0.1 zUSD left approved: zeroed, approved, reported
    await page.waitForSelector(".licence", { timeout: 60_000 });
    await leave(zusd, 100_000n);
    await report300(page, c, buyer, 3);

    // mUSD (no such rule) with 1 mUSD left approved: one approval over it, then the acceptance
    const m = chain(usd);
    await mint(buyer, 15_000_000n);
    await leave(usd, 1_000_000n);
    const [mBalance, mNonce, asked] = [await m.balance(buyer), await m.nonce(buyer), wallet.state.asked.length];
    await page.locator(`.offer[data-offer="${offerId}"] button.accept`).click();
    await page.waitForFunction(() => /^Licence granted for 15 mUSD/.test(document.querySelector("#status")?.textContent ?? "") || document.querySelector('#status .notice[data-kind="error"]') !== null, undefined, { timeout: 60_000 });
    expect(await page.locator("#status").textContent()).to.match(/^Licence granted for 15 mUSD/);
    expect(mBalance - (await m.balance(buyer))).to.equal(DUE);
    expect(await m.allowance(buyer)).to.equal(0n);
    expect((await m.nonce(buyer)) - mNonce).to.equal(2);
    expect(wallet.state.asked.length - asked).to.equal(2);
    expect(errors).to.deep.equal([]);
    await page.close();
  });
});
