import { type Account, type Address, type Chain, type Client, type Hash, type Hex, type Transport, type WriteContractErrorType, zeroHash } from "viem";

import { motifCertificateAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import { simulateAndWrite } from "../write.js";

export type LogEditParameters = {
  certificate: Address;
  tokenId: bigint;
  /** Digest of the human edit step (its description and the resulting image digest). */
  stepDigest: Hex;
  /** New metadata CID (digest + codec) that lists the step, if the metadata changes. */
  metadata?: { digest: Hex; codec: number };
};
export type LogEditReturnType = Hash;
export type LogEditErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * The certificate owner (or an approved account) appends a human edit step to the edit log:
 * `head' = keccak256(head, stepDigest)`, optionally pointing tokenURI at new metadata.
 *
 * @example
 * import { createWalletClient, http, keccak256, toHex } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { logEdit } from "@motif/sdk";
 * const client = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * await logEdit(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), stepDigest: keccak256(toHex("recolour indigo to madder")) });
 */
export function logEdit(client: Client<Transport, Chain | undefined, Account>, p: LogEditParameters): Promise<LogEditReturnType> {
  return simulateAndWrite(client, {
    address: p.certificate,
    abi: motifCertificateAbi,
    functionName: "logEdit",
    args: [p.tokenId, p.stepDigest, p.metadata?.digest ?? zeroHash, p.metadata?.codec ?? 0],
  });
}
