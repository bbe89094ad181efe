import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

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

/**
 * `indexerAtHead` in a fresh temp state folder, and one `close` for the end of the suite: stops the
 * indexer, closes the chain and removes the folder (each part only if it was started).
 */
export async function indexedChain(chain: Awaited<ReturnType<typeof remoteChainWithMotif>>, label: string): Promise<{ indexer: RunningIndexer; close: () => Promise<void> }> {
  const stateDir = mkdtempSync(path.join(tmpdir(), `motif-${label}-`));
  const indexer = await indexerAtHead(chain, stateDir);
  return {
    indexer,
    close: async () => {
      await indexer.stop();
      await chain.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
