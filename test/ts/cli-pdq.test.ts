import { expect } from "chai";
import { spawnSync } from "node:child_process";
import path from "node:path";

const root = process.cwd();
const fixtures = path.join("test", "fixtures", "pdq");

function motif(...args: string[]) {
  const r = spawnSync(process.execPath, [path.join(root, "bin", "motif.mjs"), ...args], { cwd: root, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("npx motif pdq", function () {
  this.timeout(60_000);

  it("prints <hash>,<quality>,<file> per file, reports bad files and exits 1, hashing the rest", () => {
    const good = path.join(fixtures, "plasma-64.png");
    const r = motif("pdq", good, "missing.png", "README.md", path.join(fixtures, "swirl-512.png"));
    expect(r.code).to.equal(1);
    expect(r.stdout.trim().split("\n")).to.deep.equal([
      `2b82a94fed7475e914a5b8f1803e48b3e57b24cf4646b3a4d097681b47c99a7c,100,${good}`,
      `2621c1d5f0135f11076bdc4cbf9957b322bbbe47df68431ca5f310f3184b288b,100,${path.join(fixtures, "swirl-512.png")}`,
    ]);
    expect(r.stderr).to.contain("missing.png: not a readable image");
    expect(r.stderr).to.contain("README.md: not a readable image");
  });

  it("flags quality below 50 as unreliable", () => {
    const r = motif("pdq", path.join(fixtures, "tiny-4.png"));
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^0{64},0,/);
    expect(r.stderr).to.contain("quality 0 is below 50; the hash is unreliable");
  });

  it("offers full resolution, dihedral and JSON output", () => {
    const file = path.join(fixtures, "pen-and-coaster.png");
    const full = motif("pdq", "--fullres", "--json", file);
    expect(JSON.parse(full.stdout)).to.deep.equal({
      file,
      hash: "1f811b9d267fbc6693c0c7f30e041f9df49b836303e10f067fcdfc12c02d01f9",
      quality: 100,
    });
    const dihedral = motif("pdq", "--dihedral", path.join(fixtures, "bridge-1-original.jpg"));
    expect(dihedral.stdout.split(",")).to.have.length(10);
  });

  it("rejects bad usage with exit 2 and says what is wrong", () => {
    expect(motif("pdq").stderr).to.contain("FILE: at least one image file is required");
    expect(motif("pdq").code).to.equal(2);
    expect(motif("pdq", "--bogus", "x").code).to.equal(2);
    const unknown = motif("paint");
    expect(unknown.code).to.equal(2);
    expect(unknown.stderr).to.contain('unknown command "paint"');
  });
});
