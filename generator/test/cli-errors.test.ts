import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, getAddress, http, keccak256, parseEther, toHex, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { buildApi } from "../src/api/server.js";
import { EmbeddedIpfs } from "../src/ipfs/embedded.js";
import { runPipeline } from "../src/pipeline.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { licenseTerms, EU_MEMBERS, LicenseFlags, type Offer, motifActions, motifLicensingAbi, regionMask } from "@motif/sdk";
import { runCli } from "../../test/ts/helpers/cli.js";
import { ATTESTER_KEY, remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

const LICENSEE_KEY = "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6"; // Hardhat account #3

/** What a person reads: no raw 60+ digit decimal (hex ids are fine), none of viem's boilerplate. */
function expectWords(text: string) {
  expect(text.replace(/0x[0-9a-fA-F]+/g, "0x…"), text).to.not.match(/\d{60,}/);
  expect(text, text).to.not.match(/viem@|Docs: |Version: |Contract Call:|Request Arguments:/);
}

describe("CLI and API errors in words: hex ids and region codes, never raw custom errors", function () {
  this.timeout(180_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let dir: string;
  before(async () => {
    chain = await remoteChainWithMotif();
    dir = mkdtempSync(path.join(os.tmpdir(), "motif-cli-errors-"));
  });
  after(async () => {
    await chain?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("motif verify on a token that does not exist says so with its hex id, and is no 'refused transaction'", async () => {
    const missing = 0xdeadbeefn << 200n;
    const hex = `0x${missing.toString(16).padStart(64, "0")}`;
    for (const id of [hex, missing.toString()]) {
      const r = await runCli({ ...chain.env, MOTIF_LICENSING: chain.record.contracts.MotifLicensing }, "verify", id);
      expect(r.code, r.output).to.equal(1);
      expectWords(r.output);
      expect(r.stderr).to.contain(`There is no certificate ${hex}`);
      expect(r.stderr).to.not.contain(missing.toString());
      expect(r.stderr).to.not.match(/refused the transaction/i);
    }
  });

  it("motif dataset export refuses with the pattern's hex id and the region's code", async () => {
    const store = new EmbeddedIpfs(path.join(dir, "ipfs"));
    const publicClient = createPublicClient({ transport: http(chain.url) });
    const generator = createWalletClient({ account: privateKeyToAccount(ATTESTER_KEY), transport: http(chain.url) });
    const licensee = createWalletClient({ account: privateKeyToAccount(LICENSEE_KEY), transport: http(chain.url) });
    const addresses = { certificate: chain.record.contracts.MotifCertificate, registry: chain.record.contracts.MotifModelRegistry, licensing: chain.record.contracts.MotifLicensing };
    const r = await runPipeline(
      {
        store,
        index: PdqIndex.build([]),
        attester: { signer: generator.account, chainId: 31337, certificate: addresses.certificate },
        minter: { wallet: generator, publicClient: publicClient as never, certificate: addresses.certificate },
        modelIds: { weld: 1 },
        creator: getAddress(generator.account.address),
        royaltyBps: 500,
        attestationTtl: 3600,
        generator: { name: "g", version: "1" },
      },
      { model: "weld", seed: 77n, params: { scale: 2, sharpness: 5 }, width: 64, height: 64 },
    );
    if (r.status !== "minted") throw new Error(r.status);
    const tokenId = BigInt(r.rendered.contentDigest);
    const hex = `0x${tokenId.toString(16).padStart(64, "0")}`;
    const owner = generator.extend(motifActions({ addresses }));
    const now = Number((await publicClient.getBlock()).timestamp);
    const offer: Offer = {
      terms: licenseTerms({ tokenId, regions: regionMask(EU_MEMBERS), flags: LicenseFlags.COMMERCIAL | LicenseFlags.AI_TRAINING, currency: zeroAddress, unitRoyalty: 0n, unitCap: 0n, renewalPrice: 0n, termsDigest: keccak256(toHex("terms")), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 365 * 86400 },
      pricing: { price: parseEther("0.01"), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: 5,
      deadline: now + 86400,
      nonce: 0n,
      licensee: zeroAddress,
    };
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await owner.publishOffer({ offer }) });
    const [published] = await publicClient.getContractEvents({ address: addresses.licensing, abi: motifLicensingAbi, eventName: "OfferPublished", fromBlock: receipt.blockNumber, toBlock: receipt.blockNumber });
    await publicClient.waitForTransactionReceipt({ hash: await licensee.extend(motifActions({ addresses })).acceptOffer({ offerId: published!.args.offerId!, maxPrice: parseEther("0.01") }) });

    const env = { ...chain.env, MOTIF_LICENSING: addresses.licensing };
    // licensed in the EU, asked for the United States: the licence's id in hex, the region by its code
    const us = await runCli(env, "dataset", "export", "--licensee", licensee.account.address, "--region", "US", "--tokens", hex, "--out", path.join(dir, "us.car"), "--store", path.join(dir, "ipfs"));
    expect(us.code, us.output).to.equal(1);
    expectWords(us.output);
    expect(us.stderr).to.contain(hex);
    expect(us.stderr).to.match(/Licence 0x[0-9a-f]{64} does not cover United States \(US\)/);
    expect(us.stderr).to.contain("MotifLicensingRegionNotAllowed");
    expect(us.stderr).to.not.match(/refused the transaction/i);
    // someone holding no licence at all
    const stranger = await runCli(env, "dataset", "export", "--licensee", generator.account.address, "--region", "FR", "--tokens", hex, "--out", path.join(dir, "fr.car"), "--store", path.join(dir, "ipfs"));
    expect(stranger.code, stranger.output).to.equal(1);
    expectWords(stranger.output);
    expect(stranger.stderr).to.contain(`holds no licence for certificate ${hex}`);
  });

  it("the API answers a contract's refusal with its reason in words (409 contract_refused), not 'internal error'", async () => {
    const publicClient = createPublicClient({ transport: http(chain.url) });
    const generator = createWalletClient({ account: privateKeyToAccount(ATTESTER_KEY), transport: http(chain.url) });
    const certificate = chain.record.contracts.MotifCertificate;
    // two generator services with their own screening index: the second mints content the chain already has
    const service = async () =>
      buildApi({
        keys: [{ key: "k", name: "Studio", tier: "studio", requestsPerMinute: 1000, maxPixelsPerRequest: 1 << 20 }],
        pipeline: {
          store: new EmbeddedIpfs(mkdtempSync(path.join(dir, "api-"))),
          index: PdqIndex.build([]),
          attester: { signer: generator.account, chainId: 31337, certificate },
          minter: { wallet: generator, publicClient: publicClient as never, certificate },
          modelIds: { weld: 1 },
          creator: getAddress(generator.account.address),
          royaltyBps: 500,
          attestationTtl: 3600,
          generator: { name: "g", version: "1" },
        },
      });
    const body = { model: "weld", seed: "91", params: { scale: 2, sharpness: 5 }, width: 64, height: 64, mint: true };
    const first = await (await service()).inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": "k" }, payload: body });
    expect(first.statusCode, first.body).to.equal(201);
    const hex = `0x${BigInt(first.json().contentDigest).toString(16).padStart(64, "0")}`;
    const again = await (await service()).inject({ method: "POST", url: "/v1/patterns", headers: { "x-api-key": "k" }, payload: body });
    expect(again.statusCode, again.body).to.equal(409);
    const refusal = again.json() as { error: string; errorName: string; message: string };
    expect(refusal.error).to.equal("contract_refused");
    expectWords(refusal.message);
    expect(refusal.message).to.contain(hex.slice(2));
    expect(refusal.message).to.contain(refusal.errorName);
  });
});
