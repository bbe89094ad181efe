import type { Address, PublicClient } from "viem";

import { IndexerError, getEventLogs, listPatterns, motifCertificateAbi, tokenIdHex } from "@motif/sdk";
import { BankSet } from "./banks.js";
import { type IndexEntry, PdqIndex } from "./pdq-index.js";

/** The certificates bank's entries per signal: PDQ for every certificate, the tile hash where attested. */
export type CertificateSignals = { pdq: IndexEntry[]; tile: IndexEntry[] };

const ZERO = /^0x0{64}$/;

/** Blocks below the index's answer read from the chain as well (deeper than the reorgs Ponder follows on common chains: 65 on Ethereum). */
export const REORG_DEPTH = 128n;

type Minted = CertificateSignals & { tokenIds: bigint[] };

/** Adds one minted pattern: its PDQ entry, its tile entry where attested (zero: before tile hashes), its id. */
function addPattern(out: Minted, p: { tokenId: bigint; pdqHash: string; tileHash: string }): void {
  const label = `certificate ${tokenIdHex(p.tokenId)}`;
  out.pdq.push({ hash: p.pdqHash.slice(2), label });
  if (!ZERO.test(p.tileHash)) out.tile.push({ hash: p.tileHash.slice(2), label });
  out.tokenIds.push(p.tokenId);
}

/** Every pattern `certificate` minted from `fromBlock`, from its `CertificateMinted` events (paged as a hosted RPC accepts). */
async function mintedOnChain(client: PublicClient, certificate: Address, fromBlock: bigint, toBlock?: bigint, step = 10_000n): Promise<Minted> {
  const out: Minted = { pdq: [], tile: [], tokenIds: [] };
  // at most `step` blocks per request, narrower when the provider says so
  const logs = await getEventLogs(client, { address: certificate, abi: motifCertificateAbi, eventName: "CertificateMinted", fromBlock, ...(toBlock !== undefined ? { toBlock } : {}), maxBlockRange: step });
  for (const log of logs) addPattern(out, { tokenId: log.args.tokenId, pdqHash: log.args.pdqHash, tileHash: log.args.tileHash });
  return out;
}

/**
 * The index entries of every certificate minted by `certificate`, read from its `CertificateMinted`
 * events (the PDQ and tile hashes are in the event): how the screening banks are rebuilt from the
 * chain alone. Certificates attested before tile hashes (zero) have a PDQ entry only.
 */
export async function certificateSignals(client: PublicClient, certificate: Address, fromBlock = 0n, toBlock?: bigint, step = 10_000n): Promise<CertificateSignals> {
  const { pdq, tile } = await mintedOnChain(client, certificate, fromBlock, toBlock, step);
  return { pdq, tile };
}

/** Where the minted certificates' signals are read: the chain from `fromBlock`, and an indexer when one is given. */
export type SignalSource = {
  publicClient: PublicClient;
  certificate: Address;
  fromBlock?: bigint;
  indexer?: string | undefined;
  /** Blocks below the index's answer read from the chain as well (default REORG_DEPTH). */
  reorgDepth?: bigint;
};

/** The signals, every minted pattern's id, and how they were read (`upTo`: the block the indexer answered for). */
export type MintedSignals = CertificateSignals & { tokenIds: bigint[]; source: "indexer" | "chain"; upTo?: bigint; fallback?: string };

/**
 * Every minted pattern's signals and id. With an indexer: its patterns up to REORG_DEPTH blocks
 * below the block it has reached, then the chain's `CertificateMinted` logs from there (one page:
 * those blocks and the indexer's lag), so the answer is the chain's set without reading its history,
 * even right after a reorg the index has not followed. When the indexer cannot
 * answer (down, not caught up), the chain from `fromBlock` (`fallback` says why).
 */
export async function mintedSignals(src: SignalSource): Promise<MintedSignals> {
  const fromChain = (from: bigint, to?: bigint) => mintedOnChain(src.publicClient, src.certificate, from, to);
  let fallback: string | undefined;
  if (src.indexer !== undefined && src.indexer !== "") {
    try {
      const { items, upTo } = await listPatterns({ indexer: src.indexer });
      // the last REORG_DEPTH blocks the index answered for come from the chain too: a reorg there that
      // the index has not followed yet (its RPC lagging) changes nothing in the answer
      const depth = src.reorgDepth ?? REORG_DEPTH;
      const floor = upTo + 1n > depth ? upTo + 1n - depth : 0n;
      const from = floor > (src.fromBlock ?? 0n) ? floor : (src.fromBlock ?? 0n);
      // the chain as this client sees it, up to its own head: when its RPC is behind the indexer's,
      // the index's patterns above that head are kept (the chain cannot give them yet), and nothing
      // after the index's answer is an empty tail, not a read past the head
      const head = await src.publicClient.getBlockNumber({ cacheTime: 0 });
      const tail = from <= head ? await fromChain(from, head) : { pdq: [], tile: [], tokenIds: [] };
      const out: MintedSignals = { pdq: [], tile: [], tokenIds: [], source: "indexer", upTo };
      for (const p of items) if (p.mintBlock < from || p.mintBlock > head) addPattern(out, p);
      out.pdq.push(...tail.pdq);
      out.tile.push(...tail.tile);
      out.tokenIds.push(...tail.tokenIds);
      return out;
    } catch (error) {
      if (!(error instanceof IndexerError)) throw error;
      fallback = `the indexer at ${src.indexer} did not answer (${error.shortMessage}); read the chain instead`;
    }
  }
  return { ...(await fromChain(src.fromBlock ?? 0n)), source: "chain", ...(fallback !== undefined ? { fallback } : {}) };
}

/** The PDQ entries of every certificate (see `certificateSignals`). */
export async function certificateEntries(client: PublicClient, certificate: Address, fromBlock = 0n, toBlock?: bigint, step = 10_000n): Promise<IndexEntry[]> {
  return (await certificateSignals(client, certificate, fromBlock, toBlock, step)).pdq;
}

/**
 * A pipeline's `index` (PDQ) and `banks` (the certificates bank with both signals) rebuilt from the
 * chain, through an indexer when one is given (see `mintedSignals`).
 */
export async function certificateBanks(client: PublicClient, certificate: Address, fromBlock = 0n, indexer?: string): Promise<{ index: PdqIndex; banks: BankSet }> {
  const signals = indexer === undefined ? await certificateSignals(client, certificate, fromBlock) : await mintedSignals({ publicClient: client, certificate, fromBlock, indexer });
  const index = PdqIndex.build(signals.pdq);
  return { index, banks: BankSet.ofIndex(index, undefined, PdqIndex.build(signals.tile)) };
}
