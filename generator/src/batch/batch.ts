import { type Address, getAddress, keccak256, recoverTypedDataAddress, stringToBytes } from "viem";

import { type MintRequest, MotifCertificateConstants, certificateDomain, checkColourwaySpec, checkPrintSpec, isMotifError, mintAttestationTypes, motifCertificateAbi, motifErrorOf } from "@motif/sdk";
import { PIPELINE, type PatternRequest, type PipelineConfig, type RunResult, runStages, runStagesAhead, splitAfter } from "../pipeline.js";
import { canonicalParams } from "../render/render.js";
import { BankSet } from "../screen/banks.js";
import { PdqIndex } from "../screen/pdq-index.js";
import { certificateCreator, otherLineage } from "../stages/certified.js";
import { colourwayStage, ownerSends } from "../stages/colourway.js";
import { certifiedByAnother, refusalOf } from "../stages/refusal.js";
import type { PipelineContext, StageEnv } from "../stages/stage.js";
import { Journal, type JournalRecord } from "./journal.js";

/** A spec in its canonical form (`check`'s answer); one the check refuses as given (the render refuses it in words). */
function canonical<T>(spec: T, check: (spec: T) => unknown): unknown {
  try {
    return check(spec);
  } catch {
    return spec;
  }
}

/**
 * Identity of a job: a hash of what determines the pattern, so a resubmitted batch is idempotent. A
 * colourway's adds its canonical spec (a design and its colourways share model, seed, params and
 * size), a print tile's its print spec (a seamless tile is another render than the plain one of its
 * size); any other job keeps the key it always had, so earlier journals still resume.
 */
export function jobKey(r: PatternRequest): string {
  const print = r.print === undefined ? "" : `|print:${JSON.stringify(canonical(r.print, (p) => checkPrintSpec(p)))}`;
  const colourway = r.colourway === undefined ? "" : `|colourway:${JSON.stringify(canonical(r.colourway, checkColourwaySpec))}`;
  return keccak256(stringToBytes(`${r.model}|${r.seed}|${canonicalParams(r.params)}|${r.width}x${r.height}${print}${colourway}`));
}

/**
 * Runs stages, a refusal thrown by one of them (bad request, unregistered or deprecated model,
 * recipe not licensed) ending the run refused like a near-duplicate does; other errors are thrown.
 */
export async function settleStages(stages: Parameters<typeof runStages>[0], ctx: PipelineContext, env: StageEnv, from?: RunResult["status"]): Promise<RunResult> {
  return settle(ctx, () => runStages(stages, ctx, env, from as Exclude<RunResult["status"], "refused">));
}

/** `run()`, a refusal it throws ending the run refused (see `settleStages`). */
async function settle(ctx: PipelineContext, run: () => Promise<RunResult>): Promise<RunResult> {
  try {
    return await run();
  } catch (error) {
    const refusal = refusalOf(error);
    if (refusal === undefined) throw error;
    return { ctx, status: "refused", refusal };
  }
}

/**
 * The journal record of a pattern's run, the same in the in-process batch and the queue's minter:
 * a refusal's code and words, an earlier run's certificate as "already-minted".
 */
export function journalRecord(key: string, r: RunResult): JournalRecord {
  const contentDigest = r.ctx.rendered?.contentDigest;
  const metadataCid = r.ctx.pinned?.metadataCid.toString();
  const base = { key, ...(contentDigest !== undefined ? { contentDigest } : {}), ...(metadataCid !== undefined ? { metadataCid } : {}) };
  if (r.status === "refused") return { ...base, step: "refused", code: r.refusal!.code, reason: r.refusal!.reason };
  if (r.already === true) return { ...base, step: "minted", transactionHash: "already-minted" };
  if (r.status === "minted") return { ...base, step: "minted", transactionHash: r.ctx.minted!.transactionHash };
  if (r.status === "attested") return { ...base, step: "attested", request: r.ctx.mintRequest };
  if (r.status === "pinned") return { ...base, step: "pinned" };
  throw new Error(`batch: pattern ${key} ended at "${r.status}", before pinning`);
}

export type BatchProgress = { done: number; total: number; key: string; step: string };

export type BatchSummary = { minted: number; attested: number; pinned: number; refused: number; skipped: number };

/**
 * Runs a batch through the pipeline with a journal: each pattern's last durable step is recorded,
 * so a run killed at any point resumes without losing or double-minting anything. Rendering and
 * pinning are deterministic (same bytes, same CIDs), so redoing them is harmless; an attested
 * request is re-sent as is, and the certificate contract refuses a second mint of the same content,
 * which the resume recognises as already minted. `onProgress` is called after each pattern, and
 * awaited when it returns a promise.
 */
export async function runBatch(
  config: PipelineConfig,
  jobs: PatternRequest[],
  journalFile: string,
  onProgress?: (p: BatchProgress) => unknown,
): Promise<BatchSummary> {
  const journal = await Journal.open(journalFile);
  const summary: BatchSummary = { minted: 0, attested: 0, pinned: 0, refused: 0, skipped: 0 };
  // the one definition, with a journal record between attesting and minting
  const [toAttest, toMint] = splitAfter(config.stages ?? PIPELINE, "attest");
  const env: StageEnv = { config, options: { resume: true } };
  let done = 0;
  const finishedBy = (last: JournalRecord | undefined) =>
    last?.step === "minted" ||
    last?.step === "refused" ||
    (last?.step === "pinned" && config.attester === undefined) ||
    (last?.step === "attested" && config.minter === undefined);
  // the patterns the journal says to render: the next ones render and fingerprint while this one is screened and pinned
  const toRender = jobs.map((job) => {
    const last = journal.get(jobKey(job));
    return finishedBy(last) || (last?.step === "attested" && config.minter !== undefined) ? undefined : { request: job };
  });
  // the patterns signed before a crash join the banks before any pattern is screened: a near-copy
  // anywhere in the batch, before them too, is screened against them (audit 34)
  const banks = (config.banks ??= BankSet.ofIndex(config.index));
  const sendable = sendableOnChain(config.minter);
  const upFront = await rememberResumable(jobs, journal, config.minter, banks, sendable);
  await runStagesAhead(toAttest, toRender, env, async (i, ahead) => {
    const job = jobs[i]!;
    const key = jobKey(job);
    const last = journal.get(key); // again: the same job twice in a batch is done by its first
    if (finishedBy(last)) {
      summary.skipped++;
    } else {
      let r: RunResult;
      // its entry from before any pattern was screened no longer stands for it: what it is now joins
      // the banks as any pattern's does (sent as signed, or rendered and screened again)
      const early = upFront.remembered.get(key);
      if (early !== undefined) banks.certificates.forget(early);
      // a request signed before a crash that the chain would no longer take (expired: a rerun the next
      // day; signed by a key since rotated out) is signed again: rendered and pinned again (the same
      // bytes and CIDs), attested with a new deadline; so is one whose signed hashes meet those of
      // another signed before it (`rememberResumable`)
      const resumable = last?.step === "attested" && config.minter !== undefined && !upFront.rescreen.has(key) && (await sendable(reviveRequest(last.request), job));
      if (resumable && last?.step === "attested" && config.minter !== undefined) {
        // signed before a crash: sent as it was signed; a colourway's design read again (the mint
        // names it, and its owner may have changed or approved this generator since)
        const ctx: PipelineContext = { request: job, mintRequest: reviveRequest(last.request) };
        r = job.colourway !== undefined ? await settleStages([colourwayStage], ctx, env, "attested") : { ctx, status: "attested" };
        if (r.status === "refused") await journal.write({ ...journalRecord(key, r), contentDigest: last.contentDigest, metadataCid: last.metadataCid });
        else if (ownerSends(r.ctx.design) && (await certificateCreator(config.minter, BigInt(r.ctx.mintRequest!.lineage.contentDigest))) !== undefined) {
          // its design's owner sent it since: minted, not by this generator
          r = { ...r, status: "minted", already: true };
          await journal.write({ ...journalRecord(key, r), contentDigest: last.contentDigest, metadataCid: last.metadataCid });
        }
        // not rendered again: its signed lineage's hashes join the banks, as a kept pattern's do, so a
        // near-copy later in this batch is screened against it (audit 33)
        if (r.status !== "refused") rememberSigned(r.ctx.mintRequest!, banks, { design: r.ctx.design });
      } else {
        const ctx = toRender[i] ?? { request: job };
        r = await settle(ctx, ahead ?? (() => runStages(toAttest, ctx, env)));
        await journal.write(journalRecord(key, r));
      }
      if (r.status === "attested" && config.minter !== undefined) {
        r = await mintOnce(toMint, r, env);
        await journal.write({ ...journalRecord(key, r), ...(last?.step === "attested" ? { contentDigest: last.contentDigest, metadataCid: last.metadataCid } : {}) });
      }
      const counted = r.status === "refused" ? "refused" : r.already === true ? "minted" : r.status;
      summary[counted as keyof BatchSummary]++;
    }
    await onProgress?.({ done: ++done, total: jobs.length, key, step: journal.get(key)?.step ?? "skipped" });
  });
  return summary;
}

/**
 * Runs the stages after attesting (mint). If the content is certified already, the chain says whose:
 * this generator's creator's (an earlier run's transaction landed) is minted, anyone else's (the same
 * render minted elsewhere first) is refused.
 */
async function mintOnce(stages: Parameters<typeof runStages>[0], r: RunResult, env: StageEnv): Promise<RunResult> {
  try {
    return await settleStages(stages, r.ctx, env, "attested");
  } catch (error) {
    if (!isMotifError(motifErrorOf(error), "MotifCertificateDuplicateContent")) throw error;
    const lineage = r.ctx.mintRequest!.lineage;
    const tokenId = BigInt(lineage.contentDigest); // also after a crash, when only the signed request was journaled
    const creator = await certificateCreator(env.config.minter!, tokenId);
    if (creator !== undefined && creator === getAddress(env.config.creator)) {
      // an earlier run's mint of this very request, or another request of the same pixels (audit 34)
      const other = await otherLineage(env.config.minter!, tokenId, lineage);
      return other === undefined ? { ...r, status: "minted", already: true } : { ...r, status: "refused", refusal: other };
    }
    return { ...r, status: "refused", refusal: certifiedByAnother(tokenId, creator ?? "an unknown creator") };
  }
}

/** A signed lineage's PDQ and tile hashes (none for an unreliable tile hash), as the banks take them. */
function signedHashes(request: MintRequest): { pdq: string; tile?: string } {
  const { pdqHash, tileHash } = request.lineage;
  return { pdq: pdqHash.slice(2), ...(/^0x0{64}$/i.test(tileHash) ? {} : { tile: tileHash.slice(2) }) };
}

/** A pattern resumed from its signed request: its lineage's PDQ and tile hashes in the banks, under the label a kept pattern gets (or `label`); a colourway's with its `design`. */
function rememberSigned(request: MintRequest, banks: BankSet, { design, label = `certificate ${request.lineage.contentDigest}` }: { design?: PipelineContext["design"]; label?: string } = {}): void {
  const { pdq, tile } = signedHashes(request);
  banks.remember(label, pdq, tile, design === undefined ? undefined : BigInt(design.id));
}

/**
 * Before any pattern is screened, the signed lineage of each one the journal says was attested before
 * a crash, whose attestation has not expired (by the chain's clock), joins the banks under a label of
 * its own (`remembered`, by job key), which its turn takes out again (`Bank.forget`). One whose signed
 * PDQ or tile hash meets one signed before it in the batch (two near-copies each signed by a run that
 * crashed: a journal reused across manifests) is not sent as signed but rendered and screened at its
 * turn (`rescreen`). A colourway is left to its turn: the colourway stage reads its design again then.
 */
async function rememberResumable(jobs: readonly PatternRequest[], journal: Journal, minter: PipelineConfig["minter"], banks: BankSet, sendable: Sendable): Promise<{ remembered: Map<string, string>; rescreen: Set<string> }> {
  const [remembered, rescreen] = [new Map<string, string>(), new Set<string>()];
  if (minter === undefined) return { remembered, rescreen };
  // the signed lineages met so far, apart (at the certificates bank's thresholds)
  const signedSoFar = BankSet.ofIndex(PdqIndex.build([]), { ...banks.certificates.thresholds });
  let now: bigint | undefined; // the chain's clock, read once for the pass
  for (const job of jobs) {
    const [key, last] = [jobKey(job), journal.get(jobKey(job))];
    // the same job twice; a colourway; one expired (signed again at its turn)
    if (last?.step !== "attested" || remembered.has(key) || rescreen.has(key) || job.colourway !== undefined) continue;
    const request = reviveRequest(last.request);
    now ??= (await minter.publicClient.getBlock()).timestamp;
    if (!(await sendable(request, job, now))) continue;
    const { pdq, tile } = signedHashes(request);
    if (signedSoFar.certificates.query("pdq", pdq).length > 0 || (tile !== undefined && signedSoFar.certificates.query("tile", tile).length > 0)) {
      rescreen.add(key);
      continue;
    }
    rememberSigned(request, signedSoFar);
    const label = `certificate ${request.lineage.contentDigest} (signed before a crash, sent at its turn)`;
    rememberSigned(request, banks, { label });
    remembered.set(key, label);
  }
  return { remembered, rescreen };
}

/** `sendableOnChain`'s test: `now`, the chain's clock, read at the call when not given. */
type Sendable = (request: MintRequest, job: PatternRequest, now?: bigint) => Promise<boolean>;

/**
 * Whether the chain would still take a request signed before a crash as it is: its deadline not
 * passed, nor passing within a minute, by the chain's latest block (the contract's clock, not this
 * machine's); and, but for a colourway's (signed over its design, read at its turn), whoever vouches
 * for it (the signer; the minter's own account for an unsigned request) still an attester: a key
 * rotated out since (audit 37) signs nothing more. The role is read once per account in a run.
 */
function sendableOnChain(minter: PipelineConfig["minter"]): Sendable {
  const attesters = new Map<Address, Promise<boolean>>();
  let chainId: Promise<number> | undefined;
  return async (request, job, now) => {
    if (minter === undefined) return false;
    if (request.deadline < (now ?? (await minter.publicClient.getBlock()).timestamp) + 60n) return false;
    if (job.colourway !== undefined) return true;
    const { lineage, to, royaltyBps, deadline, signature } = request;
    const message = { lineage, to, royaltyBps, deadline };
    const domain = certificateDomain(await (chainId ??= minter.publicClient.getChainId()), minter.certificate);
    // a signature that recovers no account (a journal damaged by hand) is as good as none: signed again
    const account = signature === "0x" ? minter.wallet.account.address : await recoverTypedDataAddress({ domain, types: mintAttestationTypes, primaryType: "MintAttestation", message, signature }).catch(() => undefined);
    if (account === undefined) return false;
    if (!attesters.has(account)) attesters.set(account, minter.publicClient.readContract({ address: minter.certificate, abi: motifCertificateAbi, functionName: "hasRole", args: [MotifCertificateConstants.ATTESTER_ROLE, account] }));
    return attesters.get(account)!;
  };
}

/** A journaled mint request (its bigints written as strings) as the SDK takes it. */
export function reviveRequest(raw: unknown): MintRequest {
  const r = raw as MintRequest & { lineage: { seed: string | bigint }; deadline: string | bigint };
  return { ...r, deadline: BigInt(r.deadline), lineage: { ...r.lineage, seed: BigInt(r.lineage.seed) } };
}
