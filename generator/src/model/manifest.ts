import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { Hex } from "viem";

import { type ModelCard, type ModelIoContract, type ModelParamDeclaration, MetadataError, encodeModelCard, parseModelCard } from "@motif/sdk";
import { checkModel } from "./check.js";

/**
 * A model's record in a models folder's `models.json`: its name and version, its ONNX file, that
 * file's sha-256 (the on-chain weights digest) and size, and its model card (`card`: the file beside
 * it, canonical JSON; `cardDigest`: its sha-256, registered on chain).
 */
export type ModelManifestRecord = { name: string; version: string; file: string; sha256: Hex; bytes: number; card: string; cardDigest: Hex };

/**
 * A model as the generator uses it: its record, and what its card declares — the I/O contract, the
 * latent's length, its params (the one declaration the CLI flags, the API schema, the web form,
 * recipe validation and the canonical params derive from) and its behaviour.
 */
export type ModelManifestEntry = ModelManifestRecord & {
  io: ModelIoContract;
  latent: number;
  params: ModelParamDeclaration[];
  behaviour: ModelCard["behaviour"];
};

const HEX32 = /^0x[0-9a-fA-F]{64}$/;
const sha256Hex = (bytes: Uint8Array): Hex => `0x${createHash("sha256").update(bytes).digest("hex")}`;

/** The entry of a record and its card (the card must be the record's: same name, version and weights). */
/** Model names that are safe file names: a letter or digit, then letters, digits, `.`, `_` or `-` (no `..`). */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function manifestEntry(record: ModelManifestRecord, card: ModelCard): ModelManifestEntry {
  if (card.name !== record.name || card.version !== record.version) throw new Error(`model ${record.name}: its card names "${card.name} ${card.version}", the manifest "${record.name} ${record.version}"`);
  if (card.weights.digest.toLowerCase() !== record.sha256.toLowerCase()) throw new Error(`model ${record.name}: its card's weights digest is ${card.weights.digest}, the manifest says ${record.sha256}`);
  return { ...record, io: card.io, latent: card.latent, params: card.params, behaviour: card.behaviour };
}

/**
 * The models of a folder: `models.json` and each model's card, read and checked (the card's bytes
 * against `cardDigest`, the card's schema, name, version and weights digest against the record).
 * Synchronous: the CLI's help text reads it at load. An error names the file and the model.
 */
export function loadManifestSync(dir: string): ModelManifestEntry[] {
  // every render loads its folder: the files are read and hashed again only when one of them changed
  const cached = checkedFolders.get(dir);
  if (cached !== undefined && cached.signature === folderSignature(dir, cached.entries)) return cached.entries;
  const entries = readChecked(dir);
  checkedFolders.set(dir, { signature: folderSignature(dir, entries), entries });
  return entries;
}

const checkedFolders = new Map<string, { signature: string; entries: ModelManifestEntry[] }>();

/** Size and modification time of models.json and of each model's card and weights. */
function folderSignature(dir: string, entries: readonly ModelManifestEntry[]): string {
  const stat = (f: string) => {
    const s = statSync(path.join(dir, f), { throwIfNoEntry: false });
    return s === undefined ? "-" : `${s.size}@${s.mtimeMs}`;
  };
  return [stat("models.json"), ...entries.flatMap((e) => [stat(e.card), stat(e.file)])].join(",");
}

function readChecked(dir: string): ModelManifestEntry[] {
  const file = path.join(dir, "models.json");
  const records = JSON.parse(readFileSync(file, "utf8")) as ModelManifestRecord[];
  if (!Array.isArray(records)) throw new Error(`${file}: expected an array of models`);
  return records.map((r) => {
    const where = `${file}: model ${r?.name}`;
    if (typeof r.card !== "string" || r.card === "" || typeof r.cardDigest !== "string" || !HEX32.test(r.cardDigest)) {
      throw new Error(`${where}: "card" (its model card's file name) and "cardDigest" (the card's sha-256, 0x and 64 hex digits) are required; docs/model-io.md describes the card`);
    }
    for (const f of [r.card, r.file]) if (path.basename(f) !== f || f.startsWith(".")) throw new Error(`${where}: "${f}" is not a file name inside the folder`);
    const bytes = readFileSync(path.join(dir, r.card));
    const digest = sha256Hex(bytes);
    if (digest !== r.cardDigest.toLowerCase()) throw new Error(`${where}: ${r.card} has sha-256 ${digest}, the manifest says ${r.cardDigest}`);
    // the weights too: a file swapped under the record is refused here, not at its first render
    const weights = readFileSync(path.join(dir, r.file));
    const weightsDigest = sha256Hex(weights);
    if (weightsDigest !== String(r.sha256).toLowerCase() || weights.length !== r.bytes) throw new Error(`${where}: ${r.file} has sha-256 ${weightsDigest} (${weights.length} bytes), the manifest says ${r.sha256} (${r.bytes} bytes)`);
    try {
      return manifestEntry(r, parseModelCard(bytes));
    } catch (error) {
      if (error instanceof MetadataError) throw new Error(`${where}: ${r.card}: ${error.shortMessage}`);
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  });
}

/** The record of `weights` under `card`, as `addModel` writes it (files `<name>.onnx`, `<name>.card.json`). */
export function manifestRecord(card: ModelCard, weights: Uint8Array): ModelManifestRecord {
  const parsed = parseModelCard(card);
  return { name: parsed.name, version: parsed.version, file: `${parsed.name}.onnx`, sha256: sha256Hex(weights), bytes: weights.length, card: `${parsed.name}.card.json`, cardDigest: sha256Hex(encodeModelCard(parsed)) };
}

/**
 * Adds a model to a models folder (or replaces the one of that name) once it passes `checkModel`
 * against its card (a `ModelCheckError` says why not): writes its ONNX file and its card (canonical
 * bytes) and its record in `models.json`, which is created when missing. Returns the entry.
 */
export async function addModel(dir: string, card: ModelCard, weights: Uint8Array): Promise<ModelManifestEntry> {
  await checkModel(card, weights);
  const name = parseModelCard(card).name;
  if (!SAFE_NAME.test(name) || name.includes("..")) throw new Error(`model name "${name}": a models folder names its files after the model, so it must be a letter or digit, then letters, digits, ".", "_" or "-" (at most 64, no "..")`);
  const record = manifestRecord(card, weights);
  const entry = manifestEntry(record, parseModelCard(card));
  let records: ModelManifestRecord[] = [];
  try {
    records = JSON.parse(await readFile(path.join(dir, "models.json"), "utf8")) as ModelManifestRecord[];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  await writeFile(path.join(dir, record.file), weights);
  await writeFile(path.join(dir, record.card), encodeModelCard(card));
  const next = [...records.filter((r) => r.name !== record.name), record];
  await writeFile(path.join(dir, "models.json"), JSON.stringify(next, null, 2) + "\n");
  return entry;
}
