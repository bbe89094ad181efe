#!/usr/bin/env node
// motif-indexer: the Motif indexer for one deployment, on its own (production: a real chain, PostgreSQL).
//
//   motif-indexer --deployment deployments/11155111.json --rpc https://… [--port 42069] [--host 127.0.0.1]
//                 [--state-dir .motif/index] [--database-url postgres://…] [--max-rps 10] [--fresh]
//
// Everything it needs comes from the deployment record (chain id, addresses, start block) and the
// RPC; MOTIF_RPC_URL, DATABASE_URL and MOTIF_INDEX_MAX_RPS stand in for the flags. It keeps its index
// between runs (PGlite under --state-dir, or the PostgreSQL database) and stops on SIGINT or SIGTERM,
// exit 0, its port freed.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { addressesOf, parseDeploymentRecord } from "@motif/sdk";
import { startIndexer } from "../launch.mjs";

const HELP = `Usage: motif-indexer --deployment FILE --rpc URL [options]

Indexes one Motif deployment (every certificate, model, offer, licence and settlement) and serves
/v1/gallery, /v1/certificates/:id/history and /licensed, /graphql and /sql over HTTP.

  --deployment FILE    the deployment record (deployments/<chainId>.json): chain id, addresses, start block
  --rpc URL            the chain's JSON-RPC endpoint (or MOTIF_RPC_URL)
  --port N             HTTP port (default 42069; 0 picks a free one, printed at start)
  --host HOST          address to listen on (default 127.0.0.1)
  --state-dir DIR      where the embedded database lives (default .motif/index)
  --database-url URL   PostgreSQL instead of the embedded database (or DATABASE_URL)
  --max-rps N          requests a second to the RPC at most (or MOTIF_INDEX_MAX_RPS; default 10)
  --fresh              drop the embedded index and start from the deployment block
  --help               this text
`;

function fail(message) {
  process.stderr.write(`motif-indexer: ${message}\n`);
  process.exit(2);
}

let args;
try {
  args = parseArgs({
    options: {
      deployment: { type: "string" },
      rpc: { type: "string" },
      port: { type: "string" },
      host: { type: "string" },
      "state-dir": { type: "string" },
      "database-url": { type: "string" },
      "max-rps": { type: "string" },
      fresh: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  }).values;
} catch (error) {
  fail(`${error.message}\n\n${HELP}`);
}
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
if (!args.deployment) fail("--deployment is required: the deployment record (deployments/<chainId>.json) names the chain, the contracts and the start block");
const rpcUrl = args.rpc ?? process.env.MOTIF_RPC_URL;
if (!rpcUrl) fail("--rpc (or MOTIF_RPC_URL) is required: the chain's JSON-RPC endpoint");
if (!/^https?:\/\//.test(rpcUrl)) fail(`--rpc must be an http(s) URL; got "${rpcUrl}"`);

const whole = (name, raw, min, max) => {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) fail(`${name} must be a whole number from ${min} to ${max}; got "${raw}"`);
  return Number(raw);
};
const port = whole("--port", args.port, 0, 65_535) ?? 42069;
const maxRps = whole("--max-rps", args["max-rps"] ?? process.env.MOTIF_INDEX_MAX_RPS, 1, 10_000) ?? 10;

let record;
try {
  record = parseDeploymentRecord(JSON.parse(readFileSync(args.deployment, "utf8")), args.deployment);
} catch (error) {
  fail(error.code === "ENOENT" ? `no deployment record at ${args.deployment}` : error.shortMessage ?? error.message);
}

// the RPC must serve the record's chain: addresses on another chain would index nothing, silently
let chainId;
try {
  const response = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }) });
  chainId = Number(BigInt((await response.json()).result));
} catch (error) {
  fail(`cannot reach the RPC at ${rpcUrl}: ${error.cause?.message ?? error.message}`);
}
if (chainId !== record.chainId) fail(`the RPC at ${rpcUrl} serves chain ${chainId}; ${args.deployment} is a deployment on chain ${record.chainId}`);

const { certificate, licensing, registry } = addressesOf(record);
let indexer;
let stopping = false;
// a stop before the indexer runs (an upgraded build waits to drop the previous one's schema) ends
// here at once; after, it stops Ponder first
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (indexer === undefined) process.exit(0);
  await indexer.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
try {
  indexer = await startIndexer({
    rpcUrl,
    chainId,
    startBlock: record.startBlock,
    addresses: { certificate, licensing, registry },
    stateDir: args["state-dir"] ?? ".motif/index",
    fresh: args.fresh ?? false,
    port,
    host: args.host,
    pollingMs: chainId === 31337 ? 500 : 2_000,
    maxRequestsPerSecond: maxRps,
    ...((args["database-url"] ?? process.env.DATABASE_URL) ? { databaseUrl: args["database-url"] ?? process.env.DATABASE_URL } : {}),
    logLevel: "warn",
    onLog: (text) => process.stderr.write(text),
  });
} catch (error) {
  fail(error.message);
}

if (stopping) {
  // asked to stop while it was starting
  await indexer.stop();
  process.exit(0);
}

process.stdout.write(`motif-indexer: chain ${chainId} from block ${record.startBlock}; serving ${indexer.url} (/v1/gallery, /v1/certificates/:id/history, /graphql, /sql); catching up…\n`);
indexer.exited.then(({ code, signal }) => {
  if (stopping) return;
  process.stderr.write(`motif-indexer: Ponder exited (${signal ?? `code ${code}`}) before it was asked to stop\n`);
  process.exit(1);
});
indexer.ready(24 * 3_600_000).then(
  () => process.stdout.write(`motif-indexer: caught up with the chain's head; ready at ${indexer.url}/ready\n`),
  (error) => {
    if (!stopping) process.stderr.write(`motif-indexer: ${error.message}\n`);
  },
);
