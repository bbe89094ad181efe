import { BaseError, type Hex } from "viem";

import { sha256Digest } from "./sha256.js";

export type FetchVerifiedErrorType = IpfsVerificationError & { name: "IpfsVerificationError" };

/** Content from a gateway did not match its CID, or could not be fetched. */
export class IpfsVerificationError extends BaseError {
  override name = "IpfsVerificationError" as const;
  constructor(
    readonly cid: string,
    reason: string,
  ) {
    super(`${cid}: ${reason}`);
  }
}

const RAW = 0x55;

/**
 * Fetches a raw-codec CIDv1 (sha2-256) block from a trustless gateway and checks that its bytes
 * hash to the CID: the gateway is never trusted. Works in browsers and Node (fetch + WebCrypto).
 *
 * @example
 * import { fetchVerified } from "@motif/sdk";
 * const bytes = await fetchVerified("http://127.0.0.1:8081", {
 *   cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
 *   codec: 0x55,
 *   digest: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
 * });
 */
export async function fetchVerified(gateway: string, target: { cid: string; codec: number; digest: Hex }): Promise<Uint8Array> {
  if (target.codec !== RAW) {
    throw new IpfsVerificationError(target.cid, `codec 0x${target.codec.toString(16)}: only single raw blocks are verified by this client`);
  }
  let response: Response;
  try {
    response = await fetch(`${gateway.replace(/\/$/, "")}/ipfs/${target.cid}?format=raw`, { headers: { accept: "application/vnd.ipld.raw" } });
  } catch (error) {
    throw new IpfsVerificationError(target.cid, `gateway unreachable (${(error as Error).message})`);
  }
  if (!response.ok) throw new IpfsVerificationError(target.cid, `gateway answered ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const digest = await sha256Digest(bytes);
  if (digest.toLowerCase() !== target.digest.toLowerCase()) {
    throw new IpfsVerificationError(target.cid, `bytes hash to ${digest}, not the CID's ${target.digest}: tampered or wrong content`);
  }
  return bytes;
}
