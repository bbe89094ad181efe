import { expect } from "chai";
import type { Account, Chain, Client, PublicClient, Transport } from "viem";

import { type MotifContractError, acceptOffer, isLicensed, motifActions, registerModel, regionMask } from "@motif/sdk";

/**
 * Compile-time tests: `npm test` runs tsc over this file, and each `@ts-expect-error` line must be
 * a type error (tsc fails on an unused one). The runtime part only keeps mocha honest.
 */
describe("SDK types", () => {
  it("rejects wrong argument types at compile time", () => {
    const check = (client: PublicClient, wallet: Client<Transport, Chain | undefined, Account>) => {
      const addresses = { certificate: "0x0000000000000000000000000000000000000001", registry: "0x0000000000000000000000000000000000000002", licensing: "0x0000000000000000000000000000000000000003" } as const;
      const motif = client.extend(motifActions({ addresses }));
      void motif.isLicensed({ tokenId: 1n, licensee: addresses.certificate, region: "FR" });
      // @ts-expect-error tokenId is a bigint
      void motif.isLicensed({ tokenId: 1, licensee: addresses.certificate, region: "FR" });
      // @ts-expect-error region is a code or a bit index, not a mask
      void isLicensed(client, { licensing: addresses.licensing, tokenId: 1n, licensee: addresses.certificate, region: regionMask(["FR"]) });
      // @ts-expect-error maxPrice is required
      void acceptOffer(wallet, { licensing: addresses.licensing, offerId: 1n });
      // @ts-expect-error an on-chain offer id and a signed offer are exclusive
      void acceptOffer(wallet, { licensing: addresses.licensing, offerId: 1n, maxPrice: 1n, signed: { offer: {} as never, signature: "0x" } });
      // @ts-expect-error royaltyBps is a number of basis points
      void registerModel(wallet, { registry: addresses.registry, owner: addresses.registry, weightsDigest: "0x00", royaltyBps: "5%", name: "m", version: "1" });
      // @ts-expect-error licensee must be an address
      void motif.requireLicensed({ tokenId: 1n, licensee: "alice", region: "FR" });
      const onError = (e: MotifContractError) => [e.errorName, e.args] as const;
      return onError;
    };
    expect(typeof check).to.equal("function");
  });
});
