/**
 * Several colourways of one design in one round: a batch, or a queue's minter draining its workers'
 * results. Each colourway is a recolour of the design, so its siblings' hashes are near its own: the
 * chain lists none of them when the colourway stage reads the design, yet each is family, not a copy.
 * Before the fix, the second colourway of a round was refused as a near-duplicate of the first (the
 * first, kept in this process, was not known as the design's). Oracle: the chain's colourway list.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { expect } from "chai";

import { getColourways } from "@motif/sdk";
import { jobKey, runBatch } from "../src/batch/batch.js";
import type { PatternRequest } from "../src/pipeline.js";
import { closeRenderPools } from "../src/render/render.js";
import { recolourOf } from "../../test/ts/helpers/colourway.js";
import { type DesignOnChain, withDesignOnChain } from "./helpers/design-on-chain.js";
import { queueRound } from "./helpers/queue-round.js";

describe("colourways: several of one design in one round (batch, queue)", function () {
  this.timeout(600_000);
  after(closeRenderPools);

  /** A design minted from `seed` on a fresh chain, three colourways of it (recoloured by 24, 40 and 56 levels), then `body`. */
  const withThreeColourways = (
    seed: bigint,
    body: (s: { fresh: DesignOnChain["fresh"]; jobs: PatternRequest[]; dir: string; colourwaysOnChain: () => Promise<readonly bigint[]>; env: Record<string, string>; designId: `0x${string}` }) => Promise<void>,
  ) =>
    withDesignOnChain(seed, async ({ chain, publicClient, certificate, fresh, design, base, dir }) => {
      const jobs = await Promise.all([24, 40, 56].map(async (by) => ({ ...base, colourway: await recolourOf(design.rendered.png, design.rendered.contentDigest, by) })));
      const designId = design.rendered.contentDigest;
      await body({ fresh, jobs, dir, env: chain.env, designId, colourwaysOnChain: () => getColourways(publicClient, { certificate, designId: BigInt(designId) }) });
    });
  /** `motif batch` with `args`, in a child process with `env` (without MOTIF_REDIS_URL: in-process). */
  const motifBatch = (args: string[], env: Record<string, string>) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      const { MOTIF_REDIS_URL: _r, ...rest } = { ...process.env, ...env };
      execFile(process.execPath, ["generator/bin/motif.mjs", "batch", ...args], { env: rest }, (error, stdout, stderr) => resolve({ status: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }));
    });

  it("a batch of three colourways of one design mints all three, each linked to the design", async () => {
    await withThreeColourways(92n, async ({ fresh, jobs, dir, colourwaysOnChain }) => {
      const summary = await runBatch(await fresh(), jobs, path.join(dir, "batch.jsonl"));
      expect(summary).to.deep.include({ minted: 3, refused: 0 });
      expect((await colourwaysOnChain()).length).to.equal(3);
    });
  });

  it("a queue's minter draining three colourways of one design, finished by its workers, mints all three", async () => {
    await withThreeColourways(93n, async ({ fresh, jobs, dir, colourwaysOnChain }) => {
      const { summary, words } = await queueRound(jobs, await fresh(), await fresh(), dir);
      expect(summary, words).to.deep.equal({ minted: 3, pinned: 0, refused: 0, dead: 0 });
      expect((await colourwaysOnChain()).length).to.equal(3);
    });
  });

  it("motif batch --colourway-of ID --recolour MAP (repeated): one colourway per map, all minted into the design's family; a rerun mints nothing again", async () => {
    await withThreeColourways(94n, async ({ jobs, dir, env, designId, colourwaysOnChain }) => {
      const maps = jobs.map((j) => j.colourway!.map.map((p) => `${p.from}:${p.to}`).join(","));
      const journal = path.join(dir, "cli.jsonl");
      const args = ["--model", "weld", "--seed-start", "94", "--scale", "3", "--sharpness", "6", "--size", "128", "--colourway-of", designId, ...maps.flatMap((m) => ["--recolour", m]), "--store", path.join(dir, "ipfs"), "--journal", journal];
      const run = await motifBatch(args, env);
      expect(run.status, run.stderr).to.equal(0);
      expect(JSON.parse(run.stdout)).to.deep.include({ minted: 3, refused: 0 });
      // the oracle: the chain's family, and each journal line the key of its colourway job
      expect((await colourwaysOnChain()).length).to.equal(3);
      const records = (await readFile(journal, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { key: string; step: string });
      expect(new Set(records.filter((r) => r.step === "minted").map((r) => r.key))).to.deep.equal(new Set(jobs.map(jobKey)));
      const again = await motifBatch(args, env);
      expect(JSON.parse(again.stdout)).to.deep.include({ minted: 0, skipped: 3 });
      expect((await colourwaysOnChain()).length).to.equal(3);
    });
  });

  it("motif batch refuses bad colourway flags, naming the flag and the map, before anything is rendered", async () => {
    const design = `0x${"ab".repeat(32)}`;
    const base = ["--model", "weld", "--seed-start", "5", "--size", "64"];
    const cases: Array<[string[], Record<string, string>, RegExp]> = [
      [[...base, "--recolour", "#000000:#ffffff"], {}, /^motif batch: --colourway-of: required with --recolour/m],
      [[...base, "--colourway-of", design], {}, /^motif batch: --recolour: required with --colourway-of/m],
      [[...base, "--colourway-of", design, "--recolour", "#000000:#ffffff", "--recolour", "#000000:#fffff"], {}, /--recolour \(map 2 of 2\): pair 1: /],
      [[...base, "--count", "3", "--colourway-of", design, "--recolour", "#000000:#ffffff", "--recolour", "#111111:#ffffff"], {}, /--count: 3, but 2 --recolour maps given/],
      [["--model", "weld", "--size", "64", "--colourway-of", design, "--recolour", "#000000:#ffffff"], {}, /--seed-start: required with --colourway-of/],
      [[...base, "--colourway-of", design, "--recolour", "#000000:#ffffff"], { MOTIF_RPC_URL: "" }, /--colourway-of: needs MOTIF_RPC_URL/],
      [[...base, "--colourway-of", design, ...Array.from({ length: 33 }, (_, i) => ["--recolour", `#000000:#0000${(i + 16).toString(16)}`]).flat()], {}, /--recolour: 33 maps given; a design has at most 32 colourways/],
    ];
    for (const [args, env, words] of cases) {
      const r = await motifBatch(args, env);
      expect(r.status, args.join(" ")).to.equal(2);
      expect(r.stderr, args.join(" ")).to.match(words);
    }
  });
});
