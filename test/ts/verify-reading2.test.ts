/**
 * The verifier's `tile` item on certificates made before the tile hash's reading 3 (December 2026:
 * an elongated image's short side searched at 64 samples, the windows of a fractional period folded).
 * Such a certificate attests the hash as reading 2 computed it, which reading 2 still gives bit for bit
 * (sdk/test/tile-hash.test.ts pins it to recorded values): it passes, saying so; a hash that neither
 * reading gives fails.
 */
import { expect } from "chai";
import type { Hex } from "viem";

import { decodeImage } from "../../generator/src/pdq/index.js";
import { closeRenderPools, render } from "../../generator/src/render/render.js";
import { tileDistance, tileHashPixels } from "../../generator/src/tile/index.js";
import { verifyCertificate } from "@motif/sdk";
import { certifyOld, oldCertificateChain } from "./helpers/old-certificate.js";

describe("a certificate made before the tile hash's reading 3", function () {
  this.timeout(240_000);
  after(closeRenderPools);

  it("verifies against the reading-2 hash it attests (a 33⅓ px period, a 1000×60 border), with a note; today's passes plainly; another design's fails", async () => {
    const chain = await oldCertificateChain("indigo");
    const { publicClient, gateway, url, addresses } = chain;
    const tileItem = async (tokenId: bigint) => (await verifyCertificate(publicClient, { addresses, tokenId, gateway: url, decode: (b) => decodeImage(b) })).items.find((i) => i.id === "tile")!;
    const hashes = async (seed: bigint, scale: number, width: number, height: number) => {
      const pixels = await decodeImage((await render({ model: "indigo", seed, params: { scale, sharpness: 6 }, width, height })).png);
      return { today: `0x${tileHashPixels(pixels).hash}` as Hex, before: `0x${tileHashPixels(pixels, { reading: 2 }).hash}` as Hex };
    };
    try {
      for (const [seed, scale, width, height] of [
        [71n, 3, 100, 100],
        [72n, 4, 1000, 60],
      ] as const) {
        const { today, before } = await hashes(seed, scale, width, height);
        const apart = tileDistance(today.slice(2), before.slice(2));
        expect(apart, `${width}×${height}: the two readings differ beyond the verifier's tolerance`).to.be.greaterThan(8);
        const old = await certifyOld(chain, { seed, scale, width, height, tileHash: before, metadataTile: { hash: before, period: { x: width, y: height } }, description: "certified before reading 3" });
        const tile = await tileItem(old.tokenId);
        expect(tile.status, `${width}×${height}: ${tile.reason}`).to.equal("passed");
        expect(tile.evidence).to.include({ attested: true, tileHash: before, reading: 2, today });
        expect(String(tile.evidence.note)).to.contain("matches as read before December 2026");
      }
      // made today: today's reading, no note
      const { today } = await hashes(73n, 3, 100, 100);
      const made = await certifyOld(chain, { seed: 73n, scale: 3, width: 100, height: 100, tileHash: today, metadataTile: { hash: today, period: { x: 100, y: 100 } }, description: "certified today" });
      const plain = await tileItem(made.tokenId);
      expect(plain.status).to.equal("passed");
      expect(plain.evidence).to.include({ attested: true, tileHash: today });
      expect(plain.evidence.note).to.equal(undefined);
      // another design's reading-2 hash: neither reading of this image gives it
      const other = await hashes(74n, 3, 100, 100);
      const forged = await certifyOld(chain, { seed: 75n, scale: 3, width: 100, height: 100, tileHash: other.before, metadataTile: { hash: other.before, period: { x: 100, y: 100 } }, description: "forged" });
      const failed = await tileItem(forged.tokenId);
      expect(failed.status, JSON.stringify(failed.evidence)).to.equal("failed");
      expect(String(failed.reason)).to.contain("at most 8 allowed");
    } finally {
      await gateway.close();
    }
  });
});
