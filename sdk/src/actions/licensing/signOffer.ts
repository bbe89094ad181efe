import type { Account, Address, Chain, Client, Hex, SignTypedDataErrorType, Transport } from "viem";
import { getChainId, signTypedData } from "viem/actions";

import { licensingDomain, offerTypes } from "../../eip712.js";
import type { Offer } from "../../types/license.js";

export type SignOfferParameters = { licensing: Address; offer: Offer };
export type SignOfferReturnType = { offer: Offer; signature: Hex };
export type SignOfferErrorType = SignTypedDataErrorType;

/**
 * The certificate owner signs a license offer off-chain (EIP-712, in its wallet: an injected
 * browser wallet or a local account alike). Licensees accept it with `acceptOffer({ signed })`;
 * `offer.licensee` names the only account that may (a deal negotiated with one buyer), or is
 * `zeroAddress` for anyone. The signer can cancel its signature for good with `cancelSignedOffer`,
 * even after selling the certificate.
 *
 * @example
 * import { createWalletClient, http, zeroAddress } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { licenseTerms, regionMask, signOffer } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * const { signature } = await signOffer(client, {
 *   licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
 *   offer: {
 *     terms: licenseTerms({ tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), regions: regionMask(["DE", "FR"]), flags: 1, termsDigest: "0x1111111111111111111111111111111111111111111111111111111111111111" }),
 *     window: { start: 0, end: 0, duration: 90 * 86400 },
 *     pricing: { price: 10n ** 16n, ceiling: 0n, decayWindow: 0, demandCap: 0 },
 *     maxUses: 10, deadline: 2 ** 32, nonce: 1n, licensee: zeroAddress,
 *   },
 * });
 */
export async function signOffer(
  client: Client<Transport, Chain | undefined, Account>,
  p: SignOfferParameters,
): Promise<SignOfferReturnType> {
  const chainId = client.chain?.id ?? (await getChainId(client));
  const signature = await signTypedData(client, {
    account: client.account,
    domain: licensingDomain(chainId, p.licensing),
    types: offerTypes,
    primaryType: "Offer",
    message: p.offer,
  });
  return { offer: p.offer, signature };
}
