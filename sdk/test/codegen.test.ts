import { spawnSync } from "node:child_process";
import { cp, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";

import { expect } from "chai";
import {
  type Abi,
  type AbiParameter,
  type AbiParameterToPrimitiveType,
  ContractFunctionExecutionError,
  ContractFunctionRevertedError,
  encodeErrorResult,
  getAddress,
  keccak256,
  stringToBytes,
} from "viem";

import {
  CertificateKind,
  LicenseFlags,
  LicenseStatus,
  ModelStatus,
  MotifContractError,
  type MotifErrorUnion,
  PERPETUAL,
  describeMotifError,
  eip712Types,
  explainMotifError,
  isMotifError,
  colourwayAttestationTypes,
  mintAttestationTypes,
  motifCertificateAbi,
  motifErrorArgNames,
  motifErrorOf,
  motifLicensingAbi,
  motifModelRegistryAbi,
  offerTypes,
} from "@motif/sdk";

// The oracles here are the Solidity sources and the compiled artifacts, read as text and JSON by this
// file; never the generated modules checking themselves.
const root = process.cwd();
const sol = (file: string) => readFile(path.join(root, "contracts", file), "utf8");
const SDK_CONTRACTS = ["MotifCertificate", "MotifLicensing", "MotifModelRegistry"] as const;
const artifactAbi = async (c: string) => (JSON.parse(await readFile(path.join(root, "artifacts", "contracts", `${c}.sol`, `${c}.json`), "utf8")) as { abi: Abi }).abi;
type AbiErrorItem = Extract<Abi[number], { type: "error" }>;

/** EIP-712 `encodeType` of a primary type, as the EIP writes it (referenced types sorted by name). */
function encodeType(types: Record<string, readonly { name: string; type: string }[]>, primary: string): string {
  const deps = new Set<string>();
  const visit = (t: string) => {
    for (const f of types[t] ?? []) {
      const base = f.type.replace(/(\[\d*\])+$/, "");
      if (types[base] !== undefined && base !== primary && !deps.has(base)) {
        deps.add(base);
        visit(base);
      }
    }
  };
  visit(primary);
  return [primary, ...[...deps].sort()].map((t) => `${t}(${types[t]!.map((f) => `${f.type} ${f.name}`).join(",")})`).join("");
}

/**
 * The type strings the Solidity sources hash into each `*_TYPEHASH`, by primary type: string literals
 * and the `bytes constant X = "…"` they concatenate with `abi.encodePacked`, read from the .sol text.
 */
async function solidityTypeStrings(): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const files: string[] = [];
  const walk = async (dir: string) => {
    for (const e of await readdir(path.join(root, "contracts", dir), { withFileTypes: true })) {
      if (e.isDirectory() && e.name !== "bench") await walk(path.join(dir, e.name));
      else if (e.name.endsWith(".sol")) files.push(path.join(dir, e.name));
    }
  };
  await walk("");
  for (const f of files) {
    const text = await sol(f);
    const literals = new Map<string, string>();
    for (const m of text.matchAll(/constant (\w+) =\s*"([^"]*)";/g)) literals.set(m[1]!, m[2]!);
    for (const m of text.matchAll(/constant (\w+_TYPEHASH) = keccak256\(([\s\S]*?)\);/g)) {
      const body = m[2]!.trim().replace(/^abi\.encodePacked\(([\s\S]*)\)$/, "$1");
      const parts = [...body.matchAll(/"[^"]*"|\w+/g)].map((p) => p[0]);
      const s = parts.map((p) => (p.startsWith('"') ? JSON.parse(p) as string : literals.get(p) ?? expect.fail(`${f}: ${m[1]} uses ${p}`))).join("");
      out.set(/^\w+/.exec(s)![0], s);
    }
  }
  return out;
}

/** A value of every ABI type. */
function sample(p: AbiParameter): unknown {
  if (/\[\d*\]$/.test(p.type)) return [sample({ ...p, type: p.type.replace(/\[\d*\]$/, "") } as AbiParameter)];
  if (p.type === "address") return getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
  if (p.type === "bool") return true;
  if (p.type === "string") return "name";
  if (p.type === "bytes") return "0x1234";
  if (p.type.startsWith("bytes")) return `0x${"ab".repeat(Number(p.type.slice(5)))}`;
  const bits = Number(/^u?int(\d*)$/.exec(p.type)?.[1] || 256);
  if ((p as { internalType?: string }).internalType?.startsWith("enum")) return 1;
  if (p.name === "region") return 232n;
  return bits <= 48 ? 7 : 123456789n;
}

function run(...args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "generate-abis.ts"), ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CI: "" } });
}

// Compile-time: the union equals what abitype derives from the ABIs (tsc runs over this file in `npm test`).
type AbiErrors = Extract<(typeof motifCertificateAbi | typeof motifLicensingAbi | typeof motifModelRegistryAbi)[number], { type: "error" }>;
type NamedArgs<P extends readonly AbiParameter[]> = P extends readonly [] ? Record<string, never> : { [Q in P[number] as Q["name"] & string]: AbiParameterToPrimitiveType<Q> };
type FromAbi = { [E in AbiErrors as E["name"]]: { errorName: E["name"]; args: NamedArgs<E["inputs"]> } }[AbiErrors["name"]];
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const unionIsTheAbis: Same<FromAbi, MotifErrorUnion> = true;

describe("codegen from the compiled contracts (scripts/generate-abis.ts)", function () {
  this.timeout(120_000);

  it("the EIP-712 type lists encode to the type strings the Solidity sources hash, every one of them", async () => {
    const strings = await solidityTypeStrings();
    expect([...strings.keys()].sort()).to.deep.equal(["ColourwayAttestation", "LicenseTerms", "LicenseWindow", "Lineage", "MintAttestation", "Offer", "Pricing"]);
    expect(Object.keys(eip712Types).sort()).to.deep.equal([...strings.keys()].sort());
    for (const [primary, s] of strings) {
      const types = (eip712Types as unknown as Record<string, Record<string, readonly { name: string; type: string }[]>>)[primary]!;
      expect(encodeType(types, primary), primary).to.equal(s);
      expect(keccak256(stringToBytes(encodeType(types, primary)))).to.equal(keccak256(stringToBytes(s)));
    }
    // the SDK's exported lists are those
    expect(encodeType(mintAttestationTypes as never, "MintAttestation")).to.equal(strings.get("MintAttestation"));
    expect(encodeType(colourwayAttestationTypes as never, "ColourwayAttestation")).to.equal(strings.get("ColourwayAttestation"));
    expect(encodeType(offerTypes as never, "Offer")).to.equal(strings.get("Offer"));
  });

  it("every custom error of the three ABIs is in the union, decoded with its arguments by name", async () => {
    expect(unionIsTheAbis).to.equal(true);
    let count = 0;
    for (const c of SDK_CONTRACTS) {
      const abi = await artifactAbi(c);
      for (const e of abi.filter((x): x is AbiErrorItem => x.type === "error")) {
        const names = e.inputs.map((i) => i.name);
        expect(motifErrorArgNames[e.name as keyof typeof motifErrorArgNames], `${c} ${e.name}`).to.deep.equal(names);
        const args = e.inputs.map(sample);
        const data = encodeErrorResult({ abi, errorName: e.name, args } as never);
        const viemError = new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi, data, functionName: "x" }), { abi, functionName: "x", args: [] });
        const motif = motifErrorOf(viemError);
        expect(motif, e.name).to.be.instanceOf(MotifContractError);
        expect(motif!.errorName).to.equal(e.name);
        expect(motif!.data.errorName).to.equal(e.name);
        expect(motif!.args).to.deep.equal(args);
        expect(motif!.data.args).to.deep.equal(Object.fromEntries(names.map((n, i) => [n, args[i]])));
        count++;
      }
    }
    expect(count).to.be.greaterThan(90);
  });

  it("types a Motif error's arguments by name (misspelled names and arguments do not compile)", () => {
    const fake = new MotifContractError("MotifLicensingRegionNotAllowed", [5n, 232n]);
    expect(fake.data).to.deep.equal({ errorName: "MotifLicensingRegionNotAllowed", args: { licenseId: 5n, region: 232n } });
    const regionOf = (e: unknown): bigint | undefined => {
      if (isMotifError(e, "MotifLicensingRegionNotAllowed")) return e.data.args.region;
      if (e instanceof MotifContractError && e.data.errorName === "MotifLicensingNotLicensed") {
        // @ts-expect-error the argument is named tokenId, not token
        return e.data.args.token;
      }
      // @ts-expect-error there is no such error
      if (e instanceof MotifContractError && e.errorName === "MotifLicensingRegionNotAlowed") return 0n;
      return undefined;
    };
    expect(regionOf(fake)).to.equal(232n);
    // Error(string), Panic and errors no Motif contract declares are not Motif errors
    const foreign = parseForeign();
    expect(motifErrorOf(foreign)).to.equal(undefined);
    expect(explainMotifError(foreign)).to.contain("SomethingElse");
  });

  it("enums, flags and constants equal the Solidity declarations", async () => {
    const license = await sol("types/License.sol");
    const flags = Object.fromEntries([...license.matchAll(/uint16 internal constant (\w+) = 1 << (\d+);/g)].map((m) => [m[1]!, 1 << Number(m[2])]));
    expect(Object.keys(flags)).to.have.length(8);
    const { ALL, ...single } = LicenseFlags;
    expect(single).to.deep.equal(flags);
    expect(ALL).to.equal(Object.values(flags).reduce((a, b) => a | b, 0));
    // MotifLicensing's public PERPETUAL is the exclusivity book's, which is the grant word's
    expect(await sol("MotifLicensing.sol")).to.contain("uint40 public constant PERPETUAL = Exclusivity.PERPETUAL;");
    expect(await sol("libraries/Exclusivity.sol")).to.contain("uint40 internal constant PERPETUAL = GrantSlotLibrary.PERPETUAL_END;");
    expect(await sol("types/GrantSlot.sol")).to.contain("uint40 internal constant PERPETUAL_END = type(uint40).max;");
    expect(PERPETUAL).to.equal(2 ** 40 - 1);
    const enumOf = async (file: string, name: string) => {
      const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec((await sol(file)).replace(/\/\/\/[^\n]*\n/g, ""))![1]!;
      return Object.fromEntries(body.split(",").map((m, i) => [m.trim(), i]));
    };
    expect(CertificateKind).to.deep.equal(await enumOf("types/Lineage.sol", "CertificateKind"));
    expect(ModelStatus).to.deep.equal(await enumOf("types/Model.sol", "ModelStatus"));
    expect(LicenseStatus).to.deep.equal(await enumOf("types/License.sol", "LicenseStatus"));
  });

  it("the explainer has words for every Motif error (no generic fallback), roles by the names the contracts give them", async () => {
    for (const c of SDK_CONTRACTS) {
      for (const e of (await artifactAbi(c)).filter((x): x is AbiErrorItem => x.type === "error")) {
        const text = describeMotifError(e.name, e.inputs.map(sample));
        expect(text, `${e.name}: ${text}`).to.not.match(/^(Motif (licensing|certificate|model registry|regions)|The contract) refused: /);
        expect(text, `${e.name}: ${text}`).to.not.match(/undefined|NaN|\[object/);
      }
    }
    const certificate = await sol("MotifCertificate.sol");
    const attester = /ATTESTER_ROLE = keccak256\("([^"]+)"\)/.exec(certificate)![1]!;
    const text = describeMotifError("AccessControlUnauthorizedAccount", [getAddress("0x70997970c51812dc3a010c7d01b50e0d17dc79c8"), keccak256(stringToBytes(attester))]);
    expect(text).to.contain("lacks the role ATTESTER_ROLE");
  });

  it("--check exits 1 naming a stale generated file, and 0 on a fresh copy", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "motif-codegen-"));
    try {
      for (const d of ["abis", "generated", "deployments"]) await cp(path.join(root, "sdk", "src", d), path.join(dir, d), { recursive: true });
      const fresh = run("--check", "--out", dir);
      expect(fresh.status, fresh.stderr).to.equal(0);
      const structs = path.join(dir, "generated", "structs.ts");
      await writeFile(structs, (await readFile(structs, "utf8")).replace(/"termsCodec"/g, '"termsCodex"'));
      const stale = run("--check", "--out", dir);
      expect(stale.status).to.equal(1);
      expect(stale.stderr).to.contain("Stale generated SDK files");
      expect(stale.stderr).to.contain("structs.ts");
      expect(await readFile(structs, "utf8")).to.contain("termsCodex"); // checked, not rewritten
      // writing regenerates it, and the committed files are what it writes
      const write = run("--out", dir);
      expect(write.status, write.stderr).to.equal(0);
      for (const f of await readdir(path.join(root, "sdk", "src", "generated"))) {
        expect(await readFile(path.join(dir, "generated", f), "utf8"), f).to.equal(await readFile(path.join(root, "sdk", "src", "generated", f), "utf8"));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

function parseForeign() {
  const abi = [{ type: "error", name: "SomethingElse", inputs: [{ name: "x", type: "uint256" }] }] as const satisfies Abi;
  const data = encodeErrorResult({ abi, errorName: "SomethingElse", args: [1n] });
  return new ContractFunctionExecutionError(new ContractFunctionRevertedError({ abi, data, functionName: "x" }), { abi, functionName: "x", args: [] });
}
