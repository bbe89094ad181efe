import type { Account, Address, Chain, Client, Hash, Transport, WriteContractErrorType } from "viem";

import { motifCertificateAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import type { MintRequest } from "../../types/lineage.js";
import { simulateAndWrite } from "../write.js";

export type MintCertificatesParameters = { certificate: Address; requests: MintRequest[] };
export type MintCertificatesReturnType = Hash;
export type MintCertificatesErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Mints attested certificates: one `mint`, or a `mintBatch` (all or nothing) for several.
 * A refusal throws MotifContractError (e.g. MotifCertificateDuplicateContent(contentDigest)).
 *
 * @example
 * import { createWalletClient, http } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { mintCertificates, type MintRequest } from "@motif/sdk";
 * declare const request: MintRequest; // from attestLineage
 * const client = createWalletClient({ account: privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a"), transport: http("http://127.0.0.1:8545") });
 * await mintCertificates(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", requests: [request] });
 */
export function mintCertificates(
  client: Client<Transport, Chain | undefined, Account>,
  p: MintCertificatesParameters,
): Promise<MintCertificatesReturnType> {
  if (p.requests.length === 0) throw new RangeError("requests: at least one request is required");
  return p.requests.length === 1
    ? simulateAndWrite(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "mint", args: [p.requests[0]!] })
    : simulateAndWrite(client, { address: p.certificate, abi: motifCertificateAbi, functionName: "mintBatch", args: [p.requests] });
}
