import { readFile } from "node:fs/promises";
import path from "node:path";
import type { Address } from "viem";

import type { IpfsStore } from "./ipfs/embedded.js";
import type { PinQueue } from "./ipfs/resilient.js";
import { type ModelManifestEntry, modelsDir, type RenderInput, type RenderOutput, render } from "./render/render.js";
import type { PdqIndex } from "./screen/pdq-index.js";
import { type ScreenReport, screen } from "./screen/screen.js";
import { BankSet } from "./screen/banks.js";

const ZERO_HASH = `0x${"0".repeat(64)}` as const;
import { type Attester, attest } from "./stages/attest.js";
import { type FingerprintOutput, fingerprint } from "./stages/fingerprint.js";
import { type Minter, type MintOutput, mint } from "./stages/mint.js";
import { type RecipeClearOutput, type RecipeGate, RecipeRefusedError, clearRecipe } from "./stages/recipe.js";
import type { Recipe } from "./recipe/recipe.js";
import { type PinOutput, pin } from "./stages/pin.js";
import type { MintRequest } from "@motif/sdk";

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
  /** Without an attester the pipeline stops after pinning. */
  attester?: Attester;
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
  /** Folder of the models and their models.json manifest; default: the shipped models. */
  modelsDir?: string;
  now?: () => bigint;
};

export type PatternRequest = RenderInput & {
  to?: Address;
  name?: string;
  description?: string;
  /** Render from a certified recipe (its model and params replace `model` and `params`), in `region`. */
  recipe?: { recipe: Recipe; region: string };
};

export type PatternResult =
  | { status: "refused"; rendered: RenderOutput; fingerprint: FingerprintOutput; screen: ScreenReport }
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
    };

/**
 * The generator pipeline, one stage per file with typed input and output:
 * [recipe →] render → fingerprint → screen → pin → attest → mint. A pattern from a recipe is refused
 * before rendering unless the recipe is certified and the pattern's first owner (`to`, default the creator) owns or licenses it for the
 * request's region (RecipeRefusedError); its lineage then names the recipe. A near-duplicate is refused after screening:
 * nothing is pinned or minted, and the report says what it matched and how close. A cleared
 * pattern joins the index, so the next identical or rotated render is refused.
 */
export async function runPipeline(
  config: PipelineConfig,
  request: PatternRequest,
  options: { mint?: boolean } = {},
): Promise<PatternResult> {
  let fromRecipe: RecipeClearOutput | undefined;
  let input: RenderInput = request;
  if (request.recipe !== undefined) {
    const { recipe, region } = request.recipe;
    if (config.recipes === undefined) throw new RecipeRefusedError(0n, "recipe: rendering from a recipe needs chain access to check its certificate and license (MOTIF_RPC_URL)");
    fromRecipe = await clearRecipe(config.recipes, config.store, { recipe, licensee: request.to ?? config.creator, region, modelIds: config.modelIds, time: config.now?.() });
    input = { ...request, model: recipe.model.name, params: recipe.params };
  }
  const rendered = await render(input, { modelsDir: config.modelsDir });
  const fp = await fingerprint({ png: rendered.png });
  // without banks, the certificates bank over `index` is kept on the config so its tile hashes persist
  const banks = (config.banks ??= BankSet.ofIndex(config.index));
  const report = screen(banks, { pdq: fp.pdq, tile: fp.tile });
  if (!report.cleared) return { status: "refused", rendered, fingerprint: fp, screen: report };

  const modelId = config.modelIds[rendered.model.name];
  if (modelId === undefined) throw new RangeError(`modelIds: no registry id for model "${rendered.model.name}"`);
  const params = JSON.parse(rendered.canonicalParams) as Record<string, number>;
  const pinned = await pin(
    config.store,
    {
      png: rendered.png,
      metadata: {
        name: request.name ?? `${rendered.model.name} #${rendered.seed}`,
        description: request.description ?? `A seamless ${rendered.model.name} pattern generated by Motif.`,
        generator: config.generator,
        lineage: {
          contentDigest: rendered.contentDigest,
          modelId,
          modelName: rendered.model.name,
          modelVersion: rendered.model.version,
          weightsDigest: rendered.model.sha256,
          seed: rendered.seed,
          params,
          paramsHash: rendered.paramsHash,
          pdqHash: fp.pdqHash,
          pdqQuality: fp.pdq.quality,
          ...(fp.tileResult.reliable ? { tile: { hash: fp.tileHash, period: fp.tileResult.period } } : {}),
          width: rendered.width,
          height: rendered.height,
          creator: config.creator,
          editLog: [],
          ...(fromRecipe !== undefined ? { recipe: { id: fromRecipe.recipeId, digest: fromRecipe.recipeDigest, cid: fromRecipe.recipeCid.toString() } } : {}),
        },
      },
    },
    config.pinQueue,
  );
  await pinModel(config.store, rendered.model, config.modelsDir ?? modelsDir());
  if (config.attester === undefined) {
    banks.remember(`pattern ${rendered.contentDigest}`, fp.pdq.original, fp.tileResult.reliable ? fp.tileResult.hash : undefined);
    return { status: "pinned", rendered, fingerprint: fp, screen: report, pinned };
  }
  const now = config.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
  const mintRequest = await attest(config.attester, {
    lineage: {
      contentDigest: rendered.contentDigest,
      metadataDigest: pinned.metadataDigest,
      metadataCodec: pinned.metadataCodec,
      modelId,
      seed: rendered.seed,
      paramsHash: rendered.paramsHash,
      pdqHash: fp.pdqHash,
      tileHash: fp.tileResult.reliable ? fp.tileHash : ZERO_HASH,
      creator: config.creator,
      recipeId: fromRecipe?.recipeId ?? 0n,
    },
    to: request.to ?? config.creator,
    royaltyBps: config.royaltyBps,
    deadline: now + BigInt(config.attestationTtl),
  });
  banks.remember(`certificate ${rendered.contentDigest}`, fp.pdq.original, fp.tileResult.reliable ? fp.tileResult.hash : undefined);
  if (config.minter === undefined || options.mint === false) {
    return { status: "attested", rendered, fingerprint: fp, screen: report, pinned, request: mintRequest, ...(fromRecipe ? { recipe: fromRecipe } : {}) };
  }
  const minted = await mint(config.minter, { requests: [mintRequest] });
  return { status: "minted", rendered, fingerprint: fp, screen: report, pinned, request: mintRequest, minted, ...(fromRecipe ? { recipe: fromRecipe } : {}) };
}

const pinnedModels = new WeakMap<IpfsStore, Set<string>>();

/**
 * Pins the model file a pattern was rendered with (once per store), so auditors can fetch it by
 * its registered weights CID and re-render. One raw block: its CID digest is the file's sha-256.
 */
async function pinModel(store: IpfsStore, model: ModelManifestEntry, dir: string): Promise<void> {
  let done = pinnedModels.get(store);
  if (done === undefined) pinnedModels.set(store, (done = new Set()));
  if (done.has(model.sha256) || model.file === "") return;
  await store.add(await readFile(path.join(dir, model.file)));
  done.add(model.sha256);
}
