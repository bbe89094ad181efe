/**
 * `npx motif`: each command's module (and what it pulls in: onnxruntime, sharp, viem, the SDK) is
 * imported only when that command runs, so `motif --help` answers without loading any of them.
 */
import { redactSecrets } from "../redact.js";

export { redactSecrets };

type Command = { help?: string; run: (args: string[]) => Promise<number> };

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  render: { summary: "render a seamless pattern to PNG", load: async () => (await import("./render.js")).renderCommand },
  pdq: { summary: "PDQ perceptual hashes of image files", load: async () => (await import("./pdq.js")).pdqCommand },
  screen: { summary: "near-duplicate check of images against indexed works", load: async () => (await import("./screen.js")).screenCommand },
  bank: { summary: "hash banks: studio archives, third-party registries, imported lists, allow-lists", load: async () => (await import("./bank.js")).bankCommand },
  pin: { summary: "add files to the embedded IPFS store (Kubo-identical CIDs), optionally as a CAR", load: async () => (await import("./pin.js")).pinCommand },
  mint: { summary: "render, screen, pin, attest and mint one pattern", load: async () => (await import("./mint.js")).mintCommand },
  serve: { summary: "run the generator HTTP API", load: async () => (await import("./serve.js")).serveCommand },
  batch: { summary: "generate a batch of patterns (resumable)", load: async () => (await import("./batch.js")).batchCommand },
  verify: { summary: "audit a certificate from an RPC and an IPFS gateway", load: async () => (await import("./verify.js")).verifyCommand },
  worker: { summary: "run a batch worker on Redis (MOTIF_REDIS_URL)", load: async () => (await import("./worker.js")).workerCommand },
  dataset: { summary: "export or verify a licensed AI-training dataset", load: async () => (await import("./dataset.js")).datasetCommand },
  licence: { summary: "publish or sign a licence offer (regions, classes, advance, royalties); report usage and net sales", load: async () => (await import("./licence.js")).licenceCommand },
  recipe: { summary: "create or check a recipe (model + style params)", load: async () => (await import("./recipe.js")).recipeCommand },
  model: { summary: "train a model from swatches, check it against its card, add it to a models folder, register it", load: async () => (await import("./model.js")).modelCommand },
};

function usage(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return ["usage: motif <command> [options]", "", "commands:", ...lines, "", "motif <command> --help for its options"].join("\n");
}

/** Runs the Motif CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h") {
    process.stdout.write(usage() + "\n");
    return name === undefined ? 1 : 0;
  }
  const entry = commands[name];
  if (entry === undefined) {
    process.stderr.write(`motif: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (error) {
    const [{ UsageError }, { explainMotifError }] = await Promise.all([import("./args.js"), import("@motif/sdk")]);
    if (error instanceof UsageError) {
      process.stderr.write(`motif ${name}: ${redactSecrets(error.message)}\n${command.help ? `\n${command.help}\n` : ""}`);
      return 2;
    }
    // in words (hex ids, region codes, ETH, dates), never viem's boilerplate or raw custom errors
    process.stderr.write(`motif ${name}: ${redactSecrets(explainMotifError(error))}\n`);
    return 1;
  }
}
