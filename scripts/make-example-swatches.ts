/**
 * Writes the example swatches (generator/examples/swatches/<style>/NN.png) that `exampleSwatch`
 * makes: `npm run swatches`. The committed files are these bytes (generator/test/examples.test.ts).
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";

import { EXAMPLE_SET, EXAMPLE_STYLES, exampleFileName, exampleSwatch, swatchPng } from "../generator/src/train/examples.js";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "generator", "examples", "swatches");
for (const style of EXAMPLE_STYLES) {
  await mkdir(path.join(root, style), { recursive: true });
  for (let i = 0; i < EXAMPLE_SET.count; i++) await writeFile(path.join(root, style, exampleFileName(i)), await swatchPng(exampleSwatch(style, i)));
}
console.log(`wrote ${EXAMPLE_STYLES.length} × ${EXAMPLE_SET.count} swatches of ${EXAMPLE_SET.side} px under ${path.relative(process.cwd(), root)}`);
