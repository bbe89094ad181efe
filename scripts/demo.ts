/**
 * `npm run demo`: the whole Motif story, non-interactively, with a readable report (or `--json`).
 * Runs against the stack `npm start` is running from .motif/ (MOTIF_STATE_DIR) when there is one,
 * else starts its own for the run (in-process chain, temporary embedded IPFS store); MOTIF_RPC_URL
 * and MOTIF_IPFS_API point it at a real chain and a Kubo node, as for `npm start`.
 *   npm run demo
 *   npm run demo -- --json
 *   npm run demo -- --patterns 8 --size 512 --seed 42
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { network } from "hardhat";

import { selectStore } from "../generator/src/ipfs/select.js";
import { explainMotifError } from "@motif/sdk";
import { type StoryReport, runStory } from "./lib/demo-story.js";
import { readDeployment } from "../generator/src/deployment.js";
import { generatorPipeline, runningStack, startStack } from "./lib/stack.js";

const usage = "usage: npm run demo -- [--json] [--patterns 2..50] [--size 64..2048] [--seed <uint64>]";
let values;
try {
  ({ values } = parseArgs({ options: { json: { type: "boolean", default: false }, patterns: { type: "string", default: "5" }, size: { type: "string", default: "256" }, seed: { type: "string" } } }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
const int = (name: string, raw: string, min: number, max: number) => {
  const v = Number(raw);
  if (!/^\d+$/.test(raw) || v < min || v > max) {
    console.error(`--${name}: "${raw}" is not an integer in ${min}..${max}\n${usage}`);
    process.exit(2);
  }
  return v;
};
const patterns = int("patterns", values.patterns, 2, 50);
const size = int("size", values.size, 64, 2048);
if (values.seed !== undefined && (!/^\d{1,20}$/.test(values.seed) || BigInt(values.seed) >= 1n << 64n)) {
  console.error(`--seed: "${values.seed}" is not an integer in 0..2^64-1\n${usage}`);
  process.exit(2);
}
const seed = values.seed === undefined ? undefined : BigInt(values.seed);

// Progress on stderr (stdout is the report): a bar on a terminal, a line per step otherwise.
const tty = process.stderr.isTTY === true;
const progress = (e: { step: string; done: number; total: number; label: string }) => {
  if (tty) {
    const width = 24;
    const filled = Math.round((e.done / e.total) * width);
    process.stderr.write(`\r${e.step.padEnd(9)} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${e.done}/${e.total} ${e.label.padEnd(48).slice(0, 48)}`);
    if (e.done === e.total) process.stderr.write("\n");
  } else if (e.done < e.total) {
    process.stderr.write(`${e.step} ${e.done + 1}/${e.total}: ${e.label}\n`);
  }
};

const stateDir = process.env.MOTIF_STATE_DIR ?? path.join(process.cwd(), ".motif");
const running = process.env.MOTIF_RPC_URL ? undefined : await runningStack(stateDir);
const workDir = await mkdtemp(path.join(os.tmpdir(), "motif-demo-"));
let report: StoryReport;
let where = "";
try {
  if (running !== undefined) {
    // Attach to `npm start`: its chain over JSON-RPC, its IPFS folder, its gateway.
    where = `the running stack (pid ${running.pid}, ${running.urls.rpc})`;
    const connection = await network.create({ network: "localhost", override: { url: running.urls.rpc } });
    try {
      const publicClient = await connection.viem.getPublicClient();
      const wallets = await connection.viem.getWalletClients();
      const deployment = await readDeployment(process.cwd(), running.chainId);
      if (deployment === undefined) throw new Error(`deployments/${running.chainId}.json is missing: restart npm start`);
      const { store, pinQueue } = selectStore(path.join(stateDir, "ipfs"));
      const generator = wallets[1]!;
      report = await runStory({
        publicClient,
        wallets,
        deployment,
        gateway: running.urls.gateway,
        rpcUrl: running.urls.rpc,
        workDir,
        seed,
        patterns,
        size,
        progress,
        pipeline: await generatorPipeline({ store, pinQueue, generator, publicClient, chainId: running.chainId, deployment, modelIds: {} }),
      });
    } finally {
      await connection.close();
    }
  } else {
    const stack = await startStack({
      stateDir: process.env.MOTIF_RPC_URL ? stateDir : path.join(workDir, "state"),
      ports: { rpc: 0, gateway: 0, api: 0, web: 0 },
      webDir: path.join(workDir, "no-web"),
    });
    where = stack.chain === "local" ? "a stack of its own (in-process chain, temporary IPFS store)" : `chain ${stack.chainId} (MOTIF_RPC_URL), IPFS ${stack.ipfs}`;
    try {
      report = await runStory({
        publicClient: await stack.connection.viem.getPublicClient(),
        wallets: await stack.connection.viem.getWalletClients(),
        deployment: stack.deployment,
        pipeline: stack.pipeline,
        gateway: stack.urls.gateway,
        rpcUrl: stack.urls.rpc,
        workDir,
        seed,
        patterns,
        size,
        progress,
      });
    } finally {
      await stack.close();
    }
  }
} catch (error) {
  console.error(`\nnpm run demo failed${where ? ` against ${where}` : ""}: ${explainMotifError(error)}`);
  process.exit(1);
} finally {
  await rm(workDir, { recursive: true, force: true });
}

if (values.json) {
  console.log(JSON.stringify({ ranAgainst: where, ...report }, null, 2));
} else {
  console.log(readable(report, where));
}
process.exit(report.audit.passed && report.dataset.verified && report.trainedModel.audit.passed ? 0 : 1);

function readable(r: StoryReport, against: string): string {
  /** A verification item's status as a mark: passed, failed, not checked, warning. */
  const STATUS_MARK = { passed: "✔", failed: "✘", notChecked: "–", warning: "⚠" } as const;
  const mark = (ok: boolean) => (ok ? "✔" : "✘");
  const short = (h: string) => `${h.slice(0, 10)}…${h.slice(-6)}`;
  const lines = [
    `Motif demo on chain ${r.chainId}, against ${against}`,
    "",
    "1. Model",
    `   ${mark(true)} "${r.model.name}" ${r.model.newlyRegistered ? "registered" : "already registered"} as model #${r.model.id}, owned by the studio ${r.model.owner}`,
    `     weights sha-256 ${short(r.model.weightsDigest)}, pinned as ${r.model.weightsCid}; model royalty ${r.model.royaltyBps / 100}%`,
    "",
    "2. Generate → screen → pin → mint",
    ...(r.seeds.first !== r.seeds.requested ? [`   seed ${r.seeds.requested} was used by an earlier run on this chain; this run starts at seed ${r.seeds.first}`] : []),
    ...r.batch.map((b) =>
      b.status === "refused"
        ? `   ${mark(true)} ${b.label}: REFUSED as a near-duplicate of ${b.refusedBecause!.label.replace(/0x[0-9a-f]{64}/, (h) => short(h))} (PDQ distance ${b.refusedBecause!.distance}); nothing pinned or minted`
        : `   ${mark(b.status === "minted")} ${b.label} (seed ${b.seed}): ${b.status}, token ${short(b.tokenId ?? "")}, image ${b.imageCid}`,
    ),
    ...r.copies.map((c) =>
      c.cleared
        ? `   ${mark(false)} ${c.label}: CLEARED (a copy slipped through)`
        : `   ${mark(true)} ${c.label}: REFUSED by the ${c.match!.signal === "tile" ? "tile hash" : "PDQ hash"} as a copy of ${c.match!.label.replace(/0x[0-9a-f]{64}/, (h) => short(h))} (${c.match!.transform}; distance ${c.match!.distance})`,
    ),
    "",
    "3. Offers",
    `   ${mark(true)} exclusive licence for the ${r.offers.exclusiveEu.regions} EU member states, ${r.offers.exclusiveEu.days} days, ${r.offers.exclusiveEu.price}: on-chain offer #${r.offers.exclusiveEu.offerId} on ${short(r.offers.exclusiveEu.tokenId)}, for ${r.offers.exclusiveEu.licensee} only`,
    `   ${mark(true)} another account trying to take that exclusive deal first: refused by the contract [${r.offers.exclusiveEu.otherBuyerRefused}]`,
    `   ${mark(true)} non-exclusive worldwide licence (${r.offers.worldwide.regions} regions), 1 year, ${r.offers.worldwide.price}: signed offer ${short(r.offers.worldwide.digest)} on ${short(r.offers.worldwide.tokenId)}`,
    "",
    "4. Licensees accept from their wallets",
    `   ${mark(true)} ${r.licenses.eu.licensee} holds licence ${short(`0x${BigInt(r.licenses.eu.licenseId).toString(16)}`)} (EU, exclusive); isLicensed in FR: yes`,
    `   ${mark(true)} ${r.licenses.world.licensee} holds licence ${short(`0x${BigInt(r.licenses.world.licenseId).toString(16)}`)} (worldwide); isLicensed in JP: yes`,
    "",
    "5. Usage",
    `   ${mark(true)} ${r.usage.allowed.units} units reported in ${r.usage.allowed.region}: accepted, ${r.usage.allowed.royaltyPaid} royalty paid`,
    `   ${mark(true)} 10 units in ${r.usage.refused.region}: refused by the contract: ${r.usage.refused.reason}`,
    "",
    `6. A textile-grade licence: ${r.textile.classes}, exclusive in ${r.textile.regions} for ${r.textile.days / 365} years`,
    `   ${mark(true)} the studio ${r.textile.licensor} offered pattern ${short(r.textile.tokenId)} (offer #${r.textile.offerId}) to the mill ${r.textile.licensee}:`,
    ...r.textile.terms.map((t) => `       ${t}`),
    `   ${mark(true)} the mill accepted: licence ${short(r.textile.licenseId)}, ${r.textile.paidAtAcceptance} paid at acceptance (price ${r.textile.price} + advance ${r.textile.advance})`,
    `   ${mark(r.textile.licensedFor.bedding && !r.textile.licensedFor.clothing)} isLicensed in FR for bedding (Nice 24): ${r.textile.licensedFor.bedding ? "yes" : "NO"}; for clothing (Nice 25): ${r.textile.licensedFor.clothing ? "YES" : "no"}`,
    `   ${mark(r.textile.colourway.licensedForBedding)} colourway ${short(r.textile.colourway.tokenId)} of the design (${r.textile.colourway.map.join(", ")}) minted into its family: isLicensed in FR for bedding ${r.textile.colourway.licensedForBedding ? "yes (the licence covers all colourways)" : "NO"}`,
    ...r.textile.reports.map(
      (x) =>
        `   ${mark(true)} reported ${x.units} units and ${x.netSales} of net sales of Nice ${x.niceClass} in ${x.region}: sales royalty ${x.royalty} (${r.textile.salesRoyalty}), ${x.fromAdvance} recouped from the advance, ${x.paid} paid; advance remaining ${x.advanceRemaining}`,
    ),
    `   ${mark(true)} net sales reported: ${r.textile.netSalesTotal}; the advance is recouped, later royalties are paid in full`,
    "",
    "7. Royalties (pull payments)",
    ...r.royalties.settled.map((s) => `   ${mark(true)} ${short(s.tokenId)}: ${s.total} split → owner ${s.owner}, model owner ${s.model}, protocol ${s.protocol}`),
    ...r.royalties.withdrawn.map((w) => `   ${mark(true)} withdrawn by the ${w.who}: ${w.amount}`),
    "",
    "8. Recipe (licensable IP: a model's style params, certified by its author)",
    `   ${mark(true)} "${r.recipe.name}" ${r.recipe.newlyCertified ? "certified" : "already certified"} by the studio as recipe ${short(r.recipe.recipeId)}, ${r.recipe.shareBps / 100}% of every pattern made from it`,
    `   ${mark(true)} ${r.recipe.licensee} licensed it for the EU and rendered ${short(r.recipe.pattern)} from it in FR; the lineage names the recipe`,
    `   ${mark(true)} ${r.recipe.refused.licensee} was refused in ${r.recipe.refused.region} before rendering: ${r.recipe.refused.reason}`,
    `   ${mark(true)} a ${r.recipe.split.total} licence sale of that pattern split → owner ${r.recipe.split.owner}, model owner ${r.recipe.split.model}, recipe owner ${r.recipe.split.recipe}, protocol ${r.recipe.split.protocol}`,
    "",
    "9. Training dataset (only patterns licensed for AI training)",
    `   ${mark(r.dataset.verified)} dataset ${short(r.dataset.root)} with ${r.dataset.members.length} member(s), manifest ${r.dataset.manifestCid}; verified: ${r.dataset.verified ? "yes" : "NO"}`,
    ...r.dataset.refused.map((x) => `   ${mark(true)} ${short(x.tokenId)} left out: ${x.reason}`),
    `   ${mark(true)} certified on chain by ${r.dataset.certifiedBy} as dataset ${short(r.dataset.datasetId)} (its lineage is the Merkle root)`,
    "",
    "10. A studio model trained on the dataset (its lineage on chain)",
    `   ${mark(true)} the studio ${r.accounts.studio} licensed dataset ${short(r.trainedModel.training.datasetId)} for AI training from its curator (${r.trainedModel.trainingLicence.price})`,
    `   ${mark(true)} "${r.trainedModel.name}" trained by ${r.trainedModel.training.trainer} on its ${r.trainedModel.training.members} member image(s) in ${r.trainedModel.training.seconds} s (${r.trainedModel.training.steps} steps; palette ${r.trainedModel.palette.join(" ")})`,
    `   ${mark(true)} ${r.trainedModel.newlyRegistered ? "registered" : "already registered"} as model #${r.trainedModel.id}: weights ${short(r.trainedModel.weightsDigest)}, card ${short(r.trainedModel.cardDigest)}, data root ${short(r.trainedModel.training.dataRoot)}, config ${short(r.trainedModel.training.configDigest)}`,
    `   ${mark(true)} pattern ${short(r.trainedModel.pattern)} rendered from it; a ${r.trainedModel.split.total} licence sale split → owner ${r.trainedModel.split.owner}, model owner ${r.trainedModel.split.model}, dataset curator ${r.trainedModel.split.dataset}, protocol ${r.trainedModel.split.protocol}`,
    ...r.trainedModel.audit.chain.map((i) => `   ${STATUS_MARK[i.status]} audit: ${i.id}${i.reason ? ` — ${i.reason}` : ""}${i.id === "training" && i.status === "passed" ? ` (dataset ${short(String(i.evidence.datasetId))}, ${String(i.evidence.members)} member(s) licensed for AI training)` : ""}${i.id === "retraining" && i.status === "passed" ? ` (re-trained on the member images fetched from IPFS: the same weights ${short(String(i.evidence.weightsDigest))})` : ""}`),
    "",
    `11. Auditor's verification of ${short(r.audit.tokenId)} (chain RPC + IPFS gateway only)`,
    ...r.audit.items.map((i) => `   ${STATUS_MARK[i.status]} ${i.title}${i.reason ? ` — ${i.status === "notChecked" ? "not checked: " : ""}${i.reason}` : ""}`),
    `   ${r.audit.summary}`,
    "",
    r.audit.passed && r.trainedModel.audit.passed ? "Every step did what it should." : "VERIFICATION FAILED: see the items above.",
  ];
  return lines.join("\n");
}
