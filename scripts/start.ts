/**
 * `npm start`: the local Motif stack on one machine, nothing to install (see scripts/lib/stack.ts).
 *   npm start                       chain :8545, gateway :8081, API :8787, web page :5173
 *   npm start -- --port 9545        another chain port (--gateway-port, --api-port, --web-port)
 *   npm start -- --reset            forget the chain and the pinned data in .motif/ and start over
 *   MOTIF_RPC_URL=… MOTIF_DEPLOYER_KEY=… MOTIF_ATTESTER_KEY=… npm start   a real chain instead
 *   MOTIF_IPFS_API=http://127.0.0.1:5001 npm start                        a Kubo node instead
 * State lives in .motif/ (MOTIF_STATE_DIR): a restart keeps the chain and the pinned data.
 * Ctrl-C stops everything.
 */
import path from "node:path";
import { parseArgs } from "node:util";

import { DEFAULT_PORTS, redactUrl, startStack } from "./lib/stack.js";

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string", default: String(DEFAULT_PORTS.rpc) },
      "gateway-port": { type: "string", default: String(DEFAULT_PORTS.gateway) },
      "api-port": { type: "string", default: String(DEFAULT_PORTS.api) },
      "web-port": { type: "string", default: String(DEFAULT_PORTS.web) },
      reset: { type: "boolean", default: false },
    },
  }));
} catch (error) {
  console.error(`npm start: ${(error as Error).message}`);
  process.exit(2);
}
const port = (name: string, raw: string) => {
  const v = Number(raw);
  if (!/^\d+$/.test(raw) || v > 65535) {
    console.error(`npm start: --${name}: "${raw}" is not a port in 0..65535`);
    process.exit(2);
  }
  return v;
};
const ports = {
  rpc: port("port", values.port),
  gateway: port("gateway-port", values["gateway-port"]),
  api: port("api-port", values["api-port"]),
  web: port("web-port", values["web-port"]),
};
const stateDir = process.env.MOTIF_STATE_DIR ?? path.join(process.cwd(), ".motif");

const stack = await startStack({ stateDir, reset: values.reset, ports, log: (line) => console.log(`  ${line}`) });
const { urls, deployment, modelIds, accounts } = stack;
console.log(`Motif ${stack.chain === "local" ? "local stack ready" : "stack ready"} (chain ${stack.chainId}${stack.chain === "local" ? "" : ", MOTIF_RPC_URL"})
  JSON-RPC      ${stack.chain === "local" ? urls.rpc : redactUrl(urls.rpc)}${stack.chain === "local" ? `  (state ${stateDir.startsWith(process.cwd()) ? path.relative(process.cwd(), stateDir) : stateDir}; --reset to start over)` : ""}
  IPFS gateway  ${urls.gateway}/ipfs/<cid>?format=raw   (${stack.ipfs})
  API           ${urls.api}  (x-api-key: ${stack.apiKey}; OpenAPI ${urls.api}/v1/openapi.json)
  web page      ${urls.web ?? "not built (npm run build:web)"}
  contracts     certificate ${deployment.contracts.MotifCertificate}
                registry    ${deployment.contracts.MotifModelRegistry}
                licensing   ${deployment.contracts.MotifLicensing}
  models        ${Object.entries(modelIds).map(([n, id]) => `${n}=#${id}`).join(", ")}
  accounts      ${accounts.slice(0, 4).map((a, i) => `#${i} ${a}${i === 0 ? " (admin)" : i === 1 ? " (generator)" : ""}`).join("\n                ")}${stack.chain === "local" ? "\n                (Hardhat's default test accounts: keys printed by `npx hardhat node`; never use them on a real chain)" : ""}
Ctrl-C to stop.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await stack.close();
  console.log("Motif stack stopped.");
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
