import { network } from "hardhat";
import { type Hex, keccak256, toHex } from "viem";

import { deployedMotif } from "./deployed.js";

/**
 * A chain as a long-lived real network looks: an EDR node on loopback advanced by `advance` blocks
 * (default 1,000,000) before Motif is deployed, the shipped model weld registered, and `mints`
 * certificates minted by the generator (account #1, attester) to itself, pattern `i` with content
 * digest keccak256("<prefix>-<i>"), metadata digest keccak256("meta-<i>"), seed i, paramsHash
 * keccak256("p-<i>"), PDQ keccak256("q-<i>"), tile hash keccak256("t-<i>").
 */
export async function longChainWithMotif(options: { advance?: number; mints?: number; prefix?: string } = {}) {
  const node = await network.createServer("default", "127.0.0.1", 0);
  const { port } = await node.listen();
  const url = `http://127.0.0.1:${port}`;
  await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_mine", params: [toHex(options.advance ?? 1_000_000)] }) });
  const deployed = await deployedMotif({ connection: await network.create({ network: "localhost", override: { url } }), models: ["weld"] });
  const generator = deployed.wallets[1]!;
  const prefix = options.prefix ?? "long";
  const hex = (s: string): Hex => keccak256(toHex(s));
  const tokenIds: bigint[] = [];
  for (let i = 0; i < (options.mints ?? 0); i++) {
    const lineage = { contentDigest: hex(`${prefix}-${i}`), metadataDigest: hex(`meta-${i}`), metadataCodec: 0x55, modelId: 1, seed: BigInt(i), paramsHash: hex(`p-${i}`), pdqHash: hex(`q-${i}`), tileHash: hex(`t-${i}`), creator: generator.account.address, recipeId: 0n };
    await deployed.wait(await deployed.certificate.write.mint([{ lineage, to: generator.account.address, royaltyBps: 0, deadline: 2n ** 40n, signature: "0x" }], { account: generator.account }));
    tokenIds.push(BigInt(lineage.contentDigest));
  }
  return {
    /** The node's JSON-RPC URL (no limits). */
    url,
    deployed,
    generator,
    /** The minted certificates, in mint order. */
    tokenIds,
    close: async () => {
      await deployed.connection.close();
      await node.close();
    },
  };
}
