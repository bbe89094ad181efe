import path from "node:path";

import { selectStore } from "../ipfs/select.js";
import { runPipeline } from "../pipeline.js";
import { certificateEntries } from "../screen/from-chain.js";
import { PdqIndex } from "../screen/pdq-index.js";
import { RENDER_OPTION_SPECS, UsageError, parse, renderOptionsFrom, seedOption } from "./args.js";
import { chainFromEnv } from "./chain.js";

const HELP = `usage: motif mint --model NAME --seed N [--scale K] [--sharpness S] [--size PX] [--to ADDRESS] [--store DIR] [--json]

Renders one pattern, screens it against every certificate on chain, pins it, attests its lineage
with the generator key and mints its certificate. Needs MOTIF_RPC_URL and MOTIF_ATTESTER_KEY (and
the contract addresses in deployments/<chainId>.json, or MOTIF_CERTIFICATE / MOTIF_REGISTRY).
Exit 1 if the pattern is a near-duplicate (nothing pinned or minted).`;

export const mintCommand = {
  summary: "render, screen, pin, attest and mint one pattern",
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values } = parse(args, {
      ...RENDER_OPTION_SPECS,
      seed: { type: "string" },
      to: { type: "string" },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const chain = await chainFromEnv();
    if (chain === undefined) throw new UsageError("MOTIF_RPC_URL: required to mint (with MOTIF_ATTESTER_KEY)");
    if (values.model === undefined) throw new UsageError("--model: required");
    if (chain.modelIds[values.model] === undefined) {
      throw new UsageError(`--model: "${values.model}" is not registered on chain ${chain.attester.chainId} (registered: ${Object.keys(chain.modelIds).join(", ") || "none"})`);
    }
    const { params, size } = renderOptionsFrom(values);
    const { store, pinQueue } = selectStore(values.store!);
    const result = await runPipeline(
      {
        store,
        pinQueue,
        index: PdqIndex.build(await certificateEntries(chain.minter.publicClient, chain.minter.certificate)),
        attester: chain.attester,
        minter: chain.minter,
        modelIds: chain.modelIds,
        creator: chain.creator,
        royaltyBps: 500,
        attestationTtl: 3600,
        generator: { name: "motif-generator", version: "0.1.0" },
      },
      {
        model: values.model,
        seed: seedOption(values.seed),
        params,
        width: size,
        height: size,
        ...(values.to !== undefined ? { to: values.to as `0x${string}` } : {}),
      },
    );
    if (result.status === "refused") {
      const m = result.screen.matches[0]!;
      process.stdout.write(values.json ? JSON.stringify({ status: "refused", matches: result.screen.matches }) + "\n" : `refused: matches "${m.label}" at distance ${m.distance} (${m.variant})\n`);
      return 1;
    }
    const out = {
      status: result.status,
      tokenId: result.rendered.contentDigest,
      metadataCid: result.pinned.metadataCid.toString(),
      imageCid: result.pinned.imageCid.toString(),
      transactionHash: "minted" in result ? result.minted?.transactionHash : undefined,
    };
    process.stdout.write(values.json ? JSON.stringify(out) + "\n" : `minted ${out.tokenId} (metadata ${out.metadataCid}) in ${out.transactionHash}\n`);
    return 0;
  },
};
