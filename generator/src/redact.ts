/**
 * Hides secrets in a message before it is printed: URLs keep only their scheme and host (hosted RPC
 * and IPFS endpoints carry API keys in their path, query or credentials), and the values of the
 * secret environment variables (private keys, API keys) never appear.
 */
export function redactSecrets(message: string, env: NodeJS.ProcessEnv = process.env): string {
  let out = message.replace(/\b(https?|wss?):\/\/([^\s"'<>/?#@]*@)?([^\s"'<>/?#]+)([^\s"'<>]*)/gi, (_m, scheme: string, _auth, host: string, rest: string) =>
    `${scheme}://${host}${rest && rest !== "/" ? "/…" : ""}`,
  );
  const secrets: string[] = [];
  for (const name of ["MOTIF_ATTESTER_KEY", "MOTIF_DEPLOYER_KEY", "MOTIF_WALLET_KEY", "SEPOLIA_PRIVATE_KEY"]) {
    const v = env[name];
    if (v && v.length >= 16) secrets.push(v, v.replace(/^0x/, ""));
  }
  try {
    for (const k of JSON.parse(env.MOTIF_API_KEYS ?? "[]") as Array<{ key?: unknown }>) if (typeof k.key === "string" && k.key.length >= 8) secrets.push(k.key);
  } catch {
    // a malformed key list is reported by `serve` itself, without its content
  }
  for (const secret of secrets) out = out.split(secret).join("[redacted]");
  return out;
}
