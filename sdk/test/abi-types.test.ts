import { expect } from "chai";
import { network } from "hardhat";
import { getContract, keccak256, toHex } from "viem";

import { motifCertificateAbi, motifModelRegistryAbi } from "@motif/sdk";
import { deployMotif } from "../../scripts/lib/deploy.js";

describe("generated as-const ABIs", () => {
  it("type reads, writes and errors end to end (wrong argument types do not compile)", async () => {
    const connection = await network.create();
    const { viem } = connection;
    const publicClient = await viem.getPublicClient();
    const [wallet] = await viem.getWalletClients();
    const { record } = await deployMotif(connection);
    const registry = getContract({
      address: record.contracts.MotifModelRegistry,
      abi: motifModelRegistryAbi,
      client: { public: publicClient, wallet: wallet! },
    });
    const certificate = getContract({
      address: record.contracts.MotifCertificate,
      abi: motifCertificateAbi,
      client: { public: publicClient },
    });

    const count: number = await registry.read.modelCount();
    expect(count).to.equal(0);
    const maxRoyalty: number = await certificate.read.MAX_ROYALTY_BPS();
    expect(maxRoyalty).to.equal(1000);

    if (false as boolean) {
      // Compile-time checks only (tsc runs in `npm test`): each line must fail to type-check.
      // @ts-expect-error modelId is a uint32 → number, not a string
      await registry.read.modelStatus(["1"]);
      // @ts-expect-error registerModel takes one struct, not loose arguments
      await registry.write.registerModel([wallet!.account.address, keccak256(toHex(1))]);
      // @ts-expect-error there is no such function
      await certificate.read.burn([1n]);
    }

    // A revert decodes to the custom error by name with its values.
    try {
      await registry.read.getModel([7]);
      expect.fail("getModel(7) must revert");
    } catch (error) {
      expect(String(error)).to.contain("MotifModelRegistryUnknownModel");
      expect(String(error)).to.contain("7");
    }
  });
});
