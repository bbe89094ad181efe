import { pdqCommand } from "./pdq.js";

type Command = { summary: string; run: (args: string[]) => Promise<number> };

const commands: Record<string, Command> = {
  pdq: pdqCommand,
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
  return command.run(rest);
}
