/**
 * Audit 37 on 0d223e0 (patterns signed before a crash join the banks up front under a label of their
 * own, taken out at their turn by `Bank.forget`; a signed pattern whose signed hashes meet an earlier
 * signed one's is rendered and screened at its turn).
 * Its findings, fixed since: an up-front entry of a request the chain would no longer take (its
 * signer's key rotated out after the crash) refused a near-copy for good; `Bank.size` and `sizes`
 * still counted forgotten entries; the up-front pass read the chain's clock once a signed job.
 * Not kept here (branch `audit37`): a signed pattern whose journal record holds another's signed
 * request turned 90° is sent as signed beside it, both certified. The up-front pass compares the
 * hashes as signed (a turn moves PDQ 122 bits, the tile hash 152), and a journal record is trusted
 * to be what its job renders (SECURITY.md).
 * `FIXED finding_*`: a break, fixed; `held_*`: an attack that did not break.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { type Address, createWalletClient, custom, getAddress, stringify } from "viem";

import { jobKey, runBatch } from "../src/batch/batch.js";
import { Journal } from "../src/batch/journal.js";
import type { PatternRequest, PipelineConfig } from "../src/pipeline.js";
import { Bank, BankSet } from "../src/screen/banks.js";
import { PdqIndex } from "../src/screen/pdq-index.js";
import { screen } from "../src/screen/screen.js";
import { type BatchChain, journalAttested, onBatchChain, signed, signedBeforeCrash } from "./helpers/batch-chain.js";

describe("audit 37: batch rerun, Bank.forget and the up-front pass (0d223e0)", function () {
  this.timeout(300_000);

  const small: PatternRequest = { model: "weld", seed: 12n, params: { scale: 2, sharpness: 3 }, width: 96, height: 96 };
  const large: PatternRequest = { ...small, width: 128, height: 128 };
  const other: PatternRequest = { ...small, seed: 13n };

  const onChain = (test: (c: BatchChain) => Promise<void>) => onBatchChain("motif-audit37-", test);

  it("held_unturned_signed_pair: the same two jobs, the second's record an exact near-copy (large), one certified", () =>
    onChain(async (c) => {
      const s = await signedBeforeCrash(c, small);
      const l = await signed(c, large);
      await journalAttested(c, jobKey(other), l);
      await runBatch(await c.freshConfig(), [small, other], c.journalFile);
      const ids = await c.mintedIds();
      expect([s, l].map((r) => BigInt(r.rendered.contentDigest)).filter((id) => ids.includes(id))).to.have.length(1);
    }));

  it("FIXED finding_never_mintable_entry_refuses_near_copy: a signed job whose signature the chain no longer takes (its attester key revoked after the crash) refuses nothing up front: the near-copy before it is certified, and it is rendered, screened and refused as that near-copy's", () =>
    onChain(async (c) => {
      await signedBeforeCrash(c, small);
      // key rotation after the crash: the old generator key loses ATTESTER_ROLE, a new key gets it
      const accounts = (await c.publicClient.request({ method: "eth_accounts" as never })) as Address[];
      const newKey = getAddress(accounts[3]!);
      const role = await c.certificate.read.ATTESTER_ROLE();
      await c.certificate.write.grantRole([role, newKey]);
      await c.certificate.write.revokeRole([role, c.generatorWallet.account.address]);
      const chainId = await c.publicClient.getChainId();
      const client = createWalletClient({ account: newKey, transport: custom({ request: (a) => c.publicClient.request(a as never) }) });
      const base = await c.freshConfig();
      const config = { ...base, attester: { ...(base.attester as Exclude<PipelineConfig["attester"], "minter" | undefined>), signer: { client: client as never, account: { address: newKey, type: "json-rpc" } as never }, chainId } };
      let error = "";
      await runBatch(config, [large, small], c.journalFile).catch((e: Error) => (error = e.message.slice(0, 120)));
      const journal = await Journal.open(c.journalFile);
      // `small`'s signed request is never certified (its signer is no attester any more) ...
      expect(await c.mintedIds()).to.not.include(BigInt((await Journal.open(c.journalFile)).get(jobKey(small))!.contentDigest ?? "0x0"));
      // ... so nothing may be refused for its entry: `large` is certified (as before 1e6b8b2)
      expect(journal.get(jobKey(large))?.step, `${journal.get(jobKey(large))?.reason ?? ""} / batch error: ${error}`).to.equal("minted");
      // and the run goes on: `small` is not sent as signed (its mint would revert) but screened again
      expect(error).to.equal("");
      expect(journal.get(jobKey(small))!.step).to.equal("refused");
    }));

  it("held_control_new_key_certifies_large: with the same key rotation and no signed record, `large` is certified by the new key", () =>
    onChain(async (c) => {
      const accounts = (await c.publicClient.request({ method: "eth_accounts" as never })) as Address[];
      const newKey = getAddress(accounts[3]!);
      const role = await c.certificate.read.ATTESTER_ROLE();
      await c.certificate.write.grantRole([role, newKey]);
      await c.certificate.write.revokeRole([role, c.generatorWallet.account.address]);
      const client = createWalletClient({ account: newKey, transport: custom({ request: (a) => c.publicClient.request(a as never) }) });
      const base = await c.freshConfig();
      const config = { ...base, attester: { ...(base.attester as Exclude<PipelineConfig["attester"], "minter" | undefined>), signer: { client: client as never, account: { address: newKey, type: "json-rpc" } as never } } };
      await runBatch(config, [large], c.journalFile);
      expect((await Journal.open(c.journalFile)).get(jobKey(large))!.step).to.equal("minted");
    }));

  it("FIXED finding_forget_size_disagrees_with_entries: after Bank.forget, size and sizes agree with entries() and query()", () => {
    const bank = Bank.fromEntries({ name: "certificates", kind: "block", thresholds: { pdq: 31, tile: 36 } as never }, [
      { signal: "pdq", hash: "a".repeat(64), label: "certificate 0x01 (signed before a crash, sent at its turn)" },
      { signal: "pdq", hash: "b".repeat(64), label: "certificate 0x02" },
    ]);
    bank.forget("certificate 0x01 (signed before a crash, sent at its turn)");
    expect([...bank.entries()]).to.have.length(1);
    expect(bank.query("pdq", "a".repeat(64))).to.have.length(0);
    expect({ size: bank.size, pdq: bank.sizes.pdq }).to.deep.equal({ size: 1, pdq: 1 });
  });

  it("held_forget_label_scoped: forgetting an up-front label (any case) hides neither the chain certificate of the same digest nor a studio bank entry of the same label", () => {
    const up = "certificate 0xab (signed before a crash, sent at its turn)";
    const certs = Bank.fromEntries({ name: "certificates", kind: "block", thresholds: { pdq: 31, tile: 36 } as never }, [
      { signal: "pdq", hash: "a".repeat(64), label: up },
      { signal: "pdq", hash: "a".repeat(64), label: "certificate 0xab" },
    ]);
    const studio = Bank.fromEntries({ name: "studio", kind: "block", thresholds: { pdq: 31, tile: 36 } as never }, [{ signal: "pdq", hash: "a".repeat(64), label: up }]);
    const set = new BankSet(certs, [studio]);
    set.certificates.forget(up.toUpperCase());
    const labels = screen(set, { pdq: { original: "a".repeat(64), rotate90: "a".repeat(64), rotate180: "a".repeat(64), rotate270: "a".repeat(64), flipX: "a".repeat(64), flipY: "a".repeat(64), flipPlus1: "a".repeat(64), flipMinus1: "a".repeat(64), quality: 100 } }).matches.map((m) => `${m.bank}:${m.label}`);
    expect(labels.sort()).to.deep.equal(["certificates:certificate 0xab", `studio:${up}`]);
  });

  it("held_same_content_two_keys: a job and another key whose record holds its signed request: certified once, nothing else refused", () =>
    onChain(async (c) => {
      const s = await signedBeforeCrash(c, small);
      await journalAttested(c, jobKey(other), s);
      const summary = await runBatch(await c.freshConfig(), [other, small], c.journalFile);
      const ids = await c.mintedIds();
      expect(ids.filter((id) => id === BigInt(s.rendered.contentDigest))).to.have.length(1);
      expect(summary.minted + summary.refused).to.equal(2);
    }));

  it("FIXED finding_upfront_pass_one_rpc_per_signed_job: 1,000 signed-before-crash jobs: the up-front pass reads the chain's clock once, not once a job", () =>
    onChain(async (c) => {
      const s = await signed(c, small);
      const jobs: PatternRequest[] = [];
      const lines: string[] = [];
      for (let i = 0; i < 1_000; i++) {
        const job = { ...small, seed: 1_000_000n + BigInt(i) };
        jobs.push(job);
        const hex = (n: number) => createHash("sha256").update(`${n}`).digest("hex");
        const request = { ...s.request, lineage: { ...s.request.lineage, pdqHash: `0x${hex(i)}`, tileHash: `0x${hex(i + 1e6)}`, contentDigest: `0x${hex(i + 2e6)}` } };
        lines.push(stringify({ key: jobKey(job), step: "attested", contentDigest: request.lineage.contentDigest, request }));
      }
      await writeFile(c.journalFile, lines.join("\n") + "\n");
      const config = await c.freshConfig();
      const client = config.minter!.publicClient;
      let getBlocks = 0;
      const counted = new Proxy(client, {
        get: (t, k, r) => (k === "getBlock" ? async (...a: unknown[]) => (getBlocks++, (t.getBlock as (...x: unknown[]) => unknown)(...a)) : Reflect.get(t, k, r)),
      });
      const started = performance.now();
      let firstTurn = -1;
      let error = "";
      await runBatch({ ...config, minter: { ...config.minter!, publicClient: counted } }, jobs, c.journalFile, () => {
        throw new Error("stop");
      }).catch((e: Error) => (error = e.message.slice(0, 100)));
      firstTurn = performance.now() - started;
      // one chain clock read would do for the whole pass (the chain's clock moves by blocks)
      // the run stops at its first pattern's turn (its fake request's mint reverts, or the progress callback throws)
      expect(getBlocks, `${firstTurn.toFixed(0)} ms to the end of the first turn; ${error}`).to.be.at.most(2);
    }));
});
