import { UsageError } from "./args.js";
import { bankCommand } from "./bank.js";
import { batchCommand } from "./batch.js";
import { datasetCommand } from "./dataset.js";
import { mintCommand } from "./mint.js";
import { pdqCommand } from "./pdq.js";
import { pinCommand } from "./pin.js";
import { recipeCommand } from "./recipe.js";
import { renderCommand } from "./render.js";
import { screenCommand } from "./screen.js";
import { serveCommand } from "./serve.js";
import { verifyCommand } from "./verify.js";
import { workerCommand } from "./worker.js";
import { redactSecrets } from "../redact.js";
import { explainMotifError } from "@motif/sdk";

export { redactSecrets };

type Command = { summary: string; help?: string; run: (args: string[]) => Promise<number> };

const commands: Record<string, Command> = {
  render: renderCommand,
  pdq: pdqCommand,
  screen: screenCommand,
  bank: bankCommand,
  pin: pinCommand,
  mint: mintCommand,
  serve: serveCommand,
  batch: batchCommand,
  verify: verifyCommand,
  worker: workerCommand,
  dataset: datasetCommand,
  recipe: recipeCommand,
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
  const command = commands[name];
  if (command === undefined) {
    process.stderr.write(`motif: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`motif ${name}: ${redactSecrets(error.message)}\n${command.help ? `\n${command.help}\n` : ""}`);
      return 2;
    }
    // in words (hex ids, region codes, ETH, dates), never viem's boilerplate or raw custom errors
    process.stderr.write(`motif ${name}: ${redactSecrets(explainMotifError(error))}\n`);
    return 1;
  }
}
