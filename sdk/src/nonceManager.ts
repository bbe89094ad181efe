import type { Address, Client, NonceManager } from "viem";
import { getTransactionCount } from "viem/actions";

type KeyState = {
  /** The next never-used nonce, once read from the node. */
  next: number | undefined;
  /** Nonces handed out whose send failed: reused first, lowest first, unless the node has seen them. */
  released: number[];
  /** Consumes of this key, one after another. */
  queue: Promise<unknown>;
};

/**
 * A nonce manager for one signing key sending many transactions at once (the generator's mints, a
 * batch), as viem's `account.nonceManager`. Consecutive nonces are handed out locally; a send that
 * fails gives back its own nonce only (`reset({ nonce })`), which the next send takes unless the
 * node has seen it by then (its pending count passed it: the failed send did reach it). viem's
 * `createNonceManager` instead forgets everything on a reset and re-reads the node's pending count,
 * which does not yet include sends still on their way: the next two sends would take a nonce one of
 * them already holds, and the later one is refused "nonce too low".
 *
 * The node's pending count is read at the first send of a key and whenever a released nonce waits,
 * so another process sending from the same key is not seen otherwise: give each key one sender.
 *
 * @example
 * import { privateKeyToAccount } from "viem/accounts";
 * import { releasingNonceManager } from "@motif/sdk";
 * const account = privateKeyToAccount("0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80", { nonceManager: releasingNonceManager() });
 * console.log(account.nonceManager !== undefined); // true
 */
export function releasingNonceManager(): NonceManager {
  const states = new Map<string, KeyState>();
  const stateOf = (address: Address, chainId: number): KeyState => {
    const key = `${address.toLowerCase()}.${chainId}`;
    let s = states.get(key);
    if (s === undefined) states.set(key, (s = { next: undefined, released: [], queue: Promise.resolve() }));
    return s;
  };
  const pendingCount = (client: Client, address: Address) => getTransactionCount(client, { address, blockTag: "pending" });

  return {
    consume({ address, chainId, client }) {
      const s = stateOf(address, chainId);
      const turn = s.queue.then(async () => {
        if (s.next === undefined || s.released.length > 0) {
          const seen = await pendingCount(client, address);
          // a released nonce below the node's count was used after all (its send reached the node)
          s.released = s.released.filter((n) => n >= seen).sort((a, b) => a - b);
          if (s.next === undefined || seen > s.next) s.next = seen;
        }
        const reused = s.released.shift();
        if (reused !== undefined) return reused;
        return s.next++;
      });
      s.queue = turn.catch(() => undefined);
      return turn;
    },
    increment({ address, chainId }) {
      const s = stateOf(address, chainId);
      if (s.next !== undefined) s.next++;
    },
    async get({ address, chainId, client }) {
      const s = stateOf(address, chainId);
      await s.queue;
      if (s.released.length > 0) return Math.min(...s.released);
      return s.next ?? (await pendingCount(client, address));
    },
    reset({ address, chainId, nonce }) {
      const s = stateOf(address, chainId);
      // only the failed send's nonce: the others are on their way
      if (nonce !== undefined && !s.released.includes(nonce)) s.released.push(nonce);
    },
  };
}
