import { type Address, type Hex, getAddress } from "viem";

import { ColourwaySpecError, MotifCertificateConstants, checkColourwaySpec, renderParamsHash, tokenIdHex } from "@motif/sdk";
import { RenderInputError } from "../render/render.js";
import { defineStage, refuse } from "./stage.js";

/**
 * A design certificate as the chain knows it: what a colourway of it must share, its colourways, and
 * (read by `designOnChain`) its owner and whether this generator's account may add a colourway to it
 * (the contract lets an attester do so while the design's creator holds it, or with its owner's
 * approval; a colourway never leaves its family, so nobody else's design takes one unasked).
 */
export type DesignCertificate = {
  creator: Address;
  modelId: number;
  seed: bigint;
  paramsHash: Hex;
  colourways: readonly Hex[];
  owner?: Address;
  /** Set when the certificate is itself a colourway (of this design): it cannot be a design. */
  colourwayOf?: Hex;
  generatorMayAdd?: boolean;
};

/** Most colourways of one design (`MotifCertificate.MAX_COLOURWAYS`, generated from the contract). */
export const MAX_COLOURWAYS = Number(MotifCertificateConstants.MAX_COLOURWAYS);

/** Stage output: the design the colourway was checked against (the screen stage's family). */
export type ColourwayCheckOutput = { design: DesignCertificate & { id: Hex } };

/**
 * Colourway stage (before render), for a request that is a colourway: its design must be a
 * certificate of this generator's creator (`designFamily` asks the chain) rendered from the same
 * model, seed, params and print spec (the lineage's paramsHash), so the colourway is that render
 * recoloured; otherwise the pattern is refused (`not-a-colourway`) before anything is rendered.
 */
export const colourwayStage = defineStage({
  name: "colourway",
  needs: [],
  applies: (ctx) => ctx.request.colourway !== undefined,
  async run(ctx, env) {
    const { config } = env;
    const r = ctx.request;
    // the spec first: bad input is the request's fault (a RenderInputError naming the field), as in the render
    let spec;
    try {
      spec = checkColourwaySpec(r.colourway);
    } catch (error) {
      if (error instanceof ColourwaySpecError) throw new RenderInputError(error.field, error.detail);
      throw error;
    }
    const id = spec.design;
    const named = `colourway.design: ${tokenIdHex(BigInt(id))}`;
    const not = (why: string) => refuse({ code: "not-a-colourway", reason: `${named} ${why}` });
    if (config.designFamily === undefined) return not("cannot be checked: a colourway needs chain access to read its design's certificate (MOTIF_RPC_URL)");
    const design = await config.designFamily(id);
    if (design === undefined) return not("is not a pattern certificate on this chain");
    if (design.colourwayOf !== undefined) return not(`is itself a colourway of ${design.colourwayOf}: name that design (families are one level deep)`);
    if (getAddress(design.creator) !== getAddress(config.creator)) return not(`is ${design.creator}'s design, not this generator's creator's (${config.creator}): a colourway is its own studio's`);
    const modelId = config.modelIds[r.model];
    if (modelId !== design.modelId) return not(`was rendered by model id ${design.modelId}, this request by ${r.model} (id ${modelId ?? "none"})`);
    if (r.seed !== design.seed) return not(`was rendered from seed ${design.seed}, this request from seed ${r.seed}`);
    const paramsHash = renderParamsHash(r.params, r.print);
    if (paramsHash !== design.paramsHash) return not(`was rendered with params (and print spec) hashing to ${design.paramsHash}, this request's hash to ${paramsHash}`);
    if (design.colourways.length >= MAX_COLOURWAYS) return not(`already has ${design.colourways.length} colourways, the most a design can have (${MAX_COLOURWAYS})`);
    const minter = config.minter;
    if (minter !== undefined && env.options.mint !== false && design.owner !== undefined) {
      // refused before rendering what the chain would refuse to mint
      const to = getAddress(r.to ?? config.creator);
      if (getAddress(design.owner) !== to) return not(`is owned by ${design.owner}: a colourway is minted to its design's owner, this request to ${to}`);
      if (design.generatorMayAdd === false) {
        return not(`cannot take a colourway from this generator: its owner ${design.owner} is not its creator and has not approved this generator's account ${minter.wallet.account.address} (or that account is no attester, or the certificate contract is paused); the owner may send the colourway's attested request itself`);
      }
    }
    return { design: { ...design, id } };
  },
});
