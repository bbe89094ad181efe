import { CID } from "multiformats/cid";
import { type Address, type Client, type Hex, bytesToHex } from "viem";
import { getBlock } from "viem/actions";

import { checkTrainingLicense, tokenIdHex, type DatasetManifest, getCertificate, canonicalJson, type DatasetMember, datasetMerkleProof, datasetMerkleRoot, region as regionOf } from "@motif/sdk";
import type { IpfsStore } from "../ipfs/embedded.js";

export type DatasetExportInput = {
  client: Client;
  addresses: { certificate: Address; licensing: Address };
  licensee: Address;
  /** Region the training happens in (any ISO 3166-1 code). */
  region: string;
  /** Unix seconds the licenses are checked at (default: the latest block's time). */
  time?: bigint;
  tokenIds: bigint[];
  store: IpfsStore;
};

export type DatasetExport = {
  manifest: DatasetManifest;
  manifestCid: CID;
  /** CARv1 with the manifest, every member's metadata and image (roots: the manifest first). */
  car: Uint8Array;
  refused: Array<{ tokenId: Hex; reason: string }>;
};

const hex = tokenIdHex;

/**
 * Collects the patterns `licensee` may train on in `region` at `time` (each checked on-chain: a
 * license covers it and its terms allow AI training), and packs them: a manifest naming each
 * member's certificate, CIDs and license with its Merkle inclusion proof, and a CAR of it all. A
 * pattern without such a license is left out with its reason; none at all is an error.
 */
export async function exportDataset(input: DatasetExportInput): Promise<DatasetExport> {
  const r = regionOf(input.region);
  const time = input.time ?? (await getBlock(input.client)).timestamp;
  const refused: DatasetExport["refused"] = [];
  const picked: Array<DatasetMember & { imageCid: CID; metadataCid: CID }> = [];
  for (const tokenId of input.tokenIds) {
    const check = await checkTrainingLicense(input.client, { licensing: input.addresses.licensing, tokenId, licensee: input.licensee, region: r.alpha2, time });
    if (!check.allowed) {
      refused.push({ tokenId: hex(tokenId), reason: check.reason });
      continue;
    }
    const cert = await getCertificate(input.client, { certificate: input.addresses.certificate, tokenId });
    const metadataCid = CID.parse(cert.tokenURI.replace(/^ipfs:\/\//, ""));
    let metadata: { image?: string };
    try {
      metadata = JSON.parse(new TextDecoder().decode(await input.store.cat(metadataCid))) as { image?: string };
    } catch (error) {
      refused.push({ tokenId: hex(tokenId), reason: `metadata ${metadataCid} is not in this IPFS store (${(error as Error).message.split("\n")[0]})` });
      continue;
    }
    const imageCid = CID.parse(String(metadata.image).replace(/^ipfs:\/\//, ""));
    if (!(await input.store.has(imageCid))) {
      refused.push({ tokenId: hex(tokenId), reason: `image ${imageCid} is not in this IPFS store` });
      continue;
    }
    picked.push({ tokenId, imageDigest: bytesToHex(imageCid.multihash.digest), licenseId: check.licenseId, imageCid, metadataCid });
  }
  if (picked.length === 0) {
    throw new Error(`no pattern may be used for AI training by ${input.licensee} in ${r.alpha2}: ${refused.map((x) => `${x.tokenId}: ${x.reason}`).join("; ")}`);
  }
  const root = datasetMerkleRoot(picked);
  const manifest: DatasetManifest = {
    format: "motif-dataset/1",
    licensee: input.licensee,
    region: r.alpha2,
    time: time.toString(),
    root,
    members: picked.map((m) => ({
      tokenId: hex(m.tokenId),
      imageCid: m.imageCid.toString(),
      imageDigest: m.imageDigest,
      metadataCid: m.metadataCid.toString(),
      licenseId: m.licenseId.toString(),
      proof: datasetMerkleProof(picked, m),
    })),
  };
  const manifestCid = await input.store.add(new TextEncoder().encode(canonicalJson(manifest)));
  const car = await input.store.exportCar([manifestCid, ...picked.flatMap((m) => [m.metadataCid, m.imageCid])]);
  return { manifest, manifestCid, car, refused };
}
