import type { Address, PublicClient } from "viem";

import { getEventLogs, motifCertificateAbi, tokenIdHex } from "@motif/sdk";
import { BankSet } from "./banks.js";
import { type IndexEntry, PdqIndex } from "./pdq-index.js";

/** The certificates bank's entries per signal: PDQ for every certificate, the tile hash where attested. */
export type CertificateSignals = { pdq: IndexEntry[]; tile: IndexEntry[] };

const ZERO = /^0x0{64}$/;

/**
 * The index entries of every certificate minted by `certificate`, read from its `CertificateMinted`
 * events (the PDQ and tile hashes are in the event): how the screening banks are rebuilt from the
 * chain alone. Certificates attested before tile hashes (zero) have a PDQ entry only.
 */
export async function certificateSignals(
  client: PublicClient,
  certificate: Address,
  fromBlock = 0n,
  toBlock?: bigint,
  step = 10_000n,
): Promise<CertificateSignals> {
  const out: CertificateSignals = { pdq: [], tile: [] };
  // paged as a hosted RPC accepts (at most `step` blocks per request, narrower when the provider says so)
  const logs = await getEventLogs(client, {
    address: certificate,
    abi: motifCertificateAbi,
    eventName: "CertificateMinted",
    fromBlock,
    ...(toBlock !== undefined ? { toBlock } : {}),
    maxBlockRange: step,
  });
  for (const log of logs) {
    const label = `certificate ${tokenIdHex(log.args.tokenId)}`;
    out.pdq.push({ hash: log.args.pdqHash.slice(2), label });
    if (!ZERO.test(log.args.tileHash)) out.tile.push({ hash: log.args.tileHash.slice(2), label });
  }
  return out;
}

/** The PDQ entries of every certificate (see `certificateSignals`). */
export async function certificateEntries(client: PublicClient, certificate: Address, fromBlock = 0n, toBlock?: bigint, step = 10_000n): Promise<IndexEntry[]> {
  return (await certificateSignals(client, certificate, fromBlock, toBlock, step)).pdq;
}

/** A pipeline's `index` (PDQ) and `banks` (the certificates bank with both signals) rebuilt from the chain. */
export async function certificateBanks(client: PublicClient, certificate: Address, fromBlock = 0n): Promise<{ index: PdqIndex; banks: BankSet }> {
  const signals = await certificateSignals(client, certificate, fromBlock);
  const index = PdqIndex.build(signals.pdq);
  return { index, banks: BankSet.ofIndex(index, undefined, PdqIndex.build(signals.tile)) };
}
