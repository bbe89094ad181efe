import path from "node:path";

import { stringify } from "viem";

import { mintColourway, tokenIdHex } from "@motif/sdk";
import { noParamsWithRecipe, readRecipeFile } from "./recipe.js";
import { RecipeRefusedError } from "../stages/recipe.js";
import { selectStore } from "../ipfs/select.js";
import { runPipeline } from "../pipeline.js";
import { pipelineConfig } from "../config.js";
import { BankStore, defaultStateDir } from "../screen/bank-store.js";
import { certificateBanks } from "../screen/from-chain.js";
import { PdqIndex } from "../screen/pdq-index.js";
import { COLOURWAY_FLAGS_HELP, COLOURWAY_OPTION_SPECS, PRINT_FLAGS_HELP, PRINT_OPTION_SPECS, colourwayFlag, colourwayFrom, RENDER_OPTION_SPECS, UsageError, modelEntry, paramFlagsHelp, parse, printSpecFrom, regionOption, renderOptionsFrom, seedOption } from "./args.js";
import { loadManifest } from "../render/render.js";
import { chainFromEnv, contractsFor, walletFromEnv } from "./chain.js";
import { ownerSends } from "../stages/colourway.js";
import { landed } from "../stages/mint.js";

const HELP = `usage: motif mint --model NAME --seed N [--PARAM VALUE ...] [--size PX | [--repeat TYPE] --size-cm CM --dpi N] [--to ADDRESS] [--store DIR] [--json]
       motif mint --recipe RECIPE.json --region CODE --seed N [--size PX] [--to ADDRESS] [--store DIR] [--json]

Renders one pattern, screens it against every certificate on chain, pins it, attests its lineage
with the generator key and mints its certificate. Needs MOTIF_RPC_URL and MOTIF_ATTESTER_KEY (and
the contract addresses in deployments/<chainId>.json, or MOTIF_CERTIFICATE / MOTIF_REGISTRY).
Exit 1 if the pattern is a near-duplicate (nothing pinned or minted).
With --recipe the recipe's model and params are used, and the recipe must be certified on chain
(\`motif recipe mint\`) and owned or licensed, in --region now, by the pattern's first owner (--to,
default the creator); otherwise exit 1 with the reason, before anything is rendered. The
certificate's lineage then names the recipe, whose owner receives its share of the pattern's revenue.
The model's params (any it does not declare is refused):
${paramFlagsHelp()}
A tile for print (its repeat, size and DPI in the lineage, hashed into paramsHash):
${PRINT_FLAGS_HELP}
${COLOURWAY_FLAGS_HELP}
A colourway joins its design's family only from the design's owner (or an account it approved):
when that is not the generator's account, the generator signs the colourway's request and the
owner sends it: with MOTIF_WALLET_KEY set to the owner's key this command sends it; without, it
prints the signed request (--json: mintRequest and designId, for the SDK's mintColourway) and
exits 0 with status "attested".`;

export const mintCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const manifest = await loadManifest();
    const { values, paramFlags } = parse(args, {
      ...RENDER_OPTION_SPECS,
      ...PRINT_OPTION_SPECS,
      ...COLOURWAY_OPTION_SPECS,
      seed: { type: "string" },
      to: { type: "string" },
      recipe: { type: "string" },
      region: { type: "string" },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    }, manifest);
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const chain = await chainFromEnv();
    if (chain === undefined) throw new UsageError("MOTIF_RPC_URL: required to mint (with MOTIF_ATTESTER_KEY)");
    let recipe;
    if (values.recipe !== undefined) {
      noParamsWithRecipe(values, paramFlags);
      values.region = regionOption(values.region, " with --recipe (where the recipe licence must hold)");
      recipe = await readRecipeFile("--recipe", values.recipe, manifest);
      values.model = recipe.model.name;
    }
    const entry = modelEntry(manifest, values.model, ", or --recipe");
    if (chain.modelIds[entry.name] === undefined) {
      throw new UsageError(`--model: "${entry.name}" is not registered on chain ${chain.attester.chainId} (registered: ${Object.keys(chain.modelIds).join(", ") || "none"})`);
    }
    const { params, size } = renderOptionsFrom(values, paramFlags, entry);
    const print = printSpecFrom(values);
    const colourway = colourwayFrom(values);
    const { store, pinQueue } = selectStore(values.store!);
    const { licensing } = await contractsFor(chain.attester.chainId, ["licensing"]);
    // the certificates (PDQ and tile hashes) and the hash banks of the state folder (MOTIF_STATE_DIR or .motif)
    const screening = await certificateBanks(chain.minter.publicClient, chain.minter.certificate, chain.startBlock, chain.indexer);
    const stored = await new BankStore(defaultStateDir()).load();
    screening.banks.replace(stored.banks, stored.certificateThresholds);
    let result;
    try {
      result = await runPipeline(
        pipelineConfig({ store, pinQueue, ...screening, chain: { ...chain, licensing } }),
        {
          model: entry.name,
          seed: seedOption(values.seed),
          params,
          width: print?.side ?? size,
          height: print?.side ?? size,
          ...(print !== undefined ? { print: print.print } : {}),
          ...(colourway !== undefined ? { colourway } : {}),
          ...(values.to !== undefined ? { to: values.to as `0x${string}` } : {}),
          ...(recipe !== undefined ? { recipe: { recipe, region: values.region! } } : {}),
        },
      );
    } catch (error) {
      if (error instanceof RecipeRefusedError) {
        process.stdout.write(values.json ? JSON.stringify({ status: "refused", reason: error.reason }) + "\n" : `refused: ${error.reason}\n`);
        return 1;
      }
      throw error;
    }
    if (result.status === "refused") {
      const m = result.screen.matches[0]!;
      process.stdout.write(values.json ? JSON.stringify({ status: "refused", matches: result.screen.matches }) + "\n" : `refused: matches "${m.label}" at distance ${m.distance} (bank ${m.bank}, ${m.signal}; ${m.transform})\n`);
      return 1;
    }
    let sent: { transactionHash: `0x${string}`; sentBy: `0x${string}` } | undefined;
    const design = "design" in result ? result.design : undefined;
    if (result.status === "attested" && ownerSends(design)) {
      const owed = {
        status: "attested" as const,
        tokenId: result.rendered.contentDigest,
        metadataCid: result.pinned.metadataCid.toString(),
        imageCid: result.pinned.imageCid.toString(),
        designId: design!.id,
        owner: design!.owner,
        mintRequest: JSON.parse(stringify(result.request)) as unknown,
      };
      const printOwed = () =>
        process.stdout.write(
          values.json
            ? JSON.stringify(owed) + "\n"
            : `attested ${owed.tokenId} (metadata ${owed.metadataCid}), a colourway of ${owed.designId}, not minted: its design's owner ${owed.owner} sends it (it has not approved this generator's account ${chain.minter.wallet.account.address}); run again with MOTIF_WALLET_KEY set to the owner's key, or send the signed request (--json) with the SDK's mintColourway\n`,
        );
      if (process.env.MOTIF_WALLET_KEY === undefined || process.env.MOTIF_WALLET_KEY === "") {
        printOwed();
        return 0;
      }
      // the owner's consent: its own account sends the generator's signed ColourwayAttestation
      const { wallet } = await walletFromEnv([]);
      try {
        const transactionHash = await mintColourway(wallet, { certificate: chain.minter.certificate, request: result.request, designId: BigInt(design!.id) });
        await landed(chain.minter.publicClient, transactionHash, "mintColourway");
        sent = { transactionHash, sentBy: wallet.account.address };
      } catch (error) {
        // the signed request is not lost: printed for the owner, the refusal on stderr (exit 1)
        printOwed();
        throw error;
      }
    }
    const out = {
      status: sent !== undefined ? ("minted" as const) : result.status,
      tokenId: result.rendered.contentDigest,
      metadataCid: result.pinned.metadataCid.toString(),
      imageCid: result.pinned.imageCid.toString(),
      transactionHash: sent?.transactionHash ?? ("minted" in result ? result.minted?.transactionHash : undefined),
      ...(design !== undefined ? { designId: design.id } : {}),
      ...(sent !== undefined ? { sentBy: sent.sentBy } : {}),
      ...("recipe" in result && result.recipe !== undefined ? { recipeId: tokenIdHex(result.recipe.recipeId) } : {}),
    };
    process.stdout.write(values.json ? JSON.stringify(out) + "\n" : `minted ${out.tokenId} (metadata ${out.metadataCid}) in ${out.transactionHash}\n`);
    return 0;
  },
};
