export type IndexerOptions = {
  /** JSON-RPC endpoint of the chain. */
  rpcUrl: string;
  chainId: number;
  /** The contracts' deployment block (a deployment record's startBlock). */
  startBlock: number | bigint;
  addresses: { certificate: `0x${string}`; licensing: `0x${string}`; registry: `0x${string}` };
  /** Folder of the embedded database (PGlite) and of Ponder's generated files. */
  stateDir: string;
  /** Start from an empty index (default true: a local chain starts afresh too). */
  fresh?: boolean;
  /** PostgreSQL instead of the embedded PGlite. */
  databaseUrl?: string;
  /** Database schema (default: `motif_` and a digest of the indexer's build and chain settings, so an upgrade re-indexes into a new schema; the earlier ones are dropped when it changes). */
  schema?: string;
  /** Default 42069; 0 picks a free port (the URL is in the result). */
  port?: number;
  host?: string;
  /** How often Ponder polls for new blocks (default 1,000 ms; 100 at least). */
  pollingMs?: number;
  maxRequestsPerSecond?: number;
  logLevel?: "error" | "warn" | "info" | "debug";
  readyTimeoutMs?: number;
  onLog?: (text: string) => void;
};
export type RunningIndexer = {
  url: string;
  pid: number | undefined;
  /** Resolves once caught up: the backfill done (`/ready`) and the index at the chain's head of that moment. */
  ready: (timeoutMs?: number) => Promise<void>;
  /** SIGTERM, then SIGKILL after 8 s; resolves when the process has exited. */
  stop: () => Promise<void>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  log: () => string;
};
export function startIndexer(options: IndexerOptions): Promise<RunningIndexer>;
