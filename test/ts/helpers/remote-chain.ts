import { network } from "hardhat";
import { getAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";

import { loadManifest } from "../../../generator/src/render/render.js";
import { deployMotif } from "../../../scripts/lib/deploy.js";

/** Hardhat account #1: the generator (attester) key of the tests. */
export const ATTESTER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

/**
 * A chain reached only over JSON-RPC (a separate EDR node on loopback) with Motif deployed, the
 * generator key holding the attester role and the weld model registered: what a CLI child process
 * points MOTIF_RPC_URL at.
 */
export async function remoteChainWithMotif() {
  const node = await network.createServer("default", "127.0.0.1", 0);
  const { port } = await node.listen();
  const url = `http://127.0.0.1:${port}`;
  const connection = await network.create({ network: "localhost", override: { url } });
  const { record, registry, certificate } = await deployMotif(connection, { attesters: [privateKeyToAccount(ATTESTER_KEY).address] });
  const weld = (await loadManifest()).find((m) => m.name === "weld")!;
  const [admin] = await connection.viem.getWalletClients();
  await registry.write.registerModel([{ owner: getAddress(admin!.account.address), weightsDigest: weld.sha256, weightsCidDigest: weld.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name: "weld", version: "1.0.0" }]);
  const env = { MOTIF_RPC_URL: url, MOTIF_ATTESTER_KEY: ATTESTER_KEY, MOTIF_CERTIFICATE: record.contracts.MotifCertificate, MOTIF_REGISTRY: record.contracts.MotifModelRegistry };
  return {
    url,
    record,
    certificate,
    env,
    close: async () => {
      await connection.close();
      await node.close();
    },
  };
}
