import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

import { type Report, checkStory } from "./helpers/demo-report.js";
import { type SpawnedStack, spawnStack, stackReady } from "./helpers/stack.js";

const run = promisify(execFile);

/** The README's shell commands: every ```sh block, continuation lines joined, comments dropped. */
function readmeCommands(): string[] {
  const text = readFileSync("README.md", "utf8");
  const out: string[] = [];
  for (const [, block] of text.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    const joined = block!.replace(/\\\n\s*/g, "");
    for (const line of joined.split("\n")) {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command !== "" && !command.startsWith("#")) out.push(command);
    }
  }
  return out;
}

/**
 * Each README command: run here (twice where a second run on the same state could fail), or skipped
 * for a named reason. A command the README gains must be put in one list or the other.
 */
const RUN_TWICE = [
  "command -v chromium >/dev/null && command -v redis-server >/dev/null && [ -x /usr/lib/postgresql/*/bin/pg_ctl ] && [ -e /usr/share/iso-codes/json/iso_3166-1.json ] || (apt-get update && apt-get install -y --no-install-recommends chromium redis-server postgresql iso-codes)",
  'npx motif recipe create --model weld --name "Weld lattice" --author 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC --scale 3 --sharpness 6 --out lattice.json',
  "npx motif recipe check lattice.json",
  "npx motif render --recipe lattice.json --seed 7 --out p.png",
  // the same seed twice against the same running stack: the second run tells the story again
  "npm run demo -- --patterns 8 --size 512 --seed 42",
  // hash banks, in the stack's state folder (the running stack reloads them): adding what is there changes nothing
  "npx motif bank add studio-archive --threshold pdq=28,tile=36 test/fixtures/pdq/bridge-1-original.jpg",
  "npx motif bank import textile-registry test/fixtures/banks/threatexchange-dataset.csv",
  "npx motif bank import studio-archive test/fixtures/banks/hma-bank-content.jsonl",
  'npx motif bank add known-false-positives --kind allow --label "studio pen photo" test/fixtures/pdq/pen-and-coaster.png',
  "npx motif bank list",
  "npx motif screen --banks test/fixtures/pdq/plasma-500x333.png",
];
const RUN_ONCE = [
  "npm run demo", // seeds from the clock: a second run is a new story, as the seeded one above shows
  "npm run -s demo -- --json",
  "npx motif bank remove studio-archive --label bridge-1-original.jpg", // a second run finds no such entry, and says so (exit 1)
];
const SKIP: Record<string, string> = {
  "npx motif render --model madder --seed 7 --repeat half-drop --size-cm 64 --dpi 300 --out tile.png --tiff tile.tif":
    "a 7,559² render (about 16 s on 2 cores, twice here) writing two large files; generator/test/print-repeat.test.ts runs motif render with --repeat --size-cm --dpi --tiff, checks both files and stops it by signal",
  "npm install": "CI runs it before the tests; npm-clean.test.ts checks it leaves the lock file as committed",
  "npm test": "the suite this test is part of",
  "npx motif-indexer --deployment deployments/11155111.json --rpc https://… --database-url postgresql://user@host/motif --port 42069 --max-rps 10":
    "a long-running server on a real chain and a PostgreSQL server (… and user@host stand for them); indexer/test/bin.test.ts runs motif-indexer on a deployment record and stops it",
  "npm start": "a long-running server (Ctrl-C stops it); start.test.ts starts and stops it twice, a restart keeping the chain",
  "MOTIF_REDIS_URL=redis://A:6379 MOTIF_IPFS_API=http://A:5001 npx motif worker --concurrency 2": "needs Redis and Kubo on a machine A; distributed.test.ts runs workers on a real local Redis",
  "MOTIF_REDIS_URL=redis://A:6379 MOTIF_IPFS_API=http://A:5001 MOTIF_RPC_URL=… MOTIF_ATTESTER_KEY=… npx motif batch --count 5000 --model indigo --size 1024": "needs Redis, Kubo and a chain with a generator key (… stands for them); distributed.test.ts covers it",
  "MOTIF_RPC_URL=… MOTIF_WALLET_KEY=<author's key> npx motif recipe mint lattice.json --share-bps 1500": "needs a chain and the author's key (… and <author's key> stand for them); recipe-chain.test.ts runs it",
  "MOTIF_RPC_URL=… MOTIF_ATTESTER_KEY=… npx motif mint --recipe lattice.json --region FR --seed 7 --to 0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65": "needs a chain with the recipe certified and a generator key; recipe-chain.test.ts runs it",
  "npx motif dataset export --licensee 0x90F79bf6EB2c4f870365E785982E1f101E93b906 --region FR --all --out train.car": "needs a running chain (npm start); dataset.test.ts and cli-errors.test.ts run it",
  "npx motif dataset verify --manifest train.manifest.json": "needs a running chain and an exported manifest; dataset.test.ts runs it",
  "MOTIF_RPC_URL=… MOTIF_WALLET_KEY=<licensee's key> npx motif dataset mint --manifest train.manifest.json": "needs a chain and the licensee's key; dataset.test.ts runs it",
  'npx motif dataset verify --dataset "$DATASET_ID" --gateway http://127.0.0.1:8081': "needs a dataset certificate minted on a running chain (its id in DATASET_ID); dataset.test.ts runs it",
  'curl -s -H "x-api-key: $(cat .motif/admin-key)" http://127.0.0.1:8787/v1/banks': "needs npm start on its default port and state folder; banks.test.ts drives /v1/banks with an admin key and a non-admin one",
  "curl 'http://127.0.0.1:42069/v1/gallery?kind=pattern&region=74&from=1798761600&to=1799625600&sort=most-licensed'":
    "needs npm start's indexer on its default port; indexer/test/indexer.test.ts asks /v1/gallery with these filters, start.test.ts through npm start",
  "curl 'http://127.0.0.1:42069/v1/certificates/0x<token id>/history'": "needs npm start's indexer and a token id (<token id>); indexer/test/indexer.test.ts asks it",
  "DATABASE_URL=postgresql://user@host/db npm start": "needs a PostgreSQL server (user@host/db stand for it); indexer/test/indexer.test.ts runs the indexer on a throwaway Debian cluster",
  "npx hardhat keystore set SEPOLIA_RPC_URL": "interactive (asks for the secret), for Sepolia",
  "npx hardhat keystore set SEPOLIA_PRIVATE_KEY": "interactive (asks for the secret), for Sepolia",
  "MOTIF_ATTESTERS=0xYourGeneratorKey npm run deploy -- --network sepolia": "deploys to a public network (needs its RPC and a funded key)",
};

describe("README: every shell command runs as written (and again on the same state)", function () {
  this.timeout(900_000);
  let sandbox: string;
  let stateDir: string;
  let stack: SpawnedStack | undefined;
  before(async () => {
    // a checkout of the repository in a temp folder (links to its files) so that what the commands
    // write (lattice.json, p.png, the demo's state) lands there, not in the working tree
    sandbox = mkdtempSync(path.join(os.tmpdir(), "motif-readme-"));
    for (const f of readdirSync(".")) if (![".git", ".motif"].includes(f)) symlinkSync(path.resolve(f), path.join(sandbox, f));
    stateDir = mkdtempSync(path.join(os.tmpdir(), "motif-readme-state-"));
    // the demos run against a running stack, as after `npm start` (here on free ports): its chain keeps
    // what each run minted, the state a second run meets. --no-build: the contracts and the page are
    // built already (npm test builds them; hardhat test compiles the contracts), and start.test.ts
    // checks what npm start's own build does
    stack = spawnStack(stateDir, { via: "node", cwd: sandbox, args: ["--no-build", "--port", "0", "--gateway-port", "0", "--api-port", "0", "--web-port", "0", "--indexer-port", "0"] });
    await stackReady(stack, 120_000);
  });
  after(async () => {
    stack?.child.kill("SIGINT");
    if (stack !== undefined) expect(await stack.exited, stack.output()).to.equal(0);
    rmSync(sandbox, { recursive: true, force: true });
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("every command is run here or skipped for a named reason", () => {
    const classified = new Set([...RUN_TWICE, ...RUN_ONCE, ...Object.keys(SKIP)]);
    const commands = readmeCommands();
    expect(commands.filter((c) => !classified.has(c)), "README commands neither run nor skipped with a reason").to.deep.equal([]);
    expect([...classified].filter((c) => !commands.includes(c)), "listed here but no longer in the README").to.deep.equal([]);
  });

  /** The model number the first seeded demo run registered. */
  let demoModel: string | undefined;
  const sh = (command: string) => run("bash", ["-c", command], { cwd: sandbox, env: { ...process.env, MOTIF_STATE_DIR: stateDir }, maxBuffer: 1 << 26 });

  for (const command of RUN_TWICE) {
    it(`twice: ${command.length > 90 ? `${command.slice(0, 90)}…` : command}`, async () => {
      for (const attempt of ["first", "second"]) {
        const r = await sh(command).catch((e: { code: number; stdout: string; stderr: string }) => e);
        expect("code" in r ? r.code : 0, `${attempt} run of ${command}:\n${r.stdout}\n${r.stderr}`).to.equal(0);
        if (command.startsWith("npm run demo")) {
          expect(r.stdout).to.contain("Every step did what it should.");
          // run on the running stack: the second run registers nothing twice (the first one's model,
          // on the kept chain) and tells the whole story again, on fresh seeds, and says so
          const registered = /"[^"]+" (registered|already registered) as model #(\d+)/.exec(r.stdout);
          expect(registered?.[1], r.stdout).to.equal(attempt === "first" ? "registered" : "already registered");
          if (attempt === "first") demoModel = registered![2];
          else {
            expect(registered![2], "the same model as the first run's").to.equal(demoModel);
            expect(r.stdout).to.contain("seed 42 was used by an earlier run on this chain; this run starts at seed 1042");
            expect(r.stdout.match(/\(seed \d+\): minted/g)).to.have.length(8);
            expect(r.stdout).to.match(/REFUSED as a near-duplicate/);
            expect(r.stdout).to.contain("6. A textile-grade licence: class 24 (Textiles and substitutes for textiles), exclusive in the 27 EU member states for 2 years");
            expect(r.stdout).to.contain("       Price 0.02 ETH, plus 5% of net sales. An advance of 0.01 ETH paid at acceptance, recouped against royalties before any is charged (0.03 ETH in all at acceptance).");
            expect(r.stdout).to.contain("reported 1000 units and 0.1 ETH of net sales of Nice 24 in FR: sales royalty 0.005 ETH (5%), 0.005 ETH recouped from the advance, 0 ETH paid; advance remaining 0.005 ETH");
            expect(r.stdout).to.contain("reported 2500 units and 0.3 ETH of net sales of Nice 24 in DE: sales royalty 0.015 ETH (5%), 0.005 ETH recouped from the advance, 0.01 ETH paid; advance remaining 0 ETH");
          }
        }
      }
    });
  }

  for (const command of RUN_ONCE) {
    it(`once: ${command}`, async () => {
      const r = await sh(command).catch((e: { code: number; stdout: string; stderr: string }) => e);
      expect("code" in r ? r.code : 0, `${command}:\n${r.stdout}\n${r.stderr}`).to.equal(0);
      if (command.includes("--json")) {
        // attached to the running stack (its chain and store, after three earlier runs on it): the whole story, 5 patterns (the default)
        const report = JSON.parse(r.stdout) as Report;
        expect(report.ranAgainst).to.contain("the running stack");
        expect(report.model.newlyRegistered).to.equal(false);
        checkStory(report, 5);
      }
    });
  }
});
