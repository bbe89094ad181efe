import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, zeroAddress } from "viem";

import { modelRegistration } from "@motif/sdk";
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
