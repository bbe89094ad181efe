// Canonical JSON is shared with auditors' verification: one implementation, in the SDK.
export { canonicalJson } from "@motif/sdk";
