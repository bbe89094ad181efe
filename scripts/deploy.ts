/**
 * Deploys Motif and records the addresses in `deployments/<chainId>.json`.
 *
 *   npm run deploy -- --network <name>
 *
 * Environment: MOTIF_ADMIN (default: the deployer), MOTIF_ATTESTERS (comma-separated generator
 * addresses to grant the attester role). Accounts and RPC URLs of real networks come from
 * `hardhat.config.ts` configuration variables (environment or `npx hardhat keystore set ...`).
 */
import { network } from "hardhat";

import { addressList, deployMotif } from "./lib/deploy.js";
import { writeDeployment } from "../generator/src/deployment.js";

const connection = await network.create();
const [admin] = addressList("MOTIF_ADMIN", process.env.MOTIF_ADMIN);
const attesters = addressList("MOTIF_ATTESTERS", process.env.MOTIF_ATTESTERS);
const { record } = await deployMotif(connection, { admin, attesters });
const file = await writeDeployment(process.cwd(), record);
console.log(`Motif deployed on ${record.network} (chain ${record.chainId}) from block ${record.startBlock}`);
for (const [name, address] of Object.entries(record.contracts)) console.log(`  ${name.padEnd(20)} ${address}`);
if (record.attesters.length > 0) console.log(`  attesters            ${record.attesters.join(", ")}`);
console.log(`recorded in ${file}`);
