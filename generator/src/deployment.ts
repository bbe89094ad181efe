// Reading and writing `deployments/<chainId>.json` on disk; the record's type, checks and address
// set are the SDK's (`DeploymentRecord`, `parseDeploymentRecord`, `addressesOf`).
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

import { type DeploymentRecord, parseDeploymentRecord } from "@motif/sdk";

export type { DeploymentRecord } from "@motif/sdk";

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

/** Reads and checks `deployments/<chainId>.json`, or returns undefined when there is none. */
export async function readDeployment(root: string, chainId: number): Promise<DeploymentRecord | undefined> {
  const file = deploymentPath(root, chainId);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  return parseDeploymentRecord(JSON.parse(text), file);
}
