// The SDK's dataset Merkle trees for the Solidity tests (called through the `ffi` cheatcode):
//   node --import tsx test/contracts/ffi/dataset-merkle.ts <seed> <largest>
// prints, hex-encoded for the cheatcode, abi.encode(roots, tokenIds, imageDigests, licenseIds, proofs):
// one dataset of n pseudo-random members (derived from `seed`) for each n in 1..largest, its root
// from `datasetMerkleRoot` and each member's proof from `datasetMerkleProof`.
import { encodeAbiParameters, keccak256 } from "viem";
import { type DatasetMember, datasetMerkleProof, datasetMerkleRoot } from "@motif/sdk";

const [seed, largest] = process.argv.slice(2).map((a) => BigInt(a));
const word = (n: number, i: number, tag: number) =>
  keccak256(encodeAbiParameters([{ type: "uint256" }, { type: "uint256" }, { type: "uint256" }, { type: "uint256" }], [seed!, BigInt(n), BigInt(i), BigInt(tag)]));
const datasets: DatasetMember[][] = Array.from({ length: Number(largest) }, (_, k) =>
  Array.from({ length: k + 1 }, (_, i) => ({ tokenId: BigInt(word(k + 1, i, 0)), imageDigest: word(k + 1, i, 1), licenseId: BigInt(word(k + 1, i, 2)) })),
);
process.stdout.write(
  encodeAbiParameters(
    [{ type: "bytes32[]" }, { type: "uint256[][]" }, { type: "bytes32[][]" }, { type: "uint256[][]" }, { type: "bytes32[][][]" }],
    [
      datasets.map((d) => datasetMerkleRoot(d)),
      datasets.map((d) => d.map((m) => m.tokenId)),
      datasets.map((d) => d.map((m) => m.imageDigest)),
      datasets.map((d) => d.map((m) => m.licenseId)),
      datasets.map((d) => d.map((m) => datasetMerkleProof(d, m))),
    ],
  ),
);
