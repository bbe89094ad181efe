import { createPublicClient, http, stringify } from "viem";

import { type VerificationStatus, verifyCertificate, tokenIdHex } from "@motif/sdk";
import { decodeImage, pdqHashImage } from "../pdq/index.js";
import { rerender } from "../render/rerender.js";
import { retrainWeightsDigest } from "../train/studio.js";
import { UsageError, parse } from "./args.js";
import { contractsFor } from "./chain.js";

const HELP = `usage: motif verify TOKEN_ID [--rpc URL] [--gateway URL] [--skip-rerender] [--retrain] [--json]

Verifies a certificate from a chain RPC and an IPFS gateway alone, item by item with evidence:
attester and model at mint time, metadata and image fetched trustlessly (chunked files block by
block) and checked against their on-chain digests, the metadata's model against the registry, PDQ
recomputed, re-render from the registered weights, edit log (on-chain replay and the metadata's log),
licence history. Each item is PASS, FAIL, NOT CHECKED (with why) or WARNING (a model deprecated since
minting, licences expired: not failures). Exit 1 if any item fails.
  --rpc      JSON-RPC URL (default MOTIF_RPC_URL or http://127.0.0.1:8545)
  --gateway  trustless gateway (default MOTIF_GATEWAY or http://127.0.0.1:8081)
  --skip-rerender  do not re-render (slow at print size): the rerender item is then NOT CHECKED
  --retrain  for a model trained on a dataset certificate, re-run its training on the member images
             (fetched and checked by CID) with its card's config and compare the weights (minutes at
             a studio's full configuration); without it the retraining item is NOT CHECKED
Addresses come from deployments/<chainId>.json, or MOTIF_CERTIFICATE, MOTIF_REGISTRY, MOTIF_LICENSING.`;

/** Each item's status in words, as printed. */
export const STATUS_WORDS: Record<VerificationStatus, string> = { passed: "PASS", failed: "FAIL", notChecked: "NOT CHECKED", warning: "WARNING" };

export const verifyCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      rpc: { type: "string" },
      gateway: { type: "string" },
      json: { type: "boolean", default: false },
      "skip-rerender": { type: "boolean", default: false },
      retrain: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const raw = positionals[0];
    if (raw === undefined || !/^(0x[0-9a-fA-F]{1,64}|\d+)$/.test(raw)) {
      throw new UsageError(`TOKEN_ID: "${raw ?? ""}" is not a token id (decimal or 0x hex, the content digest)`);
    }
    const tokenId = BigInt(raw);
    const rpc = values.rpc ?? process.env.MOTIF_RPC_URL ?? "http://127.0.0.1:8545";
    const gateway = values.gateway ?? process.env.MOTIF_GATEWAY ?? "http://127.0.0.1:8081";
    const client = createPublicClient({ transport: http(rpc) });
    const chainId = await client.getChainId();
    const addresses = await contractsFor(chainId, ["certificate", "registry", "licensing"]);
    const report = await verifyCertificate(client, {
      addresses,
      tokenId,
      gateway,
      pdq: async (bytes) => (await pdqHashImage(bytes)).hash,
      decode: (bytes) => decodeImage(bytes),
      ...(values.retrain ? { retrain: retrainWeightsDigest } : {}),
      ...(values["skip-rerender"]
        ? {}
        : {
            rerender,
          }),
    });
    if (values.json) {
      process.stdout.write(stringify(report) + "\n");
    } else {
      process.stdout.write(`certificate ${tokenIdHex(tokenId)} on chain ${chainId}\n`);
      for (const i of report.items) {
        process.stdout.write(`  ${STATUS_WORDS[i.status].padEnd(11)} ${i.title}${i.reason !== undefined ? `\n              ${i.reason}` : ""}\n`);
      }
      process.stdout.write(`${report.summary}\n`);
    }
    return report.passed ? 0 : 1;
  },
};
