import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";

/** What `deployments/<chainId>.json` records for one chain. */
export type DeploymentRecord = {
  chainId: number;
  /** Hardhat network name the deployment was made through. */
  network: string;
  /** Block of the first Motif deployment transaction: where log queries can start. */
  startBlock: number;
  contracts: {
    MotifModelRegistry: Address;
    MotifCertificate: Address;
    MotifLicensing: Address;
  };
  /** Accounts granted the attester role by the deploy script. */
  attesters: Address[];
  /** Compiler and settings the bytecode was built with. */
  compiler: { version: string; settings: unknown };
};

/** `deployments/<chainId>.json` under `root`. */
export function deploymentPath(root: string, chainId: number): string {
  return path.join(root, "deployments", `${chainId}.json`);
}

/** Writes the record (stable key order, trailing newline) and returns its path. */
export async function writeDeployment(root: string, record: DeploymentRecord): Promise<string> {
  const file = deploymentPath(root, record.chainId);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(record, null, 2) + "\n");
  return file;
}

/** Reads `deployments/<chainId>.json`, or returns undefined when there is none. */
export async function readDeployment(root: string, chainId: number): Promise<DeploymentRecord | undefined> {
  try {
    return JSON.parse(await readFile(deploymentPath(root, chainId), "utf8")) as DeploymentRecord;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}
