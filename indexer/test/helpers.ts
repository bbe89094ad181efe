import { getGallery } from "@motif/sdk";
import { startIndexer, type RunningIndexer } from "../launch.mjs";
import type { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * An indexer on the test chain, from its deployment block into `stateDir`, returned once its answers
 * reflect the chain's head as it was when called (the index's own `indexedBlock`, not just /ready).
 */
export async function indexerAtHead(chain: Awaited<ReturnType<typeof remoteChainWithMotif>>, stateDir: string): Promise<RunningIndexer> {
  const { deployed } = chain;
  const indexer = await startIndexer({ rpcUrl: chain.url, chainId: 31337, startBlock: chain.record.startBlock, addresses: deployed.addresses, stateDir, port: 0, pollingMs: 200 });
  await indexer.ready(180_000);
  const head = await deployed.publicClient.getBlockNumber();
  const end = Date.now() + 60_000;
  while (BigInt((await getGallery({ indexer: indexer.url })).indexedBlock) < head && Date.now() < end) await new Promise((r) => setTimeout(r, 200));
  return indexer;
}
