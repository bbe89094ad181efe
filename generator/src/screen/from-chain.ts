import type { Address, PublicClient } from "viem";

import { motifCertificateAbi } from "../../../sdk/src/abis/index.js";
import type { IndexEntry } from "./pdq-index.js";

/**
 * The index entries of every certificate minted by `certificate`, read from its `CertificateMinted`
 * events (the PDQ hash is in the event): how the screening index is rebuilt from the chain alone.
 */
export async function certificateEntries(
  client: PublicClient,
  certificate: Address,
  fromBlock = 0n,
  toBlock?: bigint,
  step = 10_000n,
): Promise<IndexEntry[]> {
  const last = toBlock ?? (await client.getBlockNumber());
  const entries: IndexEntry[] = [];
  for (let from = fromBlock; from <= last; from += step) {
    const to = from + step - 1n < last ? from + step - 1n : last;
    const logs = await client.getContractEvents({
      address: certificate,
      abi: motifCertificateAbi,
      eventName: "CertificateMinted",
      fromBlock: from,
      toBlock: to,
    });
    for (const log of logs) {
      entries.push({ hash: log.args.pdqHash!.slice(2), label: `certificate 0x${log.args.tokenId!.toString(16).padStart(64, "0")}` });
    }
  }
  return entries;
}
