/**
 * Every JSDoc `@example` in sdk/src and generator/src runs as written against the local stack, and
 * type-checks as written.
 *
 * The examples name the local stack as `npm start` serves it: chain 31337 at http://127.0.0.1:8545
 * with the contracts at their deterministic addresses, the gateway at http://127.0.0.1:8081, the
 * indexer at http://127.0.0.1:42069, and
 * Hardhat's well-known test accounts. test/ts/helpers/examples-fixture.ts builds a known state there
 * (a pattern whose token id is its content digest, offers, licences, a recipe, a dataset), and the
 * examples name its ids as literals. Each example starts from that same state (evm_snapshot /
 * evm_revert), so an example that revokes or withdraws changes nothing for the next.
 *
 * The fixture's chain, gateway and indexer listen on ephemeral ports, and while an example runs `fetch` sends
 * the URLs the examples name there (and refuses any other): the examples' text is unchanged, and
 * the test passes whether or not port 8545 or 8081 is taken (by `npm start`, another test run, CI).
 */
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { type ExamplesFixture, startExamplesFixture } from "./helpers/examples-fixture.js";
import { existsSync } from "node:fs";
import { type Browser, chromium } from "playwright-core";

import { ALLOWED_IMPORTS, type Example, examplesIn, extractExamples, importsOf, isWebPageExample, prepareExampleDir, runExample, runExampleInBrowser, typeCheckExamples } from "./helpers/examples.js";

const cwd = process.cwd();
const RPC = "http://127.0.0.1:8545";
const GATEWAY = "http://127.0.0.1:8081";
const INDEXER = "http://127.0.0.1:42069";
const CHROMIUM = "/usr/bin/chromium";

/** The ids the examples name (a change to the fixture or the renderer that moves them fails here first). */
const NAMED = {
  pattern: "0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82",
  imageCid: "bafkreigbi7m5cf5ru2whyhzs5uk23u4f7aftpqbyjb2mq4l52ebdf53pqi",
  offer: "0x1",
  license2: "0xda44f7f666aa9e8302b93a215c24c0486a72ea0db30991a1061a8f23e2d70001",
  license3: "0x3e984dcc9bebe58e89f39003db380ff6b7ce0beef59092c8f6c858bc40dd0001",
  license4: "0x24a99e8ba18d98a176cab528816a4e9a9b910dbc7a1fb1f5251d5d8561290001",
  recipeDigest: "0xd1da7ae9bc109fd742b2e1b638bf3801acbed778b670388079095551dcb41224",
  recipe: "0x6d6f7469665243507d39c14f7599cb38ad1543845de6850ca1786e27f0bfd26f",
  recipeOffer: "0x2",
  dataset: "0x6d6f746966445354e7680a39de488255be09dc00bcea71f02625c157d7186c3e",
};

describe("SDK examples: every JSDoc @example runs as written against the local stack", function () {
  this.timeout(300_000);
  let fixture: ExamplesFixture;
  let dir: string;
  let examples: Example[];
  let browser: Browser | undefined;

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "motif-example-run-"));
    await prepareExampleDir(dir, cwd);
    examples = await extractExamples(cwd, ["sdk/src", "generator/src"]);
    fixture = await startExamplesFixture();
  });
  after(async () => {
    await browser?.close();
    await fixture?.close();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it("finds the examples, each importing only @motif/sdk and viem", () => {
    expect(examples.length).to.be.greaterThan(40);
    for (const e of examples) {
      const imports = importsOf(e.code);
      expect(imports, `${e.where} imports nothing from @motif/sdk`).to.include("@motif/sdk");
      for (const spec of imports) expect(ALLOWED_IMPORTS.has(spec), `${e.where} imports ${spec}`).to.equal(true);
      expect(e.code, `${e.where} declares a value it does not make`).not.to.match(/^\s*declare\s/m);
    }
  });

  it("builds the fixture the examples name: its ids are the literals in the examples", () => {
    const { metadataCid: _varies, ...ids } = fixture.ids; // the metadata names the mint's chain data
    const made = JSON.parse(JSON.stringify(ids, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v))) as Record<string, string>;
    expect(made.pattern, "the fixture pattern's content digest (rendering indigo seed 7 at 256 px) is not the token id the examples name").to.equal(NAMED.pattern);
    expect(made).to.deep.equal(NAMED);
  });

  it("type-checks every example as written (strict), and reports one that does not", async () => {
    // one tsc run (it checks the SDK's source too): the examples, plus a broken one that must fail
    const broken = examplesIn(
      "broken.ts",
      ["/**", " * @example", ' * import { getModel } from "@motif/sdk";', " * declare const client: string;", ' * await getModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", modelId: 1 });', " */"].join("\n"),
    );
    const errors = await typeCheckExamples(dir, cwd, [...examples, ...broken]);
    expect(errors.get("broken.ts:2")?.join("\n"), "a client that is a string must not type-check").to.contain("not assignable");
    errors.delete("broken.ts:2");
    expect(Object.fromEntries(errors)).to.deep.equal({});
  });

  it("runs every example, each from the fixture's state", async () => {
    const failures: string[] = [];
    for (const e of examples) {
      await fixture.revert();
      const routes = { [RPC]: fixture.rpcUrl, [GATEWAY]: fixture.gatewayUrl, [INDEXER]: fixture.indexerUrl };
      try {
        if (isWebPageExample(e)) {
          if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
          browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
          await runExampleInBrowser(dir, cwd, e, routes, browser);
        } else {
          await runExample(dir, cwd, e, routes);
        }
      } catch (error) {
        failures.push(`${e.where}: ${(error as Error).message.split("\n").slice(0, 6).join("\n  ")}`);
      }
    }
    expect(failures, failures.join("\n\n")).to.deep.equal([]);
  });

  describe("the harness fails when an example is wrong", () => {
    const broken = (code: string) => examplesIn("broken.ts", `/**\n * @example\n${code.split("\n").map((l) => ` * ${l}`).join("\n")}\n */`)[0]!;

    it("rejects an example that throws (a token id that is not a certificate)", async () => {
      await fixture.revert();
      const e = broken(
        [
          'import { createPublicClient, http } from "viem";',
          'import { getCertificate } from "@motif/sdk";',
          'const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });',
          'await getCertificate(client, { certificate: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512", tokenId: 1n });',
        ].join("\n"),
      );
      expect(e.where).to.equal("broken.ts:2");
      let threw: unknown;
      try {
        await runExample(dir, cwd, e, { [RPC]: fixture.rpcUrl, [GATEWAY]: fixture.gatewayUrl });
      } catch (error) {
        threw = error;
      }
      expect(threw, "a certificate that does not exist must fail the example").to.be.instanceOf(Error);
    });

    it("rejects an example that fetches a URL other than the stack's", async () => {
      const e = broken(['import { fetchVerified } from "@motif/sdk";', 'await fetchVerified("http://127.0.0.1:9999", { cid: "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku", codec: 0x55, digest: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" });'].join("\n"));
      let threw: unknown;
      try {
        await runExample(dir, cwd, e, { [RPC]: fixture.rpcUrl, [GATEWAY]: fixture.gatewayUrl });
      } catch (error) {
        threw = error;
      }
      expect(String(threw)).to.contain("127.0.0.1:9999");
    });

    it("rejects a web-page example that throws in the page", async () => {
      const e = broken(['// in a web page', 'import { createPublicClient, http } from "viem";', 'import { getModel } from "@motif/sdk";', 'const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });', 'await getModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", modelId: 99 });'].join("\n"));
      expect(isWebPageExample(e)).to.equal(true);
      if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does`);
      browser ??= await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu"] });
      let threw: unknown;
      try {
        await runExampleInBrowser(dir, cwd, e, { [RPC]: fixture.rpcUrl, [GATEWAY]: fixture.gatewayUrl }, browser);
      } catch (error) {
        threw = error;
      }
      expect(String(threw), "model 99 does not exist: the page's example must fail").to.match(/99/);
    });

    it("rejects an example that catches its own failure but does not print what its comment says", async () => {
      await fixture.revert();
      const e = broken(
        [
          'import { createPublicClient, http } from "viem";',
          'import { requireLicensed } from "@motif/sdk";',
          'const client = createPublicClient({ transport: http("http://127.0.0.1:8545") });',
          "// #2 is licensed in FR: nothing is thrown, so nothing is printed",
          'try { await requireLicensed(client, { licensing: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707", tokenId: BigInt("0xc147d9d117b1a6ac7c1f32ed15add385f80b37c0384874c8717dd10232f76f82"), licensee: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC", region: "FR" }); }',
          'catch (error) { console.error(String(error)); } // "…RegionNotAllowed…"',
        ].join("\n"),
      );
      let threw: unknown;
      try {
        await runExample(dir, cwd, e, { [RPC]: fixture.rpcUrl, [GATEWAY]: fixture.gatewayUrl });
      } catch (error) {
        threw = error;
      }
      expect(String(threw)).to.contain('prints "…RegionNotAllowed…"; it printed []');
    });

    it("rejects an example whose printed value is not the one its comment says", async () => {
      const e = broken(['import { tokenIdHex } from "@motif/sdk";', 'console.log(tokenIdHex(255n)); // "0xff"'].join("\n"));
      let threw: unknown;
      try {
        await runExample(dir, cwd, e, {});
      } catch (error) {
        threw = error;
      }
      expect(String(threw)).to.contain('prints "0xff"');
    });
  });
});
