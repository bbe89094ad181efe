import { main } from "../../../generator/src/cli/index.js";

/** Runs the `motif` CLI in-process with extra environment, capturing what it writes (stdout and stderr). */
export async function runCli(env: Record<string, string>, ...argv: string[]): Promise<{ code: number; output: string; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  let output = "";
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((c: string | Uint8Array) => ((stdout += String(c)), (output += String(c)), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string | Uint8Array) => ((stderr += String(c)), (output += String(c)), true)) as typeof process.stderr.write;
  try {
    return { code: await main(argv), output, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    for (const k of Object.keys(env)) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
