import { crc32, createDeflate } from "node:zlib";

/**
 * A decompression bomb: a valid 8-bit greyscale PNG of side × side black pixels. The file is a few
 * hundred KiB (zeros deflate ~1000:1); decoding it takes side² bytes and more.
 */
export async function pngBomb(side: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 });
  const parts: Buffer[] = [];
  deflate.on("data", (d: Buffer) => parts.push(d));
  const done = new Promise<void>((resolve, reject) => (deflate.on("end", resolve), deflate.on("error", reject)));
  const rows = 256;
  const band = Buffer.alloc(rows * (side + 1)); // filter byte 0 + side zero samples per row
  for (let y = 0; y < side; y += rows) {
    if (!deflate.write(band.subarray(0, Math.min(rows, side - y) * (side + 1)))) await new Promise((r) => deflate.once("drain", r));
  }
  deflate.end();
  await done;
  const data = Buffer.concat(parts);
  const chunk = (type: string, body: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(body.length, 0);
    head.write(type, 4, "ascii");
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])) >>> 0, 0);
    return Buffer.concat([head, body, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(side, 0);
  ihdr.writeUInt32BE(side, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale, deflate, adaptive filters, no interlace
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", data), chunk("IEND", Buffer.alloc(0))]);
}
