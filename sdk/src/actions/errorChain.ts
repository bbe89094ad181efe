/** Reading an RPC failure through viem's error chain (internal: not exported by the package). */

export type ErrorLike = { code?: unknown; status?: unknown; message?: unknown; details?: unknown };
/** The error and its causes, outermost first (at most 8). */
export function walkErrors(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== undefined && e !== null && depth < 8; depth++) {
    out.push(e as ErrorLike);
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

/**
 * Whether a send failed on the way, not at the node's judgement: the provider answered HTTP 502, 503
 * or 504 (a gateway or an overloaded node), or the request never got an answer (connection refused
 * or reset, timed out). The same signed bytes may be sent again: a node that took them keeps one
 * transaction under one hash. A JSON-RPC error (nonce, funds, a revert) is the node's answer and is not.
 */
export function isTransientSendFailure(error: unknown): boolean {
  const chain = walkErrors(error);
  if (chain.some((e) => typeof e.code === "number" && e.code !== 429 && (e as { name?: unknown }).name !== "HttpRequestError")) return false;
  return chain.some((e) => {
    const name = (e as { name?: unknown }).name;
    if (name === "TimeoutError") return true;
    if (name !== "HttpRequestError") return false;
    return e.status === undefined || e.status === 502 || e.status === 503 || e.status === 504;
  });
}

/** Whether the request got no answer in the transport's time (viem's TimeoutError). */
export const isTimeout = (error: unknown): boolean => walkErrors(error).some((e) => (e as { name?: unknown }).name === "TimeoutError");
