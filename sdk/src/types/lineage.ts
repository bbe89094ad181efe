// The lineage types, generated from the compiled contracts (scripts/generate-abis.ts): one lineage
// type shared by the contracts (`contracts/types/Lineage.sol`), the SDK and the pinned metadata.
import { CertificateKind } from "../generated/constants.js";

export { CertificateKind } from "../generated/constants.js";
export type { CertificateView, DatasetRegistration, Lineage, MintRequest, RecipeRegistration } from "../generated/structs.js";

/** The kind's name, as the SDK, CLI and metadata write it. */
export function certificateKindName(kind: number): "pattern" | "recipe" | "dataset" {
  if (kind === CertificateKind.Pattern) return "pattern";
  if (kind === CertificateKind.Recipe) return "recipe";
  if (kind === CertificateKind.Dataset) return "dataset";
  throw new RangeError(`certificate kind ${kind}: allowed 0 (pattern), 1 (recipe), 2 (dataset)`);
}
