import { crc32, createDeflate } from "node:zlib";

/**
 * Streaming PNG encoder with fixed settings, so the same pixels always give the same bytes (on one
 * zlib build): 8-bit RGB, no alpha, no interlace, filter "Sub" on every row, zlib level 6, IDAT
 * chunks of 64 KiB. Rows arrive in bands; only the compressed stream is kept.
 */
export class PngWriter {
  private readonly deflate = createDeflate({ level: 6, memLevel: 8, windowBits: 15, strategy: 0 });
  private readonly compressed: Buffer[] = [];
  private rowsWritten = 0;
  private readonly done: Promise<void>;

  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.deflate.on("data", (chunk: Buffer) => this.compressed.push(chunk));
    this.done = new Promise((resolve, reject) => {
      this.deflate.on("end", resolve);
      this.deflate.on("error", reject);
    });
  }

  /** Appends `rows` full RGB rows (width × 3 bytes each). */
  writeRows(rgb: Uint8Array, rows: number): void {
    const stride = this.width * 3;
    if (rgb.length < rows * stride) throw new RangeError(`rows: ${rows} rows need ${rows * stride} bytes, got ${rgb.length}`);
    if (this.rowsWritten + rows > this.height) throw new RangeError(`rows: ${this.rowsWritten + rows} exceeds height ${this.height}`);
    const filtered = Buffer.alloc(rows * (stride + 1));
    for (let r = 0; r < rows; r++) {
      const out = r * (stride + 1);
      const src = r * stride;
      filtered[out] = 1; // Sub
      for (let i = 0; i < stride; i++) {
        const left = i >= 3 ? rgb[src + i - 3]! : 0;
        filtered[out + 1 + i] = (rgb[src + i]! - left) & 0xff;
      }
    }
    this.deflate.write(filtered);
    this.rowsWritten += rows;
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
    for (let o = 0; o < data.length; o += 65536) parts.push(chunk("IDAT", data.subarray(o, o + 65536)));
    parts.push(chunk("IEND", Buffer.alloc(0)));
    return new Uint8Array(Buffer.concat(parts));
  }
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
  return Buffer.concat([head, body, crc]);
}
