import { type Address, type Chain, type EIP1193Provider, createPublicClient, createWalletClient, custom, defineChain, getAddress, http } from "viem";

import type { WebConfig } from "./config.js";

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

export class NoWalletError extends Error {
  constructor() {
    super("No wallet found. Install a browser wallet (any EIP-1193 wallet, such as MetaMask or Rabby), then reload this page.");
    this.name = "NoWalletError";
  }
}

export class WrongChainError extends Error {
  constructor(
    readonly walletChainId: number,
    readonly wantedChainId: number,
  ) {
    super(`Your wallet is on chain ${walletChainId}; Motif here runs on chain ${wantedChainId}.`);
    this.name = "WrongChainError";
  }
}

export function motifChain(cfg: WebConfig): Chain {
  return defineChain({
    id: cfg.chainId,
    name: cfg.chainId === 31337 ? "Motif local chain" : `Chain ${cfg.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: cfg.rpcUrl ? [cfg.rpcUrl] : [] } },
  });
}

/** Reads go to the stack's RPC (or the wallet's, on a real chain). */
export function publicClientFor(cfg: WebConfig) {
  const transport = cfg.rpcUrl ? http(cfg.rpcUrl) : window.ethereum ? custom(window.ethereum) : undefined;
  if (transport === undefined) throw new NoWalletError();
  return createPublicClient({ chain: motifChain(cfg), transport });
}

/** The injected wallet (EIP-1193): connect, check and switch the chain, and a viem wallet client. */
export class Wallet {
  address: Address | undefined;
  private listeners = new Set<() => void>();
  private pageListeners = new Set<() => void>();

  constructor(readonly cfg: WebConfig) {
    window.ethereum?.on?.("accountsChanged", (accounts: string[]) => {
      this.address = accounts[0] ? getAddress(accounts[0]) : undefined;
      this.changed();
    });
    window.ethereum?.on?.("chainChanged", () => this.changed());
  }

  /** Calls `fn` when the account or chain changes; page listeners are dropped on navigation. */
  onChange(fn: () => void, scope: "page" | "global" = "page"): void {
    (scope === "page" ? this.pageListeners : this.listeners).add(fn);
  }

  clearPageListeners(): void {
    this.pageListeners.clear();
  }

  private changed(): void {
    for (const fn of [...this.listeners, ...this.pageListeners]) fn();
  }

  private provider(): EIP1193Provider {
    if (window.ethereum === undefined) throw new NoWalletError();
    return window.ethereum;
  }

  async connect(): Promise<Address> {
    const accounts = (await this.provider().request({ method: "eth_requestAccounts" })) as string[];
    if (!accounts[0]) throw new Error("Your wallet returned no account.");
    this.address = getAddress(accounts[0]);
    this.changed();
    return this.address;
  }

  async chainId(): Promise<number> {
    return Number(await this.provider().request({ method: "eth_chainId" }));
  }

  /** Throws WrongChainError unless the wallet is on the stack's chain. */
  async ensureChain(): Promise<void> {
    const id = await this.chainId();
    if (id !== this.cfg.chainId) throw new WrongChainError(id, this.cfg.chainId);
  }

  /** Asks the wallet to switch (adding the local chain first when it does not know it). */
  async switchChain(): Promise<void> {
    const chainId = `0x${this.cfg.chainId.toString(16)}`;
    try {
      await this.provider().request({ method: "wallet_switchEthereumChain", params: [{ chainId }] });
    } catch (error) {
      if ((error as { code?: number }).code !== 4902 || !this.cfg.rpcUrl) throw error;
      await this.provider().request({
        method: "wallet_addEthereumChain",
        params: [{ chainId, chainName: motifChain(this.cfg).name, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: [this.cfg.rpcUrl] }],
      });
    }
    this.changed();
  }

  /** A wallet client for the connected account, after checking the chain. */
  async client() {
    const account = this.address ?? (await this.connect());
    await this.ensureChain();
    return createWalletClient({ account, chain: motifChain(this.cfg), transport: custom(this.provider()) });
  }
}
