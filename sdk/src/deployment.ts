import { type Address, BaseError, getAddress, isAddress } from "viem";

import type { MotifAddresses } from "./addresses.js";

/** What `deployments/<chainId>.json` records for one chain (written by `scripts/deploy.ts`). */
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

/** A deployment record that does not have the shape `DeploymentRecord` describes; `field` names the first bad one. */
export class DeploymentRecordError extends BaseError {
  override name = "DeploymentRecordError";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Checks a parsed `deployments/<chainId>.json` and returns it typed (addresses checksummed).
 * @throws DeploymentRecordError naming the field, e.g. `contracts.MotifLicensing: expected an address, got "0x12"`.
 */
export function parseDeploymentRecord(value: unknown, source = "deployment record"): DeploymentRecord {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new DeploymentRecordError(field, `${source}: ${field}: expected ${expected}, got ${JSON.stringify(got)}`);
  };
  if (typeof value !== "object" || value === null) fail("(record)", "an object", value);
  const r = value as Record<string, unknown>;
  const uint = (field: string, v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : fail(field, "a non-negative integer", v));
  const address = (field: string, v: unknown) => (typeof v === "string" && isAddress(v, { strict: false }) ? getAddress(v) : fail(field, "an address", v));
  const chainId = uint("chainId", r.chainId);
  if (chainId === 0) fail("chainId", "a chain id of 1 or more", r.chainId);
  const network = typeof r.network === "string" ? r.network : fail("network", "a network name", r.network);
  const startBlock = uint("startBlock", r.startBlock);
  const c = (typeof r.contracts === "object" && r.contracts !== null ? r.contracts : fail("contracts", "an object of three addresses", r.contracts)) as Record<string, unknown>;
  const attesters = Array.isArray(r.attesters) ? r.attesters.map((a, i) => address(`attesters[${i}]`, a)) : fail("attesters", "a list of addresses", r.attesters);
  const compiler = (typeof r.compiler === "object" && r.compiler !== null ? r.compiler : fail("compiler", "{ version, settings }", r.compiler)) as { version: string; settings: unknown };
  return {
    chainId,
    network,
    startBlock,
    contracts: {
      MotifModelRegistry: address("contracts.MotifModelRegistry", c.MotifModelRegistry),
      MotifCertificate: address("contracts.MotifCertificate", c.MotifCertificate),
      MotifLicensing: address("contracts.MotifLicensing", c.MotifLicensing),
    },
    attesters,
    compiler,
  };
}

/** The SDK's address set of a deployment record (what `client.extend(motifActions({ addresses }))` takes). */
export function addressesOf(record: Pick<DeploymentRecord, "contracts">): MotifAddresses {
  return { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
}
