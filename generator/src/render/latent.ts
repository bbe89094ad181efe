import { CPPN } from "../model/cppn.js";

/**
 * The latent vector `z` of a seed (docs/model-io.md): splitmix64 from the seed, each component one
 * Box–Muller normal from two consecutive outputs, float32; `length` components (a model card's
 * `latent`; the shipped models take 8). A longer latent starts with the shorter one's components.
 */
export function latentOf(seed: bigint, length: number = CPPN.latent): Float32Array {
  let state = BigInt.asUintN(64, seed);
  const next = (): number => {
    state = BigInt.asUintN(64, state + 0x9e3779b97f4a7c15n);
    let z = state;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z ^= z >> 31n;
    return Number(z >> 11n) / 2 ** 53;
  };
  const out = new Float32Array(length);
  for (let i = 0; i < out.length; i++) {
    const u = Math.max(next(), 1e-12);
    out[i] = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  }
  return out;
}
