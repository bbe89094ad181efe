/**
 * `npm start`: the local Motif stack on one machine, nothing to install (see scripts/lib/stack.ts).
 *   npm start                       chain :8545, gateway :8081, API :8787, web page :5173, indexer :42069
 *   npm start -- --no-indexer       without the indexer (the web page then reads the chain itself)
 *   npm start -- --port 9545        another chain port (--gateway-port, --api-port, --web-port, --indexer-port)
 *   npm start -- --reset            forget the chain, the pinned data and the API key in .motif/ and start over
 *   npm start -- --no-build         skip compiling the contracts and building the web page
 *   MOTIF_RPC_URL=… MOTIF_DEPLOYER_KEY=… MOTIF_ATTESTER_KEY=… npm start   a real chain instead
 *   MOTIF_IPFS_API=http://127.0.0.1:5001 npm start                        a Kubo node instead
 * State lives in .motif/ (MOTIF_STATE_DIR): a restart keeps the chain, the pinned data, the API key
 * and the metered usage.
 *
 * One process: `npm start` execs this script (package.json: `exec node --import tsx …`), which runs
 * the builds as its own children. SIGINT or SIGTERM on the pid npm start gives (Ctrl-C, systemd,
 * Docker, CI) stops whatever is running — a build or the stack — and exits 0 with no port bound.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";

import type { Stack } from "./lib/stack.js";
import { type StackInfo, readStackInfo } from "./lib/stack-info.js";

let values;
try {
  ({ values } = parseArgs({
    options: {
      port: { type: "string", default: "8545" },
      "gateway-port": { type: "string", default: "8081" },
      "api-port": { type: "string", default: "8787" },
      "web-port": { type: "string", default: "5173" },
      "indexer-port": { type: "string", default: "42069" },
      "no-indexer": { type: "boolean", default: false },
      reset: { type: "boolean", default: false },
      "no-build": { type: "boolean", default: false },
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
  indexer: port("indexer-port", values["indexer-port"]),
};
const stateDir = process.env.MOTIF_STATE_DIR ?? path.join(process.cwd(), ".motif");
const shown = stateDir.startsWith(process.cwd()) ? path.relative(process.cwd(), stateDir) || "." : stateDir;

// One stack per state folder: a second `npm start` says which one runs and exits non-zero.
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
};
const lockFile = path.join(stateDir, "start.lock");
const takeLock = (): void => {
  mkdirSync(stateDir, { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockFile, `${process.pid}\n`, { flag: "wx" });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = Number(readFileSync(lockFile, "utf8").trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      let info: StackInfo | undefined;
      try {
        info = readStackInfo(stateDir);
      } catch {
        // still starting (stack.json is written once the stack is ready)
      }
      const urls = info?.urls !== undefined ? `: API ${info.urls.api}, web page ${info.urls.web ?? "not served"}${info.chain === "local" ? `, JSON-RPC ${info.urls.rpc}` : ""}` : " (still starting)";
      console.error(`npm start: a Motif stack is already running from ${shown} (pid ${holder})${urls}; stop it first (kill ${holder}) or use another MOTIF_STATE_DIR`);
      process.exit(1);
    }
    rmSync(lockFile, { force: true }); // left by a process that died without cleaning up
  }
  throw new Error(`${lockFile}: could not be taken`);
};
takeLock();
const releaseLock = () => {
  try {
    if (readFileSync(lockFile, "utf8").trim() === String(process.pid)) rmSync(lockFile, { force: true });
  } catch {
    // already gone (--reset removed the folder, or another cleanup)
  }
};

// Signals: stop whatever runs now, exit 0.
let stopping = false;
let building: ChildProcess | undefined;
let stack: Stack | undefined;
let startingStack: Promise<unknown> | undefined;
const finish = (code: number): never => {
  releaseLock();
  process.exit(code);
};
const stop = async () => {
  if (stopping) return;
  stopping = true;
  if (building !== undefined) {
    const child = building;
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {
        child.kill("SIGTERM");
      }
      await exited;
    }
    console.log("Motif stack stopped (while building).");
    finish(0);
  }
  if (startingStack !== undefined) stack ??= (await startingStack.catch(() => undefined)) as Stack | undefined;
  await stack?.close();
  console.log("Motif stack stopped.");
  finish(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
process.on("SIGHUP", () => void stop());

/** Runs a build step as a child of this process, output passed through; exits on failure. */
async function build(what: string, command: string, args: string[]): Promise<void> {
  if (stopping) return;
  console.log(`npm start: ${what}`);
  const bin = path.join(process.cwd(), "node_modules", ".bin", command);
  // its own process group, so a stop reaches the build's own children (solc) too
  const child = spawn(bin, args, { stdio: ["ignore", "inherit", "inherit"], detached: true });
  building = child;
  const code = await new Promise<number | null>((resolve) => {
    child.once("exit", (c) => resolve(c));
    child.once("error", (error) => {
      console.error(`npm start: ${what}: ${error.message}`);
      resolve(1);
    });
  });
  building = undefined;
  if (stopping) return new Promise(() => {}); // stop() exits
  if (code !== 0) {
    console.error(`npm start: ${what} failed (exit ${code}); nothing started`);
    finish(1);
  }
}

if (!values["no-build"]) {
  await build("compiling the contracts", "hardhat", ["build", "--no-tests", "--quiet"]);
  await build("building the web page", "vite", ["build", "web", "--logLevel", "warn"]);
}
if (stopping) await new Promise(() => {});

const { redactUrl, startStack } = await import("./lib/stack.js");
if (values.reset) {
  // forget the chain, the pinned data, the API key and the usage, keeping this process's lock
  for (const entry of readdirSync(stateDir)) if (entry !== "start.lock") rmSync(path.join(stateDir, entry), { recursive: true, force: true });
}
const starting = startStack({ stateDir, ports, indexer: !values["no-indexer"], log: (line) => console.log(`  ${line}`) });
startingStack = starting;
try {
  stack = await starting;
} catch (error) {
  if (stopping) await new Promise(() => {});
  console.error(`npm start: ${(error as Error).message.split("\n")[0]}`);
  finish(1);
}
startingStack = undefined;
if (stopping) await new Promise(() => {}); // stop() closes the stack and exits

const s: Stack = stack!;
const { urls, deployment, modelIds, accounts } = s;
console.log(`Motif ${s.chain === "local" ? "local stack ready" : "stack ready"} (chain ${s.chainId}${s.chain === "local" ? "" : ", MOTIF_RPC_URL"})
  JSON-RPC      ${s.chain === "local" ? urls.rpc : redactUrl(urls.rpc)}${s.chain === "local" ? `  (state ${shown}; --reset to start over)` : ""}
  IPFS gateway  ${urls.gateway}/ipfs/<cid>?format=raw   (${s.ipfs})
  API           ${urls.api}  (OpenAPI ${urls.api}/v1/openapi.json; browsers: the web page only)
  API key       ${s.apiKey}  (x-api-key; kept in ${path.join(shown, "api-key")}, the web page gets it from its /config.json)
  admin key     kept in ${path.join(shown, "admin-key")}  (x-api-key for /v1/banks; never given to the web page)
  hash banks    ${path.join(shown, "banks")}  (npx motif bank --help; changes screen within a second)
  web page      ${urls.web ?? "not built (npm run build:web)"}
  indexer       ${urls.indexer === undefined ? "off (--no-indexer)" : `${urls.indexer}/v1/gallery  (GraphQL ${urls.indexer}/graphql; catching up in the background)`}
  contracts     certificate ${deployment.contracts.MotifCertificate}
                registry    ${deployment.contracts.MotifModelRegistry}
                licensing   ${deployment.contracts.MotifLicensing}
  models        ${Object.entries(modelIds).map(([n, id]) => `${n}=#${id}`).join(", ")}
  accounts      ${accounts.slice(0, 4).map((a, i) => `#${i} ${a}${i === 0 ? " (admin)" : i === 1 ? " (generator)" : ""}`).join("\n                ")}${s.chain === "local" ? "\n                (Hardhat's default test accounts: keys printed by `npx hardhat node`; never use them on a real chain)" : ""}
  process       pid ${process.pid}: SIGINT or SIGTERM stops everything
Ctrl-C to stop.`);
