import { createConfig } from "ponder";
import { motifCertificateAbi, motifLicensingAbi, motifModelRegistryAbi } from "@motif/sdk";
import { rateLimitedHttp } from "./src/rate-limit";

/**
 * What the indexer reads: one chain, Motif's three contracts from their deployment block. Set by
 * `bin/motif-indexer.mjs` from a deployment record (or the environment), never edited per chain.
 */
const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined || value === "") throw new Error(`${name} is not set (bin/motif-indexer.mjs sets it from the deployment record)`);
  return value;
};
const address = (name: string) => env(name) as `0x${string}`;
const chainId = Number(env("MOTIF_CHAIN_ID"));
const startBlock = Number(env("MOTIF_START_BLOCK"));

export default createConfig({
  database: process.env.DATABASE_URL
    ? { kind: "postgres", connectionString: process.env.DATABASE_URL }
    : { kind: "pglite", directory: env("MOTIF_INDEX_DIR") },
  chains: {
    motif: {
      id: chainId,
      // MOTIF_INDEX_MAX_RPS: a share of a hosted plan's rate, kept by the transport (Ponder ignores its own option)
      rpc: process.env.MOTIF_INDEX_MAX_RPS ? rateLimitedHttp(env("MOTIF_RPC_URL"), Number(process.env.MOTIF_INDEX_MAX_RPS)) : env("MOTIF_RPC_URL"),
      pollingInterval: Number(process.env.MOTIF_INDEX_POLLING_MS ?? 1_000),
      // a local development chain restarts under the same id: never serve it from a cache
      disableCache: chainId === 31337,
    },
  },
  contracts: {
    MotifCertificate: { chain: "motif", abi: motifCertificateAbi, address: address("MOTIF_CERTIFICATE"), startBlock },
    MotifLicensing: { chain: "motif", abi: motifLicensingAbi, address: address("MOTIF_LICENSING"), startBlock },
    MotifModelRegistry: { chain: "motif", abi: motifModelRegistryAbi, address: address("MOTIF_REGISTRY"), startBlock },
  },
});
