import type { Account, Address, Chain, Client, Hash, Transport, WriteContractErrorType } from "viem";

import { motifLicensingAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import type { Offer } from "../../types/license.js";
import { simulateAndWrite } from "../write.js";

export type CancelSignedOfferParameters = { licensing: Address; offer: Offer };
export type CancelSignedOfferReturnType = Hash;
export type CancelSignedOfferErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * The signer of an offer cancels its signature for good: the offer can no longer be accepted, whether
 * or not the signer still owns the certificate, and it does not come back if the signer buys the
 * certificate back later. Only the caller's own signature is affected.
 *
 * @example
 * import { createWalletClient, http, zeroAddress } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { licenseTerms, cancelSignedOffer, regionMask } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * await cancelSignedOffer(client, {
 *   licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
 *   offer: {
 *     terms: licenseTerms({ tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), regions: regionMask(["DE", "FR"]), flags: 1, termsDigest: "0x1111111111111111111111111111111111111111111111111111111111111111" }),
 *     window: { start: 0, end: 0, duration: 90 * 86400 },
 *     pricing: { price: 10n ** 16n, ceiling: 0n, decayWindow: 0, demandCap: 0 },
 *     maxUses: 10, deadline: 2 ** 32, nonce: 1n, licensee: zeroAddress,
 *   },
 * });
 */
export function cancelSignedOffer(
  client: Client<Transport, Chain | undefined, Account>,
  p: CancelSignedOfferParameters,
): Promise<CancelSignedOfferReturnType> {
  return simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "cancelSignedOffer", args: [p.offer] });
}
