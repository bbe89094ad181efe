import type { PublicClient } from "viem";

import type { WebConfig } from "./config.js";
import type { Wallet } from "./wallet.js";

/** What every page gets: the stack's config, a reading client, and the injected wallet. */
export type App = { cfg: WebConfig; client: PublicClient; wallet: Wallet };
