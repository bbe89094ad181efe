import { readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { Address, Hex } from "viem";
import { getAddress, isAddress } from "viem";
import type { NetworkConnection } from "hardhat/types/network";

import MotifModule from "../../ignition/modules/Motif.js";
import { SOLC_SETTINGS, SOLC_VERSION } from "../../hardhat.config.js";
import type { DeploymentRecord } from "../../generator/src/deployment.js";

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
