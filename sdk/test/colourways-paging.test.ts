import { expect } from "chai";
import { createPublicClient, getAddress, http, keccak256, toHex } from "viem";

import { DEFAULT_MAX_BLOCK_RANGE, getColourways, getDesignOf, getEventLogs, motifCertificateAbi } from "@motif/sdk";
import { HOSTED_LIMITS, startLimitsProxy } from "../../test/ts/helpers/limits-proxy.js";
import { remoteChainWithMotif } from "../../test/ts/helpers/remote-chain.js";

/**
 * A design's family history, its `ColourwayMinted` logs, read in block-range pages (`getEventLogs`,
 * DEFAULT_MAX_BLOCK_RANGE blocks a request, narrowed on a provider's refusal), as indexers and
 * auditors read it; `getColourways` answers from the contract's own list (`colourwaysOf`). A family of 12
 * colourways spread over five of those ranges, several on the last and first block of a range and
 * three in one range, another design's colourways between them: every colourway must come back
 * once, in mint order, directly and through a proxy that refuses wide ranges or full answers as
 * hosted providers do. Oracle: one unlimited `eth_getLogs` asked of the node itself, and `designOf`.
 */
describe("a colourway family larger than a page, over more blocks than a range, read exactly once in order (getEventLogs paging; getColourways)", function () {
  this.timeout(300_000);
  const R = DEFAULT_MAX_BLOCK_RANGE;
  const hex = (s: string) => keccak256(toHex(s));
  let chain: Awaited<ReturnType<typeof remoteChainWithMotif>>;
  let from = 0n;
  let head = 0n;
  const design = BigInt(hex("damask"));
  const other = BigInt(hex("paisley"));
  const family: bigint[] = [];
  const blocks: bigint[] = [];

  before(async () => {
    chain = await remoteChainWithMotif();
    const { deployed } = chain;
    const attester = deployed.wallets[1]!.account;
    const studio = getAddress(deployed.wallets[2]!.account.address);
    const request = (name: string) => ({
      lineage: { contentDigest: hex(name), metadataDigest: hex(`meta-${name}`), metadataCodec: 0x55, modelId: 1, seed: 3n, paramsHash: hex("p"), pdqHash: hex(`q-${name}`), tileHash: hex("t"), creator: studio, recipeId: 0n },
      to: studio,
      royaltyBps: 100,
      deadline: 2n ** 40n,
      signature: "0x" as const,
    });
    from = await deployed.publicClient.readContract({ address: deployed.addresses.certificate, abi: motifCertificateAbi, functionName: "deployBlock" });
    await deployed.wait(await deployed.certificate.write.mint([request("damask")], { account: attester }));
    await deployed.wait(await deployed.certificate.write.mint([request("paisley")], { account: attester }));
    // the studio lets its generator add colourways to its designs (only an owner or an account it approved adds one)
    await deployed.wait(await deployed.certificate.write.setApprovalForAll([attester.address, true], { account: deployed.wallets[2]!.account }));
    /** Mints a colourway of `designId` in block `from + offset` exactly (the blocks before it mined empty). */
    const mintAt = async (offset: bigint, name: string, designId: bigint) => {
      const target = from + offset;
      const now = await deployed.publicClient.getBlockNumber();
      if (target <= now) throw new Error(`block ${target} is already mined (head ${now})`);
      if (target - now > 1n) await fetch(chain.url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "hardhat_mine", params: [toHex(target - now - 1n)] }) });
      const receipt = await deployed.wait(await deployed.certificate.write.mintColourway([request(name), designId], { account: attester }));
      if (receipt.blockNumber !== target) throw new Error(`${name} landed in block ${receipt.blockNumber}, not ${target}`);
      return receipt.blockNumber;
    };
    // page k of the reader is [from + kR, from + (k+1)R - 1]: colourways on both sides of each edge, three in page 1
    const offsets = [R - 1n, R, R + 1n, R + 2n, 2n * R - 1n, 2n * R, 3n * R + R / 2n, 4n * R - 1n, 4n * R, 4n * R + 1n, 5n * R - 1n, 5n * R];
    for (const [i, offset] of offsets.entries()) {
      if (i === 4) await mintAt(R + 3n, "paisley-1", other); // another family's colourways between this one's
      if (i === 6) await mintAt(3n * R, "paisley-2", other);
      blocks.push(await mintAt(offset, `damask-${i}`, design));
      family.push(BigInt(hex(`damask-${i}`)));
    }
    head = await deployed.publicClient.getBlockNumber();
  });

  after(async () => {
    await chain?.close();
  });

  const client = (url: string) => createPublicClient({ transport: http(url, { retryCount: 1, retryDelay: 50 }) });
  const read = async (url: string, maxBlockRange?: bigint) =>
    (
      await getEventLogs(client(url), {
        address: chain.deployed.addresses.certificate,
        abi: motifCertificateAbi,
        eventName: "ColourwayMinted",
        args: { designId: design },
        fromBlock: from,
        ...(maxBlockRange !== undefined ? { maxBlockRange } : {}),
      })
    ).map((l) => l.args.tokenId!);

  it("getColourways: the contract's list, in mint order, in one call through a hosted provider (no log read)", async () => {
    const proxy = await startLimitsProxy(chain.url);
    try {
      expect(await getColourways(client(proxy.url), { certificate: chain.deployed.addresses.certificate, designId: design })).to.deep.equal(family);
      expect(proxy.calls.get("eth_getLogs") ?? 0).to.equal(0);
    } finally {
      await proxy.close();
    }
  });

  it("the oracle: the node's own logs list the family in mint order, each linked to its design, over more than five ranges", async () => {
    const logs = await chain.deployed.publicClient.getContractEvents({ address: chain.deployed.addresses.certificate, abi: motifCertificateAbi, eventName: "ColourwayMinted", args: { designId: design }, fromBlock: 0n });
    expect(logs.map((l) => l.args.tokenId)).to.deep.equal(family);
    expect(logs.map((l) => l.blockNumber)).to.deep.equal(blocks);
    for (const id of family) expect(await getDesignOf(chain.deployed.publicClient, { certificate: chain.deployed.addresses.certificate, tokenId: id })).to.equal(design);
    expect(head - from + 1n > 5n * R).to.equal(true);
  });

  it("directly, with the action's default range and with a narrower one: every colourway once, in order", async () => {
    for (const range of [undefined, 1_000n, R - 1n, R + 1n]) {
      const got = await read(chain.url, range);
      expect(got, `maxBlockRange ${range}`).to.deep.equal(family);
    }
    // the other family is read apart
    expect(await getColourways(chain.deployed.publicClient, { certificate: chain.deployed.addresses.certificate, designId: other })).to.deep.equal([BigInt(hex("paisley-1")), BigInt(hex("paisley-2"))]);
  });

  it("through a hosted provider's limits: its range cap met page by page, the pages contiguous and disjoint from the deployment block to the head", async () => {
    const proxy = await startLimitsProxy(chain.url);
    try {
      expect(await read(proxy.url)).to.deep.equal(family);
      expect(proxy.refused).to.deep.equal({ range: 0, results: 0, rate: 0 });
      const ranges = proxy.logRanges;
      expect(ranges.length).to.equal(Number((head - from) / R) + 1);
      expect(ranges[0]!.from).to.equal(from);
      expect(ranges.at(-1)!.to).to.equal(head);
      for (const [i, r] of ranges.entries()) {
        expect(r.to - r.from + 1n <= R, `range ${i}`).to.equal(true);
        if (i > 0) expect(r.from, `range ${i} starts where ${i - 1} ended`).to.equal(ranges[i - 1]!.to + 1n);
      }
    } finally {
      await proxy.close();
    }
  });

  it("through a provider that refuses the default range (3,000 blocks at most): narrowed on its word for good, nothing lost or repeated", async () => {
    const proxy = await startLimitsProxy(chain.url, { ...HOSTED_LIMITS, maxBlockRange: 3_000 });
    try {
      const got = await read(proxy.url);
      expect(got).to.deep.equal(family);
      expect(proxy.refused.range, "the default range was refused").to.be.greaterThan(0);
      // refused twice (10,000 and 5,000 blocks), then pages of 2,500 to the head
      expect(proxy.refused.range).to.equal(2);
      expect(proxy.logRanges.filter((r) => r.to - r.from + 1n <= 3_000n).length).to.equal(Number((head - from) / 2_500n) + 1);
    } finally {
      await proxy.close();
    }
  });

  it("through a provider that answers at most 2 logs a request (three colourways in three blocks): narrowed there, widened again after, nothing lost or repeated", async () => {
    const proxy = await startLimitsProxy(chain.url, { ...HOSTED_LIMITS, maxLogs: 2 });
    try {
      const got = await read(proxy.url);
      expect(got).to.deep.equal(family);
      expect(proxy.refused.results, "full answers were refused").to.be.greaterThan(0);
      // each dense stretch costs some halvings and doublings (94 here); a reader that never widened
      // again would page the ~40,000 blocks after the first one two at a time
      const asked = proxy.calls.get("eth_getLogs") ?? 0;
      expect(asked, `${asked} eth_getLogs`).to.be.at.most(150);
      expect(proxy.logRanges.some((r) => r.from > from + 2n * R && r.to - r.from + 1n === R), "pages of the full range again after the dense stretch").to.equal(true);
    } finally {
      await proxy.close();
    }
  });
});
