import type { MintRequest } from "@motif/sdk";
import type { PatternRequest, PipelineConfig } from "../pipeline.js";
import type { RenderSummary } from "./render.js";
import type { ScreenReport } from "../screen/screen.js";
import type { AlreadyCertifiedOutput } from "./certified.js";
import type { FingerprintOutput } from "./fingerprint.js";
import type { MintOutput } from "./mint.js";
import type { PinOutput } from "./pin.js";
import type { RawImage } from "../pdq/pdq.js";
import type { RecipeClearOutput } from "./recipe.js";
import type { ColourwayCheckOutput } from "./colourway.js";
import type { Refusal } from "./refusal.js";

/**
 * What one pattern has accumulated on its way through the pipeline: the request, then each
 * stage's output under its own key. A stage reads the keys it `needs` and adds its output.
 */
export type PipelineContext = {
  request: PatternRequest;
  recipe?: RecipeClearOutput;
  /** For a colourway: its design as the chain knows it (the colourway stage). */
  design?: ColourwayCheckOutput["design"];
  /** The rendered image's bytes (the queue's minter, which never needs them, does not carry them). */
  png?: Uint8Array;
  /** The rendered image's pixels, kept by the render for the fingerprint (which drops them). */
  pixels?: RawImage;
  rendered?: RenderSummary;
  fingerprint?: FingerprintOutput;
  /** Set when the pattern is already certified by this generator (a journaled run resuming). */
  certified?: AlreadyCertifiedOutput;
  screen?: ScreenReport;
  pinned?: PinOutput;
  mintRequest?: MintRequest;
  minted?: MintOutput;
};

/** How far a pattern got: each stage that completes may name the status it reached. */
export type PatternStatus = "rendered" | "pinned" | "attested" | "minted";

export type RunOptions = {
  /** `false`: stop before minting (the request can be minted later). */
  mint?: boolean;
  /**
   * A journaled run (batch, queue) that may resume after a crash: a pattern this generator already
   * certified is recognised as minted instead of refused as a near-duplicate of itself.
   */
  resume?: boolean;
  /**
   * `false`: a kept pattern does not join the banks. A queue worker: a job retried, or re-taken after
   * a stall, would otherwise be refused as a copy of itself; the minter screens the whole batch.
   */
  remember?: boolean;
};

export type StageEnv = { config: PipelineConfig; options: RunOptions };

/** Why the pattern stops here; the runner maps it to the one refusal every path reports. */
export type Stop = { stop: Refusal; with?: Partial<PipelineContext> } | { done: PatternStatus; with?: Partial<PipelineContext> };

/** The input a stage sees: the context so far, with the keys it declared in `needs` present. */
export type StageInput<K extends keyof PipelineContext> = PipelineContext & { [P in K]-?: NonNullable<PipelineContext[P]> };

/**
 * One pipeline stage, one file each (`src/stages/<name>.ts`), with a typed input (the context keys
 * it `needs`) and output (the keys it adds). `enabled` false ends the pipeline before this stage
 * (no attester: it stops after pinning); `applies` false passes over it (no recipe in the request).
 * `status` is what a pattern has reached once the stage is done. A `central` stage is run again by
 * the queue's single minter, which sees the chain and the whole batch; `batch` runs the stage over
 * many patterns at once (the minter's `mintBatch`).
 */
export type Stage<I = never, O extends Partial<PipelineContext> = Partial<PipelineContext>> = {
  readonly name: string;
  readonly needs: readonly (keyof PipelineContext)[];
  readonly status?: PatternStatus;
  readonly central?: boolean;
  enabled?(env: StageEnv, ctx: PipelineContext): boolean;
  applies?(ctx: PipelineContext, env: StageEnv): boolean;
  run(input: I, env: StageEnv): Promise<O | Stop>;
  batch?(inputs: I[], env: StageEnv): Promise<Array<O | Stop>>;
};

/** A stage of any input and output, as pipeline definitions list them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStage = Stage<any, Partial<PipelineContext>>;

/** Declares a stage whose input type is derived from the context keys it needs. */
export function defineStage<K extends keyof PipelineContext, O extends Partial<PipelineContext>>(stage: {
  name: string;
  needs: readonly K[];
  status?: PatternStatus;
  central?: boolean;
  enabled?(env: StageEnv, ctx: PipelineContext): boolean;
  applies?(ctx: PipelineContext, env: StageEnv): boolean;
  run(input: StageInput<K>, env: StageEnv): Promise<O | Stop>;
  batch?(inputs: StageInput<K>[], env: StageEnv): Promise<Array<O | Stop>>;
}): Stage<StageInput<K>, O> {
  return stage;
}

export const isStop = (x: unknown): x is Stop => typeof x === "object" && x !== null && ("stop" in x || "done" in x);

/** Ends the pattern's run refused (`with`: outputs to keep in the context, e.g. the screening report). */
export const refuse = (refusal: Refusal, withOutputs?: Partial<PipelineContext>): Stop => ({ stop: refusal, ...(withOutputs !== undefined ? { with: withOutputs } : {}) });
