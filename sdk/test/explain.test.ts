import { expect } from "chai";
import {
  type Abi,
  type AbiParameter,
  BaseError,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  type Hex,
  HttpRequestError,
  encodeErrorResult,
  getAddress,
  parseAbi,
  zeroAddress,
} from "viem";

import {
  MotifContractError,
  explainMotifError,
  motifCertificateAbi,
  motifErrorOf,
  motifLicensingAbi,
  motifModelRegistryAbi,
} from "@motif/sdk";

// Values as large as the contracts can send: a token id is a sha-256, so a 78-digit decimal.
const TOKEN = 0x9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08n;
const ADDRESS = getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
const US_BIT = 232n; // bit of "US" in the frozen table (regions-v1.json, looked up by hand, not by the code under test)

/** A value of every ABI type, chosen so that a raw decimal rendering would be 60+ digits long. */
function sample(p: AbiParameter): unknown {
  if (/\[\d*\]$/.test(p.type)) return [sample({ ...p, type: p.type.replace(/\[\d*\]$/, "") } as AbiParameter)];
  const components = (p as { components?: readonly AbiParameter[] }).components;
  if (p.type === "tuple" && components !== undefined) return Object.fromEntries(components.map((c) => [c.name!, sample(c)]));
  if (p.type === "address") return ADDRESS;
  if (p.type === "bool") return true;
  if (p.type === "string") return "weightsDigest";
  if (p.type === "bytes") return "0x1234";
  if (p.type.startsWith("bytes")) return `0x${"ab".repeat(Number(p.type.slice(5)))}`;
  const bits = Number(/^u?int(\d*)$/.exec(p.type)?.[1] || 256);
  if ((p as { internalType?: string }).internalType?.startsWith("enum")) return 1;
  if (p.name === "region") return US_BIT;
  if (bits <= 48) return bits >= 32 ? 1_800_000_000 : 7; // uint40 times, small counts
  return bits === 256 ? TOKEN : (1n << BigInt(bits - 1)) + 5n;
}

/** What viem throws when a call to `functionName` reverts with `errorName`: the real error chain. */
function revertOf(abi: Abi, functionName: string, errorName: string, args: readonly unknown[]): ContractFunctionExecutionError {
  const data = encodeErrorResult({ abi, errorName, args } as never);
  const cause = new ContractFunctionRevertedError({ abi, data, functionName });
  const fn = abi.find((x) => x.type === "function" && x.name === functionName);
  // an offer in ETH (currency zero): the amounts an error carries are worded in the call's currency
  const fnArgs = (fn?.type === "function" ? fn.inputs.map(sample) : []).map((a) =>
    a !== null && typeof a === "object" && "terms" in (a as object) ? { ...(a as object), terms: { ...(a as { terms: object }).terms, currency: zeroAddress } } : a,
  );
  return new ContractFunctionExecutionError(cause, { abi, functionName, args: fnArgs, contractAddress: ADDRESS, sender: ADDRESS });
}

/** The oracle for "a sentence in words": none of viem's boilerplate, no long decimal, one line. */
function expectWords(text: string, context: string) {
  expect(text, context).to.match(/^["A-Z0-9]/);
  expect(text.replace(/0x[0-9a-fA-F]+/g, "0x…"), context).to.not.match(/\d{60,}/);
  expect(text, context).to.not.match(/viem|Docs:|Version:|Contract Call:|Request Arguments|undefined|NaN|\[object/);
  expect(text, context).to.not.contain("\n");
}

const CONTRACTS: Array<[string, Abi, string, string]> = [
  // [contract, ABI, a view it has, a state-changing function it has]
  ["MotifCertificate", motifCertificateAbi as Abi, "ownerOf", "logEdit"],
  ["MotifLicensing", motifLicensingAbi as Abi, "requireLicensed", "reportUsage"],
  ["MotifModelRegistry", motifModelRegistryAbi as Abi, "modelStatus", "deprecateModel"],
];

describe("contract errors in words (explainMotifError)", function () {
  it("words every error of the three ABIs, from a transaction and from a read, with hex ids and region codes", () => {
    let count = 0;
    for (const [contract, abi, view, write] of CONTRACTS) {
      const errors = abi.filter((x): x is Extract<Abi[number], { type: "error" }> => x.type === "error");
      expect(errors.length, contract).to.be.greaterThan(5);
      for (const e of errors) {
        const args = e.inputs.map(sample);
        for (const [fn, read] of [[view, true], [write, false]] as const) {
          const error = revertOf(abi, fn, e.name, args);
          // the viem error as thrown, and the SDK's MotifContractError around it: the same words
          for (const thrown of [error, motifErrorOf(error)!]) {
            const text = explainMotifError(thrown);
            const context = `${contract} ${e.name} from ${fn}: ${text}`;
            expectWords(text, context);
            expect(text, context).to.contain(e.name);
            if (read) expect(text, context).to.not.match(/refused the transaction/i);
            else expect(text, context).to.contain("refused the transaction");
            e.inputs.forEach((p) => {
              if (p.type === "uint256" && /Id$/.test(p.name ?? "")) expect(text, `${context} (${p.name})`).to.contain(`0x${TOKEN.toString(16).padStart(64, "0")}`);
              if (p.name === "region") expect(text, context).to.contain("(US)");
              if (p.type === "address" && !/currency|token/i.test(p.name ?? "")) expect(text, context).to.contain(ADDRESS);
            });
          }
          // MotifContractError's own message is the same sentence
          expect(motifErrorOf(error)!.shortMessage).to.equal(explainMotifError(error));
          count++;
        }
      }
    }
    expect(count).to.be.greaterThan(100);
  });

  it("words each bad-input error of the licensing contract: the field, the allowed range, hex ids, ETH amounts, dates and durations", () => {
    const ETH = 10n ** 18n;
    const MAX_UINT40 = 2n ** 40n - 1n;
    const tokenHex = `0x${TOKEN.toString(16).padStart(64, "0")}`;
    // [error, args, what the sentence must say] — expectations written by hand from the error's meaning
    const cases: Array<[string, readonly unknown[], readonly (string | RegExp)[]]> = [
      ["MotifLicensingInvalidFlags", [(1 << 9) | 1, 127], ["COMMERCIAL | unknown bits 0x200", "COMMERCIAL | DERIVATIVES | AI_TRAINING | SUBLICENSABLE | TRANSFERABLE | EXCLUSIVE | REVOCABLE_FOR_BREACH"]],
      ["MotifLicensingEmptyTermsDigest", [], ["terms digest is zero", "legal text"]],
      ["MotifLicensingUnsupportedTermsCodec", [0x12], ["Terms codec 18", "raw, dag-pb, dag-cbor, dag-json, json"]],
      ["MotifLicensingCurrencyNotContract", [ADDRESS], [ADDRESS, "not a contract", "ETH"]],
      ["MotifLicensingRelativeWindowEnd", [5, 90 * 86_400], ["90 days (7,776,000 s)", "not 1970-01-01 00:00 UTC"]],
      ["MotifLicensingDurationTooLong", [MAX_UINT40 - 10n, 86_400n * 365n], ["longest allowed now is 365 days (31,536,000 s)"]],
      ["MotifLicensingPerpetualRenewalPrice", [ETH / 100n], ["perpetual", "must be 0, not 0.01 ETH"]],
      ["MotifLicensingCeilingBelowFloor", [ETH / 2n, ETH], ["ceiling 0.5 ETH is below the floor price 1 ETH"]],
      ["MotifLicensingInvalidDecayWindow", [0], ["at least 1 second, not 0 s"]],
      ["MotifLicensingInvalidDemandCap", [0], ["at least 1 sale, not 0"]],
      ["MotifLicensingInvalidMaxUses", [2, 1], ["1 to 1 acceptances, not 2", "exclusive offer allows exactly one"]],
      ["MotifLicensingInvalidMaxUses", [0, 2 ** 32 - 1], ["1 to 4,294,967,295 acceptances, not 0"]],
      ["MotifLicensingDeadlinePassed", [1_800_000_000, 1_800_000_060n], ["2027-01-15 08:00 UTC", "now 2027-01-15 08:01 UTC"]],
      ["MotifLicensingUnknownTerms", [3, 0], ["no terms #3", "none are stored yet"]],
      ["MotifLicensingUnknownTerms", [3, 2], ["terms ids run from 1 to 2"]],
      ["MotifLicensingInvalidUnits", [0n, 2n ** 56n - 1n], ["at most 72,057,594,037,927,935 units (and report units or net sales), not 0"]],
      ["MotifLicensingInvalidClasses", [0n, 2n ** 45n - 1n], ["product classes no class are not allowed", "all 45 classes"]],
      ["MotifLicensingInvalidClasses", [2n ** 50n, 2n ** 45n - 1n], ["reserved"]],
      ["MotifLicensingInvalidClass", [46n, 45n], ["Product class 46 does not exist", "from 1 to 45"]],
      ["MotifLicensingClassNotAllowed", [TOKEN, 25n], [`Licence ${tokenHex}`, "class 25 (Clothing"]],
      ["MotifLicensingSalesRoyaltyTooHigh", [5001, 5000], ["50.01%", "50% maximum"]],
      ["MotifLicensingNoSalesRoyalty", [TOKEN], [`licence ${tokenHex}`, "no royalty on net sales"]],
      ["MotifLicensingRenewalEndTooLate", [TOKEN, MAX_UINT40 + 5n, MAX_UINT40 - 1n], [`licence ${tokenHex}`, "after the last time a licence can end"]],
      ["MotifLicensingSelfTransfer", [TOKEN, ADDRESS], [`Licence ${tokenHex}`, `own licensee ${ADDRESS}`]],
      ["MotifLicensingAmountTooLarge", [2n ** 128n, 2n ** 128n - 1n], ["most one payment can carry"]],
      ["MotifLicensingInvalidFeeRecipient", ["0x0000000000000000000000000000000000000000"], ["fee recipient must be a non-zero address"]],
      ["MotifLicensingInvalidAdmin", ["0x0000000000000000000000000000000000000000"], ["admin must be a non-zero address"]],
      ["MotifLicensingInvalidCertificate", ["0x0000000000000000000000000000000000000000"], ["certificate contract must be a non-zero address"]],
      ["MotifLicensingInvalidRegistry", ["0x0000000000000000000000000000000000000000"], ["model registry must be a non-zero address"]],
    ];
    const covered = new Set(cases.map(([name]) => name));
    // every error these replaced (the old catch-all MotifLicensingInvalidField) is gone from the ABI
    expect((motifLicensingAbi as Abi).some((x) => x.type === "error" && x.name === "MotifLicensingInvalidField")).to.equal(false);
    for (const [name, args, wants] of cases) {
      const text = explainMotifError(revertOf(motifLicensingAbi as Abi, "publishOffer", name, args));
      expectWords(text, text);
      expect(text, text).to.contain(`[${name}; the contract refused the transaction publishOffer]`);
      for (const want of wants) {
        if (typeof want === "string") expect(text, name).to.contain(want);
        else expect(text, name).to.match(want);
      }
    }
    expect(covered.size).to.equal(26);
  });

  it("words errors it has never seen (added to the contracts after this SDK) from their ABI's names and types", () => {
    const newer = parseAbi([
      "function acceptSignedOffer(uint256 tokenId) payable",
      "function licenseOf(uint256 tokenId) view returns (uint256)",
      "error MotifLicensingLicenseeMismatch(bytes32 offerKey, address licensee, address caller)",
      "error MotifLicensingRenewalRefused(uint256 licenseId, uint40 end, uint256 renewalPrice, uint256 region)",
      "error MotifLicensingSomethingElse(uint256 tokenId, uint256 regions, uint16 feeBps, address currency, uint256 amount)",
      "struct Window { uint40 start; uint40 end; }",
      "error MotifLicensingWindowRefused(uint256 licenseId, Window window, uint256[] tokenIds)",
    ]) as Abi;
    const mismatch = explainMotifError(revertOf(newer, "acceptSignedOffer", "MotifLicensingLicenseeMismatch", [`0x${"cd".repeat(32)}`, ADDRESS, ADDRESS]));
    expectWords(mismatch, mismatch);
    expect(mismatch).to.match(/^Motif licensing refused: licensee mismatch \(offer key 0xcdcd.*, licensee 0x7099.*, caller 0x7099.*\)\. \[MotifLicensingLicenseeMismatch; the contract refused the transaction acceptSignedOffer\]$/);
    const renewal = explainMotifError(revertOf(newer, "acceptSignedOffer", "MotifLicensingRenewalRefused", [TOKEN, 1_800_000_000, 10n ** 16n, US_BIT]));
    expectWords(renewal, renewal);
    expect(renewal).to.contain("renewal refused");
    expect(renewal).to.contain(`licence 0x${TOKEN.toString(16)}`);
    expect(renewal).to.contain("2027-01-15 08:00 UTC"); // 1,800,000,000 s after 1970 (date(1) says so)
    expect(renewal).to.contain("0.01 ETH");
    expect(renewal).to.contain("United States (US)");
    const other = explainMotifError(revertOf(newer, "licenseOf", "MotifLicensingSomethingElse", [TOKEN, (1n << 74n) | (1n << 232n), 250, "0x0000000000000000000000000000000000000000", 5n * 10n ** 17n]));
    expectWords(other, other);
    expect(other).to.not.contain("refused the transaction");
    expect(other).to.contain("reading licenseOf");
    expect(other).to.contain("FR, US");
    expect(other).to.contain("2.5%");
    expect(other).to.contain("currency ETH");
    expect(other).to.contain("0.5 ETH");
    const struct = explainMotifError(revertOf(newer, "licenseOf", "MotifLicensingWindowRefused", [TOKEN, { start: 1_800_000_000, end: 0 }, [TOKEN, 1n]]));
    expectWords(struct, struct);
    expect(struct).to.contain("window {start 2027-01-15 08:00 UTC, end none (0)}");
    expect(struct).to.contain(`token ids [0x${TOKEN.toString(16)}, 1]`);
  });

  it("a read that reverts without a Motif error (e.g. ownerOf on a missing token) says what was read, in hex", () => {
    const abi = parseAbi(["function ownerOf(uint256 id) view returns (address)", "error TokenDoesNotExist()"]) as Abi;
    const text = explainMotifError(revertOf(abi, "ownerOf", "TokenDoesNotExist", []));
    expectWords(text, text);
    expect(text).to.not.match(/refused the transaction/i);
    expect(text).to.contain(`0x${TOKEN.toString(16)}`);
    const bare = new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi, functionName: "ownerOf" }), { abi, functionName: "ownerOf", args: [TOKEN], contractAddress: ADDRESS });
    const none = explainMotifError(bare);
    expectWords(none, none);
    expect(none).to.contain(`0x${TOKEN.toString(16)}`);
    expect(none).to.not.match(/refused the transaction/i);
    // viem's own message for the same error is what used to reach the user
    expect(bare.message).to.match(/viem|\d{60,}/);
  });

  it("errors that are not contract reverts keep their short message, never viem's boilerplate", () => {
    const e = new BaseError("HTTP request failed.", { details: "fetch failed", metaMessages: ["URL: http://127.0.0.1:1"] });
    expect(explainMotifError(e)).to.equal("HTTP request failed. (fetch failed)");
    expect(explainMotifError(new Error("plain"))).to.equal("plain");
    // a failed RPC request names the host it went to, never the key in its URL
    const http = explainMotifError(new HttpRequestError({ url: "https://rpc.example:8545/v3/SECRET-KEY?token=T0KEN", details: "fetch failed" }));
    expect(http).to.equal("HTTP request failed. (fetch failed) [rpc.example:8545]");
    expect(explainMotifError({ code: 4001 })).to.contain("rejected");
    const made = new MotifContractError("MotifLicensingRevoked", [TOKEN]);
    expect(made.shortMessage).to.equal(`Licence 0x${TOKEN.toString(16)} was revoked. [MotifLicensingRevoked]`);
    expect(explainMotifError(made)).to.equal(made.shortMessage);
    // a revert the call's ABI cannot decode (raised by another Motif contract) is decoded with all of them
    const data: Hex = encodeErrorResult({ abi: motifLicensingAbi, errorName: "MotifLicensingRegionNotAllowed", args: [TOKEN, US_BIT] });
    const abi = parseAbi(["function settle(uint256 tokenId)"]) as Abi;
    const foreign = explainMotifError(new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi, data, functionName: "settle" }), { abi, functionName: "settle", args: [1n] }));
    expect(foreign).to.equal(`Licence 0x${TOKEN.toString(16)} does not cover United States (US). [MotifLicensingRegionNotAllowed; the contract refused the transaction settle]`);
  });
});
