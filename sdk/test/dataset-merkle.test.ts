import { expect } from "chai";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { encodeAbiParameters, keccak256 } from "viem";

import { type DatasetMember, datasetLeaf, datasetMerkleProof, datasetMerkleRoot, verifyDatasetProof } from "@motif/sdk";

/**
 * The SDK's dataset tree against OpenZeppelin's JavaScript library (@openzeppelin/merkle-tree, the
 * reference for its Solidity `MerkleProof`; test/contracts/DatasetMerkle.t.sol checks the contract
 * side). Why the SDK keeps its own tree: the leaves are the same, but the shapes are not
 * (OpenZeppelin lays the leaves out as a complete binary tree; the SDK pairs sorted leaves level by
 * level and promotes an odd one), so the roots differ from 5 members on, and a dataset certificate's
 * id commits to the SDK's root (`datasetIdOf(curator, root)`). Proofs of either verify in the other.
 */
const ENCODING = ["uint256", "bytes32", "uint256"];
const word = (n: number, i: number, tag: number) => keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }, { type: "uint256" }], [BigInt(n), BigInt(i), BigInt(tag)]));
const dataset = (n: number): DatasetMember[] => Array.from({ length: n }, (_, i) => ({ tokenId: BigInt(word(n, i, 0)), imageDigest: word(n, i, 1), licenseId: BigInt(word(n, i, 2)) }));
const value = (m: DatasetMember) => [m.tokenId, m.imageDigest, m.licenseId];

describe("dataset Merkle proofs verify in OpenZeppelin's merkle-tree (and its proofs in the SDK)", () => {
  const sizes = [...Array.from({ length: 17 }, (_, i) => i + 1), 31, 64, 100];

  it("the SDK's leaf is OpenZeppelin's standard leaf of (uint256 tokenId, bytes32 imageDigest, uint256 licenseId)", () => {
    const members = dataset(9);
    const tree = StandardMerkleTree.of(members.map(value), ENCODING);
    for (const m of members) expect(datasetLeaf(m)).to.equal(tree.leafHash(value(m)));
  });

  it("every member's SDK proof verifies against the SDK's root with StandardMerkleTree.verify; a changed member does not", () => {
    for (const n of sizes) {
      const members = dataset(n);
      const root = datasetMerkleRoot(members);
      for (const m of members) {
        const proof = datasetMerkleProof(members, m);
        expect(StandardMerkleTree.verify(root, ENCODING, value(m), proof), `${n} members`).to.equal(true);
        expect(StandardMerkleTree.verify(root, ENCODING, [m.tokenId, m.imageDigest, m.licenseId ^ 1n], proof), `${n} members, changed licence`).to.equal(false);
      }
    }
  });

  it("OpenZeppelin's own proofs verify against its root with the SDK's verifyDatasetProof", () => {
    for (const n of sizes) {
      const members = dataset(n);
      const tree = StandardMerkleTree.of(members.map(value), ENCODING);
      for (const m of members) expect(verifyDatasetProof(tree.root as `0x${string}`, m, tree.getProof(value(m)) as `0x${string}`[]), `${n} members`).to.equal(true);
    }
  });

  it("the roots agree up to 4 members and differ from 5 on (a different tree shape): why the SDK keeps its tree", () => {
    for (const n of [1, 2, 3, 4]) expect(datasetMerkleRoot(dataset(n)), `${n}`).to.equal(StandardMerkleTree.of(dataset(n).map(value), ENCODING).root);
    expect(datasetMerkleRoot(dataset(5))).to.not.equal(StandardMerkleTree.of(dataset(5).map(value), ENCODING).root);
  });
});
