/**
 * `npm start`: the local Motif stack on one machine, nothing to install.
 *   - Hardhat's in-process EDR chain served as JSON-RPC on 127.0.0.1 (chain id 31337, --port, default 8545)
 *   - the contracts deployed with the Ignition module, addresses in deployments/31337.json
 *   - the shipped models registered under their weights digests
 *   - the embedded IPFS store (.motif/ipfs) behind a read-only trustless gateway (--gateway-port, 8081)
 *   - the generator HTTP API (--api-port, 8787), minting with the generator key
 * Prints the URLs and funded accounts; Ctrl-C stops everything. State (pinned data) lives in .motif/
 * (MOTIF_STATE_DIR), `--reset` clears it; the chain itself starts fresh on every start.
 */
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";
import { getAddress } from "viem";

import { buildApi } from "../generator/src/api/server.js";
import { EmbeddedIpfs } from "../generator/src/ipfs/embedded.js";
import { buildGateway } from "../generator/src/ipfs/gateway.js";
import { PinQueue } from "../generator/src/ipfs/resilient.js";
import { loadManifest } from "../generator/src/render/render.js";
import { PdqIndex } from "../generator/src/screen/pdq-index.js";
import { addressList, deployMotif } from "./lib/deploy.js";
import { writeDeployment } from "./lib/deployment.js";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "8545" },
    "gateway-port": { type: "string", default: "8081" },
    "api-port": { type: "string", default: "8787" },
    reset: { type: "boolean", default: false },
  },
});
const port = (name: string, raw: string) => {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 0 || v > 65535) throw new Error(`--${name}: "${raw}" is not a port in 0..65535`);
  return v;
};
const stateDir = process.env.MOTIF_STATE_DIR ?? path.join(process.cwd(), ".motif");
if (values.reset) await rm(stateDir, { recursive: true, force: true });
await mkdir(stateDir, { recursive: true });

// Chain.
const server = await network.createServer("default", "127.0.0.1", port("port", values.port!));
const { address: rpcHost, port: rpcPort } = await server.listen();
const rpcUrl = `http://${rpcHost}:${rpcPort}`;
const connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
const { viem } = connection;
const publicClient = await viem.getPublicClient();
const [admin, generator] = await viem.getWalletClients();
if (!admin || !generator) throw new Error("the local chain needs two funded accounts");
const { record, registry } = await deployMotif(connection, { attesters: addressList("generator", generator.account.address) });
await writeDeployment(process.cwd(), record);
const modelIds: Record<string, number> = {};
for (const m of await loadManifest()) {
  let id = await registry.read.modelIdByWeights([m.sha256]);
  if (id === 0) {
    await publicClient.waitForTransactionReceipt({
      hash: await registry.write.registerModel([
        { owner: getAddress(admin.account.address), weightsDigest: m.sha256, weightsCidDigest: m.sha256, weightsCidCodec: 0x55, royaltyBps: 500, name: `motif-cppn-${m.name}`, version: m.version },
      ]),
    });
    id = await registry.read.modelIdByWeights([m.sha256]);
  }
  modelIds[m.name] = id;
}

// IPFS store, gateway and API.
const store = new EmbeddedIpfs(path.join(stateDir, "ipfs"));
const gateway = await buildGateway(store);
const gatewayUrl = await gateway.listen({ port: port("gateway-port", values["gateway-port"]!), host: "127.0.0.1" });
const chainId = await publicClient.getChainId();
const api = await buildApi({
  keys: [{ key: "local-dev-key", name: "local", tier: "studio", requestsPerMinute: 600, maxPixelsPerRequest: 4096 * 4096 }],
  pipeline: {
    store,
    pinQueue: new PinQueue(path.join(stateDir, "pin-queue")),
    index: PdqIndex.build([]),
    attester: { signer: { client: generator, account: generator.account }, chainId, certificate: record.contracts.MotifCertificate },
    minter: { wallet: generator, publicClient, certificate: record.contracts.MotifCertificate },
    modelIds,
    creator: getAddress(generator.account.address),
    royaltyBps: 500,
    attestationTtl: 3600,
    generator: { name: "motif-generator", version: "0.1.0" },
  },
});
const apiUrl = await api.listen({ port: port("api-port", values["api-port"]!), host: "127.0.0.1" });

const accounts = await viem.getWalletClients();
console.log(`Motif local stack ready (chain ${chainId})
  JSON-RPC      ${rpcUrl}
  IPFS gateway  ${gatewayUrl}/ipfs/<cid>?format=raw
  API           ${apiUrl}  (x-api-key: local-dev-key; OpenAPI ${apiUrl}/v1/openapi.json)
  contracts     certificate ${record.contracts.MotifCertificate}
                registry    ${record.contracts.MotifModelRegistry}
                licensing   ${record.contracts.MotifLicensing}
  models        ${Object.entries(modelIds).map(([n, id]) => `${n}=#${id}`).join(", ")}
  accounts      ${accounts.slice(0, 4).map((a, i) => `#${i} ${getAddress(a.account.address)}${i === 1 ? " (generator)" : ""}`).join("\n                ")}
Ctrl-C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await api.close();
  await gateway.close();
  await server.close();
  console.log("Motif local stack stopped.");
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
