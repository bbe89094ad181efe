import type { Account, Address, Hex, LocalAccount, WalletClient } from "viem";

import { certificateDomain, mintAttestationTypes, type Lineage, type MintRequest } from "@motif/sdk";
import { chainLineage, mintRequestOf, NO_DEADLINE } from "./lineage.js";
import { defineStage } from "./stage.js";

/** Stage input: the lineage to vouch for and the mint terms. */
export type AttestInput = {
  lineage: Lineage;
  to: Address;
  royaltyBps: number;
  /** Unix seconds after which the attestation expires. */
  deadline: bigint;
};

/** Who signs: the generator's attester key, for one certificate deployment. */
export type Attester = {
  signer: LocalAccount | { client: WalletClient; account: Account };
  chainId: number;
  certificate: Address;
};

/** Attest stage: the generator signs the EIP-712 MintAttestation the certificate contract checks. */
export async function attest(attester: Attester, input: AttestInput): Promise<MintRequest> {
  const typedData = {
    domain: certificateDomain(attester.chainId, attester.certificate),
    types: mintAttestationTypes,
    primaryType: "MintAttestation",
    message: { lineage: input.lineage, to: input.to, royaltyBps: input.royaltyBps, deadline: input.deadline },
  } as const;
  const s = attester.signer;
  const signature: Hex =
    "client" in s ? await s.client.signTypedData({ ...typedData, account: s.account }) : await s.signTypedData(typedData);
  return mintRequestOf({ ...input, signature });
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
    const to = ctx.request.to ?? config.creator;
    if (config.attester === "minter") return { mintRequest: mintRequestOf({ lineage, to, royaltyBps: config.royaltyBps, deadline: NO_DEADLINE }) };
    const now = config.now?.() ?? BigInt(Math.floor(Date.now() / 1000));
    return { mintRequest: await attest(config.attester!, { lineage, to, royaltyBps: config.royaltyBps, deadline: now + BigInt(config.attestationTtl) }) };
  },
});
