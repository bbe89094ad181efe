import type { Account, Address, Hex, LocalAccount, WalletClient } from "viem";

import { certificateDomain, colourwayAttestationTypes, mintAttestationTypes, type Lineage, type MintRequest } from "@motif/sdk";
import { recipientOf } from "./colourway.js";
import { chainLineage, mintRequestOf, NO_DEADLINE } from "./lineage.js";
import { defineStage } from "./stage.js";

/** Stage input: the lineage to vouch for and the mint terms. */
export type AttestInput = {
  lineage: Lineage;
  to: Address;
  royaltyBps: number;
  /** Unix seconds after which the attestation expires. */
  deadline: bigint;
  /** For a colourway: its design (the signature is then a ColourwayAttestation, for `mintColourway` with that design only). */
  designId?: bigint;
};

/** Who signs: the generator's attester key, for one certificate deployment. */
export type Attester = {
  signer: LocalAccount | { client: WalletClient; account: Account };
  chainId: number;
  certificate: Address;
};

/**
 * Attest stage: the generator signs the EIP-712 MintAttestation the certificate contract checks (a
 * ColourwayAttestation naming the design, for a colourway).
 */
export async function attest(attester: Attester, input: AttestInput): Promise<MintRequest> {
  const domain = certificateDomain(attester.chainId, attester.certificate);
  const message = { lineage: input.lineage, to: input.to, royaltyBps: input.royaltyBps, deadline: input.deadline };
  const s = attester.signer;
  let signature: Hex;
  if (input.designId === undefined) {
    const typedData = { domain, types: mintAttestationTypes, primaryType: "MintAttestation", message } as const;
    signature = "client" in s ? await s.client.signTypedData({ ...typedData, account: s.account }) : await s.signTypedData(typedData);
  } else {
    const typedData = { domain, types: colourwayAttestationTypes, primaryType: "ColourwayAttestation", message: { ...message, designId: input.designId } } as const;
    signature = "client" in s ? await s.client.signTypedData({ ...typedData, account: s.account }) : await s.signTypedData(typedData);
  }
  const { designId: _, ...request } = input;
  return mintRequestOf({ ...request, signature });
}

/**
 * The attest stage of the pipeline: the one lineage builder, the one MintRequest assembly, signed
 * (or unsigned for an attester that mints itself). Without an attester the pipeline stops before it.
 */
export const attestStage = defineStage({
  name: "attest",
  needs: ["rendered", "fingerprint", "pinned"],
  status: "attested",
  enabled: ({ config }) => config.attester !== undefined,
  async run(ctx, { config }) {
    const lineage = chainLineage(config, { rendered: ctx.rendered, fingerprint: ctx.fingerprint, pinned: ctx.pinned, recipe: ctx.recipe });
    const to = recipientOf(ctx.request, ctx.design, config.creator);
    if (config.attester === "minter") return { mintRequest: mintRequestOf({ lineage, to, royaltyBps: config.royaltyBps, deadline: NO_DEADLINE }) };
    const now = config.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
    const design = ctx.design !== undefined ? { designId: BigInt(ctx.design.id) } : {};
    return { mintRequest: await attest(config.attester!, { lineage, to, royaltyBps: config.royaltyBps, deadline: now + BigInt(config.attestationTtl), ...design }) };
  },
});
