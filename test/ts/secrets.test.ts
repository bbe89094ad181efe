import { expect } from "chai";

import { redactSecrets } from "../../generator/src/cli/index.js";
import { runCli } from "./helpers/cli.js";

const KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";


describe("secrets never reach the logs", function () {
  this.timeout(60_000);

  it("redacts URLs to their host and the secret variables' values, wherever they appear in a message", () => {
    const env = { MOTIF_ATTESTER_KEY: KEY, MOTIF_API_KEYS: JSON.stringify([{ key: "sk-live-abcdef123456" }]) };
    const message = `HTTP request failed. URL: https://user:pw@eth.example.com/v2/abc123?key=zz key ${KEY.slice(2)} header sk-live-abcdef123456 local http://127.0.0.1:8545`;
    const clean = redactSecrets(message, env);
    for (const secret of ["pw@", "abc123", "key=zz", KEY.slice(2), "sk-live-abcdef123456"]) expect(clean).not.to.contain(secret);
    expect(clean).to.contain("https://eth.example.com/…");
    expect(clean).to.contain("http://127.0.0.1:8545");
  });

  it("a malformed API key list is reported without its content", async () => {
    const r = await runCli({ MOTIF_API_KEYS: '[{"key": "sk-live-SECRET-9", oops}]' }, "serve", "--port", "0");
    expect(r.code).to.equal(2);
    expect(r.output).to.contain("--keys: not JSON");
    expect(r.output).not.to.contain("sk-live-SECRET-9");
  });

  it("an unreachable RPC with a key in its URL fails without printing the URL's secret or the private key", async () => {
    const r = await runCli({ MOTIF_RPC_URL: "http://127.0.0.1:9/v3/INFURA-SECRET-77?token=T0KEN", MOTIF_ATTESTER_KEY: KEY }, "mint", "--model", "weld", "--seed", "1", "--size", "64");
    expect(r.code).to.not.equal(0);
    expect(r.output).to.contain("127.0.0.1:9");
    for (const secret of ["INFURA-SECRET-77", "T0KEN", KEY.slice(2)]) expect(r.output).not.to.contain(secret);
  });
});
