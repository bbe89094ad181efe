/**
 * Every JSDoc `@example` in sdk/src and generator/src runs as written against the local stack, and
 * type-checks as written.
 *
 * The examples name the local stack as `npm start` serves it: chain 31337 at http://127.0.0.1:8545
 * with the contracts at their deterministic addresses, the gateway at http://127.0.0.1:8081, and
 * Hardhat's well-known test accounts. test/ts/helpers/examples-fixture.ts builds a known state there
 * (a pattern whose token id is its content digest, offers, licences, a recipe, a dataset), and the
 * examples name its ids as literals. Each example starts from that same state (evm_snapshot /
 * evm_revert), so an example that revokes or withdraws changes nothing for the next.
 *
 * The fixture's chain and gateway listen on ephemeral ports, and while an example runs `fetch` sends
 * the two URLs the examples name there (and refuses any other): the examples' text is unchanged, and
 * the test passes whether or not port 8545 or 8081 is taken (by `npm start`, another test run, CI).
 */
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

import { type ExamplesFixture, startExamplesFixture } from "./helpers/examples-fixture.js";
import { ALLOWED_IMPORTS, type Example, examplesIn, extractExamples, importsOf, prepareExampleDir, runExample, typeCheckExamples } from "./helpers/examples.js";

const cwd = process.cwd();
const RPC = "http://127.0.0.1:8545";
const GATEWAY = "http://127.0.0.1:8081";

/** The ids the examples name (a change to the fixture or the renderer that moves them fails here first). */
const NAMED = {
  pattern: "0x0000000000000000000000000000000000000000000000000000000000000000",
};

describe("SDK examples: every JSDoc @example runs as written against the local stack", function () {
  this.timeout(300_000);
  let fixture: ExamplesFixture;
  let dir: string;
  let examples: Example[];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "motif-example-run-"));
    await prepareExampleDir(dir, cwd);
    examples = await extractExamples(cwd, ["sdk/src", "generator/src"]);
    fixture = await startExamplesFixture();
  });
  after(async () => {
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
    console.log(JSON.stringify(fixture.ids, (_k, v: unknown) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v), 2));
    expect(fixture.ids.pattern).to.equal(NAMED.pattern);
  });

  it("type-checks every example as written (strict)", async () => {
    const errors = await typeCheckExamples(dir, cwd, examples);
    expect(Object.fromEntries(errors)).to.deep.equal({});
  });

  it("runs every example, each from the fixture's state", async () => {
    const failures: string[] = [];
    for (const e of examples) {
      await fixture.revert();
      try {
        await runExample(dir, cwd, e, { [RPC]: fixture.rpcUrl, [GATEWAY]: fixture.gatewayUrl });
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

    it("reports an example that does not type-check", async () => {
      const e = broken(['import { getModel } from "@motif/sdk";', "declare const client: string;", 'await getModel(client, { registry: "0x5FbDB2315678afecb367f032d93F642f64180aa3", modelId: 1 });'].join("\n"));
      await prepareExampleDir(path.join(dir, "broken"), cwd);
      const errors = await typeCheckExamples(path.join(dir, "broken"), cwd, [e]);
      expect(errors.get("broken.ts:2")?.join("\n")).to.contain("not assignable");
    });
  });
});
