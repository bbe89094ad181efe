/**
 * Generator benchmarks (part of `npm run bench`): PDQ hashing and near-duplicate screening.
 * Wall-clock medians on this machine; merged into `bench/results.json`.
 */
import sharp from "sharp";

import { decodeImage, lumaOf, pdqFromLuma, pdqHashImage, resizeForPdq, type RawImage } from "../generator/src/pdq/index.js";
import { PdqIndex } from "../generator/src/screen/pdq-index.js";
import { BenchReport } from "./lib/report.js";

const report = new BenchReport("Motif generator benchmarks (wall clock, medians)");

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(runs: number, fn: () => unknown): Promise<number> {
  await fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    samples.push(performance.now() - t);
  }
  return Math.round(median(samples) * 1000) / 1000;
}

/** A smooth, textured test image (not flat, so the hash has work to do). */
function testImage(size: number): RawImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const o = (y * size + x) * 3;
      data[o] = (128 + 127 * Math.sin(x / 17) * Math.cos(y / 23)) | 0;
      data[o + 1] = (x * 255) / size;
      data[o + 2] = (y * 255) / size;
    }
  }
  return { data, width: size, height: size, channels: 3 };
}

// PDQ
for (const size of [512, 1024]) {
  const image = testImage(size);
  const png = await sharp(Buffer.from(image.data), { raw: { width: size, height: size, channels: 3 } }).png().toBuffer();
  await decodeImage(png); // warm up the decoder
  const hashOnly = await time(20, () => {
    const r = resizeForPdq(image);
    return pdqFromLuma(lumaOf(r), r.height, r.width);
  });
  report.record(`pdq.ms.${size}`, hashOnly, `PDQ of a ${size}² RGB image, reference policy, decode excluded`);
  report.record(`pdq.ms.${size}.withDecode`, await time(20, () => pdqHashImage(png)), `the same from PNG bytes, decode included`);
  if (size > 512) {
    report.record(
      `pdq.ms.${size}.fullres`,
      await time(10, () => pdqFromLuma(lumaOf(image), size, size)),
      `PDQ of every pixel of a ${size}² image, decode excluded`,
    );
  }
}

// Screening
let seed = 12345;
const nextWord = () => {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>>= 0);
};
const randomHash = () => Array.from({ length: 8 }, () => nextWord().toString(16).padStart(8, "0")).join("");
for (const n of [10_000, 100_000, 1_000_000]) {
  const entries = Array.from({ length: n }, (_, i) => ({ hash: randomHash(), label: String(i) }));
  const t = performance.now();
  const index = PdqIndex.build(entries);
  const build = performance.now() - t;
  const queries = Array.from({ length: 1000 }, randomHash);
  let q = 0;
  const perQuery = await time(1000, () => index.query(queries[q++ % queries.length]!));
  const label = n >= 1_000_000 ? `${n / 1_000_000}M` : `${n / 1000}k`;
  report.record(`screen.ms.query.${label}`, perQuery, `exact query at distance 31 over ${label} random hashes`, n === 1_000_000 ? 0.5 : undefined);
  report.record(`screen.ms.build.${label}`, Math.round(build), `index build over ${label} hashes`, n === 1_000_000 ? 5000 : undefined);
}

await report.write();
