import type { Account, Address, Hex, LocalAccount, WalletClient } from "viem";

import { certificateDomain, mintAttestationTypes, type Lineage, type MintRequest } from "@motif/sdk";

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
  return { ...input, signature };
}
