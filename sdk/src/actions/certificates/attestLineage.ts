import type { Account, Address, Chain, Client, SignTypedDataErrorType, Transport } from "viem";
import { getChainId, signTypedData } from "viem/actions";

import { certificateDomain, colourwayAttestationTypes, mintAttestationTypes } from "../../eip712.js";
import type { Lineage, MintRequest } from "../../types/lineage.js";

export type AttestLineageParameters = {
  certificate: Address;
  lineage: Lineage;
  to: Address;
  royaltyBps: number;
  deadline: bigint;
  /** For a colourway (`mintColourway`): its design. The signature is then over a `ColourwayAttestation`, valid for that design only and for no plain mint. */
  designId?: bigint;
};
export type AttestLineageReturnType = MintRequest;
export type AttestLineageErrorType = SignTypedDataErrorType;

/**
 * A registered generator (attester) signs a lineage and its mint terms (EIP-712 MintAttestation);
 * anyone can then submit the returned request with `mintCertificates`. With `designId`, a colourway's
 * (EIP-712 ColourwayAttestation): submitted with `mintColourway` for that design only.
 *
 * @example
 * import { createWalletClient, http, keccak256, sha256, toHex } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { attestLineage } from "@motif/sdk";
 * const generator = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * const png = toHex("the rendered PNG's bytes");
 * const request = await attestLineage(generator, {
 *   certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
 *   lineage: {
 *     contentDigest: sha256(png), // the token id
 *     metadataDigest: sha256(toHex("the metadata JSON, pinned as one raw block")),
 *     metadataCodec: 0x55,
 *     modelId: 1,
 *     seed: 42n,
 *     paramsHash: keccak256(toHex('{"scale":2,"sharpness":6}')),
 *     pdqHash: "0x5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a",
 *     tileHash: "0xa5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5",
 *     creator: generator.account.address,
 *     recipeId: 0n,
 *   },
 *   to: generator.account.address, royaltyBps: 500, deadline: 2n ** 40n,
 * });
 */
export async function attestLineage(
  client: Client<Transport, Chain | undefined, Account>,
  p: AttestLineageParameters,
): Promise<AttestLineageReturnType> {
  const chainId = client.chain?.id ?? (await getChainId(client));
  const message = { lineage: p.lineage, to: p.to, royaltyBps: p.royaltyBps, deadline: p.deadline };
  const domain = certificateDomain(chainId, p.certificate);
  const signature =
    p.designId === undefined
      ? await signTypedData(client, { account: client.account, domain, types: mintAttestationTypes, primaryType: "MintAttestation", message })
      : await signTypedData(client, { account: client.account, domain, types: colourwayAttestationTypes, primaryType: "ColourwayAttestation", message: { ...message, designId: p.designId } });
  return { ...message, signature };
}
