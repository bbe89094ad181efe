import type { Address } from "viem";
import type { ModelParamDeclaration } from "@motif/sdk";

/** What `npm start` tells the page about its stack (served as /config.json). */
export type WebConfig = {
  chainId: number;
  /** Loopback JSON-RPC of the local chain; absent on a real chain (the wallet's provider is used). */
  rpcUrl?: string;
  gateway: string;
  api: string;
  apiKey: string;
  /** The indexer (search, filters, history); absent when the stack runs without one (`--no-indexer`). */
  indexer?: string;
  contracts: { MotifCertificate: Address; MotifModelRegistry: Address; MotifLicensing: Address };
  startBlock: number;
  models: Record<string, number>;
  /** Each model's params, as its manifest entry declares them (the creator form's inputs). */
  modelParams: Record<string, ModelParamDeclaration[]>;
};

export async function loadConfig(): Promise<WebConfig> {
  const response = await fetch("./config.json", { cache: "no-store" });
  if (!response.ok) throw new Error(`config.json: HTTP ${response.status} (open the page that npm start serves)`);
  return (await response.json()) as WebConfig;
}

/** POST a JSON body to the stack's generator API with its key; the response as is (check `ok`). */
export function postApi(cfg: WebConfig, path: string, body: unknown): Promise<Response> {
  return fetch(`${cfg.api}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": cfg.apiKey }, body: JSON.stringify(body) });
}
