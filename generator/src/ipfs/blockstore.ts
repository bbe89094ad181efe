import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { FsBlockstore } from "blockstore-fs";
import { NextToLast } from "blockstore-fs/sharding";
import type { CID } from "multiformats/cid";

/**
 * A folder of blocks laid out as blockstore-fs lays them out (each block a file named by its
 * multihash in upper-case base32, `.data`, in a folder named by the name's last two characters), so
 * blockstore-fs reads, lists and deletes them, with a cheaper `put`: each block is still written to a
 * temporary file and renamed into place (a reader never sees half a block), but its folder is made
 * only when the write finds it missing instead of before every write (a recursive mkdir a block:
 * ~0.25 ms of the ~1 ms blockstore-fs takes to put a pattern's PNG, measured on 2 shared cores).
 */
export class BlockFolder extends FsBlockstore {
  private readonly sharding: NextToLast;
  /** Names each temporary file apart, so that two writes of one block never share one. */
  private writes = 0;

  constructor(location: string) {
    const sharding = new NextToLast();
    super(location, { shardingStrategy: sharding });
    this.sharding = sharding;
  }

  override async put(key: CID, val: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>, options?: { signal?: AbortSignal }): Promise<CID> {
    if (!(val instanceof Uint8Array)) return super.put(key, val, options);
    options?.signal?.throwIfAborted();
    const { dir, file } = this.sharding.encode(key);
    const folder = path.join(this.path, dir);
    const temporary = path.join(folder, `.${file}.${process.pid}-${this.writes++}.tmp`);
    try {
      await writeFile(temporary, val).catch(async (error: NodeJS.ErrnoException) => {
        if (error.code !== "ENOENT") throw error;
        await mkdir(folder, { recursive: true });
        await writeFile(temporary, val);
      });
      await rename(temporary, path.join(folder, file));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
    return key;
  }
}
