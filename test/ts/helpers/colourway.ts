import sharp from "sharp";

const hex = (r: number, g: number, b: number) => `#${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;

/**
 * A colourway spec of `design`: the render's two commonest colours moved a little (red +`by`, blue
 * −`by`; 24 unless given): the same design to screening, a new certificate. Counted here from the
 * PNG's own pixels.
 */
export async function recolourOf(png: Uint8Array, design: `0x${string}`, by = 24) {
  const rgb = new Uint8Array((await sharp(png).raw().toBuffer({ resolveWithObject: true })).data);
  const counts = new Map<string, number>();
  for (let i = 0; i < rgb.length; i += 3) {
    const c = hex(rgb[i]!, rgb[i + 1]!, rgb[i + 2]!);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, 2).map(([c]) => c);
  const shift = (c: string) => hex(Math.min(255, Number.parseInt(c.slice(1, 3), 16) + by), Number.parseInt(c.slice(3, 5), 16), Math.max(0, Number.parseInt(c.slice(5, 7), 16) - by));
  return { design, map: top.map((c) => ({ from: c, to: shift(c) })) };
}
