import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { type Hex, getAddress, zeroAddress } from "viem";

import { modelRegistration } from "@motif/sdk";
import { pdqHashImage } from "../../../generator/src/pdq/index.js";
import { render } from "../../../generator/src/render/render.js";
import { EmbeddedIpfs } from "../../../generator/src/ipfs/embedded.js";
import { buildGateway } from "../../../generator/src/ipfs/gateway.js";
import { loadManifest } from "../../../generator/src/render/render.js";
import { deployMotif } from "../../../scripts/lib/deploy.js";

export /** A fresh chain with Motif and `model` registered, an embedded store behind a gateway, and the generator's attester and minter: what the generator wrote certificates with before a change. */
async function oldCertificateChain(modelName: string) {
  const connection = await network.create();
  const { viem } = connection;
  const publicClient = await viem.getPublicClient();
  const [admin, generatorWallet] = await viem.getWalletClients();
  const { registry, certificate } = await deployMotif(connection, { attesters: [generatorWallet!.account.address] });
  const model = (await loadManifest()).find((m) => m.name === modelName)!;
  await registry.write.registerModel([
    modelRegistration({ owner: getAddress(admin!.account.address), weightsDigest: model.sha256, weightsCidDigest: model.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name: modelName, version: model.version, cardDigest: model.cardDigest }),
  ]);
  const store = new EmbeddedIpfs(await mkdtemp(path.join(os.tmpdir(), "motif-verify-old-")));
  const chainId = await publicClient.getChainId();
  const now = (await publicClient.getBlock()).timestamp;
  const attester = { signer: { client: generatorWallet!, account: generatorWallet!.account }, chainId, certificate: certificate.address };
  const minter = { wallet: generatorWallet!, publicClient, certificate: certificate.address };
  const creator = getAddress(generatorWallet!.account.address);
  const gateway = await buildGateway(store);
  const url = await gateway.listen({ port: 0, host: "127.0.0.1" });
  const addresses = { certificate: certificate.address, registry: registry.address, licensing: zeroAddress };
  return { publicClient, store, now, attester, minter, creator, gateway, url, addresses, model };
}

/** A chain from `oldCertificateChain`. */
export type OldCertificateChain = Awaited<ReturnType<typeof oldCertificateChain>>;

/**
 * Renders `model` / `seed` and certifies it as the generator did before a change: its metadata
 * pinned with `metadataTile` (none when left out), its lineage attesting `tileHash` (model 1).
 */
export async function certifyOld(
  chain: OldCertificateChain,
  r: { seed: bigint; scale: number; width: number; height: number; tileHash: Hex; metadataTile?: { hash: Hex; period: { x: number; y: number } }; print?: { repeat: "block" | "half-drop" | "brick"; sizeCm: number; dpi: number }; description: string },
): Promise<{ tokenId: bigint; png: Uint8Array }> {
  const { pin } = await import("../../../generator/src/stages/pin.js");
  const { attest } = await import("../../../generator/src/stages/attest.js");
  const { mint } = await import("../../../generator/src/stages/mint.js");
  const { store, now, attester, minter, creator, model } = chain;
  const params = { scale: r.scale, sharpness: 6 };
  const rendered = await render({ model: model.name, seed: r.seed, params, width: r.width, height: r.height, ...(r.print !== undefined ? { print: r.print } : {}) });
  const pdq = `0x${(await pdqHashImage(rendered.png)).hash}` as Hex;
  const pinned = await pin(store, {
    png: rendered.png,
    metadata: {
      name: `${r.description} ${r.seed}`,
      description: r.description,
      generator: { name: "motif-generator", version: "0.0.9" },
      lineage: {
        contentDigest: rendered.contentDigest, modelId: 1, modelName: model.name, modelVersion: model.version, weightsDigest: model.sha256,
        seed: r.seed, params, ...(r.print !== undefined ? { print: r.print } : {}), paramsHash: rendered.paramsHash, pdqHash: pdq, pdqQuality: 100, width: r.width, height: r.height, creator, editLog: [],
        ...(r.metadataTile !== undefined ? { tile: r.metadataTile } : {}),
      },
    },
  });
  const request = await attest(attester, {
    lineage: { contentDigest: rendered.contentDigest, metadataDigest: pinned.metadataDigest, metadataCodec: pinned.metadataCodec, modelId: 1, seed: r.seed, paramsHash: rendered.paramsHash, pdqHash: pdq, tileHash: r.tileHash, creator, recipeId: 0n },
    to: creator,
    royaltyBps: 100,
    deadline: now + 3600n,
  });
  await mint(minter, { requests: [request] });
  return { tokenId: BigInt(rendered.contentDigest), png: rendered.png };
}
