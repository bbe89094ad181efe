import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Address, Hex } from "viem";
import { getAddress, isAddress } from "viem";

import { modelRegistration } from "@motif/sdk";
import type { NetworkConnection } from "hardhat/types/network";

import MotifModule from "../../ignition/modules/Motif.js";
import { SOLC_SETTINGS, SOLC_VERSION } from "../../hardhat.config.js";
import type { DeploymentRecord } from "../../generator/src/deployment.js";
import { loadManifest } from "../../generator/src/render/render.js";

export type DeployOptions = {
  /** Receives the admin, registrar and pauser roles; default: the deploying account. */
  admin?: Address;
  /** Generator keys to grant the attester role (needs the deployer to be admin). */
  attesters?: Address[];
};

/**
 * Deploys the Motif core with the Ignition module (idempotent on a persistent network: Ignition
 * resumes its journal), grants the attester role, and returns the record for `deployments/`.
 */
export async function deployMotif(connection: NetworkConnection, options: DeployOptions = {}) {
  const { viem, ignition, networkName } = connection;
  const publicClient = await viem.getPublicClient();
  const [deployer] = await viem.getWalletClients();
  if (deployer === undefined) throw new Error(`network ${networkName}: no account to deploy from (set its accounts)`);
  const admin = options.admin ?? deployer.account.address;
  const chainId = await publicClient.getChainId();
  await dropStaleLocalJournal(chainId, publicClient);

  const { registry, certificate, licensing } = await ignition.deploy(MotifModule, {
    parameters: { Motif: { admin } },
    displayUi: false,
  });

  // the registry checks training datasets against the licensing contract: wired once by its admin
  if (getAddress(await registry.read.licensing()) !== getAddress(licensing.address)) {
    if (getAddress(admin) === getAddress(deployer.account.address)) {
      await publicClient.waitForTransactionReceipt({ hash: await registry.write.setLicensing([licensing.address], { account: deployer.account }) });
    } else {
      console.warn(`the registry's admin ${admin} must call setLicensing(${licensing.address}) on ${registry.address} before a model can name a training dataset`);
    }
  }

  const attesterRole = await certificate.read.ATTESTER_ROLE();
  const granted: Address[] = [];
  for (const attester of options.attesters ?? []) {
    if (!(await certificate.read.hasRole([attesterRole, attester]))) {
      const hash: Hex = await certificate.write.grantRole([attesterRole, attester], { account: deployer.account });
      await publicClient.waitForTransactionReceipt({ hash });
    }
    granted.push(getAddress(attester));
  }

  const startBlock = await firstCodeBlock(publicClient, registry.address);
  const record: DeploymentRecord = {
    chainId,
    network: networkName,
    startBlock,
    contracts: {
      MotifModelRegistry: getAddress(registry.address),
      MotifCertificate: getAddress(certificate.address),
      MotifLicensing: getAddress(licensing.address),
    },
    attesters: granted,
    compiler: { version: SOLC_VERSION, settings: SOLC_SETTINGS },
  };
  return { registry, certificate, licensing, record };
}

type MotifRegistry = Awaited<ReturnType<typeof deployMotif>>["registry"];

export type RegisterShippedModelsOptions = {
  /** The models' owner (receives their royalty share). */
  owner: Address;
  /** Each model's royalty share in basis points (default 500, as `npm start`). */
  royaltyBps?: number;
  /** Only these shipped models, in manifest order (default all). */
  names?: string[];
  /** Told of a model whose weights were registered before under another name or version. */
  onMismatch?: (line: string) => void;
};

/**
 * Registers the shipped models (generator/models manifest) whose weights are not registered yet,
 * from the registry's default account (the registrar), in manifest order; returns name → model id.
 * On a fresh registry the ids are 1, 2, … in that order.
 */
export async function registerShippedModels(
  registry: MotifRegistry,
  publicClient: { waitForTransactionReceipt(a: { hash: Hex }): Promise<unknown> },
  options: RegisterShippedModelsOptions,
): Promise<Record<string, number>> {
  const manifest = await loadManifest();
  const unknown = (options.names ?? []).filter((n) => !manifest.some((m) => m.name === n));
  if (unknown.length > 0) throw new Error(`models: ${unknown.map((n) => `"${n}"`).join(", ")} not shipped (the manifest has ${manifest.map((m) => m.name).join(", ")})`);
  const modelIds: Record<string, number> = {};
  for (const m of manifest) {
    if (options.names !== undefined && !options.names.includes(m.name)) continue;
    let id = await registry.read.modelIdByWeights([m.sha256]);
    if (id === 0) {
      const entry = modelRegistration({ owner: options.owner, weightsDigest: m.sha256, royaltyBps: options.royaltyBps ?? 500, name: m.name, version: m.version, cardDigest: m.cardDigest });
      await publicClient.waitForTransactionReceipt({ hash: await registry.write.registerModel([entry]) });
      id = await registry.read.modelIdByWeights([m.sha256]);
    } else {
      // metadata names the model as the generator does; an auditor checks it against the registry
      const registered = await registry.read.getModel([id]);
      if (registered.name !== m.name || registered.version !== m.version) {
        options.onMismatch?.(`model #${id} is registered as "${registered.name} ${registered.version}" (an earlier stack), the generator names it "${m.name} ${m.version}": verification will fail its model item for new patterns (npm start -- --reset starts over)`);
      }
    }
    modelIds[m.name] = id;
  }
  return modelIds;
}

/** Parses a comma-separated address list from the environment, naming the variable on error. */
export function addressList(name: string, value: string | undefined): Address[] {
  if (value === undefined || value.trim() === "") return [];
  return value.split(",").map((raw) => {
    const s = raw.trim();
    if (!isAddress(s)) throw new Error(`${name}: "${s}" is not a 0x-prefixed 20-byte address`);
    return getAddress(s);
  });
}

/** Chain ids of throw-away development chains (Hardhat, Anvil). */
const DEV_CHAIN_IDS = new Set([31337, 1337]);

/**
 * A development node restarted from scratch leaves Ignition's journal
 * (`ignition/deployments/chain-<id>`) pointing at contracts that no longer exist, and Ignition
 * would refuse to redeploy. On a development chain only, drop such a journal.
 */
async function dropStaleLocalJournal(
  chainId: number,
  client: { getCode(a: { address: Address }): Promise<Hex | undefined> },
): Promise<void> {
  if (!DEV_CHAIN_IDS.has(chainId)) return;
  const dir = path.join(process.cwd(), "ignition", "deployments", `chain-${chainId}`);
  let recorded: Record<string, Address>;
  try {
    recorded = JSON.parse(await readFile(path.join(dir, "deployed_addresses.json"), "utf8"));
  } catch {
    return;
  }
  for (const address of Object.values(recorded)) {
    const code = await client.getCode({ address });
    if (code === undefined || code === "0x") {
      await rm(dir, { recursive: true, force: true });
      return;
    }
  }
}

/** Binary search for the first block at which `address` has code (its deployment block). */
async function firstCodeBlock(
  client: { getBlockNumber(): Promise<bigint>; getCode(a: { address: Address; blockNumber: bigint }): Promise<Hex | undefined> },
  address: Address,
): Promise<number> {
  let lo = 0n;
  let hi = await client.getBlockNumber();
  while (lo < hi) {
    const mid = (lo + hi) / 2n;
    const code = await client.getCode({ address, blockNumber: mid });
    if (code !== undefined && code !== "0x") hi = mid;
    else lo = mid + 1n;
  }
  return Number(lo);
}
