import { createRequire } from "node:module";
import { readdirSync } from "node:fs";
import path from "node:path";
import { configVariable, defineConfig, overrideTask } from "hardhat/config";
import hardhatViem from "@nomicfoundation/hardhat-viem";
import hardhatMocha from "@nomicfoundation/hardhat-mocha";
import hardhatIgnitionViem from "@nomicfoundation/hardhat-ignition-viem";
import hardhatNetworkHelpers from "@nomicfoundation/hardhat-network-helpers";
import hardhatKeystore from "@nomicfoundation/hardhat-keystore";

import { tempCleanupHooks } from "./test/ts/helpers/temp-cleanup.js";

const require = createRequire(import.meta.url);

/**
 * Compiler settings (recorded here and in README.md):
 * - solc 0.8.30 from the `solc` npm package (soljson.js, no compiler download);
 * - optimizer on, 200 runs, via-IR: the IR pipeline makes both cheaper calls and smaller code;
 *   200 runs keeps MotifLicensing (23.9 KB since licence terms carry Nice classes and an advance)
 *   under the 24 KB EIP-170 limit;
 * - EVM version prague; metadata hash none (bytecode independent of the build machine's paths).
 * Warnings fail the build: see `scripts/check-solc-warnings.ts`, run by `npm run build`.
 */
export const SOLC_VERSION = "0.8.30";
export const SOLC_SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  viaIR: true,
  evmVersion: "prague",
  metadata: { bytecodeHash: "none" },
} as const;

/**
 * Where the mocha tests live: each package's own tests beside it (`sdk/test`, `generator/test`,
 * `web/test`) and the cross-package ones (whole stack, flows, audits, tooling) in `test/ts`.
 * Hardhat's mocha runner reads one folder, so `hardhat test` (and `hardhat test mocha` without
 * files) is given every `*.test.ts` of these folders; files named on the command line run as given.
 */
export const MOCHA_TEST_DIRS = ["sdk/test", "generator/test", "indexer/test", "web/test", "test/ts"] as const;
export function mochaTestFiles(root = process.cwd()): string[] {
  return MOCHA_TEST_DIRS.flatMap((dir) => {
    let names: string[];
    try {
      names = readdirSync(path.join(root, dir));
    } catch {
      return [];
    }
    return names.filter((n) => n.endsWith(".test.ts")).sort().map((n) => path.join(dir, n));
  });
}
const mochaEverywhere = overrideTask(["test", "mocha"])
  .setInlineAction(async (args, _hre, runSuper) => runSuper(args.testFiles?.length > 0 ? args : { ...args, testFiles: mochaTestFiles() }))
  .build();

export default defineConfig({
  tasks: [mochaEverywhere],
  plugins: [hardhatViem, hardhatMocha, hardhatIgnitionViem, hardhatNetworkHelpers, hardhatKeystore],
  solidity: {
    version: SOLC_VERSION,
    path: require.resolve("solc/soljson.js"),
    settings: SOLC_SETTINGS,
  },
  paths: {
    sources: "./contracts",
    tests: { solidity: "./test/contracts", mocha: "./test/ts" },
  },
  test: {
    // Solidity test profiles: `default` for quick local runs (`npx hardhat test`), `ci` for
    // `npm test` (what CI runs): 10,000 invariant sequences of 15 calls, a few minutes on 2 cores;
    // `deep` (`npm run test:deep`, before a release): 10,000 fuzz runs and 20,000 invariant sequences
    // of 25 calls per campaign; scripts/test-deep.ts runs five campaigns with different seeds
    // (100,000 sequences in all), because EDR aborts a single campaign of 100,000 with "Could not
    // generate case". MOTIF_FUZZ_SEED pins a campaign's seed.
    solidity: {
      profiles: {
        default: {
          ffi: true, // tokenURI is checked against multiformats via test/contracts/ffi/cid.mjs
          fuzz: { runs: 256, seed: "0x4d6f746966" },
          invariant: { runs: 256, depth: 15 },
        },
        ci: {
          ffi: true,
          fuzz: { runs: 256, seed: "0x4d6f746966" },
          invariant: { runs: 10_000, depth: 15 },
        },
        deep: {
          ffi: true,
          fuzz: { runs: 10_000, ...(process.env.MOTIF_FUZZ_SEED ? { seed: process.env.MOTIF_FUZZ_SEED } : {}) },
          invariant: { runs: 20_000, depth: 25 },
        },
      },
    },
    mocha: { timeout: 60_000, rootHooks: tempCleanupHooks },
  },
  networks: {
    default: { type: "edr-simulated", chainType: "l1", chainId: 31337 },
    localhost: { type: "http", chainType: "l1", url: "http://127.0.0.1:8545" },
    // `npm start` / `npm run demo` on a real chain: MOTIF_RPC_URL and the two keys, from the
    // environment or Hardhat's keystore (`npx hardhat keystore set MOTIF_DEPLOYER_KEY`).
    motif: {
      type: "http",
      url: configVariable("MOTIF_RPC_URL"),
      accounts: [configVariable("MOTIF_DEPLOYER_KEY"), configVariable("MOTIF_ATTESTER_KEY")],
    },
    sepolia: {
      type: "http",
      chainType: "l1",
      url: configVariable("SEPOLIA_RPC_URL"),
      accounts: [configVariable("SEPOLIA_PRIVATE_KEY")],
    },
  },
});
