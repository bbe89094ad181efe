// Reference CID for the Solidity fuzz tests (called through the `ffi` cheatcode):
//   node test/contracts/ffi/cid.mjs <codec> <0x-digest>
// prints the CIDv1 (sha2-256) base32 string that multiformats computes, hex-encoded so the
// cheatcode returns its bytes.
import { CID } from "multiformats/cid";
import * as Digest from "multiformats/hashes/digest";

const [codec, digestHex] = process.argv.slice(2);
const digest = Digest.create(0x12, Buffer.from(digestHex.replace(/^0x/, ""), "hex"));
const cid = CID.createV1(Number(codec), digest).toString();
process.stdout.write("0x" + Buffer.from(cid, "utf8").toString("hex"));
