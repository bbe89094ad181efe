import type { Address, Hex } from "viem";

import type { MintRequest } from "@motif/sdk";
import type { IpfsStore } from "./ipfs/embedded.js";
import type { PinQueue } from "./ipfs/resilient.js";
import { type RenderInput, type RenderOutput, renderThreads } from "./render/render.js";
import type { PdqIndex } from "./screen/pdq-index.js";
import type { ScreenReport } from "./screen/screen.js";
import { BankSet } from "./screen/banks.js";
import { type Attester, attestStage } from "./stages/attest.js";
import { certifiedStage } from "./stages/certified.js";
import { type FingerprintOutput, fingerprintStage } from "./stages/fingerprint.js";
import { type Minter, type MintOutput, mintStage } from "./stages/mint.js";
import { type PinOutput, pinStage } from "./stages/pin.js";
import { type RecipeClearOutput, type RecipeGate, recipeStage } from "./stages/recipe.js";
import type { Recipe } from "./recipe/recipe.js";
import { PatternRefusedError, type Refusal } from "./stages/refusal.js";
import { type ColourwayCheckOutput, colourwayStage, type DesignCertificate } from "./stages/colourway.js";
import { renderStage } from "./stages/render.js";
import { screenStage } from "./stages/screen.js";
import { type AnyStage, type PatternStatus, type PipelineContext, type RunOptions, type StageEnv, isStop } from "./stages/stage.js";

/**
 * The generator pipeline, one stage per file (src/stages/) with typed input and output, in order.
 * Every path runs this list: `runPipeline` (API, `motif mint`), the journaled batch (`runBatch`)
 * and the queue (`startWorker` runs it up to `pin`, the single minter its central stages and the
 * rest; see `queueStages`). A new stage is one file plus one line here.
 */
export const PIPELINE: readonly AnyStage[] = [
  recipeStage, // a recipe's licence cleared before anything is rendered
  colourwayStage, // a colourway's design checked on chain before anything is rendered
  renderStage,
  fingerprintStage,
  certifiedStage, // journaled runs: this generator's own certificate from an earlier run
  screenStage,
  pinStage,
  attestStage,
  mintStage,
];

export type PipelineConfig = {
  store: IpfsStore;
  /** Durable queue for pins that fail (remote node down): files wait there, never lost. */
  pinQueue?: PinQueue;
  /** Near-duplicate index: minted certificates and imported third-party works. */
  index: PdqIndex;
  /**
   * The hash banks screening runs against (studio archives, third-party registries, imported lists,
   * allow-lists), whose "certificates" bank holds `index`: e.g. a `BankStore`'s live set. Default:
   * `index` alone.
   */
  banks?: BankSet;
  /**
   * Without an attester the pipeline stops after pinning. "minter": the minter's own account holds
   * ATTESTER_ROLE and sends the requests unsigned (the queue's single minter).
   */
  attester?: Attester | "minter";
  /** Without a minter the pipeline stops after attesting (the request can be minted later). */
  minter?: Minter;
  /** Registry model id of each shipped model name. */
  modelIds: Record<string, number>;
  creator: Address;
  royaltyBps: number;
  /** How long an attestation stays valid, in seconds. */
  attestationTtl: number;
  generator: { name: string; version: string };
  /** Chain access to check recipe certificates and licenses; needed to render from a recipe. */
  recipes?: RecipeGate;
  /**
   * A design's certificate as the chain knows it (creator, model id, seed, paramsHash and its
   * colourways' ids; undefined when there is no such pattern certificate). A colourway is checked
   * against it (the colourway stage) and screened with its design's family as family, not copies.
   * Without it a colourway is refused.
   */
  designFamily?: (design: Hex) => Promise<DesignCertificate | undefined>;
  /** Folder of the models and their models.json manifest; default: the shipped models. */
  modelsDir?: string;
  now?: () => bigint;
  /** The pipeline definition these paths run; default `PIPELINE`. */
  stages?: readonly AnyStage[];
};

export type PatternRequest = RenderInput & {
  to?: Address;
  name?: string;
  description?: string;
  /** Render from a certified recipe (its model and params replace `model` and `params`), in `region`. */
  recipe?: { recipe: Recipe; region: string };
};

export type PatternResult =
  | { status: "refused"; rendered: RenderOutput; fingerprint: FingerprintOutput; screen: ScreenReport; refusal: Refusal }
  | { status: "pinned"; rendered: RenderOutput; fingerprint: FingerprintOutput; screen: ScreenReport; pinned: PinOutput }
  | {
      status: "attested" | "minted";
      rendered: RenderOutput;
      fingerprint: FingerprintOutput;
      screen: ScreenReport;
      pinned: PinOutput;
      request: MintRequest;
      minted?: MintOutput;
      /** The recipe the pattern was rendered from, when it was. */
      recipe?: RecipeClearOutput;
      /** For a colourway: its design as checked on chain (id, owner; `ownerSends`: the owner sends the signed request). */
      design?: ColourwayCheckOutput["design"];
    };

/** How a run of stages ended: the status reached, or the refusal; `already` for a pattern certified earlier. */
export type RunResult = { ctx: PipelineContext; status: PatternStatus | "refused"; refusal?: Refusal; already?: boolean };

const stagesOf = (config: PipelineConfig) => config.stages ?? PIPELINE;

/** The stages up to and including `name`, and the rest (the journaled batch records a step between them). */
export function splitAfter(stages: readonly AnyStage[], name: string): [readonly AnyStage[], readonly AnyStage[]] {
  const i = stages.findIndex((s) => s.name === name);
  if (i < 0) throw new Error(`pipeline: no stage "${name}" in ${stages.map((s) => s.name).join(" → ")}`);
  return [stages.slice(0, i + 1), stages.slice(i + 1)];
}

/**
 * The queue's split of one definition: workers run it up to and including `pin` (no key, no chain);
 * the single minter runs the central stages before that again (already certified? screening against
 * the chain and the whole batch), then the rest (attest, mint).
 */
export function queueStages(stages: readonly AnyStage[]): { worker: readonly AnyStage[]; minter: readonly AnyStage[] } {
  const [worker, rest] = splitAfter(stages, "pin");
  return { worker, minter: [...worker.filter((s) => s.central === true), ...rest] };
}

/**
 * The one runner: takes `ctx` through `stages` in order. A stage not `enabled` ends the run there;
 * one that does not `apply` is passed over; a stop ends it refused (or done). When the run ends with
 * the pattern kept (pinned, attested, minted), its hashes join the banks, so the next identical or
 * rotated render is refused: as a certificate once attested, else as a pinned pattern.
 */
export async function runStages(stages: readonly AnyStage[], ctx: PipelineContext, env: StageEnv, from: PatternStatus = "rendered"): Promise<RunResult> {
  return runStagesDone(await advance(stages, ctx, env, from), env);
}

/** How far `advance` took a pattern; `ended`: a stage ended the run (refused, done, or not enabled), so no later stage runs. */
type Advanced = RunResult & { ended: boolean };

/** `runStages` without the keeping: the stages in order, as far as they go. */
async function advance(stages: readonly AnyStage[], ctx: PipelineContext, env: StageEnv, from: RunResult["status"]): Promise<Advanced> {
  let status = from;
  for (const stage of stages) {
    if (stage.enabled?.(env, ctx) === false) return { ctx, status, ended: true };
    if (stage.applies?.(ctx, env) === false) continue;
    for (const key of stage.needs) {
      if (ctx[key] === undefined) throw new Error(`pipeline: stage "${stage.name}" needs "${key}", which no stage before it provided`);
    }
    const out = await stage.run(ctx, env);
    if (isStop(out)) {
      Object.assign(ctx, out.with);
      if ("stop" in out) return { ctx, status: "refused", refusal: out.stop, ended: true };
      return { ctx, status: out.done, already: true, ended: true };
    }
    Object.assign(ctx, out);
    if (stage.status !== undefined) status = stage.status;
  }
  return { ctx, status, ended: false };
}

/** Patterns whose lead stages run ahead by default: one per render thread, and one more. */
export const defaultAhead = (): number => renderThreads() + 1;

/**
 * `runStages` over many patterns strictly in order, as one after the other would, with the lead
 * stages — those before the first central stage (recipe, render, fingerprint: they read nothing an
 * earlier pattern changes) — of up to `ahead` later patterns started meanwhile, so the render
 * workers render the next patterns while this thread fingerprints, screens and pins. `visit(i, run)`
 * is called for each pattern in order (`ctxs[i]` undefined: nothing to run, `run` absent); `run()`
 * finishes pattern i — its lead awaited (a lead's error is thrown there), then the rest of the
 * stages, then its hashes kept — and may be left uncalled. Results and banks are those of running
 * the patterns one by one; only the lead work overlaps.
 */
export async function runStagesAhead(
  stages: readonly AnyStage[],
  ctxs: ReadonlyArray<PipelineContext | undefined>,
  env: StageEnv,
  visit: (i: number, run: (() => Promise<RunResult>) | undefined) => Promise<void>,
  ahead: number = defaultAhead(),
): Promise<void> {
  const first = stages.findIndex((s) => s.central === true);
  const [lead, rest] = first < 0 ? [stages, []] : [stages.slice(0, first), stages.slice(first)];
  const leads = new Map<number, Promise<Advanced>>();
  let next = 0;
  try {
    for (let i = 0; i < ctxs.length; i++) {
      for (; next < ctxs.length && next <= i + ahead; next++) {
        const ctx = ctxs[next];
        if (ctx === undefined) continue;
        const running = advance(lead, ctx, env, "rendered");
        running.catch(() => undefined); // thrown when its pattern's turn comes
        leads.set(next, running);
      }
      const led = leads.get(i);
      leads.delete(i);
      await visit(
        i,
        led &&
          (async () => {
            const a = await led;
            const r = a.ended ? a : await advance(rest, a.ctx, env, a.status);
            return runStagesDone(r, env);
          }),
      );
    }
  } finally {
    leads.clear();
  }
}

/** The end of a run: its hashes kept when the pattern was (see `runStages`). */
function runStagesDone({ ended: _, ...r }: Advanced, env: StageEnv): RunResult {
  keep(r.ctx, r.status, env);
  return r;
}

/**
 * Runs `stages` over many patterns: each stage over every pattern still going, a stage with `batch`
 * over all of them at once (the minter's `mintBatch`), the others one by one.
 */
export async function runStagesTogether(stages: readonly AnyStage[], runs: RunResult[], env: StageEnv): Promise<RunResult[]> {
  for (const stage of stages) {
    const going = runs.filter((r) => r.status !== "refused" && r.already !== true && stage.enabled?.(env, r.ctx) !== false && stage.applies?.(r.ctx, env) !== false);
    if (going.length === 0) continue;
    let outs;
    if (stage.batch !== undefined) outs = await stage.batch(going.map((r) => r.ctx), env);
    else {
      outs = [];
      for (const r of going) outs.push(await stage.run(r.ctx, env));
    }
    going.forEach((r, i) => {
      const out = outs[i]!;
      if (isStop(out)) {
        Object.assign(r.ctx, out.with);
        if ("stop" in out) Object.assign(r, { status: "refused", refusal: out.stop });
        else Object.assign(r, { status: out.done, already: true });
      } else {
        Object.assign(r.ctx, out);
        if (stage.status !== undefined) r.status = stage.status;
      }
    });
  }
  return runs;
}

/** Adds a kept pattern's hashes to the banks its screening ran against. */
function keep(ctx: PipelineContext, status: RunResult["status"], { config, options }: StageEnv): void {
  if (options.remember === false) return;
  if ((status !== "pinned" && status !== "attested" && status !== "minted") || ctx.fingerprint === undefined || ctx.rendered === undefined) return;
  const fp = ctx.fingerprint;
  const label = `${status === "pinned" ? "pattern" : "certificate"} ${ctx.rendered.contentDigest}`;
  (config.banks ??= BankSet.ofIndex(config.index)).remember(label, fp.pdq.original, fp.tileResult.reliable ? fp.tileResult.hash : undefined, ctx.design === undefined ? undefined : BigInt(ctx.design.id));
}

/** The result of `runPipeline` for a context that went through the whole definition. */
export function patternResult(r: RunResult): PatternResult {
  const { ctx } = r;
  const base = { rendered: { ...ctx.rendered!, png: ctx.png! }, fingerprint: ctx.fingerprint!, screen: ctx.screen! };
  if (r.status === "refused") {
    // screening's refusal comes with its report; any other stage's is thrown, as a bad request is
    if (ctx.screen === undefined || r.refusal!.code !== "near-duplicate") throw new PatternRefusedError(r.refusal!);
    return { status: "refused", ...base, refusal: r.refusal! };
  }
  if (r.status === "pinned") return { status: "pinned", ...base, pinned: ctx.pinned! };
  if (r.status === "attested" || r.status === "minted") {
    return { status: r.status, ...base, pinned: ctx.pinned!, request: ctx.mintRequest!, ...(ctx.minted ? { minted: ctx.minted } : {}), ...(ctx.recipe ? { recipe: ctx.recipe } : {}), ...(ctx.design ? { design: ctx.design } : {}) };
  }
  throw new Error(`pipeline: the run ended at "${r.status}", before pinning (a stage ended it early)`);
}

/**
 * The generator pipeline (`PIPELINE`, or the config's `stages`) for one pattern, in-process:
 * [recipe →] render → fingerprint → screen → pin → attest → mint. A pattern from a recipe is refused
 * before rendering unless the recipe is certified and the pattern's first owner (`to`, default the
 * creator) owns or licenses it for the request's region (RecipeRefusedError); its lineage then names
 * the recipe. A near-duplicate is refused after screening (status "refused", with the refusal every
 * path reports): nothing is pinned or minted. A cleared pattern joins the index, so the next
 * identical or rotated render is refused. Other refusals are thrown; `refusalOf` maps them.
 */
export async function runPipeline(config: PipelineConfig, request: PatternRequest, options: RunOptions = {}): Promise<PatternResult> {
  return patternResult(await runStages(stagesOf(config), { request }, { config, options }));
}

/**
 * `runPipeline` over many patterns, in order, with the same results (a near-duplicate of an earlier
 * one in the list is refused as it would be one by one): the next `ahead` patterns render and
 * fingerprint meanwhile (`runStagesAhead`). The first pattern that throws ends the run there, its
 * error thrown once the patterns before it are done.
 */
export async function runPipelines(config: PipelineConfig, requests: readonly PatternRequest[], options: RunOptions = {}, ahead?: number): Promise<PatternResult[]> {
  const results: PatternResult[] = [];
  await runStagesAhead(stagesOf(config), requests.map((request) => ({ request })), { config, options }, async (_, run) => void results.push(patternResult(await run!())), ahead);
  return results;
}
