import { readFileSync } from "node:fs";
import path from "node:path";

import type { DeploymentRecord } from "@motif/sdk";

// The file a running stack describes itself in, apart from the stack's code so that `npm start`'s
// lock check, tools and tests read it without loading the chain, the store and the API.

/** `<state>/stack.json`: written (mode 0600, it holds the API key) once the stack is ready, removed when it stops. */
export const STACK_FILE = "stack.json";

/** What `<state>/stack.json` says of a running stack. */
export type StackInfo = {
  /** The node process that runs the stack (the one `npm start` execs). */
  pid: number;
  chainId: number;
  chain: "local" | "remote";
  /** `rpc` without the secrets of a remote URL (keys in its path or query). */
  urls: { rpc: string; gateway: string; api: string; web: string | undefined; indexer?: string | undefined };
  apiKey: string;
  contracts: DeploymentRecord["contracts"];
  startBlock: number;
};

/** Reads `<stateDir>/stack.json`; throws when it is missing or not JSON. */
export function readStackInfo(stateDir: string): StackInfo {
  return JSON.parse(readFileSync(path.join(stateDir, STACK_FILE), "utf8")) as StackInfo;
}
