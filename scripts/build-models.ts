/**
 * Writes the shipped brand models to generator/models/<name>.onnx, their model cards
 * (<name>.card.json, canonical JSON: the bytes whose sha-256 is registered as `cardDigest`) and their manifest
 * (generator/models/models.json: name, version, file, sha-256 = the on-chain weights digest, and the
 * params each model takes: name, type, range, default — the one declaration the CLI flags, the API
 * schema, the web form, recipe validation and the canonical params are derived from).
 * Rebuilding is byte-identical; `npm test` checks the committed files against a fresh build.
 *   npm run models
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

import { BRANDS } from "../generator/src/model/brands.js";
import { brandModelCard, buildCppnModel } from "../generator/src/model/cppn.js";
import { addModel } from "../generator/src/model/manifest.js";

const dir = path.join(process.cwd(), "generator", "models");
await mkdir(dir, { recursive: true });
await writeFile(path.join(dir, "models.json"), "[]\n");
for (const brand of BRANDS) {
  const bytes = buildCppnModel(brand);
  const entry = await addModel(dir, brandModelCard(brand, bytes), bytes);
  console.log(`${entry.file}  ${bytes.length} bytes  sha-256 ${entry.sha256.slice(2)}  card ${entry.cardDigest.slice(2)}`);
}
