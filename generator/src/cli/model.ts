import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, isAddress } from "viem";

import { MetadataError, type ModelCard, encodeModelCard, modelCardDigest, motifModelRegistryAbi, parseModelCard, registerModel, trainingLineageOf } from "@motif/sdk";
import { selectStore } from "../ipfs/select.js";
import { ModelCheckError, type ModelCheckItem, checkModel } from "../model/check.js";
import { addModel } from "../model/manifest.js";
import { modelsDir } from "../render/render.js";
import { UsageError, intOption, parse } from "./args.js";
import { walletFromEnv } from "./chain.js";
import { retrainCommand, trainCommand } from "./model-train.js";

const HELP = `usage: motif model train (--swatches DIR | --dataset MANIFEST.json [--dataset-id ID] [--store DIR]) --name NAME --out MODEL.onnx
                         [--version V] [--card CARD.json] [--quick] [--steps N] [--seed N] [--pairing nearest|imle] [--json]
       motif model retrain --card CARD.json (--swatches DIR | --dataset MANIFEST.json [--store DIR]) [--json]
       motif model check --card CARD.json --weights MODEL.onnx [--json]
       motif model add --card CARD.json --weights MODEL.onnx [--models-dir DIR]
       motif model register --card CARD.json --weights MODEL.onnx --owner ADDR [--royalty-bps N] [--store DIR] [--json]

A model is an ONNX file and its model card (motif-model-card/1, docs/model-io.md): the I/O contract it
implements (motif.cppn/1 or motif.image/1), its params, its behaviour, its licence and what it was
trained on. \`check\` runs the weights against the card (digest, inputs and output, range over seeds and
each param's bounds, determinism, and seamlessness when declared) and refuses with the reason.
\`add\` checks, then adds it to a models folder (default MOTIF_MODELS_DIR, else the shipped one) that
\`motif render --model NAME\` and the generator use. \`register\` checks, pins weights and card, and
registers both digests and the training lineage on chain (MOTIF_RPC_URL, MOTIF_WALLET_KEY of a registrar).
  --royalty-bps  the model owner's share of every licence sale and usage royalty, 0..2500 (default 1000)

\`train\` fits a model of the motif.cppn/1 family to a studio's swatches (PNG, JPEG or WebP files of a
folder, each cropped to its centred square and brought to 128 px; at least 64 px), or to the member
images of a dataset exported by \`motif dataset export\` (read from the IPFS store; the card then names
the dataset certificate, --dataset-id or the manifest licensee's). Its palette is drawn from them in
OKLab and its structure learned (docs/design/studio-training.md); it writes the ONNX file and its card
(NAME.card.json next to it) with the training lineage: the data's Merkle root, the config and its
digest, the trainer. About 7 minutes on 2 cores; --quick is a seconds-long configuration for trying
it out. Deterministic: the same files (any names, any order) and config give the same weights.
Ctrl-C stops it between steps and writes nothing. --pairing imle gives each swatch the nearest of
fresh latents (no colourway left out; measured in docs/design/studio-training.md), default nearest.
\`retrain\` re-runs a card's training on the data given and compares the weights: exit 0 when they are
byte-identical, 1 when not, 3 when stopped by Ctrl-C or SIGTERM before the end (not verified).
A card's config is bounded (TRAIN_LIMITS: at most 12× the full configuration's work) before any work.`;

async function readInputs(values: { card?: string | undefined; weights?: string | undefined }): Promise<{ card: ModelCard; weights: Uint8Array }> {
  if (values.card === undefined) throw new UsageError("--card: required, the model card JSON");
  if (values.weights === undefined) throw new UsageError("--weights: required, the ONNX file");
  let card: ModelCard;
  try {
    card = parseModelCard(await readFile(values.card));
  } catch (error) {
    if (error instanceof MetadataError) throw new UsageError(`--card: ${values.card}: ${error.shortMessage}`);
    throw new UsageError(`--card: ${values.card} is not readable (${(error as Error).message.split("\n")[0]})`);
  }
  let weights: Uint8Array;
  try {
    weights = await readFile(values.weights);
  } catch (error) {
    throw new UsageError(`--weights: ${values.weights} is not readable (${(error as Error).message.split("\n")[0]})`);
  }
  return { card, weights };
}

const words = (items: readonly ModelCheckItem[]) => items.map((i) => `${i.passed ? "ok  " : "FAIL"} ${i.check}: ${i.detail}`).join("\n");

export const modelCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    let parsed;
    try {
      parsed = parse(args, {
        card: { type: "string" },
        weights: { type: "string" },
        swatches: { type: "string" },
        dataset: { type: "string" },
        "dataset-id": { type: "string" },
        name: { type: "string" },
        version: { type: "string" },
        out: { type: "string" },
        quick: { type: "boolean", default: false },
        steps: { type: "string" },
        seed: { type: "string" },
        pairing: { type: "string" },
        "models-dir": { type: "string" },
        owner: { type: "string" },
        "royalty-bps": { type: "string" },
        store: { type: "string", default: path.join(".motif", "ipfs") },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      });
    } catch (error) {
      process.stderr.write(`motif model: ${(error as Error).message}\n\n${HELP}\n`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const [sub] = positionals;
    try {
      if (sub === "train") return await trainCommand(values);
      if (sub === "retrain") return await retrainCommand(values);
      if (sub !== "check" && sub !== "add" && sub !== "register") throw new UsageError(`expected train, retrain, check, add or register, got ${sub === undefined ? "nothing" : `"${sub}"`}`);
      const { card, weights } = await readInputs(values);
      const items = await checkModel(card, weights);
      if (sub === "check") {
        process.stdout.write(values.json ? JSON.stringify({ model: card.name, version: card.version, cardDigest: modelCardDigest(card), checks: items }) + "\n" : `${words(items)}\nmodel ${card.name} ${card.version} does what its card says (card ${modelCardDigest(card)})\n`);
        return 0;
      }
      if (sub === "add") {
        const dir = values["models-dir"] ?? modelsDir();
        const entry = await addModel(dir, card, weights);
        process.stdout.write(JSON.stringify({ added: entry.name, dir, file: entry.file, card: entry.card, cardDigest: entry.cardDigest }) + "\n");
        return 0;
      }
      if (values.owner === undefined || !isAddress(values.owner, { strict: false })) throw new UsageError(`--owner: required, the model owner's address (0x and 40 hex digits)${values.owner !== undefined ? `, got "${values.owner}"` : ""}`);
      const royaltyBps = intOption("royalty-bps", values["royalty-bps"], 1000, 0, 2500);
      const { publicClient, wallet, chainId, addresses } = await walletFromEnv(["registry"]);
      const store = selectStore(values.store!).store;
      const weightsCid = await store.add(weights);
      const cardCid = await store.add(encodeModelCard(card));
      const hash = await registerModel(wallet, {
        registry: addresses.registry,
        owner: getAddress(values.owner),
        weightsDigest: card.weights.digest,
        weightsCidDigest: `0x${Buffer.from(weightsCid.multihash.digest).toString("hex")}`,
        weightsCidCodec: weightsCid.code,
        royaltyBps,
        name: card.name,
        version: card.version,
        cardDigest: modelCardDigest(card),
        training: trainingLineageOf(card),
      });
      await publicClient.waitForTransactionReceipt({ hash });
      const modelId = await publicClient.readContract({ address: addresses.registry, abi: motifModelRegistryAbi, functionName: "modelIdByWeights", args: [card.weights.digest] });
      const result = { modelId, chainId, name: card.name, version: card.version, weightsCid: weightsCid.toString(), cardCid: cardCid.toString(), cardDigest: modelCardDigest(card), transactionHash: hash };
      process.stdout.write(values.json ? JSON.stringify(result) + "\n" : `model ${card.name} ${card.version} registered as #${modelId} on chain ${chainId} (card ${result.cardCid}) in ${hash}\n`);
      return 0;
    } catch (error) {
      if (error instanceof UsageError) {
        process.stderr.write(`motif model: ${error.message}\n\n${HELP}\n`);
        return 2;
      }
      if (error instanceof ModelCheckError) {
        process.stderr.write(`${words(error.items)}\nmotif model: refused: ${error.check}: ${error.reason}\n`);
        return 1;
      }
      throw error;
    }
  },
};
