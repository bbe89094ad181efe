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
 * import { createWalletClient, http, keccak256, sha256, toHex } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { attestLineage, mintCertificates } from "@motif/sdk";
 * // the generator (an attester) signs the lineage …
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
 *   to: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", royaltyBps: 500, deadline: 2n ** 40n,
 * });
 * // … and anyone submits the signed request (here its recipient)
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
