import type { TransformOptions } from "node:stream";
import { type ZlibOptions, crc32, createDeflate } from "node:zlib";

/** The fixed compression settings (they decide the bytes), and the stream's input buffer (it does not). */
const DEFLATE_OPTIONS: ZlibOptions & Pick<TransformOptions, "writableHighWaterMark"> = { level: 6, memLevel: 8, windowBits: 15, strategy: 0, writableHighWaterMark: 1 << 20 };

/**
 * Streaming PNG encoder with fixed settings, so the same pixels always give the same bytes (on one
 * zlib build): 8-bit RGB, no alpha, no interlace, filter "Sub" on every row, zlib level 6, IDAT
 * chunks of 64 KiB; a `pHYs` chunk after IHDR only when `pixelsPerMetre` is given (a print render's
 * DPI: every other render keeps its bytes). Rows arrive in bands (as pixels, or already filtered by a render worker); only
 * the compressed stream is kept, and it is compressed off the main thread (zlib's thread pool) while
 * the next bands render.
 */
export class PngWriter {
  // up to 1 MiB (about five bands) waits for the compressor before a writer is asked to wait: the
  // next bands render while it works, and memory stays bounded (buffering changes no output byte)
  private readonly deflate = createDeflate(DEFLATE_OPTIONS);
  private readonly compressed: Buffer[] = [];
  private rowsWritten = 0;
  private readonly done: Promise<void>;

  constructor(
    readonly width: number,
    readonly height: number,
    /** The physical resolution, pixels per metre on both axes (PNG `pHYs`, unit 1); absent: no pHYs chunk. */
    readonly pixelsPerMetre?: number,
  ) {
    this.deflate.on("data", (chunk: Buffer) => this.compressed.push(chunk));
    this.done = new Promise((resolve, reject) => {
      this.deflate.on("end", resolve);
      this.deflate.on("error", reject);
    });
  }

  /** Appends `rows` full RGB rows (width × 3 bytes each). */
  writeRows(rgb: Uint8Array, rows: number): boolean {
    const stride = this.width * 3;
    if (rgb.length < rows * stride) throw new RangeError(`rows: ${rows} rows need ${rows * stride} bytes, got ${rgb.length}`);
    return this.writeFiltered(filterRows(rgb, this.width, rows), rows);
  }

  /**
   * Appends `rows` rows already filtered by `filterRows` (a render worker filters its own band): the
   * same bytes as `writeRows` of their pixels. Returns false when the compressor's input is full:
   * wait for `drained()` before writing more, so that no more than a few bands wait in memory.
   * `consumed` is called once the compressor is done with `filtered` (its buffer may then be reused).
   */
  writeFiltered(filtered: Uint8Array, rows: number, consumed?: () => void): boolean {
    const stride = this.width * 3;
    if (filtered.length !== rows * (stride + 1)) throw new RangeError(`rows: ${rows} filtered rows are ${rows * (stride + 1)} bytes, got ${filtered.length}`);
    if (this.rowsWritten + rows > this.height) throw new RangeError(`rows: ${this.rowsWritten + rows} exceeds height ${this.height}`);
    this.rowsWritten += rows;
    return this.deflate.write(filtered, consumed === undefined ? undefined : () => consumed());
  }

  /** Resolves once the compressor has taken in what was written (at once when it is not full). */
  drained(): Promise<void> {
    if (!this.deflate.writableNeedDrain) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = () => {
        this.deflate.off("drain", done);
        this.deflate.off("error", done);
        if (this.deflate.errored) reject(this.deflate.errored);
        else resolve();
      };
      this.deflate.on("drain", done);
      this.deflate.on("error", done);
    });
  }

  /** Abandons the image (a render that failed or was stopped): the compressor is released, nothing more is written. */
  destroy(): void {
    this.done.catch(() => undefined);
    this.deflate.destroy();
  }

  /** Finishes the stream and returns the PNG file bytes. */
  async finish(): Promise<Uint8Array> {
    if (this.rowsWritten !== this.height) throw new RangeError(`rows: wrote ${this.rowsWritten} of ${this.height}`);
    this.deflate.end();
    await this.done;
    const data = Buffer.concat(this.compressed);
    const parts: Buffer[] = [Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])];
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(this.width, 0);
    ihdr.writeUInt32BE(this.height, 4);
    ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type RGB, deflate, adaptive filters, no interlace
    parts.push(chunk("IHDR", ihdr));
    if (this.pixelsPerMetre !== undefined) {
      const phys = Buffer.alloc(9);
      phys.writeUInt32BE(this.pixelsPerMetre, 0);
      phys.writeUInt32BE(this.pixelsPerMetre, 4);
      phys[8] = 1; // unit: the metre
      parts.push(chunk("pHYs", phys));
    }
    for (let o = 0; o < data.length; o += 65536) parts.push(chunk("IDAT", data.subarray(o, o + 65536)));
    parts.push(chunk("IEND", Buffer.alloc(0)));
    return new Uint8Array(Buffer.concat(parts));
  }
}

/**
 * PNG filter "Sub" on `rows` RGB rows of `width` pixels: each row prefixed by its filter type (1),
 * then every byte minus the byte of the pixel to its left (mod 256). A row depends on itself only,
 * so bands can be filtered anywhere (in a render worker) and still give the same bytes. `into`: a
 * buffer to fill (a band's, handed back once compressed) when it is large enough.
 */
export function filterRows(rgb: Uint8Array, width: number, rows: number, into?: ArrayBuffer): Buffer {
  const stride = width * 3;
  const size = rows * (stride + 1);
  // every byte is written below, so a reused buffer needs no clearing
  const filtered = into !== undefined && into.byteLength >= size ? Buffer.from(into, 0, size) : Buffer.alloc(size);
  for (let r = 0; r < rows; r++) {
    let out = r * (stride + 1);
    const src = r * stride;
    const end = src + stride;
    filtered[out++] = 1; // Sub
    // the first pixel has none to its left (0); a byte array keeps the difference mod 256
    filtered[out++] = rgb[src]!;
    filtered[out++] = rgb[src + 1]!;
    filtered[out++] = rgb[src + 2]!;
    for (let i = src + 3; i < end; i++) filtered[out++] = rgb[i]! - rgb[i - 3]!;
  }
  return filtered;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}
