import { type Hex, bytesToHex } from "viem";

/** sha-256 with WebCrypto (browsers and Node alike). */
export async function sha256Digest(bytes: Uint8Array): Promise<Hex> {
  const buffer = await globalThis.crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>);
  return bytesToHex(new Uint8Array(buffer));
}
