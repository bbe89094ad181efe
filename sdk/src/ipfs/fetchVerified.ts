import { CarBlockIterator } from "@ipld/car/iterator";
import * as dagPb from "@ipld/dag-pb";
import { UnixFS } from "ipfs-unixfs";
import { CID } from "multiformats/cid";
import { BaseError, type Hex, bytesToHex } from "viem";

import { sha256Digest } from "./sha256.js";

export type FetchVerifiedParameters = {
  cid: string;
  codec: number;
  digest: Hex;
  /**
   * Most bytes the content may have (default `DEFAULT_MAX_FETCH_BYTES`, 512 MiB): a larger answer, a
   * larger declared file, or a DAG that expands past it (blocks linked many times) is refused before
   * it is held in memory, so a hostile gateway or certificate cannot exhaust the verifier.
   */
  maxBytes?: number;
};
export type FetchVerifiedReturnType = Uint8Array;
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

/** Default `maxBytes` of `fetchVerified`: 512 MiB (an 8192² RGBA PNG is at most 256 MiB). */
export const DEFAULT_MAX_FETCH_BYTES = 512 * 1024 * 1024;
/** Largest raw block read (IPFS's 2 MiB block limit): a raw block's answer is dropped past it. */
export const MAX_RAW_BLOCK_BYTES = 2 * 1024 * 1024;
/** Most DAG nodes one file walk visits (a link to a block already seen counts again). */
const MAX_NODE_VISITS = 1_000_000;
/** CAR framing and dag-pb nodes on top of the file's own bytes. */
const carAllowance = (maxBytes: number) => Math.ceil(maxBytes * 0.05) + 1024 * 1024;

const RAW = 0x55;
const DAG_PB = dagPb.code;
const SHA2_256 = 0x12;

/**
 * Fetches content by CID from a trustless gateway and checks every byte against the CID: the
 * gateway is never trusted. Works in browsers and Node (fetch + WebCrypto; no Node-only import).
 *
 * - A raw block (codec 0x55, `bafkrei…`: anything up to 256 KiB as Kubo adds it) is fetched with
 *   `?format=raw` and its sha-256 compared with the CID's digest.
 * - A chunked UnixFS file (codec dag-pb 0x70, `bafybei…`: images of 2048² and more, model weights,
 *   large datasets) is fetched as a CAR (`?format=car`) and checked block by block: every block
 *   must hash to its own CID (sha2-256), the DAG is walked from the root along the dag-pb links, a
 *   linked block missing from the CAR, a block the DAG does not link, a child whose size differs
 *   from what its parent records, or a node that is not a UnixFS file are all refused. The file's
 *   bytes are the leaves' data in link order.
 *
 * `target.digest` is the digest the caller trusts (usually read on-chain); `target.cid` must name it.
 *
 * @example
 * import { fetchVerified } from "@motif/sdk";
 * const bytes = await fetchVerified("http://127.0.0.1:8081", {
 *   cid: "bafkreigbi7m5cf5ru2whyhzs5uk23u4f7aftpqbyjb2mq4l52ebdf53pqi", // a pattern's image: one raw block
 *   codec: 0x55,
 *   digest: "0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82", // its sha-256 = the token id
 * });
 */
export async function fetchVerified(gateway: string, target: FetchVerifiedParameters): Promise<FetchVerifiedReturnType> {
  let root: CID;
  try {
    root = CID.parse(target.cid);
  } catch {
    throw new IpfsVerificationError(target.cid, "not a CID");
  }
  if (root.code !== target.codec || root.multihash.code !== SHA2_256 || bytesToHex(root.multihash.digest).toLowerCase() !== target.digest.toLowerCase()) {
    throw new IpfsVerificationError(target.cid, `the CID does not name codec 0x${target.codec.toString(16)} with sha2-256 digest ${target.digest}`);
  }
  const maxBytes = target.maxBytes ?? DEFAULT_MAX_FETCH_BYTES;
  if (target.codec === RAW) return fetchRawBlock(gateway, root, target.digest, Math.min(maxBytes, MAX_RAW_BLOCK_BYTES));
  if (target.codec === DAG_PB) return fetchUnixFsFile(gateway, root, maxBytes);
  throw new IpfsVerificationError(target.cid, `codec 0x${target.codec.toString(16)}: only raw blocks (0x55) and UnixFS files (dag-pb, 0x70) are verified by this client`);
}

async function get(gateway: string, cid: CID, format: "raw" | "car", limit: number): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(`${gateway.replace(/\/$/, "")}/ipfs/${cid.toString()}?format=${format}`, {
      headers: { accept: format === "raw" ? "application/vnd.ipld.raw" : "application/vnd.ipld.car" },
    });
  } catch (error) {
    throw new IpfsVerificationError(cid.toString(), `gateway unreachable (${(error as Error).message})`);
  }
  if (!response.ok) throw new IpfsVerificationError(cid.toString(), `gateway answered ${response.status}`);
  return readCapped(response, limit, cid);
}

/** The body, refused as soon as it passes `limit` bytes (declared or streamed). */
async function readCapped(response: Response, limit: number, cid: CID): Promise<Uint8Array> {
  const tooBig = (n: number | string) =>
    new IpfsVerificationError(cid.toString(), `the gateway's answer is ${n} bytes, over the limit of ${limit} (maxBytes)`);
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  if (declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw tooBig(declared);
  }
  if (response.body === null) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw tooBig(`more than ${limit}`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

async function fetchRawBlock(gateway: string, cid: CID, expected: Hex, maxBytes: number): Promise<Uint8Array> {
  const bytes = await get(gateway, cid, "raw", maxBytes);
  const digest = await sha256Digest(bytes);
  if (digest.toLowerCase() !== expected.toLowerCase()) {
    throw new IpfsVerificationError(cid.toString(), `bytes hash to ${digest}, not the CID's ${expected}: tampered or wrong content`);
  }
  return bytes;
}

/** A block's key: codec and multihash (a CIDv0 and its CIDv1 are the same block). */
const keyOf = (cid: CID) => `${cid.code}:${bytesToHex(cid.multihash.bytes)}`;

async function fetchUnixFsFile(gateway: string, root: CID, maxBytes: number): Promise<Uint8Array> {
  const car = await get(gateway, root, "car", maxBytes + carAllowance(maxBytes));
  const refuse = (reason: string): never => {
    throw new IpfsVerificationError(root.toString(), reason);
  };
  // 1. Every block in the CAR hashes to its own CID.
  const blocks = new Map<string, { cid: CID; bytes: Uint8Array }>();
  let iterator: CarBlockIterator;
  try {
    iterator = await CarBlockIterator.fromBytes(car);
  } catch (error) {
    return refuse(`the gateway's answer is not a CAR (${(error as Error).message})`);
  }
  try {
    for await (const block of iterator) {
      if (block.cid.multihash.code !== SHA2_256) refuse(`block ${block.cid.toString()} uses hash 0x${block.cid.multihash.code.toString(16)}: only sha2-256 is verified`);
      const digest = await sha256Digest(block.bytes);
      if (digest !== bytesToHex(block.cid.multihash.digest)) {
        refuse(`block ${block.cid.toString()}: bytes hash to ${digest}, not its CID's digest: tampered or wrong content`);
      }
      blocks.set(keyOf(block.cid), block);
    }
  } catch (error) {
    if (error instanceof IpfsVerificationError) throw error;
    refuse(`the gateway's CAR is malformed (${(error as Error).message})`);
  }
  // 2. Walk the DAG from the root: each linked block present, each node a UnixFS file whose
  //    recorded child sizes match its children.
  //    The bytes produced and the nodes visited are bounded: a block may be linked many times (a file of
  //    identical chunks), so a small CAR could otherwise expand without end.
  const used = new Set<string>();
  const parts: Uint8Array[] = [];
  let produced = 0;
  let visits = 0;
  const emit = (bytes: Uint8Array) => {
    produced += bytes.length;
    if (produced > maxBytes) refuse(`the file expands past the limit of ${maxBytes} bytes (maxBytes)`);
    parts.push(bytes);
  };
  const walk = (cid: CID, depth: number): bigint => {
    if (depth > 64) refuse(`the DAG is deeper than 64 levels at ${cid.toString()}`);
    if (++visits > MAX_NODE_VISITS) refuse(`the DAG has more than ${MAX_NODE_VISITS} nodes to visit`);
    const key = keyOf(cid);
    const block = blocks.get(key) ?? refuse(`missing block ${cid.toString()}: the gateway's CAR does not hold a block the DAG links`);
    used.add(key);
    if (cid.code === RAW) {
      emit(block.bytes);
      return BigInt(block.bytes.length);
    }
    if (cid.code !== DAG_PB) refuse(`block ${cid.toString()} has codec 0x${cid.code.toString(16)}: a UnixFS file has only dag-pb and raw blocks`);
    let node: dagPb.PBNode;
    let unixfs: UnixFS;
    try {
      node = dagPb.decode(block.bytes);
      if (node.Data === undefined) throw new Error("no Data");
      unixfs = UnixFS.unmarshal(node.Data);
    } catch (error) {
      return refuse(`block ${cid.toString()} is not a UnixFS node (${(error as Error).message})`);
    }
    if (unixfs.type !== "file" && unixfs.type !== "raw") refuse(`block ${cid.toString()} is a UnixFS ${unixfs.type}, not a file`);
    if (depth === 0 && unixfs.fileSize() > BigInt(maxBytes)) refuse(`the file declares ${unixfs.fileSize()} bytes, over the limit of ${maxBytes} (maxBytes)`);
    if (unixfs.blockSizes.length !== node.Links.length) {
      refuse(`block ${cid.toString()} records ${unixfs.blockSizes.length} child sizes for ${node.Links.length} links`);
    }
    let size = 0n;
    if (unixfs.data !== undefined && unixfs.data.length > 0) {
      emit(unixfs.data);
      size += BigInt(unixfs.data.length);
    }
    node.Links.forEach((link, i) => {
      const childSize = walk(link.Hash, depth + 1);
      if (childSize !== unixfs.blockSizes[i]) refuse(`block ${link.Hash.toString()} holds ${childSize} bytes, its parent ${cid.toString()} records ${unixfs.blockSizes[i]}`);
      size += childSize;
    });
    return size;
  };
  const total = walk(root, 0);
  // 3. Nothing the DAG does not link.
  for (const [key, block] of blocks) {
    if (!used.has(key)) refuse(`block ${block.cid.toString()} is not part of the DAG of ${root.toString()}: the CAR holds blocks it should not`);
  }
  const out = new Uint8Array(Number(total));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}
