import { expect } from "chai";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

import { runCli } from "../../test/ts/helpers/cli.js";

const AUTHOR = "0x90F79bf6EB2c4f870365E785982E1f101E93b906";

describe("recipes (off-chain): canonical model + params, digest, render from a recipe", function () {
  this.timeout(60_000);
  // made in before(), not at load time: the run's temp folder (the root hooks' TMPDIR) exists only then
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "motif-recipe-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("creates a canonical recipe, checks it, and renders the same pattern as the explicit options", async () => {
    const file = path.join(dir, "indigo-stripes.json");
    const created = await runCli({}, "recipe", "create", "--model", "indigo", "--name", "Indigo stripes", "--author", AUTHOR, "--scale", "5", "--sharpness", "9", "--out", file);
    expect(created.code, created.output).to.equal(0);
    const { recipeDigest } = JSON.parse(created.stdout) as { recipeDigest: string };
    // canonical: sorted keys, no whitespace; the same recipe always has the same digest
    expect(readFileSync(file, "utf8")).to.match(/^\{"author":"0x90F79bf6EB2c4f870365E785982E1f101E93b906","format":"motif-recipe\/1","model":\{"name":"indigo","weightsDigest":"0x[0-9a-f]{64}"\},"name":"Indigo stripes","params":\{"scale":5,"sharpness":9\}\}$/);
    const again = await runCli({}, "recipe", "create", "--model", "indigo", "--name", "Indigo stripes", "--author", AUTHOR.toLowerCase(), "--scale", "5", "--sharpness", "9", "--out", path.join(dir, "again.json"));
    expect((JSON.parse(again.stdout) as { recipeDigest: string }).recipeDigest).to.equal(recipeDigest);
    expect((JSON.parse((await runCli({}, "recipe", "check", file)).stdout) as { recipeDigest: string }).recipeDigest).to.equal(recipeDigest);

    const fromRecipe = await runCli({}, "render", "--recipe", file, "--seed", "77", "--size", "96", "--out", path.join(dir, "a.png"), "--json");
    const explicit = await runCli({}, "render", "--model", "indigo", "--scale", "5", "--sharpness", "9", "--seed", "77", "--size", "96", "--out", path.join(dir, "b.png"), "--json");
    expect(fromRecipe.code, fromRecipe.output).to.equal(0);
    const a = JSON.parse(fromRecipe.stdout) as { contentDigest: string; recipeDigest: string };
    expect(a.contentDigest).to.equal((JSON.parse(explicit.stdout) as { contentDigest: string }).contentDigest);
    expect(a.recipeDigest).to.equal(recipeDigest);
  });

  it("refuses a bad recipe naming the field, and writes nothing", async () => {
    const good = JSON.parse(readFileSync(path.join(dir, "indigo-stripes.json"), "utf8")) as Record<string, any>;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, model: { ...good.model, weightsDigest: `0x${"ab".repeat(32)}` } }, "model.weightsDigest"],
      [{ ...good, model: { ...good.model, name: "cobalt" } }, 'model.name: unknown model "cobalt"'],
      [{ ...good, params: { scale: 12, sharpness: 9 } }, "params.scale: 12 is not an integer in 1..8"],
      [{ ...good, params: { scale: 2, sharpness: "sharp" } }, "params.sharpness"],
      [{ ...good, author: "me" }, "author: a 0x-prefixed 20-byte address"],
      [{ ...good, format: "motif-recipe/2" }, "format"],
      [{ ...good, price: 3 }, "price: is not a recipe field"],
    ];
    for (const [recipe, message] of cases) {
      const f = path.join(dir, "bad.json");
      writeFileSync(f, JSON.stringify(recipe));
      const out = path.join(dir, "bad.png");
      const r = await runCli({}, "render", "--recipe", f, "--seed", "1", "--size", "64", "--out", out);
      expect(r.code, message).to.equal(2);
      expect(r.stderr).to.contain(message);
      expect(existsSync(out)).to.equal(false);
    }
    const both = await runCli({}, "render", "--recipe", path.join(dir, "indigo-stripes.json"), "--model", "weld", "--seed", "1", "--out", path.join(dir, "x.png"));
    expect(both.code).to.equal(2);
    expect(both.stderr).to.contain("--recipe: the recipe sets the model and params");
  });
});
