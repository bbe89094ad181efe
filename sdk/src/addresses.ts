import type { Address } from "viem";

import { addressesOf, parseDeploymentRecord } from "./deployment.js";
import local from "./deployments/31337.json" with { type: "json" };

/** Where the Motif contracts live on one chain. */
export type MotifAddresses = { certificate: Address; registry: Address; licensing: Address };

const known: Record<number, MotifAddresses> = {
  [local.chainId]: addressesOf(parseDeploymentRecord(local, "sdk/src/deployments/31337.json")),
};

/** The recorded deployment of `chainId` (deployments/<chainId>.json), or undefined. */
export function defaultAddresses(chainId: number): MotifAddresses | undefined {
  return known[chainId];
}
