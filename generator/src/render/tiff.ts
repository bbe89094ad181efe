import { Readable } from "node:stream";
import { createInflate } from "node:zlib";

/**
 * TIFF export of a render for a mill: baseline TIFF 6.0, little-endian, 8-bit RGB, chunky,
 * uncompressed (compression 1: every RIP reads it; a textile tile of 7,559² is 171 MB), strips of
 * about 64 KiB, XResolution = YResolution = DPI/1 and ResolutionUnit = inch (2), so the print size
 * is exact. The pixels are the PNG's, decoded here row by row (all five PNG filters): the TIFF
 * carries the very pixels of the certified PNG, and at no time more than a strip of them.
 *
 * Written here rather than with a package: the format is a header, one directory and the rows
 * (about a hundred lines); sharp (libvips, already a dependency) writes TIFF too, but takes the
 * resolution in pixels per millimetre as a double, so 300 DPI would be stored as a rational near
 * 300, and its output is whatever libvips' version writes; this writer's bytes are fixed.
 */

/** The PNG forms the export reads: 8-bit RGB, not interlaced (what the renderer writes). */
type PngHeader = { width: number; height: number };

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG's size and its IDAT chunks' data (views into `png`), or an Error saying what the export cannot read. */
function pngParts(png: Uint8Array): { header: PngHeader; idat: Uint8Array[] } {
  const buf = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (buf.length < 8 || !buf.subarray(0, 8).equals(SIGNATURE)) throw new Error("TIFF export: the image is not a PNG");
  let header: PngHeader | undefined;
  const idat: Uint8Array[] = [];
  for (let o = 8; o + 8 <= buf.length; ) {
    const length = buf.readUInt32BE(o);
    const type = buf.toString("latin1", o + 4, o + 8);
    const body = buf.subarray(o + 8, o + 8 + length);
    if (body.length !== length) throw new Error(`TIFF export: the PNG's ${type} chunk is cut short`);
    if (type === "IHDR") {
      const [depth, colour, , , interlace] = body.subarray(8, 13);
      if (depth !== 8 || colour !== 2 || interlace !== 0) throw new Error(`TIFF export: the PNG is bit depth ${depth}, colour type ${colour}, interlace ${interlace}; the export reads 8-bit RGB (colour type 2), not interlaced, as renders are`);
      header = { width: body.readUInt32BE(0), height: body.readUInt32BE(4) };
    } else if (type === "IDAT") idat.push(body);
    else if (type === "IEND") break;
    o += 12 + length;
  }
  if (header === undefined || idat.length === 0) throw new Error("TIFF export: the PNG has no IHDR or no IDAT chunk");
  return { header, idat };
}

/** Undoes the PNG filter of one row (`row`: the filter type byte, then the bytes) against the previous row's bytes, into `out`. */
function unfilter(row: Uint8Array, prev: Uint8Array, out: Uint8Array, bpp: number): void {
  const type = row[0]!;
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const x = row[i + 1]!;
    const a = i >= bpp ? out[i - bpp]! : 0;
    const b = prev[i]!;
    const c = i >= bpp ? prev[i - bpp]! : 0;
    let v: number;
    switch (type) {
      case 0:
        v = x;
        break;
      case 1:
        v = x + a;
        break;
      case 2:
        v = x + b;
        break;
      case 3:
        v = x + ((a + b) >> 1);
        break;
      case 4: {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        v = x + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        break;
      }
      default:
        throw new Error(`TIFF export: the PNG has a row with filter type ${type} (0..4 exist)`);
    }
    out[i] = v & 0xff;
  }
}

/** The TIFF's header and directory for a `width` × `height` RGB image at `dpi`, its strips of `rowsPerStrip` rows following. */
function tiffHead(width: number, height: number, dpi: number, rowsPerStrip: number): Buffer {
  const stride = width * 3;
  const strips = Math.ceil(height / rowsPerStrip);
  const software = Buffer.from("Motif generator\0", "latin1");
  const entries = 14;
  const ifdSize = 2 + entries * 12 + 4;
  // after the 8-byte header and the directory: the values that do not fit in an entry
  let at = 8 + ifdSize;
  const place = (bytes: number) => {
    const offset = at;
    at += bytes + (bytes & 1); // word-aligned, as TIFF asks
    return offset;
  };
  const bitsAt = place(6);
  const xresAt = place(8);
  const yresAt = place(8);
  const softwareAt = place(software.length);
  const offsetsAt = place(4 * strips);
  const countsAt = place(4 * strips);
  const dataAt = at;
  const head = Buffer.alloc(dataAt);
  head.write("II", 0, "latin1");
  head.writeUInt16LE(42, 2);
  head.writeUInt32LE(8, 4);
  head.writeUInt16LE(entries, 8);
  const SHORT = 3;
  const LONG = 4;
  const RATIONAL = 5;
  const ASCII = 2;
  let e = 10;
  const entry = (tag: number, type: number, count: number, value: number) => {
    head.writeUInt16LE(tag, e);
    head.writeUInt16LE(type, e + 2);
    head.writeUInt32LE(count, e + 4);
    if (type === SHORT && count === 1) head.writeUInt16LE(value, e + 8);
    else head.writeUInt32LE(value, e + 8);
    e += 12;
  };
  // tags in ascending order, as TIFF requires
  entry(256, LONG, 1, width); // ImageWidth
  entry(257, LONG, 1, height); // ImageLength
  entry(258, SHORT, 3, bitsAt); // BitsPerSample 8, 8, 8
  entry(259, SHORT, 1, 1); // Compression: none
  entry(262, SHORT, 1, 2); // PhotometricInterpretation: RGB
  entry(273, LONG, strips, strips === 1 ? dataAt : offsetsAt); // StripOffsets
  entry(277, SHORT, 1, 3); // SamplesPerPixel
  entry(278, LONG, 1, rowsPerStrip); // RowsPerStrip
  entry(279, LONG, strips, strips === 1 ? stride * height : countsAt); // StripByteCounts
  entry(282, RATIONAL, 1, xresAt); // XResolution
  entry(283, RATIONAL, 1, yresAt); // YResolution
  entry(284, SHORT, 1, 1); // PlanarConfiguration: chunky
  entry(296, SHORT, 1, 2); // ResolutionUnit: inch
  entry(305, ASCII, software.length, softwareAt); // Software
  head.writeUInt32LE(0, e); // no next directory
  for (let i = 0; i < 3; i++) head.writeUInt16LE(8, bitsAt + 2 * i);
  for (const r of [xresAt, yresAt]) {
    head.writeUInt32LE(dpi, r);
    head.writeUInt32LE(1, r + 4);
  }
  software.copy(head, softwareAt);
  for (let s = 0; s < strips; s++) {
    const rows = Math.min(rowsPerStrip, height - s * rowsPerStrip);
    head.writeUInt32LE(dataAt + s * rowsPerStrip * stride, offsetsAt + 4 * s);
    head.writeUInt32LE(rows * stride, countsAt + 4 * s);
  }
  return head;
}

/**
 * The TIFF of a render's PNG at `dpi` (an integer, 1..65535), as a stream of chunks: the header,
 * then one strip at a time as the PNG's rows are inflated and unfiltered. An Error names what the
 * export cannot read (not an 8-bit RGB PNG, a corrupt stream).
 */
export function tiffOfPng(png: Uint8Array, dpi: number): Readable {
  if (!Number.isInteger(dpi) || dpi < 1 || dpi > 65_535) throw new RangeError(`dpi: ${dpi} is not an integer in 1..65535`);
  const { header, idat } = pngParts(png);
  const { width, height } = header;
  if (width * height * 3 > 0xffff_fff0 - 1_000_000) throw new RangeError(`TIFF export: ${width}x${height} is too large for a classic TIFF (4 GiB)`);
  const stride = width * 3;
  const rowsPerStrip = Math.max(1, Math.floor(65_536 / stride));
  async function* chunks(): AsyncGenerator<Buffer> {
    yield tiffHead(width, height, dpi, rowsPerStrip);
    const inflate = Readable.from(idat.map((d) => Buffer.from(d.buffer, d.byteOffset, d.byteLength))).pipe(createInflate());
    const row = new Uint8Array(stride + 1);
    let filled = 0;
    let prev = new Uint8Array(stride);
    let strip = Buffer.alloc(rowsPerStrip * stride);
    let rowsInStrip = 0;
    let rows = 0;
    try {
      for await (const data of inflate as AsyncIterable<Buffer>) {
        for (let i = 0; i < data.length; ) {
          const take = Math.min(stride + 1 - filled, data.length - i);
          row.set(data.subarray(i, i + take), filled);
          filled += take;
          i += take;
          if (filled < stride + 1) continue;
          filled = 0;
          if (rows === height) throw new Error("TIFF export: the PNG has more rows than its header says");
          const out = strip.subarray(rowsInStrip * stride, (rowsInStrip + 1) * stride);
          unfilter(row, prev, out, 3);
          prev = out;
          rows++;
          rowsInStrip++;
          if (rowsInStrip === rowsPerStrip || rows === height) {
            const done = strip.subarray(0, rowsInStrip * stride);
            // the last row stays readable as `prev` for the next strip's first row
            const last = new Uint8Array(stride);
            last.set(prev);
            prev = last;
            yield done;
            strip = Buffer.alloc(rowsPerStrip * stride);
            rowsInStrip = 0;
          }
        }
      }
    } catch (error) {
      if ((error as { code?: string }).code?.startsWith("Z_") === true) throw new Error(`TIFF export: the PNG's image data does not inflate (${(error as Error).message})`);
      throw error;
    } finally {
      inflate.destroy();
    }
    if (rows !== height) throw new Error(`TIFF export: the PNG has ${rows} rows, its header says ${height}`);
  }
  return Readable.from(chunks(), { objectMode: false });
}
