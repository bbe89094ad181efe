import { type Address, type Hex, getAddress } from "viem";

import { ColourwaySpecError, MotifCertificateConstants, checkColourwaySpec, renderParamsHash, tokenIdHex } from "@motif/sdk";
import { RenderInputError } from "../render/render.js";
import { defineStage, refuse } from "./stage.js";

/**
 * A design certificate as the chain knows it: what a colourway of it must share, its colourways, and
 * (read by `designOnChain`) its owner, whether this generator's account attests there, and whether it
 * may send a colourway of it itself (the contract takes one only from the design's owner or an account
 * it approved: a colourway never leaves its family, so nobody else's design takes one unasked).
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
  /** This generator's account holds ATTESTER_ROLE there and the contract is not paused: its signature counts. */
  generatorAttests?: boolean;
  /** This generator's account may send the colourway itself (it owns the design, or its owner approved it); false: the owner sends the signed request. */
  generatorMayAdd?: boolean;
};

/** Most colourways of one design (`MotifCertificate.MAX_COLOURWAYS`, generated from the contract). */
export const MAX_COLOURWAYS = Number(MotifCertificateConstants.MAX_COLOURWAYS);

/**
 * Whether the design's owner, not this generator, sends a colourway of `design`: the generator then
 * stops at the signed ColourwayAttestation (status "attested") and hands it to the owner.
 */
export const ownerSends = (design: DesignCertificate | undefined): boolean => design?.generatorMayAdd === false;

/**
 * Who a pattern's certificate is minted to: the request's `to`; else, for a colourway, its design's
 * owner (the contract mints a colourway to no one else); else the generator's creator.
 */
export const recipientOf = (request: { to?: Address }, design: DesignCertificate | undefined, creator: Address): Address => request.to ?? design?.owner ?? creator;

/** Stage output: the design the colourway was checked against (the screen stage's family). */
export type ColourwayCheckOutput = { design: DesignCertificate & { id: Hex } };

/**
 * Colourway stage (before render), for a request that is a colourway: its design must be a
 * certificate of this generator's creator (`designFamily` asks the chain) rendered from the same
 * model, seed, params and print spec (the lineage's paramsHash), so the colourway is that render
 * recoloured; otherwise the pattern is refused (`not-a-colourway`) before anything is rendered. When
 * minting, it is also refused for what the chain would refuse: another recipient than the design's
 * owner, a generator whose signature does not count there, a family already full. A design whose
 * owner has not approved this generator takes the colourway from its owner: the run stops at the
 * signed request (`ownerSends`); the queue's minter, which signs nothing, refuses it.
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
      // refused before rendering what the chain would refuse to mint; a colourway goes to its design's
      // owner (`recipientOf`), so only a recipient named otherwise is refused
      if (r.to !== undefined && getAddress(design.owner) !== getAddress(r.to)) return not(`is owned by ${design.owner}: a colourway is minted to its design's owner, this request to ${getAddress(r.to)}`);
      const account = minter.wallet.account.address;
      if (design.generatorAttests === false) {
        return not(`cannot take a colourway attested by this generator: its account ${account} holds no ATTESTER_ROLE on certificate contract ${minter.certificate}, or the contract is paused`);
      }
      if (ownerSends(design) && config.attester === "minter") {
        return not(`takes a colourway only from its owner ${design.owner} (or an account it approved): this path signs no request to hand over; run it where the generator signs (motif mint, the API) and the owner sends it`);
      }
    }
    return { design: { ...design, id } };
  },
});
