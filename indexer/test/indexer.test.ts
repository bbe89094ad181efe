import { expect } from "chai";
import { createServer as createHttpServer } from "node:http";
import { type AddressInfo, createConnection } from "node:net";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Address, getAddress, keccak256, parseEther, toHex, zeroAddress } from "viem";

import { IndexerError, LicenseFlags, REGION_COUNT, type Offer, getCertificateHistory, getGallery, listPatterns, licenseTerms, motifCertificateAbi, motifLicensingAbi, regionBit, regionMask } from "@motif/sdk";
import { startIndexer, type RunningIndexer } from "../launch.mjs";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";
import { startPostgres } from "../../test/ts/helpers/postgres.js";
import { mintedSignals } from "../../generator/src/screen/from-chain.js";

/**
 * The indexer against a chain reached over JSON-RPC: what it serves is checked against the chain's
 * own logs (read with viem, not through the indexer), and a reorg, a bad query and a stop are tried.
 */
describe("indexer (Ponder on PGlite): gallery, pattern history, reorgs, stop", function () {
  this.timeout(240_000);
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let indexer: RunningIndexer;
  let stateDir: string;
  const port = 42_100 + (process.pid % 500);
  const hex = (s: string) => keccak256(toHex(s));
  let now = 0;

  const rpc = (method: string, params: unknown[] = []) =>
    fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) }).then(async (r) => ((await r.json()) as { result: unknown }).result);

  async function mint(tag: string, creator: Address, modelId = 1) {
    const { deployed } = chain;
    const generator = deployed.wallets[1]!;
    const lineage = { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: creator, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: generator.account }));
    return BigInt(lineage.contentDigest);
  }

  function offer(tokenId: bigint, regions: readonly string[], exclusive: boolean, price: string): Offer {
    return {
      terms: licenseTerms({ tokenId, regions: regionMask(regions), flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0), currency: zeroAddress, termsDigest: hex("legal"), termsCodec: 0x55 }),
      window: { start: 0, end: 0, duration: 30 * 86_400 },
      pricing: { price: parseEther(price), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: exclusive ? 1 : 5,
      deadline: now + 7 * 86_400,
      nonce: 0n,
      licensee: zeroAddress,
    };
  }

  const until = async (what: string, check: () => Promise<boolean>, ms = 20_000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await check()) return Date.now();
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`${what}: not within ${ms} ms\n${indexer.log().slice(-2_000)}`);
  };

  let studio: Address, other: Address, licensee: Address;
  const patterns: bigint[] = [];
  let recipeId: bigint;

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld", "indigo"] });
    const { deployed } = chain;
    const [, , s, o, l] = deployed.motif;
    studio = getAddress(s!.account.address);
    other = getAddress(o!.account.address);
    licensee = getAddress(l!.account.address);
    now = Number((await deployed.publicClient.getBlock()).timestamp);
    for (let i = 0; i < 5; i++) patterns.push(await mint(`studio-${i}`, studio, 1));
    for (let i = 0; i < 2; i++) patterns.push(await mint(`other-${i}`, other, 2));
    await deployed.wait(await s!.mintRecipe({ modelId: 1, recipeDigest: hex("recipe"), metadataDigest: hex("meta-recipe"), metadataCodec: 0x55, royaltyBps: 0, shareBps: 100 }));
    recipeId = await deployed.publicClient.readContract({ address: deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "recipeIdOf", args: [studio, hex("recipe")] });
    // offers: pattern 0 exclusive in FR, pattern 1 non-exclusive in DE+FR, pattern 2 in JP (cancelled)
    await deployed.wait(await s!.publishOffer({ offer: offer(patterns[0]!, ["FR"], true, "1") }));
    await deployed.wait(await s!.publishOffer({ offer: offer(patterns[1]!, ["DE", "FR"], false, "0.2") }));
    await deployed.wait(await s!.publishOffer({ offer: offer(patterns[2]!, ["JP"], false, "0.1") }));
    await deployed.wait(await deployed.licensing.write.cancelOffer([3n], { account: s!.account }));
    // a licence on pattern 1 (twice: most licensed)
    await deployed.wait(await l!.acceptOffer({ offerId: 2n, maxPrice: parseEther("0.2") }));
    await deployed.wait(await o!.acceptOffer({ offerId: 2n, maxPrice: parseEther("0.2") }));
    // Ponder keeps the last 30 blocks unfinalised: mine past them one block at a time
    for (let i = 0; i < 32; i++) await rpc("evm_mine");
    stateDir = mkdtempSync(path.join(tmpdir(), "motif-indexer-"));
    indexer = await startIndexer({
      rpcUrl: chain.url,
      chainId: 31337,
      startBlock: chain.record.startBlock,
      addresses: deployed.addresses,
      stateDir,
      port,
      pollingMs: 200,
    });
    await indexer.ready(180_000);
  });

  after(async () => {
    await indexer?.stop();
    await chain?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("lists every certificate the chain minted, newest first, in pages that add up", async () => {
    const mints = await chain.deployed.publicClient.getContractEvents({ address: chain.deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n });
    const chainIds = mints.map((m) => m.args.tokenId!);
    const all = await getGallery({ indexer: indexer.url, kind: "pattern", pageSize: 100 });
    expect(all.total).to.equal(chainIds.length);
    expect(all.items.map((c) => c.tokenId)).to.deep.equal([...chainIds].reverse());
    const p1 = await getGallery({ indexer: indexer.url, kind: "pattern", pageSize: 3, page: 1 });
    const p2 = await getGallery({ indexer: indexer.url, kind: "pattern", pageSize: 3, page: 2 });
    const p3 = await getGallery({ indexer: indexer.url, kind: "pattern", pageSize: 3, page: 3 });
    expect([...p1.items, ...p2.items, ...p3.items].map((c) => c.tokenId)).to.deep.equal(all.items.map((c) => c.tokenId));
    const byMint = new Map(mints.map((m) => [m.args.tokenId!, m]));
    for (const c of all.items) {
      const m = byMint.get(c.tokenId)!;
      expect(c.mintBlock).to.equal(m.blockNumber);
      expect(c.creator).to.equal(getAddress(m.args.creator!));
      expect(c.pdqHash).to.equal(m.args.pdqHash);
      expect(c.owner.toLowerCase()).to.equal(
        (await chain.deployed.publicClient.readContract({ address: chain.deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "ownerOf", args: [c.tokenId] })).toLowerCase(),
      );
    }
  });

  it("filters by creator, model and kind, and sorts by licences granted", async () => {
    const byOther = await getGallery({ indexer: indexer.url, creator: other });
    expect(byOther.items.map((c) => c.tokenId).sort()).to.deep.equal(patterns.slice(5).sort());
    const model2 = await getGallery({ indexer: indexer.url, modelId: 2 });
    expect(model2.total).to.equal(2);
    const recipes = await getGallery({ indexer: indexer.url, kind: "recipe" });
    expect(recipes.items.map((c) => [c.tokenId, c.kind, c.creator])).to.deep.equal([[recipeId, "recipe", studio]]);
    const most = await getGallery({ indexer: indexer.url, sort: "most-licensed", pageSize: 1 });
    expect(most.items[0]!.tokenId).to.equal(patterns[1]);
    expect(most.items[0]!.licenceCount).to.equal(2);
  });

  it("finds what is licensable in a region for given dates, and where an exclusive is still possible", async () => {
    const fr = regionBit("FR");
    const inFr = await getGallery({ indexer: indexer.url, region: fr, from: now + 86_400, to: now + 10 * 86_400 });
    expect(inFr.items.map((c) => c.tokenId).sort()).to.deep.equal([patterns[0]!, patterns[1]!].sort());
    // longer than the 30-day window: nothing
    expect((await getGallery({ indexer: indexer.url, region: fr, from: now + 86_400, to: now + 40 * 86_400 })).total).to.equal(0);
    // the JP offer was cancelled
    expect((await getGallery({ indexer: indexer.url, region: regionBit("JP") })).total).to.equal(0);
    expect((await getGallery({ indexer: indexer.url, exclusiveIn: fr })).items.map((c) => c.tokenId)).to.deep.equal([patterns[0]]);
    expect((await getGallery({ indexer: indexer.url, maxPrice: parseEther("0.5") })).items.map((c) => c.tokenId)).to.deep.equal([patterns[1]]);
  });

  it("tests every region bit of a mask as the mask says (each of the 249 regions asked for, one offer naming 64 of them)", async () => {
    const [, , s] = chain.deployed.motif;
    const tokenId = await mint("every-region", studio);
    // 64 regions by a fixed linear congruential walk, plus both ends of the table and a nibble's edges
    const chosen = new Set<number>([0, 3, 4, 7, 8, REGION_COUNT - 1]);
    for (let x = 17; chosen.size < 64; ) chosen.add((x = (x * 73 + 41) % 251) % REGION_COUNT);
    const mask = [...chosen].reduce((m, r) => m | (1n << BigInt(r)), 0n);
    const o = offer(tokenId, [], false, "0.01");
    await chain.deployed.wait(await s!.publishOffer({ offer: { ...o, terms: { ...o.terms, regions: mask } } }));
    await until("the offer indexed", async () => ((await getCertificateHistory({ indexer: indexer.url, tokenId }).catch(() => undefined))?.offers.length ?? 0) === 1);
    const listed: number[] = [];
    for (let r = 0; r < REGION_COUNT; r++) {
      const page = await getGallery({ indexer: indexer.url, region: r, creator: studio, pageSize: 100 });
      if (page.items.some((c) => c.tokenId === tokenId)) listed.push(r);
    }
    // the oracle: the regions chosen above, not the SQL bit test under test
    expect(listed).to.deep.equal([...chosen].sort((a, b) => a - b));
  });

  it("shows a pattern's licences as the chain granted them", async () => {
    const granted = await chain.deployed.publicClient.getContractEvents({ address: chain.deployed.addresses.licensing, abi: motifLicensingAbi, eventName: "LicenseGranted", args: { tokenId: patterns[1]! }, fromBlock: 0n });
    const history = await getCertificateHistory({ indexer: indexer.url, tokenId: patterns[1]! });
    expect(history.licences.map((l) => [l.licenseId, l.licensee, l.start, l.end, l.price])).to.deep.equal(
      granted.map((g) => [g.args.licenseId, getAddress(g.args.licensee!), g.args.start, g.args.end, g.args.price]),
    );
    expect(history.licences.every((l) => l.status === "active" && !l.exclusive && l.regions === regionMask(["DE", "FR"]))).to.equal(true);
    expect(history.offers.map((o) => [o.offerId, o.uses])).to.deep.equal([[2n, 2]]);
    expect(granted.map((g) => getAddress(g.args.licensee!))).to.include(licensee);
  });

  it("stores an offer open to anyone whole (uint32 maxUses 2^32 − 1, past a 4-byte column) and keeps indexing after it", async () => {
    const [, , s] = chain.deployed.motif;
    const tokenId = await mint("open-to-all", studio);
    await chain.deployed.wait(await s!.publishOffer({ offer: { ...offer(tokenId, ["NO"], false, "0.01"), maxUses: 2 ** 32 - 1 } }));
    const later = await mint("after-open-to-all", studio);
    await until("the offer and the next certificate indexed", async () => {
      const h = await getCertificateHistory({ indexer: indexer.url, tokenId }).catch(() => undefined);
      return h !== undefined && h.offers.length === 1 && (await getGallery({ indexer: indexer.url, creator: studio, pageSize: 100 })).items.some((c) => c.tokenId === later);
    });
    expect((await getCertificateHistory({ indexer: indexer.url, tokenId })).offers.map((o) => o.maxUses)).to.deep.equal([2 ** 32 - 1]);
  });

  it("lists every pattern's hashes up to a block, in pages; the chain's blocks after it complete the set exactly (screening, dataset export)", async () => {
    const { publicClient, addresses } = chain.deployed;
    // the oracle: the chain's own CertificateMinted logs, read with viem
    const logs = await publicClient.getContractEvents({ address: addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: 0n });
    const minted = logs.map((l) => ({ block: l.blockNumber, tokenId: l.args.tokenId!, pdq: l.args.pdqHash!, tile: l.args.tileHash! }));
    const byBlock = (a: { block: bigint; tokenId: bigint }, b: { block: bigint; tokenId: bigint }) => (a.block === b.block ? (a.tokenId < b.tokenId ? -1 : 1) : a.block < b.block ? -1 : 1);
    minted.sort(byBlock);
    const { items, upTo } = await listPatterns({ indexer: indexer.url, pageSize: 2 });
    expect(items.map((i) => ({ block: i.mintBlock, tokenId: i.tokenId, pdq: i.pdqHash, tile: i.tileHash }))).to.deep.equal(minted.filter((m) => m.block <= upTo));
    // an index that answers for an earlier block (as one trailing the head does): a stub in front of
    // it pins upTo to the third pattern's block; mintedSignals reads the rest from the chain
    const pinned = minted[2]!.block;
    const stub = createHttpServer(async (req, res) => {
      const url = new URL(req.url!, indexer.url);
      if (url.pathname === "/v1/patterns" && !url.searchParams.has("upTo")) url.searchParams.set("upTo", String(pinned));
      const r = await fetch(url);
      res.writeHead(r.status, { "content-type": "application/json" });
      res.end(await r.text());
    });
    await new Promise<void>((resolve) => stub.listen(0, "127.0.0.1", resolve));
    try {
      // no reorg margin here (this chain is shorter than the default 128 blocks): the index's part and the chain's meet at upTo
      const viaStub = await mintedSignals({ publicClient, certificate: addresses.certificate, fromBlock: BigInt(chain.record.startBlock), indexer: `http://127.0.0.1:${(stub.address() as AddressInfo).port}`, reorgDepth: 0n });
      expect([viaStub.source, viaStub.upTo]).to.deep.equal(["indexer", pinned]);
      expect(viaStub.tokenIds).to.deep.equal(minted.map((m) => m.tokenId));
      expect(viaStub.pdq.map((e) => `0x${e.hash}`)).to.deep.equal(minted.map((m) => m.pdq));
    } finally {
      await new Promise<void>((resolve) => stub.close(() => resolve()));
    }
    // no indexer there: the chain, and the reason in words
    const fallback = await mintedSignals({ publicClient, certificate: addresses.certificate, fromBlock: BigInt(chain.record.startBlock), indexer: "http://127.0.0.1:1" });
    expect(fallback.source).to.equal("chain");
    expect(fallback.fallback).to.match(/the indexer at http:\/\/127\.0\.0\.1:1 did not answer/);
    expect(fallback.tokenIds).to.deep.equal(minted.map((m) => m.tokenId));
    // a block the index has not reached is refused, not answered short
    const early = await listPatterns({ indexer: indexer.url, upTo: upTo + 1_000n }).catch((e: unknown) => e);
    expect(early).to.be.instanceOf(IndexerError);
    expect((early as Error).message).to.match(/past the block the index has reached/);
  });

  it("refuses a bad query in words, naming the field and its range", async () => {
    const error = await getGallery({ indexer: indexer.url, region: 400 }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(IndexerError);
    expect((error as IndexerError).status).to.equal(400);
    expect((error as Error).message).to.match(/region must be a whole number from 0 to 248; got "400"/);
    const sort = await fetch(`${indexer.url}/v1/gallery?sort=cheapest`);
    expect(sort.status).to.equal(400);
    expect(((await sort.json()) as { message: string }).message).to.match(/sort must be one of newest, oldest, most-licensed, recently-licensed/);
  });

  it("drops a certificate whose block a reorg removed", async () => {
    const totals = async () => Promise.all([{}, { kind: "pattern" as const }, { creator: studio }, { kind: "pattern" as const, modelId: 1 }].map(async (q) => (await getGallery({ indexer: indexer.url, ...q })).total));
    const before = await totals();
    const snapshot = await rpc("evm_snapshot");
    const tokenId = await mint("reorged", studio);
    await until("the new certificate indexed", async () => (await getGallery({ indexer: indexer.url, creator: studio, pageSize: 100 })).items.some((c) => c.tokenId === tokenId));
    expect(await totals()).to.deep.equal(before.map((n) => n + 1));
    const reverted = Date.now();
    expect(await rpc("evm_revert", [snapshot])).to.equal(true);
    for (let i = 0; i < 3; i++) await rpc("evm_mine");
    const gone = await until("the reverted certificate left the index", async () => !(await getGallery({ indexer: indexer.url, creator: studio, pageSize: 100 })).items.some((c) => c.tokenId === tokenId));
    // the running counts behind the totals are undone with it
    expect(await totals()).to.deep.equal(before);
    console.log(`      reorg handled ${gone - reverted} ms after evm_revert`);
  });

  it("on PostgreSQL (DATABASE_URL, as in production): the same answers as on the embedded PGlite", async () => {
    const pg = await startPostgres();
    const pgDir = mkdtempSync(path.join(tmpdir(), "motif-indexer-pg-"));
    const onPg = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: chain.record.startBlock, addresses: chain.deployed.addresses, stateDir: pgDir, port: 0, pollingMs: 200, databaseUrl: pg.url });
    try {
      await onPg.ready(180_000);
      const queries = [{ pageSize: 100 }, { kind: "recipe" as const }, { creator: other }, { sort: "most-licensed" as const }, { region: regionBit("FR"), from: now + 86_400, to: now + 10 * 86_400 }, { exclusiveIn: regionBit("FR") }];
      for (const q of queries) {
        const [a, b] = await Promise.all([getGallery({ indexer: indexer.url, ...q }), getGallery({ indexer: onPg.url, ...q })]);
        expect(b.items, JSON.stringify(q)).to.deep.equal(a.items);
        expect(b.total).to.equal(a.total);
      }
      const [ha, hb] = await Promise.all([getCertificateHistory({ indexer: indexer.url, tokenId: patterns[1]! }), getCertificateHistory({ indexer: onPg.url, tokenId: patterns[1]! })]);
      expect(hb.licences).to.deep.equal(ha.licences);
      // the tables are in PostgreSQL, not in a PGlite folder
      expect(readdirSync(pgDir)).to.not.include("pglite");
    } finally {
      await onPg.stop();
      await pg.stop();
      rmSync(pgDir, { recursive: true, force: true });
    }
  });

  it("stops on SIGTERM with exit code 0 and leaves its port free", async () => {
    await indexer.stop();
    const { code } = await indexer.exited;
    expect(code).to.equal(0);
    const bound = await new Promise<boolean>((resolve) => {
      const socket = createConnection({ port, host: "127.0.0.1" }, () => (socket.destroy(), resolve(true)));
      socket.on("error", () => resolve(false));
    });
    expect(bound, `port ${port} still bound`).to.equal(false);
  });
});
