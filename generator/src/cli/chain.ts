import { type Address, type Hex, createPublicClient, createWalletClient, getAddress, http, isAddress, isHex } from "viem";

import { motifModelRegistryAbi } from "@motif/sdk";
import { generatorAccount } from "../config.js";
import { readDeployment } from "../deployment.js";
import { loadManifest } from "../render/render.js";
import type { Attester } from "../stages/attest.js";
import type { Minter } from "../stages/mint.js";
import { UsageError } from "./args.js";

export type ChainSetup = {
  attester: Attester;
  minter: Minter;
  modelIds: Record<string, number>;
  creator: Address;
  chainId: number;
  /** Where the deployment's logs start (MOTIF_START_BLOCK, else the deployment record's start block). */
  startBlock: bigint;
  /** MOTIF_INDEXER_URL: an indexer to read minted certificates from instead of the chain's history. */
  indexer: string | undefined;
  /** Whether weights with this sha-256 are a model in MotifModelRegistry (active or deprecated). */
  isRegisteredWeights: (digest: Hex) => Promise<boolean>;
  registeredCardDigest: (digest: Hex) => Promise<Hex | undefined>;
};

export type MotifContracts = { certificate: Address; registry: Address; licensing: Address };

/**
 * The Motif addresses on `chainId`: MOTIF_CERTIFICATE / MOTIF_REGISTRY / MOTIF_LICENSING when set,
 * else deployments/<chainId>.json; a UsageError names the one that is missing.
 */
export async function contractsFor<K extends keyof MotifContracts>(
  chainId: number,
  need: readonly K[],
  env = process.env,
): Promise<Pick<MotifContracts, K>> {
  const deployment = await readDeployment(process.cwd(), chainId);
  const sources: Record<keyof MotifContracts, [string, Address | undefined]> = {
    certificate: ["MOTIF_CERTIFICATE", deployment?.contracts.MotifCertificate],
    registry: ["MOTIF_REGISTRY", deployment?.contracts.MotifModelRegistry],
    licensing: ["MOTIF_LICENSING", deployment?.contracts.MotifLicensing],
  };
  const out = {} as Pick<MotifContracts, K>;
  for (const key of need) {
    const [name, fromFile] = sources[key];
    const raw = env[name] ?? fromFile;
    if (raw === undefined || !isAddress(raw)) {
      throw new UsageError(`${name}: no address for chain ${chainId} (set it, or deploy and record deployments/${chainId}.json)`);
    }
    out[key] = getAddress(raw) as Pick<MotifContracts, K>[K];
  }
  return out;
}

/**
 * The block Motif was deployed at on `chainId`, where event reads start (never block 0 of a long
 * chain): MOTIF_START_BLOCK when set; else the deployment record's `startBlock` when the certificate's
 * address is the record's (MOTIF_CERTIFICATE unset); else 0.
 */
export async function startBlockFor(chainId: number, env = process.env): Promise<bigint> {
  const raw = env.MOTIF_START_BLOCK;
  if (raw !== undefined && raw !== "") {
    if (!/^\d{1,15}$/.test(raw)) throw new UsageError(`MOTIF_START_BLOCK: "${raw}" is not a block number (a whole number, 0 to 999999999999999)`);
    return BigInt(raw);
  }
  if (env.MOTIF_CERTIFICATE !== undefined && env.MOTIF_CERTIFICATE !== "") return 0n;
  return BigInt((await readDeployment(process.cwd(), chainId))?.startBlock ?? 0);
}

/**
 * Chain access for CLI commands, from the environment: MOTIF_RPC_URL, MOTIF_ATTESTER_KEY (the
 * generator's key; never printed), and the addresses from deployments/<chainId>.json unless
 * MOTIF_CERTIFICATE / MOTIF_REGISTRY override them. Undefined when MOTIF_RPC_URL is unset.
 */
export async function chainFromEnv(env = process.env): Promise<ChainSetup | undefined> {
  const url = env.MOTIF_RPC_URL;
  if (url === undefined || url === "") return undefined;
  const account = accountFromEnv("MOTIF_ATTESTER_KEY", "required with MOTIF_RPC_URL, a", env);
  const { publicClient, chainId, addresses, fromBlock } = await connect(url, ["certificate", "registry"], env);
  const { certificate, registry } = addresses;
  const wallet = createWalletClient({ account, transport: http(url) });
  const modelIds: Record<string, number> = {};
  for (const m of await loadManifest()) {
    const id = await publicClient.readContract({ address: registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [m.sha256] });
    if (id !== 0) modelIds[m.name] = id;
  }
  return {
    attester: { signer: account, chainId, certificate },
    minter: { wallet, publicClient, certificate },
    modelIds,
    creator: getAddress(env.MOTIF_CREATOR ?? account.address),
    chainId,
    startBlock: fromBlock,
    indexer: indexerFromEnv(env),
    isRegisteredWeights: async (digest) => (await publicClient.readContract({ address: registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [digest] })) !== 0,
    registeredCardDigest: async (digest) => {
      const modelId = await publicClient.readContract({ address: registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [digest] });
      return modelId === 0 ? undefined : (await publicClient.readContract({ address: registry, abi: motifModelRegistryAbi, functionName: "getModel", args: [modelId] })).cardDigest;
    },
  };
}

/** MOTIF_INDEXER_URL when set (an http(s) URL, else a UsageError naming it). */
export function indexerFromEnv(env = process.env): string | undefined {
  const url = env.MOTIF_INDEXER_URL;
  if (url === undefined || url === "") return undefined;
  if (!/^https?:\/\/[^\s]+$/.test(url)) throw new UsageError(`MOTIF_INDEXER_URL: "${url}" is not an http(s) URL (the indexer's, e.g. http://127.0.0.1:42069)`);
  return url;
}

/** MOTIF_RPC_URL, or a UsageError saying what it is needed for. */
export function rpcUrlFromEnv(purpose: string, env = process.env): string {
  const url = env.MOTIF_RPC_URL;
  if (url === undefined || url === "") throw new UsageError(`MOTIF_RPC_URL: required, ${purpose}`);
  return url;
}

/** A public client on `url`, its chain id, and the Motif addresses `need`ed there (see `contractsFor`). */
export async function connect<K extends keyof MotifContracts>(url: string, need: readonly K[], env = process.env) {
  const publicClient = createPublicClient({ transport: http(url) });
  const chainId = await publicClient.getChainId();
  return { publicClient, chainId, addresses: await contractsFor(chainId, need, env), fromBlock: await startBlockFor(chainId, env) };
}

/** The account of the private key in `env[name]`; a UsageError names the variable (never the value). */
function accountFromEnv(name: string, what: string, env: NodeJS.ProcessEnv) {
  const key = env[name];
  if (key === undefined || !isHex(key) || key.length !== 66) throw new UsageError(`${name}: ${what} 0x-prefixed 32-byte hex private key`);
  return generatorAccount(key);
}

/**
 * A signing wallet for commands an account performs itself (a recipe's author certifying it, a
 * dataset's licensee certifying it): MOTIF_RPC_URL and MOTIF_WALLET_KEY (never printed), with the
 * addresses `need`s from deployments/<chainId>.json or the MOTIF_* overrides.
 */
export async function walletFromEnv<K extends keyof MotifContracts>(need: readonly K[], env = process.env) {
  const url = rpcUrlFromEnv("the chain to certify on", env);
  const account = accountFromEnv("MOTIF_WALLET_KEY", "required, the signing account's", env);
  const connected = await connect(url, need, env);
  return { ...connected, wallet: createWalletClient({ account, transport: http(url) }) };
}
