import { network } from "hardhat";
import type { NetworkConnection } from "hardhat/types/network";
import { type Hex, getAddress } from "viem";

import { motifActions } from "@motif/sdk";
import { deployMotif, registerShippedModels } from "../../../scripts/lib/deploy.js";

export type DeployedOptions = {
  /** The chain (default: a new in-process Hardhat network). */
  connection?: NetworkConnection;
  /** Shipped models to register as account #0, in manifest order (ids 1, 2, … on a new chain). */
  models?: string[];
  /** Their royalty share (default 0). */
  modelRoyaltyBps?: number;
};

/**
 * The Motif core deployed as the tests use it: account #0 admin and registrar, account #1 the
 * generator (attester role), every account's wallet client extended with the SDK's actions, and the
 * shipped models asked for registered. One place instead of a copy per test file.
 */
export async function deployedMotif(options: DeployedOptions = {}) {
  const connection = options.connection ?? (await network.create());
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const wallets = await viem.getWalletClients();
  const [admin, generator] = wallets;
  if (admin === undefined || generator === undefined) throw new Error("deployedMotif: the chain needs two accounts");
  const deployed = await deployMotif(connection, { attesters: [generator.account.address] });
  const { record } = deployed;
  const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
  const modelIds =
    options.models !== undefined
      ? await registerShippedModels(deployed.registry, publicClient, { owner: getAddress(admin.account.address), royaltyBps: options.modelRoyaltyBps ?? 0, names: options.models })
      : {};
  return {
    connection,
    viem,
    publicClient,
    wallets,
    ...deployed,
    addresses,
    modelIds,
    /** Each account's wallet client with `motifActions` (index = Hardhat account). */
    motif: wallets.map((w) => w.extend(motifActions({ addresses }))),
    wait: (hash: Hex) => publicClient.waitForTransactionReceipt({ hash }),
  };
}

export type DeployedMotif = Awaited<ReturnType<typeof deployedMotif>>;
