/**
 * The Motif stack on one machine — what `npm start` runs, `npm run demo` drives and the browser
 * tests open:
 *   - a chain: Hardhat's in-process EDR simulation served as JSON-RPC on loopback (chain 31337,
 *     kept across restarts in <state>/chain), or a real chain at MOTIF_RPC_URL
 *   - the contracts deployed with the Ignition module, addresses in deployments/<chainId>.json
 *   - the shipped models registered under their weights digests
 *   - IPFS: the embedded store in <state>/ipfs, or a Kubo node at MOTIF_IPFS_API, behind a
 *     read-only trustless gateway on loopback
 *   - the generator HTTP API (minting with the generator key), its screening index rebuilt from
 *     the chain's certificates
 *   - the web page (web/dist) with its /config.json
 *   - the indexer (indexer/, Ponder on an embedded PGlite) serving search and history over HTTP
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import fastifyStatic from "@fastify/static";
import Fastify from "fastify";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { type Account, type Address, type Chain, type PublicClient, type Transport, type WalletClient, getAddress } from "viem";

import { buildApi, fixedKeyRefusal } from "../../generator/src/api/server.js";
import { queuesFromEnv } from "../../generator/src/queue/distributed.js";
import { redactSecrets } from "../../generator/src/redact.js";
import { STACK_FILE, type StackInfo, readStackInfo } from "./stack-info.js";
import { type IpfsStore } from "../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../generator/src/ipfs/gateway.js";
import { startIndexer } from "@motif/indexer/launch";
import { selectStore } from "../../generator/src/ipfs/select.js";
import type { PinQueue } from "../../generator/src/ipfs/resilient.js";
import type { PipelineConfig } from "../../generator/src/pipeline.js";
import { pipelineConfig } from "../../generator/src/config.js";
import { MODELS_DIR, closeRenderPools, loadManifest } from "../../generator/src/render/render.js";
import { certificateBanks } from "../../generator/src/screen/from-chain.js";
import { PdqIndex } from "../../generator/src/screen/pdq-index.js";
import { BankSet } from "../../generator/src/screen/banks.js";
import { BankStore } from "../../generator/src/screen/bank-store.js";
import { journaledChain, serveJsonRpc } from "./chain-server.js";
import { addressList, deployMotif, registerShippedModels } from "./deploy.js";
import { type DeploymentRecord, writeDeployment } from "../../generator/src/deployment.js";

export const LOCAL_CHAIN_ID = 31337;
export const DEFAULT_PORTS = { rpc: 8545, gateway: 8081, api: 8787, web: 5173, indexer: 42069 } as const;
/**
 * The stack's API key: MOTIF_API_KEY, else the one kept in <state>/api-key, else a new random one
 * written there (mode 600) — so a restart keeps it and `--reset` makes a new one. The fixed
 * "local-dev-key" is refused with MOTIF_RPC_URL (a real chain, where the API mints with the
 * generator key).
 */
export async function stackApiKey(stateDir: string, env: NodeJS.ProcessEnv, chain: "local" | "remote"): Promise<string> {
  const given = env.MOTIF_API_KEY;
  if (given !== undefined && given !== "") {
    const refusal = fixedKeyRefusal([given], chain, "MOTIF_API_KEY");
    if (refusal !== undefined) throw new Error(refusal);
    if (given.length < 16) throw new Error(`MOTIF_API_KEY: ${given.length} characters; use at least 16 random characters`);
    return given;
  }
  const file = path.join(stateDir, "api-key");
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored.length >= 16) {
      await chmod(file, 0o600); // a copied or restored file may be readable by others: make it private again
      return stored;
    }
  } catch {
    // none yet
  }
  const key = `motif_${randomBytes(24).toString("base64url")}`;
  await writeFile(file, key + "\n", { mode: 0o600 });
  return key;
}

/**
 * The stack's admin key (may manage the hash banks at /v1/banks): MOTIF_ADMIN_KEY, else the one kept
 * in <state>/admin-key, else a new random one written there (mode 600). Never given to the web page.
 */
export async function stackAdminKey(stateDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  const given = env.MOTIF_ADMIN_KEY;
  if (given !== undefined && given !== "") {
    if (given.length < 16) throw new Error(`MOTIF_ADMIN_KEY: ${given.length} characters; use at least 16 random characters`);
    return given;
  }
  const file = path.join(stateDir, "admin-key");
  try {
    const stored = (await readFile(file, "utf8")).trim();
    if (stored.length >= 16) {
      await chmod(file, 0o600);
      return stored;
    }
  } catch {
    // none yet
  }
  const key = `motif_admin_${randomBytes(24).toString("base64url")}`;
  await writeFile(file, key + "\n", { mode: 0o600 });
  return key;
}

export type StackOptions = {
  /** Where the chain journal, IPFS blocks and pin queue live (default .motif). */
  stateDir: string;
  /** Delete the state first: a new chain and an empty store. */
  reset?: boolean;
  /** 0 picks a free port. */
  ports?: Partial<Record<keyof typeof DEFAULT_PORTS, number>>;
  /** The built web page (default web/dist); the page is not served when the folder is missing. */
  webDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Progress lines while starting. */
  log?: (line: string) => void;
  /**
   * Run the indexer (Ponder on an embedded PGlite in <state>/index; PostgreSQL with DATABASE_URL).
   * It starts in the background: the stack is ready before its backfill is, and the web page reads
   * the chain until the indexer answers `/ready`. Default false (npm start turns it on).
   */
  indexer?: boolean;
  /** Where deployments/<chainId>.json is written (default the working folder). */
  deploymentDir?: string;
};

export type Stack = {
  chainId: number;
  /** "local": the in-process chain; "remote": MOTIF_RPC_URL. */
  chain: "local" | "remote";
  /** The IPFS store in use, in words (embedded folder or Kubo URL). */
  ipfs: string;
  urls: { rpc: string; gateway: string; api: string; web: string | undefined; indexer: string | undefined };
  apiKey: string;
  deployment: DeploymentRecord;
  /** Resolves once the indexer's backfill is done (at once without an indexer). */
  indexerReady: Promise<void>;
  modelIds: Record<string, number>;
  /** Hardhat's connection to the chain (viem clients of the stack's accounts). */
  connection: NetworkConnection;
  /** Funded accounts: #0 deployer/admin, #1 generator (attester and creator), then test accounts. */
  accounts: Address[];
  store: IpfsStore;
  pinQueue: PinQueue;
  pipeline: PipelineConfig;
  /** State-changing requests replayed from the journal on start (0 on a new chain). */
  replayedRequests: number;
  close(): Promise<void>;
};

const WEB_DIR = path.join(process.cwd(), "web", "dist");

/**
 * The generator pipeline of a stack: the generator key attests and mints (creator and royalty
 * 5%), and the screening index starts from every certificate on the chain.
 */
export async function generatorPipeline(o: {
  store: IpfsStore;
  pinQueue: PinQueue;
  generator: WalletClient<Transport, Chain | undefined, Account>;
  publicClient: PublicClient;
  chainId: number;
  deployment: DeploymentRecord;
  modelIds: Record<string, number>;
}): Promise<PipelineConfig> {
  const certificate = o.deployment.contracts.MotifCertificate;
  return pipelineConfig({
    store: o.store,
    pinQueue: o.pinQueue,
    ...(await certificateBanks(o.publicClient, certificate, BigInt(o.deployment.startBlock))),
    chain: {
      attester: { signer: { client: o.generator, account: o.generator.account }, chainId: o.chainId, certificate },
      minter: { wallet: o.generator, publicClient: o.publicClient, certificate },
      modelIds: o.modelIds,
      creator: getAddress(o.generator.account.address),
      licensing: o.deployment.contracts.MotifLicensing,
    },
  });
}

/** An RPC URL as it may be printed: scheme and host only (paths, queries and credentials hold keys). */
export const redactUrl = (url: string): string => redactSecrets(url);

export async function startStack(options: StackOptions): Promise<Stack> {
  const env = options.env ?? process.env;
  const log = options.log ?? (() => {});
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  for (const [name, p] of Object.entries(ports)) {
    if (!Number.isInteger(p) || p < 0 || p > 65535) throw new RangeError(`ports.${name}: ${p} is not a port in 0..65535`);
  }
  if (options.reset) await rm(options.stateDir, { recursive: true, force: true });
  await mkdir(options.stateDir, { recursive: true });
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of closers.reverse()) await c().catch(() => undefined);
    closers.length = 0;
  };

  try {
    // Chain.
    const remoteUrl = env.MOTIF_RPC_URL;
    const apiKey = await stackApiKey(options.stateDir, env, remoteUrl !== undefined && remoteUrl !== "" ? "remote" : "local");
    let rpcUrl: string;
    let connection: NetworkConnection;
    let replayedRequests = 0;
    if (remoteUrl !== undefined && remoteUrl !== "") {
      rpcUrl = remoteUrl;
      // url and keys are the `motif` network's config variables: environment or keystore
      connection = await network.create({ network: "motif" });
      log(`chain: ${redactUrl(remoteUrl)}`);
    } else {
      const chain = await journaledChain(path.join(options.stateDir, "chain"), LOCAL_CHAIN_ID, async (genesisTime) => {
        const simulated = await network.create({ network: "default", override: genesisTime === undefined ? {} : { initialDate: genesisTime } });
        closers.push(() => simulated.close());
        return simulated.provider;
      });
      replayedRequests = chain.replayed.requests;
      if (replayedRequests > 0) log(`chain: replayed ${replayedRequests} requests from ${path.join(options.stateDir, "chain")} (block ${chain.replayed.blockNumber})`);
      const server = await serveJsonRpc(chain.provider, ports.rpc);
      closers.push(() => server.close());
      rpcUrl = server.url;
      connection = await network.create({ network: "localhost", override: { url: rpcUrl } });
    }
    closers.push(() => connection.close());
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const wallets = await viem.getWalletClients();
    const [admin, generator] = wallets;
    if (admin === undefined || generator === undefined) throw new Error("the chain needs two accounts: the deployer (MOTIF_DEPLOYER_KEY) and the generator (MOTIF_ATTESTER_KEY)");
    const chainId = await publicClient.getChainId();

    // Contracts and models.
    log("contracts: deploying with Ignition (resumes an earlier deployment)");
    const { record, registry } = await deployMotif(connection, { attesters: addressList("generator", generator.account.address) });
    await writeDeployment(options.deploymentDir ?? process.cwd(), record);
    const modelIds = await registerShippedModels(registry, publicClient, { owner: getAddress(admin.account.address), onMismatch: (line) => log(`warning: ${line}`) });

    // IPFS store and gateway.
    const { store, kind, pinQueue } = selectStore(path.join(options.stateDir, "ipfs"), env);
    // the shipped models' weights and cards, fetchable by the digests they are registered under (auditors, the models page, /v1/render weightsCid)
    for (const m of await loadManifest()) {
      await store.add(await readFile(path.join(MODELS_DIR, m.file)));
      await store.add(await readFile(path.join(MODELS_DIR, m.card)));
    }
    const gateway = await buildGateway(store);
    closers.push(() => gateway.close());
    const gatewayUrl = await gateway.listen({ port: ports.gateway, host: "127.0.0.1" });

    // Web page first: the API lets only its origin call it from a browser. It gets the API's URL
    // and key through /config.json, filled in once the API listens.
    const webDir = options.webDir ?? WEB_DIR;
    const generated: Record<string, string> = {};
    let webUrl: string | undefined;
    if (await isDir(webDir)) {
      const web = await serveStatic(webDir, ports.web, generated);
      closers.push(() => web.close());
      webUrl = web.url;
    } else {
      log(`web page: ${path.relative(process.cwd(), webDir)} is missing; run \`npm run build:web\``);
    }

    // Generator API, screening against every certificate on the chain and the hash banks of the
    // state folder (<state>/banks, reloaded within a second of a `motif bank` change).
    const pipeline = await generatorPipeline({ store, pinQueue, generator, publicClient, chainId, deployment: record, modelIds });
    const bankStore = new BankStore(options.stateDir);
    pipeline.banks ??= BankSet.ofIndex(pipeline.index);
    const watching = await bankStore.watch(pipeline.banks, { onError: (error) => log(`banks: reload failed, keeping the banks loaded before: ${(error as Error).message}`) });
    closers.push(async () => watching.close());
    const adminKey = await stackAdminKey(options.stateDir, env);
    if (adminKey === apiKey) throw new Error("MOTIF_ADMIN_KEY: the same as the API key, which the web page gets; use another random key for the admin");
    // MOTIF_REDIS_URL: batches run on BullMQ workers (`motif worker`); the API reports their progress
    const queues = queuesFromEnv(env);
    if (queues !== undefined) closers.push(() => queues.close());
    // renders up to the renderer's largest side: a print tile (64 cm at 300 DPI is 7,559 px) renders,
    // and the web auditor re-renders it, through the stack's own API (bands bound the memory)
    const api = await buildApi({
      keys: [
        { key: apiKey, name: "local", tier: "studio", requestsPerMinute: 600, maxPixelsPerRequest: 8192 * 8192, maxConcurrentRenders: 4 },
        { key: adminKey, name: "admin", tier: "studio", requestsPerMinute: 600, maxPixelsPerRequest: 8192 * 8192, maxConcurrentRenders: 4, admin: true },
      ],
      pipeline,
      banks: { store: bankStore, reload: watching.reload },
      ...(queues !== undefined ? { queues } : {}),
      usageFile: path.join(options.stateDir, "usage.jsonl"),
      corsOrigins: webUrl !== undefined ? [webUrl, webUrl.replace("127.0.0.1", "localhost")] : [],
      isRegisteredWeights: async (digest) => (await registry.read.modelIdByWeights([digest])) !== 0,
      registeredCardDigest: async (digest) => {
        const modelId = await registry.read.modelIdByWeights([digest]);
        return modelId === 0 ? undefined : (await registry.read.getModel([modelId])).cardDigest;
      },
      allowWeightUploads: env.MOTIF_ALLOW_WEIGHT_UPLOADS === "1",
    });
    closers.push(closeRenderPools); // after the API has closed: its renders' worker threads
    closers.push(() => api.close());
    const apiUrl = await api.listen({ port: ports.api, host: "127.0.0.1" });

    // The indexer: a local chain is indexed afresh each start (its replayed blocks get new hashes);
    // a remote one keeps its index in <state>/index.
    let indexerUrl: string | undefined;
    let indexerReady: Promise<void> = Promise.resolve();
    if (options.indexer) {
      const remote = remoteUrl !== undefined && remoteUrl !== "";
      const indexer = await startIndexer({
        rpcUrl,
        chainId,
        startBlock: record.startBlock,
        addresses: { certificate: record.contracts.MotifCertificate, licensing: record.contracts.MotifLicensing, registry: record.contracts.MotifModelRegistry },
        stateDir: path.join(options.stateDir, "index"),
        fresh: !remote,
        port: ports.indexer,
        pollingMs: remote ? 2_000 : 500,
        // Ponder's default (50 requests/s) would take a hosted plan's whole budget (often 25/s) and
        // starve the stack's own writes: on a remote chain it gets a share (MOTIF_INDEX_MAX_RPS, default 10)
        ...(remote ? { maxRequestsPerSecond: Number(env.MOTIF_INDEX_MAX_RPS ?? 10) } : {}),
        ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
      });
      closers.push(() => indexer.stop());
      indexerUrl = indexer.url;
      indexerReady = indexer.ready(600_000);
      indexerReady.then(
        () => log(`indexer: caught up (${indexer.url})`),
        (error: unknown) => log(`indexer: not running: ${(error as Error).message.split("\n")[0]}; the web page reads the chain instead`),
      );
    }

    const urls = { rpc: rpcUrl, gateway: gatewayUrl, api: apiUrl, web: webUrl, indexer: indexerUrl };
    generated["/config.json"] = JSON.stringify({
      chainId,
      rpcUrl: remoteUrl !== undefined && remoteUrl !== "" ? undefined : rpcUrl,
      gateway: gatewayUrl,
      api: apiUrl,
      apiKey,
      ...(indexerUrl !== undefined ? { indexer: indexerUrl } : {}),
      contracts: record.contracts,
      startBlock: record.startBlock,
      models: modelIds,
      // each model's params as its manifest entry declares them: the creator form is built from them
      modelParams: Object.fromEntries((await loadManifest()).map((m) => [m.name, m.params])),
    });

    const accounts = wallets.map((w) => getAddress(w.account.address));
    // for `npm run demo` to attach, `npm start` to name a running stack, and tools and tests to find
    // it without reading the banner; the remote RPC URL is written without its secrets
    const stackFile = path.join(options.stateDir, STACK_FILE);
    const info: StackInfo = {
      pid: process.pid,
      chainId,
      chain: remoteUrl ? "remote" : "local",
      urls: { ...urls, rpc: remoteUrl ? redactUrl(rpcUrl) : rpcUrl },
      apiKey,
      contracts: record.contracts,
      startBlock: record.startBlock,
    };
    await writeFile(stackFile, JSON.stringify(info, null, 2) + "\n", { mode: 0o600 });
    await chmod(stackFile, 0o600); // writeFile's mode applies only to a new file
    closers.unshift(() => rm(stackFile, { force: true }));

    return {
      chainId,
      chain: remoteUrl ? "remote" : "local",
      ipfs: kind,
      urls,
      apiKey,
      indexerReady,
      deployment: record,
      modelIds,
      connection,
      accounts,
      store,
      pinQueue,
      pipeline,
      replayedRequests,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Whether a Host header names this loopback server (127.0.0.1, localhost or [::1], on `port`). */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (host === undefined) return false;
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d+))?$/i.exec(host);
  return m !== null && (m[2] === undefined ? port === 80 : Number(m[2]) === port);
}

/**
 * A read-only static file server on loopback for the built web page (`@fastify/static`), plus a few
 * generated files; any other path is the page itself (a single-page app).
 */
export async function serveStatic(root: string, port: number, generated: Record<string, string> = {}): Promise<{ url: string; close(): Promise<void> }> {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  let bound = 0;
  app.addHook("onRequest", async (request, reply) => {
    // DNS rebinding: a page on another name that resolves to 127.0.0.1 would be same-origin with
    // this server and read /config.json (the API key). Only the loopback names are served.
    if (!isLoopbackHost(request.headers.host, bound)) {
      return reply.code(421).type("text/plain").send("misdirected request: this server answers only 127.0.0.1, localhost or [::1]\n");
    }
    if (request.method !== "GET" && request.method !== "HEAD") return reply.code(405).send();
    let pathname: string | undefined;
    try {
      pathname = decodeURIComponent(new URL(request.url, "http://x").pathname);
    } catch {
      return; // not a generated file; the static plugin answers
    }
    const extra = generated[pathname];
    if (extra !== undefined) return reply.code(200).type("application/json").header("cache-control", "no-store").send(extra);
  });
  await app.register(fastifyStatic, { root: path.resolve(root), setHeaders: (response) => response.setHeader("x-content-type-options", "nosniff") });
  app.setNotFoundHandler((_request, reply) => reply.sendFile("index.html"));
  await app.listen({ port, host: "127.0.0.1" });
  bound = (app.server.address() as AddressInfo).port;
  return { url: `http://127.0.0.1:${bound}`, close: () => app.close() };
}

/** The stack another process (`npm start`) is running from `stateDir` on its own local chain, if it is still alive. */
export async function runningStack(stateDir: string): Promise<StackInfo | undefined> {
  try {
    const info = readStackInfo(stateDir);
    process.kill(info.pid, 0);
    return info.chain === "local" ? info : undefined;
  } catch {
    return undefined;
  }
}

