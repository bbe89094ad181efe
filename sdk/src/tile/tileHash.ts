import type { RawImage } from "../pdq/pdq.js";
import { hammingDistance256 } from "../hamming.js";
import { fft, fftOfRealLine, nextPowerOfTwo } from "./fft.js";
import { type Torus, halve, mayBeMirror, mayBeRelaid, mirrorTile, relaidTiles, repeatsAcross, transpose } from "./relaid.js";

/**
 * Motif's tile hash: a 256-bit fingerprint of a seamless pattern that stays the same for any tile
 * origin (circular shift), repeat count and scale (k×k tiling, resizing, a crop of more than one and
 * a third periods), the eight rotations and mirrors (through four query variants), and holds up
 * under JPEG, blur, noise and colourway changes. PDQ stays for photos and hash exchange; this is
 * what screening of patterns relies on.
 *
 * 0. A uniform margin on all four sides (a swatch photographed on a card, a canvas around a repeat):
 *    what it frames is hashed too, and its variants join the queries (the indexed hash is always
 *    that of the whole image).
 * 1. Structure, not colour: each pixel's distance (RGB) from the pattern's dominant colour (the
 *    16-level histogram's peak, refined by three mean-shift steps). A colourway keeps the ground as
 *    the ground and the figures as figures, whatever colours they take; luma would not (a dark
 *    figure on light ground can turn light on dark, and figures of two colours can swap order).
 * 2. The period: normalised autocorrelation of the luma along each axis (on a copy at most 256 px a
 *    side, lightly blurred; an elongated image's short side keeps at least 64 samples, or all it has):
 *    the first peak ≥ 0.5 after the correlation has dipped under 0.25, at a lag between 6 px and ¾ of
 *    the side, refined to sub-pixel by a parabola. No peak: the image is one period (a single
 *    seamless tile).
 * 3. One period resampled to 64×64 (area-reduced, Gaussian prefilter of half a sample step,
 *    bilinear): any one-period window of a periodic image is a circular shift of the same tile, so
 *    the tile is the same up to a circular shift whatever the origin, the repeat count or the scale.
 *    An image holding a whole number of periods along an axis that are no whole number of pixels
 *    (33⅓ px) samples each at another sub-pixel phase: the windows along it are folded (their mean is
 *    the tile), which is exactly periodic, so that a circular shift of the image is one of the tile.
 *    Each tile sample is then replaced by its square root: a recolouring changes how far each figure
 *    colour sits from the ground (a figure at 60 becomes one at 200), and the root compresses those
 *    ratios (×3.3 → ×1.8) while keeping the ground at zero. Taken after the resampling, not per pixel,
 *    so JPEG, blur and noise (small distances on the ground) are averaged out before they are
 *    amplified. Measured on 180 colourways of the prototype corpus: the worst copy went from 60 bits
 *    to 40, every other transform stayed under 35, distinct patterns stayed ≥ 64 apart.
 * 4. Shift invariance: the magnitudes of the tile's 2-D Fourier transform at the 256 lowest
 *    frequencies of a half plane (the other half mirrors them). Bit = magnitude above the median of
 *    its group of 32 frequencies of similar radius (the pattern's 1/f fall-off cancels out).
 * 4b. A centred lattice (a tile rendered for a half-drop or brick repeat at scale ≥ 2: a period
 *    px × py with t(x + px/2, y + py/2) = t: each motif repeats half a period along and half down)
 *    zeroes every frequency of odd u + v; half of each group was then zero and the bits spelled that
 *    parity pattern whatever the design (unrelated such tiles were 4–26 bits apart). When under
 *    `LATTICE.maxOddShare` of the energy lies at odd u + v (renders: ≤ 0.03 with such a lattice,
 *    ≥ 0.42 without), the bits are read instead at 256 frequencies of the lattice's own (u + v even,
 *    half plane), the lowest by their frequency on the design itself: a period twice as wide as high
 *    (half-drop) is two motifs wide, so u counts half (u² + 4v²); twice as high (brick), the same
 *    turned a quarter (v counts half); a square period by (u² + v²) / 2, which reads the lattice's
 *    fundamental domain (a square turned 45°) as step 4 reads a tile. Every other image, no such
 *    zeros, keeps its bits exactly (same frequencies, same code).
 * 5. Rotations and mirrors permute frequencies, and |F(−f)| = |F(f)|, so the eight dihedral variants
 *    give four distinct hashes: the original (= rotated 180°), rotated 90° (= 270°), mirrored (either
 *    axis) and mirrored on a diagonal (either). Index the original; query all four.
 *
 * 6. For screening only (`{ relaid: true }`, ./relaid.ts): the tiles a copy laid out as a half-drop,
 *    brick or mirror repeat may have been cut from, found in the same plane and hashed the same way,
 *    as extra query hashes (`relaid`); the hash, its variants and every other field are unchanged.
 *    Two more join them there: a tile just above step 4b's cut read on its lattice too (a shading
 *    puts energy at odd u + v), and the image with a shading of one cycle across it taken off (along
 *    the axes and the diagonals: `washHashes`), read at the period that shading hid from step 2
 *    (found again with that cycle left out of the autocorrelation) and, when the shading is worth
 *    taking off, at step 2's own.
 *
 * Readings (`TileHashReading`): certificates attest the hash as it was read when they were made; 2
 * had neither the short side's 64 samples nor the fold (nor a window wrapped along one axis only), 1
 * not step 4b either. The verifier falls back to them, and screening also queries reading 2's reads
 * where they differ and read the same period (`beforeReads`).
 *
 * Pure TypeScript in float64, with its own FFT: the same bits in Node and in browsers up to the
 * last-place differences of `Math.exp`/`Math.cos` between engines, which can flip a bit sitting on a
 * median (auditors compare within `TILE_VERIFY_TOLERANCE`).
 */

/** Side of the canonical tile. */
export const TILE_SIZE = 64;
/** Hamming distance at or below which two tile hashes match (bench: every transform of the suite). */
export const TILE_MATCH_DISTANCE = 48;
/** A recomputed tile hash may differ from the attested one by this many bits (float differences between engines). */
export const TILE_VERIFY_TOLERANCE = 8;
/** Below this structure energy (RMS distance from the dominant colour, 0..441) the hash is unreliable: a near-flat image. */
export const TILE_MIN_ENERGY = 2;
/**
 * Below this spread (how many of the 256 hashed frequencies hold 95% of the energy) the spectrum is
 * too sparse to hash and the hash is marked unreliable: plain stripes (3–5 frequencies). A stripe's
 * few harmonics sit on one axis at the same frequencies for every stripe once the period is
 * normalised, so every stripe hashed the same (distance 0): one certified stripe refused all others.
 * Stripes are screened by PDQ. Checks (14–15) and plaids (10–30) keep a tile hash, so their shifted
 * copies are refused; by the hash's own invariances (scale per axis, colourway) every two-colour
 * square check is one design, and a few plaids come within the threshold of each other (allow-lists
 * settle those). Renders of the shipped models spread over 130 or more.
 */
export const TILE_MIN_SPREAD = 8;

/**
 * Step 2's search. `maxSide`: the small copy's longer side; `minShort`: the least samples of its
 * shorter one (an elongated image, a border or a ribbon, is reduced along its short side only down to
 * this, or not at all when shorter: a 1000 × 60 border reduced as a whole kept 15 rows, fewer than a
 * period of 15–20 px needs).
 */
const PERIOD = { maxSide: 256, minShort: 64, blurSigma: 1.5, threshold: 0.5, dip: 0.25, minLag: 6, maxFraction: 0.75 } as const;
/** Screening's query side (`washHashes`): the least one-cycle shading, in grey levels at its peak, that an image is also read without at step 2's own period. */
const WASH = { minPeak: 4 } as const;
/** Screening's `Memo`: the largest image (pixels) whose reads it keeps for the reading-2 pass (at most a few planes of 8 bytes a pixel: 16 MB each). */
const MEMO = { maxPixels: 1 << 21 } as const;
/** Step 3's fold (reading 3): the most period windows averaged along an axis. */
const FOLD = { most: 8 } as const;
const MODE = { levels: 16, radius: 24, steps: 3 } as const;
const MARGIN = { min: 4, meanDeviation: 12, deviation: 32, share: 0.9 } as const;
/**
 * Step 4b: under `maxOddShare` of the spectrum's energy at odd u + v, a tile has a centred lattice
 * (renders: ≤ 0.03 with one, ≥ 0.42 without); under `queryOddShare` (the frequencies next to DC left
 * out), screening also queries its lattice reading.
 */
const LATTICE = { maxOddShare: 0.15, queryOddShare: 0.4 } as const;

/** The four query variants of a tile hash, in words (the transform of the original they reveal). */
export const TILE_VARIANTS = {
  original: "the same tile, any origin, repeat or scale",
  rotate90: "rotated 90°",
  mirror: "mirrored",
  diagonal: "mirrored on a diagonal",
} as const;
export type TileVariant = keyof typeof TILE_VARIANTS;

export type TileHashResult = {
  /** 64 hex digits: the hash of the pattern as given (index this one). */
  hash: string;
  /** The four distinct dihedral hashes (query with all of them). */
  variants: Record<TileVariant, string>;
  /** The period found, in pixels of the input (the whole side when the image is one period). */
  period: { x: number; y: number };
  /** Repeats across the image per axis (1 = a single tile). */
  repeats: { x: number; y: number };
  /** RMS distance from the dominant colour (0..441); below `TILE_MIN_ENERGY` the hash is unreliable. */
  energy: number;
  /** How many of the 256 hashed frequencies hold 95% of the spectrum's energy; below `TILE_MIN_SPREAD` the hash is unreliable. */
  spread: number;
  /** A uniform margin found on all four sides (px; zeros when none). */
  margin: { top: number; right: number; bottom: number; left: number };
  /** With a margin: the hash of what it frames (query with its variants too; index `hash`). */
  framed?: Pick<TileHashResult, "hash" | "variants" | "period" | "repeats" | "reliable">;
  reliable: boolean;
  /**
   * With `{ relaid: true }`, for screening: the hashes of the tiles a copy laid out as a half-drop,
   * brick or mirror repeat may have been cut from (./relaid.ts), each reliable, with how in words;
   * empty when the image shows no sign of such a layout. Query with their variants too; never index them.
   */
  relaid?: RelaidHash[];
};

/** One tile a re-laid copy may have been cut from: its four query variants and how it was found, in words. */
export type RelaidHash = {
  variants: Record<TileVariant, string>;
  how: string;
  /** Set on a read of the image with a one-cycle shading taken off (`washHashes`): that shading's peak, in grey levels. */
  shading?: number;
  /** Set on the image's read as certificates made before today's reading attest it (`TILE_HASH_READING` − 1). */
  before?: true;
  /** Set on a read at a period of its own (`washHashes`): that period, in pixels of the input. */
  period?: { x: number; y: number };
};

/**
 * The tile hash's readings, each as certificates made while it was current attest it (the verifier
 * falls back to the earlier ones): 1 before step 4b (a tile with a centred lattice read at step 4's
 * frequencies); 2 before step 2 kept `PERIOD.minShort` samples of an elongated image's short side and
 * step 3 folded the periods of an image that holds a whole number of them (December 2026); 3 today's.
 */
export type TileHashReading = 1 | 2 | 3;
/** Today's reading (`TileHashReading`): what a certificate made now attests. */
export const TILE_HASH_READING: TileHashReading = 3;

/** Options of `tileHashPixels`. */
export type TileHashOptions = {
  /** Also look for re-laid copies (half-drop, brick, mirror): `relaid` (screening's query side; the hash itself is unchanged). */
  relaid?: boolean;
  /** An earlier reading (`TileHashReading`), as certificates made while it was current attest it: the verifier's fallback. Today's by default. */
  reading?: TileHashReading;
};

/** The tile hash of decoded 8-bit pixels (grey, RGB or RGBA; alpha ignored). */
export function tileHashPixels(image: RawImage, options: TileHashOptions = {}): TileHashResult {
  const { width, height } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8) {
    throw new RangeError(`image: ${width}x${height}; the tile hash needs at least 8x8 pixels`);
  }
  const channels = image.channels;
  if (image.data.length < width * height * channels) {
    throw new RangeError(`image data: ${image.data.length} bytes, need ${width * height * channels} for ${width}x${height}x${channels}`);
  }
  // RGBA is composited over white (artwork whose motif lives in the alpha channel is seen as printed);
  // grey (+ alpha) is read as its grey level, composited the same way. Every later step reads these
  // packed RGB bytes (an RGB image's own), so its loops index a typed array instead of calling a
  // per-pixel accessor: the same integers, so the same arithmetic and the same bits.
  const rgb = packedRgb(image);
  const reading = options.reading ?? TILE_HASH_READING;
  if (reading !== 1 && reading !== 2 && reading !== 3) throw new RangeError(`reading: ${String(reading)} is not a tile hash reading (1, 2 or 3)`);
  // screening's read remembers what a reading-2 pass would compute alike, up to `MEMO.maxPixels`
  // (a larger image's planes, up to 8 bytes a pixel, are not kept: each is freed once read, as before)
  const remember = options.relaid === true && reading === TILE_HASH_READING && width * height <= MEMO.maxPixels;
  const read: Read = { relaid: options.relaid === true, reading, ...(remember ? { memo: new Memo() } : {}) };
  const { differs, ...result } = hashImage(rgb, width, height, read);
  // screening's query side: where reading 2 reads the image otherwise, its queries too (the whole
  // image's, what a margin frames, the wash reads), so that a copy still meets a certificate made then
  if (read.relaid && reading === TILE_HASH_READING && differs) result.relaid!.push(...beforeReads(result, hashImage(rgb, width, height, { relaid: true, reading: 2, memo: read.memo }), elongated(width, height)));
  return result;
}

/**
 * Step 0 and steps 1–5: the whole image, and what a uniform margin on all four sides frames (a
 * swatch on a card, a canvas around a repeat: it may not be part of the pattern, so it is hashed as
 * well, as extra query variants; the hash itself stays that of the whole image, so a spot repeat
 * whose ground reaches every edge keeps its hash). `differs`: reading 2 would read some of it otherwise.
 */
function hashImage(rgb: Uint8Array, width: number, height: number, read: Read): TileHashResult & { differs: boolean } {
  const result = hashOf(rgb, width, height, read);
  const frame = remembered(read.memo, rgb, "margin", () => {
    const margin = uniformMargin(rgb, width, height);
    if (margin === undefined) return undefined;
    const w = width - margin.left - margin.right;
    const h = height - margin.top - margin.bottom;
    const inner = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) inner.set(rgb.subarray(((y + margin.top) * width + margin.left) * 3, ((y + margin.top) * width + margin.left + w) * 3), y * w * 3);
    return { margin, inner, w, h };
  });
  if (frame === undefined) return result;
  const { margin, inner, w, h } = frame;
  const framed = hashOf(inner, w, h, { ...read, relaid: false });
  return { ...result, margin, framed: { hash: framed.hash, variants: framed.variants, period: framed.period, repeats: framed.repeats, reliable: framed.reliable }, differs: result.differs || framed.differs };
}

/**
 * Reading 2's queries of an image that reading 3 reads otherwise (`before`, read `relaid`), as
 * `RelaidHash`es marked `before`: the whole image's hash and its reads (wash, re-laid, lattice), and
 * the framed hash, where they differ from today's. Of an elongated image, only the reads at a period
 * one of today's reads found too: where reading 2's search found another (its short side searched at
 * too few samples: a multiple of the period), a few frequencies hold the energy and unrelated
 * designs hash alike (every pair of nine 1000×60 scale-3 borders within 26 bits), so querying it
 * would refuse them all.
 */
function beforeReads(today: TileHashResult, before: TileHashResult, isElongated: boolean): RelaidHash[] {
  const how = (p: { x: number; y: number }) => `read as before December 2026 (${p.x} × ${p.y} px): a certificate made then`;
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.02 * b;
  const periods = [today.period, ...(today.relaid ?? []).flatMap((r) => (r.period !== undefined ? [r.period] : []))];
  const sound = (p: { x: number; y: number }) => !isElongated || periods.some((q) => near(p.x, q.x) && near(p.y, q.y));
  const known = new Set([today.variants.original, ...(today.framed !== undefined ? [today.framed.variants.original] : []), ...(today.relaid ?? []).map((r) => r.variants.original)]);
  const reads: RelaidHash[] = [];
  const add = (r: RelaidHash) => {
    if (known.has(r.variants.original)) return;
    known.add(r.variants.original);
    reads.push(r);
  };
  const main = sound(before.period);
  if (main && before.reliable) add({ variants: before.variants, how: how(before.period), before: true });
  for (const r of before.relaid ?? []) if (r.period !== undefined ? sound(r.period) : main) add({ ...r, how: `${how(before.period)}, ${r.how}`, before: true });
  const [f, g] = [before.framed, today.framed];
  if (f !== undefined && g !== undefined && f.reliable && (!isElongated || (near(f.period.x, g.period.x) && near(f.period.y, g.period.y)))) add({ variants: f.variants, how: `inside a margin, ${how(f.period)}`, before: true });
  return reads;
}

/** The image as packed 8-bit RGB: RGB as it is; RGBA and grey + alpha composited over white (rounded); grey repeated. */
function packedRgb(image: RawImage): Uint8Array {
  const { width, height, channels, data: d } = image;
  const n = width * height;
  if (channels === 3) return d.length === n * 3 ? d : d.subarray(0, n * 3);
  const rgb = new Uint8Array(n * 3);
  for (let p = 0; p < n; p++) {
    if (channels === 4) {
      const a = d[p * 4 + 3]!;
      for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round((d[p * 4 + c]! * a + 255 * (255 - a)) / 255);
    } else {
      const a = channels === 2 ? d[p * 2 + 1]! : 255;
      const v = channels === 2 ? Math.round((d[p * 2]! * a + 255 * (255 - a)) / 255) : d[p]!;
      rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = v;
    }
  }
  return rgb;
}

/** How `hashOf` reads an image (`TileHashOptions`, resolved). */
type Read = {
  relaid: boolean;
  reading: TileHashReading;
  /** Read at this period instead of step 2's (a shading taken off, `washHashes`): with `relaid`, only its lattice reading joins it, nothing else. */
  period?: { x: number; y: number };
  /** Screening's read (`relaid`, today's reading): what the reading-2 pass that may follow would compute alike (`Memo`). */
  memo?: Memo;
};

/**
 * One screening read's results of the steps that do not depend on the reading, by the pixels they read
 * (the array itself: the image, what a margin frames, the image without a shading) and their
 * parameters: where reading 2 reads the image otherwise (`beforeReads`), its pass reads the same
 * pixels again, mostly at the same periods, and takes these instead of computing them anew. Each is
 * a pure function of its key, so the bits are the same; it lives for one `tileHashPixels` call.
 */
class Memo {
  private readonly of = new Map<Uint8Array, Map<string, unknown>>();
  /** `make()`'s result for `pixels` and `key`, computed once. */
  get<T>(pixels: Uint8Array, key: string, make: () => T): T {
    let known = this.of.get(pixels);
    if (known === undefined) this.of.set(pixels, (known = new Map()));
    if (!known.has(key)) known.set(key, make());
    return known.get(key) as T;
  }
  /** What `get` holds for `pixels` and `key`, if anything. */
  peek<T>(pixels: Uint8Array, key: string): T | undefined {
    return this.of.get(pixels)?.get(key) as T | undefined;
  }
}
/** `memo.get`, or `make()` without one. */
const remembered = <T>(memo: Memo | undefined, pixels: Uint8Array, key: string, make: () => T): T => (memo === undefined ? make() : memo.get(pixels, key, make));

/** Step 2's small copy of a `width` × `height` image: at most `PERIOD.maxSide` a side; from reading 3, its short side at least `PERIOD.minShort` samples (or whole). */
function smallCopySize(width: number, height: number, shortSide: boolean): { sw: number; sh: number } {
  const f0 = Math.max(1, Math.max(width, height) / PERIOD.maxSide);
  const least = (side: number) => (shortSide ? Math.min(side, PERIOD.minShort) : 0);
  return { sw: Math.max(8, Math.round(width / f0), least(width)), sh: Math.max(8, Math.round(height / f0), least(height)) };
}

/** Whether reading 3's step 2 reads a `width` × `height` image's short side at more samples than reading 2's (an elongated image: a border, a ribbon). */
function elongated(width: number, height: number): boolean {
  const [today, before] = [smallCopySize(width, height, true), smallCopySize(width, height, false)];
  return today.sw !== before.sw || today.sh !== before.sh;
}

/** Steps 1–5 on the image as given (and, with `relaid`, the re-laid tiles' hashes from the same plane). */
function hashOf(rgb: Uint8Array, width: number, height: number, read: Read): TileHashResult & { differs: boolean } {
  const { relaid, period } = read;
  const lattice = read.reading >= 2;
  // 1. dominant colour
  const { memo } = read;
  const ground = remembered(memo, rgb, "ground", () => dominantColour(rgb, width * height));
  const [g0, g1, g2] = ground;
  const distanceRow = (y: number, out: Float64Array) => {
    for (let x = 0, o = y * width * 3; x < width; x++, o += 3) {
      const dr = rgb[o]! - g0;
      const dg = rgb[o + 1]! - g1;
      const db = rgb[o + 2]! - g2;
      out[x] = Math.sqrt(dr * dr + dg * dg + db * db);
    }
  };
  const lumaRow = (y: number, out: Float64Array) => {
    for (let x = 0, o = y * width * 3; x < width; x++, o += 3) out[x] = 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
  };

  // 2. period, on a small luma copy
  const { sw, sh } = smallCopySize(width, height, read.reading >= 3);
  const search = () => {
    const small = areaResample(lumaRow, width, height, sw, sh, scratch("small", sw * sh));
    blur(small, sw, sh, PERIOD.blurSigma, PERIOD.blurSigma, true);
    return [autocorrelation(small, sw, sh, "x", relaid), autocorrelation(small, sw, sh, "y", relaid)] as const;
  };
  // a period that divides the side (a k×k tiling, a render with scale k) is snapped to side/k: the
  // image is then exactly periodic and is read with wrap-around, so every tile origin gives the same tile
  // (screening's query side also gets them with a one-cycle shading left out: `washHashes`)
  const [[acx, washedX], [acy, washedY]] = period === undefined ? remembered(memo, rgb, `search ${sw}×${sh} ${relaid}`, search) : [[], []];
  const px = acx === undefined ? period!.x : snapPeriod((findPeriod(acx) * width) / sw, width);
  const py = acy === undefined ? period!.y : snapPeriod((findPeriod(acy) * height) / sh, height);
  // 3. one period → 64×64, from the structure plane reduced to about four samples per tile pixel
  // (a read at a given period, nested in another hash's, keeps its plane apart: the outer one's re-laid analysis still reads its own)
  // (the plane depends on the image and the period alone; a tile reading 3 reads as reading 2 would, `asBefore`, is reading 2's too)
  const planeOf = (rw: number, rh: number) => remembered(memo, rgb, `plane ${rw}×${rh}`, () => areaResample(distanceRow, width, height, rw, rh, memo === undefined && period === undefined ? scratch("plane", rw * rh) : new Float64Array(rw * rh)));
  const tileKey = `tile ${px}×${py}`;
  const readTile = () => periodTile(planeOf, width, height, px, py, read.reading >= 3);
  const today = read.reading >= 3 ? undefined : memo?.peek<ReturnType<typeof periodTile>>(rgb, tileKey);
  const { tile, plane, rw, rh, wrap, x0, y0, rpx, rpy, energy, asBefore } =
    read.reading >= 3 ? remembered(memo, rgb, tileKey, readTile) : today?.asBefore === true ? today : readTile();

  // 4–5. magnitudes → bits, for the four distinct dihedral variants
  const { variants, spread, nearLattice } = variantsOf(tile, px / py, lattice);
  const reliable = energy >= TILE_MIN_ENERGY && spread >= TILE_MIN_SPREAD;
  // screening's query side: a tile just above the lattice's cut (a half-drop or brick tile under a
  // shading or uneven light puts energy at odd u + v) is also read on the lattice, so a copy on one
  // side of the cut still meets its original on the other
  const extra: RelaidHash[] = relaid && reliable && nearLattice !== undefined ? [{ variants: nearLattice, how: "read on a centred lattice (a half-drop or brick tile shaded or lit unevenly)" }] : [];
  // (asked of an unreliable read too: a wash can hide every period, leaving the whole image as one tile)
  const [washed, washedDiffer] = relaid && washedX !== undefined && washedY !== undefined ? washHashes(rgb, width, height, washedX, washedY, sw, sh, px, py, read) : [[], false];
  return {
    hash: variants.original,
    variants,
    period: { x: round3(px), y: round3(py) },
    repeats: { x: round3(width / px), y: round3(height / py) },
    energy: round3(energy),
    spread,
    margin: { top: 0, right: 0, bottom: 0, left: 0 },
    reliable,
    ...(relaid ? { relaid: [...(reliable ? extra : []), ...washed, ...(reliable && period === undefined ? remembered(memo, rgb, `relaid ${rw}×${rh} ${wrap} ${x0} ${y0} ${rpx} ${rpy} ${px / py}`, () => relaidHashes(plane, rw, rh, wrap, x0, y0, rpx, rpy, px / py, width / height)) : [])] } : {}),
    // reading 3 reads it otherwise than reading 2: its search (an elongated image), its tile (a fold, a wrap along one axis) or a wash read's
    differs: read.reading >= 3 && ((period === undefined && elongated(width, height)) || !asBefore || washedDiffer),
  };
}

/**
 * Screening's query side: a shading of one cycle across the image (a wash of light, or a brightness
 * wash a copier lays over a tile, along an axis or a diagonal: light from a corner) can hide its
 * period: at the period itself the shading differs by its whole swing, so the autocorrelation no
 * longer peaks there and step 2 finds two or three periods, or none (audit 31: a ±10 wash over a
 * half-drop tile at scale 4, 128 → 256 px, read on another grid 120–124 bits away; scales 3–4,
 * ±10–20: 102–132). The period is looked for again with one cycle across each line left out
 * (`autocorrelation`'s `alsoWithoutCycle`, passed in here; a line's own cycle, whatever its phase, so
 * a diagonal one too); where that finds another (over 2% off), the shading is taken off the pixels
 * (`withoutShading`: along both axes and both diagonals) and the image read at that period. A
 * shading can also move the bits without hiding the period (audit 32: a ±20 diagonal wash over a
 * one-tile render, 50–66 bits; along an axis, up to 66), or move the search of a one-tile render
 * (audit 33: 64² and 1000×60 renders, 60–70 bits): when the fitted shading peaks over `WASH.minPeak`
 * grey levels, the image without it is also read at step 2's period. Where both axes' periods moved,
 * one may be the shading's and the other a short side's imprecise search (a 60 px side read at 27.4
 * for 30): the two mixed pairs are read too. Each read is hashed as any
 * image is (its lattice reading too, as in `variantsOf`). Empty for an image without such a shading
 * (a render of scale 2 or more holds no whole-image cycle).
 */
function washHashes(rgb: Uint8Array, width: number, height: number, washedX: Float64Array, washedY: Float64Array, sw: number, sh: number, px: number, py: number, as: Read): [RelaidHash[], boolean] {
  const qx = snapPeriod((findPeriod(washedX) * width) / sw, width);
  const qy = snapPeriod((findPeriod(washedY) * height) / sh, height);
  const hidden = Math.abs(qx - px) > 0.02 * px || Math.abs(qy - py) > 0.02 * py;
  const { pixels, peak } = remembered(as.memo, rgb, "without shading", () => withoutShading(rgb, width, height));
  // at the period the shading hid; and, whatever the search found, at step 2's own when the shading is
  // worth taking off (a one-tile render's wash can move the search too: audit 33)
  const apart = (q: number, p: number) => Math.abs(q - p) > 0.02 * p;
  const periods = [
    ...(hidden ? [{ x: qx, y: qy, hid: true }] : []),
    // where both axes moved, one may be the shading's and the other a short side's imprecise search (audit 33 F3)
    ...(hidden && apart(qx, px) && apart(qy, py) ? [{ x: qx, y: py, hid: true }, { x: px, y: qy, hid: true }] : []),
    ...(peak >= WASH.minPeak ? [{ x: px, y: py, hid: false }] : []),
  ];
  const shading = round3(peak);
  let differs = false;
  const reads = periods.flatMap((at) => {
    const read = hashOf(pixels, width, height, { ...as, relaid: true, period: at });
    differs ||= read.differs;
    if (!read.reliable) return [];
    const how = `read at ${round3(at.x)} × ${round3(at.y)} px with a one-cycle shading of ±${Math.round(peak)} taken off${at.hid ? " (the period it hid)" : ""}`;
    const period = { x: round3(at.x), y: round3(at.y) };
    return [{ variants: read.variants, how, shading, period }, ...(read.relaid ?? []).map((r) => ({ variants: r.variants, how: `${how}, ${r.how}`, shading, period }))];
  });
  return [reads, differs];
}

/**
 * Packed RGB with a one-cycle shading taken off along both axes and both diagonals: along an
 * axis, the cosine cycle α·cos + β·sin (of 2π(i + ½)/n) of the least-squares fit of a constant, a
 * slope and that cycle to the luma's column means (x) or row means (y); along the diagonals
 * (`diagonalCycles`), which average to zero over every row and column, fitted to the luma itself.
 * Their sum is subtracted from every channel, rounded and clamped (the slope, an image's own
 * gradient, stays); `peak`: its largest magnitude, in grey levels.
 */
function withoutShading(rgb: Uint8Array, width: number, height: number): { pixels: Uint8Array; peak: number } {
  const columns = new Float64Array(width);
  const rows = new Float64Array(height);
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const l = 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
      columns[x] = columns[x]! + l;
      rows[y] = rows[y]! + l;
    }
  }
  const cycle = (means: Float64Array): Float64Array => {
    const n = means.length;
    const out = new Float64Array(n);
    // over a whole cycle at half-sample offsets, cos is orthogonal to a constant, a slope and sin, and
    // sin to a constant: α alone, β with the slope (a 2 × 2 system); the constant is not needed
    const centre = (n - 1) / 2;
    const [c, s] = [new Float64Array(n), new Float64Array(n)];
    let [mc, cc, mt, tt, ms, ss, ts] = [0, 0, 0, 0, 0, 0, 0];
    for (let i = 0; i < n; i++) {
      c[i] = Math.cos((2 * Math.PI * (i + 0.5)) / n);
      s[i] = Math.sin((2 * Math.PI * (i + 0.5)) / n);
      const t = i - centre;
      mc += means[i]! * c[i]!;
      cc += c[i]! * c[i]!;
      mt += means[i]! * t;
      tt += t * t;
      ms += means[i]! * s[i]!;
      ss += s[i]! * s[i]!;
      ts += t * s[i]!;
    }
    const det = tt * ss - ts * ts;
    const alpha = cc > 0 ? mc / cc : 0;
    const beta = det !== 0 ? (tt * ms - ts * mt) / det : 0;
    for (let i = 0; i < n; i++) out[i] = alpha * c[i]! + beta * s[i]!;
    return out;
  };
  for (let x = 0; x < width; x++) columns[x] = columns[x]! / height;
  for (let y = 0; y < height; y++) rows[y] = rows[y]! / width;
  const sx = cycle(columns);
  const sy = cycle(rows);
  const diagonal = diagonalCycles(rgb, width, height);
  const out = new Uint8Array(width * height * 3);
  let peak = 0;
  for (let y = 0, o = 0; y < height; y++) {
    for (let x = 0; x < width; x++, o += 3) {
      const d = sx[x]! + sy[y]! + diagonal(x, y);
      peak = Math.max(peak, Math.abs(d));
      for (let k = 0; k < 3; k++) out[o + k] = Math.max(0, Math.min(255, Math.round(rgb[o + k]! - d)));
    }
  }
  return { pixels: out, peak };
}

/**
 * The two diagonal one-cycle shadings of the luma (cos and sin of 2π((x + ½)/w ± (y + ½)/h)), fitted by
 * least squares: each is orthogonal over the whole grid to a constant, to either slope, to the axis
 * cycles and to the others (a row or column sums a whole cycle to zero), so each coefficient is a
 * projection, 2/(wh)·Σ luma·basis, summed row by row with the angle-sum identities.
 */
function diagonalCycles(rgb: Uint8Array, width: number, height: number): (x: number, y: number) => number {
  const angles = (n: number) => {
    const [c, s] = [new Float64Array(n), new Float64Array(n)];
    for (let i = 0; i < n; i++) [c[i], s[i]] = [Math.cos((2 * Math.PI * (i + 0.5)) / n), Math.sin((2 * Math.PI * (i + 0.5)) / n)];
    return [c, s] as const;
  };
  const [cx, sx] = angles(width);
  const [cy, sy] = angles(height);
  if (width < 2 || height < 2) return () => 0;
  // plus: cos(a + b), sin(a + b); minus: cos(a − b), sin(a − b)
  let [pc, ps, mc, ms] = [0, 0, 0, 0];
  for (let y = 0, o = 0; y < height; y++) {
    let [rc, rs] = [0, 0];
    for (let x = 0; x < width; x++, o += 3) {
      const l = 0.299 * rgb[o]! + 0.587 * rgb[o + 1]! + 0.114 * rgb[o + 2]!;
      rc += l * cx[x]!;
      rs += l * sx[x]!;
    }
    pc += cy[y]! * rc - sy[y]! * rs;
    ps += cy[y]! * rs + sy[y]! * rc;
    mc += cy[y]! * rc + sy[y]! * rs;
    ms += cy[y]! * rs - sy[y]! * rc;
  }
  const k = 2 / (width * height);
  [pc, ps, mc, ms] = [pc * k, ps * k, mc * k, ms * k];
  return (x, y) => {
    const [ca, sa, cb, sb] = [cx[x]!, sx[x]!, cy[y]!, sy[y]!];
    return pc * (ca * cb - sa * sb) + ps * (sa * cb + ca * sb) + mc * (ca * cb + sa * sb) + ms * (sa * cb - ca * sb);
  };
}

/**
 * Step 3: one period (px × py pixels of the input) of the structure plane (the
 * distance from the dominant colour row by row) resampled to the square-rooted 64×64 tile, with the
 * plane reduced to about four samples per tile pixel and where the window lies in it (the re-laid
 * analysis reads the same window). `planeOf`: the plane at rw × rh, as the caller keeps it (a reused scratch
 * array for the hash's own read, screening's `Memo`, or a new array).
 * `fold` (reading 3): along an axis that holds a whole number of periods, the window wraps whatever
 * the other axis does, and where the period is not a whole number of plane samples the tile is the
 * mean of the period windows along it (at most `FOLD.most`): each window samples the pattern at
 * another sub-pixel phase, so one window alone depended on where the image began (a 33⅓ px period
 * moved 74–120 bits under a circular shift), while their mean is exactly periodic and shifts as a
 * whole.
 */
function periodTile(planeOf: (rw: number, rh: number) => Float64Array, width: number, height: number, px: number, py: number, fold: boolean) {
  const wrap = divides(px, width) && divides(py, height);
  // reading 3: each axis wraps when it holds a whole number of periods, whatever the other does
  const [wrapX, wrapY] = fold ? [divides(px, width), divides(py, height)] : [wrap, wrap];
  // each axis reduced by its own period (at most 4 samples per tile pixel): linear time whatever the
  // aspect ratio, and a blur kernel of at most ±6 taps
  const rw = Math.max(1, Math.round(width / Math.max(1, px / (4 * TILE_SIZE))));
  const rh = Math.max(1, Math.round(height / Math.max(1, py / (4 * TILE_SIZE))));
  const plane = planeOf(rw, rh);
  let energy = 0;
  for (let i = 0; i < plane.length; i++) energy += plane[i]! * plane[i]!;
  energy = Math.sqrt(energy / plane.length);
  const rpx = (px * rw) / width;
  const rpy = (py * rh) / height;
  const stepX = rpx / TILE_SIZE;
  const stepY = rpy / TILE_SIZE;
  // not exactly periodic (e.g. a crop of 1.5 periods): the one-period window is centred, away from
  // the clamped edges (the re-laid analysis reads it so); reading 3 centres it only along an axis that
  // does not wrap
  const x0 = wrap ? 0 : Math.max(0, (rw - rpx) / 2);
  const y0 = wrap ? 0 : Math.max(0, (rh - rpy) / 2);
  const xs = new Float64Array(TILE_SIZE);
  const ys = new Float64Array(TILE_SIZE);
  for (let i = 0; i < TILE_SIZE; i++) {
    xs[i] = (wrapX ? 0 : x0) + (i + 0.5) * stepX - 0.5;
    ys[i] = (wrapY ? 0 : y0) + (i + 0.5) * stepY - 0.5;
  }
  // the tile reads the blurred plane at 4 × 64² points (times the windows folded): only those are blurred
  const windows = (rp: number, r: number, along: boolean) => (fold && along && Math.abs(rp - Math.round(rp)) > 1e-6 ? Math.min(FOLD.most, Math.round(r / rp)) : 1);
  const [kx, ky] = [windows(rpx, rw, wrapX), windows(rpy, rh, wrapY)];
  const folded = (at: Float64Array, k: number, rp: number) => (k === 1 ? at : Float64Array.from({ length: TILE_SIZE * k }, (_, i) => at[i % TILE_SIZE]! + Math.floor(i / TILE_SIZE) * rp));
  const samples = blurredSamples(plane, rw, rh, 0.5 * stepX, 0.5 * stepY, { x: wrapX, y: wrapY }, folded(xs, kx, rpx), folded(ys, ky, rpy));
  const tile = kx * ky === 1 ? samples : foldWindows(samples, kx, ky);
  for (let i = 0; i < tile.length; i++) tile[i] = Math.sqrt(Math.max(0, tile[i]!));

  // as reading 2 reads it: no fold, and both axes wrap or neither
  const asBefore = kx * ky === 1 && wrapX === wrap && wrapY === wrap;
  return { tile, plane, rw, rh, wrap, x0, y0, rpx, rpy, energy, asBefore };
}

/** The mean of `kx` × `ky` windows of TILE_SIZE² samples laid side by side (row-major, `kx` · TILE_SIZE wide). */
function foldWindows(samples: Float64Array, kx: number, ky: number): Float64Array {
  const S = TILE_SIZE;
  const tile = new Float64Array(S * S);
  for (let b = 0; b < ky; b++) {
    for (let i = 0; i < S; i++) {
      const row = (b * S + i) * S * kx;
      for (let a = 0; a < kx; a++) for (let j = 0; j < S; j++) tile[i * S + j] = tile[i * S + j]! + samples[row + a * S + j]!;
    }
  }
  const n = kx * ky;
  for (let i = 0; i < tile.length; i++) tile[i] = tile[i]! / n;
  return tile;
}

/**
 * The square-rooted tile's four variant hashes and its spectral spread (steps 4–5), read on its
 * centred lattice when it has one (step 4b); `nearLattice`: the lattice reading too, for a tile just
 * above the cut (under `LATTICE.queryOddShare` at odd u + v), as screening queries it.
 */
function variantsOf(tile: Float64Array, aspect: number, lattice = true): { variants: Record<TileVariant, string>; spread: number; centred: boolean; nearLattice?: Record<TileVariant, string> } {
  const magnitudes = spectrumMagnitudes(tile);
  const share = lattice ? oddShare(magnitudes) : 1;
  // the query's own measure leaves out the frequencies next to DC, where a shading or uneven light
  // lives (one cycle across the tile), and a lattice's motifs never are (scale ≥ 2)
  const queryShare = !lattice || share < LATTICE.maxOddShare ? share : oddShare(magnitudes, 2);
  const centred = share < LATTICE.maxOddShare;
  const onLattice = LATTICE_VARIANT_FREQUENCIES[aspect > Math.SQRT2 ? "wide" : aspect < Math.SQRT1_2 ? "tall" : "square"];
  const read = (at: Record<TileVariant, Int32Array>): Record<TileVariant, string> => ({
    original: bitsOf(magnitudes, at.original),
    rotate90: bitsOf(magnitudes, at.rotate90),
    mirror: bitsOf(magnitudes, at.mirror),
    diagonal: bitsOf(magnitudes, at.diagonal),
  });
  const at = centred ? onLattice : VARIANT_FREQUENCIES;
  return {
    spread: spectralSpread(magnitudes, at.original),
    variants: read(at),
    centred,
    ...(!centred && queryShare < LATTICE.queryOddShare ? { nearLattice: read(onLattice) } : {}),
  };
}

/** Samples a side of the period the re-laid analysis reads (twice the tile's: a half or a quarter of it is hashed). */
const RELAID_SAMPLES = 4 * TILE_SIZE;

/**
 * `spanX` × `spanY` plane samples from (x0, y0) (one period: about as many plane samples) read as a
 * torus at the plane's own resolution (even, at most `most` a side), unblurred (bilinear): a junction
 * between two samples stays between them.
 */
function torusOf(plane: Float64Array, rw: number, rh: number, wrap: boolean, x0: number, y0: number, spanX: number, spanY: number, most: number): Torus {
  const nx = Math.min(most, 2 * Math.max(8, Math.round(spanX / 2)));
  const ny = Math.min(most, 2 * Math.max(8, Math.round(spanY / 2)));
  const xs = Float64Array.from({ length: nx }, (_, i) => x0 + ((i + 0.5) * spanX) / nx - 0.5);
  const ys = Float64Array.from({ length: ny }, (_, i) => y0 + ((i + 0.5) * spanY) / ny - 0.5);
  return { data: blurredSamples(plane, rw, rh, 0, 0, wrap, xs, ys), w: nx, h: ny };
}

/** The whole plane as a torus of at most `most` samples a side, area-averaged (a crisp pattern of many periods read at a few samples a period would alias). */
function wholeTorus(plane: Float64Array, rw: number, rh: number, most: number): Torus {
  const [nx, ny] = [Math.min(most, rw), Math.min(most, rh)];
  const row = (y: number, out: Float64Array) => out.set(plane.subarray(y * rw, y * rw + rw));
  return { data: areaResample(row, rw, rh, nx, ny, new Float64Array(nx * ny)), w: nx, h: ny };
}

/**
 * The re-laid tiles' hashes (./relaid.ts): the tiles a half-drop, brick or mirror copy may have been
 * cut from, found in one period of the plane (the window the tile hash reads) and, when the image
 * holds more than one period, the mirror tile of the whole image too (a mirror cell of a tile with a
 * period of its own: its period is found inside the tile, not the cell); each hashed as the tile is
 * (a 64² resample, square root, steps 4–5), kept when reliable.
 */
function relaidHashes(plane: Float64Array, rw: number, rh: number, wrap: boolean, x0: number, y0: number, rpx: number, rpy: number, aspect: number, imageAspect: number): RelaidHash[] {
  // a look at half the resolution first (cheap): the analysis at full resolution only on a sign of a re-laid copy
  const signs = mayBeRelaid(torusOf(plane, rw, rh, wrap, x0, y0, rpx, rpy, RELAID_SAMPLES / 2), aspect);
  const torus = signs.mirror || signs.halfDrop || signs.brick ? torusOf(plane, rw, rh, wrap, x0, y0, rpx, rpy, RELAID_SAMPLES) : undefined;
  // each tile with the width / height of one of its samples in the image's pixels (for step 4b)
  const tiles = (torus === undefined ? [] : relaidTiles(torus, aspect, signs)).map((t) => ({ t, sample: (aspect * torus!.h) / torus!.w }));
  if ((rw > rpx * 1.05 || rh > rpy * 1.05) && mayBeMirror(wholeTorus(plane, rw, rh, TILE_SIZE))) {
    const all = wholeTorus(plane, rw, rh, RELAID_SAMPLES);
    const whole = mirrorTile(all);
    if (whole !== undefined) tiles.push({ t: { ...whole, how: `${whole.how}, the whole image` }, sample: (imageAspect * all.h) / all.w });
  }
  const out: RelaidHash[] = [];
  for (const { t, sample } of tiles) {
    // one period of a tile with a period of its own (a render with scale k laid out as a mirror)
    const [kx, ky] = [repeatsAcross(t), repeatsAcross(transpose(t))];
    // averaged down to fewer than four samples a tile sample (a 2 × 2 box before the Gaussian of half
    // a step: the same low-pass within a few bits, at a quarter of the cost)
    let small: Torus = t;
    while (small.w / kx >= 4 * TILE_SIZE) small = halve(small, "x");
    while (small.h / ky >= 4 * TILE_SIZE) small = halve(small, "y");
    const [px, py] = [small.w / kx, small.h / ky];
    const sx = Float64Array.from({ length: TILE_SIZE }, (_, i) => ((i + 0.5) * px) / TILE_SIZE - 0.5);
    const sy = Float64Array.from({ length: TILE_SIZE }, (_, i) => ((i + 0.5) * py) / TILE_SIZE - 0.5);
    const tile = blurredSamples(small.data, small.w, small.h, (0.5 * px) / TILE_SIZE, (0.5 * py) / TILE_SIZE, true, sx, sy);
    for (let i = 0; i < tile.length; i++) tile[i] = Math.sqrt(Math.max(0, tile[i]!));
    const { variants, spread } = variantsOf(tile, (px / py) * sample);
    if (spread >= TILE_MIN_SPREAD) out.push({ variants, how: t.how });
  }
  return out;
}

/** Hamming distance between two 64-hex-digit tile hashes. */
export function tileDistance(a: string, b: string): number {
  const hex = /^[0-9a-f]{64}$/i;
  if (!hex.test(a)) throw new RangeError(`hash a: expected 64 hex digits, got "${a}"`);
  if (!hex.test(b)) throw new RangeError(`hash b: expected 64 hex digits, got "${b}"`);
  return hammingDistance256(a, b);
}

// ---------------------------------------------------------------------------------------------

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** A period `p` within 0.75 px (or 1%) of side `n` / k for a whole k, as n / k; else `p`. */
function snapPeriod(p: number, n: number): number {
  const k = Math.max(1, Math.round(n / p));
  return Math.abs(n / k - p) <= Math.max(0.75, 0.01 * p) ? n / k : p;
}

/** Whether period `p` divides side `n` a whole number of times. */
function divides(p: number, n: number): boolean {
  return Math.abs(n / p - Math.round(n / p)) < 1e-9;
}

/**
 * Up to this many pixels, the mean shift of `dominantColour` reads a copy of the pixels sorted by
 * histogram bin (3 bytes a pixel), so that each step visits only the bins its radius cuts; above it,
 * every pixel each step (no copy). The same colour either way.
 */
const BIN_SORT_MAX_PIXELS = 1 << 22;

/** The most common colour (16 levels a channel), refined by mean shift within `MODE.radius`; `n` packed RGB pixels. */
function dominantColour(rgb: Uint8Array, n: number): [number, number, number] {
  const bits = Math.log2(MODE.levels);
  const shift = 8 - bits;
  const L = MODE.levels;
  // each bin's pixel count and channel sums in one pass (integer sums: exact in any order)
  const counts = new Uint32Array(L ** 3);
  const sums = new Float64Array(3 * L ** 3);
  for (let p = 0, o = 0; p < n; p++, o += 3) {
    const r = rgb[o]!;
    const g = rgb[o + 1]!;
    const b = rgb[o + 2]!;
    const bin = ((r >> shift) * L + (g >> shift)) * L + (b >> shift);
    counts[bin]!++;
    sums[bin * 3]! += r;
    sums[bin * 3 + 1]! += g;
    sums[bin * 3 + 2]! += b;
  }
  let best = 0;
  for (let b = 1; b < counts.length; b++) if (counts[b]! > counts[best]!) best = b;
  const k = counts[best]!;
  let m: [number, number, number] = [sums[best * 3]! / k, sums[best * 3 + 1]! / k, sums[best * 3 + 2]! / k];
  const r2 = MODE.radius * MODE.radius;
  const sorted = n <= BIN_SORT_MAX_PIXELS ? binSorted(rgb, n, counts, shift) : undefined;
  const width = 1 << shift;
  // channel sums and count of the pixels within the radius: integers, exact in any order
  const acc = new Float64Array(4);
  for (let step = 0; step < MODE.steps; step++) {
    acc.fill(0);
    const [m0, m1, m2] = m;
    if (sorted === undefined) withinRadius(rgb, 0, n, m0, m1, m2, r2, acc);
    else {
      // a bin is a box of colours: each pixel's squared distance, computed as `withinRadius` does it,
      // lies between the box's least and greatest (each operation is monotone), so a box wholly
      // inside the radius adds its sums, one wholly outside nothing, and only the rest are visited
      for (let bin = 0; bin < counts.length; bin++) {
        if (counts[bin] === 0) continue;
        const lo0 = (bin >> (2 * bits)) << shift;
        const lo1 = ((bin >> bits) & (L - 1)) << shift;
        const lo2 = (bin & (L - 1)) << shift;
        const [d0, d1, d2] = [lo0 - m0, lo1 - m1, lo2 - m2];
        const [e0, e1, e2] = [lo0 + width - 1 - m0, lo1 + width - 1 - m1, lo2 + width - 1 - m2];
        if (farSquare(d0, e0) + farSquare(d1, e1) + farSquare(d2, e2) < r2) {
          acc[0]! += sums[bin * 3]!;
          acc[1]! += sums[bin * 3 + 1]!;
          acc[2]! += sums[bin * 3 + 2]!;
          acc[3]! += counts[bin]!;
        } else if (nearSquare(d0, e0) + nearSquare(d1, e1) + nearSquare(d2, e2) < r2) withinRadius(sorted.rgb, sorted.start[bin]!, sorted.start[bin + 1]!, m0, m1, m2, r2, acc);
      }
    }
    const count = acc[3]!;
    if (count === 0) break;
    m = [acc[0]! / count, acc[1]! / count, acc[2]! / count];
  }
  return m;
}

/** The least square of a difference running from `low` to `high` (low ≤ high). */
function nearSquare(low: number, high: number): number {
  return low > 0 ? low * low : high < 0 ? high * high : 0;
}

/** The greatest square of a difference running from `low` to `high`. */
function farSquare(low: number, high: number): number {
  return Math.max(low * low, high * high);
}

/** Adds to `acc` the channel sums and count of pixels `from`..`to` − 1 whose squared distance from (m0, m1, m2) is under `r2`. */
function withinRadius(rgb: Uint8Array, from: number, to: number, m0: number, m1: number, m2: number, r2: number, acc: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let count = 0;
  for (let o = from * 3, end = to * 3; o < end; o += 3) {
    const r = rgb[o]!;
    const g = rgb[o + 1]!;
    const b = rgb[o + 2]!;
    const dr = r - m0;
    const dg = g - m1;
    const db = b - m2;
    if (dr * dr + dg * dg + db * db >= r2) continue;
    s0 += r;
    s1 += g;
    s2 += b;
    count++;
  }
  acc[0]! += s0;
  acc[1]! += s1;
  acc[2]! += s2;
  acc[3]! += count;
}

/** The `n` pixels sorted by histogram bin (a counting sort by `counts`): bin b's are pixels start[b] .. start[b + 1] − 1 of `rgb`. */
function binSorted(rgb: Uint8Array, n: number, counts: Uint32Array, shift: number): { rgb: Uint8Array; start: Uint32Array } {
  const L = 256 >> shift;
  const start = new Uint32Array(counts.length + 1);
  for (let b = 0; b < counts.length; b++) start[b + 1] = start[b]! + counts[b]!;
  const next = start.slice(0, counts.length);
  const sorted = scratch("sorted", n * 3);
  for (let o = 0; o < n * 3; o += 3) {
    const r = rgb[o]!;
    const g = rgb[o + 1]!;
    const b = rgb[o + 2]!;
    const at = next[((r >> shift) * L + (g >> shift)) * L + (b >> shift)]!++ * 3;
    sorted[at] = r;
    sorted[at + 1] = g;
    sorted[at + 2] = b;
  }
  return { rgb: sorted, start };
}

/**
 * The margin when all four sides have at least `MARGIN.min` px of rows/columns close to one colour
 * (the median of the border pixels): a row's mean deviation (largest channel difference) at most
 * `MARGIN.meanDeviation` levels and `MARGIN.share` of its pixels within `MARGIN.deviation` (so a
 * card's JPEG ringing or sensor noise still reads as card), and at least 8×8 px inside; otherwise
 * undefined. A seamless render rarely has such edges on all four sides at once; a swatch on a card
 * always does.
 */
function uniformMargin(rgb: Uint8Array, width: number, height: number): { top: number; right: number; bottom: number; left: number } | undefined {
  const rgbAt = (p: number, c: number) => rgb[p * 3 + c]!;
  // the median of each channel over the border pixels: the value at the middle of their sorted list,
  // found by counting (bytes) instead of sorting
  const counts = [new Uint32Array(256), new Uint32Array(256), new Uint32Array(256)];
  let borderPixels = 0;
  const addBorder = (p: number) => {
    for (let c = 0; c < 3; c++) counts[c]![rgbAt(p, c)]!++;
    borderPixels++;
  };
  for (let x = 0; x < width; x++) { addBorder(x); addBorder((height - 1) * width + x); }
  for (let y = 1; y < height - 1; y++) { addBorder(y * width); addBorder(y * width + width - 1); }
  const ref = counts.map((count) => {
    let v = 0;
    for (let seen = count[0]!; seen <= borderPixels >> 1; ) seen += count[++v]!;
    return v;
  });
  const deviation = (p: number) => Math.max(Math.abs(rgbAt(p, 0) - ref[0]!), Math.abs(rgbAt(p, 1) - ref[1]!), Math.abs(rgbAt(p, 2) - ref[2]!));
  const uniform = (count: number, at: (i: number) => number) => {
    let sum = 0;
    let within = 0;
    for (let i = 0; i < count; i++) {
      const dv = deviation(at(i));
      sum += dv;
      if (dv <= MARGIN.deviation) within++;
    }
    return sum <= MARGIN.meanDeviation * count && within >= MARGIN.share * count;
  };
  const row = (y: number) => uniform(width, (x) => y * width + x);
  let top = 0;
  while (top < height && row(top)) top++;
  if (top < MARGIN.min || top === height) return undefined;
  let bottom = 0;
  while (bottom < height - top && row(height - 1 - bottom)) bottom++;
  if (bottom < MARGIN.min) return undefined;
  const [y0, rows] = [top, height - top - bottom];
  const column = (x: number) => uniform(rows, (i) => (y0 + i) * width + x);
  let left = 0;
  while (left < width && column(left)) left++;
  if (left < MARGIN.min || left === width) return undefined;
  let right = 0;
  while (right < width - left && column(width - 1 - right)) right++;
  if (right < MARGIN.min) return undefined;
  if (width - left - right < 8 || rows < 8) return undefined;
  return { top, right, bottom, left };
}

/**
 * Zeroed arrays reused hash to hash, one a purpose: at pattern rates their garbage (a few MB a 512²
 * image) cost the collector more than their arithmetic cost the hash. One larger than
 * `SCRATCH_KEPT` elements is made anew each time and not kept.
 */
const SCRATCH_KEPT = 1 << 20;
const scratchArrays = { small: new Float64Array(0), plane: new Float64Array(0), rows: new Float64Array(0), sorted: new Uint8Array(0) };
function scratch<K extends keyof typeof scratchArrays>(purpose: K, length: number): (typeof scratchArrays)[K] {
  type A = (typeof scratchArrays)[K];
  const kept = scratchArrays[purpose] as A;
  const make = (n: number) => (kept instanceof Uint8Array ? new Uint8Array(n) : new Float64Array(n)) as A;
  if (length > SCRATCH_KEPT) return make(length);
  if (kept.length < length) return (scratchArrays[purpose] = make(length)) as A;
  const view = kept.subarray(0, length) as A;
  view.fill(0);
  return view;
}

/**
 * Area weights of resampling `n` source cells onto `m` target cells covering the same extent: target
 * i takes source cells start[i] .. start[i] + (offset[i + 1] − offset[i]) − 1 with the weights
 * weights[offset[i] ..] (all targets' weights in one array).
 */
function areaWeights(n: number, m: number): { start: Int32Array; offset: Int32Array; weights: Float64Array } {
  const start = new Int32Array(m);
  const offset = new Int32Array(m + 1);
  const scale = n / m;
  const span = (i: number) => [i * scale, (i + 1) * scale, Math.floor(i * scale), Math.min(n - 1, Math.ceil((i + 1) * scale) - 1)] as const;
  for (let i = 0; i < m; i++) {
    const [, , first, last] = span(i);
    offset[i + 1] = offset[i]! + last - first + 1;
  }
  const weights = new Float64Array(offset[m]!);
  for (let i = 0; i < m; i++) {
    const [a, b, first, last] = span(i);
    for (let s = first; s <= last; s++) weights[offset[i]! + s - first] = (Math.min(b, s + 1) - Math.max(a, s)) / scale;
    start[i] = first;
  }
  return { start, offset, weights };
}

/** A plane of `w`×`h` values given row by row, area-resampled to `tw`×`th` into `out` (zeros; only one source row in memory). */
function areaResample(row: (y: number, out: Float64Array) => void, w: number, h: number, tw: number, th: number, out: Float64Array): Float64Array {
  // an axis kept at its size has one weight of exactly 1 a sample (0 + 1·v = v for the values here,
  // none −0): a copy, the same numbers
  if (w === tw && h === th) {
    for (let y = 0; y < h; y++) row(y, out.subarray(y * w, y * w + w));
    return out;
  }
  const xs = areaWeights(w, tw);
  const ys = areaWeights(h, th);
  const src = new Float64Array(w);
  const narrow = new Float64Array(tw);
  // target rows each source row contributes to: walk them in order
  let firstTarget = 0;
  for (let y = 0; y < h; y++) {
    row(y, src);
    if (w === tw) narrow.set(src);
    else for (let i = 0; i < tw; i++) {
      const s0 = xs.start[i]! - xs.offset[i]!;
      let acc = 0;
      for (let k = xs.offset[i]!; k < xs.offset[i + 1]!; k++) acc += xs.weights[k]! * src[s0 + k]!;
      narrow[i] = acc;
    }
    while (firstTarget < th && ys.start[firstTarget]! + ys.offset[firstTarget + 1]! - ys.offset[firstTarget]! <= y) firstTarget++;
    for (let t = firstTarget; t < th && ys.start[t]! <= y; t++) {
      const k = ys.offset[t]! + y - ys.start[t]!;
      if (k >= ys.offset[t + 1]!) continue;
      const wy = ys.weights[k]!;
      if (wy === 0) continue;
      const o = t * tw;
      for (let i = 0; i < tw; i++) out[o + i] = out[o + i]! + wy * narrow[i]!;
    }
  }
  return out;
}

/** The normalised Gaussian kernel of σ (radius ⌈3σ⌉), or undefined under σ 0.2: no blur on that axis. */
function gaussianKernel(sigma: number): Float64Array | undefined {
  if (sigma < 0.2) return undefined;
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] = Math.exp(-(k * k) / (2 * sigma * sigma));
  for (let k = 0; k < kernel.length; k++) kernel[k]! /= sum;
  return kernel;
}

/** The source index of each of `length + 2·radius` taps of a line (tap t reads index t − radius), wrapped or clamped. */
function tapSources(length: number, radius: number, wrap: boolean): Int32Array {
  const source = new Int32Array(length + 2 * radius);
  for (let t = 0; t < source.length; t++) {
    const j = t - radius;
    source[t] = wrap ? ((j % length) + length) % length : j < 0 ? 0 : j >= length ? length - 1 : j;
  }
  return source;
}

/**
 * Separable Gaussian blur in place (σ per axis in pixels; wrap-around or clamped edges), rows first,
 * then columns: each output the sum, over the taps in order, of kernel weight × the (wrapped or
 * clamped) neighbour. Each line is copied with its edge neighbours on either side first.
 */
function blur(plane: Float64Array, w: number, h: number, sigmaX: number, sigmaY: number, wrap: boolean): void {
  blurPass(plane, gaussianKernel(sigmaX), w, h, w, 1, wrap);
  blurPass(plane, gaussianKernel(sigmaY), h, w, 1, w, wrap);
}

/** `blur`'s pass along `lines` lines of `length` values (a line starts every `lineStride`, its values `step` apart). */
function blurPass(plane: Float64Array, kernel: Float64Array | undefined, length: number, lines: number, lineStride: number, step: number, wrap: boolean): void {
  if (kernel === undefined) return;
  const taps = kernel.length;
  const source = tapSources(length, (taps - 1) / 2, wrap);
  const padded = new Float64Array(source.length);
  for (let l = 0; l < lines; l++) {
    const base = l * lineStride;
    for (let t = 0; t < padded.length; t++) padded[t] = plane[base + source[t]! * step]!;
    for (let i = 0; i < length; i++) {
      let acc = 0;
      for (let k = 0; k < taps; k++) acc += kernel[k]! * padded[i + k]!;
      plane[base + i * step] = acc;
    }
  }
}

/**
 * Where bilinear samples at `at` (pixel coordinates, centres at integers) read a line of `n`: the
 * two neighbours of sample i (wrapped or clamped) at 2i and 2i + 1 of `taps`, and the weight of the
 * second, `weights[i]`.
 */
function bilinearTaps(at: Float64Array, n: number, wrap: boolean): { taps: Int32Array; weights: Float64Array } {
  const taps = new Int32Array(2 * at.length);
  const weights = new Float64Array(at.length);
  for (let i = 0; i < at.length; i++) {
    const x0 = Math.floor(at[i]!);
    for (let t = 0; t < 2; t++) {
      const x = x0 + t;
      taps[2 * i + t] = wrap ? ((x % n) + n) % n : x < 0 ? 0 : x >= n ? n - 1 : x;
    }
    weights[i] = at[i]! - x0;
  }
  return { taps, weights };
}

/**
 * Bilinear samples of `plane` as `blur` would leave it, at every (xs[j], ys[i]) (pixel coordinates,
 * centres at integers; row-major, ys.length × xs.length), blurring only the points they read: the
 * row pass at the sampled columns of the rows the column pass reads, then the column pass at the
 * sampled points, each a sum over the same taps in the same order as `blur`'s, so every value read
 * is the one the whole blurred plane holds.
 */
function blurredSamples(plane: Float64Array, w: number, h: number, sigmaX: number, sigmaY: number, wrap: boolean | { x: boolean; y: boolean }, xs: Float64Array, ys: Float64Array): Float64Array {
  const [wrapX, wrapY] = typeof wrap === "boolean" ? [wrap, wrap] : [wrap.x, wrap.y];
  const kx = gaussianKernel(sigmaX);
  const ky = gaussianKernel(sigmaY);
  const sx = kx === undefined ? undefined : tapSources(w, (kx.length - 1) / 2, wrapX);
  const sy = ky === undefined ? undefined : tapSources(h, (ky.length - 1) / 2, wrapY);
  // the points read: columns 2j, 2j + 1 are sample j's two neighbours, rows 2i, 2i + 1 sample i's
  const { taps: columns, weights: wx } = bilinearTaps(xs, w, wrapX);
  const { taps: rows, weights: wy } = bilinearTaps(ys, h, wrapY);
  const nc = columns.length;
  // the row pass at those columns, on each row the column pass reads (every sampled row without a column blur)
  const rowPass = scratch("rows", h * nc);
  const needed = new Uint8Array(h);
  for (let r = 0; r < rows.length; r++) {
    if (ky === undefined) needed[rows[r]!] = 1;
    else for (let k = 0; k < ky.length; k++) needed[sy![rows[r]! + k]!] = 1;
  }
  for (let y = 0; y < h; y++) {
    if (needed[y] === 0) continue;
    for (let c = 0; c < nc; c++) {
      const x = columns[c]!;
      if (kx === undefined) {
        rowPass[y * nc + c] = plane[y * w + x]!;
        continue;
      }
      let acc = 0;
      for (let k = 0; k < kx.length; k++) acc += kx[k]! * plane[y * w + sx![x + k]!]!;
      rowPass[y * nc + c] = acc;
    }
  }
  // the column pass at the points read
  const blurred = new Float64Array(rows.length * nc);
  for (let r = 0; r < rows.length; r++) {
    const y = rows[r]!;
    for (let c = 0; c < nc; c++) {
      if (ky === undefined) {
        blurred[r * nc + c] = rowPass[y * nc + c]!;
        continue;
      }
      let acc = 0;
      for (let k = 0; k < ky.length; k++) acc += ky[k]! * rowPass[sy![y + k]! * nc + c]!;
      blurred[r * nc + c] = acc;
    }
  }
  const out = new Float64Array(ys.length * xs.length);
  for (let i = 0; i < ys.length; i++) {
    const fy = wy[i]!;
    for (let j = 0; j < xs.length; j++) {
      const fx = wx[j]!;
      const o = 2 * i * nc + 2 * j;
      const a = blurred[o]!;
      const b = blurred[o + 1]!;
      const c = blurred[o + nc]!;
      const d = blurred[o + nc + 1]!;
      out[i * xs.length + j] = (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + d * fx) * fy;
    }
  }
  return out;
}

/**
 * Normalised autocorrelation along one axis, averaged over the other (non-circular: zero padded).
 * `alsoWithoutCycle`: also that of the same lines with one cosine cycle across each left out
 * (`washHashes`), from the same transforms: a line's transform less its projections' (a·C + b·S, C and
 * S the transforms of `oneCycleBasis`), so |F − aC − bS|² summed over the lines is the power summed,
 * plus Σa²|C|² + Σb²|S|² + 2Σab·Re(C·S̄), less 2·Re(C̄·ΣaF) and 2·Re(S̄·ΣbF), where ΣaF is the
 * transform of Σa·line (summed as the lines go, then transformed once).
 */
function autocorrelation(plane: Float64Array, w: number, h: number, axis: "x" | "y", alsoWithoutCycle = false): [Float64Array, Float64Array | undefined] {
  const n = axis === "x" ? w : h;
  const lines = axis === "x" ? h : w;
  const [lineStride, step] = axis === "x" ? [w, 1] : [1, w];
  const size = nextPowerOfTwo(2 * n);
  const power = new Float64Array(size);
  const re = new Float64Array(size);
  const im = new Float64Array(size);
  // each line detrended (least-squares line removed): a lighting gradient or a stripe's offset across
  // lines would otherwise keep the correlation from dipping and hide the period
  const centre = (n - 1) / 2;
  let sxx = 0;
  for (let i = 0; i < n; i++) sxx += (i - centre) * (i - centre);
  const line = new Float64Array(n);
  const cycle = alsoWithoutCycle ? oneCycleBasis(n) : undefined;
  // Σ a·line and Σ b·line, and Σa², Σb², Σab
  const sums = cycle === undefined ? undefined : { a: new Float64Array(n), b: new Float64Array(n), aa: 0, bb: 0, ab: 0 };
  for (let l = 0; l < lines; l++) {
    const base = l * lineStride;
    for (let i = 0; i < n; i++) line[i] = plane[base + i * step]!;
    let m = 0;
    let sxy = 0;
    for (let i = 0; i < n; i++) m += line[i]!;
    m /= n;
    for (let i = 0; i < n; i++) sxy += (i - centre) * (line[i]! - m);
    const slope = sxx === 0 ? 0 : sxy / sxx;
    for (let i = 0; i < n; i++) line[i] = line[i]! - m - slope * (i - centre);
    // zero-padded to `size`: non-circular
    fftOfRealLine(line, n, re, im);
    for (let k = 0; k < size; k++) power[k] = power[k]! + re[k]! * re[k]! + im[k]! * im[k]!;
    if (sums !== undefined) {
      let a = 0;
      let b = 0;
      const [qc, qs] = cycle!;
      for (let i = 0; i < n; i++) {
        a += line[i]! * qc[i]!;
        b += line[i]! * qs[i]!;
      }
      const [sa, sb] = [sums.a, sums.b];
      for (let i = 0; i < n; i++) {
        sa[i] = sa[i]! + a * line[i]!;
        sb[i] = sb[i]! + b * line[i]!;
      }
      sums.aa += a * a;
      sums.bb += b * b;
      sums.ab += a * b;
    }
  }
  const normalised = (spectrum: Float64Array): Float64Array => {
    // inverse transform of a real, even spectrum: a forward transform, real part, divided by size
    re.set(spectrum);
    im.fill(0);
    fft(re, im);
    const out = new Float64Array(n);
    const zero = re[0]! / n;
    for (let lag = 0; lag < n; lag++) out[lag] = zero === 0 ? 0 : re[lag]! / (n - lag) / zero;
    return out;
  };
  const plain = normalised(power);
  if (sums === undefined) return [plain, undefined];
  const transform = (q: Float64Array) => {
    const [qr, qi] = [new Float64Array(size), new Float64Array(size)];
    fftOfRealLine(q, n, qr, qi);
    return [qr, qi] as const;
  };
  const [cr, ci] = transform(cycle![0]);
  const [sr, si] = transform(cycle![1]);
  const [ar, ai] = transform(sums.a);
  const [br, bi] = transform(sums.b);
  const rest = new Float64Array(size);
  for (let k = 0; k < size; k++) {
    const cc = cr[k]! * cr[k]! + ci[k]! * ci[k]!;
    const ss = sr[k]! * sr[k]! + si[k]! * si[k]!;
    const cs = cr[k]! * sr[k]! + ci[k]! * si[k]!;
    const cA = cr[k]! * ar[k]! + ci[k]! * ai[k]!;
    const sB = sr[k]! * br[k]! + si[k]! * bi[k]!;
    rest[k] = power[k]! + sums.aa * cc + sums.bb * ss + 2 * sums.ab * cs - 2 * cA - 2 * sB;
  }
  return [plain, normalised(rest)];
}

/**
 * One cosine cycle across a line of `n` (cos and sin of 2π(i + ½)/n), made orthogonal to a constant,
 * to a slope (i − (n − 1)/2) and to each other, each of unit norm: projecting a line on them and
 * subtracting leaves out one cycle of shading and nothing a detrend left.
 */
function oneCycleBasis(n: number): [Float64Array, Float64Array] {
  const kept = cycleBases.get(n);
  if (kept !== undefined) return kept;
  if (cycleBases.size >= 4) cycleBases.clear();
  const centre = (n - 1) / 2;
  const basis = [Float64Array.from({ length: n }, () => 1), Float64Array.from({ length: n }, (_, i) => i - centre)];
  for (const f of [Math.cos, Math.sin]) {
    const b = Float64Array.from({ length: n }, (_, i) => f((2 * Math.PI * (i + 0.5)) / n));
    for (const q of basis) {
      let dot = 0;
      let qq = 0;
      for (let i = 0; i < n; i++) {
        dot += b[i]! * q[i]!;
        qq += q[i]! * q[i]!;
      }
      if (qq > 0) for (let i = 0; i < n; i++) b[i] = b[i]! - (dot / qq) * q[i]!;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += b[i]! * b[i]!;
    norm = Math.sqrt(norm);
    for (let i = 0; i < n; i++) b[i] = norm > 0 ? b[i]! / norm : 0;
    basis.push(b);
  }
  const made: [Float64Array, Float64Array] = [basis[2]!, basis[3]!];
  cycleBases.set(n, made);
  return made;
}
/** `oneCycleBasis` of the last few line lengths (a hash reads two: its small copy's width and height). */
const cycleBases = new Map<number, [Float64Array, Float64Array]>();

/** The first autocorrelation peak that marks a repeat, in samples (sub-pixel); the length if none. */
function findPeriod(ac: Float64Array): number {
  const n = ac.length;
  const last = Math.floor(n * PERIOD.maxFraction);
  let dipped = false;
  for (let lag = 1; lag < last; lag++) {
    const v = ac[lag]!;
    if (v < PERIOD.threshold - PERIOD.dip) dipped = true;
    if (!dipped || lag < PERIOD.minLag || v < PERIOD.threshold || v < ac[lag - 1]! || v < ac[lag + 1]!) continue;
    const a = ac[lag - 1]!;
    const c = ac[lag + 1]!;
    const den = a - 2 * v + c;
    return lag + (den !== 0 ? (0.5 * (a - c)) / den : 0);
  }
  return n;
}

/** |F(u, v)| of the mean-removed tile, as a TILE_SIZE² array indexed [v mod S][u mod S]. */
function spectrumMagnitudes(tile: Float64Array): Float64Array {
  const S = TILE_SIZE;
  let mean = 0;
  for (let i = 0; i < tile.length; i++) mean += tile[i]!;
  mean /= tile.length;
  const re = new Float64Array(S * S);
  const im = new Float64Array(S * S);
  const lineRe = new Float64Array(S);
  const lineIm = new Float64Array(S);
  for (let i = 0; i < S * S; i++) re[i] = tile[i]! - mean;
  for (let r = 0; r < S; r++) {
    lineRe.set(re.subarray(r * S, r * S + S));
    lineIm.set(im.subarray(r * S, r * S + S));
    fft(lineRe, lineIm);
    re.set(lineRe, r * S);
    im.set(lineIm, r * S);
  }
  for (let c = 0; c < S; c++) {
    for (let r = 0; r < S; r++) {
      lineRe[r] = re[r * S + c]!;
      lineIm[r] = im[r * S + c]!;
    }
    fft(lineRe, lineIm);
    for (let r = 0; r < S; r++) {
      re[r * S + c] = lineRe[r]!;
      im[r * S + c] = lineIm[r]!;
    }
  }
  const mag = new Float64Array(S * S);
  for (let i = 0; i < S * S; i++) mag[i] = Math.hypot(re[i]!, im[i]!);
  return mag;
}

/** How many of the 256 hashed frequencies (read at `index`) it takes to hold 95% of their energy (squared magnitude). */
function spectralSpread(mag: Float64Array, index: Int32Array): number {
  // ascending: read from the end, largest first (a typed array sorts numerically, and keeps the
  // optimised code of its callers: an array of numbers changes its elements kind with the values)
  const power = Float64Array.from(index, (i) => mag[i]! ** 2).sort();
  const last = power.length - 1;
  let total = 0;
  for (let k = last; k >= 0; k--) total += power[k]!;
  if (total === 0) return 0;
  let sum = 0;
  for (let k = 0; k <= last; k++) {
    sum += power[last - k]!;
    if (sum >= 0.95 * total) return k + 1;
  }
  return power.length;
}

/** The 256 hashed frequencies (u, v): half plane (u > 0, or u = 0 and v > 0), by radius, then u, then v. */
const FREQUENCIES: ReadonlyArray<readonly [number, number]> = (() => {
  const fs: Array<[number, number]> = [];
  for (let u = -12; u <= 12; u++) for (let v = -12; v <= 12; v++) if (u > 0 || (u === 0 && v > 0)) fs.push([u, v]);
  fs.sort((a, b) => a[0] * a[0] + a[1] * a[1] - (b[0] * b[0] + b[1] * b[1]) || a[0] - b[0] || a[1] - b[1]);
  return fs.slice(0, 256);
})();

/**
 * Where each variant reads the 256 hashed frequencies in the magnitudes (index [v mod S][u mod S]):
 * the original's (u, v), rotated 90° (−v, u), mirrored (−u, v), mirrored on a diagonal (v, u).
 */
const VARIANT_FREQUENCIES: Record<TileVariant, Int32Array> = (() => {
  const S = TILE_SIZE;
  const indices = (map: (u: number, v: number) => [number, number]) =>
    Int32Array.from(FREQUENCIES, ([u, v]) => {
      const [mu, mv] = map(u, v);
      return (((mv % S) + S) % S) * S + (((mu % S) + S) % S);
    });
  return { original: indices((u, v) => [u, v]), rotate90: indices((u, v) => [-v, u]), mirror: indices((u, v) => [-u, v]), diagonal: indices((u, v) => [v, u]) };
})();

/**
 * Share of the spectrum's energy (DC aside, and frequencies within √`aboveRadius2` of it) at the
 * frequencies (u, v) of odd u + v: under `LATTICE.maxOddShare`, a centred lattice.
 */
function oddShare(mag: Float64Array, aboveRadius2 = 0): number {
  const S = TILE_SIZE;
  let odd = 0;
  let total = 0;
  for (let v = 0; v < S; v++) {
    const sv = v > S / 2 ? v - S : v;
    for (let u = 0; u < S; u++) {
      const su = u > S / 2 ? u - S : u;
      if (su * su + sv * sv <= aboveRadius2) continue;
      const p = mag[v * S + u]! ** 2;
      total += p;
      if (((u + v) & 1) === 1) odd += p;
    }
  }
  return total === 0 ? 1 : odd / total;
}

/**
 * Step 4b: the frequencies a tile with a centred lattice is read at. The hashed frequencies (a, b)
 * of its fundamental domain (the square of side 1/√2 turned 45° that the symmetry t(x + ½, y + ½) = t
 * leaves of the period) are the period's (u, v) = (a + b, a − b), each variant's map applied to them
 * as in `VARIANT_FREQUENCIES` (so a rotation or mirror of the image still permutes the four hashes).
 */
const LATTICE_VARIANT_FREQUENCIES: Record<"square" | "wide" | "tall", Record<TileVariant, Int32Array>> = (() => {
  const S = TILE_SIZE;
  const variants = (fs: ReadonlyArray<readonly [number, number]>) => {
    const indices = (map: (u: number, v: number) => [number, number]) =>
      Int32Array.from(fs, ([u0, v0]) => {
        const [mu, mv] = map(u0, v0);
        return (((mv % S) + S) % S) * S + (((mu % S) + S) % S);
      });
    return { original: indices((u, v) => [u, v]), rotate90: indices((u, v) => [-v, u]), mirror: indices((u, v) => [-u, v]), diagonal: indices((u, v) => [v, u]) };
  };
  const square = FREQUENCIES.map(([a, b]) => [a + b, a - b] as const);
  const even: Array<[number, number]> = [];
  for (let u = 0; u < S / 2; u++) for (let v = 1 - S / 2; v < S / 2; v++) if ((u > 0 || v > 0) && ((u + v) & 1) === 0) even.push([u, v]);
  even.sort((p, q) => p[0] * p[0] + 4 * p[1] * p[1] - (q[0] * q[0] + 4 * q[1] * q[1]) || p[0] - q[0] || p[1] - q[1]);
  const wide = even.slice(0, 256);
  return { square: variants(square), wide: variants(wide), tall: variants(wide.map(([u, v]) => [-v, u] as const)) };
})();

/** 256 bits: each frequency's magnitude (read at `index`, `VARIANT_FREQUENCIES`) above the median of its group of 32. */
function bitsOf(mag: Float64Array, index: Int32Array): string {
  const values = new Float64Array(256);
  for (let i = 0; i < 256; i++) values[i] = mag[index[i]!]!;
  const bytes = new Uint8Array(32);
  for (let g = 0; g < 256; g += 32) {
    const sorted = values.slice(g, g + 32).sort();
    const median = (sorted[15]! + sorted[16]!) / 2;
    for (let i = g; i < g + 32; i++) if (values[i]! > median) bytes[i >> 3]! |= 0x80 >> (i & 7);
  }
  let hex = "";
  for (let i = 0; i < bytes.length; i++) hex += bytes[i]!.toString(16).padStart(2, "0");
  return hex;
}
