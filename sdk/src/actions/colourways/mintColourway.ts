import type { Account, Address, Chain, Client, Hash, Transport, WriteContractErrorType } from "viem";

import { motifCertificateAbi } from "../../abis/index.js";
import type { MotifContractErrorType } from "../../errors.js";
import type { MintRequest } from "../../types/lineage.js";
import { simulateAndWrite } from "../write.js";

export type MintColourwayParameters = {
  certificate: Address;
  /** The attested request (`attestLineage`): same model and creator as the design, `to` its owner. */
  request: MintRequest;
  /** The design this pattern recolours: a pattern certificate that is not itself a colourway. */
  designId: bigint;
};
export type MintColourwayReturnType = Hash;
export type MintColourwayErrorType = WriteContractErrorType | MotifContractErrorType;

/**
 * Mints an attested pattern as a colourway of a design (the same design recoloured): checked and
 * attested as `mintCertificates` mints, and linked for good to the design, so the design's licences
 * whose terms carry `LicenseFlags.ALL_COLOURWAYS` cover it and its licences share the design's
 * exclusivity. A signed request (`attestLineage` with the `designId`: a ColourwayAttestation) is sent
 * by the design's owner (or an account approved for it).
 * A refusal throws MotifContractError (e.g. MotifCertificateColourwayOwnerMismatch(designId, designOwner, to)).
 *
 * @example
 * import { createWalletClient, http, keccak256, sha256, toHex } from "viem";
 * import { privateKeyToAccount } from "viem/accounts";
 * import { attestLineage, getCertificate, mintColourway } from "@motif/sdk";
 * // the design's owner here is also a generator: it attests the recoloured pattern and sends it
 * const owner = createWalletClient({ account: privateKeyToAccount("0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d"), transport: http("http://127.0.0.1:8545") });
 * const certificate = "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512";
 * const designId = BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82");
 * const design = await getCertificate(owner, { certificate, tokenId: designId });
 * const request = await attestLineage(owner, {
 *   certificate,
 *   lineage: {
 *     contentDigest: sha256(toHex("the recoloured PNG's bytes")),
 *     metadataDigest: sha256(toHex("its metadata JSON, pinned as one raw block")),
 *     metadataCodec: 0x55,
 *     modelId: design.lineage.modelId,
 *     seed: design.lineage.seed,
 *     paramsHash: keccak256(toHex('{"palette":"madder"}')),
 *     pdqHash: design.lineage.pdqHash,
 *     tileHash: design.lineage.tileHash,
 *     creator: design.lineage.creator,
 *     recipeId: 0n,
 *   },
 *   to: design.owner, royaltyBps: 500, deadline: 2n ** 40n,
 *   designId, // a ColourwayAttestation: valid for this design's mintColourway only
 * });
 * await mintColourway(owner, { certificate, request, designId });
 */
export function mintColourway(
  client: Client<Transport, Chain | undefined, Account>,
  p: MintColourwayParameters,
): Promise<MintColourwayReturnType> {
  return simulateAndWrite(client, {
    address: p.certificate,
    abi: motifCertificateAbi,
    functionName: "mintColourway",
    args: [p.request, p.designId],
  });
}
