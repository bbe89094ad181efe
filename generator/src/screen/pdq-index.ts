/**
 * The screening index under its historical name. PDQ hashes and the tile fingerprint are both
 * 256-bit Hamming hashes: one structure, `HashIndex` (exact at any distance 0..64), serves both.
 */
export { HashIndex, PdqIndex, type HashIndexOptions, type IndexMatch, type QueryPlan } from "./hash-index.js";
export {
  HashCsvParser,
  HashCsvWriter,
  parseHashCsv,
  parseHashCsvFile,
  readHashCsv,
  type HashCsvSink,
  type IndexEntry,
} from "./hash-csv.js";
