import { expect } from "chai";
import { type Address, type Hex, type PublicClient, createPublicClient, createWalletClient, custom, getAddress, http, keccak256, parseTransaction, toHex } from "viem";

import { EventLogsFromBlockError, getGallery, mintCertificates, motifCertificateAbi } from "@motif/sdk";
import { generatorAccount } from "../src/config.js";
import { mintedSignals } from "../src/screen/from-chain.js";
import type { RunningIndexer } from "../../indexer/launch.mjs";
import { indexedChain } from "../../indexer/test/helpers.js";
import { ATTESTER_KEY, remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * Audit session 23 (change 8d321f7~1..65dd09d), generator side: the generator account's own nonce
 * manager (generator/src/config.ts) and the screening banks' reader of minted patterns
 * (generator/src/screen/from-chain.ts mintedSignals: the index up to `upTo - 128`, the chain after).
 * Oracles: the chain's own CertificateMinted logs; the nonces of the transactions the node was sent.
 */
type Chain = Awaited<ReturnType<typeof remoteChainWithMotif>>;
const hex = (s: string) => keccak256(toHex(s));

/** JSON-RPC to `url` as a viem `custom` transport sees it; an error answer is thrown with its code (viem maps it). */
async function forward(url: string, method: string, params: unknown): Promise<unknown> {
  const body = (await (await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) })).json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
  if (body.error !== undefined) throw Object.assign(new Error(body.error.message), { code: body.error.code, data: body.error.data });
  return body.result;
}

function lineage(tag: string, creator: Address) {
  return { contentDigest: hex(tag), metadataDigest: hex(`meta-${tag}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: hex(`p-${tag}`), pdqHash: hex(`q-${tag}`), tileHash: hex(`t-${tag}`), creator, recipeId: 0n };
}

describe("audit session 23: mintedSignals (index up to upTo - 128, then the chain) against the chain's logs", function () {
  this.timeout(300_000);
  let chain: Chain;
  let indexer: RunningIndexer;
  let close: (() => Promise<void>) | undefined;
  let studio: Address;

  async function mint(tag: string) {
    const { deployed } = chain;
    const l = lineage(tag, studio);
    const receipt = await deployed.wait(await deployed.certificate.write.mint([{ lineage: l, to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" }], { account: deployed.wallets[1]!.account }));
    return { tokenId: BigInt(l.contentDigest), block: receipt.blockNumber };
  }
  async function onChain(): Promise<bigint[]> {
    const { deployed } = chain;
    const logs = await deployed.publicClient.getContractEvents({ address: deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock: BigInt(chain.record.startBlock) });
    return logs.map((l) => l.args.tokenId!).sort();
  }
  async function indexedUpTo(block: bigint) {
    const end = Date.now() + 60_000;
    while (BigInt((await getGallery({ indexer: indexer.url })).indexedBlock) < block && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(BigInt((await getGallery({ indexer: indexer.url })).indexedBlock) >= block, `the index reaches block ${block}`).to.equal(true);
  }
  /** A client of the same chain through a node `lag` blocks behind the indexer's (its head, and so its "latest", is lower). */
  function laggingClient(lag: bigint): PublicClient {
    return createPublicClient({
      transport: custom({
        request: async ({ method, params }) => {
          if (method === "eth_blockNumber") return toHex(BigInt((await forward(chain.url, method, params)) as Hex) - lag);
          return forward(chain.url, method, params);
        },
      }),
    }) as PublicClient;
  }

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    studio = getAddress(chain.deployed.wallets[2]!.account.address);
    for (let i = 0; i < 3; i++) await mint(`audit23-seam-${i}`);
    ({ indexer, close } = await indexedChain(chain, "audit23g"));
  });

  after(async () => {
    if (close !== undefined) await close();
    else await chain?.close();
  });

  it("PROBE (held): with the indexer at the head, lagging behind it, or unreachable, mintedSignals is the chain's set exactly once", async () => {
    const { deployed } = chain;
    const src = { publicClient: deployed.publicClient, certificate: deployed.addresses.certificate, fromBlock: BigInt(chain.record.startBlock) };
    const atHead = await mintedSignals({ ...src, indexer: indexer.url });
    expect(atHead.source).to.equal("indexer");
    expect([...atHead.tokenIds].sort()).to.deep.equal(await onChain());
    // the index behind the chain: a small reorg depth so that the index's part is not empty
    const upTo = atHead.upTo!;
    const lagging = await mintedSignals({ ...src, indexer: indexer.url, reorgDepth: 1n });
    expect([...lagging.tokenIds].sort()).to.deep.equal(await onChain());
    expect(lagging.upTo).to.equal(upTo);
    const down = await mintedSignals({ ...src, indexer: "http://127.0.0.1:1" });
    expect(down.source).to.equal("chain");
    expect(down.fallback).to.match(/did not answer/);
    expect([...down.tokenIds].sort()).to.deep.equal(await onChain());
  });

  // FINDING G1: mintedSignals takes the index's patterns below `from` = upTo + 1 - 128 and the chain's
  // logs from `from` to the *client's* latest block (getEventLogs without toBlock). It never reads up
  // to the index's own `upTo`: when the generator's RPC node is behind the indexer's (two providers,
  // a load-balanced endpoint; one block is enough), a pattern minted in (client head, upTo] is in
  // neither part. Screening then lets a near-duplicate of it through.
  it("FINDING G1: mintedSignals misses no pattern when the generator's RPC is one block behind the indexer's", async () => {
    const { deployed } = chain;
    const last = await mint("audit23-seam-last"); // the head: indexed, not yet on the lagging node
    await indexedUpTo(last.block);
    const got = await mintedSignals({ publicClient: laggingClient(1n), certificate: deployed.addresses.certificate, fromBlock: BigInt(chain.record.startBlock), indexer: indexer.url });
    const chainSet = await onChain();
    const missing = chainSet.filter((id) => !got.tokenIds.includes(id));
    expect(missing.map((id) => (id === last.tokenId ? `the pattern minted at block ${last.block} (upTo ${got.upTo})` : id.toString(16))), `source ${got.source}`).to.deep.equal([]);
    expect(got.tokenIds.length, "no duplicate").to.equal(new Set(got.tokenIds).size);
  });

  // FINDING G2: the chain's part starts at `from` = upTo + 1 - reorgDepth and getEventLogs throws
  // EventLogsFromBlockError when `from` is past the client's head. With reorgDepth 0 (a chain
  // without reorgs) that is every answer of an indexer at the head: `from` = upTo + 1 = head + 1; with
  // the default 128, a client 128 blocks behind the indexer. The error is not an IndexerError, so
  // there is neither an answer nor the fallback to the chain: `motif serve` / `batch` / `mint` /
  // `dataset export --all` stop.
  it("FINDING G2: mintedSignals answers (or falls back to the chain) when the chain holds nothing after the index's answer", async () => {
    const { deployed } = chain;
    const head = await deployed.publicClient.getBlockNumber();
    await indexedUpTo(head);
    let got: Awaited<ReturnType<typeof mintedSignals>> | undefined;
    let thrown: unknown;
    try {
      got = await mintedSignals({ publicClient: deployed.publicClient, certificate: deployed.addresses.certificate, fromBlock: BigInt(chain.record.startBlock), indexer: indexer.url, reorgDepth: 0n });
    } catch (error) {
      thrown = error;
    }
    if (thrown !== undefined) expect.fail(`mintedSignals threw ${(thrown as Error).name}${thrown instanceof EventLogsFromBlockError ? " (EventLogsFromBlockError)" : ""}: ${(thrown as { shortMessage?: string }).shortMessage ?? (thrown as Error).message}`);
    expect([...got!.tokenIds].sort()).to.deep.equal(await onChain());
  });
});

describe("audit session 23: the generator account's own nonce manager", function () {
  this.timeout(300_000);
  let chain: Chain;
  let studio: Address;

  before(async () => {
    chain = await remoteChainWithMotif({ models: ["weld"] });
    studio = getAddress(chain.deployed.wallets[2]!.account.address);
  });
  after(async () => {
    await chain?.close();
  });

  const request = (tag: string) => ({ lineage: lineage(tag, studio), to: studio, royaltyBps: 100, deadline: 2n ** 40n, signature: "0x" as Hex });

  it("PROBE (held): a fresh generator account mints on a new chain with the same chain id after another chain's mints", async () => {
    const first = createWalletClient({ account: generatorAccount(ATTESTER_KEY), transport: http(chain.url) });
    for (let i = 0; i < 3; i++) await chain.deployed.wait(await mintCertificates(first, { certificate: chain.deployed.addresses.certificate, requests: [request(`audit23-nonce-a${i}`)] }));
    const other = await remoteChainWithMotif({ models: ["weld"] });
    try {
      const second = createWalletClient({ account: generatorAccount(ATTESTER_KEY), transport: http(other.url) });
      const receipt = await other.deployed.wait(await mintCertificates(second, { certificate: other.deployed.addresses.certificate, requests: [request("audit23-nonce-b")] }));
      expect(receipt.status).to.equal("success");
    } finally {
      await other.close();
    }
  });

  // FINDING N1: a send that fails at the node gives its nonce back (sdk/src/actions/write.ts giveBack →
  // nonceManager.reset), and viem's createNonceManager then forgets every nonce it handed out: the
  // next one is read again from the node's pending count, which does not know the sends still in
  // flight. A (nonce n) fails while B (n + 1) is still on its way; C takes n (right: A's gap), then D
  // takes n + 1 again, B's. One of B and D is refused ("nonce too low") although nothing else used
  // the key: concurrent sends from one account reused a nonce.
  it("FINDING N1: concurrent mints from one generator account never send two transactions with one nonce when one send fails", async () => {
    const { deployed } = chain;
    const account = generatorAccount(ATTESTER_KEY);
    const start = await deployed.publicClient.getTransactionCount({ address: account.address, blockTag: "pending" });
    const sent: { label: string; nonce: number; outcome: string }[] = [];
    let failedOnce = false;
    let releaseB!: () => void;
    const bHeld = new Promise<void>((r) => (releaseB = r));
    let bArrived!: () => void;
    const bAtNode = new Promise<void>((r) => (bArrived = r));
    const label = new Map<number, string>();
    const wallet = createWalletClient({
      account,
      transport: custom({
        request: async ({ method, params }) => {
          if (method !== "eth_sendRawTransaction") return forward(chain.url, method, params);
          const raw = (params as [Hex])[0];
          const nonce = parseTransaction(raw as Parameters<typeof parseTransaction>[0]).nonce!;
          const who = label.get(nonce) ?? `nonce ${nonce}`;
          if (nonce === start && !failedOnce) {
            failedOnce = true; // A: the RPC drops the request (a timeout, a reset connection)
            sent.push({ label: "A", nonce, outcome: "dropped by the RPC" });
            throw new Error("socket hang up");
          }
          if (nonce === start + 1 && !sent.some((s) => s.label === "B")) {
            sent.push({ label: "B", nonce, outcome: "(in flight)" });
            bArrived();
            await bHeld; // B: a slow request, still on its way
            try {
              const hash = await forward(chain.url, method, params);
              sent.find((s) => s.label === "B")!.outcome = "accepted";
              return hash;
            } catch (error) {
              sent.find((s) => s.label === "B")!.outcome = `refused: ${(error as Error).message.split("\n")[0]}`;
              throw error;
            }
          }
          const entry = { label: who, nonce, outcome: "(sent)" };
          sent.push(entry);
          try {
            const hash = await forward(chain.url, method, params);
            entry.outcome = "accepted";
            return hash;
          } catch (error) {
            entry.outcome = `refused: ${(error as Error).message.split("\n")[0]}`;
            throw error;
          }
        },
      }),
    });
    const mintOne = (tag: string) => mintCertificates(wallet, { certificate: deployed.addresses.certificate, requests: [request(tag)] });

    // two mints at once: nonces start (A: its send is dropped) and start + 1 (B: its send is slow)
    const settle = (p: Promise<Hex>) => p.then(async (h) => (await deployed.wait(h)).status as string, (e: Error) => `failed: ${e.message.split("\n")[0]}`);
    const both = [settle(mintOne("audit23-n1-a")), settle(mintOne("audit23-n1-b"))];
    await bAtNode;
    const aIndex = await Promise.race(both.map((p, i) => p.then(() => i)));
    expect(await both[aIndex]!, "A (the first to settle: B is held)").to.match(/^failed/);
    // while B is in flight: C, then D
    const c = await settle(mintOne("audit23-n1-c"));
    sent.at(-1)!.label = "C";
    const d = await settle(mintOne("audit23-n1-d"));
    sent.at(-1)!.label = "D";
    releaseB();
    const bResult = (await Promise.all(both))[1 - aIndex]!;

    const atNode = sent.filter((s) => s.label !== "A");
    const byNonce = new Map<number, string[]>();
    for (const s of atNode) byNonce.set(s.nonce, [...(byNonce.get(s.nonce) ?? []), s.label]);
    const reused = [...byNonce.entries()].filter(([, who]) => who.length > 1).map(([n, who]) => `nonce ${n}: ${who.join(" and ")}`);
    const story = `${sent.map((s) => `${s.label} nonce ${s.nonce} ${s.outcome}`).join("; ")}; B ${bResult}, C ${c}, D ${d}`;
    expect(reused, story).to.deep.equal([]);
    expect([bResult, c], story).to.deep.equal(["success", "success"]);
    // D (nonce start + 2) reaches the node while B (start + 1) is still held: a real node queues it
    // until B arrives; the automining test chain cannot queue and refuses it as a nonce ahead of its
    // count ("nonce too high"), never as one already used
    expect(d === "success" || (/nonce too high/i.test(story) && !/nonce too low/i.test(story)), story).to.equal(true);
  });
});
