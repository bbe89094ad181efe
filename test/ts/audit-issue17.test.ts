/**
 * Audit of issue 17 ("one source of truth across layers", everything since 5cb1278), tried as a
 * user or a careless contributor would: each "F<n>" test is a finding and FAILS on the audited code
 * (expected vs observed and a suggested fix in its comment); the "held" block holds the attacks the
 * code withstood (they pass). Oracles are independent of the code under test: hand-written JSON
 * bytes and keccak-256 of them, files planted in a temporary tree, literal zero values.
 */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { network } from "hardhat";
import { getAddress, keccak256, stringToBytes, toHex, zeroAddress } from "viem";

import { jobKey, runBatch } from "../../generator/src/batch/batch.js";
import { Journal } from "../../generator/src/batch/journal.js";
import { pipelineConfig } from "../../generator/src/config.js";
import { EmbeddedIpfs } from "../../generator/src/ipfs/embedded.js";
import { type PipelineConfig, runPipeline } from "../../generator/src/pipeline.js";
import { loadManifest } from "../../generator/src/render/render.js";
import { PdqIndex } from "../../generator/src/screen/pdq-index.js";
import { checkBoundaries } from "../../scripts/check-boundaries.js";
import { deployMotif } from "../../scripts/lib/deploy.js";
import { redactUrl } from "../../scripts/lib/stack.js";
import { isLoopbackHost } from "../../scripts/lib/stack.js";
import { type ModelParamDeclaration,
  type Offer,
  explainMotifError,
  ModelParamsError,
  checkModelParams,
  licenseTerms,
  modelParamsHash,
  motifErrorOf,
  namedMotifErrorArgs,
  parseModelParamDeclarations,
  parseMotifMetadata,
  regionMask, modelRegistration } from "@motif/sdk";
import { deployedMotif } from "./helpers/deployed.js";

/** A temporary tree for the boundary check, removed after the test. */
function plantedTree(files: Record<string, string>): { root: string; done(): void } {
  const root = mkdtempSync(path.join(os.tmpdir(), "motif-audit17-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return { root, done: () => rmSync(root, { recursive: true, force: true }) };
}

const MANIFESTS = {
  "sdk/package.json": JSON.stringify({ name: "@motif/sdk", exports: { ".": "./dist/index.js" }, peerDependencies: { viem: "^2" } }),
  "generator/package.json": JSON.stringify({ name: "@motif/generator", dependencies: { "@motif/sdk": "0.1.0" } }),
  "web/package.json": JSON.stringify({ name: "@motif/web", dependencies: { "@motif/sdk": "0.1.0" } }),
  "package.json": JSON.stringify({ name: "motif", devDependencies: { "@motif/sdk": "0.1.0" } }),
  "sdk/src/a.ts": "export const a = 1;\n",
};

describe("audit of issue 17: one source of truth across layers", () => {
  // F1 (medium, secrets). stack.json promises the remote RPC URL "without its secrets" (scripts/lib/
  // stack.ts writes `urls.rpc: redactUrl(rpcUrl)`, and the banner and `chain:` log line print it).
  // redactSecrets (generator/src/redact.ts) matches the scheme case-sensitively
  // (`/\b(https?|wss?):\/\//g`, no `i` flag), yet URL schemes are case-insensitive (RFC 3986 §3.1)
  // and Node's fetch / viem's http transport accept `HTTPS://…`.
  // Expected: the API key in the path of `HTTPS://eth-sepolia.g.alchemy.com/v2/<key>` is removed.
  // Observed: the URL comes back unchanged, key included, and lands in stack.json and the log.
  // Fix: add the `i` flag to the scheme regex (or parse with `new URL` and rebuild
  // `${protocol}//${host}`), and test an upper-case scheme in secrets.test.ts.
  it("F1 redactUrl leaves the RPC API key in an upper-case-scheme URL (stack.json, banner, log)", () => {
    const key = "aLcHeMyKeY0123456789abcdefXYZ";
    for (const url of [`HTTPS://eth-sepolia.g.alchemy.com/v2/${key}`, `Https://rpc.example.org/${key}`, `WSS://mainnet.example.io/ws/${key}`]) {
      const shown = redactUrl(url);
      expect(shown, url).to.not.include(key);
    }
  });

  // F2 (low/medium, tooling). check:boundaries promises "a deep import or an import against the
  // direction fails" for every file of a layer. It scans only `.ts/.tsx/.mts/.cts`
  // (`/\.(m|c)?tsx?$/`), so a `.js`/`.mjs`/`.cjs` file in generator/src, web/src or scripts (Vite and
  // tsx run them; bin/motif.mjs and test/contracts/ffi/cid.mjs exist today) is never read; an
  // absolute specifier (`/…/sdk/src/a.js`) is skipped as "not a package"; and CommonJS `require()`
  // in a `.cts` file is not recognised as an import.
  // Expected: each planted import below is a violation. Observed: none is reported.
  // Fix: scan `\.(m|c)?(j|t)sx?$`; resolve absolute specifiers like relative ones; treat
  // `require("…")` / `createRequire(...)("…")` call expressions with a string literal as imports.
  it("F2 the boundary check lets a deep SDK path or an undeclared package through in .mjs/.js/.cjs files, by absolute path and by require()", () => {
    const t = plantedTree({ ...MANIFESTS });
    try {
      const abs = path.join(t.root, "sdk/src/a.js");
      mkdirSync(path.join(t.root, "generator/src"), { recursive: true });
      writeFileSync(path.join(t.root, "generator/src/deep.mjs"), `import { a } from "../../sdk/src/a.js";\n`);
      mkdirSync(path.join(t.root, "web/src"), { recursive: true });
      writeFileSync(path.join(t.root, "web/src/page.js"), `import { a } from "../../sdk/src/a.js";\nimport pad from "left-pad";\n`);
      mkdirSync(path.join(t.root, "scripts"), { recursive: true });
      writeFileSync(path.join(t.root, "scripts/tool.cjs"), `const { a } = require("../sdk/src/a.js");\n`);
      writeFileSync(path.join(t.root, "scripts/abs.ts"), `import { a } from ${JSON.stringify(abs)};\n`);
      writeFileSync(path.join(t.root, "scripts/req.cts"), `const { a } = require("../sdk/src/a.js");\nexport {};\n`);
      const found = checkBoundaries(t.root).map((v) => `${v.file}:${v.line} ${v.specifier}`);
      expect(found).to.include.members([
        "generator/src/deep.mjs:1 ../../sdk/src/a.js",
        "web/src/page.js:1 ../../sdk/src/a.js",
        "web/src/page.js:2 left-pad",
        "scripts/tool.cjs:1 ../sdk/src/a.js",
        `scripts/abs.ts:1 ${abs}`,
        "scripts/req.cts:1 ../sdk/src/a.js",
      ]);
    } finally {
      t.done();
    }
  });

  // F3 (low, SDK). licenseTerms() promises "every other field is its zero value". Its parameter type
  // is `Partial<LicenseTerms>` (without exactOptionalPropertyTypes, so `{ currency: undefined }`
  // type-checks), and the body spreads `...p` last: a field passed as `undefined` (the everyday
  // `licenseTerms({ …, unitRoyalty: options.royalty })`) overwrites the zero with `undefined`, and
  // the terms then fail deep inside viem's encoder (offer hashing, publishOffer) instead of being
  // zero. Expected: currency 0x0…0, unitRoyalty 0n, unitCap 0n, renewalPrice 0n, flags 0,
  // termsCodec 0x55. Observed: each is undefined.
  // Fix: drop undefined entries of `p` before the spread (`Object.entries(p).filter(([, v]) => v !== undefined)`).
  it("F3 licenseTerms() turns a field passed as undefined into undefined instead of its zero value", () => {
    const terms = licenseTerms({
      tokenId: 1n,
      regions: regionMask(["DE"]),
      termsDigest: `0x${"11".repeat(32)}`,
      currency: undefined,
      unitRoyalty: undefined,
      unitCap: undefined,
      renewalPrice: undefined,
      flags: undefined,
      termsCodec: undefined,
    });
    expect(terms.currency).to.equal(zeroAddress);
    expect(terms.unitRoyalty).to.equal(0n);
    expect(terms.unitCap).to.equal(0n);
    expect(terms.renewalPrice).to.equal(0n);
    expect(terms.flags).to.equal(0);
    expect(terms.termsCodec).to.equal(0x55);
  });


  // F4 (low, words). The 21 specific licensing errors replaced `InvalidField(string, …)`; the
  // pricing ones (MotifLicensingCeilingBelowFloor(ceiling, floor)) carry bare amounts without the
  // offer's currency, and explainMotifError words every amount without a currency argument as ETH
  // (`AMOUNT` regex, ctx.currency undefined → formatEther). An offer priced in an ERC-20 (here any
  // contract address: _validateOffer only checks that the currency has code) with floor 1,000,000
  // and ceiling 500,000 base units (1 and 0.5 USDC) is refused with
  // "The price ceiling 0.0000000000005 ETH is below the floor price 0.000000000001 ETH":
  // wrong unit, wrong magnitude by 10^12, for the very field the user must fix.
  // Expected: the amounts in the offer's currency ("500,000 base units of token 0x…", as other
  // errors do when they carry `currency`), or at least not labelled ETH.
  // Observed: labelled ETH.
  // Fix: add `currency` to MotifLicensingCeilingBelowFloor (and PriceAboveMax/WrongValue's callers
  // know it too), or let explainMotifError take the currency from the call's `offer.terms.currency`
  // argument (callSite already has the decoded args).
  it("F4 explainMotifError words an ERC-20 offer's floor and ceiling as ETH (MotifLicensingCeilingBelowFloor)", async function () {
    this.timeout(120_000);
    const d = await deployedMotif();
    const now = Number((await d.publicClient.getBlock()).timestamp);
    const token = d.addresses.registry; // a contract: all _validateOffer asks of a currency
    const offer: Offer = {
      terms: licenseTerms({ tokenId: 1n, regions: regionMask(["DE"]), termsDigest: keccak256(toHex("legal text")), currency: token }),
      window: { start: 0, end: 0, duration: 86_400 },
      pricing: { price: 1_000_000n, ceiling: 500_000n, decayWindow: 3600, demandCap: 10 },
      maxUses: 5,
      deadline: now + 86_400,
      nonce: 1n,
      licensee: zeroAddress,
    };
    let error: unknown;
    try {
      await d.motif[0]!.publishOffer({ offer });
    } catch (e) {
      error = e;
    }
    const motif = motifErrorOf(error);
    expect(motif?.errorName).to.equal("MotifLicensingCeilingBelowFloor");
    expect(motif?.data).to.deep.equal({ errorName: "MotifLicensingCeilingBelowFloor", args: { ceiling: 500_000n, floor: 1_000_000n } });
    const words = explainMotifError(error);
    expect(words).to.not.match(/ETH/);
  });

  // F5 (low, params). "A model with a third param needs no code change": parseModelParamDeclarations
  // accepts any name matching /^[a-zA-Z][a-zA-Z0-9]{0,31}$/, including the names of Object.prototype
  // members (valueOf, toString, constructor, hasOwnProperty, …). checkModelParams then reads
  // `given[d.name]`, which for a param the caller left out is the inherited function, not
  // undefined: the default is never applied (CLI flags and the web form use `defaults: true`) and a
  // missing param is reported as "function valueOf() { [native code] } is not a number in 0..1".
  // Expected: { scale: 3, valueOf: 0.5 } with defaults; without defaults "params.valueOf: missing".
  // Observed: ModelParamsError quoting the native function, in both cases.
  // Fix: read own properties only (`Object.hasOwn(given, d.name) ? given[d.name] : undefined`), or
  // refuse such names in parseModelParamDeclarations naming the model.
  it("F5 a declared param named like an Object.prototype member (valueOf) never takes its default and is misreported as a native function", () => {
    const declared = parseModelParamDeclarations(
      [
        { name: "scale", type: "integer", min: 1, max: 8, default: 2 },
        { name: "valueOf", type: "number", min: 0, max: 1, default: 0.5 },
      ],
      "studio",
    );
    expect(checkModelParams(declared, { scale: 3 }, "studio", { defaults: true })).to.deep.equal({ scale: 3, valueOf: 0.5 });
    expect(() => checkModelParams(declared, { scale: 3 }, "studio")).to.throw(/params\.valueOf: missing, expected a number in 0\.\.1 \(model studio\)/);
  });

  // F6 (medium, generator). The change made "already certified" mean "this generator's own
  // certificate" (stages/certified.ts asks creatorOf and leaves anyone else's to screening), but the
  // batch's mint step (batch.ts mintOnce) still turns ANY MotifCertificateDuplicateContent revert
  // into `{ status: "minted", already: true }`. Renders are deterministic, so another studio that
  // renders the same model/seed/params mints the same bytes; if its certificate lands after this
  // batch loaded its banks (or is simply not in them), the batch attests, its mint reverts with
  // DuplicateContent, and the journal and summary say this batch minted a certificate whose creator
  // is someone else. Expected: the pattern is refused (near-duplicate / certified by another
  // creator: summary.refused 1, journal step "refused"), minted 0. Observed: minted 1, journal
  // "minted" with transactionHash "already-minted".
  // Fix: on DuplicateContent ask the chain as certifiedStage does (creatorOf(tokenId) === creator,
  // or better matchesLineage(mintRequest.lineage)), and refuse otherwise.
  it("F6 a batch journals as minted a pattern whose certificate another creator holds (DuplicateContent taken as our own)", async function () {
    this.timeout(180_000);
    const connection = await network.create();
    const dir = mkdtempSync(path.join(os.tmpdir(), "motif-audit17-batch-"));
    try {
      const { viem } = connection;
      const publicClient = await viem.getPublicClient();
      const [admin, generatorWallet, other] = await viem.getWalletClients();
      const { registry, certificate } = await deployMotif(connection, { attesters: [generatorWallet!.account.address] });
      const weld = (await loadManifest()).find((m) => m.name === "weld")!;
      await registry.write.registerModel([
        modelRegistration({ owner: getAddress(admin!.account.address), weightsDigest: weld.sha256, weightsCidDigest: weld.sha256, weightsCidCodec: 0x55, royaltyBps: 0, name: "weld", version: weld.version, cardDigest: weld.cardDigest }),
      ]);
      const now = (await publicClient.getBlock()).timestamp;
      const chainId = await publicClient.getChainId();
      // the one config factory; the banks as loaded before the other studio's mint landed (empty)
      const configFor = (creator: `0x${string}`): PipelineConfig =>
        pipelineConfig({
          store: new EmbeddedIpfs(path.join(dir, "ipfs")),
          index: PdqIndex.build([]),
          chain: {
            attester: { signer: { client: generatorWallet!, account: generatorWallet!.account }, chainId, certificate: certificate.address },
            minter: { wallet: generatorWallet!, publicClient, certificate: certificate.address },
            modelIds: { weld: 1 },
            creator,
          },
          now: () => now,
        });
      const job = { model: "weld", seed: 7n, params: { scale: 1, sharpness: 3 }, width: 96, height: 96 };
      // another studio renders the same seed and params and certifies it first, under its creator
      const theirs = await runPipeline(configFor(getAddress(other!.account.address)), job, { mint: false });
      if (theirs.status !== "attested") throw new Error(`expected attested, got ${theirs.status}`);
      await certificate.write.mint([theirs.request], { account: generatorWallet!.account });
      const tokenId = BigInt(theirs.rendered.contentDigest);
      expect(getAddress(await certificate.read.creatorOf([tokenId]))).to.equal(getAddress(other!.account.address));

      const journalFile = path.join(dir, "journal.jsonl");
      const summary = await runBatch(configFor(getAddress(generatorWallet!.account.address)), [job], journalFile);
      const record = (await Journal.open(journalFile)).get(jobKey(job));
      expect({ summary, step: record?.step }).to.deep.include({ step: "refused" });
      expect(summary.minted).to.equal(0);
    } finally {
      await connection.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe("held", () => {
    const declared: ModelParamDeclaration[] = [
      { name: "scale", type: "integer", min: 1, max: 8, default: 2 },
      { name: "sharpness", type: "number", min: 0.25, max: 32, default: 4 },
    ];

    it("paramsHash of existing certificates is unchanged: keccak-256 of the hand-written canonical bytes, whatever the key order", () => {
      const oracle = keccak256(stringToBytes('{"scale":2,"sharpness":4}'));
      expect(modelParamsHash(checkModelParams(declared, { sharpness: 4, scale: 2 }, "indigo"))).to.equal(oracle);
      expect(modelParamsHash({ scale: 3, sharpness: 6.5 })).to.equal(keccak256(stringToBytes('{"scale":3,"sharpness":6.5}')));
    });

    it("params out of range, NaN, ±Infinity, -0 below min, huge, strings, null, arrays and extra keys are refused naming param, range and model", () => {
      const bad: Array<[unknown, RegExp]> = [
        [{ scale: 9, sharpness: 4 }, /params\.scale: 9 is not an integer in 1\.\.8 \(model indigo\)/],
        [{ scale: 2.5, sharpness: 4 }, /params\.scale: 2\.5 is not an integer in 1\.\.8/],
        [{ scale: Number.NaN, sharpness: 4 }, /params\.scale: NaN is not an integer in 1\.\.8/],
        [{ scale: 2, sharpness: Number.POSITIVE_INFINITY }, /params\.sharpness: Infinity is not a number in 0\.25\.\.32/],
        [{ scale: 2, sharpness: -0 }, /params\.sharpness: 0 is not a number in 0\.25\.\.32/],
        [{ scale: 2, sharpness: 1e308 }, /params\.sharpness: 1e\+308 is not a number in 0\.25\.\.32/],
        [{ scale: "3", sharpness: 4 }, /params\.scale: "3" is not an integer in 1\.\.8/],
        [{ scale: null, sharpness: 4 }, /params\.scale: null is not an integer/],
        [{ scale: 2, sharpness: 4, gamma: 1 }, /params\.gamma: model indigo has no param "gamma"/],
        [JSON.parse('{"scale":2,"sharpness":4,"__proto__":{"x":1}}'), /params\.__proto__: model indigo has no param/],
        [[2, 4], /params: expected an object with scale, sharpness \(model indigo\), got an array/],
        [{ scale: 2 }, /params\.sharpness: missing, expected a number in 0\.25\.\.32/],
      ];
      for (const [value, words] of bad) {
        let error: unknown;
        try {
          checkModelParams(declared, value, "indigo");
        } catch (e) {
          error = e;
        }
        expect(error, JSON.stringify(value)).to.be.instanceOf(ModelParamsError);
        expect((error as Error).message).to.match(words);
      }
      // -0 where 0 is in range canonicalises to 0: the same bytes and hash as 0
      const zeroOk: ModelParamDeclaration[] = [{ name: "bias", type: "number", min: 0, max: 1, default: 0 }];
      expect(modelParamsHash(checkModelParams(zeroOk, { bias: -0 }, "m"))).to.equal(keccak256(stringToBytes('{"bias":0}')));
    });

    it("a manifest declaration with bad bounds, a duplicate name or a non-finite default is refused naming the model", () => {
      expect(() => parseModelParamDeclarations([{ name: "scale", type: "integer", min: 1, max: 8, default: 9 }], "weld")).to.throw(/min ≤ default ≤ max.*model weld/);
      expect(() => parseModelParamDeclarations([{ name: "a", type: "number", min: 0, max: 1, default: 0 }, { name: "a", type: "number", min: 0, max: 1, default: 0 }], "weld")).to.throw(/declared twice/);
      expect(() => parseModelParamDeclarations([{ name: "a", type: "number", min: 0, max: Number.POSITIVE_INFINITY, default: 0 }], "weld")).to.throw(/params\[0\]\.max/);
    });

    it("parseMotifMetadata refuses a document of another kind than the chain's, naming motif.kind", () => {
      const recipeDoc = { name: "Recipe: x", description: "d", motif: { version: 1, kind: "recipe" } };
      expect(() => parseMotifMetadata(recipeDoc, "pattern")).to.throw(/motif\.kind/);
      expect(() => parseMotifMetadata({ name: "x", description: "d", motif: { version: 1 } }, "dataset")).to.throw(/motif\.kind/);
      expect(() => parseMotifMetadata({ name: "x", description: "d", motif: { version: 1, kind: "studio" } })).to.throw(/motif\.kind/);
    });

    it("MotifContractError.data names the arguments by their Solidity names; motifErrorOf ignores non-Motif values", () => {
      expect(namedMotifErrorArgs("MotifLicensingRegionNotAllowed", [5n, 233n])).to.deep.equal({ licenseId: 5n, region: 233n });
      expect(motifErrorOf(new Error("x"))).to.equal(undefined);
      expect(motifErrorOf(undefined)).to.equal(undefined);
    });

    it("the web server's Host check refuses look-alike names and other ports (DNS rebinding)", () => {
      expect(isLoopbackHost("127.0.0.1:5173", 5173)).to.equal(true);
      expect(isLoopbackHost("localhost:5173", 5173)).to.equal(true);
      expect(isLoopbackHost("[::1]:5173", 5173)).to.equal(true);
      for (const host of ["127.0.0.1.nip.io:5173", "localhost.attacker.com:5173", "127.0.0.1:5174", "evil.com", undefined, "127.0.0.1:5173@evil.com", "localhost.:5173"]) {
        expect(isLoopbackHost(host, 5173), String(host)).to.equal(false);
      }
    });

    it("redactUrl removes lower-case-scheme secrets in path, query and credentials", () => {
      const key = "sEcReTkEy0123456789";
      for (const url of [`https://rpc.example.org/v2/${key}`, `https://rpc.example.org?apikey=${key}`, `https://user:${key}@rpc.example.org/`, `wss://rpc.example.org/ws/${key}`]) {
        expect(redactUrl(url), url).to.not.include(key);
      }
    });
  });
});
