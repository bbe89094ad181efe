import { keccak256, stringToBytes } from "viem";

import type { MintRequest } from "@motif/sdk";
import { type PatternRequest, type PipelineConfig, runPipeline } from "../pipeline.js";
import { canonicalParams } from "../render/render.js";
import { mint } from "../stages/mint.js";
import { Journal } from "./journal.js";

/** Identity of a job: a hash of what determines the pattern, so a resubmitted batch is idempotent. */
export function jobKey(r: PatternRequest): string {
  return keccak256(stringToBytes(`${r.model}|${r.seed}|${canonicalParams(r.params)}|${r.width}x${r.height}`));
}

export type BatchProgress = { done: number; total: number; key: string; step: string };

export type BatchSummary = { minted: number; attested: number; pinned: number; refused: number; skipped: number };

/**
 * Runs a batch through the pipeline with a journal: each pattern's last durable step is recorded,
 * so a run killed at any point resumes without losing or double-minting anything. Rendering and
 * pinning are deterministic (same bytes, same CIDs), so redoing them is harmless; an attested
 * request is re-sent as is, and the certificate contract refuses a second mint of the same content,
 * which the resume recognises as already minted.
 */
export async function runBatch(
  config: PipelineConfig,
  jobs: PatternRequest[],
  journalFile: string,
  onProgress?: (p: BatchProgress) => void,
): Promise<BatchSummary> {
  const journal = await Journal.open(journalFile);
  const summary: BatchSummary = { minted: 0, attested: 0, pinned: 0, refused: 0, skipped: 0 };
  let done = 0;
  for (const job of jobs) {
    const key = jobKey(job);
    const last = journal.get(key);
    const finished =
      last?.step === "minted" ||
      last?.step === "refused" ||
      (last?.step === "pinned" && config.attester === undefined) ||
      (last?.step === "attested" && config.minter === undefined);
    if (finished) {
      summary.skipped++;
    } else if (last?.step === "attested" && config.minter !== undefined) {
      const request = reviveRequest(last.request);
      const minted = await mintOnce(config, request);
      await journal.write({ ...last, step: "minted", transactionHash: minted });
      summary.minted++;
    } else {
      const result = await runPipeline(config, job, { mint: false });
      if (result.status === "refused") {
        const top = result.screen.matches[0]!;
        await journal.write({ key, step: "refused", contentDigest: result.rendered.contentDigest, reason: `${top.label} at ${top.distance}` });
        summary.refused++;
      } else if (result.status === "pinned") {
        await journal.write({ key, step: "pinned", contentDigest: result.rendered.contentDigest, metadataCid: result.pinned.metadataCid.toString() });
        summary.pinned++;
      } else {
        const base = { key, contentDigest: result.rendered.contentDigest, metadataCid: result.pinned.metadataCid.toString(), request: result.request };
        await journal.write({ ...base, step: "attested" });
        if (config.minter === undefined) {
          summary.attested++;
        } else {
          const tx = await mintOnce(config, result.request);
          await journal.write({ ...base, step: "minted", transactionHash: tx });
          summary.minted++;
        }
      }
    }
    onProgress?.({ done: ++done, total: jobs.length, key, step: journal.get(key)?.step ?? "skipped" });
  }
  return summary;
}

/** Mints one request; if the content is already certified (an earlier run's transaction landed), says so. */
async function mintOnce(config: PipelineConfig, request: MintRequest): Promise<string> {
  try {
    return (await mint(config.minter!, { requests: [request] })).transactionHash;
  } catch (error) {
    if (String((error as Error).message).includes("MotifCertificateDuplicateContent")) return "already-minted";
    throw error;
  }
}

function reviveRequest(raw: unknown): MintRequest {
  const r = raw as MintRequest & { lineage: { seed: string | bigint }; deadline: string | bigint };
  return { ...r, deadline: BigInt(r.deadline), lineage: { ...r.lineage, seed: BigInt(r.lineage.seed) } };
}
