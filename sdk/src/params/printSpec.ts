import { type Hex, keccak256, stringToBytes } from "viem";

import { canonicalJson } from "../canonical.js";
import { type ColourwaySpec, checkColourwaySpec } from "./colourway.js";
import { SpecFieldError } from "./specError.js";
import { type ModelParams, encodeModelParams } from "./modelParams.js";

/**
 * How a mill repeats a tile (docs/design/print-repeats.md):
 * - `block` (full drop): the tile beside and below itself;
 * - `half-drop`: each column of tiles dropped by half the tile's height (`repeatOffset`);
 * - `brick`: each row of tiles shifted by half the tile's width;
 * - `mirror`: the tile, its left-right mirror image beside it, its top-bottom mirror image below.
 * The render itself is seamless under its repeat: the coordinate network is sampled on that
 * repeat's quotient of the plane, not post-processed.
 */
export const REPEAT_TYPES = ["block", "half-drop", "brick", "mirror"] as const;
export type RepeatType = (typeof REPEAT_TYPES)[number];

/**
 * A print spec: the repeat, the tile's physical side in centimetres and the print resolution. Part
 * of a pattern's lineage when present (`encodeRenderParams`, `renderParamsHash`); the tile is square,
 * `printPixels(sizeCm, dpi)` pixels a side.
 */
export type PrintSpec = { repeat: RepeatType; sizeCm: number; dpi: number };

/** The ranges a print spec must fall in. */
export const PRINT_LIMITS = {
  /** Dots per inch, an integer: 50 (a banner) to 1200 (far beyond a textile mill's). */
  dpi: { min: 50, max: 1200 },
  /** The tile's side in cm, at most two decimals (0.1 mm). */
  sizeCm: { min: 0.5, max: 500 },
  /** The tile's side in pixels: the renderer's largest (generator `RENDER_LIMITS.maxSide`) and a smallest that a repeat can be seen in. */
  pixels: { min: 16, max: 8192 },
} as const;

export type PrintSpecErrorType = PrintSpecError & { name: "PrintSpecError" };

/** A print spec that is not allowed: `field` is its path (`print.dpi`); the message names the allowed range. */
export class PrintSpecError extends SpecFieldError {
  override name = "PrintSpecError" as const;
}

/**
 * The tile's side in pixels of `sizeCm` at `dpi`: round(sizeCm / 2.54 × dpi), half up, computed in
 * integers (sizeCm has at most two decimals): 64 cm at 300 DPI is 7,559 px.
 *
 * @example
 * import { printPixels } from "@motif/sdk";
 * console.log(printPixels(64, 300)); // "7559"
 */
export function printPixels(sizeCm: number, dpi: number): number {
  const hundredths = Math.round(sizeCm * 100);
  // hundredths of a cm × dpi / 254 (2.54 cm an inch, in hundredths), rounded half up in integers
  return Math.floor((2 * hundredths * dpi + 254) / 508);
}

/** Pixels per metre of `dpi`, as PNG's `pHYs` chunk stores it (unit 1, the metre): round(dpi / 0.0254); 300 DPI is 11,811. */
export function pixelsPerMetre(dpi: number): number {
  return Math.floor((2 * dpi * 10_000 + 254) / 508);
}

/**
 * The offset between neighbouring tiles of a repeat, in pixels of a `width` × `height` tile: the
 * tile right of a tile is `right` away (a half-drop's drops by ⌊height / 2⌋), the tile below is
 * `down` away (a brick's is shifted by ⌊width / 2⌋). An odd side cannot be halved in pixels: the
 * render's own period is this whole-pixel offset, so the tiles meet pixel for pixel. A mirror
 * repeat's neighbours are offset like a block's, and reflected (`mirrored`).
 */
export function repeatOffset(repeat: RepeatType, width: number, height: number): { right: { x: number; y: number }; down: { x: number; y: number }; mirrored: boolean } {
  return {
    right: { x: width, y: repeat === "half-drop" ? Math.floor(height / 2) : 0 },
    down: { x: repeat === "brick" ? Math.floor(width / 2) : 0, y: height },
    mirrored: repeat === "mirror",
  };
}

const show = (v: unknown): string => (typeof v === "string" ? JSON.stringify(v) : v === undefined ? "nothing" : typeof v === "object" ? (v === null ? "null" : Array.isArray(v) ? "an array" : "an object") : String(v));

/**
 * Checks a print spec and returns it typed (its keys in a fixed order); throws `PrintSpecError`
 * naming the field and its allowed range: an unknown repeat, a DPI that is not an integer in
 * 50..1200, a size outside 0.5..500 cm or with more than two decimals, or one whose pixel side at
 * that DPI is outside 16..8192 (the message gives the largest size at that DPI).
 *
 * @example
 * import { checkPrintSpec } from "@motif/sdk";
 * try {
 *   checkPrintSpec({ repeat: "half-drop", sizeCm: 80, dpi: 300 });
 * } catch (error) {
 *   console.log((error as Error).message.split("\n")[0]); // "print.sizeCm: 80 cm at 300 DPI is 9449 px, over the 8192 px a render may have: at most 69.36 cm at 300 DPI"
 * }
 */
export function checkPrintSpec(value: unknown, path = "print"): PrintSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new PrintSpecError(path, `expected an object with repeat, sizeCm and dpi, got ${show(value)}`);
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).find((k) => k !== "repeat" && k !== "sizeCm" && k !== "dpi");
  if (extra !== undefined) throw new PrintSpecError(`${path}.${extra}`, `not a print spec field (repeat, sizeCm, dpi)`);
  if (typeof v.repeat !== "string" || !(REPEAT_TYPES as readonly string[]).includes(v.repeat)) {
    throw new PrintSpecError(`${path}.repeat`, `${v.repeat === undefined ? "missing" : `${show(v.repeat)} is not a repeat`}; expected one of ${REPEAT_TYPES.join(", ")}`);
  }
  const { dpi: D, sizeCm: S, pixels: P } = PRINT_LIMITS;
  const dpi = v.dpi;
  if (typeof dpi !== "number" || !Number.isInteger(dpi) || dpi < D.min || dpi > D.max) {
    throw new PrintSpecError(`${path}.dpi`, `${dpi === undefined ? "missing, expected" : `${show(dpi)} is not`} an integer in ${D.min}..${D.max} (dots per inch)`);
  }
  const size = v.sizeCm;
  if (typeof size !== "number" || !Number.isFinite(size) || size < S.min || size > S.max || Math.round(size * 100) / 100 !== size) {
    throw new PrintSpecError(`${path}.sizeCm`, `${size === undefined ? "missing, expected" : `${show(size)} is not`} a number of centimetres in ${S.min}..${S.max} with at most two decimals`);
  }
  const px = printPixels(size, dpi);
  if (px > P.max) {
    // the largest size (in hundredths of a cm) whose side is at most P.max pixels
    let most = Math.floor(((P.max + 0.5) * 254) / dpi);
    while (most > 0 && printPixels(most / 100, dpi) > P.max) most--;
    throw new PrintSpecError(`${path}.sizeCm`, `${size} cm at ${dpi} DPI is ${px} px, over the ${P.max} px a render may have: at most ${most / 100} cm at ${dpi} DPI`);
  }
  if (px < P.min) throw new PrintSpecError(`${path}.sizeCm`, `${size} cm at ${dpi} DPI is ${px} px, under the ${P.min} px a tile needs`);
  return { repeat: v.repeat as RepeatType, sizeCm: size, dpi };
}

/**
 * The canonical render params of a pattern, whose keccak-256 is the lineage's `paramsHash`: without a
 * print spec or a colourway, the canonical model params exactly as before print specs
 * (`encodeModelParams`: every certificate minted so far keeps its hash); with either, canonical JSON
 * of `{ params, print?, colourway? }`, e.g.
 * `{"params":{"scale":2,"sharpness":4},"print":{"dpi":300,"repeat":"half-drop","sizeCm":64}}`
 * (never a params document: its values are objects, a params document's are numbers).
 */
export function encodeRenderParams(params: ModelParams, print?: PrintSpec, colourway?: ColourwaySpec): string {
  if (print === undefined && colourway === undefined) return encodeModelParams(params);
  // the colourway in its canonical form (lower case, pairs by from colour): one colourway, one hash
  return canonicalJson({ params, ...(print !== undefined ? { print } : {}), ...(colourway !== undefined ? { colourway: checkColourwaySpec(colourway) } : {}) });
}

/** keccak-256 of `encodeRenderParams`: the lineage's `paramsHash`, covering the print spec and the colourway when there are. */
export function renderParamsHash(params: ModelParams, print?: PrintSpec, colourway?: ColourwaySpec): Hex {
  return keccak256(stringToBytes(encodeRenderParams(params, print, colourway)));
}

/** A print spec in words: "half-drop repeat, 64 cm at 300 DPI (7559 px)". */
export function describePrintSpec(print: PrintSpec): string {
  return `${print.repeat} repeat, ${print.sizeCm} cm at ${print.dpi} DPI (${printPixels(print.sizeCm, print.dpi)} px)`;
}

/**
 * The `pHYs` chunk of a PNG (pixels per unit on x and y; unit 1 is the metre, 0 unknown), read from
 * the chunks before the first IDAT (where PNG requires it); undefined when the file has none or is
 * not a PNG.
 */
export function pngPhysOf(png: Uint8Array): { x: number; y: number; unit: number } | undefined {
  const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (png.length < 8 || SIGNATURE.some((b, i) => png[i] !== b)) return undefined;
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let o = 8; o + 8 <= png.length; ) {
    const length = view.getUint32(o);
    const type = String.fromCharCode(png[o + 4]!, png[o + 5]!, png[o + 6]!, png[o + 7]!);
    if (type === "IDAT" || type === "IEND") return undefined;
    if (type === "pHYs") return length === 9 && o + 17 <= png.length ? { x: view.getUint32(o + 8), y: view.getUint32(o + 12), unit: png[o + 16]! } : undefined;
    o += 12 + length;
  }
  return undefined;
}
