import { expect } from "chai";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import sharp, { type Sharp } from "sharp";

import { type ApiKey, buildApi } from "../src/api/server.js";
import { runPipeline } from "../src/pipeline.js";
import { pdqDihedralImage } from "../src/pdq/index.js";
import { BankStore } from "../src/screen/bank-store.js";
import { Bank, BankSet, screenBanks } from "../src/screen/banks.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { screen } from "../src/screen/screen.js";
import { hammingDistance256 } from "@motif/sdk";
import { runCli } from "../../test/ts/helpers/cli.js";
import { motifTempDir, testPipeline } from "../../test/ts/helpers/pipeline.js";

const root = process.cwd();
const pdqFixtures = path.join("test", "fixtures", "pdq");
const bankFixtures = path.join("test", "fixtures", "banks");
const fixture = (f: string) => path.join(pdqFixtures, f);
/** Reference hashes of the fixtures (the ThreatExchange reference's, not this code's). */
const REF = Object.fromEntries(
  readFileSync(fixture("expected.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","))
    .map(([hash, , file]) => [file!, hash!]),
) as Record<string, string>;

/** `hash` with the bits at `positions` flipped (an independent way to make a hash at a known distance). */
function flip(hash: string, positions: number[]): string {
  const bits = [...BigInt(`0x${hash}`).toString(2).padStart(256, "0")];
  for (const p of positions) bits[p] = bits[p] === "0" ? "1" : "0";
  return BigInt(`0b${bits.join("")}`).toString(16).padStart(64, "0");
}
const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe("hash banks (issue 16: what HMA offers, for patterns)", function () {
  this.timeout(120_000);

  let state: string;
  const motif = (...args: string[]) => runCli({ MOTIF_STATE_DIR: state }, ...args);
  beforeEach(() => {
    state = motifTempDir("banks");
  });

  describe("imports what a registry sends", () => {
    it("a ThreatExchange dataset CSV (threatexchange dataset -P --csv): PDQ rows into a block bank, a rotated copy refused naming bank, label, distance, signal and transform", async () => {
      const r = await motif("bank", "import", "textile-registry", path.join(bankFixtures, "threatexchange-dataset.csv"));
      expect(r.code, r.stderr).to.equal(0);
      // two PDQ rows; the video_md5 row and the NEGATIVE_CLASS (false positive) row are not blocked works
      expect(r.stdout).to.contain("textile-registry: created, 2 added");
      expect(r.stderr).to.contain("threatexchange-dataset.csv:3: skipped: signal_type \"video_md5\"");
      expect(r.stderr).to.contain("threatexchange-dataset.csv:5: skipped: category NEGATIVE_CLASS");
      const store = new BankStore(state);
      const entries = [];
      for await (const e of store.entries("textile-registry")) entries.push(e);
      expect(entries).to.deep.equal([
        { signal: "pdq", hash: REF["bridge-1-original.jpg"], label: "Textile Registry, EU (registered-work-17 bridge)" },
        { signal: "pdq", hash: REF["plasma-64.png"], label: "Textile Registry" },
      ]);

      const { banks, certificateThresholds } = await store.load();
      const set = BankSet.ofIndex(PdqIndex.build([]));
      set.replace(banks, certificateThresholds);
      const report = screen(set, { pdq: await pdqDihedralImage(fixture("bridge-2-rotate-90.jpg")) });
      expect(report.cleared).to.equal(false);
      expect(report.matches).to.have.length(1);
      expect(report.matches[0]).to.include({ bank: "textile-registry", label: "Textile Registry, EU (registered-work-17 bridge)", signal: "pdq", transform: "rotated 90° counter-clockwise", variant: "rotate270", threshold: 31 });
      expect(report.matches[0]!.distance).to.be.at.most(31);
    });

    it("the same file into an allow bank takes the NEGATIVE_CLASS row only", async () => {
      const r = await motif("bank", "import", "registry-false-positives", "--kind", "allow", path.join(bankFixtures, "threatexchange-dataset.csv"));
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain("1 added");
      const [fp] = (await new BankStore(state).list()).filter((b) => b.name === "registry-false-positives");
      expect(fp).to.include({ kind: "allow", entries: 1 });
    });

    it("HMA bank content (JSON lines of GET /c/bank/<bank>/content/<id>?include_signals=true)", async () => {
      const r = await motif("bank", "import", "studio-archive", path.join(bankFixtures, "hma-bank-content.jsonl"));
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain("2 added");
      expect(r.stderr).to.contain("hma-bank-content.jsonl:3: skipped: no pdq or tile signal (has video_md5)");
      const list = await motif("bank", "list", "studio-archive");
      expect(list.stdout.trim().split("\n")).to.deep.equal([`pdq,${REF["swirl-512.png"]},hma STUDIO_ARCHIVE/41`, `pdq,${REF["plasma-256.png"]},hma STUDIO_ARCHIVE/42`]);
      const screened = await motif("screen", "--banks", fixture("swirl-512.png"), fixture("bridge-1-original.jpg"));
      expect(screened.code).to.equal(1);
      expect(screened.stdout).to.contain(`${fixture("swirl-512.png")}: matches "hma STUDIO_ARCHIVE/41" at distance 0 (pdq ≤ 31 in bank studio-archive; as is)`);
      expect(screened.stdout).to.contain(`${fixture("bridge-1-original.jpg")}: cleared`);
    });

    it("a CSV with a bad line is refused whole, naming the file, line and field, the bank unchanged; --skip-invalid imports the others", async () => {
      expect((await motif("bank", "add", "registry", `pdq:${REF["pen-and-coaster.png"]}=earlier work`)).code).to.equal(0);
      const files = () => readdirSync(path.join(state, "banks")).sort();
      const filesBefore = files();
      const file = path.join(state, "banks", filesBefore.find((f) => f.startsWith("registry."))!);
      const before = readFileSync(file, "utf8");
      const r = await motif("bank", "import", "registry", path.join(bankFixtures, "registry-bad-line.csv"));
      expect(r.code).to.equal(1);
      expect(r.stderr).to.contain('registry-bad-line.csv:3: hash: expected 64 hex digits (a 256-bit hash), got "2621c1d5f0135f11076bdc4cbf9957b322bbbe47df68431ca5f310f3184b28"; nothing imported');
      expect(readFileSync(file, "utf8")).to.equal(before);
      expect(files()).to.deep.equal(filesBefore); // nothing left behind: no temporary file, no new generation

      const skipping = await motif("bank", "import", "registry", "--skip-invalid", path.join(bankFixtures, "registry-bad-line.csv"));
      expect(skipping.code, skipping.stderr).to.equal(0);
      expect(skipping.stdout).to.contain("registry: 2 added, 1 line skipped from registry-bad-line.csv; 3 entries");
      expect(skipping.stderr).to.contain("registry-bad-line.csv:3: skipped: hash: expected 64 hex digits");
    });
  });

  describe("thresholds per bank, allow-lists, transforms", () => {
    it("each bank matches within its own threshold per signal (0..64, beyond PDQ's 31 too)", async () => {
      const work = REF["swirl-512.png"]!;
      const near = flip(work, range(0, 20)); // 20 bits away
      const far = flip(work, range(0, 36)); // 36 bits away
      const set = BankSet.ofIndex(PdqIndex.build([]));
      set.replace([
        Bank.fromEntries({ name: "strict", kind: "block", thresholds: { pdq: 10, tile: 40 } }, [{ signal: "pdq", hash: work, label: "strict work" }]),
        Bank.fromEntries({ name: "loose", kind: "block", thresholds: { pdq: 40, tile: 40 } }, [{ signal: "pdq", hash: work, label: "loose work" }]),
        Bank.fromEntries({ name: "tiles", kind: "block", thresholds: { pdq: 31, tile: 5 } }, [{ signal: "tile", hash: work, label: "tile work" }]),
      ]);
      const at = (hash: string, signal: "pdq" | "tile" = "pdq") => screenBanks(set, { [signal]: [{ hash, transform: "as given" }] }).matches.map((m) => `${m.bank}:${m.distance}`);
      expect(at(work)).to.deep.equal(["loose:0", "strict:0"]);
      expect(at(near)).to.deep.equal(["loose:20"]);
      expect(at(far)).to.deep.equal(["loose:36"]);
      expect(at(flip(work, range(0, 41)))).to.deep.equal([]);
      expect(at(flip(work, range(0, 5)), "tile")).to.deep.equal(["tiles:5"]);
      expect(at(flip(work, range(0, 6)), "tile")).to.deep.equal([]);
      // the tile signal's query hashes carry their own transform words into the match
      const tile = screenBanks(set, { tile: [{ hash: work, transform: "rotated 90°, any tile origin or repeat" }] }).matches[0]!;
      expect(tile).to.include({ bank: "tiles", signal: "tile", transform: "rotated 90°, any tile origin or repeat" });
      expect(tile).not.to.have.property("variant");
    });

    it("thresholds are set per bank from the CLI, and a bad one is refused naming the signal and 0..64", async () => {
      expect((await motif("bank", "add", "archive", "--threshold", "pdq=12,tile=30", `pdq:${REF["swirl-512.png"]}`)).code).to.equal(0);
      const bad = await motif("bank", "add", "archive", "--threshold", "pdq=65");
      expect(bad.code).to.equal(1);
      expect(bad.stderr).to.contain("--threshold: pdq=65 is not a threshold; expected an integer Hamming distance in 0..64");
      expect((await motif("bank", "add", "archive", "--threshold", "colour=3")).stderr).to.contain('"colour" is not a signal type; expected one of pdq, tile');
      expect((await motif("bank", "add", "certificates", "--threshold", "pdq=24")).code).to.equal(0);
      const list = JSON.parse((await motif("bank", "list", "--json")).stdout) as { banks: Array<{ name: string; thresholds: object }> };
      expect(list.banks.map((b) => [b.name, b.thresholds])).to.deep.equal([
        ["certificates", { pdq: 24, tile: 48 }],
        ["archive", { pdq: 12, tile: 30 }],
      ]);
    });

    it("an allow-list clears a known false positive for the matches it explains, and no other", async () => {
      // A registry entry that PDQ confuses with the studio's own photo of a pen (12 bits apart).
      const pen = REF["pen-and-coaster.png"]!;
      const collision = flip(pen, range(100, 112));
      writeFileSync(path.join(state, "registry.csv"), `hash,label\n${collision},registry work 90\n${REF["bridge-1-original.jpg"]},registry work 17\n`);
      expect((await motif("bank", "import", "registry", path.join(state, "registry.csv"))).code).to.equal(0);
      const before = await motif("screen", "--banks", "--json", fixture("pen-and-coaster.png"));
      expect(JSON.parse(before.stdout).matches.map((m: { label: string }) => m.label)).to.deep.equal(["registry work 90"]);

      const allow = await motif("bank", "add", "known-false-positives", "--kind", "allow", "--label", "studio pen photo", fixture("pen-and-coaster.png"));
      expect(allow.code, allow.stderr).to.equal(0);
      const after = await motif("screen", "--banks", "--json", fixture("pen-and-coaster.png"), fixture("bridge-2-rotate-90.jpg"));
      const [penReport, bridgeReport] = after.stdout.trim().split("\n").map((l) => JSON.parse(l));
      expect(penReport.cleared).to.equal(true);
      expect(penReport.allowed).to.have.length(1);
      expect(penReport.allowed[0]).to.deep.include({ bank: "registry", label: "registry work 90", distance: 12, transform: "as is" });
      expect(penReport.allowed[0].allowedBy).to.deep.include({ bank: "known-false-positives", label: "studio pen photo", distance: 0 });
      // the allow-list says nothing about the bridge: its rotated copy is still refused
      expect(bridgeReport.cleared).to.equal(false);
      expect(bridgeReport.matches[0]).to.include({ bank: "registry", label: "registry work 17", transform: "rotated 90° counter-clockwise" });
      expect(after.code).to.equal(1);
    });

    it("the rule, exactly: the same query hash must match the allow entry, and the allow entry the block entry; other signals are not cleared", () => {
      const f = REF["plasma-256.png"]!; // the candidate
      const e1 = flip(f, range(0, 20)); // a block entry 20 from f
      const e2 = flip(f, range(20, 50)); // another, 30 from f
      const a = flip(f, range(50, 60)); // allow entry: 10 from f, 30 from e1, 40 from e2
      expect([hammingDistance256(a, e1), hammingDistance256(a, e2), hammingDistance256(a, f)]).to.deep.equal([30, 40, 10]);
      const set = BankSet.ofIndex(PdqIndex.build([]));
      set.replace([
        Bank.fromEntries({ name: "registry", kind: "block", thresholds: { pdq: 31, tile: 31 } }, [
          { signal: "pdq", hash: e1, label: "e1" },
          { signal: "pdq", hash: e2, label: "e2" },
          { signal: "tile", hash: e1, label: "e1 tile" },
        ]),
        Bank.fromEntries({ name: "fp", kind: "allow", thresholds: { pdq: 12, tile: 40 } }, [{ signal: "pdq", hash: a, label: "known fp" }]),
      ]);
      const r = screenBanks(set, { pdq: [{ hash: f, transform: "as is" }], tile: [{ hash: f, transform: "as is, any tile origin or repeat" }] });
      expect(r.allowed.map((m) => m.label)).to.deep.equal(["e1"]); // a is a known false positive of e1
      expect(r.matches.map((m) => `${m.signal}:${m.label}:${m.distance}`)).to.deep.equal(["tile:e1 tile:20", "pdq:e2:30"]); // not for tile; not of e2
      expect(r.cleared).to.equal(false);
      // a candidate 13 from the allow entry (beyond the allow bank's 12) is not the known false positive
      const g = flip(f, range(60, 63));
      expect(screenBanks(set, { pdq: [{ hash: g, transform: "as is" }] }).matches.map((m) => m.label)).to.include("e1");
    });

    it("names the transform a copy is, checked against sharp's own rotations and mirrors", async () => {
      const original = fixture("bridge-1-original.jpg");
      const set = BankSet.ofIndex(PdqIndex.build([{ hash: REF["bridge-1-original.jpg"]!, label: "bridge" }]));
      const copies: Array<[string, (s: Sharp) => Sharp]> = [
        ["as is", (s) => s],
        ["rotated 90° clockwise", (s) => s.rotate(90)], // sharp rotates clockwise
        ["rotated 180°", (s) => s.rotate(180)],
        ["rotated 90° counter-clockwise", (s) => s.rotate(270)],
        ["mirrored left-right", (s) => s.flop()],
        ["mirrored top-bottom", (s) => s.flip()],
        // sharp rotates before it mirrors: 90° clockwise then left-right is the transpose (x, y) → (y, x)
        ["mirrored on the main diagonal", (s) => s.rotate(90).flop()],
        ["mirrored on the anti-diagonal", (s) => s.rotate(90).flip()],
      ];
      for (const [words, op] of copies) {
        const png = await op(sharp(original)).png().toBuffer();
        const report = screen(set, { pdq: await pdqDihedralImage(png) });
        expect(report.matches.map((m) => [m.bank, m.label, m.transform]), words).to.deep.equal([["certificates", "bridge", words]]);
      }
    });
  });

  describe("persistence", () => {
    it("the certificates bank is not removable; unknown banks are named with the known ones; labels are removable", async () => {
      const gone = await motif("bank", "remove", "certificates");
      expect(gone.code).to.equal(1);
      expect(gone.stderr).to.contain('the "certificates" bank is the chain\'s and cannot be removed');
      expect((await motif("bank", "add", "archive", `pdq:${REF["swirl-512.png"]}=swirl`, `tile:${REF["plasma-64.png"]}=plasma`)).code).to.equal(0);
      const unknown = await motif("bank", "remove", "archiv");
      expect(unknown.stderr).to.contain('name: no bank "archiv"; known banks: certificates, archive');
      expect((await motif("bank", "add", "archive", "--kind", "allow")).stderr).to.contain('bank "archive" is a block bank; remove it first to make it an allow bank');
      expect((await motif("bank", "add", "../etc", `pdq:${REF["swirl-512.png"]}`)).stderr).to.contain('"../etc" is not a bank name');
      expect((await motif("bank", "add", "archive", "pdq:abc")).stderr).to.contain("expected 64 hex digits");
      const removed = await motif("bank", "remove", "archive", "--label", "swirl");
      expect(removed.stdout).to.contain('archive: removed 1 entry labelled "swirl", 1 left');
      expect((await motif("bank", "remove", "archive")).code).to.equal(0);
      expect((await motif("bank", "list", "--json")).stdout).not.to.contain("archive");
    });

    it("a crash in the middle of an import leaves the bank as it was or as it will be, never half of it", async function () {
      this.timeout(120_000);
      expect((await motif("bank", "add", "big", `pdq:${REF["swirl-512.png"]}=first`)).code).to.equal(0);
      const file = path.join(state, "big.csv");
      const out = createWriteStream(file);
      const hex = (i: number) => i.toString(16).padStart(64, "0");
      for (let i = 1; i <= 200_000; i++) out.write(`${hex(i * 7919)},work ${i}\n`);
      await new Promise((r) => out.end(r));
      const child = spawn(process.execPath, [path.join(root, "generator", "bin", "motif.mjs"), "bank", "import", "big", file], { env: { ...process.env, MOTIF_STATE_DIR: state }, stdio: "ignore" });
      // kill it once it is writing (its temporary file exists), before it finishes
      const banksDir = path.join(state, "banks");
      let writing = false;
      for (let i = 0; i < 800 && !(writing = readdirSync(banksDir).some((f) => f.endsWith(".tmp") && f.startsWith("big."))); i++) await new Promise((r) => setTimeout(r, 10));
      child.kill("SIGKILL");
      await new Promise((r) => child.once("exit", r));
      expect(writing, "the import was killed while writing").to.equal(true);
      const store = new BankStore(state);
      const [info] = (await store.list()).filter((b) => b.name === "big");
      let n = 0;
      for await (const _ of store.entries("big")) n++;
      expect(n).to.equal(1); // the bank as it was: the new generation was never committed
      expect(info!.entries).to.equal(n); // banks.json agrees with the file it names
      expect(existsSync(path.join(banksDir, ".lock"))).to.equal(true); // the dead writer's lock
      // the next write takes over the dead process's lock, clears what it left, and finishes
      const again = await motif("bank", "import", "big", file);
      expect(again.code, again.stderr).to.equal(0);
      expect(again.stdout).to.contain("200001 entries");
      expect(readdirSync(banksDir).sort()).to.deep.equal(["banks.json", "big.2.csv"]);
    });
  });

  describe("the API: /v1/banks behind an admin key", () => {
    const admin: ApiKey = { key: "k-admin-0123456789", name: "operator", tier: "studio", requestsPerMinute: 10_000, maxPixelsPerRequest: 1 << 24, admin: true };
    const studio: ApiKey = { key: "k-studio-0123456789", name: "Studio A", tier: "studio", requestsPerMinute: 10_000, maxPixelsPerRequest: 1 << 24 };

    async function api() {
      const pipeline = testPipeline();
      pipeline.banks = BankSet.ofIndex(pipeline.index);
      const store = new BankStore(state);
      const watching = await store.watch(pipeline.banks);
      const app = await buildApi({ keys: [admin, studio], pipeline, banks: { store, reload: watching.reload } });
      return { app, close: async () => (watching.close(), await app.close()) };
    }
    const as = (key: ApiKey) => ({ "x-api-key": key.key });

    it("a non-admin key gets 403 in words; an admin creates a bank, adds an image, the screen names it; errors name the field and range", async () => {
      const { app, close } = await api();
      try {
        const refused = await app.inject({ method: "GET", url: "/v1/banks", headers: as(studio) });
        expect(refused.statusCode).to.equal(403);
        expect(refused.json()).to.deep.equal({ error: "admin_only", message: 'x-api-key: the key "Studio A" is not an admin key; /v1/banks needs a key with "admin": true (the operator\'s)' });
        expect((await app.inject({ method: "POST", url: "/v1/banks", headers: as(studio), payload: { name: "x" } })).statusCode).to.equal(403);

        const created = await app.inject({ method: "POST", url: "/v1/banks", headers: as(admin), payload: { name: "studio-archive", thresholds: { pdq: 20 } } });
        expect(created.statusCode, created.body).to.equal(201);
        expect(created.json().bank).to.deep.include({ name: "studio-archive", kind: "block", thresholds: { pdq: 20, tile: 48 }, entries: 0 });
        const image = readFileSync(fixture("bridge-1-original.jpg")).toString("base64");
        const added = await app.inject({ method: "POST", url: "/v1/banks/studio-archive/entries", headers: as(admin), payload: { image, label: "bridge, 2019" } });
        expect(added.statusCode, added.body).to.equal(200);
        expect(added.json()).to.include({ added: 2, entries: 2 }); // its PDQ and its tile hash

        const rotated = readFileSync(fixture("bridge-4-rotate-270.jpg")).toString("base64");
        const screened = await app.inject({ method: "POST", url: "/v1/screen", headers: as(studio), payload: { image: rotated } });
        expect(screened.json().cleared).to.equal(false);
        const matches = screened.json().matches as Array<{ signal: string }>;
        expect(matches.find((m) => m.signal === "pdq")).to.include({ bank: "studio-archive", label: "bridge, 2019", signal: "pdq", transform: "rotated 90° clockwise", variant: "rotate90" });
        expect(matches.find((m) => m.signal === "tile"), "the photo's tile hash matches too (a photo is one period)").to.include({ bank: "studio-archive", label: "bridge, 2019" });
        const byHash = await app.inject({ method: "POST", url: "/v1/screen", headers: as(studio), payload: { hash: REF["bridge-1-original.jpg"] } });
        expect(byHash.json().matches[0]).to.include({ bank: "studio-archive", distance: 0, transform: "as given" });

        const page = await app.inject({ method: "GET", url: "/v1/banks/studio-archive?limit=10", headers: as(admin) });
        const items = page.json().items as Array<{ signal: string; hash: string; label: string }>;
        expect(items.map((i) => i.signal)).to.deep.equal(["pdq", "tile"]);
        expect(items[0]).to.deep.equal({ signal: "pdq", hash: REF["bridge-1-original.jpg"], label: "bridge, 2019" });
        expect(items[1]!.label).to.equal("bridge, 2019");
        const list = await app.inject({ method: "GET", url: "/v1/banks", headers: as(admin) });
        expect(list.json().banks.map((b: { name: string; removable: boolean }) => [b.name, b.removable])).to.deep.equal([
          ["certificates", false],
          ["studio-archive", true],
        ]);

        const cases: Array<[string, string, object, number, string]> = [
          ["POST", "/v1/banks", { name: "a", thresholds: { pdq: 65 } }, 400, "body.thresholds.pdq: 65 is not a threshold; expected an integer Hamming distance in 0..64"],
          ["POST", "/v1/banks", { name: "a b" }, 400, 'body.name: "a b" is not a bank name'],
          ["POST", "/v1/banks/studio-archive/entries", { entries: [{ hash: "zz" }] }, 400, 'body.entries[0].hash: expected 64 hex digits (a 256-bit hash), got "zz"'],
          ["POST", "/v1/banks/studio-archive/entries", { entries: [{ signal: "md5", hash: REF["swirl-512.png"] }] }, 400, 'body.entries[0].signal: "md5" is not a signal type; expected one of pdq, tile'],
          ["POST", "/v1/banks/nope/entries", { entries: [{ hash: REF["swirl-512.png"] }] }, 404, 'params.name: no bank "nope"; known banks: certificates, studio-archive'],
          ["POST", "/v1/banks/certificates/entries", { entries: [{ hash: REF["swirl-512.png"] }] }, 400, "rebuilt from the chain's CertificateMinted events"],
          ["DELETE", "/v1/banks/certificates", {}, 400, "cannot be removed"],
        ];
        for (const [method, url, payload, status, message] of cases) {
          const r = await app.inject({ method: method as "POST", url, headers: as(admin), ...(method === "POST" ? { payload } : {}) });
          expect(r.statusCode, `${method} ${url} ${r.body}`).to.equal(status);
          expect(r.json().message, url).to.contain(message);
        }
        const removed = await app.inject({ method: "DELETE", url: "/v1/banks/studio-archive", headers: as(admin) });
        expect(removed.statusCode).to.equal(200);
        expect((await app.inject({ method: "POST", url: "/v1/screen", headers: as(studio), payload: { image: rotated } })).json().cleared).to.equal(true);
      } finally {
        await close();
      }
    });

    it("the OpenAPI document describes /v1/banks", async () => {
      const { app, close } = await api();
      const doc = (await app.inject({ method: "GET", url: "/v1/openapi.json" }).finally(close)).json() as { paths: Record<string, Record<string, unknown>> };
      expect(Object.keys(doc.paths)).to.include.members(["/v1/banks", "/v1/banks/{name}", "/v1/banks/{name}/entries"]);
      expect(Object.keys(doc.paths["/v1/banks"] ?? {})).to.deep.equal(["get", "post"]);
      expect(Object.keys(doc.paths["/v1/banks/{name}"] ?? {})).to.deep.equal(["get", "delete"]);
    });

    it("the pipeline refuses a render that matches a studio's archive, naming the bank", async () => {
      const first = await runPipeline(testPipeline(), { model: "indigo", seed: 5n, params: { scale: 2, sharpness: 4 }, width: 64, height: 64 });
      const pipeline = testPipeline();
      pipeline.banks = BankSet.ofIndex(pipeline.index);
      pipeline.banks.replace([Bank.fromEntries({ name: "studio-archive", kind: "block", thresholds: { pdq: 31, tile: 40 } }, [{ signal: "pdq", hash: first.fingerprint.pdq.original, label: "sold in 2024" }])]);
      const again = await runPipeline(pipeline, { model: "indigo", seed: 5n, params: { scale: 2, sharpness: 4 }, width: 64, height: 64 });
      expect(again.status).to.equal("refused");
      expect(again.screen.matches[0]).to.include({ bank: "studio-archive", label: "sold in 2024", distance: 0, transform: "as is" });
    });
  });

  describe("two processes", () => {
    let server: ChildProcess | undefined;
    afterEach(async () => {
      if (server !== undefined && server.exitCode === null) {
        const exited = new Promise((r) => server!.once("exit", r));
        server.kill("SIGTERM");
        await exited;
      }
    });

    it("motif serve screens with a bank entry another process's `motif bank add` made, within a second", async () => {
      const key = "k-two-processes-0123";
      server = spawn(process.execPath, [path.join(root, "generator", "bin", "motif.mjs"), "serve", "--port", "0", "--store", path.join(state, "ipfs"), "--usage", path.join(state, "usage.jsonl"), "--state", state], {
        env: { ...process.env, MOTIF_RPC_URL: "", MOTIF_API_KEYS: JSON.stringify([{ key, name: "t", tier: "studio", requestsPerMinute: 100_000, maxPixelsPerRequest: 1 << 24 }]) },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        server!.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        server!.stderr!.on("data", (d: Buffer) => (out += d.toString()));
        server!.once("exit", (code) => reject(new Error(`motif serve exited with ${code}: ${out}`)));
      });
      const image = readFileSync(fixture("bridge-6-flipy.jpg")).toString("base64");
      const screenIt = async () => (await (await fetch(`${url}/v1/screen`, { method: "POST", headers: { "content-type": "application/json", "x-api-key": key }, body: JSON.stringify({ image }) })).json()) as { cleared: boolean; matches: Array<{ bank: string; label: string; transform: string; signal: string }> };
      expect((await screenIt()).cleared).to.equal(true);

      const add = spawnSync(process.execPath, [path.join(root, "generator", "bin", "motif.mjs"), "bank", "add", "studio-archive", "--state", state, "--label", "bridge", fixture("bridge-1-original.jpg")], { encoding: "utf8" });
      expect(add.status, add.stderr).to.equal(0);
      const since = Date.now();
      let report = await screenIt();
      while (report.cleared && Date.now() - since < 1000) {
        await new Promise((r) => setTimeout(r, 50));
        report = await screenIt();
      }
      expect(report.cleared, `still cleared ${Date.now() - since} ms after the CLI exited`).to.equal(false);
      expect(report.matches.find((m) => m.signal === "pdq")).to.include({ bank: "studio-archive", label: "bridge", transform: "mirrored left-right" });

      // and a removal is seen as quickly
      expect(spawnSync(process.execPath, [path.join(root, "generator", "bin", "motif.mjs"), "bank", "remove", "studio-archive", "--state", state]).status).to.equal(0);
      const removedAt = Date.now();
      while (!(report = await screenIt()).cleared && Date.now() - removedAt < 1000) await new Promise((r) => setTimeout(r, 50));
      expect(report.cleared).to.equal(true);

      const exited = new Promise<number | null>((r) => server!.once("exit", r));
      server.kill("SIGTERM");
      expect(await exited).to.equal(0);
      expect(existsSync(path.join(state, "banks", ".lock"))).to.equal(false);
    });
  });
});
