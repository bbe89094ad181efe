/**
 * Audit 31: the verifier's `tile` item fallback (a certificate minted before step 4b is recomputed
 * with `{ lattice: false }`, now `{ reading: 1 }`). Before step 4b every half-drop/brick tile hashed to nearly the parity
 * pattern (unrelated ones 4–26 bits apart), so the fallback accepts, for such an image, the hash of
 * an unrelated design; and it has no notion of "before": a certificate minted today passes it too.
 * Findings FAIL on the audited code (00a6855); `held_*` pass.
 */
import { expect } from "chai";
import type { Hex } from "viem";

import { decodeImage } from "../../generator/src/pdq/index.js";
import { render, closeRenderPools } from "../../generator/src/render/render.js";
import { tileDistance, tileHashPixels } from "../../generator/src/tile/index.js";
import { verifyCertificate } from "@motif/sdk";
import { certifyOld, oldCertificateChain } from "./helpers/old-certificate.js";

type Repeat = "block" | "half-drop" | "brick";
const renderOf = (model: string, seed: bigint, repeat: Repeat, scale: number) =>
  render({ model, seed, params: { scale, sharpness: 6 }, width: 256, height: 256, print: { repeat, sizeCm: 2.56, dpi: 254 } });

describe("audit31: the verifier's pre-step-4b tile hash fallback", function () {
  this.timeout(240_000);
  after(closeRenderPools);

  it("FIXED finding: a brick tile's certificate attesting an unrelated half-drop design's tile hash does not pass the tile item (a warning says why)", async () => {
    const chain = await oldCertificateChain("indigo");
    const { publicClient, gateway, url, addresses } = chain;
    const certify = (seed: bigint, repeat: Repeat, scale: number, tileHash: Hex) =>
      certifyOld(chain, { seed, scale, width: 256, height: 256, print: { repeat, sizeCm: 2.56, dpi: 254 }, tileHash, metadataTile: { hash: tileHash, period: { x: 256, y: 256 } }, description: "audit31" });
    const tileItem = async (tokenId: bigint) => (await verifyCertificate(publicClient, { addresses, tokenId, gateway: url, decode: (b) => decodeImage(b) })).items.find((i) => i.id === "tile")!;
    try {
      // an unrelated design: weld seed 31540, half-drop scale 4; its tile hash as the code before step 4b computed it
      const other = await renderOf("weld", 31_540n, "half-drop", 4);
      const otherOld = tileHashPixels(await decodeImage(other.png), { reading: 1 }).hash;
      const mine = await decodeImage((await renderOf("indigo", 31_041n, "brick", 4)).png);
      console.log(`      old hashes of the two designs: ${tileDistance(otherOld, tileHashPixels(mine, { reading: 1 }).hash)} bits apart; today's: ${tileDistance(tileHashPixels(await decodeImage(other.png)).hash, tileHashPixels(mine).hash)}`);
      // held_ part: a non-lattice block render attested with another block render's hash fails
      const blockOther = tileHashPixels(await decodeImage((await renderOf("indigo", 4243n, "block", 2)).png)).hash;
      const block = await certify(4242n, "block", 2, `0x${blockOther}`);
      expect((await tileItem(block.tokenId)).status, "held: block render with another's hash").to.equal("failed");
      // the finding: indigo 31041 brick scale 4, minted today, attesting weld 31540's (old) tile hash
      const forged = await certify(31_041n, "brick", 4, `0x${otherOld}`);
      const tile = await tileItem(forged.tokenId);
      // the old hashes of such tiles hardly differ, so the verifier cannot tell this forgery from an
      // honest certificate of before step 4b: it must not pass it, and says why (a warning)
      expect(tile.status, `tile item ${tile.status}: ${JSON.stringify(tile.evidence)}`).to.not.equal("passed");
      expect(String(tile.reason)).to.contain("tells this design from few others");
    } finally {
      await gateway.close();
    }
  });
});
