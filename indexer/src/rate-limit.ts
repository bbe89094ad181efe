import { type Transport, http } from "viem";

/**
 * A JSON-RPC transport that sends at most `perSecond` requests in any second: how the indexer shares
 * a hosted RPC plan with the stack's own writes. Ponder 0.17 ignores its `maxRequestsPerSecond`
 * option (deprecated there; it starts at 20 requests a second and raises the rate to 500), so the
 * limit is kept here, in the transport Ponder is given. A sliding window of the last sends, with 50 ms
 * to spare for the network's jitter: any second seen at the provider holds at most `perSecond`.
 */
export function rateLimitedHttp(url: string, perSecond: number): Transport {
  if (!Number.isInteger(perSecond) || perSecond < 1) throw new RangeError(`requests a second must be a whole number, 1 or more; got ${perSecond}`);
  const WINDOW_MS = 1_050;
  const sent: number[] = [];
  const turn = async (): Promise<void> => {
    for (;;) {
      const now = Date.now();
      while (sent.length > 0 && sent[0]! <= now - WINDOW_MS) sent.shift();
      if (sent.length < perSecond) {
        sent.push(now);
        return;
      }
      await new Promise((r) => setTimeout(r, sent[0]! + WINDOW_MS - now + 1));
    }
  };
  const inner = http(url, { batch: false });
  return (params) => {
    const transport = inner(params);
    return {
      ...transport,
      request: (async (args: Parameters<typeof transport.request>[0], options?: Parameters<typeof transport.request>[1]) => {
        await turn();
        return transport.request(args, options);
      }) as typeof transport.request,
    };
  };
}
