import type { Page } from "playwright-core";
import { type Hex, createWalletClient, custom } from "viem";
import { mnemonicToAccount } from "viem/accounts";

/**
 * An EIP-1193 wallet injected into the page, backed by a funded local account on the Node side:
 * accounts, chain id (starting on the wrong chain until the page asks to switch), transactions and
 * signatures signed locally; reads forwarded to `rpcUrl` (the stack's RPC, or a hosted provider's,
 * whose 429s it waits out). `rejectNext` makes the next signing request fail as a person pressing
 * "Reject" does (code 4001), as does `rejectAsk` for the request of that index in `asked` (0: the
 * first). `asked` lists each request to sign or send, by method, as it arrives
 * (rejected ones too): what the page asked of the wallet, whatever reached the chain.
 */
export async function injectWallet(page: Page, rpcUrl: string, index: number) {
  const account = mnemonicToAccount("test test test test test test test test test test test junk", { addressIndex: index });
  const state = { chainId: 1, rejectNext: false, connected: false, asked: [] as string[], rejectAsk: -1 };
  // a wallet's own RPC client waits out its provider's rate limit (HTTP 429), as MetaMask's does
  const forward = async (method: string, params: unknown[]) => {
    for (let attempt = 1; ; attempt++) {
      const r = await fetch(rpcUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }) });
      if (r.status === 429 && attempt < 8) {
        await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        continue;
      }
      return (await r.json()) as { result?: unknown; error?: { code: number; message: string; data?: unknown } };
    }
  };
  // the wallet's own sends go through the same client (a 429 there was refused before it was read)
  const signer = createWalletClient({
    account,
    transport: custom({
      request: async ({ method, params }: { method: string; params?: unknown }) => {
        const out = await forward(method, (params ?? []) as unknown[]);
        if (out.error) throw Object.assign(new Error(out.error.message), { code: out.error.code, data: out.error.data });
        return out.result;
      },
    }),
  });
  const handle = async (method: string, params: any[]): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> => {
    switch (method) {
      case "eth_requestAccounts":
        state.connected = true;
        return { result: [account.address] };
      case "eth_accounts":
        return { result: state.connected ? [account.address] : [] };
      case "eth_chainId":
        return { result: `0x${state.chainId.toString(16)}` };
      case "wallet_switchEthereumChain":
        state.chainId = Number(params[0].chainId);
        setTimeout(() => void page.evaluate((id) => (window as any).__motifEmit("chainChanged", id), params[0].chainId).catch(() => undefined), 0);
        return { result: null };
      case "eth_sendTransaction":
      case "eth_signTypedData_v4":
      case "personal_sign": {
        state.asked.push(method);
        if (state.rejectNext || state.rejectAsk === state.asked.length - 1) {
          state.rejectNext = false;
          return { error: { code: 4001, message: "User rejected the request." } };
        }
        if (state.chainId !== 31337) return { error: { code: 4100, message: "wallet is on another chain" } };
        if (method === "eth_sendTransaction") {
          const tx = params[0];
          const hash = await signer.sendTransaction({
            account,
            chain: null,
            to: tx.to,
            data: tx.data,
            value: tx.value ? BigInt(tx.value) : 0n,
            ...(tx.gas ? { gas: BigInt(tx.gas) } : {}),
          });
          return { result: hash };
        }
        if (method === "personal_sign") return { result: await account.signMessage({ message: { raw: params[0] as Hex } }) };
        const typed = typeof params[1] === "string" ? JSON.parse(params[1]) : params[1];
        return { result: await account.signTypedData(typed) };
      }
      default:
        return forward(method, params);
    }
  };
  await page.exposeFunction("__motifWallet", async (method: string, params: string) => JSON.stringify(await handle(method, JSON.parse(params) as unknown[])));
  // a string, not a function: the test runner's transpiler would add helpers the page lacks
  await page.addInitScript(`
    const listeners = new Map();
    window.__motifEmit = (event, arg) => listeners.get(event)?.forEach((fn) => fn(arg));
    window.ethereum = {
      request: async ({ method, params }) => {
        const out = JSON.parse(await window.__motifWallet(method, JSON.stringify(params ?? [])));
        if (out.error) throw Object.assign(new Error(out.error.message), { code: out.error.code, data: out.error.data });
        return out.result;
      },
      on: (event, fn) => {
        if (!listeners.has(event)) listeners.set(event, new Set());
        listeners.get(event).add(fn);
      },
      removeListener: (event, fn) => listeners.get(event)?.delete(fn),
    };
  `);
  return { account, state };
}

