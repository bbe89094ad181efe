/**
 * An oracle of seams under a repeat, independent of the renderer: it lays a decoded tile out by the
 * repeat's own definition (half-drop: the column to the right dropped by ⌊height / 2⌋ px; brick: the
 * row below shifted by ⌊width / 2⌋ px; mirror: the neighbours reflected) and compares the second
 * differences across each seam with those inside the tile. A sampled smooth pattern has second
 * differences of the same size everywhere; a seam (a jump, a misaligned neighbour, a crease where a
 * sloped edge meets its reflection) makes those across it first-order large.
 */
export type Tile = { data: Uint8Array; width: number; height: number; channels: number };
export type Repeat = "block" | "half-drop" | "brick" | "mirror";

const mod = (a: number, n: number) => ((a % n) + n) % n;

/** Mean |second difference| (levels, all channels) across the vertical and horizontal seams of `tile` laid out as `repeat`, and inside it. */
export function seamScores(tile: Tile, repeat: Repeat): { right: number; down: number; insideX: number; insideY: number } {
  const { data, width: W, height: H, channels: C } = tile;
  const at = (x: number, y: number, c: number) => data[(y * W + x) * C + c]!;
  const drop = Math.floor(H / 2);
  const shift = Math.floor(W / 2);
  // the plane just right of the tile (column W + k, k ≥ 0) and just below it (row H + k)
  const rightOf = (k: number, y: number, c: number) =>
    repeat === "half-drop" ? at(k, mod(y - drop, H), c) : repeat === "mirror" ? at(W - 1 - k, y, c) : at(k, y, c);
  const below = (x: number, k: number, c: number) =>
    repeat === "brick" ? at(mod(x - shift, W), k, c) : repeat === "mirror" ? at(x, H - 1 - k, c) : at(x, k, c);
  let right = 0;
  for (let y = 0; y < H; y++) {
    for (let c = 0; c < 3; c++) {
      const a = at(W - 2, y, c), b = at(W - 1, y, c), d = rightOf(0, y, c), e = rightOf(1, y, c);
      right += Math.abs(a - 2 * b + d) + Math.abs(b - 2 * d + e);
    }
  }
  let down = 0;
  for (let x = 0; x < W; x++) {
    for (let c = 0; c < 3; c++) {
      const a = at(x, H - 2, c), b = at(x, H - 1, c), d = below(x, 0, c), e = below(x, 1, c);
      down += Math.abs(a - 2 * b + d) + Math.abs(b - 2 * d + e);
    }
  }
  // inside: the same second differences centred on 64 columns (rows) spread across the tile
  let insideX = 0;
  let insideY = 0;
  let nx = 0;
  let ny = 0;
  for (let i = 1; i <= 64; i++) {
    const cx = Math.min(W - 2, Math.max(1, Math.round((i * W) / 65)));
    const cy = Math.min(H - 2, Math.max(1, Math.round((i * H) / 65)));
    for (let y = 0; y < H; y++) for (let c = 0; c < 3; c++) (insideX += Math.abs(at(cx - 1, y, c) - 2 * at(cx, y, c) + at(cx + 1, y, c))), nx++;
    for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) (insideY += Math.abs(at(x, cy - 1, c) - 2 * at(x, cy, c) + at(x, cy + 1, c))), ny++;
  }
  return { right: right / (2 * H * 3), down: down / (2 * W * 3), insideX: insideX / nx, insideY: insideY / ny };
}

/** Whether a seam is no rougher than the inside: at most 1.5 × the inside's mean second difference, plus half a level. */
export const seamless = (seam: number, inside: number) => seam <= 1.5 * inside + 0.5;
