import type { Hex } from "viem";

import { SpecFieldError } from "./specError.js";

/**
 * A colourway: a design recoloured. The colourway's certificate is rendered from its design's model,
 * seed, params and print spec, then every colour is moved by `map` in OKLab (motif-recolour/1 in the
 * generator: a pixel at a `from` colour becomes its `to` colour, pixels between blend, pixels far
 * from every `from` stay). Part of the colourway's lineage (`renderParamsHash` covers it), so a
 * re-render reproduces its bytes; `design` names the design's certificate (its token id in hex).
 */
export type ColourwaySpec = { design: Hex; map: ColourwayPair[] };
/** One colour of the design (`from`, `#rrggbb`) and what it becomes (`to`). */
export type ColourwayPair = { from: string; to: string };

/** The pairs a colourway may map: 1 to 16, each `from` once. */
export const COLOURWAY_LIMITS = { pairs: { min: 1, max: 16 } } as const;

export type ColourwaySpecErrorType = ColourwaySpecError & { name: "ColourwaySpecError" };

/** A colourway spec that is not allowed: `field` is its path (`colourway.map[1].to`); the message says what is expected. */
export class ColourwaySpecError extends SpecFieldError {
  override name = "ColourwaySpecError" as const;
}

const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/;
const TOKEN_ID = /^0x[0-9a-fA-F]{64}$/;
const show = (v: unknown) => (typeof v === "string" ? JSON.stringify(v) : v === undefined ? "missing" : JSON.stringify(v) ?? String(v));

/**
 * The checked colourway spec in its canonical form (colours and id in lower case, pairs ordered by
 * their from colour), or a
 * `ColourwaySpecError` naming the field and what it allows.
 *
 * @example
 * import { checkColourwaySpec } from "@motif/sdk";
 * const spec = checkColourwaySpec({ design: `0x${"ab".repeat(32)}`, map: [{ from: "#2D3047", to: "#1e5631" }] });
 * console.log(spec.map[0]!.from); // "#2d3047"
 * try {
 *   checkColourwaySpec({ design: `0x${"ab".repeat(32)}`, map: [{ from: "#2d3047", to: "green" }] });
 * } catch (error) {
 *   console.log((error as Error).message.split("\n")[0]); // "colourway.map[0].to: …green… is not a colour; expected #rrggbb"
 * }
 */
export function checkColourwaySpec(value: unknown, path = "colourway"): ColourwaySpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ColourwaySpecError(path, `expected an object with design and map, got ${show(value)}`);
  const v = value as Record<string, unknown>;
  const extra = Object.keys(v).find((k) => k !== "design" && k !== "map");
  if (extra !== undefined) throw new ColourwaySpecError(`${path}.${extra}`, "not a colourway field (design, map)");
  if (typeof v.design !== "string" || !TOKEN_ID.test(v.design) || /^0x0+$/.test(v.design)) {
    throw new ColourwaySpecError(`${path}.design`, `${show(v.design)} is not a certificate id; expected 0x and 64 hex digits, not all zero`);
  }
  const { min, max } = COLOURWAY_LIMITS.pairs;
  if (!Array.isArray(v.map) || v.map.length < min || v.map.length > max) {
    throw new ColourwaySpecError(`${path}.map`, `expected ${min} to ${max} pairs { from, to }, got ${Array.isArray(v.map) ? `${v.map.length}` : show(v.map)}`);
  }
  const seen = new Map<string, number>();
  const map = v.map.map((pair: unknown, i): ColourwayPair => {
    const at = `${path}.map[${i}]`;
    if (typeof pair !== "object" || pair === null || Array.isArray(pair)) throw new ColourwaySpecError(at, `expected { from, to }, got ${show(pair)}`);
    const p = pair as Record<string, unknown>;
    const other = Object.keys(p).find((k) => k !== "from" && k !== "to");
    if (other !== undefined) throw new ColourwaySpecError(`${at}.${other}`, "not a pair field (from, to)");
    const colour = (k: "from" | "to") => {
      const c = p[k];
      if (typeof c !== "string" || !HEX_COLOUR.test(c)) throw new ColourwaySpecError(`${at}.${k}`, `${show(c)} is not a colour; expected #rrggbb`);
      return c.toLowerCase();
    };
    const [from, to] = [colour("from"), colour("to")];
    if (from === to) throw new ColourwaySpecError(`${at}.to`, `${to} is its from colour: a pair must change a colour`);
    const earlier = seen.get(from);
    if (earlier !== undefined) throw new ColourwaySpecError(`${at}.from`, `${from} is already mapped by ${path}.map[${earlier}]`);
    seen.set(from, i);
    return { from, to };
  });
  // canonical: the pairs ordered by their from colour (the map is a set: its order changes no pixel)
  return { design: v.design.toLowerCase() as Hex, map: map.sort((a, b) => (a.from < b.from ? -1 : 1)) };
}

/**
 * A colour map as typed on a command line, `#2d3047:#1e5631,#f4e9d8:#f7d6d0`, as pairs (unchecked:
 * give them to `checkColourwaySpec`); a `ColourwaySpecError` on `path` when a pair is not `from:to`.
 */
export function parseColourwayMap(text: string, path = "colourway.map"): ColourwayPair[] {
  return text.split(",").map((part, i) => {
    const pieces = part.trim().split(":");
    if (pieces.length !== 2) throw new ColourwaySpecError(`${path}[${i}]`, `${JSON.stringify(part.trim())} is not from:to (e.g. #2d3047:#1e5631)`);
    return { from: pieces[0]!.trim(), to: pieces[1]!.trim() };
  });
}

/** A colourway in words: "colourway of 0xab…cd: #2d3047 → #1e5631, #f4e9d8 → #f7d6d0". */
export function describeColourway(spec: ColourwaySpec): string {
  return `colourway of ${spec.design}: ${spec.map.map((p) => `${p.from} → ${p.to}`).join(", ")}`;
}
