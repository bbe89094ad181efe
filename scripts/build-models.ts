/**
 * Writes the shipped brand models to generator/models/<name>.onnx and their manifest
 * (generator/models/models.json: name, version, file, sha-256 = the on-chain weights digest).
 * Rebuilding is byte-identical; `npm test` checks the committed files against a fresh build.
 *   npm run models
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { BRANDS } from "../generator/src/model/brands.js";
import { buildCppnModel } from "../generator/src/model/cppn.js";

const dir = path.join(process.cwd(), "generator", "models");
await mkdir(dir, { recursive: true });
const manifest = [];
for (const brand of BRANDS) {
  const bytes = buildCppnModel(brand);
  const file = `${brand.name}.onnx`;
  await writeFile(path.join(dir, file), bytes);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  manifest.push({ name: brand.name, version: brand.version, file, sha256: `0x${sha256}`, bytes: bytes.length });
  console.log(`${file}  ${bytes.length} bytes  sha-256 ${sha256}`);
}
await writeFile(path.join(dir, "models.json"), JSON.stringify(manifest, null, 2) + "\n");
