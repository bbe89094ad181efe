import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { EmbeddedIpfs } from "../../../generator/src/ipfs/embedded.js";
import { pipelineConfig } from "../../../generator/src/config.js";
import type { PipelineConfig } from "../../../generator/src/pipeline.js";
import { PdqIndex } from "../../../generator/src/screen/pdq-index.js";

/** A fresh `os.tmpdir()/motif-<label>-*` folder; the mocha root hooks remove it after the run. */
export const motifTempDir = (label: string): string => mkdtempSync(path.join(os.tmpdir(), `motif-${label}-`));

/** The pipeline the service tests run: an empty screening index, the three shipped models, a test creator. */
export const testPipeline = (store: PipelineConfig["store"] = new EmbeddedIpfs(motifTempDir("pipeline"))): PipelineConfig =>
  pipelineConfig({ store, index: PdqIndex.build([]), modelIds: { indigo: 1, madder: 2, weld: 3 }, creator: "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" });
