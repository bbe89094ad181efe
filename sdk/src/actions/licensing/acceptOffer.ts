import { type Account, type Address, type Chain, type Client, type Hash, type Hex, type Transport, type WriteContractErrorType, zeroAddress } from "viem";
import { readContract } from "viem/actions";

import { motifLicensingAbi } from "../../abis/index.js";
import { type MotifContractErrorType, rethrowMotifError } from "../../errors.js";
import type { Offer } from "../../types/license.js";
import { simulateAndWrite } from "../write.js";

export type AcceptOfferParameters = {
  licensing: Address;
  /**
   * Highest price the licensee agrees to pay (protects against a price change before inclusion); the
   * terms' advance, if any, is paid on top of it.
   */
  maxPrice: bigint;
} & ({ offerId: bigint; signed?: never } | { signed: { offer: Offer; signature: Hex }; offerId?: never });
export type AcceptOfferReturnType = Hash;
export type AcceptOfferErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Accepts a license offer from the licensee's wallet: an on-chain offer by id, or a signed one.
 * In ETH, `maxPrice` plus the terms' advance (a minimum guarantee, 0 without one) is sent and any
 * excess is credited back (withdrawable); in an ERC-20, approve that sum to the licensing contract
 * first. Simulated first: a refusal throws MotifContractError.
 *
 * @example
 * import { createWalletClient, http, parseEther } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { acceptOffer } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * const hash = await acceptOffer(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", offerId: 1n, maxPrice: parseEther("0.01") });
 */
export async function acceptOffer(
  client: Client<Transport, Chain | undefined, Account>,
  p: AcceptOfferParameters,
): Promise<AcceptOfferReturnType> {
  let terms: Offer["terms"];
  try {
    terms =
      p.signed !== undefined
        ? p.signed.offer.terms
        : // one read, no event: the offer as published (reverts MotifLicensingUnknownOffer for an unknown id)
          (await readContract(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "getOffer", args: [p.offerId!] }))[0].terms;
  } catch (error) {
    return rethrowMotifError(error);
  }
  // the advance is paid at acceptance on top of the price (the contract takes price + advance)
  const value = terms.currency === zeroAddress ? p.maxPrice + terms.advance : 0n;
  return p.signed !== undefined
    ? simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "acceptSignedOffer", args: [p.signed.offer, p.signed.signature, p.maxPrice], value })
    : simulateAndWrite(client, { address: p.licensing, abi: motifLicensingAbi, functionName: "acceptOffer", args: [p.offerId!, p.maxPrice], value });
}
