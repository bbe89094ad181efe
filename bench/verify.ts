/**
 * Verification at print size (part of `npm run bench`, run with `hardhat run`): an auditor's
 * `verifyCertificate` of a 2048² and an 8192² certificate whose PNGs are chunked UnixFS files,
 * fetched as CARs from the trustless gateway and checked block by block. Wall clock, one run each
 * (after a warm-up verification of a small certificate); merged into `bench/results.json`.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { bytesToHex, getAddress } from "viem";

import { EmbeddedIpfs } from "../generator/src/ipfs/embedded.js";
import { buildGateway } from "../generator/src/ipfs/gateway.js";
import { pdqHashImage } from "../generator/src/pdq/index.js";
import { runPipeline } from "../generator/src/pipeline.js";
import { MODELS_DIR, loadManifest, render } from "../generator/src/render/render.js";
import { PdqIndex } from "../generator/src/screen/pdq-index.js";
import { type RerenderRequest, fetchVerified, verifyCertificate, modelRegistration } from "@motif/sdk";
import { deployMotif } from "../scripts/lib/deploy.js";
import { BenchReport } from "./lib/report.js";

const report = new BenchReport("Motif verification at print size (wall clock, one run each)");
const connection = await network.create();
const publicClient = await connection.viem.getPublicClient();
const [admin, generator] = await connection.viem.getWalletClients();
const { registry, certificate, record } = await deployMotif(connection, { attesters: [generator!.account.address] });
const addresses = { certificate: record.contracts.MotifCertificate, registry: record.contracts.MotifModelRegistry, licensing: record.contracts.MotifLicensing };
const dir = await mkdtemp(path.join(os.tmpdir(), "motif-bench-verify-"));
const store = new EmbeddedIpfs(dir);
const gateway = await buildGateway(store);
const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
try {
  const indigo = (await loadManifest()).find((m) => m.name === "indigo")!;
  const weightsCid = await store.add(await readFile(path.join(MODELS_DIR, indigo.file)));
  await publicClient.waitForTransactionReceipt({
    hash: await registry.write.registerModel([
      modelRegistration({ owner: getAddress(admin!.account.address), weightsDigest: indigo.sha256, weightsCidDigest: bytesToHex(weightsCid.multihash.digest), weightsCidCodec: weightsCid.code, royaltyBps: 0, name: "indigo", version: indigo.version, cardDigest: indigo.cardDigest }),
    ]),
  });
  const chainId = await publicClient.getChainId();
  const config = {
    store,
    index: PdqIndex.build([]),
    attester: { signer: { client: generator!, account: generator!.account }, chainId, certificate: certificate.address },
    minter: { wallet: generator!, publicClient, certificate: certificate.address },
    modelIds: { indigo: 1 },
    creator: getAddress(generator!.account.address),
    royaltyBps: 0,
    attestationTtl: 3600,
    generator: { name: "motif-generator", version: "bench" },
    now: () => BigInt(Math.floor(Date.now() / 1000)),
  };
  const pdq = async (bytes: Uint8Array) => (await pdqHashImage(bytes)).hash;
  const rerender = async (r: RerenderRequest) =>
    (await render({ model: r.model, seed: r.seed, params: r.params, width: r.width, height: r.height, ...(r.print !== undefined ? { print: r.print } : {}) }, { modelBytes: r.weights, ...(r.card !== undefined ? { card: r.card } : {}) })).png;
  const mint = async (size: number, seed: bigint) => {
    const result = await runPipeline(config, { model: "indigo", seed, params: { scale: 2, sharpness: 4 }, width: size, height: size });
    if (result.status !== "minted") throw new Error(`bench: the ${size}² pattern was ${result.status}`);
    return { tokenId: BigInt(result.rendered.contentDigest), imageCid: result.pinned.imageCid, bytes: result.rendered.png.length };
  };
  const verify = async (tokenId: bigint, withRerender: boolean) => {
    const t = performance.now();
    const r = await verifyCertificate(publicClient, { addresses, tokenId, gateway: url, pdq, ...(withRerender ? { rerender } : {}) });
    const seconds = (performance.now() - t) / 1000;
    const failed = r.items.filter((i) => i.status === "failed");
    if (failed.length > 0) throw new Error(`bench: verification failed: ${r.summary}`);
    return Math.round(seconds * 1000) / 1000;
  };

  // warm up: contracts, sharp, onnxruntime
  await verify((await mint(256, 1n)).tokenId, true);

  for (const size of [2048, 8192]) {
    const minted = await mint(size, BigInt(size));
    const blocks = Math.ceil(minted.bytes / 262_144);
    const t = performance.now();
    await fetchVerified(url, { cid: minted.imageCid.toString(), codec: minted.imageCid.code, digest: bytesToHex(minted.imageCid.multihash.digest) });
    const fetchSeconds = Math.round(performance.now() - t) / 1000;
    const verifySeconds = await verify(minted.tokenId, false);
    report.record(`verify.image.MB.${size}`, Math.round(minted.bytes / 1e5) / 10, `the ${size}² PNG: ${blocks} leaves of 256 KiB under a dag-pb root`);
    report.record(`verify.fetchVerified.s.${size}`, fetchSeconds, `fetchVerified of the ${size}² PNG: CAR from the gateway, every block hashed, DAG walked`);
    report.record(`verify.s.${size}`, verifySeconds, `verifyCertificate of a ${size}² certificate, every item but the re-render (PDQ recomputed)`, size === 8192 ? 5 : undefined);
    report.record(`verify.s.${size}.withRerender`, await verify(minted.tokenId, true), `verifyCertificate of the ${size}² certificate, re-render included (onnxruntime, the render threads)`);
  }
  // Worst case for the fetch: an incompressible 64 MB file (a detailed 8192² PNG can be that large): 256 leaves.
  {
    const { randomBytes } = await import("node:crypto");
    const cid = await store.add(new Uint8Array(randomBytes(64 * 1024 * 1024)));
    const t = performance.now();
    await fetchVerified(url, { cid: cid.toString(), codec: cid.code, digest: bytesToHex(cid.multihash.digest) });
    report.record("verify.fetchVerified.s.64MB", Math.round(performance.now() - t) / 1000, "fetchVerified of an incompressible 64 MB file (256 leaves): CAR, every block hashed, DAG walked", 5);
  }
  await report.write();
} finally {
  await gateway.close();
  await rm(dir, { recursive: true, force: true });
}
