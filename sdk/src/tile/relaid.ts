/**
 * Re-laid copies of a tile (docs/design/screening-repeats.md): the tiles a copier gets by laying a
 * certified tile out as a half-drop, a brick or a mirror repeat and cutting a tile out of that layout
 * are not circular shifts of it, so the tile hash (which forgives any tile origin) does not see them.
 * This module finds, in one period of a candidate (a torus of samples of the structure plane), the
 * tiles such a copy was cut from, so that screening can hash those too:
 *
 * - **Half-drop** (brick: the same, rows for columns). A tile-sized window of a half-drop layout is a
 *   block tile whose columns from some c on are dropped by half its height: at c (and at its edge)
 *   it is continuous only when one side is moved by half the height (a *junction*). Two junctions:
 *   rolling the columns between them by half the height gives the block tile back. One junction
 *   (the window's own edge: a tile rendered for half-drop, seamless under that repeat): where the
 *   renderer cut it is not in the pixels, so the windows cut every 1/`cuts` of the width are tried.
 *   A block tile of the half-drop layout (two tiles wide, the second dropped) is recognised by that
 *   self-similarity and halved first.
 * - **Mirror**. A cell of a mirror repeat (the tile and its reflections) is, as a torus, symmetric
 *   under x ↦ s − x for some s: its axes s/2 and s/2 + w/2 are half the width apart. The half
 *   between them (the quarter, when rows are mirrored too) is the tile, up to a mirror.
 *
 * Pure geometry on Float64Arrays (row-major, w × h, read with wrap-around): every test compares a
 * mean absolute difference with another mean of the same torus, so none depends on the pattern's
 * contrast.
 */

/** A torus of samples: w × h, row-major. */
export type Torus = { data: Float64Array; w: number; h: number };

/** A tile a re-laid copy may have been cut from, and how, in words. */
export type RelaidTile = Torus & { how: string };

/** Tuning, measured on renders of the shipped models (docs/design/screening-repeats.md). */
export const RELAID = {
  /**
   * A junction: the jump across, less the step across once one side is dropped by half, at least
   * `junctionStep` × the mean column step (renders of the shipped models: 0.18 at most; junctions
   * mostly over 1)...
   */
  junctionStep: 0.5,
  /** ...and the dropped step at most `junctionRatio` × the jump (renders: 0.94 at least; junctions mostly under 0.3). */
  junctionRatio: 0.7,
  /** Two junctions are the two edges of the dropped columns when the weaker is at least `pairStrength` × the stronger (pairs measured: within 1/3.3). */
  pairStrength: 0.25,
  /** Windows tried when the tile's own edge is its only junction. */
  cuts: 16,
  /** A block tile of a half-drop layout: the (w/2, h/2) step under `selfSimilar` × the (w/2, 0) and (0, h/2) steps. */
  selfSimilar: 0.35,
  /** A mirror cell: its best reflection's mean difference under `mirror` × the median reflection's. */
  mirror: 0.3,
} as const;

/** The thresholds of the tests (RELAID's, or GATE's). */
type Tuning = { readonly junctionStep: number; readonly junctionRatio: number; readonly selfSimilar: number; readonly mirror: number };

/**
 * Looser thresholds, for `mayBeRelaid` on the period sampled at half the resolution (a mirror at a
 * quarter): a render that shows no sign under them (6 in 7 renders of the shipped models) skips the
 * analysis at full resolution.
 */
export const GATE: Tuning = { junctionStep: 0.15, junctionRatio: 0.9, selfSimilar: 0.55, mirror: 0.45 };

/** `i` wrapped into 0..n − 1. */
const wrapped = (i: number, n: number) => ((i % n) + n) % n;

/** The torus transposed (rows become columns): brick is half-drop of the transpose. */
export function transpose(t: Torus): Torus {
  const out = new Float64Array(t.w * t.h);
  for (let y = 0; y < t.h; y++) for (let x = 0; x < t.w; x++) out[x * t.h + y] = t.data[y * t.w + x]!;
  return { data: out, w: t.h, h: t.w };
}

/** Columns x0 .. x0 + w − 1 and rows y0 .. y0 + h − 1 of `t` (wrapped). */
function cut(t: Torus, x0: number, y0: number, w: number, h: number): Torus {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const o = wrapped(y0 + y, t.h) * t.w;
    for (let x = 0; x < w; x++) out[y * w + x] = t.data[o + wrapped(x0 + x, t.w)]!;
  }
  return { data: out, w, h };
}

/** Columns in the cyclic range [from, to) moved down by `by` rows (wrapped). */
function rollColumns(t: Torus, from: number, to: number, by: number): Torus {
  const out = new Float64Array(t.data);
  const span = wrapped(to - from, t.w);
  for (let k = 0; k < span; k++) {
    const x = (from + k) % t.w;
    for (let y = 0; y < t.h; y++) out[y * t.w + x] = t.data[wrapped(y - by, t.h) * t.w + x]!;
  }
  return { data: out, w: t.w, h: t.h };
}

/** Mean |t(x + dx, y + dy) − t(x, y)| over the torus. */
function meanStep(t: Torus, dx: number, dy: number): number {
  let s = 0;
  for (let y = 0; y < t.h; y++) {
    const o = y * t.w;
    const o2 = wrapped(y + dy, t.h) * t.w;
    for (let x = 0; x < t.w; x++) s += Math.abs(t.data[o2 + wrapped(x + dx, t.w)]! - t.data[o + x]!);
  }
  return s / (t.w * t.h);
}

function median(xs: Float64Array): number {
  const s = Float64Array.from(xs).sort();
  return s.length === 0 ? 0 : (s[(s.length - 1) >> 1]! + s[s.length >> 1]!) / 2;
}

/**
 * The half-drop junctions of `t`: columns c where column c − 1 continues into column c moved by half
 * the height, and not into column c as it is (`junctionStep`, `junctionRatio`), strongest first, one
 * per run of neighbouring columns.
 */
export function junctions(t: Torus, tuning: Tuning = RELAID): Array<{ at: number; strength: number }> {
  const { w, h, data } = t;
  const half = h >> 1;
  const plain = new Float64Array(w);
  const dropped = new Float64Array(w);
  for (let y = 0; y < h; y++) {
    const o = y * w;
    const od = ((y + half) % h) * w;
    for (let c = 0; c < w; c++) {
      const left = data[o + (c === 0 ? w - 1 : c - 1)]!;
      plain[c]! += Math.abs(data[o + c]! - left);
      dropped[c]! += Math.abs(data[od + c]! - left);
    }
  }
  let mean = 0;
  for (let c = 0; c < w; c++) mean += plain[c]!;
  mean /= w;
  if (mean === 0) return [];
  const strength = (c: number) => (dropped[c]! <= tuning.junctionRatio * plain[c]! ? (plain[c]! - dropped[c]!) / mean : 0);
  const found: Array<{ at: number; strength: number }> = [];
  for (let c = 0; c < w; c++) {
    if (!(strength(c) >= tuning.junctionStep)) continue;
    // the strongest of its neighbours within two columns
    let best = true;
    for (let k = -2; k <= 2 && best; k++) if (k !== 0 && strength(wrapped(c + k, w)) > strength(c)) best = false;
    if (best) found.push({ at: c, strength: strength(c) });
  }
  return found.sort((x, y) => y.strength - x.strength || x.at - y.at);
}

/**
 * Whether `t`, one period `aspect` times as wide as it is high (in pixels), is a block tile of a
 * half-drop layout: t(x + w/2, y + h/2) ≈ t(x, y), unlike t(x + w/2, y). A brick layout's block tile
 * has that symmetry too (the lattices are the same, cut the other way): its half is the tile when the
 * period is wide (two square tiles side by side), a brick's when it is tall.
 */
function halfDropCell(t: Torus, aspect: number, tuning: Tuning = RELAID): boolean {
  if (t.w < 16 || t.h < 16 || aspect < Math.SQRT2) return false;
  const same = meanStep(t, t.w >> 1, t.h >> 1);
  const plain = Math.min(meanStep(t, t.w >> 1, 0), meanStep(t, 0, t.h >> 1));
  return same < tuning.selfSimilar * plain;
}

/** The block tiles a half-drop copy `t` (one period, `aspect` = width / height in pixels) may have been cut from; empty without a sign of one. */
export function halfDropTiles(t: Torus, aspect: number, words = "half-drop"): RelaidTile[] {
  let src = t;
  let cell = false;
  if (halfDropCell(t, aspect)) {
    src = cut(t, 0, 0, t.w >> 1, t.h);
    cell = true;
  }
  const j = junctions(src);
  const half = src.h >> 1;
  const wide = cell ? " (two tiles wide)" : "";
  // two junctions of like strength: the columns between them were dropped (a weak second one may be
  // the pattern's own: then, as with one, the windows are tried)
  if (j.length >= 2 && j[1]!.strength >= RELAID.pairStrength * j[0]!.strength) {
    const [a, b] = [Math.min(j[0]!.at, j[1]!.at), Math.max(j[0]!.at, j[1]!.at)];
    return [{ ...rollColumns(src, a, b, half), how: `a tile cut out of its ${words} layout${wide}` }];
  }
  if (j.length >= 1) {
    const out: RelaidTile[] = [];
    const from = j[0]!.at;
    for (let k = 1; k < RELAID.cuts; k++) {
      const c = from + Math.round((k * src.w) / RELAID.cuts);
      out.push({ ...rollColumns(src, from, c, half), how: `another tile of its ${words} layout${wide}, cut ${k}/${RELAID.cuts} of a tile along` });
    }
    return out;
  }
  return cell ? [{ ...src, how: `one tile of its ${words} layout${wide}` }] : [];
}

/**
 * How many times `t` repeats across its width (1..8): the largest k for which it is periodic with
 * w / k (on at most 128 × 64 samples, every other row: the mean step at w / k under a quarter of the mean step
 * at w / 2k, its half period), so that a tile with a period of its own is hashed as one period, as the
 * tile hash reads it.
 */
export function repeatsAcross(full: Torus): number {
  // on at most 128 × 64 samples: a period of a few samples in a tile of 64 is no render's
  let t = full;
  while (t.w > 128) t = halve(t, "x");
  while (t.h > 64) t = halve(t, "y");
  // the mean step at a fractional shift (linear between the two columns it falls between)
  const step = (shift: number) => {
    const whole = Math.floor(shift);
    const f = shift - whole;
    let s = 0;
    let n = 0;
    for (let y = 0; y < t.h; y += 2) {
      const o = y * t.w;
      for (let x = 0; x < t.w; x++, n++) {
        const a = t.data[o + ((x + whole) % t.w)]!;
        const b = t.data[o + ((x + whole + 1) % t.w)]!;
        s += Math.abs(a + f * (b - a) - t.data[o + x]!);
      }
    }
    return s / n;
  };
  for (let k = 8; k >= 2; k--) {
    if (t.w / k < 8) continue;
    if (step(t.w / k) < 0.25 * step(t.w / (2 * k))) return k;
  }
  return 1;
}

/** Mean |t(x, y) − t(s − x, y)| (x ↦ s − x wrapped) over every `xStep`-th column of every `yStep`-th row. */
function reflectionStep(t: Torus, s: number, xStep: number, yStep: number): number {
  const { w, h, data } = t;
  let sum = 0;
  let n = 0;
  for (let y = 0; y < h; y += yStep) {
    const o = y * w;
    // s − x for x ≤ s, s − x + w after: no modulo in the loop
    let x = 0;
    for (; x <= s; x += xStep, n++) sum += Math.abs(data[o + x]! - data[o + s - x]!);
    for (; x < w; x += xStep, n++) sum += Math.abs(data[o + x]! - data[o + s - x + w]!);
  }
  return sum / n;
}

/** Mean |t(x, y) − t(s − x, y)| over every sample, for a fractional s (t between samples read linearly). */
function reflectionStepAt(t: Torus, s: number): number {
  const { w, h, data } = t;
  const whole = Math.floor(s);
  const f = s - whole;
  let sum = 0;
  for (let y = 0; y < h; y++) {
    const o = y * w;
    for (let x = 0; x < w; x++) {
      const a = data[o + wrapped(whole - x, w)]!;
      const b = data[o + wrapped(whole - x + 1, w)]!;
      sum += Math.abs(data[o + x]! - (a + f * (b - a)));
    }
  }
  return sum / (w * h);
}

/**
 * The s (0 ≤ s < w, in quarter samples) whose reflection x ↦ s − x (wrapped) maps `t` onto itself
 * best, when it does so far better than the median s (`mirror`); undefined otherwise. Every whole s
 * is scanned on every other column of about 16 rows; the best three are scored again on every
 * sample, a quarter and a half sample either side too (the axes of a layout resampled seldom fall
 * on a sample or between two: a crisp pattern reflected half a sample off differs at every edge).
 */
function mirrorAxis(t: Torus, tuning: Tuning = RELAID): number | undefined {
  if (t.w < 16) return undefined;
  const yStep = Math.max(1, Math.floor(t.h / 16));
  const score = new Float64Array(t.w);
  for (let s = 0; s < t.w; s++) score[s] = reflectionStep(t, s, 2, yStep);
  const order = Array.from({ length: t.w }, (_, s) => s).sort((a, b) => score[a]! - score[b]! || a - b);
  let best = order[0]!;
  let bestScore = Infinity;
  // (the gate's looser test takes the coarse scan's best as it is)
  for (const s of order.slice(0, tuning === GATE ? 1 : 3)) {
    for (const d of tuning === GATE ? [0] : [0, -0.25, 0.25, -0.5, 0.5]) {
      const v = d === 0 ? reflectionStep(t, s, 1, 1) : reflectionStepAt(t, s + d);
      if (v < bestScore) [best, bestScore] = [wrapped(s + d, t.w), v];
    }
  }
  return bestScore < tuning.mirror * median(score) ? best : undefined;
}

/**
 * The tile a mirror-repeat copy `t` may have been cut from: between two axes (of columns, rows or
 * both); undefined without one. `transposed`: `t` transposed, when the caller has it already.
 */
export function mirrorTile(t: Torus, transposed = transpose(t)): RelaidTile | undefined {
  const sx = mirrorAxis(t);
  const sy = mirrorAxis(transposed);
  if (sx === undefined && sy === undefined) return undefined;
  // the axes are s/2 and s/2 + w/2: the tile starts at the first sample past s/2
  const x0 = sx === undefined ? 0 : Math.floor(sx / 2) + 1;
  const y0 = sy === undefined ? 0 : Math.floor(sy / 2) + 1;
  const w = sx === undefined ? t.w : t.w >> 1;
  const h = sy === undefined ? t.h : t.h >> 1;
  const how = sx !== undefined && sy !== undefined ? "mirror repeat (the tile and its reflections)" : `mirror repeat ${sx !== undefined ? "left-right" : "top-bottom"} (the tile and its reflection)`;
  return { ...cut(t, x0, y0, w, h), how: `one tile of its ${how}` };
}

/** `t` averaged over 2 × 1 cells (`axis` "x": half the width) or 1 × 2 (half the height). */
export function halve(t: Torus, axis: "x" | "y"): Torus {
  const [w, h] = axis === "x" ? [t.w >> 1, t.h] : [t.w, t.h >> 1];
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      out[y * w + x] = axis === "x" ? (t.data[y * t.w + 2 * x]! + t.data[y * t.w + 2 * x + 1]!) / 2 : (t.data[2 * y * t.w + x]! + t.data[(2 * y + 1) * t.w + x]!) / 2;
    }
  }
  return { data: out, w, h };
}

/** Which re-layings a look at a period shows a sign of (`mayBeRelaid`): the analyses worth running at full resolution. */
export type RelaidSigns = { mirror: boolean; halfDrop: boolean; brick: boolean };

/**
 * The signs of a re-laid copy `t` (a coarse sampling of one period, `aspect` = its width / height in
 * pixels) shows under the looser GATE thresholds: a mirror axis; a junction of columns or the
 * self-similarity of a half-drop block tile; the same of rows for brick.
 */
export function mayBeRelaid(t: Torus, aspect: number): RelaidSigns {
  const transposed = transpose(t);
  return {
    mirror: mayBeMirror(t),
    halfDrop: junctions(t, GATE).length > 0 || halfDropCell(t, aspect, GATE),
    brick: junctions(transposed, GATE).length > 0 || halfDropCell(transposed, 1 / aspect, GATE),
  };
}

/** Whether `t` may be a mirror cell (GATE), looked at on at most 64 samples a side: an axis is a property of the whole torus, seen at any resolution. */
export function mayBeMirror(t: Torus): boolean {
  let small = t;
  while (small.w > 64) small = halve(small, "x");
  while (small.h > 64) small = halve(small, "y");
  return mirrorAxis(small, GATE) !== undefined || mirrorAxis(transpose(small), GATE) !== undefined;
}

/**
 * Every tile a re-laid copy `t` (one period, `aspect` = its width / height in pixels) may have been
 * cut from, with how in words: of a mirror, a half-drop and a brick layout, each looked for where
 * `signs` saw one.
 */
export function relaidTiles(t: Torus, aspect: number, signs: RelaidSigns = { mirror: true, halfDrop: true, brick: true }): RelaidTile[] {
  const transposed = transpose(t);
  const out: RelaidTile[] = [];
  const m = signs.mirror ? mirrorTile(t, transposed) : undefined;
  if (m !== undefined) out.push(m);
  if (signs.halfDrop) out.push(...halfDropTiles(t, aspect));
  if (signs.brick) out.push(...halfDropTiles(transposed, 1 / aspect, "brick").map((r) => ({ ...transpose(r), how: r.how })));
  return out;
}
