import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Address, getAddress, isAddress } from "viem";

import { getDatasetManifest, type DatasetManifest, verifyDataset, tokenIdHex } from "@motif/sdk";
import { certifyDataset } from "../certify.js";
import { exportDataset } from "../dataset/export.js";
import { selectStore } from "../ipfs/select.js";
import { UsageError, intOption, parse, regionOption } from "./args.js";
import { connect, indexerFromEnv, rpcUrlFromEnv, walletFromEnv } from "./chain.js";
import { mintedSignals } from "../screen/from-chain.js";

const HELP = `usage: motif dataset export --licensee ADDR --region CODE [--time UNIX] [--tokens ID,ID,... | --all]
                            --out DATASET.car [--manifest FILE.json] [--store DIR] [--json]
       motif dataset verify (--manifest FILE.json | --dataset ID [--gateway URL]) [--at UNIX] [--json]
       motif dataset mint --manifest FILE.json [--royalty-bps N] [--share-bps N] [--name TEXT] [--store DIR] [--json]

export: collects the certificates the licensee may use as AI training data in the region at the
time (checked on-chain: a license covers it and its terms allow AI training; the others are refused
with their reason), writes a CAR with each member's image and metadata and a manifest (certificate,
CIDs, license, Merkle inclusion proof) whose Merkle root identifies the dataset.
verify: recomputes the root and checks each member's inclusion proof and license (at the export
time, or at --at), and names the dataset certificate when one exists. With --dataset, the manifest
of that dataset certificate is fetched from a trustless gateway (--gateway, default MOTIF_GATEWAY or
http://127.0.0.1:8081) through its on-chain metadata digest, every block checked. Needs MOTIF_RPC_URL (read
only; no key); addresses from deployments/<chainId>.json.
mint: certifies the dataset on chain (a dataset certificate whose lineage is the Merkle root,
licensable like a pattern; its metadata names the pinned manifest). Signed by the manifest's
licensee: needs MOTIF_RPC_URL and MOTIF_WALLET_KEY. --royalty-bps 0..1000 (default 0): ERC-2981 royalty on
sales of the dataset certificate; --share-bps 0..2500 (default 0): the curator's share of every licence
sale and usage royalty of patterns made by models registered as trained on it.`;

async function chainClient() {
  const { publicClient, addresses, fromBlock } = await connect(rpcUrlFromEnv("the chain whose licenses are checked"), ["certificate", "licensing"]);
  return { client: publicClient, addresses, fromBlock, indexer: indexerFromEnv() };
}

/** A dataset manifest file (`motif dataset export`'s), or a UsageError naming `flag`. */
export async function readManifest(file: string | undefined, flag = "--manifest"): Promise<DatasetManifest> {
  if (file === undefined) throw new UsageError(`${flag}: required, the manifest JSON written by \`motif dataset export\``);
  let manifest: DatasetManifest;
  try {
    manifest = JSON.parse(await readFile(file, "utf8")) as DatasetManifest;
  } catch (error) {
    throw new UsageError(`${flag}: cannot read ${file} as JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (manifest.format !== "motif-dataset/1") throw new UsageError(`${flag}: format "${String(manifest.format)}" is not motif-dataset/1`);
  return manifest;
}

const timeOption = (name: string, raw: string | undefined) => {
  if (raw === undefined) return undefined;
  if (!/^\d{1,12}$/.test(raw)) throw new UsageError(`--${name}: "${raw}" is not unix seconds (an integer of at most 12 digits)`);
  return BigInt(raw);
};

export const datasetCommand = {
  help: HELP,
  async run(args: string[]): Promise<number> {
    const { values, positionals } = parse(args, {
      licensee: { type: "string" },
      region: { type: "string" },
      time: { type: "string" },
      at: { type: "string" },
      tokens: { type: "string" },
      all: { type: "boolean", default: false },
      out: { type: "string" },
      manifest: { type: "string" },
      dataset: { type: "string" },
      gateway: { type: "string" },
      "royalty-bps": { type: "string" },
      "share-bps": { type: "string" },
      name: { type: "string" },
      store: { type: "string", default: path.join(".motif", "ipfs") },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    });
    if (values.help) {
      process.stdout.write(HELP + "\n");
      return 0;
    }
    const [sub] = positionals;
    if (sub === "export") {
      if (values.licensee === undefined || !isAddress(values.licensee)) throw new UsageError(`--licensee: required, a 0x-prefixed 20-byte address${values.licensee ? ` ("${values.licensee}" is not)` : ""}`);
      const regionCode = regionOption(values.region, "");
      if (values.out === undefined) throw new UsageError("--out: required, the CAR file to write");
      if (values.tokens === undefined && !values.all) throw new UsageError("--tokens ID,ID,... or --all: which certificates to consider");
      const tokenIds = (values.tokens ?? "").split(",").filter((t) => t.trim() !== "").map((t) => {
        const s = t.trim();
        if (!/^(0x[0-9a-fA-F]{1,64}|\d{1,78})$/.test(s)) throw new UsageError(`--tokens: "${s}" is not a token id (0x + up to 64 hex digits, or decimal)`);
        return BigInt(s);
      });
      const { client, addresses, fromBlock, indexer } = await chainClient();
      /** Where --all found the certificates: the indexer (and the chain after its block) or the chain. */
      let listedBy: "indexer" | "chain" | undefined;
      if (values.all) {
        // every pattern: from the indexer (MOTIF_INDEXER_URL) and the blocks after it, else the chain's logs
        const minted = await mintedSignals({ publicClient: client, certificate: addresses.certificate, fromBlock, indexer });
        if (minted.fallback !== undefined) process.stderr.write(`motif dataset export: ${minted.fallback}\n`);
        tokenIds.push(...minted.tokenIds);
        listedBy = minted.source;
      }
      const { store } = selectStore(values.store!);
      const out = await exportDataset({ client, addresses, licensee: getAddress(values.licensee) as Address, region: regionCode, time: timeOption("time", values.time), tokenIds, store });
      await mkdir(path.dirname(path.resolve(values.out)), { recursive: true });
      await writeFile(values.out, out.car);
      const manifestFile = values.manifest ?? values.out.replace(/\.car$/, "") + ".manifest.json";
      await writeFile(manifestFile, JSON.stringify(out.manifest, null, 2) + "\n");
      const result = { ...(listedBy !== undefined ? { listedBy } : {}), root: out.manifest.root, manifestCid: out.manifestCid.toString(), members: out.manifest.members.length, refused: out.refused, car: values.out, manifest: manifestFile };
      if (values.json) process.stdout.write(JSON.stringify(result) + "\n");
      else {
        process.stdout.write(`dataset ${result.root}: ${result.members} member(s), manifest ${result.manifestCid}\n  ${values.out}, ${manifestFile}\n`);
        for (const r of out.refused) process.stdout.write(`  refused ${r.tokenId}: ${r.reason}\n`);
      }
      return 0;
    }
    if (sub === "mint") {
      const manifest = await readManifest(values.manifest);
      const royaltyBps = intOption("royalty-bps", values["royalty-bps"], 0, 0, 1000);
      const shareBps = intOption("share-bps", values["share-bps"], 0, 0, 2500);
      const { publicClient, wallet, addresses } = await walletFromEnv(["certificate"]);
      let out;
      try {
        out = await certifyDataset({ wallet, publicClient, certificate: addresses.certificate, store: selectStore(values.store!).store }, { manifest, royaltyBps, shareBps, ...(values.name !== undefined ? { name: values.name } : {}) });
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
      const result = { datasetId: tokenIdHex(out.tokenId), root: manifest.root, members: manifest.members.length, manifestCid: out.manifestCid.toString(), metadataCid: out.metadataCid.toString(), transactionHash: out.transactionHash };
      process.stdout.write(values.json ? JSON.stringify(result) + "\n" : `dataset ${result.datasetId} certified (root ${result.root}, ${result.members} member(s)) in ${result.transactionHash}\n`);
      return 0;
    }
    if (sub === "verify") {
      if (values.dataset !== undefined && values.manifest !== undefined) throw new UsageError("--dataset, --manifest: give one of them, not both");
      if (values.dataset !== undefined && !/^(0x[0-9a-fA-F]{1,64}|\d{1,78})$/.test(values.dataset)) {
        throw new UsageError(`--dataset: "${values.dataset}" is not a dataset id (0x and up to 64 hex digits, or a decimal number)`);
      }
      const local = values.dataset === undefined ? await readManifest(values.manifest) : undefined;
      const { client, addresses } = await chainClient();
      const manifest =
        local ??
        (await getDatasetManifest(client, { certificate: addresses.certificate, datasetId: BigInt(values.dataset!), gateway: values.gateway ?? process.env.MOTIF_GATEWAY ?? "http://127.0.0.1:8081" })).manifest;
      const at = timeOption("at", values.at);
      const report = await verifyDataset(client, { licensing: addresses.licensing, certificate: addresses.certificate, manifest, ...(at !== undefined ? { time: at } : {}) });
      if (values.json) process.stdout.write(JSON.stringify(report) + "\n");
      else {
        process.stdout.write(`${report.root.passed ? "pass" : "FAIL"} root ${report.root.claimed}${report.root.passed ? "" : ` (recomputed ${report.root.recomputed})`}\n`);
        if (report.certificate !== undefined) process.stdout.write(report.certificate.exists ? `certified as dataset ${report.certificate.datasetId}, owned by ${report.certificate.owner}\n` : "not certified on chain (npx motif dataset mint)\n");
        for (const m of report.members) process.stdout.write(`${m.inclusion && m.licensed ? "pass" : "FAIL"} ${m.tokenId}: inclusion ${m.inclusion ? "ok" : "BAD"}, license ${m.licensed ? "ok" : `BAD (${m.reason})`}\n`);
      }
      return report.passed ? 0 : 1;
    }
    throw new UsageError(`${sub === undefined ? "a subcommand is required" : `unknown subcommand "${sub}"`}: export, verify or mint`);
  },
};
