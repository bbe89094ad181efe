import { network } from "hardhat";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { deployedMotif } from "./deployed.js";

/** Hardhat account #1: the generator (attester) key of the tests. */
export const ATTESTER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/**
 * A chain reached only over JSON-RPC (a separate EDR node on loopback) with Motif deployed, the
 * generator key holding the attester role and the shipped models asked for (weld by default)
 * registered: what a CLI child process points MOTIF_RPC_URL at.
 */
export async function remoteChainWithMotif(options: { models?: string[] } = {}) {
  const node = await network.createServer("default", "127.0.0.1", 0);
  const { port } = await node.listen();
  const url = `http://127.0.0.1:${port}`;
  const connection = await network.create({ network: "localhost", override: { url } });
  const deployed = await deployedMotif({ connection, models: options.models ?? ["weld"] });
  if (getAddress(deployed.wallets[1]!.account.address) !== privateKeyToAccount(ATTESTER_KEY).address) throw new Error("remoteChainWithMotif: account #1 is not ATTESTER_KEY's");
  const { record, certificate } = deployed;
  const env = { MOTIF_RPC_URL: url, MOTIF_ATTESTER_KEY: ATTESTER_KEY, MOTIF_CERTIFICATE: record.contracts.MotifCertificate, MOTIF_REGISTRY: record.contracts.MotifModelRegistry };
  return {
    url,
    record,
    certificate,
    env,
    /** The deployment as `deployedMotif` gives it (clients over this URL). */
    deployed,
    close: async () => {
      await connection.close();
      await node.close();
    },
  };
}
