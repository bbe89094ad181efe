import path from "node:path";

import { Queue } from "bullmq";

import type { ColourwaySpec } from "@motif/sdk";
import { runBatch } from "../batch/batch.js";
import { Journal } from "../batch/journal.js";
import { RENDER_QUEUE, type RenderJobData, type RenderJobResult, drainBatch, enqueueBatch, redisConnection } from "../queue/distributed.js";
import { selectStore } from "../ipfs/select.js";
import { pipelineConfig } from "../config.js";
import { loadManifest } from "../render/render.js";
import { PdqIndex } from "../screen/pdq-index.js";
import { BankSet } from "../screen/banks.js";
import { BankStore, defaultStateDir } from "../screen/bank-store.js";
import { mintedSignals } from "../screen/from-chain.js";
import { COLOURWAY_OPTION_SPECS, PRINT_FLAGS_HELP, PRINT_OPTION_SPECS, RENDER_OPTION_SPECS, UsageError, colourwayFrom, intOption, modelEntry, paramFlagsHelp, parse, printSpecFrom, renderOptionsFrom, seedOption } from "./args.js";
import { MAX_COLOURWAYS } from "../stages/colourway.js";
import { chainFromEnv } from "./chain.js";

const HELP = `usage: motif batch --count N --model NAME [--seed-start N] [--PARAM VALUE ...]
                   [--size PX | [--repeat TYPE] --size-cm CM --dpi N] [--journal FILE] [--store DIR] [--index FILE.csv ...] [--json]
       motif batch --model NAME --seed-start N [--PARAM VALUE ...] [--size PX | ...]
                   --colourway-of ID --recolour MAP [--recolour MAP ...] [--journal FILE] [--store DIR] [--json]

Generates N patterns (seeds seed-start .. seed-start+N-1) through render → PDQ → screen → pin, and,
when MOTIF_RPC_URL and MOTIF_ATTESTER_KEY are set, attest → mint. A journal (default
.motif/batch.jsonl) records each pattern's last step: rerun the same command after a crash and it
resumes without duplicates. Shows a progress bar on a terminal. Screening runs against the
certificates, --index lists and the hash banks of the state folder (MOTIF_STATE_DIR or .motif;
\`motif bank\`) as they are when the batch starts.

With MOTIF_REDIS_URL the batch is split into jobs on a BullMQ queue for \`motif worker\` processes
(any number, any machine); this command then mints what the workers finish, in batches, as the one
sender from the generator key, and waits until every job is minted, refused or dead-lettered.
The model's params (any it does not declare is refused):
${paramFlagsHelp()}
Tiles for print (every pattern of the batch: its repeat, size and DPI in the lineage, hashed into paramsHash):
${PRINT_FLAGS_HELP}
Colourways of one design (the design's model, seed as --seed-start, params and size or print spec):
  --colourway-of ID  the design certificate (0x and 64 hex digits); needs MOTIF_RPC_URL
  --recolour MAP     one colourway per --recolour (repeat it), FROM:TO colour pairs as on \`motif mint\`;
                     --count, if given, must be their number. The design's owner must be the generator's
                     account (or have approved it); otherwise each colourway stops attested, its signed
                     request in the journal for the owner to send (the SDK's mintColourway), and the
                     queue's minter (MOTIF_REDIS_URL) refuses it.`;

export const batchCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const manifest = await loadManifest();
    const { values, paramFlags } = parse(args, {
      ...RENDER_OPTION_SPECS,
      ...PRINT_OPTION_SPECS,
      ...COLOURWAY_OPTION_SPECS,
      recolour: { type: "string", multiple: true },
      count: { type: "string" },
      "seed-start": { type: "string" },
      journal: { type: "string", default: path.join(".motif", "batch.jsonl") },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      index: { type: "string", multiple: true },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    }, manifest);
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const colourways = colourwaysFrom(values["colourway-of"], values.recolour);
    const count = intOption("count", values.count, colourways?.length ?? -1, 1, 100_000);
    if (count < 1) throw new UsageError("--count: required, an integer in 1..100000");
    if (colourways !== undefined && count !== colourways.length) {
      throw new UsageError(`--count: ${count}, but ${colourways.length} --recolour map${colourways.length === 1 ? "" : "s"} given: with --colourway-of the batch makes one colourway per --recolour (leave --count out)`);
    }
    if (colourways !== undefined && values["seed-start"] === undefined) throw new UsageError("--seed-start: required with --colourway-of, the design's seed");
    const models = manifest.map((m) => m.name);
    if (values.model === undefined || !models.includes(values.model)) {
      throw new UsageError(`--model: required, one of ${models.join(", ")}`);
    }
    const entry = modelEntry(manifest, values.model);
    const start = values["seed-start"] === undefined ? 0n : seedOption(values["seed-start"]);
    if (start + BigInt(count) > 1n << 64n) throw new UsageError("--seed-start: seed-start + count must stay within 2^64");
    const { params, size } = renderOptionsFrom(values, paramFlags, entry);
    const chain = await chainFromEnv();
    if (colourways !== undefined && chain === undefined) throw new UsageError("--colourway-of: needs MOTIF_RPC_URL (and MOTIF_ATTESTER_KEY): a colourway's design is read on chain, and only a chain's generator key mints it");
    const minted = chain === undefined ? { pdq: [], tile: [] } : await mintedSignals({ ...chain.minter, fromBlock: chain.startBlock, indexer: chain.indexer });
    const index = await PdqIndex.load(values.index ?? [], minted.pdq); // lists streamed, whatever their size
    // the hash banks of the state folder (MOTIF_STATE_DIR or .motif), as they are when the batch starts
    const banks = BankSet.ofIndex(index, undefined, PdqIndex.build(minted.tile));
    const stored = await new BankStore(defaultStateDir()).load();
    banks.replace(stored.banks, stored.certificateThresholds);
    const { store, pinQueue } = selectStore(values.store!);
    const config = pipelineConfig({ store, pinQueue, index, banks, ...(chain !== undefined ? { chain } : { modelIds: Object.fromEntries(models.map((m, i) => [m, i + 1])) }) });
    const print = printSpecFrom(values);
    const side = print?.side ?? size;
    // colourways: one job per map, every one of the design's seed; otherwise seeds start .. start + count − 1
    const jobs = Array.from({ length: count }, (_, i) => ({
      model: values.model!,
      seed: colourways !== undefined ? start : start + BigInt(i),
      params,
      width: side,
      height: side,
      ...(print !== undefined ? { print: print.print } : {}),
      ...(colourways !== undefined ? { colourway: colourways[i]! } : {}),
    }));
    const tty = process.stderr.isTTY === true && !values.json;
    const redisUrl = process.env.MOTIF_REDIS_URL;
    if (redisUrl !== undefined && redisUrl !== "") {
      const queue = new Queue<RenderJobData, RenderJobResult>(RENDER_QUEUE, { connection: redisConnection(redisUrl) });
      try {
        const batchId = `${values.model}-${start}-${count}`;
        const ids = await enqueueBatch(
          queue,
          jobs.map((j) => ({ batchId, model: j.model, seed: j.seed.toString(), params: j.params, width: j.width, height: j.height, ...(j.print !== undefined ? { print: j.print } : {}), ...(j.colourway !== undefined ? { colourway: j.colourway } : {}), modelIds: config.modelIds, creator: config.creator })),
        );
        const summary = await drainBatch({
          queue,
          jobIds: ids,
          journal: await Journal.open(values.journal!),
          pipeline: config,
          onProgress: (p) => {
            if (tty) {
              const width = 30;
              const filled = Math.round((p.done / p.total) * width);
              process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total} minted ${p.minted} refused ${p.refused} dead ${p.dead}`);
              if (p.done === p.total) process.stderr.write("\n");
            } else if (values.json) process.stdout.write(JSON.stringify(p) + "\n");
          },
        });
        process.stdout.write(JSON.stringify({ summary }) + "\n");
        return 0;
      } finally {
        await queue.close();
      }
    }
    const summary = await runBatch(config, jobs, values.journal!, (p) => {
      if (tty) {
        const width = 30;
        const filled = Math.round((p.done / p.total) * width);
        process.stderr.write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total} ${p.step.padEnd(8)}`);
        if (p.done === p.total) process.stderr.write("\n");
      } else if (values.json) {
        process.stdout.write(JSON.stringify(p) + "\n");
      }
    });
    process.stdout.write(values.json ? JSON.stringify({ summary }) + "\n" : `${JSON.stringify(summary)}\n`);
    return 0;
  },
};

/**
 * The colourways of `--colourway-of` and each `--recolour` (undefined when neither is given); a
 * UsageError names the flag, which map (when there are several) and what is allowed.
 */
function colourwaysFrom(design: string | undefined, maps: string[] | undefined): ColourwaySpec[] | undefined {
  if (design === undefined && maps === undefined) return undefined;
  if (maps === undefined) return [colourwayFrom({ "colourway-of": design })!];
  if (maps.length > MAX_COLOURWAYS) throw new UsageError(`--recolour: ${maps.length} maps given; a design has at most ${MAX_COLOURWAYS} colourways`);
  return maps.map((map, i) => {
    try {
      return colourwayFrom({ "colourway-of": design, recolour: map })!;
    } catch (error) {
      if (error instanceof UsageError && maps.length > 1 && error.message.startsWith("--recolour: ")) throw new UsageError(`--recolour (map ${i + 1} of ${maps.length}): ${error.message.slice("--recolour: ".length)}`);
      throw error;
    }
  });
}
