import { mkdir } from "node:fs/promises";
import { CarWriter } from "@ipld/car";
import * as dagPb from "@ipld/dag-pb";
import { exporter } from "ipfs-unixfs-exporter";
import { importBytes } from "ipfs-unixfs-importer";
import { fixedSize } from "ipfs-unixfs-importer/chunker";
import { balanced } from "ipfs-unixfs-importer/layout";
import { CID } from "multiformats/cid";
import * as raw from "multiformats/codecs/raw";

import { BlockFolder } from "./blockstore.js";

/**
 * The chunking and DAG settings of `ipfs add --cid-version=1` on Kubo (its classic defaults), so the
 * embedded store and a Kubo node give the same CID for the same bytes:
 *   CIDv1, sha2-256, 256 KiB fixed-size chunks, raw leaves, balanced DAG of at most 174 links per
 *   node, and a file of one chunk stored as that single raw block (CID `bafkrei…`, codec raw).
 */
export const KUBO_ADD_OPTIONS = {
  cidVersion: 1,
  rawLeaves: true,
  reduceSingleLeafToSelf: true,
  chunker: fixedSize({ chunkSize: 262_144 }),
  layout: balanced({ maxChildrenPerNode: 174 }),
} as const;

/** What the pipeline needs from IPFS, embedded or remote. */
export interface IpfsStore {
  /** Adds bytes as a UnixFS file (Kubo settings) and returns its root CID. */
  add(bytes: Uint8Array): Promise<CID>;
  /** The file bytes behind a root CID. */
  cat(cid: CID): Promise<Uint8Array>;
  has(cid: CID): Promise<boolean>;
  /** One block's bytes, as stored (what a trustless gateway answers for `?format=raw`). */
  block(cid: CID): Promise<Uint8Array>;
  /** A CARv1 of every block under `roots`, for pinning services. */
  exportCar(roots: CID[]): Promise<Uint8Array>;
}

/**
 * An embedded, persistent IPFS block store in a folder of the project (`.motif/ipfs` by default):
 * no daemon to install. Blocks are files named by their multihash, laid out as blockstore-fs does it
 * (`BlockFolder`).
 */
export class EmbeddedIpfs implements IpfsStore {
  private readonly blockstore: BlockFolder;
  private opened: Promise<void> | undefined;

  constructor(readonly directory: string) {
    this.blockstore = new BlockFolder(directory);
  }

  private ready(): Promise<void> {
    this.opened ??= mkdir(this.directory, { recursive: true }).then(() => this.blockstore.open());
    return this.opened;
  }

  async add(bytes: Uint8Array): Promise<CID> {
    await this.ready();
    const { cid } = await importBytes(bytes, this.blockstore, KUBO_ADD_OPTIONS);
    return cid;
  }

  async cat(cid: CID): Promise<Uint8Array> {
    await this.ready();
    const entry = await exporter(cid, this.blockstore);
    if (entry.type !== "file" && entry.type !== "raw") throw new Error(`cat: ${cid.toString()} is a ${entry.type}, not a file`);
    const parts: Uint8Array[] = [];
    for await (const part of entry.content()) parts.push(part as Uint8Array);
    return new Uint8Array(Buffer.concat(parts));
  }

  async has(cid: CID): Promise<boolean> {
    await this.ready();
    return this.blockstore.has(cid);
  }

  async exportCar(roots: CID[]): Promise<Uint8Array> {
    await this.ready();
    const { writer, out } = CarWriter.create(roots);
    const chunks: Uint8Array[] = [];
    const collected = (async () => {
      for await (const c of out) chunks.push(c);
    })();
    const seen = new Set<string>();
    for (const root of roots) await this.writeDag(root, writer, seen);
    await writer.close();
    await collected;
    return new Uint8Array(Buffer.concat(chunks));
  }

  /** The raw bytes of one block. */
  async block(cid: CID): Promise<Uint8Array> {
    await this.ready();
    const parts: Uint8Array[] = [];
    for await (const part of this.blockstore.get(cid)) parts.push(part);
    return new Uint8Array(Buffer.concat(parts));
  }

  private async writeDag(cid: CID, writer: { put(b: { cid: CID; bytes: Uint8Array }): Promise<void> }, seen: Set<string>): Promise<void> {
    const key = cid.toString();
    if (seen.has(key)) return;
    seen.add(key);
    const bytes = await this.block(cid);
    await writer.put({ cid, bytes });
    if (cid.code === dagPb.code) {
      for (const link of dagPb.decode(bytes).Links) await this.writeDag(link.Hash, writer, seen);
    } else if (cid.code !== raw.code) {
      throw new Error(`exportCar: unsupported codec 0x${cid.code.toString(16)} in ${key}`);
    }
  }
}

export { CID };
