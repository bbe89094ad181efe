import { readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { CID } from "multiformats/cid";
import { type Hex, isAddress } from "viem";

import { MetadataError, type ModelCard, datasetIdOf, datasetMerkleRoot, encodeModelCard, modelCardDigest, parseModelCard, tokenIdHex } from "@motif/sdk";
import { selectStore } from "../ipfs/select.js";
import { STUDIO_DEFAULTS, STUDIO_QUICK, type StudioModel, type StudioTrainConfig, type SwatchFile, TrainAbortedError, TrainInputError, checkModelLabels, checkTrainConfig, configOfCard, readSwatchFolder, swatchFile, trainStudioModel } from "../train/studio.js";
import { UsageError, intOption } from "./args.js";
import { readManifest } from "./dataset.js";
import { stopSignal } from "./stop.js";

/** What `motif model train` and `retrain` read from the command line. */
export type TrainValues = {
  swatches?: string | undefined;
  dataset?: string | undefined;
  "dataset-id"?: string | undefined;
  store?: string | undefined;
  name?: string | undefined;
  version?: string | undefined;
  out?: string | undefined;
  card?: string | undefined;
  quick?: boolean | undefined;
  steps?: string | undefined;
  seed?: string | undefined;
  pairing?: string | undefined;
  json?: boolean | undefined;
};

type TrainingData = { files: SwatchFile[]; dataset?: { id: Hex; root: Hex; imageDigests: Hex[] } };

/** The training files: a folder of swatches, or the members' images of a dataset manifest from an IPFS store. */
async function trainingData(values: TrainValues): Promise<TrainingData> {
  if ((values.swatches === undefined) === (values.dataset === undefined)) throw new UsageError("--swatches DIR or --dataset MANIFEST.json: exactly one is required (a folder of swatch images, or a dataset exported by `motif dataset export`)");
  if (values.swatches !== undefined) {
    try {
      return { files: await readSwatchFolder(values.swatches) };
    } catch (error) {
      if (error instanceof TrainInputError) throw new UsageError(`--${error.message}`);
      throw error;
    }
  }
  const manifest = await readManifest(values.dataset, "--dataset");
  if (!Array.isArray(manifest.members)) throw new UsageError(`--dataset: ${values.dataset} is not a motif-dataset/1 manifest (no members)`);
  const store = selectStore(values.store!).store;
  const files: SwatchFile[] = [];
  for (const m of manifest.members) {
    let bytes: Uint8Array;
    try {
      bytes = await store.cat(CID.parse(m.imageCid));
    } catch (error) {
      throw new UsageError(`--store: the image ${m.imageCid} of member ${m.tokenId} is not in ${values.store} (${(error as Error).message.split("\n")[0]}); import the dataset's CAR first`);
    }
    files.push(swatchFile(`member ${m.tokenId}`, bytes));
  }
  // the manifest's root must be its members' (a hand-made manifest cannot borrow another dataset's
  // root), and the dataset certificate of that root is its curator's (the manifest's licensee)
  let recomputed: Hex;
  try {
    recomputed = datasetMerkleRoot(manifest.members.map((m) => ({ tokenId: BigInt(m.tokenId), imageDigest: m.imageDigest, licenseId: BigInt(m.licenseId) })));
  } catch (error) {
    throw new UsageError(`--dataset: ${values.dataset}: its members are not a dataset's (${(error as Error).message.split("\n")[0]})`);
  }
  if (recomputed.toLowerCase() !== String(manifest.root).toLowerCase()) throw new UsageError(`--dataset: ${values.dataset} claims root ${manifest.root}, its members give ${recomputed}`);
  if (!isAddress(String(manifest.licensee))) throw new UsageError(`--dataset: ${values.dataset}: licensee ${JSON.stringify(manifest.licensee)} is not an address`);
  const id = tokenIdHex(datasetIdOf(manifest.licensee, manifest.root));
  if (values["dataset-id"] !== undefined) {
    if (!/^0x[0-9a-fA-F]{1,64}$/.test(values["dataset-id"])) throw new UsageError(`--dataset-id: "${values["dataset-id"]}" is not a token id in hex (0x and up to 64 hex digits)`);
    if (BigInt(values["dataset-id"]) !== BigInt(id)) throw new UsageError(`--dataset-id: ${values["dataset-id"]} is not the dataset certificate of this manifest (its curator ${manifest.licensee} and root give ${id})`);
  }
  // a pattern's image digest is its token id (the PNG's sha-256) even when its CID is a chunked file's
  return { files, dataset: { id, root: manifest.root, imageDigests: manifest.members.flatMap((m) => [m.imageDigest, m.tokenId]) } };
}

/** The output paths, checked before any work: distinct files in folders that exist. */
async function outputsOf(values: TrainValues): Promise<{ out: string; card: string }> {
  const out = path.resolve(values.out!);
  const card = path.resolve(values.card ?? cardPathOf(values.out!));
  if (out === card) throw new UsageError(`--card: ${values.card} is the --out file; the card needs a file of its own`);
  for (const [flag, file] of [["--out", out], ["--card", card]] as const) {
    const dir = await stat(path.dirname(file)).catch(() => undefined);
    if (dir?.isDirectory() !== true) throw new UsageError(`${flag}: the folder ${path.dirname(file)} does not exist`);
  }
  return { out, card };
}

/**
 * Writes each file through a temporary name, renaming them only once all are written: an
 * interruption or a failure leaves neither half a file nor one of the pair; `stop` is asked before
 * the renames.
 */
async function writeAll(files: ReadonlyArray<readonly [string, Uint8Array]>, stop: () => boolean): Promise<boolean> {
  const tmps = files.map(([file]) => `${file}.${process.pid}.tmp`);
  const renamed: string[] = [];
  try {
    for (const [i, [, bytes]] of files.entries()) await writeFile(tmps[i]!, bytes);
    if (stop()) return false;
    for (const [i, [file]] of files.entries()) {
      await rename(tmps[i]!, file);
      renamed.push(file);
    }
    return true;
  } catch (error) {
    await Promise.all(renamed.map((f) => unlink(f).catch(() => undefined)));
    throw error;
  } finally {
    await Promise.all(tmps.map((t) => unlink(t).catch(() => undefined)));
  }
}

/** The card file next to `out`: model.onnx → model.card.json. */
const cardPathOf = (out: string) => path.join(path.dirname(out), `${path.basename(out, path.extname(out))}.card.json`);

/**
 * Runs training with progress on stderr, then `after` (the writes) — both inside the stop scope:
 * SIGINT/SIGTERM stop training between steps (TrainAbortedError) and are seen before any rename.
 */
async function run<T>(train: (signal: AbortSignal, onStep: (step: number, loss: number) => void) => Promise<StudioModel>, steps: number, after: (model: StudioModel, stopped: () => boolean) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = stopSignal();
  void stop.stopped.then(() => controller.abort());
  const started = performance.now();
  let shown = -Infinity;
  try {
    // a line for the first step, then at most one every 2 s, and the last
    const model = await train(controller.signal, (step, loss) => {
      const now = performance.now();
      if (step === 0 || step + 1 === steps || now - shown >= 2000) {
        shown = now;
        process.stderr.write(`step ${step + 1}/${steps}  loss ${loss.toFixed(5)}  ${((now - started) / 1000).toFixed(1)} s\n`);
      }
    });
    return await after(model, () => controller.signal.aborted);
  } finally {
    stop.dispose();
  }
}

function configFrom(values: TrainValues): StudioTrainConfig {
  const base = values.quick === true ? STUDIO_QUICK : STUDIO_DEFAULTS;
  if (values.pairing !== undefined && values.pairing !== "nearest" && values.pairing !== "imle") throw new UsageError(`--pairing: "${values.pairing}" is not nearest or imle`);
  const config = { ...base, steps: intOption("steps", values.steps, base.steps, 1, 100_000), seed: intOption("seed", values.seed, base.seed, 0, 2 ** 32 - 1), pairing: (values.pairing ?? base.pairing) as StudioTrainConfig["pairing"] };
  try {
    return checkTrainConfig(config);
  } catch (error) {
    if (error instanceof TrainInputError) throw new UsageError(error.message);
    throw error;
  }
}

/** `motif model train`: trains, writes the ONNX file and its card; 0, or 0 with nothing written when stopped by a signal. */
export async function trainCommand(values: TrainValues): Promise<number> {
  if (values.name === undefined) throw new UsageError("--name: required, the model's name (1..64 bytes, as registered)");
  if (values.out === undefined) throw new UsageError("--out: required, the ONNX file to write (its card is written next to it as NAME.card.json)");
  const version = values.version ?? "1.0.0";
  try {
    checkModelLabels(values.name, version);
  } catch (error) {
    if (error instanceof TrainInputError) throw new UsageError(`--${error.message}`);
    throw error;
  }
  const config = configFrom(values);
  const { out, card: cardFile } = await outputsOf(values);
  const data = await trainingData(values);
  let model: StudioModel;
  try {
    model = await run(
      (signal, onStep) => trainStudioModel({ files: data.files, name: values.name!, version, config, ...(data.dataset !== undefined ? { dataset: data.dataset } : {}), signal, onStep }),
      config.steps,
      async (m, stopped) => {
        if (!(await writeAll([[out, m.onnx], [cardFile, encodeModelCard(m.card)]], stopped))) throw new TrainAbortedError(config.steps, config.steps);
        return m;
      },
    );
  } catch (error) {
    if (error instanceof TrainAbortedError) {
      process.stderr.write(`motif model train: ${error.message}; ${values.out} was not written\n`);
      return 0;
    }
    if (error instanceof TrainInputError || error instanceof MetadataError) throw new UsageError(error instanceof MetadataError ? `--name/--version: ${error.shortMessage}` : error.message);
    throw error;
  }
  const t = model.card.training!;
  const summary = { model: model.card.name, version: model.card.version, out: values.out, card: cardFile, weightsDigest: model.weightsDigest, cardDigest: modelCardDigest(model.card), dataRoot: t.dataRoot, ...(t.datasetId !== undefined ? { datasetId: t.datasetId } : {}), members: t.members, configDigest: t.configDigest, trainer: t.trainer, steps: config.steps, seconds: Math.round(model.result.seconds * 10) / 10, finalLoss: model.result.losses.at(-1) };
  process.stdout.write(
    values.json === true
      ? JSON.stringify(summary) + "\n"
      : `trained ${summary.model} ${summary.version} on ${t.members} swatch(es) in ${summary.seconds} s: ${values.out} (weights ${summary.weightsDigest}), card ${cardFile} (${summary.cardDigest})\n` +
          `training data root ${t.dataRoot}${t.datasetId !== undefined ? ` (dataset ${t.datasetId})` : ""}, config ${t.configDigest}, ${t.trainer}\n` +
          `next: motif model check --card ${cardFile} --weights ${values.out}, then motif model add or register\n`,
  );
  return 0;
}

/** Exit code of a retrain stopped by a signal: nothing was verified. */
export const RETRAIN_STOPPED = 3;

/**
 * `motif model retrain`: re-runs a card's training on the given data with the card's config and
 * compares the weights digest — 0 when identical, 1 when not (with both digests), 3 when stopped by
 * a signal before the end (not verified; it still stops everything and writes nothing).
 */
export async function retrainCommand(values: TrainValues): Promise<number> {
  if (values.card === undefined) throw new UsageError("--card: required, the trained model's card");
  let card: ModelCard;
  try {
    card = parseModelCard(await readFile(values.card));
  } catch (error) {
    throw new UsageError(`--card: ${values.card}: ${error instanceof MetadataError ? error.shortMessage : (error as Error).message.split("\n")[0]}`);
  }
  let config: StudioTrainConfig;
  try {
    config = configOfCard(card);
  } catch (error) {
    if (error instanceof TrainInputError) throw new UsageError(`--card: ${error.message}`);
    throw error;
  }
  const data = await trainingData({ ...values, ...(card.training?.datasetId !== undefined && values["dataset-id"] === undefined ? { "dataset-id": card.training.datasetId } : {}) });
  let model: StudioModel;
  try {
    model = await run((signal, onStep) => trainStudioModel({ files: data.files, name: card.name, version: card.version, config, ...(data.dataset !== undefined ? { dataset: data.dataset } : {}), licence: card.licence, description: card.description, signal, onStep }), config.steps, async (m) => m);
  } catch (error) {
    if (error instanceof TrainAbortedError) {
      // a verdict command: stopped is "not verified", never the 0 of "reproduced" (a `retrain && deploy` must not go on)
      process.stderr.write(`motif model retrain: ${error.message}\n`);
      process.stdout.write(values.json === true ? JSON.stringify({ model: card.name, version: card.version, reproduced: false, stopped: true }) + "\n" : `NOT verified: stopped after step ${error.step} of ${error.steps}\n`);
      return RETRAIN_STOPPED;
    }
    if (error instanceof TrainInputError) throw new UsageError(error.message);
    throw error;
  }
  const root = model.card.training!.dataRoot;
  const same = { weights: model.weightsDigest === card.weights.digest.toLowerCase(), dataRoot: root === card.training!.dataRoot.toLowerCase() };
  const result = { model: card.name, version: card.version, reproduced: same.weights && same.dataRoot, weightsDigest: { card: card.weights.digest, retrained: model.weightsDigest }, dataRoot: { card: card.training!.dataRoot, given: root } };
  process.stdout.write(
    values.json === true
      ? JSON.stringify(result) + "\n"
      : result.reproduced
        ? `reproduced: retraining ${card.name} ${card.version} on the same data (root ${root}) gives the card's weights ${model.weightsDigest}\n`
        : `NOT reproduced: ${!same.dataRoot ? `the data given has root ${root}, the card says ${card.training!.dataRoot}; ` : ""}retrained weights ${model.weightsDigest}, the card says ${card.weights.digest}\n`,
  );
  return result.reproduced ? 0 : 1;
}
