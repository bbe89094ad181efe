import { expect } from "chai";
import { getAddress, keccak256, stringToBytes } from "viem";

import { modelRegistration, motifCertificateAbi, tokenIdHex } from "@motif/sdk";
import { deployedMotif } from "../../test/ts/helpers/deployed.js";
import { designOnChain } from "../src/config.js";

/**
 * Audit session 29b (generator side) of 85c0129: `designOnChain`'s `generatorMayAdd` against the
 * contract's own answer (an unsigned `mintColourway` from the generator's account, simulated), as
 * in colourway.test.ts "reads on chain whether this generator may add a colourway…", in states that
 * test leaves out. The two findings (G1, G2) FAILED on the audited code and pass since designOnChain reads designOf, the role and pause; `test_held_*` pass.
 * Since audit 29b F1 (no creator-held exception: only the owner or an account it approved adds a
 * colourway), the states are the same and the answers follow the new rule, the oracle unchanged.
 */
describe("audit session 29b: the generator's colourway consent read against the contract", function () {
  this.timeout(300_000);

  async function setup() {
    const deployed = await deployedMotif();
    const [adminWallet, generatorWallet, studioWallet, collectorWallet, carolWallet] = deployed.wallets;
    const generator = getAddress(generatorWallet!.account.address);
    const studio = getAddress(studioWallet!.account.address);
    const collector = getAddress(collectorWallet!.account.address);
    const carol = getAddress(carolWallet!.account.address);
    const h = (x: string) => keccak256(stringToBytes(x));
    const lineage = (salt: string) => ({ contentDigest: h(salt), metadataDigest: h(`m ${salt}`), metadataCodec: 0x55, modelId: 1, seed: 7n, paramsHash: h("p"), pdqHash: h("q"), tileHash: h("t"), creator: studio, recipeId: 0n });
    const { certificate, publicClient } = deployed;
    await deployed.registry.write.registerModel([modelRegistration({ owner: generator, weightsDigest: h("w"), weightsCidDigest: h("w"), weightsCidCodec: 0x55, royaltyBps: 0, name: "m", version: "1", cardDigest: h("c") })]);
    await deployed.wait(await certificate.write.mint([{ lineage: lineage("design"), to: studio, royaltyBps: 0, deadline: 2n ** 40n, signature: "0x" }], { account: generatorWallet!.account }));
    const designId = BigInt(h("design"));
    const read = designOnChain(publicClient, certificate.address, generator);
    let n = 0;
    const request = (to: `0x${string}`) => ({ lineage: lineage(`c${n++}`), to, royaltyBps: 0, deadline: 2n ** 40n, signature: "0x" as const });
    // the oracle: the contract's own answer to the generator's unsigned colourway, simulated
    const contractLets = async (id: bigint, to: `0x${string}`) =>
      publicClient.simulateContract({ address: certificate.address, abi: motifCertificateAbi, functionName: "mintColourway", args: [request(to), id], account: generator }).then(
        () => true,
        () => false,
      );
    const agree = async (id: bigint, owner: `0x${string}`, why: string) => {
      const d = await read(tokenIdHex(id));
      expect(d?.owner, why).to.equal(owner);
      const contract = await contractLets(id, owner);
      expect(d?.generatorMayAdd, `generatorMayAdd vs the contract's answer (${contract}): ${why}`).to.equal(contract);
      return contract;
    };
    const as = (w: typeof studioWallet) => ({ account: w!.account });
    return { deployed, certificate, designId, generator, studio, collector, carol, request, agree, as, adminWallet, generatorWallet, studioWallet, collectorWallet, carolWallet };
  }

  it("FIXED colourwayNamedAsDesign: generatorMayAdd says yes to a colourway named as the design, the contract refuses (MotifCertificateDesignIsColourway); the generator renders it first", async () => {
    const s = await setup();
    // the studio lets its generator add colourways to its designs (an operator), which adds one
    await s.deployed.wait(await s.certificate.write.setApprovalForAll([s.generator, true], { account: s.studioWallet!.account }));
    await s.deployed.wait(await s.certificate.write.mintColourway([s.request(s.studio), s.designId], { account: s.generatorWallet!.account }));
    const [colourwayId] = await s.certificate.read.colourwaysOf([s.designId]);
    expect(await s.agree(s.designId, s.studio, "the design itself")).to.equal(true);
    // a request naming the colourway as its design: same creator, model, seed and params as the design,
    // so the colourway stage's checks all pass; designOnChain answers generatorMayAdd true
    try {
      await s.agree(colourwayId!, s.studio, "a colourway named as the design (the contract: DesignIsColourway)");
    } finally {
      await s.deployed.connection.close();
    }
  });

  it("FIXED revokedGenerator: after the admin revokes the generator's ATTESTER_ROLE (a leaked key's answer) generatorMayAdd still says yes on its creator's designs", async () => {
    const s = await setup();
    const role = await s.certificate.read.ATTESTER_ROLE();
    await s.deployed.wait(await s.certificate.write.revokeRole([role, s.generator], { account: s.adminWallet!.account }));
    try {
      await s.agree(s.designId, s.studio, "the generator's role revoked, the creator holds its design");
    } finally {
      await s.deployed.connection.close();
    }
  });

  it("test_held_transfers: sold, sold back to its creator, approvals of a previous owner, the generator as owner: generatorMayAdd agrees with the contract", async () => {
    const s = await setup();
    const { certificate, designId, studio, collector, carol, generator, as } = s;
    const w = (hash: `0x${string}`) => s.deployed.wait(hash);
    expect(await s.agree(designId, studio, "the creator holds its design, approving nobody (no creator-held exception)")).to.equal(false);
    // the studio's own approvals given before the sale
    await w(await certificate.write.approve([generator, designId], as(s.studioWallet)));
    expect(await s.agree(designId, studio, "the studio approved the generator for the design")).to.equal(true);
    await w(await certificate.write.setApprovalForAll([generator, true], as(s.studioWallet)));
    await w(await certificate.write.transferFrom([studio, collector, designId], as(s.studioWallet)));
    expect(await s.agree(designId, collector, "sold; the studio's approvals stay behind")).to.equal(false);
    // the collector's operator approval does not follow the design to its next owner
    await w(await certificate.write.setApprovalForAll([generator, true], as(s.collectorWallet)));
    expect(await s.agree(designId, collector, "the collector approved the generator for all")).to.equal(true);
    await w(await certificate.write.transferFrom([collector, carol, designId], as(s.collectorWallet)));
    expect(await s.agree(designId, carol, "sold on to carol")).to.equal(false);
    // carol approves for the design only, then sells it back to the studio
    await w(await certificate.write.approve([generator, designId], as(s.carolWallet)));
    expect(await s.agree(designId, carol, "carol approved the generator for the design")).to.equal(true);
    await w(await certificate.write.transferFrom([carol, studio, designId], as(s.carolWallet)));
    expect(await s.agree(designId, studio, "sold back to its creator, whose operator approval of the generator (given before the sale) is its own, for all its certificates")).to.equal(true);
    await w(await certificate.write.setApprovalForAll([generator, false], as(s.studioWallet)));
    expect(await s.agree(designId, studio, "the studio withdrew it")).to.equal(false);
    // the generator's account holds the design itself
    await w(await certificate.write.transferFrom([studio, generator, designId], as(s.studioWallet)));
    expect(await s.agree(designId, generator, "the generator owns the design")).to.equal(true);
    await s.deployed.connection.close();
  });
});
