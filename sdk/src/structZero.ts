import { type AbiParameter, type Hex, zeroAddress } from "viem";

/** The zero value of one ABI parameter as viem decodes it (integers above 48 bits as bigint). */
export function zeroOf(p: AbiParameter): unknown {
  const type = p.type;
  if (type === "tuple") return Object.fromEntries((p as { components: readonly AbiParameter[] }).components.map((c) => [c.name!, zeroOf(c)]));
  if (type === "address") return zeroAddress;
  if (type === "bool") return false;
  const int = /^u?int(\d*)$/.exec(type);
  if (int !== null) return Number(int[1] || 256) > 48 ? 0n : 0;
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed !== null) return `0x${"00".repeat(Number(fixed[1]))}` as Hex;
  if (type === "bytes" || type === "string") return type === "bytes" ? "0x" : "";
  if (type.endsWith("]")) return [];
  throw new Error(`zeroOf: no zero value for ABI type ${type}`);
}
