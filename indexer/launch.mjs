// Starts the Motif indexer (Ponder, `ponder start`) as a child process and stops it: used by
// `bin/motif-indexer.mjs`, by `npm start`'s stack and by the tests. Ponder has no programmatic API
// (it installs its own signal handlers and calls process.exit), so it runs as a child; it needs
// Node >= 22, which the `node` devDependency supplies when the caller runs on an older one.
import { spawn } from "node:child_process";
import { createServer } from "node:net";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = path.dirname(fileURLToPath(import.meta.url));

/** A Node >= 22 binary: this one, or the `node` package's. */
function node22() {
  if (Number(process.versions.node.split(".")[0]) >= 22) return process.execPath;
  try {
    const bin = path.join(path.dirname(require.resolve("node/package.json")), "bin", "node");
    if (existsSync(bin)) return bin;
  } catch {
    // fall through
  }
  throw new Error(`the indexer (Ponder) needs Node.js 22 or newer; this is ${process.version} and the \`node\` devDependency is not installed (run npm install)`);
}

/** Ponder's CLI entry, next to its main module (the package exports no package.json). */
const ponderBin = () => path.join(path.dirname(fileURLToPath(import.meta.resolve("ponder"))), "bin", "ponder.js");

/** Refuses a port in use: Ponder would silently move to the next one, and its URL would be wrong. */
async function checkPortFree(port, host) {
  await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", (error) =>
      reject(error.code === "EADDRINUSE" ? new Error(`the indexer's port ${port} on ${host} is in use: stop what listens there or pick another port`) : error),
    );
    probe.listen(port, host, () => probe.close(resolve));
  });
}

/** The chain's latest block number. */
async function chainHead(rpcUrl) {
  const r = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }) });
  return BigInt((await r.json()).result);
}

/** The block Ponder's index has reached (its /status). */
async function indexedBlock(url) {
  const status = await fetch(`${url}/status`).then((r) => (r.ok ? r.json() : {}), () => ({}));
  return BigInt(status.motif?.block?.number ?? -1);
}

/** A port nobody listens on now (Ponder needs a port number before it starts: 0 is chosen here). */
async function freePort(host) {
  const probe = createServer();
  await new Promise((resolve) => probe.listen(0, host, resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** What Ponder's build id is made of: the files it builds and the settings the config reads. */
const BUILD_FILES = ["ponder.config.ts", "ponder.schema.ts", "src/index.ts", "src/rate-limit.ts"];
const BUILD_SETTINGS = ["MOTIF_CHAIN_ID", "MOTIF_START_BLOCK", "MOTIF_CERTIFICATE", "MOTIF_LICENSING", "MOTIF_REGISTRY", "MOTIF_INDEX_MAX_RPS", "MOTIF_INDEX_POLLING_MS", "MOTIF_RPC_URL"];

/**
 * The database schema for this build: `motif_` and a digest of what Ponder's build id covers (the
 * indexer's source, the ABIs it indexes, Ponder's version, the chain settings). Ponder refuses to
 * reuse a schema another build wrote ("previously used by a different Ponder app"), so an upgraded
 * indexer, or one pointed at another deployment, gets its own schema and re-indexes (from Ponder's
 * RPC cache where it has one) instead of failing to start.
 */
async function buildSchema(env) {
  const hash = createHash("sha256");
  for (const file of BUILD_FILES) hash.update(readFileSync(path.join(root, file)));
  const sdk = await import("@motif/sdk");
  hash.update(JSON.stringify([sdk.motifCertificateAbi, sdk.motifLicensingAbi, sdk.motifModelRegistryAbi]));
  hash.update(JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.resolve("ponder"))), "..", "..", "package.json"), "utf8")).version);
  for (const name of BUILD_SETTINGS) hash.update(`${name}=${env[name] ?? ""}\n`);
  return `motif_${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Drops the schemas of earlier builds that no Ponder holds now (`ponder db prune`): after an upgrade,
 * the index the previous version wrote. Run only when the schema changed since the last start.
 */
async function pruneEarlierBuilds(args, env, cwd) {
  const child = spawn(node22(), [ponderBin(), "--root", root, "--log-format", "json", "db", "prune", ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (c) => (output += c));
  child.stderr.on("data", (c) => (output += c));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the indexer could not drop the index of an earlier version (ponder db prune, exit ${code}):\n${output.slice(-2_000)}`);
}

/**
 * @param {import("./launch.d.mts").IndexerOptions} o
 * @returns {Promise<import("./launch.d.mts").RunningIndexer>}
 */
export async function startIndexer(o) {
  const host = o.host ?? "127.0.0.1";
  const port = o.port === 0 ? await freePort(host) : (o.port ?? 42069);
  await checkPortFree(port, host);
  const stateDir = path.resolve(o.stateDir);
  const dir = path.join(stateDir, "pglite");
  if (o.fresh ?? true) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const env = {
    ...process.env,
    MOTIF_RPC_URL: o.rpcUrl,
    MOTIF_CHAIN_ID: String(o.chainId),
    MOTIF_START_BLOCK: String(o.startBlock),
    MOTIF_CERTIFICATE: o.addresses.certificate,
    MOTIF_LICENSING: o.addresses.licensing,
    MOTIF_REGISTRY: o.addresses.registry,
    MOTIF_INDEX_DIR: dir,
    MOTIF_INDEX_POLLING_MS: String(o.pollingMs ?? 1_000),
    ...(o.maxRequestsPerSecond ? { MOTIF_INDEX_MAX_RPS: String(o.maxRequestsPerSecond) } : {}),
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
    PORT: String(port), // Ponder reads PORT before --port
    PONDER_LOG_LEVEL: o.logLevel ?? "warn",
  };
  if (!o.databaseUrl) delete env.DATABASE_URL;
  const schema = o.schema ?? (await buildSchema(env));
  const marker = path.join(stateDir, "schema");
  const previous = existsSync(marker) ? readFileSync(marker, "utf8").trim() : undefined;
  if (previous !== undefined && previous !== schema) {
    // Ponder holds a stopped app's schema for its heartbeat timeout (25 s: a stop does not release
    // it), and prune skips a held one: wait out what is left of it since the last stop
    const held = statSync(marker).mtimeMs + 26_000 - Date.now();
    if (held > 0) await new Promise((r) => setTimeout(r, held));
    await pruneEarlierBuilds([], env, stateDir);
  }
  writeFileSync(marker, `${schema}\n`);
  const args = [ponderBin(), "--root", root, "--log-format", "json", "start", "--schema", schema, "--port", String(port), "-H", host];
  // cwd: the state folder, where Ponder writes generated/schema.graphql and looks for .env.local
  const child = spawn(node22(), args, { cwd: stateDir, env, stdio: ["ignore", "pipe", "pipe"] });
  const log = [];
  const keep = (chunk) => {
    log.push(chunk.toString());
    if (log.length > 200) log.shift();
    o.onLog?.(chunk.toString());
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  const url = `http://${host}:${port}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 8_000);
      await exited;
      clearTimeout(timer);
      // when it stopped (the marker's time): a later start of another build waits out Ponder's hold on this schema
      if (existsSync(stateDir)) writeFileSync(marker, `${schema}\n`);
    }
  };

  /** Resolves once the backfill is done (`/ready`); rejects if the indexer exits or `timeoutMs` passes. */
  const ready = async (timeoutMs = o.readyTimeoutMs ?? 120_000) => {
    const until = Date.now() + timeoutMs;
    let target;
    let dead = false;
    void exited.then(() => (dead = true));
    while (Date.now() < until) {
      if (dead) throw new Error(`the indexer exited before it was ready:\n${log.join("").slice(-3_000)}`);
      const ok = await fetch(`${url}/ready`).then((r) => r.ok, () => false);
      // /ready means the backfill is done, up to Ponder's finality depth below the head; caught up
      // means the index reached the head seen then (the last blocks are indexed live)
      if (ok) {
        target ??= await chainHead(o.rpcUrl);
        if ((await indexedBlock(url)) >= target) return;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    await stop();
    throw new Error(`the indexer was not ready within ${timeoutMs} ms:\n${log.join("").slice(-3_000)}`);
  };

  return { url, pid: child.pid, ready, stop, exited, log: () => log.join("") };
}
