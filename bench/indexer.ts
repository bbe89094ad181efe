/**
 * The indexer at scale (part of `npm run bench`): a chain reached over JSON-RPC (an EDR node on
 * loopback) holding N certificates (minted by the attester with `mintBatch`, 100 a transaction) and
 * N licences (on-chain offers on every tenth certificate, accepted from a pool of licensees), then
 * the indexer (Ponder on PGlite, `startIndexer`) started on it from an empty index:
 * - catch-up: Motif events per second from start to `/ready` (backfill done), the seconds it took,
 *   the start-up overhead (start to `/health`) and the PGlite folder's size after catch-up;
 * - query latency through the HTTP API at that scale, p50 and p99 of sequential requests: the
 *   gallery's first page, a region/date availability filter, the most-licensed sort and a pattern
 *   page's licences (goal p99 ≤ 50 ms each on the embedded database).
 * `MOTIF_BENCH_INDEXER_N` sets N (default 100,000; 2,000 checks the script in about a minute),
 * `MOTIF_BENCH_INDEXER_REQUESTS` the requests per query (default 200). For tuning, `MOTIF_BENCH_HOLD=1`
 * keeps the chain after the run: each SIGUSR2 restarts the indexer with the code as it is now (a new
 * database schema, re-indexed from Ponder's RPC cache) and prints the queries' timings again.
 *
 * Blocks are mined one `evm_mine` at a time with automine off, each holding as many transactions as
 * its 60 M gas takes (about 9 batches of 100 mints or 600 acceptances): `hardhat_mine` of 4+ blocks
 * leaves zero parent hashes that Ponder's realtime sync refuses. 32 empty blocks at the end put
 * every event past Ponder's 30-block finality window, so the backfill covers them all.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { type Abi, type Address, type Hex, encodeFunctionData, getAddress, keccak256, parseEther, toEventSelector, toHex, zeroAddress } from "viem";

import { LicenseFlags, type Offer, getCertificateHistory, getGallery, licenseTerms, motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi, regionBit, regionMask } from "@motif/sdk";
import { startIndexer, type RunningIndexer } from "@motif/indexer/launch";
import { remoteChainWithMotif } from "../test/ts/helpers/remote-chain.js";
import { BenchReport } from "./lib/report.js";

const N = Number(process.env.MOTIF_BENCH_INDEXER_N ?? 100_000);
const REQUESTS = Number(process.env.MOTIF_BENCH_INDEXER_REQUESTS ?? 200);
if (!Number.isInteger(N) || N < 1_000 || N % 100 !== 0) throw new Error(`MOTIF_BENCH_INDEXER_N must be a multiple of 100, at least 1,000; got ${process.env.MOTIF_BENCH_INDEXER_N}`);
const scale = N.toLocaleString("en-US");
const report = new BenchReport(`Motif indexer (Ponder on PGlite) on a chain of ${scale} certificates and ${scale} licences`);

const DAY = 86_400;
const BATCH = 100; // MotifCertificate.MAX_BATCH
const STUDIOS = 10; // accounts #2..#11 own (and created) the certificates, token i → studio i % 10
const LICENSEES = 200; // impersonated accounts; a licensee takes at most one licence per certificate here (the contract allows 16)
const HOT_LICENCES = LICENSEES; // the "pattern page" certificate: one licence from every licensee
// Transactions sent per block: EDR re-runs its pending transactions on each eth_sendTransaction while
// automine is off, so sending grows with the pool's square; a block's worth at a time (60 M gas) keeps it linear.
const MINTS_PER_BLOCK = 9; // mintBatch of 100: about 6.1 M gas
const OFFERS_PER_BLOCK = 100;
const ACCEPTS_PER_BLOCK = 200; // acceptOffer: about 95 k gas
const REGION_CODES = ["DE", "US", "GB", "JP", "IT", "ES", "BR", "CA", "AU", "IN", "MX", "KR"];
const FR = regionBit("FR");

const hex = (s: string): Hex => keccak256(toHex(s));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const t0 = performance.now();
const progress = (what: string) => console.log(`[${seconds(performance.now() - t0).toFixed(1).padStart(7)} s] ${what}`);

// --- the chain ----------------------------------------------------------------------------------

// one folder for everything this run writes to the temp dir (the index, Ponder's files; TMPDIR for the
// indexer child and anything in this process), removed at the end however the run ends
const runDir = mkdtempSync(path.join(tmpdir(), "motif-bench-indexer-"));
process.env.TMPDIR = runDir;
const buildStart = performance.now();
const chain = await remoteChainWithMotif({ models: ["weld", "indigo"] }).catch((error: unknown) => {
  rmSync(runDir, { recursive: true, force: true });
  throw error;
});
let indexer: RunningIndexer | undefined;
const stateDir = path.join(runDir, "state");

let cleaning: Promise<void> | undefined;
/** Stops the indexer and the chain and removes the run's folder; once, on the way out or on a signal. */
const cleanUp = () =>
  (cleaning ??= (async () => {
    await indexer?.stop();
    await chain.close();
    rmSync(runDir, { recursive: true, force: true });
  })());
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.once(signal, () => void cleanUp().finally(() => process.exit(1)));

type RpcCall = { method: string; params?: unknown[] };
/** JSON-RPC batches of up to 500 calls; any error throws. */
async function rpc<T = unknown>(calls: RpcCall[]): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < calls.length; i += 500) {
    const body = calls.slice(i, i + 500).map((c, j) => ({ jsonrpc: "2.0", id: i + j, method: c.method, params: c.params ?? [] }));
    const response = await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const answers = (await response.json()) as { id: number; result?: T; error?: { message: string } }[];
    answers.sort((a, b) => a.id - b.id);
    for (const a of answers) {
      if (a.error) throw new Error(`${calls[a.id]!.method}: ${a.error.message}`);
      out.push(a.result as T);
    }
  }
  return out;
}
const rpc1 = async <T = unknown>(method: string, params: unknown[] = []) => (await rpc<T>([{ method, params }]))[0]!;
type Tx = { from: Address; to: Address; data: Hex; gas: number; value?: bigint };

let blocksMined = 0;
/** Sends the transactions (automine off), then mines single blocks until every one is in a block. */
async function sendAndMine(txs: Tx[]) {
  const ts = performance.now();
  await rpc(txs.map((t) => ({ method: "eth_sendTransaction", params: [{ from: t.from, to: t.to, data: t.data, gas: toHex(t.gas), ...(t.value ? { value: toHex(t.value) } : {}) }] })));
  let mined = 0;
  if (process.env.MOTIF_BENCH_DEBUG) progress(`    sent ${txs.length} in ${Math.round(performance.now() - ts)} ms`);
  while (mined < txs.length) {
    const tm = performance.now();
    // full blocks raise the base fee 12.5% a block (EIP-1559): hold it at 1 gwei, or fees outgrow the balances
    const [, , count] = await rpc<Hex>([{ method: "hardhat_setNextBlockBaseFeePerGas", params: [toHex(10n ** 9n)] }, { method: "evm_mine" }, { method: "eth_getBlockTransactionCountByNumber", params: ["latest"] }]);
    if (process.env.MOTIF_BENCH_DEBUG) progress(`    mined in ${Math.round(performance.now() - tm)} ms`);
    blocksMined++;
    const n = Number(count);
    if (n === 0) throw new Error(`${txs.length - mined} transaction(s) stayed pending`);
    mined += n;
  }
}

async function build() {
  const { deployed } = chain;
  const generator = getAddress(deployed.wallets[1]!.account.address);
  const studios = deployed.wallets.slice(2, 2 + STUDIOS).map((w) => getAddress(w.account.address));
  const { certificate, licensing } = deployed.addresses;
  await rpc1("evm_setAutomine", [false]);

  // N certificates: 100 per mintBatch, sent by the attester (no signature), about 60 transactions a round
  const tokenIds: bigint[] = [];
  const batches: Tx[] = [];
  for (let b = 0; b < N; b += BATCH) {
    const requests = [];
    for (let i = b; i < b + BATCH; i++) {
      const studio = studios[i % STUDIOS]!;
      const lineage = { contentDigest: hex(`bench-indexer-${i}`), metadataDigest: hex(`meta-${i}`), metadataCodec: 0x55, modelId: i % 3 === 0 ? 2 : 1, seed: BigInt(i), paramsHash: hex(`p-${i}`), pdqHash: hex(`q-${i}`), tileHash: hex(`t-${i}`), creator: studio, recipeId: 0n };
      requests.push({ lineage, to: studio, royaltyBps: 100 + (i % 5) * 50, deadline: 2n ** 40n, signature: "0x" as Hex });
      tokenIds.push(BigInt(lineage.contentDigest));
    }
    batches.push({ from: generator, to: certificate, data: encodeFunctionData({ abi: motifCertificateAbi, functionName: "mintBatch", args: [requests] }), gas: 9_000_000 });
  }
  progress(`deployed; minting ${scale} certificates`);
  for (let i = 0; i < batches.length; i += MINTS_PER_BLOCK) {
    await sendAndMine(batches.slice(i, i + MINTS_PER_BLOCK));
    if ((i / MINTS_PER_BLOCK) % 100 === 99) progress(`  ${((i + MINTS_PER_BLOCK) * BATCH).toLocaleString("en-US")} minted`);
  }
  const mintsDone = performance.now();

  // N/10 on-chain offers, offer k on certificate 10k + k % 10 (its studio's): 5% exclusive (one use), 5% cancelled,
  // the rest open to anyone (maxUses 2^32 - 1); FR in a third of them; a 30-day licence from acceptance or a fixed year
  const now = Number((await deployed.publicClient.getBlock()).timestamp);
  const offers = N / 10;
  const kindOf = (k: number) => (k % 20 === 19 ? "exclusive" : k % 20 === 18 ? "cancelled" : "open");
  const offerToken = (k: number) => tokenIds[10 * k + (k % 10)]!;
  const offerPrice = (k: number) => parseEther("0.001") * BigInt(k % 5);
  const publish: Tx[] = [];
  for (let k = 0; k < offers; k++) {
    const exclusive = kindOf(k) === "exclusive";
    const regions = [REGION_CODES[k % REGION_CODES.length]!, REGION_CODES[(k * 7 + 3) % REGION_CODES.length]!, ...(k % 3 === 0 ? ["FR"] : [])];
    const offer: Offer = {
      terms: licenseTerms({ tokenId: offerToken(k), regions: regionMask(regions), flags: LicenseFlags.COMMERCIAL | (exclusive ? LicenseFlags.EXCLUSIVE : 0), currency: zeroAddress, termsDigest: hex(`terms-${k % 4}`), termsCodec: 0x55 }),
      window: k % 2 === 0 ? { start: 0, end: 0, duration: 30 * DAY } : { start: now, end: now + 365 * DAY, duration: 0 },
      pricing: { price: offerPrice(k), ceiling: 0n, decayWindow: 0, demandCap: 0 },
      maxUses: exclusive ? 1 : 2 ** 32 - 1,
      deadline: now + (k % 7 === 0 ? 20 : 180) * DAY,
      nonce: 0n,
      licensee: zeroAddress,
    };
    publish.push({ from: studios[k % STUDIOS]!, to: licensing, data: encodeFunctionData({ abi: motifLicensingAbi, functionName: "publishOffer", args: [offer] }), gas: 600_000 });
  }
  progress(`publishing ${offers.toLocaleString("en-US")} offers`);
  for (let i = 0; i < publish.length; i += OFFERS_PER_BLOCK) await sendAndMine(publish.slice(i, i + OFFERS_PER_BLOCK));

  // licensees: impersonated, funded
  const licensees = Array.from({ length: LICENSEES }, (_, i) => getAddress(`0x${hex(`bench-licensee-${i}`).slice(26)}`));
  await rpc(licensees.flatMap((a) => [{ method: "hardhat_impersonateAccount", params: [a] }, { method: "hardhat_setBalance", params: [a, toHex(parseEther("1000000"))] }]));

  // N licences: every exclusive offer once, the hot certificate (offer 0) once per licensee, the rest spread evenly
  // over the open offers, licensee (37m + j) % 200 for the j-th acceptance of offer m (distinct per certificate)
  const accept = (k: number, from: Address): Tx => ({ from, to: licensing, data: encodeFunctionData({ abi: motifLicensingAbi, functionName: "acceptOffer", args: [BigInt(k + 1), offerPrice(k)] }), gas: 250_000, value: offerPrice(k) });
  const acceptances: Tx[] = [];
  const cancels: Tx[] = [];
  const open: number[] = [];
  for (let k = 0; k < offers; k++) {
    if (kindOf(k) === "exclusive") acceptances.push(accept(k, licensees[k % LICENSEES]!));
    else if (kindOf(k) === "cancelled") cancels.push({ from: studios[k % STUDIOS]!, to: licensing, data: encodeFunctionData({ abi: motifLicensingAbi, functionName: "cancelOffer", args: [BigInt(k + 1)] }), gas: 100_000 });
    else if (k !== 0) open.push(k);
  }
  for (const a of licensees.slice(0, HOT_LICENCES)) acceptances.push(accept(0, a));
  const rest = N - acceptances.length;
  if (rest < 0 || Math.ceil(rest / open.length) > LICENSEES) throw new Error(`cannot spread ${rest} licences over ${open.length} offers and ${LICENSEES} licensees`);
  open.forEach((k, m) => {
    const count = Math.floor(rest / open.length) + (m < rest % open.length ? 1 : 0);
    for (let j = 0; j < count; j++) acceptances.push(accept(k, licensees[(37 * m + j) % LICENSEES]!));
  });
  const txs = [...cancels, ...acceptances];
  progress(`${cancels.length} cancellations and ${acceptances.length.toLocaleString("en-US")} acceptances`);
  for (let i = 0; i < txs.length; i += ACCEPTS_PER_BLOCK) {
    await sendAndMine(txs.slice(i, i + ACCEPTS_PER_BLOCK));
    if ((i / ACCEPTS_PER_BLOCK) % 100 === 99) progress(`  ${(i + ACCEPTS_PER_BLOCK).toLocaleString("en-US")} sent and mined`);
  }
  await rpc1("evm_setAutomine", [true]);
  // past Ponder's 30-block finality window, one block at a time
  for (let i = 0; i < 32; i++) await rpc1("evm_mine");
  blocksMined += 32;
  // what the region/date query below must find: the open offers naming FR (every window covers days 1 to 10)
  const availableInFr = Array.from({ length: offers }, (_, k) => k).filter((k) => kindOf(k) === "open" && k % 3 === 0).length;
  return { now, tokenIds, hot: offerToken(0), offers, cancelled: cancels.length, availableInFr, mintsMs: mintsDone - buildStart };
}

/** The Motif logs the chain holds from the deployment block, by event name (eth_getLogs in pages of 20 blocks). */
async function countEvents(fromBlock: bigint, toBlock: bigint) {
  const { certificate, licensing, registry } = chain.deployed.addresses;
  const names = new Map<string, string>();
  for (const [contract, abi] of [["MotifCertificate", motifCertificateAbi], ["MotifLicensing", motifLicensingAbi], ["MotifModelRegistry", motifModelRegistryAbi]] as [string, Abi][]) {
    for (const item of abi) if (item.type === "event") names.set(toEventSelector(item), `${contract}:${item.name}`);
  }
  const counts = new Map<string, number>();
  const pages: RpcCall[] = [];
  for (let b = fromBlock; b <= toBlock; b += 20n) {
    const to = b + 19n < toBlock ? b + 19n : toBlock;
    pages.push({ method: "eth_getLogs", params: [{ address: [certificate, licensing, registry], fromBlock: toHex(b), toBlock: toHex(to) }] });
  }
  for (let i = 0; i < pages.length; i += 10) {
    for (const logs of await rpc<{ topics: Hex[] }[]>(pages.slice(i, i + 10))) {
      for (const log of logs) {
        const name = names.get(log.topics[0]!) ?? "unknown";
        counts.set(name, (counts.get(name) ?? 0) + 1);
      }
    }
  }
  return counts;
}

/** Sum of the file sizes under a folder (apparent size, as `du -sb`). */
function folderBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? folderBytes(p) : entry.isFile() ? statSync(p).size : 0;
  }
  return total;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** p50 and p99 (nearest rank) of `count` sequential calls after `warm` unmeasured ones. */
async function latency(run: () => Promise<unknown>, count = REQUESTS, warm = 20) {
  for (let i = 0; i < warm; i++) await run();
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await run();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => Math.round(ms[Math.ceil(q * ms.length) - 1]! * 10) / 10;
  return { p50: at(0.5), p99: at(0.99), max: Math.round(ms.at(-1)! * 10) / 10 };
}

try {
  const built = await build();
  const head = BigInt(await rpc1<Hex>("eth_blockNumber"));
  const buildMs = performance.now() - buildStart;
  report.record("indexer.chain.build.s", seconds(buildMs), `building the chain over JSON-RPC: deploy, ${scale} certificates in ${N / BATCH} mintBatch transactions (${seconds(built.mintsMs)} s), ${built.offers.toLocaleString("en-US")} offers (${built.cancelled} cancelled), ${scale} acceptances; ${blocksMined} blocks mined singly`);

  // which events the indexer handles: its `ponder.on("Contract:Event", …)` registrations
  const handled = new Set([...readFileSync(path.join(process.cwd(), "indexer", "src", "index.ts"), "utf8").matchAll(/ponder\.on\(\s*"([A-Za-z]+:[A-Za-z]+)"/g)].map((m) => m[1]!));
  const counts = await countEvents(BigInt(chain.record.startBlock), head);
  const events = [...counts].filter(([name]) => handled.has(name)).reduce((a, [, n]) => a + n, 0);
  const allLogs = [...counts.values()].reduce((a, b) => a + b, 0);
  const expect = (name: string, n: number) => {
    if ((counts.get(name) ?? 0) !== n) throw new Error(`the chain holds ${counts.get(name) ?? 0} ${name} events, not ${n}: a transaction reverted`);
  };
  expect("MotifCertificate:CertificateMinted", N);
  expect("MotifLicensing:LicenseGranted", N);
  expect("MotifLicensing:OfferPublished", built.offers);
  expect("MotifLicensing:OfferCancelled", built.cancelled);
  console.log(`chain: ${head} blocks, ${allLogs.toLocaleString("en-US")} Motif logs, ${events.toLocaleString("en-US")} of them handled by the indexer:`);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${name.padEnd(40)} ${n.toLocaleString("en-US").padStart(9)}${handled.has(name) ? "" : "  (no handler: not fetched)"}`);

  // --- catch-up ---------------------------------------------------------------------------------
  progress("starting the indexer");
  const port = await freePort();
  const started = performance.now();
  indexer = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: chain.record.startBlock, addresses: chain.deployed.addresses, stateDir, port, pollingMs: 500 });
  let healthMs: number | undefined;
  let readyMs: number | undefined;
  let dead = false;
  void indexer.exited.then(() => (dead = true));
  const deadline = started + 60 * 60_000;
  while (readyMs === undefined) {
    if (dead) throw new Error(`the indexer exited before it was ready:\n${indexer.log().slice(-3_000)}`);
    if (performance.now() > deadline) throw new Error(`the indexer was not ready within an hour:\n${indexer.log().slice(-3_000)}`);
    if (healthMs === undefined && (await fetch(`${indexer.url}/health`).then((r) => r.ok, () => false))) healthMs = performance.now() - started;
    if (healthMs !== undefined && (await fetch(`${indexer.url}/ready`).then((r) => r.ok, () => false))) readyMs = performance.now() - started;
    else await new Promise((r) => setTimeout(r, 100));
  }
  progress(`indexer ready (health after ${seconds(healthMs!)} s)`);
  const pglite = path.join(stateDir, "pglite");
  const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
  const diskMB = mb(folderBytes(pglite));
  const walMB = existsSync(path.join(pglite, "pg_wal")) ? mb(folderBytes(path.join(pglite, "pg_wal"))) : 0;
  const gallery = await getGallery({ indexer: indexer.url, kind: "pattern", pageSize: 24 });
  if (gallery.total !== N) throw new Error(`the indexer lists ${gallery.total} patterns after catch-up, not ${N}`);
  report.record("indexer.catchUp.eventsPerSecond", Math.round(events / (readyMs / 1_000)), `the ${events.toLocaleString("en-US")} events with a handler (${allLogs.toLocaleString("en-US")} Motif logs in all) over ${head} blocks, from start to /ready (backfill done)`);
  report.record("indexer.catchUp.s", seconds(readyMs), "from startIndexer to /ready, an empty index");
  report.record("indexer.startup.s", seconds(healthMs!), "from startIndexer to /health (Ponder up, before the backfill)");
  report.record("indexer.disk.MB", diskMB, "the PGlite folder after catch-up (apparent size)");
  report.record("indexer.disk.wal.MB", walMB, "of which write-ahead log (pg_wal)");

  // --- queries ------------------------------------------------------------------------------------
  const url = indexer.url;
  const get = (p: string) => async () => {
    const r = await fetch(`${indexer!.url}${p}`);
    if (!r.ok) throw new Error(`${p}: HTTP ${r.status} ${await r.text()}`);
    return r.json();
  };
  const from = built.now + DAY;
  const to = built.now + 10 * DAY;
  const regionPath = `/v1/gallery?region=${FR}&from=${from}&to=${to}`;
  const available = await getGallery({ indexer: url, region: FR, from, to });
  if (available.total !== built.availableInFr) throw new Error(`the region/date filter finds ${available.total} patterns, not ${built.availableInFr}`);
  const history = await getCertificateHistory({ indexer: url, tokenId: built.hot });
  if (history.licences.length !== HOT_LICENCES) throw new Error(`the hot certificate's history lists ${history.licences.length} licences, not ${HOT_LICENCES}`);
  const queries: [string, string, string][] = [
    ["gallery.firstPage", "/v1/gallery?kind=pattern&pageSize=24", `the gallery's first page of 24 patterns, newest first, of ${scale}`],
    ["gallery.regionDates", regionPath, `patterns with an open offer covering FR from day 1 to day 10 (${available.total.toLocaleString("en-US")} match), first page`],
    ["gallery.mostLicensed", "/v1/gallery?sort=most-licensed&pageSize=24", "the most-licensed first page"],
    ["history", `/v1/certificates/0x${built.hot.toString(16)}/history`, `a pattern page's history: ${history.licences.length} licences and its offer`],
  ];
  for (const [name, p, note] of queries) {
    progress(`timing ${p}`);
    const { p50, p99, max } = await latency(get(p));
    report.record(`indexer.query.${name}.p50ms`, p50, `${note}: median of ${REQUESTS} sequential requests (max ${max} ms)`);
    report.record(`indexer.query.${name}.p99ms`, p99, `the same, 99th percentile`, 50);
  }
  if (process.env.MOTIF_BENCH_HOLD) {
    let n = 0;
    for (;;) {
      console.log(`HOLD pid ${process.pid}: kill -USR2 to restart the indexer (new schema) and re-time`);
      await new Promise((r) => process.once("SIGUSR2", r));
      await indexer.stop();
      n++;
      const p2 = await freePort();
      const t = performance.now();
      indexer = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: chain.record.startBlock, addresses: chain.deployed.addresses, stateDir, port: p2, pollingMs: 500, fresh: false, schema: `motif${n}`, readyTimeoutMs: 3_600_000 });
      try {
        await indexer.ready();
      } catch (e) {
        console.log(String(e));
        continue;
      }
      console.log(`re-indexed in ${seconds(performance.now() - t)} s; disk ${mb(folderBytes(pglite))} MB`);
      for (const [name, p] of queries) {
        try {
          console.log(name, JSON.stringify(await latency(get(p), REQUESTS)));
        } catch (e) {
          console.log(name, String(e));
        }
      }
    }
  }
} finally {
  await cleanUp();
}
await report.write();
