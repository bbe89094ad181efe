import { type Hex, concat, encodeAbiParameters, keccak256 } from "viem";

/** One member of a training dataset: a certificate, its image, and the license that allows the use. */
export type DatasetMember = {
  tokenId: bigint;
  /** sha-256 of the image (its raw-block CID digest; equals the token id for Motif patterns). */
  imageDigest: Hex;
  licenseId: bigint;
};

/** Leaf of a member: keccak256(abi.encode(tokenId, imageDigest, licenseId)), hashed again as
 * OpenZeppelin's MerkleProof recommends (no second-preimage across tree levels). */
export function datasetLeaf(m: DatasetMember): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "bytes32" }, { type: "uint256" }], [m.tokenId, m.imageDigest, m.licenseId])));
}

const hashPair = (a: Hex, b: Hex): Hex => (BigInt(a) < BigInt(b) ? keccak256(concat([a, b])) : keccak256(concat([b, a])));

/** The tree's levels, leaves first (sorted, so a dataset's root does not depend on member order). */
function levels(members: readonly DatasetMember[]): Hex[][] {
  if (members.length === 0) throw new RangeError("members: a dataset needs at least one member");
  return levelsOfLeaves(members.map(datasetLeaf));
}

function levelsOfLeaves(leaves: Hex[]): Hex[][] {
  let level = leaves.sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0));
  const out = [level];
  while (level.length > 1) {
    const next: Hex[] = [];
    for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? hashPair(level[i]!, level[i + 1]!) : level[i]!);
    out.push((level = next));
  }
  return out;
}

/**
 * Merkle root of a dataset: sorted-pair keccak-256 over the members' leaves (the scheme of
 * OpenZeppelin's MerkleProof, so a contract can check a member's inclusion).
 *
 * @example
 * import { datasetMerkleRoot } from "@motif/sdk";
 * const root = datasetMerkleRoot([{ tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), imageDigest: "0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001") }]);
 */
export function datasetMerkleRoot(members: readonly DatasetMember[]): Hex {
  return levels(members).at(-1)![0]!;
}

/**
 * The inclusion proof of `member` (sibling hashes from the leaf up).
 *
 * @example
 * import { datasetMerkleProof, verifyDatasetProof, datasetMerkleRoot, type DatasetMember } from "@motif/sdk";
 * const members: DatasetMember[] = [
 *   { tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), imageDigest: "0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82", licenseId: BigInt("0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001") },
 *   { tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), imageDigest: "0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82", licenseId: BigInt("0x3e984dcc9bebe58e89f39003db380ff6b7ce0beef59092c8f6c858bc40dd0001") },
 * ];
 * const proof = datasetMerkleProof(members, members[0]!);
 * console.log(verifyDatasetProof(datasetMerkleRoot(members), members[0]!, proof)); // "true"
 */
export function datasetMerkleProof(members: readonly DatasetMember[], member: DatasetMember): Hex[] {
  const tree = levels(members);
  let index = tree[0]!.indexOf(datasetLeaf(member));
  if (index < 0) throw new RangeError(`member: token ${member.tokenId} with license ${member.licenseId} is not in the dataset`);
  const proof: Hex[] = [];
  for (const level of tree.slice(0, -1)) {
    const sibling = index % 2 === 0 ? level[index + 1] : level[index - 1];
    if (sibling !== undefined) proof.push(sibling);
    index = Math.floor(index / 2);
  }
  return proof;
}

/** Whether `proof` shows `member` is in the dataset with `root`. */
export function verifyDatasetProof(root: Hex, member: DatasetMember, proof: readonly Hex[]): boolean {
  return proof.reduce<Hex>((h, sibling) => hashPair(h, sibling), datasetLeaf(member)) === root;
}

/** Leaf of a raw training file: keccak256(keccak256(abi.encode(sha256 of its bytes))). */
export function trainingFileLeaf(digest: Hex): Hex {
  return keccak256(keccak256(encodeAbiParameters([{ type: "bytes32" }], [digest])));
}

/**
 * Merkle root of raw training files that are not certificates (a studio's own swatches): the same
 * sorted-pair scheme as `datasetMerkleRoot`, over `trainingFileLeaf` of each file's sha-256. A
 * model card's `training.dataRoot` when no dataset certificate is named; order does not matter, a
 * file given twice counts once.
 *
 * @example
 * import { trainingFilesRoot } from "@motif/sdk";
 * const root = trainingFilesRoot(["0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "0x2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"]);
 * console.log(root.length); // 66
 */
export function trainingFilesRoot(digests: readonly Hex[]): Hex {
  const unique = [...new Set(digests.map((d) => d.toLowerCase() as Hex))];
  if (unique.length === 0) throw new RangeError("files: training data needs at least one file");
  for (const d of unique) if (!/^0x[0-9a-f]{64}$/.test(d)) throw new RangeError(`files: "${d}" is not a sha-256 digest (0x and 64 hex digits)`);
  return levelsOfLeaves(unique.map(trainingFileLeaf)).at(-1)![0]!;
}
